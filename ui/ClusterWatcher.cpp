#include "ClusterWatcher.h"

#include "kube/Watch.h"
#include "sync/Cluster.h"
#include "sync/LiveCompare.h"

#include <QThread>

#include <mutex>
#include <optional>

namespace sluice {

struct ClusterWatcher::Shared
{
    CancelToken stop;
    std::mutex mutex;
    ClusterWatcher::Known known;
    int unanswered = 0; // watches the cluster does not answer

    // One connection and discovery for all the kinds' watches: the first watch to start makes
    // it, the others wait for it and share it (one client, one exec credential, one discovery).
    Result<sync::ClusterConnection> connect(const ClusterConfig &cluster)
    {
        std::lock_guard lock(connectMutex);
        if (!connection) {
            auto made = sync::connectCluster(cluster, stop, sync::SandboxStart::Never);
            // Discovery that fails (the cluster stopped answering, refused it) is a failure.
            if (made) {
                if (auto discovery = made->discovery->get(false, stop); !discovery)
                    made = discovery.error();
            }
            connection = std::move(made);
        }
        return *connection;
    }

private:
    std::mutex connectMutex;
    std::optional<Result<sync::ClusterConnection>> connection;
};

namespace {

QString keyOf(const QJsonObject &object)
{
    const QString apiVersion = object.value(QLatin1String("apiVersion")).toString();
    const QJsonObject metadata = object.value(QLatin1String("metadata")).toObject();
    return (apiVersion.contains(QLatin1Char('/')) ? apiVersion.section(QLatin1Char('/'), 0, 0) : QString()) + QLatin1Char('/') +
           object.value(QLatin1String("kind")).toString() + QLatin1Char('/') + metadata.value(QLatin1String("namespace")).toString() +
           QLatin1Char('/') + metadata.value(QLatin1String("name")).toString();
}

// Emits `signal` on the watcher's (the GUI) thread. Emitted on the watch's thread, a failure
// that comes at once (a sandbox that is not running) could come before the constructor has
// returned and its receiver connected: nobody would hear it.
template<typename Watcher>
void post(Watcher *watcher, void (Watcher::*signal)(const QString &), const QString &value)
{
    QMetaObject::invokeMethod(watcher, [watcher, signal, value] { emit (watcher->*signal)(value); }, Qt::QueuedConnection);
}

} // namespace

ClusterWatcher::ClusterWatcher(const ClusterConfig &cluster, const QStringList &applications, const QSet<QString> &kinds,
                               const Known &known, QObject *parent)
    : QObject(parent), m_shared(std::make_shared<Shared>()), m_kinds(kinds)
{
    m_shared->known = known;
    QHash<QString, QString> byLabel; // tracking label value → application
    for (const QString &application : applications)
        byLabel.insert(sync::clusterSafeName(application), application);
    const QString selector = sync::kTrackingLabel + QStringLiteral(" in (") + byLabel.keys().join(QLatin1Char(',')) + QLatin1Char(')');
    for (const QString &kind : kinds) {
        m_threads.emplace_back(QThread::create([this, shared = m_shared, cluster, selector, byLabel, kind] {
            const auto connection = shared->connect(cluster);
            if (!connection) {
                post(this, &ClusterWatcher::failed, connection.error().message);
                return;
            }
            // A kind that discovery does not list is not served (any more): nothing to watch.
            auto type = connection->discovery->resourceFor(kind.section(QLatin1Char('/'), 0, 0), kind.section(QLatin1Char('/'), 1), {}, shared->stop);
            if (!type || !type->verbs.contains(QLatin1String("watch")))
                return; // not served, or not watchable
            kube::WatchOptions options;
            options.labelSelector = selector;
            options.onAnswering = [this, shared](const Status &answering) {
                std::lock_guard lock(shared->mutex);
                const bool before = shared->unanswered == 0;
                shared->unanswered += answering ? -1 : 1;
                if (before != (shared->unanswered == 0))
                    post(this, &ClusterWatcher::answeringChanged, answering ? QString() : answering.error().message);
            };
            const Status watched = kube::watchCollection(*connection->client, type->path(), options, [&](const kube::WatchEvent &event) {
                const QString application = byLabel.value(event.object.value(QLatin1String("metadata")).toObject()
                                                              .value(QLatin1String("labels")).toObject().value(sync::kTrackingLabel).toString());
                if (application.isEmpty())
                    return !shared->stop.isCancelled();
                if (event.type == QLatin1String("ADDED")) {
                    std::lock_guard lock(shared->mutex);
                    const QString seen = shared->known.value(application).value(keyOf(event.object));
                    const QString now = event.object.value(QLatin1String("metadata")).toObject().value(QLatin1String("resourceVersion")).toString();
                    if (!seen.isEmpty() && seen == now)
                        return !shared->stop.isCancelled(); // as the last status saw it (the initial list)
                }
                post(this, &ClusterWatcher::changed, application);
                return !shared->stop.isCancelled();
            }, shared->stop);
            if (!watched && watched.error().category != ErrorCategory::Cancelled)
                post(this, &ClusterWatcher::failed, watched.error().message);
        }));
        m_threads.back()->start();
    }
}

ClusterWatcher::~ClusterWatcher()
{
    m_shared->stop.cancel();
    for (auto &thread : m_threads)
        thread->wait();
}

OwnerWatcher::OwnerWatcher(const ClusterConfig &cluster, const QString &application, const kube::ResourcePath &owner,
                           const QString &knownResourceVersion, QObject *parent)
    : QObject(parent), m_path(owner.path())
{
    m_thread.reset(QThread::create([this, stop = m_stop, cluster, application, owner, knownResourceVersion] {
        auto connection = sync::connectCluster(cluster, stop, sync::SandboxStart::Never);
        if (!connection) {
            post(this, &OwnerWatcher::failed, connection.error().message);
            return;
        }
        kube::ResourcePath collection = owner;
        collection.name.clear(); // its namespace's objects of that kind: a handful
        const Status watched = kube::watchCollection(*connection->client, collection, {}, [&](const kube::WatchEvent &event) {
            const QJsonObject metadata = event.object.value(QLatin1String("metadata")).toObject();
            const bool known = event.type == QLatin1String("ADDED") &&
                               metadata.value(QLatin1String("resourceVersion")).toString() == knownResourceVersion;
            if (metadata.value(QLatin1String("name")).toString() == owner.name && !known)
                post(this, &OwnerWatcher::changed, application);
            return !stop.isCancelled();
        }, stop);
        if (!watched && watched.error().category != ErrorCategory::Cancelled)
            post(this, &OwnerWatcher::failed, watched.error().message);
    }));
    m_thread->start();
}

OwnerWatcher::~OwnerWatcher()
{
    m_stop.cancel();
    m_thread->wait();
}

void ClusterWatcher::setKnown(const QString &application, const QHash<QString, QString> &resourceVersions)
{
    std::lock_guard lock(m_shared->mutex);
    m_shared->known.insert(application, resourceVersions);
}

} // namespace sluice

