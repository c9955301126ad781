#include "ClusterStatusMonitor.h"

#include "ActivityLogModel.h"
#include "ApplicationListModel.h"
#include "AsyncJob.h"
#include "ClusterWatcher.h"

#include <QDir>
#include <QTimer>

namespace sluice {

// What one status job hands back to the GUI thread.
struct ClusterStatusMonitor::Result
{
    std::shared_ptr<const sync::ApplicationStatus> status; // null on failure
    QString error;
    bool clusterFailed = false; // the error came from the cluster, not from Git or rendering
    QString cluster;
    QString sandboxUrl;
    QHash<QString, QString> seen; // key → resourceVersion of the live objects compared
};

ClusterStatusMonitor::ClusterStatusMonitor(ApplicationListModel *applications, ActivityLogModel *log, QObject *parent)
    : QObject(parent), m_applications(applications), m_log(log)
{
    // Whichever job starts a sandbox (this monitor's check, a live review, a sync), the status bar says so.
    sync::setSandboxStartedHandler([this](const QString &dataDir, const QString &url) {
        QMetaObject::invokeMethod(this, [this, dataDir, url] { sandboxStarted(dataDir, url); }, Qt::QueuedConnection);
    });
}

ClusterStatusMonitor::~ClusterStatusMonitor()
{
    sync::setSandboxStartedHandler({});
    for (auto &[name, job] : m_jobs)
        job->cancel();
    m_watchers.clear(); // stops their threads
    jobPool()->waitForDone(); // cancelled jobs end quickly; a sandbox being started is stopped by its own job
    for (const QString &dataDir : startedSandboxes())
        (void)sync::stopSandbox(dataDir); // quitting: nothing left to tell the user
}

QStringList ClusterStatusMonitor::startedSandboxes() const
{
    return sync::sandboxesStartedHere();
}

void ClusterStatusMonitor::setSession(SessionPtr session)
{
    for (auto &[name, job] : m_jobs)
        job->cancel();
    m_status.clear();
    m_recheckMs.clear();
    m_checks.clear();
    m_watchers.clear();
    m_unwatchable.clear();
    m_seen.clear();
    m_sandboxUrls.clear();
    m_session = std::move(session);
    refresh();
}

void ClusterStatusMonitor::refresh()
{
    if (!m_session)
        return;
    m_reportedClusters.clear();
    m_reportedOwners.clear();
    for (const ApplicationConfig &app : m_session->workspace.applications)
        refresh(app.name);
}

std::shared_ptr<const sync::ApplicationStatus> ClusterStatusMonitor::status(const QString &application) const
{
    const auto it = m_status.find(application);
    return it == m_status.end() ? nullptr : it->second;
}

void ClusterStatusMonitor::refresh(const QString &application)
{
    if (!m_session)
        return;
    const ApplicationConfig app = m_session->application(application);
    if (app.name.isEmpty() || app.cluster.isEmpty())
        return; // not deployed anywhere: nothing to check
    ++m_checks[application];
    AsyncSlot *&job = m_jobs[application];
    if (!job)
        job = new AsyncSlot(this);
    ApplicationStatusSummary checking = m_applications->status(application);
    checking.state = ApplicationStatusSummary::State::Checking;
    m_applications->setStatus(application, checking);
    const int logId = m_log->begin(tr("Cluster status of %1").arg(application));
    job->run(
        [session = m_session, app](const JobContext &context) {
            Result result;
            const ClusterConfig *cluster = session->workspace.cluster(app.cluster);
            result.cluster = app.cluster;
            if (cluster && cluster->sandbox) {
                auto sandbox = sync::ensureSandbox(cluster->sandboxDataDir, context.token());
                if (!sandbox) {
                    result.error = sandbox.error().toString();
                    result.clusterFailed = true;
                    return result;
                }
                result.sandboxUrl = sandbox->url;
            }
            const sync::ReconcileContext reconcile{session->workspace, app, *session->cache, {}, context.token(), true};
            auto status = sync::applicationStatus(reconcile, {{}, true});
            if (status) {
                // The window shows sync, health and diffs; the objects themselves (live and as
                // applied) would only cost memory (a Sync… plans afresh).
                for (sync::ResourceState &resource : status->comparison.resources) {
                    result.seen.insert(resource.key.toString(), resource.live.value(QLatin1String("metadata")).toObject()
                                                                    .value(QLatin1String("resourceVersion")).toString());
                    resource.live = {};
                    resource.applyBody = {};
                }
                result.status = std::make_shared<const sync::ApplicationStatus>(std::move(*status));
            } else {
                result.error = status.error().toString();
                result.clusterFailed = status.error().category == ErrorCategory::Kube;
            }
            return result;
        },
        [this, application, logId](const Result &result) {
            // The sidebar row and one status-bar line per cluster say it; no "Failed:" per application.
            m_log->finish(logId, result.status ? ActivityLogModel::State::Succeeded : ActivityLogModel::State::Failed, result.error, true);
            finished(application, result);
        });
}

void ClusterStatusMonitor::sandboxStarted(const QString &dataDir, const QString &url)
{
    QStringList clusters; // of this workspace whose sandbox that is
    for (const ClusterConfig &cluster : m_session ? m_session->workspace.clusters : QList<ClusterConfig>())
        if (cluster.sandbox && QDir::cleanPath(cluster.sandboxDataDir) == dataDir)
            clusters << cluster.name;
    emit message(tr("Started the sandbox cluster %1 at %2 (stopped when Sluice quits)")
                     .arg(clusters.isEmpty() ? dataDir : clusters.join(QLatin1String(", ")), url));
}

void ClusterStatusMonitor::finished(const QString &application, const Result &result)
{
    ApplicationStatusSummary summary;
    if (!result.status) {
        summary.state = ApplicationStatusSummary::State::Failed;
        summary.error = result.error;
        m_status.erase(application);
        if (result.clusterFailed) {
            // The engine names the cluster ("cluster prod (context x): …"); its own row does not need to.
            const QString line = result.error.section(QLatin1Char('\n'), 0, 0);
            const QString reason = line.startsWith(QLatin1String("cluster ")) && line.contains(QLatin1String("): "))
                                       ? line.section(QLatin1String("): "), 1)
                                       : line;
            if (!m_reportedClusters.contains(result.cluster)) {
                m_reportedClusters.insert(result.cluster);
                emit message(tr("Cluster %1: %2").arg(result.cluster, reason));
            }
            m_applications->setClusterError(result.cluster, reason);
        }
    } else {
        const sync::ApplicationStatus &s = *result.status;
        summary.state = ApplicationStatusSummary::State::Known;
        summary.sync = sync::syncStateName(s.comparison.sync);
        summary.health = sync::healthName(s.comparison.health);
        summary.pending = s.pendingKnown ? int(s.pending.size()) : -1;
        summary.deployed = s.deployedRevision;
        summary.hold = s.hold ? s.hold->describe() : QString();
        summary.controller = s.controller ? s.controller->summary() : QString();
        summary.owner = s.owner.type == sync::Owner::Type::Flux     ? QStringLiteral("Flux")
                        : s.owner.type == sync::Owner::Type::ArgoCD ? QStringLiteral("Argo CD")
                                                                     : QString();
        m_status[application] = result.status;
        m_applications->setClusterError(result.cluster, {}); // it answered
    }
    m_applications->setStatus(application, summary);
    emit statusChanged(application);

    if (!result.sandboxUrl.isEmpty())
        followSandbox(result.cluster, result.sandboxUrl);
    if (result.status)
        watch(application, *result.status, result.seen);
    // A Progressing application is looked at again until it settles: often without a watch,
    // rarely with one (a safety net should a watch event be missed), backing off to a minute.
    if (summary.health == QLatin1String("Progressing")) {
        int &delay = m_recheckMs[application];
        delay = delay == 0 ? (m_unwatchable.contains(result.cluster) ? 3000 : 10000) : qMin(delay * 2, 60000);
        scheduleRefresh(application, delay);
    } else {
        m_recheckMs.erase(application);
    }
}

void ClusterStatusMonitor::refreshCluster(const QString &cluster)
{
    for (const ApplicationConfig &app : m_session->workspace.applications) {
        if (app.cluster == cluster)
            refresh(app.name);
    }
}

void ClusterStatusMonitor::scheduleRefresh(const QString &application, int delayMs)
{
    const quint64 check = m_checks[application];
    QTimer::singleShot(delayMs, this, [this, application, check] {
        if (m_checks[application] == check) // no check started meanwhile: one refresh for a burst
            refresh(application);
    });
}

void ClusterStatusMonitor::watch(const QString &application, const sync::ApplicationStatus &status, const QHash<QString, QString> &seen)
{
    m_seen.insert(application, seen);
    const ApplicationConfig app = m_session->application(application);
    const ClusterConfig *cluster = m_session->workspace.cluster(app.cluster);
    if (!cluster || m_unwatchable.contains(app.cluster))
        return;
    QSet<QString> kinds;
    for (const sync::ResourceState &r : status.comparison.resources)
        kinds.insert(r.key.group + QLatin1Char('/') + r.key.kind);
    auto &watcher = m_watchers[app.cluster];
    if (!watcher || !watcher->kinds().contains(kinds)) {
        if (watcher)
            kinds.unite(watcher->kinds());
        QStringList applications;
        ClusterWatcher::Known known;
        for (const ApplicationConfig &a : m_session->workspace.applications) {
            if (a.cluster != app.cluster)
                continue;
            applications << a.name;
            known.insert(a.name, m_seen.value(a.name));
        }
        watcher = std::make_unique<ClusterWatcher>(*cluster, applications, kinds, known);
        connect(watcher.get(), &ClusterWatcher::changed, this, [this](const QString &changed) { scheduleRefresh(changed, 700); });
        const QString clusterName = app.cluster;
        connect(watcher.get(), &ClusterWatcher::failed, this, [this, clusterName](const QString &error) {
            if (m_unwatchable.contains(clusterName))
                return; // said once (each kind's watch fails alike when the cluster cannot be reached)
            m_unwatchable.insert(clusterName); // its other kinds' watches go on
            emit message(tr("Cluster %1 cannot be watched (%2): its status is checked again while it changes").arg(clusterName, error));
        });
        connect(watcher.get(), &ClusterWatcher::answeringChanged, this, [this, clusterName](const QString &error) {
            emit message(error.isEmpty() ? tr("Cluster %1 answers again").arg(clusterName)
                                         : tr("Cluster %1 stopped answering (%2): checking its applications again").arg(clusterName, error));
            refreshCluster(clusterName);
        });
    }
    watcher->setKnown(application, seen);
    watchOwner(application, *cluster, status);
}

void ClusterStatusMonitor::watchOwner(const QString &application, const ClusterConfig &cluster, const sync::ApplicationStatus &status)
{
    auto &watcher = m_ownerWatchers[application];
    if (!status.controller || !status.controller->found) {
        watcher.reset();
        return;
    }
    const kube::ResourcePath owner = status.owner.path();
    if (watcher && watcher->ownerPath() == owner.path())
        return; // a change after this status is a change it has not seen yet: the watch reports it
    watcher = std::make_unique<OwnerWatcher>(cluster, application, owner, status.controller->resourceVersion);
    connect(watcher.get(), &OwnerWatcher::changed, this, [this](const QString &changed) { scheduleRefresh(changed, 700); });
    const QString described = status.owner.describe();
    connect(watcher.get(), &OwnerWatcher::failed, this, [this, application, described, failed = watcher.get()](const QString &error) {
        dropOwnerWatcher(application, failed); // the next status check watches it again
        if (!m_reportedOwners.contains(application)) {
            m_reportedOwners.insert(application);
            emit message(tr("%1 cannot be watched (%2): its changes show when %3's status is checked again (F5)").arg(described, error, application));
        }
    });
}

void ClusterStatusMonitor::followSandbox(const QString &cluster, const QString &url)
{
    QString &watched = m_sandboxUrls[cluster];
    if (watched == url)
        return;
    watched = url;
    m_watchers.erase(cluster); // stops their threads (waiting to retry included)
    m_unwatchable.remove(cluster);
    for (const ApplicationConfig &app : m_session->workspace.applications) {
        if (app.cluster == cluster)
            m_ownerWatchers.erase(app.name);
    }
}

void ClusterStatusMonitor::dropOwnerWatcher(const QString &application, OwnerWatcher *failed)
{
    const auto it = m_ownerWatchers.find(application);
    if (it == m_ownerWatchers.end() || it->second.get() != failed)
        return; // replaced meanwhile
    it->second.release()->deleteLater(); // its thread is ending; not deleted inside its own signal
    m_ownerWatchers.erase(it);
}

} // namespace sluice
