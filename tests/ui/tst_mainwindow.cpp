// The main window driven like a user would, offscreen, on the generated demo repository:
// select an application, select a commit, switch diff modes, filter, review, fetch with a
// cancel in the middle, and stay responsive while a long render runs.

#include "common/Demo.h"
#include "common/Fleet.h"
#include "common/GitFixture.h"

#include "ActivityLogModel.h"
#include "ApplicationPage.h"
#include "AsyncJob.h"
#include "ClusterPage.h"
#include "ElidedLabel.h"
#include "HistoryTab.h"
#include "DiffView.h"
#include "MainWindow.h"
#include "ObjectDiffPanel.h"
#include "PendingCommitModel.h"
#include "PendingCommitsTab.h"
#include "ResourceDiffModel.h"
#include "ResourcesTab.h"
#include "ReviewTab.h"
#include "RevisionPicker.h"

#include <QLabel>
#include <QMessageBox>
#include <QRegularExpression>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolButton>
#include <QTreeView>

using namespace sluice;

namespace {

// The display texts of the object list's rows (top level, or children of group rows).
QStringList objectNames(ResourceDiffModel *model)
{
    QStringList names;
    const auto add = [&](const QModelIndex &index) { names << model->object(index)->key.displayName(); };
    for (int row = 0; row < model->rowCount(); ++row) {
        const QModelIndex index = model->index(row, 0);
        if (model->rowCount(index) == 0) {
            add(index);
            continue;
        }
        for (int child = 0; child < model->rowCount(index); ++child)
            add(model->index(child, 0, index));
    }
    return names;
}

int rowOfSummary(PendingCommitModel *model, const QString &summary)
{
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->index(row, PendingCommitModel::SummaryColumn).data().toString() == summary)
            return row;
    }
    return -1;
}

bool writeFile(const QString &path, const QByteArray &data)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(data) == data.size();
}

} // namespace

// Closes the window it watches right after its first paint, as a user quitting at once would.
struct CloseOnFirstPaint : QObject
{
    bool closed = false;
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Paint && !closed) {
            QTimer::singleShot(0, qobject_cast<QWidget *>(watched), [this, watched] {
                qobject_cast<QWidget *>(watched)->close();
                closed = true;
            });
        }
        return false;
    }
};

class TestMainWindow : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_demo;

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // QSettings and caches away from the user's
        qputenv("XDG_CACHE_HOME", m_dir.filePath("cache").toUtf8());
        m_demo = m_dir.filePath("demo");
        const QString error = sluice::test::makeDemo(m_demo);
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }

    // As the application starts: background jobs wait for the window's first paint; a window
    // closed before it paints starts none of them.
    void jobsWaitForTheFirstPaint()
    {
        {
            holdJobs();
            MainWindow closedAtOnce;
            QVERIFY(closedAtOnce.openWorkspace(m_demo + "/sluice.yaml"));
            QVERIFY(!heldJobs().jobs.empty());
        }
        QVERIFY(heldJobs().jobs.empty());
        QVERIFY(!heldJobs().held);
        QCOMPARE(jobPool()->activeThreadCount(), 0);

        // Closed right after its first paint (quitting at once): nothing starts only to be
        // cancelled.
        {
            holdJobs();
            MainWindow closedAfterPaint;
            QVERIFY(closedAfterPaint.openWorkspace(m_demo + "/sluice.yaml"));
            CloseOnFirstPaint closer;
            closedAfterPaint.installEventFilter(&closer);
            closedAfterPaint.show();
            QTRY_VERIFY(closer.closed);
            QTest::qWait(100);
            QVERIFY(heldJobs().held);
            QVERIFY(!heldJobs().jobs.empty());
            QCOMPARE(jobPool()->activeThreadCount(), 0);
        }
        QVERIFY(heldJobs().jobs.empty());

        holdJobs();
        MainWindow window;
        QVERIFY(window.openWorkspace(m_demo + "/sluice.yaml"));
        const size_t held = heldJobs().jobs.size();
        QVERIFY(held > 0);
        QTest::qWait(100); // not shown, not painted: still waiting
        QCOMPARE(heldJobs().jobs.size(), held);
        QCOMPARE(jobPool()->activeThreadCount(), 0);
        QCOMPARE(window.applicationPage()->pendingTab()->model()->rowCount(), 0);
        window.show();
        QTRY_VERIFY(!heldJobs().held);
        QVERIFY(heldJobs().jobs.empty());
        PendingCommitModel *commits = window.applicationPage()->pendingTab()->model();
        QTRY_COMPARE_WITH_TIMEOUT(commits->rowCount(), 5, 20000);
        // Never synced, so pending since the first commit: every commit gets its count.
        QTRY_COMPARE_WITH_TIMEOUT(commits->index(rowOfSummary(commits, "web: scale prod to 4 replicas"), PendingCommitModel::ObjectsColumn)
                                      .data().toString(), QStringLiteral("1"), 30000);
    }

    void selectApplicationShowsPendingCommits()
    {
        MainWindow window;
        window.show();
        QVERIFY(window.openWorkspace(m_demo + "/sluice.yaml"));
        ApplicationPage *page = window.applicationPage();
        QCOMPARE(page->application(), QStringLiteral("web"));
        PendingCommitModel *commits = page->pendingTab()->model();
        QTRY_COMPARE_WITH_TIMEOUT(commits->rowCount(), 5, 20000);
        QCOMPARE(commits->index(0, PendingCommitModel::SummaryColumn).data().toString(), QStringLiteral("web: rotate database password"));
        QCOMPARE(commits->index(0, PendingCommitModel::ShaColumn).data().toString().size(), 7);
        // Each commit says how many of this application's objects it changes; "none" marks the
        // commits that do not matter here.
        QTRY_COMPARE_WITH_TIMEOUT(commits->index(0, PendingCommitModel::ObjectsColumn).data().toString(), QStringLiteral("1"), 30000);
        QVERIFY(window.selectApplication("status"));
        QTRY_COMPARE_WITH_TIMEOUT(page->pendingTab()->model()->rowCount(), 5, 20000);
        QTRY_COMPARE_WITH_TIMEOUT(commits->index(rowOfSummary(commits, "web: rotate database password"), PendingCommitModel::ObjectsColumn)
                                      .data().toString(), QStringLiteral("none"), 30000);
        QVERIFY(commits->index(rowOfSummary(commits, "web: rotate database password"), PendingCommitModel::ObjectsColumn)
                    .data(Qt::ToolTipRole).toString().contains(QLatin1String("Changes nothing in this application")));
        QVERIFY(window.selectApplication("web"));
        QTRY_COMPARE_WITH_TIMEOUT(page->pendingTab()->model()->rowCount(), 5, 20000);
        QVERIFY(page->headerLabel()->fullText().contains(QStringLiteral("web: rotate database password")));
        // A long header elides; it never widens the window.
        const int width = window.width();
        page->headerLabel()->setFullText(QStringLiteral("/a/very/long/path/") + QString(400, QLatin1Char('x')));
        QApplication::processEvents();
        QCOMPARE(window.width(), width);
        QVERIFY(page->headerLabel()->text().endsWith(QChar(0x2026)));
        QVERIFY(page->headerLabel()->toolTip().endsWith(QLatin1String("xxxx")));

        // Another application, picked with the keyboard in the sidebar.
        window.sidebar()->setFocus();
        QTest::keyClick(window.sidebar(), Qt::Key_Down);
        QTRY_COMPARE(page->application(), QStringLiteral("status"));
        QTRY_COMPARE_WITH_TIMEOUT(commits->rowCount(), 5, 20000);

        // A Since that does not resolve: said next to the field, which is outlined.
        PendingCommitsTab *pending = page->pendingTab();
        pending->sincePicker()->setSpec("no-such-tag");
        QTest::keyClick(pending->sincePicker()->lineEdit(), Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(pending->statusLabel()->text().startsWith("unknown revision 'no-such-tag'"), 20000);
        QVERIFY(pending->sincePicker()->error().contains("no-such-tag"));
        QCOMPARE(commits->rowCount(), 0);
    }

    void selectCommitShowsItsObjects()
    {
        MainWindow window;
        window.show();
        QVERIFY(window.openWorkspace(m_demo + "/sluice.yaml"));
        PendingCommitsTab *tab = window.applicationPage()->pendingTab();
        QTRY_COMPARE_WITH_TIMEOUT(tab->model()->rowCount(), 5, 20000);

        const int row = rowOfSummary(tab->model(), "web: rotate database password");
        QVERIFY(row >= 0);
        QTableView *table = tab->table();
        const QRect rect = table->visualRect(tab->model()->index(row, PendingCommitModel::SummaryColumn));
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, rect.center());
        ObjectDiffPanel *panel = tab->diffPanel();
        QTRY_COMPARE_WITH_TIMEOUT(objectNames(panel->model()), QStringList{"Secret shop/web-secrets"}, 20000);
        DiffView *diff = panel->diffView();
        QTRY_VERIFY(diff->message().isEmpty());
        QVERIFY(diff->unifiedText().contains("DATABASE_PASSWORD"));
        QVERIFY(!diff->unifiedText().contains("czNjcjN0")); // the secret's base64 never shows
        QVERIFY(diff->unifiedText().contains("<secret value #"));

        // The image bump commit touches the Deployment only.
        const int bump = rowOfSummary(tab->model(), "web: bump image to 1.5.0");
        table->setFocus();
        table->setCurrentIndex(tab->model()->index(bump, 0));
        QTRY_COMPARE_WITH_TIMEOUT(objectNames(panel->model()), QStringList{"Deployment.apps shop/web"}, 20000);
        QTRY_VERIFY(diff->unifiedText().contains("ghcr.io/acme/web:1.5.0"));
        QCOMPARE(tab->model()->index(bump, 0).data(PendingCommitModel::ChangedKeysRole).toStringList(),
                 QStringList{"Deployment.apps shop/web"});

        // Unified / side by side, with the window's shortcut.
        QVERIFY(QTest::qWaitForWindowActive(&window));
        diff->setFocus();
        const DiffView::Mode before = diff->mode();
        QTest::keyClick(diff, Qt::Key_D, Qt::ControlModifier);
        QTRY_VERIFY(diff->mode() != before);
        QCOMPARE(diff->editors().size(), diff->mode() == DiffView::Mode::SideBySide ? 2 : 1);
        QTest::keyClick(diff, Qt::Key_D, Qt::ControlModifier);
        QTRY_COMPARE(diff->mode(), before);
        QCOMPARE(window.settings().diffMode, before);
    }

    // Tab leaves the commit list (it does not walk cell by cell selecting the next commit).
    void tabLeavesTheCommitList()
    {
        MainWindow window;
        window.show();
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        QVERIFY(window.openWorkspace(m_demo + "/sluice.yaml"));
        PendingCommitsTab *tab = window.applicationPage()->pendingTab();
        QTRY_COMPARE_WITH_TIMEOUT(tab->model()->rowCount(), 5, 20000);
        tab->table()->setFocus();
        QTRY_VERIFY(tab->table()->hasFocus());
        const int row = tab->table()->currentIndex().row();
        QTest::keyClick(tab->table(), Qt::Key_Tab);
        QCOMPARE(tab->table()->currentIndex().row(), row);
        QVERIFY(!tab->table()->hasFocus());
    }

    // The tabs not shown at start, and the cluster page, are built when first shown (the window
    // paints sooner): what the page told them meanwhile is what they show, at the same place in
    // the tabs, and the Review tab's diff follows the window's diff mode.
    void hiddenTabsAreBuiltWhenShown()
    {
        MainWindow window;
        window.show();
        QVERIFY(window.openWorkspace(m_demo + "/sluice.yaml"));
        ApplicationPage *page = window.applicationPage();
        QTRY_COMPARE_WITH_TIMEOUT(page->pendingTab()->model()->rowCount(), 5, 20000);
        QVERIFY(!page->builtReviewTab());
        QVERIFY(!page->findChild<ReviewTab *>());
        QVERIFY(!page->findChild<HistoryTab *>());
        QVERIFY(!page->findChild<ResourcesTab *>());
        QVERIFY(!window.findChild<ClusterPage *>());
        QTabWidget *tabs = page->tabs();
        QCOMPARE(tabs->count(), 5);
        QCOMPARE(tabs->currentWidget(), page->pendingTab());

        // The diff mode switched before the Review tab exists: it opens in that mode.
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        PendingCommitsTab *pending = page->pendingTab();
        pending->table()->setFocus();
        pending->table()->setCurrentIndex(pending->model()->index(rowOfSummary(pending->model(), "web: bump image to 1.5.0"), 0));
        DiffView *pendingDiff = pending->diffPanel()->diffView();
        QTRY_VERIFY_WITH_TIMEOUT(pendingDiff->unifiedText().contains("ghcr.io/acme/web:1.5.0"), 20000);
        pendingDiff->setFocus();
        const DiffView::Mode before = pendingDiff->mode();
        QTest::keyClick(pendingDiff, Qt::Key_D, Qt::ControlModifier);
        QTRY_VERIFY(pendingDiff->mode() != before);
        const DiffView::Mode switched = pendingDiff->mode();
        QCOMPARE(window.settings().diffMode, switched);
        QSignalSpy tabChanges(tabs, &QTabWidget::currentChanged);
        tabs->setCurrentIndex(1); // as Ctrl+3 or a click on the tab does
        QCOMPARE(tabChanges.size(), 1); // building it is no second change
        auto *review = qobject_cast<ReviewTab *>(tabs->currentWidget());
        QVERIFY(review);
        QCOMPARE(page->builtReviewTab(), review);
        QCOMPARE(tabs->currentIndex(), 1);
        QCOMPARE(tabs->tabText(1), QStringLiteral("&Review"));
        QCOMPARE(tabs->count(), 5);
        QCOMPARE(review->basePicker()->spec(), QStringLiteral("main")); // what loading the application told it
        QCOMPARE(review->headPicker()->spec(), QStringLiteral("WORKTREE"));
        QCOMPARE(review->diffPanel()->diffView()->mode(), switched);
        review->diffPanel()->diffView()->setFocus();
        QTest::keyClick(review->diffPanel()->diffView(), Qt::Key_D, Qt::ControlModifier);
        QTRY_COMPARE(review->diffPanel()->diffView()->mode(), before);
        QCOMPARE(pendingDiff->mode(), before); // one mode for the window

        // History and Resources: built by their accessors too, at their places.
        QCOMPARE(tabs->indexOf(page->resourcesTab()), 2);
        QCOMPARE(tabs->indexOf(page->historyTab()), 3);
        QCOMPARE(tabs->currentIndex(), 1);
        QCOMPARE(tabs->tabText(3), QStringLiteral("&History"));
    }

    void reviewAndFilter()
    {
        MainWindow window;
        window.show();
        QVERIFY(window.openWorkspace(m_demo + "/sluice.yaml"));
        ApplicationPage *page = window.applicationPage();
        QTRY_COMPARE_WITH_TIMEOUT(page->pendingTab()->model()->rowCount(), 5, 20000);
        ReviewTab *review = page->reviewTab();
        page->tabs()->setCurrentWidget(review);
        QCOMPARE(review->headPicker()->spec(), QStringLiteral("WORKTREE"));
        review->basePicker()->setSpec("deployed");
        review->headPicker()->setSpec("main");
        QTest::keyClick(review->headPicker(), Qt::Key_Return, Qt::ControlModifier);
        ObjectDiffPanel *panel = review->diffPanel();
        QTRY_COMPARE_WITH_TIMEOUT(objectNames(panel->model()), (QStringList{"ConfigMap shop/web-config", "Secret shop/web-secrets"}), 20000);
        QCOMPARE(panel->countsText(), QStringLiteral("+0 \u22120 ~2 =2"));

        // F7 from anywhere on the page (here the revision field) walks the changes across
        // objects and wraps; no ambiguous shortcut.
        QTest::failOnWarning(QRegularExpression(QStringLiteral("Ambiguous shortcut")));
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        review->headPicker()->setFocus();
        const auto current = [panel] {
            const ObjectDiff *object = panel->model()->object(panel->objectList()->currentIndex().siblingAtColumn(0));
            return object ? object->key.displayName() : QString();
        };
        // The list puts the name first; the tooltip has the full identity.
        QCOMPARE(panel->objectList()->currentIndex().data().toString(), QStringLiteral("web-config \u00b7 ConfigMap \u00b7 shop"));
        QVERIFY(panel->objectList()->currentIndex().data(Qt::ToolTipRole).toString().startsWith("v1 ConfigMap shop/web-config"));
        QCOMPARE(current(), QStringLiteral("ConfigMap shop/web-config"));
        QTest::keyClick(review->headPicker(), Qt::Key_F7);
        QCOMPARE(current(), QStringLiteral("ConfigMap shop/web-config"));
        QCOMPARE(panel->diffView()->currentChange(), 0);
        QTest::keyClick(review->headPicker(), Qt::Key_F7);
        QCOMPARE(current(), QStringLiteral("Secret shop/web-secrets"));
        QCOMPARE(panel->diffView()->currentChange(), 0);
        QTest::keyClick(review->headPicker(), Qt::Key_F7);
        QCOMPARE(current(), QStringLiteral("ConfigMap shop/web-config")); // wrapped
        QTest::keyClick(review->headPicker(), Qt::Key_F7, Qt::ShiftModifier);
        QCOMPARE(current(), QStringLiteral("Secret shop/web-secrets"));
        QTest::keyClick(panel->diffView()->editors().constFirst(), Qt::Key_F7); // focus in the diff text
        QCOMPARE(current(), QStringLiteral("ConfigMap shop/web-config"));

        QTest::keyClicks(panel->filterBox(), "config");
        QCOMPARE(objectNames(panel->model()), QStringList{"ConfigMap shop/web-config"});
        panel->filterBox()->clear();
        QCOMPARE(objectNames(panel->model()).size(), 2);

        // Swap marks the shown diff stale until the next Review.
        QVERIFY(review->staleLabel()->isHidden());
        QTest::mouseClick(review->findChild<QToolButton *>(QString(), Qt::FindDirectChildrenOnly), Qt::LeftButton);
        QCOMPARE(review->basePicker()->spec(), QStringLiteral("main"));
        QVERIFY(review->staleLabel()->isVisible());
        QTest::keyClick(review->headPicker(), Qt::Key_Return, Qt::ControlModifier);
        QTRY_VERIFY_WITH_TIMEOUT(review->staleLabel()->isHidden() && panel->model()->rowCount() == 2, 20000);
        QCOMPARE(panel->countsText(), QStringLiteral("+0 \u22120 ~2 =2"));

        // Narrow: the diff toolbar shows icons only, the text stays in the tooltip.
        QToolButton *previous = nullptr;
        for (QToolButton *button : panel->findChildren<QToolButton *>())
            if (button->text() == QLatin1String("Previous change"))
                previous = button;
        QVERIFY(previous);
        window.resize(1400, 800);
        QTRY_COMPARE(previous->toolButtonStyle(), Qt::ToolButtonTextBesideIcon);
        window.resize(760, 600);
        QTRY_COMPARE(previous->toolButtonStyle(), Qt::ToolButtonIconOnly);
        QVERIFY(previous->toolTip().contains("Previous change"));

        // An unknown revision is an inline error with its detail, not a dialog.
        review->headPicker()->setSpec("no-such-branch");
        review->review();
        QTRY_VERIFY_WITH_TIMEOUT(panel->diffView()->message().contains("unknown revision 'no-such-branch'"), 20000);
        QVERIFY(QApplication::activeModalWidget() == nullptr);
        // … said under the field it is about, which is outlined until it changes.
        QVERIFY(review->headPicker()->error().contains("unknown revision 'no-such-branch'"));
        QVERIFY(review->basePicker()->error().isEmpty());
        QVERIFY(review->fieldErrorLabel()->isVisible());
        QVERIFY(review->fieldErrorLabel()->text().startsWith("Head: unknown revision 'no-such-branch'"));
        review->headPicker()->setSpec("main");
        QVERIFY(review->headPicker()->error().isEmpty());
        QVERIFY(!review->fieldErrorLabel()->isVisible());
    }

    void fetchCancelledLeavesTheAppUsable()
    {
        // A workspace whose application lives at a URL: fetched into the cache mirror.
        const QString origin = m_dir.filePath("origin.git");
        QProcess clone;
        clone.start("git", {"clone", "-q", "--bare", m_demo, origin});
        QVERIFY(clone.waitForFinished(30000) && clone.exitCode() == 0);
        const QString workspace = m_dir.filePath("remote/sluice.yaml");
        QVERIFY(writeFile(workspace, "apiVersion: sluice.dev/v1alpha1\nkind: Workspace\napplications:\n"
                                     "  - name: web\n    source: {repo: \"file://" + origin.toUtf8() +
                                         "\", revision: main, path: apps/web/overlays/prod}\n"));
        MainWindow window;
        window.show();
        QVERIFY(window.openWorkspace(workspace));
        ApplicationPage *page = window.applicationPage();
        QTRY_COMPARE_WITH_TIMEOUT(page->pendingTab()->model()->rowCount(), 5, 20000);
        QTRY_VERIFY(!page->isBusy());

        QTest::mouseClick(page->fetchButton(), Qt::LeftButton);
        QVERIFY(page->isBusy());
        QVERIFY(window.cancelButton()->isVisibleTo(&window));
        QTest::mouseClick(window.cancelButton(), Qt::LeftButton);
        QVERIFY(!page->isBusy());
        ActivityLogModel *log = window.activityLog();
        bool sawCancelled = false;
        for (int row = 0; row < log->rowCount(); ++row)
            sawCancelled |= log->index(row, 0).data(ActivityLogModel::StateRole).toInt() == int(ActivityLogModel::State::Cancelled);
        QVERIFY(sawCancelled);

        // Still usable: fetch again, commits and diffs come back.
        QTest::mouseClick(page->fetchButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!page->isBusy(), 20000);
        QTRY_COMPARE_WITH_TIMEOUT(page->pendingTab()->model()->rowCount(), 5, 20000);
        QVERIFY(page->errorBanner()->isHidden());
        page->pendingTab()->table()->setCurrentIndex(page->pendingTab()->model()->index(0, 0));
        QTRY_COMPARE_WITH_TIMEOUT(objectNames(page->pendingTab()->diffPanel()->model()), QStringList{"Secret shop/web-secrets"}, 20000);
    }

    // A commit that does not render: its Objects cell says so, its tooltip why; the commit before counts.
    void commitThatFailsToRenderSaysWhy()
    {
        sluice::test::GitFixture git(m_dir.filePath("broken"));
        QVERIFY(git.init());
        QVERIFY(git.write("sluice.yaml", "apiVersion: sluice.dev/v1alpha1\nkind: Workspace\napplications:\n"
                                         "  - name: plain\n    source: {repo: ., revision: HEAD, path: app, renderer: plain}\n"));
        QVERIFY(git.write("app/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v1}\n"));
        git.commitAll("good");
        QVERIFY(git.write("app/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a\ndata: {k: v2}\n"));
        const QString broken = git.commitAll("broken");
        QVERIFY(git.write("app/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v3}\n"));
        git.commitAll("fixed");

        MainWindow window;
        window.show();
        QVERIFY(window.openWorkspace(git.dir() + "/sluice.yaml"));
        PendingCommitModel *commits = window.applicationPage()->pendingTab()->model();
        QTRY_COMPARE_WITH_TIMEOUT(commits->rowCount(), 3, 20000);
        const QModelIndex cell = commits->index(commits->rowOf(broken), PendingCommitModel::ObjectsColumn);
        QTRY_COMPARE_WITH_TIMEOUT(cell.data().toString(), QStringLiteral("failed"), 20000);
        QVERIFY2(cell.data(Qt::ToolTipRole).toString().contains(QLatin1String("app/cm.yaml")), qPrintable(cell.data(Qt::ToolTipRole).toString()));
        QVERIFY(!cell.data(PendingCommitModel::ChangeErrorRole).toString().isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(commits->index(commits->rowOf(git.revParse("HEAD~2")), PendingCommitModel::ObjectsColumn).data().toString(),
                                  QStringLiteral("1"), 20000);

        // Its row in the sidebar groups what names no cluster, and says so (not "Cluster (no cluster) ()").
        window.sidebar()->setCurrentIndex(window.applications()->indexOfApplication("plain").parent());
        QTRY_VERIFY(window.welcomeLabel()->isVisible());
        QCOMPARE(window.welcomeLabel()->text(), QStringLiteral("1 application(s) whose destination names no cluster."));
        window.sidebar()->setCurrentIndex(window.applications()->index(0, 0)); // the workspace: that row is no cluster
        QVERIFY2(window.welcomeLabel()->text().endsWith(": 1 application(s) on 0 cluster(s). Select an application."),
                 qPrintable(window.welcomeLabel()->text()));
    }

    // A review that fails says so in the status bar; done again once the file is fixed, the
    // failure line goes (a message said meanwhile about other work stays).
    void failureLineGoesWhenTheWorkSucceeds()
    {
        sluice::test::GitFixture git(m_dir.filePath("fixed-later"));
        QVERIFY(git.init());
        QVERIFY(git.write("sluice.yaml", "apiVersion: sluice.dev/v1alpha1\nkind: Workspace\napplications:\n"
                                         "  - name: plain\n    source: {repo: ., revision: HEAD, path: app, renderer: plain}\n"));
        QVERIFY(git.write("app/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v1}\n"));
        git.commitAll("good");

        MainWindow window;
        window.show();
        QVERIFY(window.openWorkspace(git.dir() + "/sluice.yaml"));
        QLabel *status = nullptr;
        for (QLabel *label : window.findChildren<QLabel *>()) {
            if (label->accessibleName() == QLatin1String("Status"))
                status = label;
        }
        QVERIFY(status);
        ReviewTab *review = window.applicationPage()->reviewTab();
        window.applicationPage()->tabs()->setCurrentWidget(review);
        QTRY_COMPARE_WITH_TIMEOUT(review->headPicker()->spec(), QStringLiteral("WORKTREE"), 20000); // once the page has loaded
        const auto reviewAgain = [&] { QTest::keyClick(review->headPicker(), Qt::Key_Return, Qt::ControlModifier); };

        QVERIFY(git.write("app/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a\ndata: {k: v2}\n"));
        reviewAgain();
        QTRY_VERIFY_WITH_TIMEOUT(status->text().startsWith(QLatin1String("Failed: Review of plain")), 20000);
        QVERIFY(review->diffPanel()->diffView()->message().contains(QLatin1String("app/cm.yaml")));

        QVERIFY(git.write("app/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v2}\n"));
        reviewAgain();
        QTRY_COMPARE_WITH_TIMEOUT(review->diffPanel()->countsText(), QStringLiteral("+0 \u22120 ~1 =0"), 20000);
        QTRY_COMPARE(status->text(), QString());

        // A review of other revisions is the same work: its success takes back the failure.
        const QString base = review->basePicker()->spec();
        review->basePicker()->setSpec(QStringLiteral("no-such-revision"));
        reviewAgain();
        QTRY_VERIFY_WITH_TIMEOUT(status->text().startsWith(QLatin1String("Failed: Review of plain: no-such-revision")), 20000);
        review->basePicker()->setSpec(base);
        reviewAgain();
        QTRY_COMPARE_WITH_TIMEOUT(review->diffPanel()->countsText(), QStringLiteral("+0 \u22120 ~1 =0"), 20000);
        QTRY_COMPARE(status->text(), QString());

        // Other work's failure is not taken back by this one's success.
        QVERIFY(git.write("app/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a\n"));
        reviewAgain();
        QTRY_VERIFY_WITH_TIMEOUT(status->text().startsWith(QLatin1String("Failed: Review of plain")), 20000);
        ActivityLogModel *log = window.activityLog();
        log->finish(log->begin(QStringLiteral("Something else")), ActivityLogModel::State::Failed, QStringLiteral("why"));
        QCOMPARE(status->text(), QStringLiteral("Failed: Something else (details in Activity)"));
        QVERIFY(git.write("app/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"));
        reviewAgain();
        QTRY_COMPARE_WITH_TIMEOUT(review->diffPanel()->countsText(), QStringLiteral("+0 \u22120 ~1 =0"), 20000);
        QCOMPARE(status->text(), QStringLiteral("Failed: Something else (details in Activity)"));
    }

    void staysResponsiveDuringALongRender()
    {
        // A kustomization of 1,000 objects: `kubectl kustomize` takes seconds on it.
        sluice::test::GitFixture git(m_dir.filePath("big"));
        QVERIFY(git.init());
        QByteArray resources;
        for (int file = 0; file < 20; ++file) {
            QByteArray text;
            for (int i = file; i < 1000; i += 20)
                text += "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-" + QByteArray::number(i) + "\ndata: {k: v}\n---\n";
            QVERIFY(git.write("base/f" + QString::number(file) + ".yaml", text));
            resources += "  - f" + QByteArray::number(file) + ".yaml\n";
        }
        QVERIFY(git.write("base/kustomization.yaml", "resources:\n" + resources));
        QVERIFY(git.write("prod/kustomization.yaml", "namespace: prod\nresources: [../base]\nlabels:\n  - pairs: {env: prod}\n"));
        QVERIFY(git.write("sluice.yaml", "apiVersion: sluice.dev/v1alpha1\nkind: Workspace\napplications:\n"
                                         "  - name: big\n    source: {repo: ., revision: HEAD, path: prod}\n"));
        git.commitAll("big kustomization");

        MainWindow window;
        window.show();
        QVERIFY(window.openWorkspace(git.dir() + "/sluice.yaml"));
        ApplicationPage *page = window.applicationPage();
        QTRY_COMPARE_WITH_TIMEOUT(page->pendingTab()->model()->rowCount(), 1, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(!page->isBusy(), 120000); // the newest commit's diff rendered

        // An uncommitted edit: reviewing HEAD against the working tree renders it afresh.
        QFile f0(git.dir() + "/base/f0.yaml");
        QVERIFY(f0.open(QIODevice::ReadOnly));
        QByteArray text = f0.readAll();
        f0.close();
        text.replace("name: cm-0\ndata: {k: v}", "name: cm-0\ndata: {k: changed}");
        QVERIFY(git.write("base/f0.yaml", text));
        ReviewTab *review = page->reviewTab();
        page->tabs()->setCurrentWidget(review);
        review->basePicker()->setSpec("HEAD");
        review->headPicker()->setSpec("WORKTREE");
        int ticks = 0;
        QTimer timer;
        timer.setInterval(10);
        connect(&timer, &QTimer::timeout, [&ticks] { ++ticks; });
        timer.start();
        QElapsedTimer clock;
        clock.start();
        review->review();
        QVERIFY(page->isBusy());
        // The window answers input while the render runs.
        QLineEdit *filter = review->diffPanel()->filterBox();
        QTest::keyClicks(filter, "cm-");
        QCOMPARE(filter->text(), QStringLiteral("cm-"));
        QTRY_VERIFY_WITH_TIMEOUT(!page->isBusy(), 120000);
        const qint64 elapsed = clock.elapsed();
        // 1,000 objects rendered on each side; one changed (the filter still applies).
        QCOMPARE(objectNames(review->diffPanel()->model()), QStringList{"ConfigMap prod/cm-0"});
        qInfo() << "review took" << elapsed << "ms; the 10 ms timer fired" << ticks << "times";
        // The event loop kept turning: most 10 ms periods saw their tick.
        QVERIFY2(ticks > elapsed / 10 / 2, qPrintable(QStringLiteral("%1 ticks in %2 ms").arg(ticks).arg(elapsed)));
    }

    // One state per page: an application that fails to load shows its error, never the
    // previous application's commits or objects.
    void failedLoadClearsThePreviousApplication()
    {
        const QString workspace = m_demo + "/two.yaml";
        QVERIFY(writeFile(workspace, "apiVersion: sluice.dev/v1alpha1\nkind: Workspace\napplications:\n"
                                     "  - name: web\n    source: {repo: ., revision: main, path: apps/web/overlays/prod}\n"
                                     "  - name: broken\n    source: {repo: ./missing, revision: main, path: .}\n"));
        MainWindow window;
        window.show();
        QVERIFY(window.openWorkspace(workspace));
        ApplicationPage *page = window.applicationPage();
        QTRY_COMPARE_WITH_TIMEOUT(page->pendingTab()->model()->rowCount(), 5, 20000);
        QVERIFY(window.selectApplication("broken"));
        QTRY_VERIFY_WITH_TIMEOUT(page->errorBanner()->isVisible(), 20000);
        QCOMPARE(page->pendingTab()->model()->rowCount(), 0);
        QVERIFY2(page->pendingTab()->diffPanel()->diffView()->message().startsWith(QLatin1String("Could not open broken")),
                 qPrintable(page->pendingTab()->diffPanel()->diffView()->message()));
        QVERIFY(page->reviewTab()->diffPanel()->diffView()->message().startsWith(QLatin1String("Could not open broken")));
        QCOMPARE(page->reviewTab()->diffPanel()->model()->rowCount(), 0);
        // Back to web: its data again, no stale error.
        QVERIFY(window.selectApplication("web"));
        QTRY_COMPARE_WITH_TIMEOUT(page->pendingTab()->model()->rowCount(), 5, 20000);
        QVERIFY(!page->errorBanner()->isVisible());
    }

    void openRepositoryShowsWhatItDeploys()
    {
        const QString path = m_dir.filePath("fleet");
        test::GitFixture git(path);
        QVERIFY2(test::makeFleet(git), qPrintable(git.lastError()));
        MainWindow window;
        window.show();
        window.openRepository(path);
        QTRY_VERIFY_WITH_TIMEOUT(window.applications()->indexOfApplication("production/apps").isValid(), 20000);
        // Grouped under the clusters the repository names (no kubeconfig context chosen yet).
        const QModelIndex root = window.applications()->index(0, 0);
        QStringList clusters;
        for (int r = 0; r < window.applications()->rowCount(root); ++r)
            clusters << window.applications()->index(r, 0, root).data().toString();
        clusters.sort();
        QCOMPARE(clusters, (QStringList{"edge", "in-cluster", "production", "staging"}));
        QCOMPARE(window.applications()->indexOfApplication("staging/apps").parent().data().toString(), QStringLiteral("staging"));

        // A discovered Flux application reviews as Flux renders it: an uncommitted change to
        // the base shows in production with production's variables.
        QVERIFY(window.selectApplication("production/apps"));
        ApplicationPage *page = window.applicationPage();
        QTRY_COMPARE_WITH_TIMEOUT(page->pendingTab()->model()->rowCount(), 1, 20000);
        QVERIFY(!page->syncButton()->isEnabled()); // offline: no context chosen
        QVERIFY(git.write("apps/base/web/config.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\n"
                                                       "  namespace: web\ndata:\n  ENV: ${cluster_env}-2\n  URL: https://${domain}/\n"));
        ReviewTab *review = page->reviewTab();
        page->tabs()->setCurrentWidget(review);
        QCOMPARE(review->headPicker()->spec(), QStringLiteral("WORKTREE"));
        review->review();
        QTRY_COMPARE_WITH_TIMEOUT(review->diffPanel()->countsText(), QStringLiteral("+0 \u22120 ~1 =4"), 30000);
        QTRY_VERIFY(review->diffPanel()->diffView()->unifiedText().contains("ENV: production-2"));

        // The production cluster's page reviews all its applications together.
        window.sidebar()->setCurrentIndex(window.applications()->indexOfApplication("production/apps").parent());
        QCOMPARE(window.clusterPage()->cluster(), QStringLiteral("production"));
        QVERIFY(window.clusterPage()->isVisible());
        ReviewTab *clusterReview = window.clusterPage()->reviewTab();
        QCOMPARE(clusterReview->headPicker()->spec(), QStringLiteral("WORKTREE"));
        clusterReview->review();
        QTRY_COMPARE_WITH_TIMEOUT(clusterReview->diffPanel()->countsText(), QStringLiteral("+0 \u22120 ~1 =11"), 30000); // 12 objects of 3 applications
        QVERIFY(!clusterReview->compareBar()->isVisible());

        // Compare environments: on staging's page, production on the base side.
        QVERIFY(window.selectApplication("staging/apps"));
        QTRY_COMPARE_WITH_TIMEOUT(page->application(), QStringLiteral("staging/apps"), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(!page->isBusy(), 20000);
        page->tabs()->setCurrentWidget(review);
        QVERIFY(review->baseApplicationBox()->isVisible());
        review->baseApplicationBox()->setCurrentText("production/apps");
        review->basePicker()->setSpec("main");
        review->headPicker()->setSpec("main");
        review->review();
        QTRY_COMPARE_WITH_TIMEOUT(review->diffPanel()->countsText(), QStringLiteral("+1 \u22123 ~2 =0"), 30000);

        // The repository's page lists what it deploys that Sluice cannot render, and why.
        window.sidebar()->setCurrentIndex(root);
        const QString text = window.welcomeLabel()->text();
        QVERIFY2(text.contains("Flux Kustomization staging/podinfo (clusters/staging/podinfo.yaml:12)"), qPrintable(text));
        QVERIFY(text.contains("https://github.com/stefanprodan/podinfo"));
        QVERIFY(text.contains("Argo CD Application external"));

        // A cluster put on a kubeconfig context (kept in the settings): its applications get a
        // destination; a context that does not exist is said once, on the cluster's row.
        window.setClusterContext("production", "no-such-context");
        QTRY_COMPARE_WITH_TIMEOUT(window.applications()->indexOfApplication("production/apps").parent().data(ApplicationListModel::RevisionRole)
                                      .toString(), QStringLiteral("context no-such-context"), 20000);
        QVERIFY(window.selectApplication("production/apps"));
        QTRY_VERIFY(window.applicationPage()->syncButton()->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(!window.applications()->indexOfApplication("production/apps").parent()
                                      .data(ApplicationListModel::ClusterErrorRole).toString().isEmpty(), 20000);
        QCOMPARE(window.applications()->indexOfApplication("staging/apps").parent().data(ApplicationListModel::RevisionRole).toString(),
                 QStringLiteral("offline: no context chosen"));
        window.setClusterContext("production", {});

        // Saved as a sluice.yaml (never over a file), it opens as a workspace.
        const QString saved = path + "/sluice.yaml";
        QTRY_COMPARE_WITH_TIMEOUT(window.applications()->indexOfApplication("production/apps").parent().data(ApplicationListModel::RevisionRole)
                                      .toString(), QStringLiteral("offline: no context chosen"), 20000);
        QVERIFY(window.saveAsWorkspace(saved));
        QCOMPARE(window.applications()->index(0, 0).data(Qt::ToolTipRole).toString(), saved); // the workspace file is open
        QVERIFY(window.applications()->indexOfApplication("staging/apps-artifact").isValid());

        // Not a repository: the error where a workspace's would be.
        MainWindow fresh;
        fresh.show();
        fresh.openRepository(m_dir.filePath("no-such-clone"));
        QTRY_VERIFY_WITH_TIMEOUT(fresh.welcomeLabel()->text().contains("not a git repository"), 20000);
    }

    void badWorkspaceIsAnInlineError()
    {
        const QString path = m_dir.filePath("bad/sluice.yaml");
        QVERIFY(writeFile(path, "apiVersion: sluice.dev/v1alpha1\nkind: Workspace\napplications: [\n"));
        MainWindow window;
        window.show();
        QVERIFY(!window.openWorkspace(path));
        QVERIFY(window.welcomeLabel()->isVisible());
        QVERIFY2(window.welcomeLabel()->text().contains("sluice.yaml:"), qPrintable(window.welcomeLabel()->text()));
        QVERIFY(QApplication::activeModalWidget() == nullptr);
    }

    void badWorkspaceWhileAnotherIsOpenIsADialog()
    {
        const QString path = m_dir.filePath("bad2/sluice.yaml");
        QVERIFY(writeFile(path, "apiVersion: sluice.dev/v1alpha1\nkind: Workspace\napplications: [\n"));
        MainWindow window;
        window.show();
        QVERIFY(window.openWorkspace(m_demo + "/sluice.yaml"));
        QVERIFY(!window.openWorkspace(path));
        auto *box = window.findChild<QMessageBox *>(QStringLiteral("workspaceError"));
        QVERIFY(box);
        QTRY_VERIFY(box->isVisible());
        QVERIFY2(box->informativeText().contains("sluice.yaml:"), qPrintable(box->informativeText()));
        bool hasOpenFile = false;
        for (QAbstractButton *button : box->buttons())
            hasOpenFile = hasOpenFile || button->text() == QLatin1String("Open File");
        QVERIFY(hasOpenFile);
        QCOMPARE(window.applicationPage()->application(), QStringLiteral("web")); // the open workspace stays
        box->close();
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
