// The window's cluster status, driven offscreen on the generated demo and its sandbox cluster:
// the sidebar's badges and pending count, the page header, the sandbox the window starts (and
// stops) versus one sluicectl started (left running), and a cluster that is down (one message).

#include "common/CliRun.h"
#include "common/Corpus.h"
#include "common/Demo.h"
#include "common/SandboxProcess.h"
#include "common/StaticHttpServer.h"

#include "ActivityLogModel.h"
#include "ActivityTab.h"
#include "ApplicationListModel.h"
#include "ApplicationPage.h"
#include "ElidedLabel.h"
#include "ClusterPage.h"
#include "ClusterStatusMonitor.h"
#include "ClusterWatcher.h"
#include "HistoryModel.h"
#include "HistoryTab.h"
#include "GitRevertPanel.h"
#include "ResourceDiffModel.h"
#include "ResourceStatusModel.h"
#include "ResourcesTab.h"
#include "DiffView.h"
#include "MainWindow.h"
#include "PendingCommitModel.h"
#include "PendingCommitsTab.h"
#include "ObjectDiffPanel.h"
#include "ReviewTab.h"
#include "RevisionPicker.h"
#include "SyncDialog.h"
#include "SyncPlanModel.h"
#include "sync/Cluster.h"

#include <QCheckBox>
#include <QDateTime>
#include <QDir>
#include <QRegularExpression>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QLoggingCategory>
#include <QPushButton>
#include <QRadioButton>
#include <QScopeGuard>
#include <QTabWidget>
#include <QTableView>
#include <QToolButton>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

using namespace sluice;

namespace {

using sluice::test::sluicectl;

QModelIndex row(MainWindow &window, const QString &application)
{
    return window.applications()->indexOfApplication(application);
}

int state(MainWindow &window, const QString &application)
{
    return row(window, application).data(ApplicationListModel::StatusStateRole).toInt();
}

ClusterConfig sandboxCluster(const QString &dataDir)
{
    ClusterConfig cluster;
    cluster.name = QStringLiteral("sandbox");
    cluster.sandbox = true;
    cluster.sandboxDataDir = dataDir;
    return cluster;
}

// What a watcher's failed() said, as the window hears it: connected after the watcher is made.
template<typename Watcher>
struct Failures : QObject
{
    QStringList errors;
    explicit Failures(Watcher *watcher) { connect(watcher, &Watcher::failed, this, [this](const QString &e) { errors << e; }); }
};

// For a wait that timed out: the page's status line and the activity log's last entries (what
// ran, how it ended, how long it took).
QString seen(MainWindow &window)
{
    QStringList lines{window.applicationPage()->clusterStatusLabel()->fullText()};
    ActivityLogModel *log = window.activityLog();
    for (int r = std::max(0, log->rowCount() - 12); r < log->rowCount(); ++r)
        lines << log->index(r, ActivityLogModel::ActivityColumn).data().toString() + QStringLiteral(": ") +
                     log->index(r, ActivityLogModel::StateColumn).data().toString() + QStringLiteral(" after ") +
                     log->index(r, ActivityLogModel::DurationColumn).data().toString() + QLatin1Char(' ') +
                     log->index(r, 0).data(ActivityLogModel::DetailRole).toString();
    return lines.join(QLatin1Char('\n'));
}

// Waits for the status of `application` (2 s under the sanitizers on a busy machine; 60 s is
// for a machine far busier); says what the window saw if it does not come. It took over 60 s
// in CI when the sandbox had stopped accepting connections (tst_sandboxhardening,
// clientsThatDoNotShakeHandsBlockNobody): the kube client's retries, logged (initTestCase),
// show a request that hung, and the sandbox's log shows what it served.
bool statusKnown(MainWindow &window, const QString &application)
{
    const int known = int(ApplicationStatusSummary::State::Known);
    if (QTest::qWaitFor([&] { return state(window, application) == known; }, 60000))
        return true;
    qWarning().noquote() << "no status of" << application << "within 60 s (state" << state(window, application) << "); the window saw:\n" << seen(window);
    return false;
}

// A deployed demo made in `dir` for a test; `error` says why making it failed.
struct DeployedDemo
{
    QString dir;
    QString workspace;
    QString dataDir; // its sandbox's
    QString error;
};

DeployedDemo deployedDemo(const QString &dir)
{
    return {dir, dir + "/sluice.yaml", dir + "/.sluice/sandbox", sluice::test::makeDeployedDemo(dir)};
}

// Shows `window` on `workspace` and waits for the first status of its application web.
bool openAndCheckWeb(MainWindow &window, const QString &workspace)
{
    window.show();
    return window.openWorkspace(workspace) && statusKnown(window, "web");
}

// A sandbox's log, short enough to read in a failure's output: what it said besides answering
// requests (held answers, timeouts, warnings), and the last requests it answered.
QString sandboxLogDigest(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("(no log: %1)").arg(file.errorString());
    static const QRegularExpression answered(QStringLiteral("sluice\\.sandbox: (GET|PUT|POST|PATCH|DELETE) \\S+ \\d{3}$"));
    QStringList said;
    QStringList requests;
    for (const QString &line : QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts))
        (answered.match(line).hasMatch() ? requests : said) << line;
    return (said.mid(std::max<qsizetype>(0, said.size() - 40)) + QStringList{QStringLiteral("... the last requests of %1:").arg(requests.size())} +
            requests.mid(std::max<qsizetype>(0, requests.size() - 15)))
        .join(QLatin1Char('\n'));
}

} // namespace

class TestClusterStatus : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QDateTime m_started; // of the test function running

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QLoggingCategory::setFilterRules(QStringLiteral("sluice.kube.debug=true")); // retries and dropped watches, in a failure's output
        // The sandboxes started from here log every request and any answer held a second or
        // more, with the time, like this test's own messages: a failed test prints them.
        qputenv("QT_LOGGING_RULES", "sluice.sandbox.debug=true");
        const char *pattern = "%{time hh:mm:ss.zzz} %{if-category}%{category}: %{endif}%{message}";
        qputenv("QT_MESSAGE_PATTERN", pattern);
        qSetMessagePattern(QString::fromLatin1(pattern));
        qputenv("XDG_CACHE_HOME", m_dir.filePath("cache").toUtf8());
        qputenv("SLUICE_SANDBOX_BIN", SLUICE_BINARY_DIR "/app/sluice-sandbox/sluice-sandbox");
    }

    // After each test, passed or not, the sandboxes of its demos are stopped: a failed check
    // returns before the test's own `sandbox stop`.
    void init() { m_started = QDateTime::currentDateTime(); }

    // A failed test prints what the sandboxes it used logged.
    void cleanup()
    {
        for (const QFileInfo &demo : QDir(m_dir.path()).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot)) {
            const QString dataDir = demo.filePath() + QStringLiteral("/.sluice/sandbox");
            (void)sync::stopSandbox(dataDir);
            if (QTest::currentTestFailed() && QFileInfo(dataDir + QStringLiteral("/sandbox.log")).lastModified() >= m_started)
                qWarning().noquote() << "the sandbox of" << demo.fileName() << "logged:\n" << sandboxLogDigest(dataDir + QStringLiteral("/sandbox.log"));
        }
    }

    void windowStartsAndStopsItsSandbox()
    {
        const QString demo = m_dir.filePath("fresh");
        const QString error = sluice::test::makeDemo(demo);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QString dataDir = demo + "/.sluice/sandbox";
        {
            MainWindow window;
            QVERIFY(openAndCheckWeb(window, demo + "/sluice.yaml"));
            QCOMPARE(row(window, "web").data(ApplicationListModel::SyncRole).toString(), QStringLiteral("OutOfSync"));
            QCOMPARE(row(window, "web").data(ApplicationListModel::HealthRole).toString(), QStringLiteral("Missing"));
            QCOMPARE(row(window, "web").data(ApplicationListModel::PendingRole).toInt(), -1); // never deployed
            QTRY_VERIFY(window.applicationPage()->clusterStatusLabel()->fullText().contains(QLatin1String("OutOfSync")));
            QVERIFY(window.applicationPage()->clusterStatusLabel()->fullText().contains(QLatin1String("never synced by Sluice")));
            QVERIFY(sync::sandboxState(dataDir).running);
            QCOMPARE(window.clusterStatus()->startedSandboxes(), QStringList{dataDir});
        }
        QVERIFY2(!sync::sandboxState(dataDir).running, "the window left the sandbox it started running");
    }

    // Any job of the window may start the sandbox, not only a status check: here the sandbox
    // sluicectl had started is stopped under the window, and a live review asked for at once
    // starts it again (or the status check that its lost watches bring). Sluice started that
    // one, so it stops it when it quits (a live review's was left running).
    void sandboxAnyJobStartedIsStoppedAtQuit()
    {
        const DeployedDemo demo = deployedDemo(m_dir.filePath("livestart"));
        QVERIFY2(demo.error.isEmpty(), qPrintable(demo.error));
        {
            MainWindow window;
            QStringList said; // on the status bar
            connect(window.clusterStatus(), &ClusterStatusMonitor::message, &window, [&](const QString &line) { said << line; });
            QVERIFY(openAndCheckWeb(window, demo.workspace));
            // Settled: no re-check of a Progressing application starts the sandbox again.
            QTRY_COMPARE_WITH_TIMEOUT(row(window, "web").data(ApplicationListModel::HealthRole).toString(), QStringLiteral("Healthy"), 30000);
            QVERIFY(window.clusterStatus()->startedSandboxes().isEmpty()); // sluicectl started it
            QCOMPARE(sluicectl({"--workspace", demo.workspace, "sandbox", "stop"}), 0);

            ReviewTab *review = window.applicationPage()->reviewTab();
            window.applicationPage()->tabs()->setCurrentWidget(review);
            review->basePicker()->setSpec("deployed");
            review->headPicker()->setSpec("main");
            QTest::mouseClick(review->compareBar()->findChildren<QToolButton *>().at(1), Qt::LeftButton); // Live → Head
            QTRY_COMPARE_WITH_TIMEOUT(review->diffPanel()->countsText(), QStringLiteral("+0 \u22120 ~2 =2"), 60000);
            QVERIFY(sync::sandboxState(demo.dataDir).running);
            QCOMPARE(window.clusterStatus()->startedSandboxes(), QStringList{demo.dataDir});
            // Said once, whichever job started it (a live review's start went unsaid).
            QTRY_COMPARE(said.filter("Started the sandbox cluster sandbox at " + sync::sandboxState(demo.dataDir).url).size(), 1);
        }
        QVERIFY2(!sync::sandboxState(demo.dataDir).running, "the window left a sandbox its live review started running");
    }

    // An owner's watch the cluster refuses (here: Flux is not installed) reports failed(), on
    // which the monitor says so once and watches again after the next status check; a cluster
    // that does not answer is retried by the watch itself (tst_kubewatch).
    void refusedOwnerWatchFails()
    {
        QTemporaryDir data;
        QVERIFY(bool(sync::ensureSandbox(data.path())));
        OwnerWatcher watcher(sandboxCluster(data.path()), QStringLiteral("web"), {"kustomize.toolkit.fluxcd.io", "v1", "kustomizations", "flux-system", "apps"}, {});
        Failures failed(&watcher);
        QTRY_COMPARE_WITH_TIMEOUT(failed.errors.size(), 1, 30000);
        QVERIFY2(failed.errors.first().contains(QLatin1String("404")) || failed.errors.first().contains(QLatin1String("not found")),
                 qPrintable(failed.errors.first()));
        QVERIFY(bool(sync::stopSandbox(data.path())));
    }

    // The watches of one cluster share one connection and one discovery: each kind's watch had
    // connected and read the API's discovery on its own (a window watching 10 kinds read it 10
    // times at start, and ran an exec credential plugin once a watch).
    void watchesShareOneDiscovery()
    {
        QTemporaryDir data;
        QVERIFY(bool(sync::ensureSandbox(data.path())));
        const auto stop = qScopeGuard([&] { (void)sync::stopSandbox(data.path()); });
        const auto served = [&](const QString &what) { // the sandbox logs every request (initTestCase)
            QFile log(data.path() + "/sandbox.log");
            return log.open(QIODevice::ReadOnly) ? QString::fromUtf8(log.readAll()).count(what) : 0;
        };
        const int discoveries = served(QStringLiteral("GET /apis 200"));
        {
            ClusterWatcher watcher(sandboxCluster(data.path()), QStringList{"web"},
                                   QSet<QString>{"/ConfigMap", "/Service", "apps/Deployment", "apps/StatefulSet"}, ClusterWatcher::Known{});
            QTRY_COMPARE_WITH_TIMEOUT(served(QStringLiteral("watch=true")), 4, 30000);
        }
        QCOMPARE(served(QStringLiteral("GET /apis 200")) - discoveries, 1);
    }

    // A watch follows a sandbox that runs and never starts one: the window stops only the
    // sandboxes its status checks started, and one a watch started ran on after the window quit.
    void watchesDoNotStartTheSandbox()
    {
        QTemporaryDir data;
        const ClusterConfig cluster = sandboxCluster(data.path());
        ClusterWatcher watcher(cluster, QStringList{"web"}, QSet<QString>{"/ConfigMap"}, ClusterWatcher::Known{});
        OwnerWatcher owner(cluster, QStringLiteral("web"), {"kustomize.toolkit.fluxcd.io", "v1", "kustomizations", "flux-system", "apps"}, {});
        Failures failed(&watcher);
        Failures ownerFailed(&owner);
        QTRY_COMPARE_WITH_TIMEOUT(failed.errors.size(), 1, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(ownerFailed.errors.size(), 1, 30000);
        QVERIFY2(failed.errors.first().contains(QLatin1String("is not running")), qPrintable(failed.errors.first()));
        QVERIFY(!sync::sandboxState(data.path()).running);
    }

    // A cluster whose discovery fails (here: a server that answers 404 to everything) cannot be
    // watched, and the watcher says so: it did not, and the kind went unwatched in silence.
    void watchWhoseDiscoveryFailsFails()
    {
        QTemporaryDir empty;
        test::StaticHttpServer server(empty.path());
        QFile kubeconfig(m_dir.filePath("404-kubeconfig"));
        QVERIFY(kubeconfig.open(QIODevice::WriteOnly));
        kubeconfig.write(QStringLiteral("apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: '%1'}\n"
                                        "users:\n- name: u\n  user: {}\ncontexts:\n- name: nothing\n  context: {cluster: c, user: u}\n")
                             .arg(server.url()).toUtf8());
        kubeconfig.close();
        ClusterConfig cluster;
        cluster.name = QStringLiteral("nothing");
        cluster.kubeconfig = kubeconfig.fileName();
        cluster.context = QStringLiteral("nothing");
        ClusterWatcher watcher(cluster, QStringList{"web"}, QSet<QString>{"/ConfigMap"}, ClusterWatcher::Known{});
        Failures failed(&watcher);
        QTRY_COMPARE_WITH_TIMEOUT(failed.errors.size(), 1, 30000);
        QVERIFY2(failed.errors.first().contains(QLatin1String("GET /api: not found")), qPrintable(failed.errors.first()));
        QVERIFY(server.requests() > 0);
    }

    void deployedDemoShowsPendingAndHold()
    {
        const DeployedDemo demo = deployedDemo(m_dir.filePath("deployed"));
        QVERIFY2(demo.error.isEmpty(), qPrintable(demo.error));
        {
            MainWindow window;
            QVERIFY(openAndCheckWeb(window, demo.workspace));
            QCOMPARE(row(window, "web").data(ApplicationListModel::SyncRole).toString(), QStringLiteral("OutOfSync"));
            QCOMPARE(row(window, "web").data(ApplicationListModel::PendingRole).toInt(), 2);
            QTRY_VERIFY(window.applicationPage()->clusterStatusLabel()->fullText().contains(QLatin1String("main is 2 commits ahead")));
            // Pending commits start at the deployed revision.
            QTRY_COMPARE_WITH_TIMEOUT(window.applicationPage()->pendingTab()->model()->rowCount(), 2, 30000);
            QVERIFY(window.applicationPage()->pendingTab()->sincePicker()->spec().startsWith(QLatin1String("b37c9c8")));
            // Resources: every object with sync and health; an OutOfSync one shows its diff.
            ResourcesTab *resources = window.applicationPage()->resourcesTab();
            QTRY_COMPARE(resources->model()->rowCount(), 4);
            int configMap = -1;
            for (int r = 0; r < resources->model()->rowCount(); ++r) {
                if (resources->model()->index(r, 0).data(ResourceStatusModel::KeyRole).toString() == QLatin1String("/ConfigMap/shop/web-config"))
                    configMap = r;
            }
            QVERIFY(configMap >= 0);
            QCOMPARE(resources->model()->index(configMap, ResourceStatusModel::SyncColumn).data().toString(), QStringLiteral("OutOfSync"));
            resources->view()->setCurrentIndex(resources->model()->index(configMap, 0));
            QVERIFY(resources->diffView()->message().isEmpty());
            QVERIFY(resources->diffView()->unifiedText().contains(QLatin1String("+  FEATURE_RECOMMENDATIONS")));
            resources->filterEdit()->setText(QStringLiteral("Deployment"));
            QCOMPARE(resources->model()->visibleCount(), 1);
            // Review: live is a third side, one click away. Live → Head is what a sync would change;
            // Live → Base (the deployed tag) is nothing.
            ReviewTab *review = window.applicationPage()->reviewTab();
            window.applicationPage()->tabs()->setCurrentWidget(review);
            QVERIFY(review->compareBar()->isVisible());
            const QList<QToolButton *> sides = review->compareBar()->findChildren<QToolButton *>();
            QCOMPARE(sides.size(), 3);
            review->basePicker()->setSpec("deployed");
            review->headPicker()->setSpec("main");
            QTest::mouseClick(sides.at(1), Qt::LeftButton);
            QCOMPARE(review->sides(), ReviewTab::Compare::LiveToHead);
            QTRY_COMPARE_WITH_TIMEOUT(review->diffPanel()->countsText(), QStringLiteral("+0 \u22120 ~2 =2"), 30000);
            QTRY_VERIFY(review->diffPanel()->diffView()->unifiedText().contains(QLatin1String("+  FEATURE_RECOMMENDATIONS")));
            QTest::mouseClick(sides.at(2), Qt::LeftButton);
            QTRY_COMPARE_WITH_TIMEOUT(review->diffPanel()->countsText(), QStringLiteral("+0 \u22120 ~0 =4"), 30000);
            QTRY_VERIFY(review->diffPanel()->diffView()->message().contains(QLatin1String("No object changes")));
            QTest::mouseClick(sides.at(0), Qt::LeftButton);
            QTRY_COMPARE_WITH_TIMEOUT(review->diffPanel()->countsText(), QStringLiteral("+0 \u22120 ~2 =2"), 30000);
            QVERIFY(!review->staleLabel()->isVisible());
            QVERIFY(!window.applicationPage()->holdBanner()->isVisible());
            QVERIFY(window.clusterStatus()->startedSandboxes().isEmpty()); // sluicectl started it

            // A sync from the CLI shows up by itself: the window watches the cluster (no F5, no polling).
            QCOMPARE(sluicectl({"--workspace", demo.workspace, "sync", "web", "--no-wait"}), 0);
            QTRY_COMPARE_WITH_TIMEOUT(row(window, "web").data(ApplicationListModel::SyncRole).toString(), QStringLiteral("Synced"), 30000);
            // Pending follows the deployed revision: nothing is pending once main is deployed.
            QTRY_COMPARE_WITH_TIMEOUT(window.applicationPage()->pendingTab()->model()->rowCount(), 0, 30000);
            QVERIFY(!window.applicationPage()->pendingTab()->sincePicker()->spec().startsWith(QLatin1String("b37c9c8")));
            // A rollback from the CLI; F5 shows its hold at once.

            QCOMPARE(sluicectl({"--workspace", demo.workspace, "rollback", "web", "--no-wait"}), 0);
            QTest::keyClick(&window, Qt::Key_F5);
            QTRY_VERIFY_WITH_TIMEOUT(!row(window, "web").data(ApplicationListModel::HoldRole).toString().isEmpty(), 30000);
            QTRY_VERIFY(window.applicationPage()->holdBanner()->isVisible());
            QVERIFY(window.applicationPage()->holdBanner()->text().contains(QLatin1String("held at")));
        }
        QVERIFY2(sync::sandboxState(demo.dataDir).running, "the window stopped a sandbox it did not start");
        QCOMPARE(sluicectl({"--workspace", demo.workspace, "sandbox", "stop"}), 0);
    }

    // The demo's status application deployed by Flux (simulated by the sandbox): the window shows
    // the owner and Flux's state, and its Suspend, Resume and Reconcile act through the Kustomization.
    // The sandbox stopped under the window: its watches lose it, and the status check that
    // follows starts it again, on another port; the window watches the new one (a sync from the
    // CLI shows by itself, as before the restart).
    void watchesFollowARestartedSandbox()
    {
        const DeployedDemo demo = deployedDemo(m_dir.filePath("restarted"));
        QVERIFY2(demo.error.isEmpty(), qPrintable(demo.error));
        MainWindow window;
        QStringList said; // on the status bar
        connect(window.clusterStatus(), &ClusterStatusMonitor::message, &window, [&](const QString &line) { said << line; });
        window.show();
        QVERIFY(window.openWorkspace(demo.workspace));
        const auto checked = [&] {
            return state(window, "web") == int(ApplicationStatusSummary::State::Known) &&
                   state(window, "status") == int(ApplicationStatusSummary::State::Known);
        };
        QTRY_VERIFY2_WITH_TIMEOUT(checked(), qPrintable(seen(window)), 30000);
        // Settled, and watched: the rollout's end came through a watch.
        QTRY_COMPARE_WITH_TIMEOUT(row(window, "web").data(ApplicationListModel::HealthRole).toString(), QStringLiteral("Healthy"), 30000);
        QCOMPARE(sluicectl({"--workspace", demo.workspace, "sandbox", "stop"}), 0);
        // No F5: the watches say the cluster stopped answering, and the check that follows starts
        // the sandbox again, on another port. The sidebar kept the last status before.
        QTRY_VERIFY2_WITH_TIMEOUT(!window.clusterStatus()->startedSandboxes().isEmpty(), qPrintable(said.join('\n')), 30000);
        QTRY_VERIFY2_WITH_TIMEOUT(checked(), qPrintable(seen(window)), 30000);
        QVERIFY2(said.filter("Cluster sandbox stopped answering").size() == 1, qPrintable(said.join('\n')));
        QVERIFY2(said.filter("Started the sandbox cluster sandbox").size() == 1, qPrintable(said.join('\n')));
        QCOMPARE(row(window, "web").data(ApplicationListModel::SyncRole).toString(), QStringLiteral("OutOfSync"));
        // Settled: no re-check of a Progressing application would see the sync instead of the watch.
        QTRY_COMPARE_WITH_TIMEOUT(row(window, "web").data(ApplicationListModel::HealthRole).toString(), QStringLiteral("Healthy"), 30000);
        QCOMPARE(sluicectl({"--workspace", demo.workspace, "sync", "web", "--no-wait"}), 0);
        QTRY_COMPARE_WITH_TIMEOUT(row(window, "web").data(ApplicationListModel::SyncRole).toString(), QStringLiteral("Synced"), 30000);
    }

    void fluxOwnedApplicationFromTheWindow()
    {
        SLUICE_CORPUS_OR_SKIP(corpus, QStringLiteral("flux-crds.yaml"));
        const QString demo = m_dir.filePath("flux");
        const QString error = sluice::test::makeFluxDemo(demo, corpus + QStringLiteral("/flux-crds.yaml"));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const auto suspended = [&] {
            const sluice::test::Run r = sluice::test::kubectl(demo + "/.sluice/sandbox/kubeconfig", m_dir.filePath("kcache"),
                                                              {"get", "kustomization", "status", "-n", "flux-system", "-o", "json"});
            return r.json().value(QLatin1String("spec")).toObject().value(QLatin1String("suspend")).toBool();
        };
        {
            MainWindow window;
            window.show();
            QVERIFY(window.openWorkspace(demo + "/sluice.yaml"));
            window.sidebar()->setCurrentIndex(row(window, "status"));
            ApplicationPage *page = window.applicationPage();
            QTRY_VERIFY_WITH_TIMEOUT(page->clusterStatusLabel()->fullText().contains(
                                         QLatin1String("Flux Kustomization flux-system/status: Reconciled")), 30000);
            QVERIFY(page->controllerButton()->isVisible());
            QAction *suspend = page->controllerAction(sync::ControllerVerb::Suspend);
            QAction *resume = page->controllerAction(sync::ControllerVerb::Resume);
            QVERIFY(suspend->isEnabled());
            QVERIFY(!resume->isEnabled());
            QVERIFY(!page->controllerAction(sync::ControllerVerb::Refresh)->isEnabled()); // Argo CD's

            // Changed outside the window (kubectl, the flux CLI): the owner's watch shows it, no F5.
            const auto patchSuspend = [&](const char *value) {
                return sluice::test::kubectl(demo + "/.sluice/sandbox/kubeconfig", m_dir.filePath("kcache"),
                                             {"patch", "kustomization", "status", "-n", "flux-system", "--type", "merge", "-p",
                                              QStringLiteral("{\"spec\":{\"suspend\":%1}}").arg(QLatin1String(value))}).exitCode;
            };
            QCOMPARE(patchSuspend("true"), 0);
            QTRY_VERIFY2_WITH_TIMEOUT(page->holdBanner()->isVisible(), qPrintable(seen(window)), 60000);
            QCOMPARE(patchSuspend("false"), 0);
            QTRY_VERIFY2_WITH_TIMEOUT(!page->holdBanner()->isVisible(), qPrintable(seen(window)), 60000);

            QTRY_VERIFY(suspend->isEnabled());
            suspend->trigger();
            QTRY_VERIFY2_WITH_TIMEOUT(page->holdBanner()->isVisible(), qPrintable(seen(window)), 30000);
            QVERIFY(suspended());
            QVERIFY(page->holdBanner()->text().contains(QLatin1String("Flux Kustomization flux-system/status is suspended")));
            QVERIFY(resume->isEnabled());
            QVERIFY(!page->controllerAction(sync::ControllerVerb::Reconcile)->isEnabled()); // Flux refuses while suspended

            // Resume, then reconcile. The owner's watch shows the resume, else the action's own
            // re-check does once Flux has reconciled: over 30 s once under the sanitizers on a
            // loaded machine (why is unknown; the message now says what the window had seen).
            resume->trigger();
            QTRY_VERIFY2_WITH_TIMEOUT(!page->holdBanner()->isVisible(), qPrintable(seen(window)), 60000);
            QVERIFY(!suspended());
            QTRY_VERIFY(page->controllerAction(sync::ControllerVerb::Reconcile)->isEnabled());
            QTest::keyClick(&window, Qt::Key_E, Qt::ControlModifier | Qt::ShiftModifier); // Reconcile now
            const auto reconciled = [&] {
                ActivityLogModel *log = window.activityLog();
                for (int r = 0; r < log->rowCount(); ++r) {
                    if (log->index(r, ActivityLogModel::ActivityColumn).data().toString() == QLatin1String("Reconcile Now status"))
                        return log->index(r, 0).data(ActivityLogModel::StateRole).toInt() == int(ActivityLogModel::State::Succeeded);
                }
                return false;
            };
            QTRY_VERIFY_WITH_TIMEOUT(reconciled(), 30000);
        }
        QCOMPARE(sluicectl({"--workspace", demo + "/sluice.yaml", "sandbox", "stop"}), 0);
    }

    void syncAndRollBackFromTheWindow()
    {
        const DeployedDemo demo = deployedDemo(m_dir.filePath("sync"));
        QVERIFY2(demo.error.isEmpty(), qPrintable(demo.error));
        MainWindow window;
        window.show();
        QVERIFY(window.openWorkspace(demo.workspace));
        // On a timeout, the row's tooltip says what the status check saw (or why it failed).
        QTRY_VERIFY2_WITH_TIMEOUT(row(window, "web").data(ApplicationListModel::PendingRole).toInt() == 2,
                                  qPrintable(row(window, "web").data(Qt::ToolTipRole).toString()), 30000);

        // Sync…: the plan, with the target named.
        QTest::mouseClick(window.applicationPage()->syncButton(), Qt::LeftButton);
        SyncDialog *dialog = window.syncDialog();
        QVERIFY(dialog);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->model()->rowCount() == 4, 30000);
        QVERIFY(dialog->targetLabel()->text().contains(QLatin1String("cluster <b>sandbox</b>")));
        QVERIFY(dialog->targetLabel()->text().contains(QLatin1String("context <b>sluice-sandbox</b>")));
        QVERIFY(dialog->targetLabel()->text().contains(QLatin1String("namespace <b>shop</b>")));
        QVERIFY2(dialog->summaryLabel()->text().contains(QLatin1String("update 2")), qPrintable(dialog->summaryLabel()->text()));
        QVERIFY(dialog->applyButton()->isEnabled());
        QVERIFY(dialog->diffView()->message().isEmpty()); // the first changed step's diff is shown

        // Leave the ConfigMap out (Space on its checkbox), then sync.
        int configMap = -1;
        for (int r = 0; r < dialog->model()->rowCount(); ++r) {
            if (dialog->model()->index(r, 0).data(SyncPlanModel::KeyRole).toString() == QLatin1String("/ConfigMap/shop/web-config"))
                configMap = r;
        }
        QVERIFY(configMap >= 0);
        dialog->stepsView()->setFocus();
        dialog->stepsView()->setCurrentIndex(dialog->model()->index(configMap, 0));
        QTest::keyClick(dialog->stepsView(), Qt::Key_Space);
        QCOMPARE(dialog->model()->selectedCount(), 1);
        QTest::mouseClick(dialog->applyButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->resultLabel()->text().startsWith(QLatin1String("Succeeded: 1 applied")), 60000);
        QCOMPARE(dialog->model()->index(configMap, SyncPlanModel::OutcomeColumn).data().toString(), QStringLiteral("skipped"));
        QVERIFY(dialog->showActivityButton()->isVisible());
        for (int r = 0; r < dialog->model()->rowCount(); ++r) {
            if (!dialog->model()->index(r, 0).data(SyncPlanModel::SelectableRole).toBool())
                QCOMPARE(dialog->model()->index(r, SyncPlanModel::OutcomeColumn).data().toString(), QStringLiteral("unchanged"));
        }
        // The result links to Activity, where the sync is the newest entry.
        QTest::mouseClick(dialog->showActivityButton(), Qt::LeftButton);
        QTRY_VERIFY(!window.syncDialog());
        QCOMPARE(window.applicationPage()->tabs()->currentWidget(), window.applicationPage()->activityTab());
        // Still OutOfSync: the ConfigMap was left out.
        QTRY_COMPARE_WITH_TIMEOUT(row(window, "web").data(ApplicationListModel::SyncRole).toString(), QStringLiteral("OutOfSync"), 30000);

        // Rollback…: back to the deployed tag, and the hold banner.
        QTest::mouseClick(window.applicationPage()->rollbackButton(), Qt::LeftButton);
        dialog = window.syncDialog();
        QVERIFY(dialog);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->model()->rowCount() > 0, 30000);
        QVERIFY(dialog->targetLabel()->text().startsWith(QLatin1String("Roll back")));

        // The Git way first: preview (nothing created), then the branch.
        QTest::mouseClick(dialog->gitModeButton(), Qt::LeftButton);
        GitRevertPanel *git = dialog->gitRevertPanel();
        QVERIFY(git->isVisible());
        QCOMPARE(git->commitsEdit()->text(), QStringLiteral("ac5b10d dfc653b")); // deployed since the target, newest first
        QTest::mouseClick(git->previewButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(git->resultLabel()->text().startsWith(QLatin1String("Preview: sluice/revert-ac5b10d would deploy")), 30000);
        QVERIFY2(git->resultLabel()->text().contains(QLatin1String("2 changed")), qPrintable(git->resultLabel()->text()));
        const auto branchExists = [&demo] {
            QProcess p;
            p.start("git", {"-C", demo.dir, "rev-parse", "--verify", "-q", "refs/heads/sluice/revert-ac5b10d"});
            p.waitForFinished();
            return p.exitCode() == 0;
        };
        QVERIFY(!branchExists());
        QTest::mouseClick(git->createButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(git->resultLabel()->text().startsWith(QLatin1String("Created sluice/revert-ac5b10d")), 30000);
        QVERIFY(branchExists());

        // Then the cluster way.
        QTest::mouseClick(dialog->clusterModeButton(), Qt::LeftButton);
        QTest::mouseClick(dialog->applyButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->resultLabel()->text().startsWith(QLatin1String("Succeeded")), 60000);
        dialog->close();
        QTRY_VERIFY_WITH_TIMEOUT(window.applicationPage()->holdBanner()->isVisible(), 30000);

        // While held, Sync… needs the hold released first.
        QTest::mouseClick(window.applicationPage()->syncButton(), Qt::LeftButton);
        dialog = window.syncDialog();
        QTRY_VERIFY_WITH_TIMEOUT(dialog->releaseHoldBox()->isVisible(), 30000);
        QVERIFY(!dialog->applyButton()->isEnabled());
        dialog->close();
        // The banner's Release hold… opens the same plan with the release ticked.
        QVERIFY(window.applicationPage()->releaseHoldButton()->isVisible());
        QTest::mouseClick(window.applicationPage()->releaseHoldButton(), Qt::LeftButton);
        dialog = window.syncDialog();
        QTRY_VERIFY_WITH_TIMEOUT(dialog->releaseHoldBox()->isVisible(), 30000);
        QVERIFY(dialog->releaseHoldBox()->isChecked());
        QVERIFY(dialog->applyButton()->isEnabled());
        QTest::mouseClick(dialog->applyButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->resultLabel()->text().startsWith(QLatin1String("Succeeded")), 60000);
        dialog->close();
        QTRY_VERIFY_WITH_TIMEOUT(!window.applicationPage()->holdBanner()->isVisible(), 30000);
        QTRY_COMPARE_WITH_TIMEOUT(row(window, "web").data(ApplicationListModel::SyncRole).toString(), QStringLiteral("Synced"), 30000);

        // History: every step above, newest first, with commit summaries; roll back to the first.
        ApplicationPage *page = window.applicationPage();
        page->tabs()->setCurrentWidget(page->historyTab());
        HistoryModel *history = page->historyTab()->model();
        QTRY_COMPARE_WITH_TIMEOUT(history->rowCount(), 6, 30000); // sync, release, hold, rollback, sync, sync
        QStringList actions;
        for (int r = 0; r < history->rowCount(); ++r)
            actions << history->index(r, HistoryModel::ActionColumn).data().toString();
        QCOMPARE(actions, (QStringList{"sync", "release", "hold", "rollback", "sync", "sync"}));
        const int first = history->rowCount() - 1;
        QCOMPARE(history->index(first, HistoryModel::RevisionColumn).data().toString(), QStringLiteral("b37c9c8 web: scale prod to 4 replicas"));
        page->historyTab()->view()->setCurrentIndex(history->index(1, 0));
        QVERIFY(!page->historyTab()->rollbackButton()->isEnabled()); // a release is no deployment
        page->historyTab()->view()->setCurrentIndex(history->index(first, 0));
        QVERIFY(page->historyTab()->rollbackButton()->isEnabled());
        // The selected entry against live: what rolling back to it would change.
        QTRY_COMPARE_WITH_TIMEOUT(page->historyTab()->diffPanel()->countsText(), QStringLiteral("+0 \u22120 ~2 =2"), 30000);
        QVERIFY(page->historyTab()->diffPanel()->diffView()->message().isEmpty());
        QTest::mouseClick(page->historyTab()->rollbackButton(), Qt::LeftButton);
        dialog = window.syncDialog();
        QVERIFY(dialog);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->summaryLabel()->text().startsWith(QLatin1String("#1 at b37c9c8")), 30000);
        QVERIFY2(dialog->summaryLabel()->text().contains(QLatin1String("update 2")), qPrintable(dialog->summaryLabel()->text()));
        dialog->close();
        QCOMPARE(sluicectl({"--workspace", demo.workspace, "sandbox", "stop"}), 0);
    }

    void clusterDownIsOneMessage()
    {
        const QString demo = m_dir.filePath("down");
        const QString error = sluice::test::makeDemo(demo);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        // Every application on a cluster whose server refuses connections.
        QFile kubeconfig(m_dir.filePath("down-kubeconfig"));
        QVERIFY(kubeconfig.open(QIODevice::WriteOnly));
        kubeconfig.write("apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: 'http://127.0.0.1:9'}\n"
                         "users:\n- name: u\n  user: {}\ncontexts:\n- name: down\n  context: {cluster: c, user: u}\ncurrent-context: down\n");
        kubeconfig.close();
        QFile ws(demo + "/down.yaml");
        QVERIFY(ws.open(QIODevice::WriteOnly));
        ws.write(QStringLiteral("apiVersion: sluice.dev/v1alpha1\nkind: Workspace\nclusters:\n  - {name: prod, context: down, kubeconfig: %1}\n"
                                "applications:\n"
                                "  - name: web\n    source: {repo: ., revision: main, path: apps/web/overlays/prod}\n    destination: {cluster: prod, namespace: shop}\n"
                                "  - name: status\n    source: {repo: ., revision: main, path: apps/status, renderer: plain}\n    destination: {cluster: prod, namespace: shop}\n")
                     .arg(kubeconfig.fileName()).toUtf8());
        ws.close();
        MainWindow window;
        window.show();
        QVERIFY(window.openWorkspace(ws.fileName()));
        QTRY_COMPARE_WITH_TIMEOUT(state(window, "web"), int(ApplicationStatusSummary::State::Failed), 30000);
        QTRY_COMPARE_WITH_TIMEOUT(state(window, "status"), int(ApplicationStatusSummary::State::Failed), 30000);
        QVERIFY(row(window, "web").data(ApplicationListModel::StatusErrorRole).toString().contains(QLatin1String("connection refused")));
        QLabel *statusBar = nullptr;
        for (QLabel *label : window.findChildren<QLabel *>()) {
            if (label->accessibleName() == QLatin1String("Status"))
                statusBar = label;
        }
        QVERIFY(statusBar);
        QVERIFY2(statusBar->text().startsWith(QLatin1String("Cluster prod: ")) && statusBar->text().contains(QLatin1String("connection refused")),
                 qPrintable(statusBar->text()));
        QTRY_VERIFY(window.applicationPage()->clusterStatusLabel()->fullText().startsWith(QLatin1String("Cluster status unknown: ")));
        // A job that ends later (a pending commit's diff) does not wipe the message.
        PendingCommitsTab *pending = window.applicationPage()->pendingTab();
        QTRY_VERIFY_WITH_TIMEOUT(pending->model()->rowCount() > 1 && !pending->isBusy(), 30000);
        pending->table()->setCurrentIndex(pending->model()->index(1, 0)); // the newest is selected already
        QTRY_VERIFY(pending->isBusy());
        QTRY_VERIFY_WITH_TIMEOUT(!pending->isBusy(), 30000);
        QVERIFY2(statusBar->text().startsWith(QLatin1String("Cluster prod: ")), qPrintable(statusBar->text()));
        // The cluster's own row says why, once; selecting it shows it instead of an application page.
        const QModelIndex prod = window.applications()->indexOfCluster(QStringLiteral("prod"));
        QVERIFY(prod.data(ApplicationListModel::ClusterErrorRole).toString().contains(QLatin1String("connection refused")));
        window.sidebar()->setCurrentIndex(prod);
        QVERIFY(window.clusterPage()->isVisible());
        QVERIFY(!window.applicationPage()->isVisible());
        QVERIFY2(window.clusterPage()->summaryLabel()->text().contains(QLatin1String("It cannot be reached")),
                 qPrintable(window.clusterPage()->summaryLabel()->text()));
        window.sidebar()->setCurrentIndex(row(window, "web"));
        // The record has both checks.
        int failed = 0;
        for (int r = 0; r < window.activityLog()->rowCount(); ++r)
            failed += window.activityLog()->index(r, 0).data(ActivityLogModel::StateRole).toInt() == int(ActivityLogModel::State::Failed);
        QVERIFY(failed >= 2);
    }

    // A cluster (not a sandbox of the workspace: a server the kubeconfig names) that goes away
    // under the window shows as unreachable without F5, and as itself again when it is back on
    // its address. Before, the sidebar kept the last status while the watches retried unseen.
    void clusterThatGoesAndComesBackIsShown()
    {
        const QString demo = m_dir.filePath("comesback");
        const QString error = sluice::test::makeDemo(demo);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QString serverDir = m_dir.filePath("comesback-server");
        const QString binary = QStringLiteral(SLUICE_BINARY_DIR "/app/sluice-sandbox/sluice-sandbox");
        test::SandboxProcess server;
        QVERIFY(server.start(binary, serverDir));
        const QString port = QString::number(QUrl(server.url()).port());
        QFile ws(demo + "/prod.yaml");
        QVERIFY(ws.open(QIODevice::WriteOnly));
        ws.write(QStringLiteral("apiVersion: sluice.dev/v1alpha1\nkind: Workspace\nclusters:\n  - {name: prod, context: sluice-sandbox, kubeconfig: %1}\n"
                                "applications:\n"
                                "  - name: status\n    source: {repo: ., revision: main, path: apps/status, renderer: plain}\n    destination: {cluster: prod, namespace: shop}\n")
                     .arg(server.kubeconfig())
                     .toUtf8());
        ws.close();
        MainWindow window;
        QStringList said; // on the status bar
        connect(window.clusterStatus(), &ClusterStatusMonitor::message, &window, [&](const QString &line) { said << line; });
        window.show();
        QVERIFY(window.openWorkspace(ws.fileName()));
        QVERIFY(statusKnown(window, "status"));
        const auto watches = [&] { // the server logs every request (initTestCase)
            QFile log(serverDir + "/sandbox.log");
            return log.open(QIODevice::ReadOnly) ? QString::fromUtf8(log.readAll()).count(QLatin1String("watch=true")) : 0;
        };
        QTRY_VERIFY_WITH_TIMEOUT(watches() >= 2, 30000); // of Deployments and PodDisruptionBudgets

        server.stop();
        QTRY_COMPARE_WITH_TIMEOUT(state(window, "status"), int(ApplicationStatusSummary::State::Failed), 30000);
        QVERIFY(row(window, "status").data(ApplicationListModel::StatusErrorRole).toString().contains(QLatin1String("connection refused")));
        QVERIFY2(said.filter("Cluster prod stopped answering").size() == 1, qPrintable(said.join('\n')));

        QVERIFY(server.start(binary, serverDir, {"--port", port})); // the same data, at the same address
        QVERIFY(statusKnown(window, "status"));
        QCOMPARE(row(window, "status").data(ApplicationListModel::HealthRole).toString(), QStringLiteral("Missing"));
        QVERIFY2(said.filter("Cluster prod answers again").size() == 1, qPrintable(said.join('\n')));
        QVERIFY(window.applications()->indexOfCluster(QStringLiteral("prod")).data(ApplicationListModel::ClusterErrorRole).toString().isEmpty());
    }
};

QTEST_MAIN(TestClusterStatus)
#include "tst_clusterstatus.moc"
