#pragma once

// Sync status: the desired set of an application compared with its destination cluster.
//
// The live set is every object carrying the tracking label `sluice.dev/app=<application>`
// (listed by label selector over every served kind that supports list, concurrently) plus the
// desired keys fetched by name. Each desired object is server-side applied with dryRun=All
// (fieldManager=sluice) and the answer compared with the live object, both normalised
// (diff/Normalize.h) and masked (Secrets), so API-server defaults are never a difference.
// Conflicts with other field managers are found by a first dry-run without force: its 409
// names the fields force would take over.
//
// Thread: blocking; call from a worker thread. Requests run concurrently (bounded by the
// client) on a private thread pool.

#include "Cluster.h"
#include "Health.h"
#include "StatusMemo.h"
#include "diff/ResourceDiff.h"
#include "render/Resource.h"

#include <QJsonObject>

namespace sluice::sync {

inline const QString kTrackingLabel = QStringLiteral("sluice.dev/app");
inline const QString kFieldManager = QStringLiteral("sluice");

enum class SyncState { Synced, OutOfSync, Unknown };
QString syncStateName(SyncState state); // "Synced", "OutOfSync", "Unknown"

// What a sync would do to an object.
enum class Action { Create, Update, Prune, Unchanged };
QString actionName(Action action); // "create", "update", "prune", "unchanged"

struct ResourceState
{
    ResourceKey key;
    QString apiVersion;
    SyncState sync = SyncState::Unknown;
    QString reason;       // why OutOfSync or Unknown: "missing", "differs", "would be pruned", the server's message
    Action action = Action::Unchanged;
    Health health;        // of the live object; Missing when absent
    ObjectDiff diff;      // live (before) vs the object after apply (after); masked
    QStringList takeovers; // "takes .spec.replicas from kubectl-client-side-apply"
    bool replace = false; // an immutable field changes: apply must delete and create
    QJsonObject applyBody; // the desired object with the tracking label; empty for prunes
    QJsonObject live;      // as served; empty when absent
    int wave = 0;          // argocd.argoproj.io/sync-wave or sluice.dev/sync-wave

    bool desired() const { return !applyBody.isEmpty(); }
};

struct LiveComparison
{
    QList<ResourceState> resources; // key order; desired objects and prune candidates
    QStringList warnings;           // kinds that could not be listed (prune candidates may hide there)
    SyncState sync = SyncState::Synced;
    HealthState health = HealthState::Healthy;
    DiffSummary summary;            // added = missing, removed = to prune, changed = differ
};

struct CompareOptions
{
    QList<IgnoreRule> ignore;
    bool withText = true; // unified YAML diff per differing object
    ProgressFn progress;
    CancelToken cancel;
    StatusMemo *memo = nullptr; // skips the dry-run of objects unchanged since found in sync; updated
};

// The desired object as applied: parsed, metadata.namespace set, the tracking label added
// (clusterSafeName(application); no other label touched).
Result<QJsonObject> applyBodyFor(const Resource &resource, const QString &application);

// Every live object of the application (tracking label), by key. Kinds that cannot be listed
// add a warning instead of failing.
Result<std::map<ResourceKey, QJsonObject>> listLiveObjects(ClusterConnection &cluster, const QString &application,
                                                           QStringList &warnings, const CancelToken &cancel = {});

// Compares `desired` (rendered) with the cluster.
Result<LiveComparison> compareWithCluster(ClusterConnection &cluster, const QString &application,
                                          const ResourceSet &desired, const CompareOptions &options = {});

// Runs `work(i)` for i in [0, count) on up to `threads` (at most 16) threads at once; blocks. The
// threads are shared by every call and keep their cluster connections between calls.
void parallelFor(int count, int threads, const std::function<void(int)> &work);

} // namespace sluice::sync
