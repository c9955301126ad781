#pragma once

// The reconcile loop on demand, one engine call per user action: status, live diff, sync
// (with a plan), cluster rollback with a hold, and the Git-revert rollback. Each call renders
// the application (through the cache), talks to its destination cluster, reports progress and
// honours cancel.
//
// Thread: blocking; call from a worker thread. Each call opens its own repository handle.

#include "Apply.h"
#include "Controller.h"
#include "History.h"
#include "git/Repository.h"
#include "render/RenderCache.h"
#include "workspace/Workspace.h"

#include <QHash>

#include <functional>
#include <optional>

namespace sluice::sync {

// Where the history ConfigMap and the sync Lease live: the destination namespace, "default"
// for applications without one.
QString controlNamespace(const ApplicationConfig &app);

struct ReconcileContext
{
    const Workspace &workspace;
    const ApplicationConfig &app;
    RenderCache &cache;
    ProgressFn progress;
    CancelToken cancel;
    bool statusMemo = true; // remember objects found in sync (StatusMemo, under the cache dir)
};

struct ApplicationStatus
{
    QString application;
    QString clusterDescription;  // "cluster prod (context …, https://…)"
    QString cluster;
    QString trackedRef;          // "main"
    QString trackedRevision;     // its head commit
    QString comparedRevision;    // the revision compared (the tracked head unless asked otherwise)
    QString deployedRevision;    // newest successful sync or rollback; empty when never synced
    QList<git::CommitInfo> pending; // tracked head's commits not reachable from the deployed revision
    bool pendingKnown = false;   // false when never deployed or the deployed commit is not in the repository
    std::optional<Hold> hold;    // for a controller-owned application: its suspension
    Owner owner;                 // who applies the live objects (Controller.h)
    std::optional<ControllerState> controller; // the owning Flux or Argo CD object, when a controller owns it
    QStringList ownerWarnings;   // other controllers seen on the objects, a Sluice hold lifted outside Sluice
    History history;                            // as read with the status
    QHash<QString, QString> revisionSummaries;  // commit id → summary, for the history's revisions
    LiveComparison comparison;
};

struct StatusOptions
{
    QString revision;      // empty = the tracked revision
    bool withText = true;  // unified diffs per object (for `diff`)
};

Result<ApplicationStatus> applicationStatus(const ReconcileContext &ctx, const StatusOptions &options = {});

struct SyncRequest
{
    QString revision;           // empty = the tracked revision
    bool dryRun = false;
    bool prune = false;         // or the application's sync.prune
    QList<ResourceKey> only;    // selective sync
    bool wait = true;
    int timeoutMs = 300000;
    bool releaseHold = false;
    QString confirmation; // on a protected cluster, the application's name as the user typed it
    // Called with the plan before anything changes (e.g. to print it).
    std::function<void(const SyncPlan &)> onPlan;
};

struct SyncOutcome
{
    SyncPlan plan;
    SyncResult result;
    std::optional<HistoryEntry> entry; // recorded in history (not for dry runs)
    QString clusterDescription;
};

// Refuses while a rollback hold is set unless `releaseHold` (recorded in history as release),
// and on a protected cluster unless `confirmation` is the application's name (dry runs need none).
// Holds the sync Lease for the duration; records the result in history.
// A Flux- or Argo-owned application is applied directly with a warning in the plan (the
// controller will revert it); releasing its hold instead hands it back to the controller:
// resume, then reconcile through it (nothing is applied by Sluice).
Result<SyncOutcome> syncApplication(const ReconcileContext &ctx, const SyncRequest &request);

// A sync or rollback planned and not applied yet: what a dialog shows before the user
// confirms. Applying it later uses its apply bodies as planned (server-side apply with force
// is correct against whatever is live by then).
struct PreparedSync
{
    QString action; // "sync" or "rollback"
    SyncPlan plan;
    ClusterConnection cluster;
    std::optional<Hold> hold; // as read when planning: a sync refuses unless it releases it
    Owner owner;              // a Flux or Argo CD owner: the plan warns, a rollback suspends it, a release resumes it
    // A rollback's Git alternative: the commits deployed since its target (newest first), which
    // a revert branch would undo. Empty for a sync, or when the repository lacks them.
    QStringList revertCandidates;
};

// The plan of a sync (request.revision, prune, only); nothing changes.
Result<PreparedSync> prepareSync(const ReconcileContext &ctx, const SyncRequest &request);

// Applies a prepared sync or rollback with request's dryRun, wait, timeoutMs, releaseHold and
// confirmation; a non-empty request.only replaces the plan's selection. As syncApplication.
Result<SyncOutcome> applyPreparedSync(const ReconcileContext &ctx, const PreparedSync &prepared, const SyncRequest &request);

struct RollbackRequest
{
    int toId = 0; // history entry; 0 = the newest successful entry before the deployed one
    bool dryRun = false;
    bool wait = true;
    int timeoutMs = 300000;
    QString confirmation; // as for SyncRequest
    std::function<void(const SyncPlan &)> onPlan;
};

// Renders the entry's revision, plans it against live, applies it, and sets the hold. A Flux- or
// Argo-owned application is suspended first: the suspension is the hold.
Result<SyncOutcome> rollbackApplication(const ReconcileContext &ctx, const RollbackRequest &request);
// Its plan alone (request.toId); apply it with applyPreparedSync.
Result<PreparedSync> prepareRollback(const ReconcileContext &ctx, const RollbackRequest &request);

Result<History> applicationHistory(const ReconcileContext &ctx);

// Controller actions on the application's owner (found as status finds it). Errors when no
// Flux or Argo CD object owns it.
enum class ControllerVerb { Reconcile, Refresh, Suspend, Resume };
struct ControllerRequest
{
    ControllerVerb verb = ControllerVerb::Reconcile;
    bool withSource = false; // Reconcile (Flux)
    bool hard = false;       // Refresh (Argo)
    int timeoutMs = 120000;
};
Result<ControllerState> controllerAction(const ReconcileContext &ctx, const ControllerRequest &request);

struct GitRevertRequest
{
    QStringList commits;
    QString branch; // empty = sluice/revert-<short>
    bool push = false;
    bool preview = false; // compute what the branch would deploy; create no branch
};

struct GitRevertOutcome
{
    QString branch;
    QString commitId;
    QString baseCommitId;
    ResourceDiff diff; // what the revert branch would deploy, vs the tracked head
    bool pushed = false;
    bool preview = false; // no branch was created
};

Result<GitRevertOutcome> gitRevertApplication(const ReconcileContext &ctx, const GitRevertRequest &request);

} // namespace sluice::sync
