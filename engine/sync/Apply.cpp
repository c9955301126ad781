#include "Apply.h"

#include "kube/Watch.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QSet>
#include <QThread>

#include <condition_variable>
#include <mutex>

namespace sluice::sync {

QString outcomeName(Outcome outcome)
{
    switch (outcome) {
    case Outcome::Applied: return QStringLiteral("applied");
    case Outcome::Pruned: return QStringLiteral("pruned");
    case Outcome::Unchanged: return QStringLiteral("unchanged");
    case Outcome::Failed: return QStringLiteral("failed");
    case Outcome::NotAttempted: return QStringLiteral("not attempted");
    case Outcome::Skipped: return QStringLiteral("skipped");
    }
    return {};
}

QString SyncResult::firstFailure() const
{
    for (const StepResult &step : steps) {
        if (step.outcome == Outcome::Failed)
            return step.key.displayName() + QStringLiteral(": ") + step.message;
    }
    return {};
}

namespace {

constexpr int kThreads = 16;

bool settled(HealthState state)
{
    return state == HealthState::Healthy || state == HealthState::Degraded || state == HealthState::Suspended ||
           state == HealthState::None;
}

// The uid of a live object: deletes name it as their precondition, so a retried delete (its
// first attempt may have landed unanswered) never removes an object made again meanwhile.
QString uidOf(const QJsonObject &live)
{
    return live.value(QLatin1String("metadata")).toObject().value(QLatin1String("uid")).toString();
}

// Deletes the incarnation `uid` of an object and waits (up to a minute) until it is gone: for
// replacing one whose immutable fields change.
Status deleteAndWait(kube::KubeClient &client, const kube::ResourcePath &path, const QString &uid, const CancelToken &cancel)
{
    if (Status removed = client.remove(path, {QStringLiteral("Foreground"), uid}, cancel); !removed && removed.error().code != 404)
        return removed;
    for (int i = 0; i < 300; ++i) {
        auto object = client.get(path, cancel);
        if (!object && object.error().code == 404)
            return {};
        if (!object)
            return object.error();
        if (!uid.isEmpty() && uidOf(*object) != uid)
            return {}; // gone, and made again meanwhile
        QThread::msleep(200);
    }
    return makeError(ErrorCategory::Kube, QStringLiteral("%1 was not deleted within a minute (finalizers?)").arg(path.path()));
}

// Applies or prunes one step.
StepResult runStep(ClusterConnection &cluster, const PlanStep &step, const ApplyOptions &options,
                   const QSet<QString> &createdNamespaces)
{
    const ResourceState &r = step.resource;
    StepResult result{r.key, r.action, Outcome::Failed, {}, {}};
    auto type = cluster.discovery->resourceFor(r.key.group, r.key.kind, {}, options.cancel);
    if (!type) {
        result.message = type.error().message;
        return result;
    }
    const kube::ResourcePath path = type->path(r.key.ns, r.key.name);
    if (r.action == Action::Prune) {
        Status removed = cluster.client->remove(path, {QStringLiteral("Background"), uidOf(r.live), options.dryRun}, options.cancel);
        if (removed || removed.error().code == 404)
            result.outcome = Outcome::Pruned;
        else
            result.message = removed.error().message;
        return result;
    }
    if (r.replace && !options.dryRun) {
        if (Status deleted = deleteAndWait(*cluster.client, path, uidOf(r.live), options.cancel); !deleted) {
            result.message = deleted.error().message;
            return result;
        }
    }
    auto applied = cluster.client->serverSideApply(path, r.applyBody, true, options.dryRun, options.cancel);
    if (applied) {
        result.outcome = Outcome::Applied;
    } else if (options.dryRun && applied.error().code == 404 && createdNamespaces.contains(r.key.ns)) {
        result.outcome = Outcome::Applied; // a dry run cannot create the namespace an earlier phase would
        result.message = QStringLiteral("dry run: its namespace %1 is created by this sync").arg(r.key.ns);
    } else {
        result.message = applied.error().message;
    }
    return result;
}

} // namespace

SyncResult executePlan(ClusterConnection &cluster, const SyncPlan &plan, const ApplyOptions &unsafeOptions)
{
    ApplyOptions options = unsafeOptions;
    options.progress = serializedProgress(options.progress); // steps report from the pool
    QElapsedTimer clock;
    clock.start();
    SyncResult result;
    result.dryRun = options.dryRun;
    for (const PlanStep &step : plan.steps) {
        Outcome initial = Outcome::NotAttempted;
        if (!step.selected || step.skippedPrune)
            initial = Outcome::Skipped;
        else if (step.resource.action == Action::Unchanged)
            initial = Outcome::Unchanged;
        result.steps.append({step.resource.key, step.resource.action, initial, {}, step.resource.health});
    }
    const qint64 total = std::count_if(result.steps.begin(), result.steps.end(),
                                       [](const StepResult &s) { return s.outcome == Outcome::NotAttempted; });
    QSet<QString> createdNamespaces;
    for (const PlanStep &step : plan.steps) {
        if (step.selected && step.resource.action == Action::Create && step.resource.key.kind == QLatin1String("Namespace") &&
            step.resource.key.group.isEmpty())
            createdNamespaces.insert(step.resource.key.name);
    }
    std::atomic<qint64> done{0};
    bool stopped = false;
    for (qsizetype first = 0; first < plan.steps.size() && !stopped;) {
        qsizetype end = first;
        while (end < plan.steps.size() && plan.steps.at(end).phase == plan.steps.at(first).phase)
            ++end;
        QList<qsizetype> work;
        for (qsizetype i = first; i < end; ++i) {
            if (result.steps.at(i).outcome == Outcome::NotAttempted)
                work.append(i);
        }
        parallelFor(int(work.size()), kThreads, [&](int w) {
            const qsizetype i = work.at(w);
            if (options.cancel.isCancelled())
                return;
            result.steps[i] = runStep(cluster, plan.steps.at(i), options, createdNamespaces);
            result.steps[i].health = plan.steps.at(i).resource.health;
            if (options.progress)
                options.progress(++done, total, QStringLiteral("%1 %2").arg(actionName(plan.steps.at(i).resource.action),
                                                                           plan.steps.at(i).resource.key.displayName()));
        });
        QList<ResourceKey> definitions;
        for (qsizetype i : work) {
            if (result.steps.at(i).outcome == Outcome::Failed || result.steps.at(i).outcome == Outcome::NotAttempted)
                stopped = true;
            else if (plan.steps.at(i).resource.key.kind == QLatin1String("CustomResourceDefinition") &&
                     result.steps.at(i).action != Action::Prune)
                definitions.append(plan.steps.at(i).resource.key);
        }
        if (!definitions.isEmpty() && !options.dryRun && !stopped) {
            bool timedOut = false;
            const auto health = waitForHealth(cluster, plan.application, definitions, 60000, timedOut, options.progress, options.cancel);
            for (qsizetype i : work) {
                if (auto it = health.find(result.steps.at(i).key); it != health.end() && it->second.state != HealthState::Healthy) {
                    result.steps[i].outcome = Outcome::Failed;
                    result.steps[i].message = QStringLiteral("not Established: %1").arg(it->second.message);
                    stopped = true;
                }
            }
            cluster.discovery->invalidate(); // its kinds are served now
        }
        first = end;
    }

    QList<ResourceKey> applied;
    for (const StepResult &step : result.steps) {
        switch (step.outcome) {
        case Outcome::Applied: ++result.applied; applied.append(step.key); break;
        case Outcome::Pruned: ++result.pruned; break;
        case Outcome::Failed: ++result.failed; break;
        case Outcome::NotAttempted: ++result.notAttempted; break;
        default: break;
        }
    }
    if (result.failed == 0 && result.notAttempted == 0)
        result.result = QStringLiteral("Succeeded");
    else if (result.applied + result.pruned > 0)
        result.result = QStringLiteral("Partial");
    else
        result.result = QStringLiteral("Failed");

    if (options.wait && !options.dryRun && !applied.isEmpty() && !options.cancel.isCancelled()) {
        result.waited = true;
        const auto health = waitForHealth(cluster, plan.application, applied, options.timeoutMs, result.timedOut,
                                          options.progress, options.cancel);
        for (StepResult &step : result.steps) {
            if (auto it = health.find(step.key); it != health.end())
                step.health = it->second;
        }
    }
    for (const StepResult &step : result.steps) {
        if (step.outcome == Outcome::Applied || step.outcome == Outcome::Unchanged)
            result.health = worseHealth(result.health, step.health.state);
    }
    result.durationMs = clock.elapsed();
    return result;
}

std::map<ResourceKey, Health> waitForHealth(ClusterConnection &cluster, const QString &application,
                                            const QList<ResourceKey> &keys, int timeoutMs, bool &timedOut,
                                            const ProgressFn &progress, const CancelToken &cancel)
{
    std::mutex mutex;
    std::condition_variable changed;
    std::map<ResourceKey, Health> health;
    for (const ResourceKey &key : keys)
        health[key] = {HealthState::Missing, QStringLiteral("not seen yet")};

    // One watch per (kind, namespace), filtered by the tracking label.
    std::map<std::pair<QString, QString>, kube::ResourcePath> collections;
    for (const ResourceKey &key : keys) {
        auto type = cluster.discovery->resourceFor(key.group, key.kind, {}, cancel);
        if (!type) {
            health[key] = {HealthState::Unknown, type.error().message};
            continue;
        }
        collections.emplace(std::pair(type->group + QLatin1Char('/') + type->resource, type->namespaced ? key.ns : QString()),
                            type->path(key.ns));
    }
    CancelToken stop;
    std::vector<std::unique_ptr<QThread>> watchers;
    for (const auto &[id, collection] : collections) {
        watchers.emplace_back(QThread::create([&, collection = collection] {
            kube::WatchOptions watchOptions;
            watchOptions.labelSelector = kTrackingLabel + QLatin1Char('=') + clusterSafeName(application);
            (void)kube::watchCollection(*cluster.client, collection, watchOptions, [&](const kube::WatchEvent &event) {
                const QJsonObject metadata = event.object.value(QLatin1String("metadata")).toObject();
                const QString apiVersion = event.object.value(QLatin1String("apiVersion")).toString();
                const ResourceKey key{apiVersion.contains(QLatin1Char('/')) ? apiVersion.section(QLatin1Char('/'), 0, 0) : QString(),
                                      event.object.value(QLatin1String("kind")).toString(),
                                      metadata.value(QLatin1String("namespace")).toString(),
                                      metadata.value(QLatin1String("name")).toString()};
                std::lock_guard lock(mutex);
                if (auto it = health.find(key); it != health.end()) {
                    it->second = event.type == QLatin1String("DELETED") ? Health{HealthState::Missing, QStringLiteral("deleted")}
                                                                        : assessHealth(event.object);
                    changed.notify_all();
                }
                return !stop.isCancelled();
            }, stop);
        }));
        watchers.back()->start();
    }

    QDeadlineTimer deadline(timeoutMs);
    {
        std::unique_lock lock(mutex);
        while (true) {
            int done = 0;
            const ResourceKey *waitingFor = nullptr;
            for (const auto &[key, h] : health) {
                if (settled(h.state) || h.state == HealthState::Unknown)
                    ++done;
                else if (!waitingFor)
                    waitingFor = &key;
            }
            if (progress)
                progress(done, qint64(health.size()),
                         waitingFor ? QStringLiteral("waiting for %1: %2").arg(waitingFor->displayName(), health[*waitingFor].message)
                                    : QStringLiteral("all settled"));
            if (!waitingFor || cancel.isCancelled())
                break;
            if (deadline.hasExpired()) {
                timedOut = true;
                break;
            }
            changed.wait_for(lock, std::chrono::milliseconds(qMin<qint64>(200, qMax<qint64>(1, deadline.remainingTime()))));
        }
    }
    stop.cancel();
    for (auto &watcher : watchers)
        watcher->wait();
    return health;
}

} // namespace sluice::sync
