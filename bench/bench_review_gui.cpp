// A review with 5,000 changed objects in the window (offscreen): time from the request to the
// first object's diff painted, and the process's resident memory (PSS) with the review open.
// The peer in the same run is `git diff` of the same two rendered trees, for scale.
// Then the control panel: 20 applications of 300 objects each, synced to a sandbox; time from
// opening the workspace to every application's status painted in the sidebar, vs `kubectl diff
// --server-side` of the same 6,000 objects; PSS with that window open (aim <= 120 MB).
//
// Usage: bench_review_gui   (runs the control-panel part as `bench_review_gui --control-panel`)

#include "SyncBench.h"

#include "ApplicationListModel.h"

#include "ApplicationPage.h"
#include "DiffView.h"
#include "MainWindow.h"
#include "ObjectDiffPanel.h"
#include "PendingCommitsTab.h"
#include "RefsModel.h"
#include "ReviewTab.h"
#include "RevisionPicker.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QPlainTextEdit>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTreeView>

using namespace sluice;
using namespace sluice::bench;

namespace {

QByteArray objects(int count, int version)
{
    QByteArray text;
    for (int i = 0; i < count; ++i) {
        const QByteArray n = QByteArray::number(i);
        text += "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-" + n + "\n  namespace: ns-" +
                QByteArray::number(i % 20) + "\nspec:\n  replicas: " + QByteArray::number(2 + version) +
                "\n  template:\n    spec:\n      containers:\n      - name: main\n        image: registry.example.com/app-" + n +
                ":1." + QByteArray::number(version) + "\n        env:\n        - {name: MODE, value: production}\n---\n";
    }
    return text;
}

// Counts paints of a widget.
class PaintCounter : public QObject
{
public:
    int paints = 0;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Paint)
            ++paints;
        return QObject::eventFilter(watched, event);
    }
};

// 20 applications × 300 objects on a sandbox: the window's status of all of them vs kubectl.
bool statusOfTwentyApplications(QTemporaryDir &tmp)
{
    SandboxProcess sandbox;
    if (!startSandbox(sandbox, tmp.filePath("sandbox"))) {
        qWarning("sluice-sandbox did not start");
        return false;
    }
    const QString repo = tmp.filePath("fleet");
    QByteArray workspace = "apiVersion: sluice.dev/v1alpha1\nkind: Workspace\nclusters:\n  - {name: bench, context: sluice-sandbox, "
                           "kubeconfig: " + sandbox.kubeconfig().toUtf8() + "}\napplications:\n";
    QList<QJsonObject> everything;
    for (int a = 0; a < 20; ++a) {
        QList<QJsonObject> objects = generateObjects(300, 1);
        for (QJsonObject &o : objects) { // one namespace per application
            QJsonObject metadata = o.value("metadata").toObject();
            const QString ns = QStringLiteral("app-%1").arg(a);
            metadata.insert("name", o.value("kind").toString() == QLatin1String("Namespace") ? ns : metadata.value("name").toString());
            if (o.value("kind").toString() != QLatin1String("Namespace"))
                metadata.insert("namespace", ns);
            o.insert("metadata", metadata);
        }
        QByteArray yaml;
        for (const QJsonObject &o : objects)
            yaml += "---\n" + yaml::toYaml(o);
        writeFile(repo + QStringLiteral("/apps/app-%1/objects.yaml").arg(a), yaml);
        workspace += QStringLiteral("  - name: app-%1\n    source: {repo: ., revision: main, path: apps/app-%1, renderer: plain}\n"
                                    "    destination: {cluster: bench, namespace: app-%1}\n").arg(a).toUtf8();
        everything += objects;
    }
    writeFile(repo + "/sluice.yaml", workspace);
    runGit(repo, {"init", "-q", "-b", "main"});
    runGit(repo, {"add", "-A"});
    runGit(repo, {"commit", "-qm", "fleet"});
    for (int a = 0; a < 20; ++a) {
        if (!runPeer(sluicectlPath(), {"--workspace", repo + "/sluice.yaml", "--no-cache", "sync", QStringLiteral("app-%1").arg(a), "--no-wait"})) {
            qWarning("sync of app-%d failed", a);
            return false;
        }
    }
    QByteArray labelled;
    for (int a = 0; a < 20; ++a)
        labelled += labelledYaml(everything.mid(a * 300, 300), QStringLiteral("app-%1").arg(a));
    writeFile(tmp.filePath("fleet.yaml"), labelled);
    const double kubectlMs = medianMs(1, [&] {
        runPeer("kubectl", {"--kubeconfig", sandbox.kubeconfig(), "diff", "--server-side", "--field-manager", "sluice", "--force-conflicts",
                            "-f", tmp.filePath("fleet.yaml")});
    });

    const qint64 pssBefore = pssKiB();
    MainWindow window;
    window.resize(1280, 800);
    window.show();
    PaintCounter counter;
    window.sidebar()->viewport()->installEventFilter(&counter);
    int paintsAtLastChange = 0; // the paint that shows the last status change comes after this
    QObject::connect(window.applications(), &QAbstractItemModel::dataChanged, &window,
                     [&] { paintsAtLastChange = counter.paints; });
    QElapsedTimer clock;
    clock.start();
    window.openWorkspace(repo + "/sluice.yaml");
    auto known = [&window] {
        int count = 0;
        for (int a = 0; a < 20; ++a) {
            const int state = window.applications()->indexOfApplication(QStringLiteral("app-%1").arg(a))
                                  .data(ApplicationListModel::StatusStateRole).toInt();
            count += state == int(ApplicationStatusSummary::State::Known) || state == int(ApplicationStatusSummary::State::Failed);
        }
        return count;
    };
    while (known() < 20 && clock.elapsed() < 600000)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 20);
    while (counter.paints <= paintsAtLastChange && clock.elapsed() < 600000)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 5);
    const double statusMs = double(clock.nsecsElapsed()) / 1e6;
    report(QStringLiteral("20 applications x 300 objects: open to every status painted"), statusMs,
           QStringLiteral("kubectl diff --server-side of the 6,000 objects"), kubectlMs);
    QTextStream(stdout) << "PSS with that window open: " << pssKiB() / 1024 << " MiB (aim <= 120 MB; before it: " << pssBefore / 1024
                        << " MiB)" << Qt::endl;
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);
    QTemporaryDir tmp;
    qputenv("XDG_CACHE_HOME", tmp.filePath("cache").toUtf8());
    if (app.arguments().contains(QStringLiteral("--control-panel")))
        return statusOfTwentyApplications(tmp) ? 0 : 1;
    const QString repo = tmp.filePath("repo");
    writeFile(repo + "/apps/big/objects.yaml", objects(5000, 0));
    writeFile(repo + "/sluice.yaml", "apiVersion: sluice.dev/v1alpha1\nkind: Workspace\napplications:\n"
                                 "  - name: big\n    source: {repo: ., revision: main, path: apps/big, renderer: plain}\n");
    runGit(repo, {"init", "-q", "-b", "main"});
    runGit(repo, {"add", "-A"});
    runGit(repo, {"commit", "-qm", "v0"});
    writeFile(repo + "/apps/big/objects.yaml", objects(5000, 1));
    runGit(repo, {"commit", "-qam", "v1: every object changes"});

    const double gitMs = medianMs(3, [&] { runPeer("git", {"-C", repo, "diff", "main~1", "main"}); });
    const qint64 pssBefore = pssKiB();
    { // the review window goes before the control-panel measurement
        MainWindow window;
        window.resize(1280, 800);
        window.show();
        window.openWorkspace(repo + "/sluice.yaml");
        ApplicationPage *page = window.applicationPage();
        // A quiet window: the pending commits listed and their objects counted (background work
        // that would otherwise share the cores with the review measured).
        while (page->isBusy() || page->refs()->rowCount() == 0 || page->pendingTab()->isCounting())
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
        page->tabs()->setCurrentWidget(page->reviewTab());
        ReviewTab *review = page->reviewTab();
        review->basePicker()->setSpec("main~1");
        review->headPicker()->setSpec("main");
        DiffView *diff = review->diffPanel()->diffView();
        PaintCounter counter;
        QCoreApplication::processEvents();

        QElapsedTimer clock;
        clock.start();
        review->review();
        for (QPlainTextEdit *editor : diff->editors())
            editor->viewport()->installEventFilter(&counter);
        while (!(diff->message().isEmpty() && counter.paints > 0)) {
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 5);
            if (clock.elapsed() > 300000)
                break;
            if (diff->message().isEmpty() && counter.paints == 0) {
                for (QPlainTextEdit *editor : diff->editors())
                    editor->viewport()->installEventFilter(&counter);
            }
        }
        const double firstDiffMs = double(clock.nsecsElapsed()) / 1e6;
        const qint64 pssOpen = pssKiB();
        report(QStringLiteral("review of 5,000 changed objects, request to first diff painted"), firstDiffMs,
               QStringLiteral("git diff of the same commits"), gitMs);
        QTextStream(stdout) << "PSS with the review open: " << pssOpen / 1024 << " MiB (before the window: " << pssBefore / 1024
                            << " MiB; aim <= 120 MB)" << Qt::endl;
    }
    // The control panel in a fresh process, so its PSS is its own.
    QProcess fresh;
    fresh.setProcessChannelMode(QProcess::ForwardedOutputChannel);
    fresh.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--control-panel")});
    fresh.waitForFinished(900000);
    return fresh.exitCode();
}
