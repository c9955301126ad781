// Renders the main window on the demo at 1280×800 in a light and a dark palette, checks what the
// widgets show, and saves PNGs under <build>/screenshots for people to look at: the Git side
// (Pending commits, Review) and the cluster side on a sandbox (overview with badges, Resources,
// the Sync dialog with its plan, in progress and done, the Rollback dialog, the hold banner,
// History).

#include "common/Corpus.h"
#include "common/Demo.h"
#include "common/Fleet.h"

#include "ApplicationListModel.h"
#include "ApplicationPage.h"
#include "ClusterPage.h"
#include "DiffView.h"
#include "ElidedLabel.h"
#include "HistoryModel.h"
#include "HistoryTab.h"
#include "MainWindow.h"
#include "ObjectDiffPanel.h"
#include "PendingCommitModel.h"
#include "PendingCommitsTab.h"
#include "ResourceDiffModel.h"
#include "ResourcesTab.h"
#include "ResourceStatusModel.h"
#include "ReviewTab.h"
#include "RevisionPicker.h"
#include "SyncDialog.h"
#include "SyncPlanModel.h"
#include "Theme.h"

#include <QApplication>
#include <QDir>
#include <QLabel>
#include <QPushButton>
#include <QStandardPaths>
#include <QStyleFactory>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

using namespace sluice;

namespace {

int rowOfSummary(PendingCommitModel *model, const QString &summary)
{
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->index(row, PendingCommitModel::SummaryColumn).data().toString() == summary)
            return row;
    }
    return -1;
}

} // namespace

class TestScreenshots : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_demo;
    QString m_out = QStringLiteral(SLUICE_BINARY_DIR "/screenshots");

    void shoot(const QString &name)
    {
        MainWindow window;
        window.resize(1280, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openWorkspace(m_demo + "/sluice.yaml"));
        const QModelIndex sandbox = window.applications()->index(0, 0, window.applications()->index(0, 0));
        QCOMPARE(window.applications()->rowCount(sandbox), 3); // the demo's cluster and its applications
        ApplicationPage *page = window.applicationPage();
        PendingCommitsTab *pending = page->pendingTab();
        QTRY_COMPARE_WITH_TIMEOUT(pending->model()->rowCount(), 5, 20000);
        pending->table()->setCurrentIndex(pending->model()->index(rowOfSummary(pending->model(), "web: rotate database password"), 0));
        QTRY_COMPARE_WITH_TIMEOUT(pending->diffPanel()->model()->rowCount(), 1, 20000);
        QTRY_VERIFY(pending->diffPanel()->diffView()->unifiedText().contains("DATABASE_PASSWORD"));
        QTRY_VERIFY(!page->isBusy());
        QVERIFY(page->headerLabel()->fullText().contains("tracking main"));
        QVERIFY(window.grab().save(m_out + "/" + name + "-pending.png"));

        ReviewTab *review = page->reviewTab();
        page->tabs()->setCurrentWidget(review);
        review->basePicker()->setSpec("v1.0.0~2");
        review->headPicker()->setSpec("pull/7");
        review->review();
        QTRY_COMPARE_WITH_TIMEOUT(review->diffPanel()->countsText(), QStringLiteral("+2 \u22120 ~3 =1"), 20000);
        QTRY_VERIFY(review->diffPanel()->diffView()->message().isEmpty());
        QTRY_VERIFY(!page->isBusy());
        QVERIFY(window.grab().save(m_out + "/" + name + "-review.png"));
        qInfo() << "saved" << m_out + "/" + name + "-{pending,review}.png";
    }

    void save(QWidget *widget, const QString &file)
    {
        QVERIFY2(widget->grab().save(m_out + "/" + file), qPrintable(file));
    }

    // The cluster side on a sandbox the demo was deployed to (the `deployed` tag, so web is
    // OutOfSync with pending commits).
    void shootClusterSide(const QString &name)
    {
        const QString demo = m_dir.filePath(name);
        const QString error = sluice::test::makeDeployedDemo(demo);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QString workspace = demo + "/sluice.yaml";
        {
            MainWindow window;
            window.resize(1280, 800);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            QVERIFY(window.openWorkspace(workspace));
            ApplicationListModel *apps = window.applications();
            const QModelIndex web = apps->indexOfApplication("web");
            QTRY_COMPARE_WITH_TIMEOUT(web.data(ApplicationListModel::SyncRole).toString(), QStringLiteral("OutOfSync"), 30000);
            QTRY_COMPARE_WITH_TIMEOUT(web.data(ApplicationListModel::PendingRole).toInt(), 2, 30000);
            // The sandbox's simulated controllers finish the rollout the CLI started.
            QTRY_COMPARE_WITH_TIMEOUT(web.data(ApplicationListModel::HealthRole).toString(), QStringLiteral("Healthy"), 30000);
            for (int row = 0; row < apps->rowCount(web.parent()); ++row)
                QTRY_COMPARE_WITH_TIMEOUT(apps->index(row, 0, web.parent()).data(ApplicationListModel::StatusStateRole).toInt(),
                                          int(ApplicationStatusSummary::State::Known), 30000);
            ApplicationPage *page = window.applicationPage();
            PendingCommitModel *pending = page->pendingTab()->model();
            QTRY_COMPARE_WITH_TIMEOUT(pending->rowCount(), 2, 30000);
            QTRY_VERIFY(!pending->index(1, PendingCommitModel::ObjectsColumn).data().toString().isEmpty()); // counted
            QTRY_VERIFY(!page->isBusy());
            save(&window, name + "-overview.png");

            // Resources: the Deployment with its health rule.
            page->tabs()->setCurrentWidget(page->resourcesTab());
            ResourceStatusModel *resources = page->resourcesTab()->model();
            QTRY_COMPARE(resources->rowCount(), 4);
            for (int row = 0; row < resources->rowCount(); ++row) {
                if (resources->index(row, 0).data(ResourceStatusModel::KeyRole).toString() == QLatin1String("/ConfigMap/shop/web-config"))
                    page->resourcesTab()->view()->setCurrentIndex(resources->index(row, 0));
            }
            QVERIFY(page->resourcesTab()->diffView()->unifiedText().contains(QLatin1String("FEATURE_RECOMMENDATIONS")));
            save(&window, name + "-resources.png");

            // Sync…: the plan, applying, done.
            QTest::mouseClick(page->syncButton(), Qt::LeftButton);
            SyncDialog *dialog = window.syncDialog();
            QVERIFY(dialog);
            QTRY_COMPARE_WITH_TIMEOUT(dialog->model()->rowCount(), 4, 30000);
            QVERIFY(dialog->summaryLabel()->text().contains(QLatin1String("update 2")));
            save(dialog, name + "-sync-plan.png");
            QTest::mouseClick(dialog->applyButton(), Qt::LeftButton);
            QCOMPARE(dialog->resultLabel()->text(), QStringLiteral("Applying\u2026"));
            QVERIFY(dialog->cancelButton()->isEnabled());
            QTest::qWait(100); // the first objects' progress
            save(dialog, name + "-sync-progress.png");
            QTRY_VERIFY_WITH_TIMEOUT(dialog->resultLabel()->text().startsWith(QLatin1String("Succeeded")), 60000);
            save(dialog, name + "-sync-done.png");
            dialog->close();
            QTRY_COMPARE_WITH_TIMEOUT(web.data(ApplicationListModel::SyncRole).toString(), QStringLiteral("Synced"), 30000);

            // Rollback…: the plan back to the deployed tag, then the hold banner.
            QTest::mouseClick(page->rollbackButton(), Qt::LeftButton);
            dialog = window.syncDialog();
            QTRY_VERIFY_WITH_TIMEOUT(dialog->model()->rowCount() > 0 && dialog->applyButton()->isEnabled(), 30000);
            save(dialog, name + "-rollback.png");
            QTest::mouseClick(dialog->applyButton(), Qt::LeftButton);
            QTRY_VERIFY_WITH_TIMEOUT(dialog->resultLabel()->text().startsWith(QLatin1String("Succeeded")), 60000);
            dialog->close();
            QTRY_VERIFY_WITH_TIMEOUT(page->holdBanner()->isVisible(), 30000);
            QTRY_VERIFY(!page->isBusy());
            save(&window, name + "-hold.png");

            // History: newest first; the first sync selected, with its diff against live.
            page->tabs()->setCurrentWidget(page->historyTab());
            HistoryModel *history = page->historyTab()->model();
            QTRY_COMPARE_WITH_TIMEOUT(history->rowCount(), 4, 30000); // hold, rollback, sync, sync
            page->historyTab()->view()->setCurrentIndex(history->index(2, 0)); // #2, the sync of main
            QTRY_COMPARE_WITH_TIMEOUT(page->historyTab()->diffPanel()->countsText(), QStringLiteral("+0 \u22120 ~2 =2"), 30000);
            save(&window, name + "-history.png");
        }
        QCOMPARE(sluice::test::sluicectl({"--workspace", workspace, "sandbox", "stop"}), 0);
        qInfo() << "saved" << m_out + "/" + name + "-{overview,resources,sync-plan,sync-progress,sync-done,rollback,hold,history}.png";
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        qputenv("XDG_CACHE_HOME", m_dir.filePath("cache").toUtf8());
        QVERIFY(QDir().mkpath(m_out));
        m_demo = m_dir.filePath("demo");
        const QString error = sluice::test::makeDemo(m_demo);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        useClearFocusStyle(QStringLiteral("Fusion")); // as the app, on a fixed style
    }

    void light()
    {
        applyTheme(Theme::Light); // the Settings' Appearance choices
        shoot("main-light");
        shootClusterSide("cluster-light");
    }

    void fleet()
    {
        applyTheme(Theme::Light);
        test::GitFixture git(m_dir.filePath("fleet"));
        QVERIFY2(test::makeFleet(git), qPrintable(git.lastError()));
        MainWindow window;
        window.resize(1280, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.openRepository(git.dir());
        QTRY_VERIFY_WITH_TIMEOUT(window.applications()->indexOfApplication("production/apps").isValid(), 20000);
        window.sidebar()->setCurrentIndex(window.applications()->index(0, 0)); // the repository: what it skipped
        QVERIFY(window.welcomeLabel()->text().contains("Skipped"));
        QVERIFY(window.grab().save(m_out + "/fleet-repository.png"));
        QVERIFY(window.selectApplication("production/apps"));
        ApplicationPage *page = window.applicationPage();
        QTRY_COMPARE_WITH_TIMEOUT(page->pendingTab()->model()->rowCount(), 1, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(!page->pendingTab()->diffPanel()->countsText().isEmpty(), 20000);
        QTRY_VERIFY(!page->isBusy());
        QVERIFY(window.grab().save(m_out + "/fleet-application.png"));
        // The production cluster: all its applications reviewed together.
        window.sidebar()->setCurrentIndex(window.applications()->indexOfApplication("production/apps").parent());
        QVERIFY(git.write("apps/base/web/config.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\n"
                                                       "  namespace: web\ndata:\n  ENV: ${cluster_env}\n  URL: https://www.${domain}/\n"));
        window.clusterPage()->reviewTab()->review(); // main vs the working tree
        QTRY_COMPARE_WITH_TIMEOUT(window.clusterPage()->reviewTab()->diffPanel()->countsText(), QStringLiteral("+0 \u22120 ~1 =11"), 20000);
        QVERIFY(window.grab().save(m_out + "/fleet-cluster.png"));
    }

    // The demo's status application deployed by Flux: its owner and state, then suspended (the hold).
    void fluxOwned()
    {
        SLUICE_CORPUS_OR_SKIP(corpus, QStringLiteral("flux-crds.yaml"));
        applyTheme(Theme::Light);
        const QString demo = m_dir.filePath("flux");
        const QString error = sluice::test::makeFluxDemo(demo, corpus + QStringLiteral("/flux-crds.yaml"));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        {
            MainWindow window;
            window.resize(1280, 800);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            QVERIFY(window.openWorkspace(demo + "/sluice.yaml"));
            QVERIFY(window.selectApplication("status"));
            ApplicationPage *page = window.applicationPage();
            QTRY_VERIFY_WITH_TIMEOUT(page->clusterStatusLabel()->fullText().contains(QLatin1String("Flux Kustomization flux-system/status: Reconciled")), 30000);
            QTRY_VERIFY_WITH_TIMEOUT(window.applications()->indexOfApplication("status").data(ApplicationListModel::HealthRole).toString()
                                         == QLatin1String("Healthy"), 30000);
            QTRY_VERIFY(!page->isBusy());
            save(&window, "flux-owned.png");
            page->controllerAction(sync::ControllerVerb::Suspend)->trigger();
            QTRY_VERIFY_WITH_TIMEOUT(page->holdBanner()->isVisible(), 30000);
            QTRY_VERIFY(!page->isBusy());
            save(&window, "flux-suspended.png");
        }
        QCOMPARE(sluice::test::sluicectl({"--workspace", demo + "/sluice.yaml", "sandbox", "stop"}), 0);
    }

    void dark()
    {
        applyTheme(Theme::Dark);
        shoot("main-dark");
        shootClusterSide("cluster-dark");
    }
};

QTEST_MAIN(TestScreenshots)
#include "tst_screenshots.moc"
