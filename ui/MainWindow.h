#pragma once

// The main window: a thin composition of the sidebar (workspace → applications), the
// application page, menus with shortcuts, and a status bar with progress and Cancel.

#include "Session.h"
#include "Settings.h"

#include <QMainWindow>
#include <QPointer>

class QAction;
class QLabel;
class QMenu;
class QProgressBar;
class QStackedWidget;
class QToolButton;
class QTreeView;

namespace sluice {

class ActivityLogModel;
class ApplicationListModel;
class ApplicationPage;
class ClusterPage;
class ClusterStatusMonitor;
class SyncDialog;

class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    // Reads the settings; does not open a workspace (call openWorkspace).
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Opens a workspace file and selects its first application. A bad file shows its error on
    // the welcome page (nothing modal) and leaves the previous workspace open. Returns success.
    bool openWorkspace(const QString &path);
    // Opens a Flux or Argo CD repository (a clone, or a URL cloned into the cache) as it is: its
    // applications discovered off the GUI thread, then shown as a workspace's, with the sources
    // it skipped listed on the repository's page. An error goes where openWorkspace's go.
    void openRepository(const QString &pathOrUrl);
    // For the open repository: the kubeconfig context `cluster` is on ("" = offline), kept in
    // the settings; the repository is read again so its applications get that destination.
    void setClusterContext(const QString &cluster, const QString &context);
    // Writes the open repository's discovered applications as a sluice.yaml at `path` (never
    // over an existing file) and opens it. Returns success; a failure is said in a dialog.
    bool saveAsWorkspace(const QString &path);
    // Selects an application by name in the sidebar (and so shows it).
    bool selectApplication(const QString &name);

    const AppSettings &settings() const { return m_settings; }
    ApplicationPage *applicationPage() const { return m_page; }
    // Built when a cluster is first shown (or asked for here): the window paints sooner.
    ClusterPage *clusterPage();
    QTreeView *sidebar() const { return m_sidebar; }
    ApplicationListModel *applications() const { return m_applications; }
    ActivityLogModel *activityLog() const { return m_log; }
    ClusterStatusMonitor *clusterStatus() const { return m_monitor; }
    SyncDialog *syncDialog() const; // the open Sync… / Rollback… dialog, or nullptr
    QLabel *welcomeLabel() const { return m_welcome; }
    QToolButton *cancelButton() const { return m_cancel; }

protected:
    void closeEvent(QCloseEvent *event) override;
    bool event(QEvent *event) override;

private:
    void createMenus();
    void showApplication(const QModelIndex &index);
    // The page in place of an application's: a message, or the workspace's summary.
    void showWelcome(const QString &text);
    void setBusy(bool busy);
    void showProgress(qint64 done, qint64 total, const QString &what);
    void rebuildRecentMenu();
    void openWorkspaceDialog();
    void openRepositoryDialog();
    // The sidebar's context menu: on a cluster of a repository, choose its kubeconfig context.
    void showSidebarMenu(const QPoint &position);
    // Shows a new session (a workspace, or a discovered repository) in place of the current one.
    void showSession(std::shared_ptr<Session> session, const QString &title);
    // An error opening `what`: on the welcome page when nothing is open, else in a dialog.
    void showOpenError(const QString &what, const Error &error, const QString &file = {});
    void openSettings();
    void applyDiffMode(int mode);
    // Opens the Sync… or Rollback… dialog for an application (window-modal, not blocking).
    SyncDialog *openSyncDialog(const QString &application, bool rollback, int rollbackTo = 0);
    // F7 (+1) / Shift+F7 (-1) in the current tab's diff.
    void navigateChanges(int step);

    AppSettings m_settings;
    SessionPtr m_session;
    ActivityLogModel *m_log;
    ApplicationListModel *m_applications;
    QTreeView *m_sidebar;
    QStackedWidget *m_stack;
    QLabel *m_welcome;
    ApplicationPage *m_page;
    ClusterPage *m_clusterPage = nullptr;
    ClusterStatusMonitor *m_monitor;
    QProgressBar *m_progress;
    QLabel *m_status;
    QString m_progressText; // what showProgress put in m_status: the only text setBusy(false) clears
    std::pair<QString, QString> m_failureShown; // the failure line in m_status, and its work
    QToolButton *m_cancel;
    QMenu *m_recentMenu = nullptr;
    QAction *m_saveAsWorkspace = nullptr;
    QAction *m_sideBySide = nullptr;
    QPointer<SyncDialog> m_syncDialog;
    class AsyncSlot *m_openJob;
    bool m_painted = false; // once painted, held jobs start (AsyncJob.h)
};

} // namespace sluice
