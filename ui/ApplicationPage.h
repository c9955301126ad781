#pragma once

// One application: a header (repository, tracked revision, head commit, Fetch) over the tabs
// Pending commits, Review and Activity. Owns the jobs that load its repository; the tabs own
// theirs.

#include "ApplicationListModel.h"
#include "LazyTab.h"
#include "Session.h"
#include "review/Review.h"
#include "sync/Reconcile.h"

#include <QWidget>

class QAction;
class QLabel;
class QPushButton;
class QToolButton;
class QTabWidget;

namespace sluice {

class ActivityLogModel;
class ActivityTab;
class ElidedLabel;
class HistoryTab;
class ResourcesTab;
class AsyncSlot;
class PendingCommitsTab;
class RefsModel;
class ReviewTab;

class ApplicationPage : public QWidget
{
    Q_OBJECT

public:
    ApplicationPage(ActivityLogModel *log, QWidget *parent = nullptr);

    // Shows `application`: loads its repository snapshot, then its commits. Cancels the
    // previous application's work.
    void setApplication(SessionPtr session, const QString &application);
    QString application() const { return m_application; }

    // Fetch: for a URL, fetches its cache mirror (with progress); for a local clone, re-reads
    // it (Sluice never fetches into your clone). Then reloads the page.
    void fetch();
    // The cluster status of the shown application (from ClusterStatusMonitor): a line under
    // the header and, while held, a banner across the page.
    // `full`: the whole status when known (the History tab renders from it).
    void setClusterStatus(const ApplicationStatusSummary &status, std::shared_ptr<const sync::ApplicationStatus> full = nullptr);

    // Cancels every job of the page and its tabs.
    void cancelAll();
    bool isBusy() const;

    PendingCommitsTab *pendingTab() const { return m_pending; }
    // Review, Resources and History are built when first shown or asked for here.
    ReviewTab *reviewTab();
    ReviewTab *builtReviewTab() const { return m_review.built(); } // nullptr until then
    ActivityTab *activityTab() const { return m_activity; }
    HistoryTab *historyTab();
    ResourcesTab *resourcesTab();
    QTabWidget *tabs() const { return m_tabs; }
    RefsModel *refs() const { return m_refs; }
    ElidedLabel *headerLabel() const { return m_details; }
    QLabel *errorBanner() const { return m_error; }
    ElidedLabel *clusterStatusLabel() const { return m_clusterStatus; }
    QLabel *holdBanner() const { return m_hold; }
    QPushButton *releaseHoldButton() const { return m_releaseHold; }
    QPushButton *fetchButton() const { return m_fetchButton; }
    QPushButton *syncButton() const { return m_syncButton; }
    QPushButton *rollbackButton() const { return m_rollbackButton; }
    // Shown when a Flux or Argo CD object owns the application: click reconciles through it;
    // its menu has the other controller actions.
    QToolButton *controllerButton() const { return m_controllerButton; }
    QAction *controllerAction(sync::ControllerVerb verb, bool withSource = false) const;

signals:
    void busyChanged(bool busy);
    void syncRequested(const QString &application);
    void rollbackRequested(const QString &application);
    void releaseHoldRequested(const QString &application); // a sync of the tracked head that releases the hold
    void rollbackToRequested(const QString &application, int entryId);
    void fetchLabelChanged(const QString &label); // "&Fetch" or "&Reload" for the menu
    void reviewTabBuilt(); // reviewTab() is there now
    void controllerActionFinished(const QString &application); // the status is worth checking again
    // Progress of the current long task (total 0 = unknown).
    void progress(qint64 done, qint64 total, const QString &what);

private:
    void load(bool fetchFirst);
    void showSnapshot(const RepositorySnapshot &snapshot);
    void showError(const QString &text);
    void showReviewMessage(const QString &text);
    void updateBusy();
    void showController(const sync::ApplicationStatus *status);
    // Reconcile, refresh, suspend or resume through the owning controller, logged in Activity.
    void runControllerAction(sync::ControllerVerb verb, bool withSource);

    SessionPtr m_session;
    QString m_application;
    ActivityLogModel *m_log;
    RefsModel *m_refs;
    QLabel *m_title;
    ElidedLabel *m_details;
    QLabel *m_error;
    ElidedLabel *m_clusterStatus;
    QWidget *m_holdBar; // the banner: m_hold and m_releaseHold
    QLabel *m_hold;
    QPushButton *m_releaseHold;
    QPushButton *m_fetchButton;
    QPushButton *m_syncButton;
    QPushButton *m_rollbackButton;
    QToolButton *m_controllerButton;
    QAction *m_reconcile;
    QAction *m_reconcileWithSource;
    QAction *m_refresh;
    QAction *m_suspend;
    QAction *m_resume;
    QTabWidget *m_tabs;
    PendingCommitsTab *m_pending;
    ActivityTab *m_activity;
    // What a lazy tab is told, by topic (LazyTab keeps the latest of each until it is built).
    enum Topic { kBuilt, kApplication, kMessage, kStatus };
    LazyTab<ReviewTab> m_review;
    LazyTab<ResourcesTab> m_resources;
    LazyTab<HistoryTab> m_history;
    AsyncSlot *m_loadJob;
    AsyncSlot *m_controllerJob;
    int m_logId = 0;
    int m_controllerLogId = 0;
    bool m_newApplication = true;
    QString m_deployedBaseShown; // the application whose Pending tab was set to its deployed revision
    QString m_deployedBaseSet;   // what the page last put in Pending's Since: followed, unlike the user's
    QString m_knownDeployed;     // the shown application's deployed revision, once its status is known
};

} // namespace sluice
