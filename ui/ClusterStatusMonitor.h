#pragma once

// The cluster status of every application of the open workspace, for the sidebar and the page
// header: one background job per application (render, compare with its cluster, history), run
// when a workspace opens, on Refresh, and whenever a watch on the cluster (ClusterWatcher: one
// per kind, on the tracking label) sees one of the application's objects change. Where a watch
// cannot run, a Progressing application is checked again after 3 s, doubling up to a minute.
// An application's Flux or Argo CD owner is watched too (OwnerWatcher); a refused owner watch is
// said once per refresh and set up again by the application's next status check. A
// workspace's sandbox cluster is started on demand; the sandboxes this process started (a
// status check, or any other job of the window: a live diff, a sync) are stopped when the
// monitor goes (the window closes), while one that was already running (started by sluicectl)
// is left to `sluicectl sandbox stop`. Watches never start one. When a cluster stops answering
// its watches, and when it answers again, its applications are checked again (a stopped sandbox
// is started again by that check).
//
// Thread contract: GUI thread only; the jobs run on jobPool(). Destruction waits for that pool
// (its jobs are cancelled by then) so that no sandbox a job started is left behind.

#include "Session.h"
#include "sync/Reconcile.h"

#include <QObject>
#include <QSet>
#include <QTimer>

#include <map>
#include <memory>

namespace sluice {

class ActivityLogModel;
class ApplicationListModel;
class AsyncSlot;
class ClusterWatcher;
class OwnerWatcher;

class ClusterStatusMonitor : public QObject
{
    Q_OBJECT

public:
    ClusterStatusMonitor(ApplicationListModel *applications, ActivityLogModel *log, QObject *parent = nullptr);
    ~ClusterStatusMonitor() override; // cancels the jobs, stops the sandboxes it started

    // A new workspace (or settings): cancels running checks and checks every application.
    void setSession(SessionPtr session);
    // Checks every application again (F5).
    void refresh();
    void refresh(const QString &application);

    // The last status of an application, or nullptr when none is known. Its resources keep
    // their sync, health and diffs; their live objects and apply bodies are dropped.
    std::shared_ptr<const sync::ApplicationStatus> status(const QString &application) const;
    QStringList startedSandboxes() const; // by this process (any job), not stopped yet: stopped when the monitor goes

signals:
    void statusChanged(const QString &application);
    // One line for the status bar: a sandbox started, a cluster that cannot be reached (once).
    void message(const QString &text);

private:
    struct Result;
    void finished(const QString &application, const Result &result);
    void sandboxStarted(const QString &dataDir, const QString &url); // says so on the status bar
    // Makes sure the application's cluster is watched for its kinds; records its keys.
    void watch(const QString &application, const sync::ApplicationStatus &status, const QHash<QString, QString> &seen);
    void watchOwner(const QString &application, const ClusterConfig &cluster, const sync::ApplicationStatus &status);
    void scheduleRefresh(const QString &application, int delayMs);
    void refreshCluster(const QString &cluster); // its applications
    // A sandbox started again (by a check, or by sluicectl) listens on another port: the watches
    // of the old one would wait for it forever; the next watch() makes new ones.
    void followSandbox(const QString &cluster, const QString &url);
    // Forgets an owner's watcher that failed, unless another has replaced it.
    void dropOwnerWatcher(const QString &application, OwnerWatcher *failed);

    ApplicationListModel *m_applications;
    ActivityLogModel *m_log;
    SessionPtr m_session;
    std::map<QString, AsyncSlot *> m_jobs;
    std::map<QString, std::shared_ptr<const sync::ApplicationStatus>> m_status;
    QSet<QString> m_reportedClusters; // clusters whose error was shown since the last refresh
    QSet<QString> m_reportedOwners;   // applications whose owner's watch failure was shown since then
    std::map<QString, int> m_recheckMs; // the next re-check delay of a Progressing application
    std::map<QString, quint64> m_checks; // per application: bumped by every check, so stale timers do nothing
    std::map<QString, std::unique_ptr<ClusterWatcher>> m_watchers; // by cluster
    std::map<QString, std::unique_ptr<OwnerWatcher>> m_ownerWatchers; // by application owned by Flux or Argo CD
    QHash<QString, QHash<QString, QString>> m_seen; // application → key → resourceVersion in its last status
    QSet<QString> m_unwatchable; // clusters whose watch failed: re-checks instead
    QHash<QString, QString> m_sandboxUrls; // sandbox cluster → the address its watches use
};

} // namespace sluice
