#include "Reconcile.h"

#include "Lease.h"
#include "git/Revert.h"
#include "review/Review.h"

#include <QElapsedTimer>

namespace sluice::sync {
namespace {

void report(const ReconcileContext &ctx, const QString &what)
{
    if (ctx.progress)
        ctx.progress(0, 0, what);
}

Result<ClusterConnection> connect(const ReconcileContext &ctx)
{
    const ClusterConfig *cluster = ctx.workspace.cluster(ctx.app.cluster);
    if (!cluster)
        return makeError(ErrorCategory::Workspace, QStringLiteral("application %1 has no destination cluster (set destination.cluster "
                                                                  "in %2)").arg(ctx.app.name, ctx.workspace.file));
    report(ctx, QStringLiteral("connecting to cluster %1").arg(cluster->name));
    return connectCluster(*cluster, ctx.cancel);
}

// The desired set of the application at `spec` (the tracked revision when empty).
struct Rendered
{
    git::Revision revision;
    ResourceSet objects;
};

Result<Rendered> renderAt(const ReconcileContext &ctx, const git::Repository &repo, const QString &spec)
{
    auto revision = repo.resolve(spec.isEmpty() ? ctx.app.revision : spec);
    if (!revision)
        return revision.error();
    report(ctx, QStringLiteral("rendering %1 at %2").arg(ctx.app.name, revision->displayName()));
    SourceRenderer renderer(ctx.cache);
    auto objects = renderer.render(repo, *revision, ctx.app, ctx.cancel);
    if (!objects)
        return objects.error();
    return Rendered{*revision, std::move(*objects)};
}

// A protected cluster changes only when the user typed the application's name.
Status checkConfirmation(const ReconcileContext &ctx, const QString &confirmation, bool dryRun)
{
    const ClusterConfig *cluster = ctx.workspace.cluster(ctx.app.cluster);
    if (dryRun || !cluster || !cluster->isProtected || confirmation == ctx.app.name)
        return {};
    return makeError(ErrorCategory::Usage,
                     QStringLiteral("cluster %1 (context %2) is protected: confirm with the application's name to change %1/%3 "
                                    "(namespace %4): --confirm %3").arg(cluster->name, cluster->sandbox ? QStringLiteral("sluice-sandbox") : cluster->context,
                                                                       ctx.app.name, controlNamespace(ctx.app)));
}

// What every cluster-side call starts from: the repository, the desired set at a revision,
// and the destination cluster.
struct Prepared
{
    git::Repository repo;
    Rendered rendered;
    ClusterConnection cluster;
};

Result<Prepared> prepare(const ReconcileContext &ctx, const QString &revision)
{
    auto repo = openApplicationRepository(ctx.app);
    if (!repo)
        return repo.error();
    auto rendered = renderAt(ctx, *repo, revision);
    if (!rendered)
        return rendered.error();
    auto cluster = connect(ctx);
    if (!cluster)
        return cluster.error();
    return Prepared{std::move(*repo), std::move(*rendered), std::move(*cluster)};
}

// Compares with the cluster through the application's status memo (when enabled).
Result<LiveComparison> compare(const ReconcileContext &ctx, ClusterConnection &cluster, const ResourceSet &objects, bool withText)
{
    report(ctx, QStringLiteral("comparing with %1").arg(cluster.describe()));
    std::optional<StatusMemo> memo;
    if (ctx.statusMemo)
        memo.emplace(StatusMemo::fileFor(cluster.server, ctx.app.name));
    CompareOptions options{ctx.app.ignore, withText, ctx.progress, ctx.cancel, memo ? &*memo : nullptr};
    auto comparison = compareWithCluster(cluster, ctx.app.name, objects, options);
    if (comparison && memo)
        (void)memo->save(); // a memo that cannot be written only costs time next run
    return comparison;
}

// Creates the control namespace when missing, so the Lease and the history have a home
// before the sync creates anything.
Status ensureNamespace(ClusterConnection &cluster, const QString &ns, const CancelToken &cancel)
{
    const kube::ResourcePath path{QString(), QStringLiteral("v1"), QStringLiteral("namespaces"), QString(), ns};
    auto existing = cluster.client->get(path, cancel);
    if (existing || existing.error().code != 404)
        return existing ? Status() : Status(existing.error());
    const QJsonObject object{{QStringLiteral("apiVersion"), QStringLiteral("v1")},
                             {QStringLiteral("kind"), QStringLiteral("Namespace")},
                             {QStringLiteral("metadata"), QJsonObject{{QStringLiteral("name"), ns}}}};
    auto created = cluster.client->create(path, object, false, cancel);
    if (!created && created.error().code != 409)
        return created.error();
    return {};
}

HistoryEntry entryFor(const SyncPlan &plan, const SyncResult &result, const QString &action, const QDateTime &started)
{
    HistoryEntry entry;
    entry.revision = plan.revision;
    entry.ref = plan.trackedRef;
    entry.time = started;
    entry.who = currentUser();
    entry.action = action;
    entry.applied = result.applied;
    entry.pruned = result.pruned;
    entry.failed = result.failed;
    entry.result = result.result;
    entry.durationMs = result.durationMs;
    entry.message = result.firstFailure();
    if (entry.message.isEmpty() && result.timedOut)
        entry.message = QStringLiteral("health wait timed out");
    return entry;
}

// The controller that owns the compared objects (Sluice or nobody when none does).
Owner ownerOf(const ReconcileContext &ctx, const LiveComparison &comparison, QStringList *others)
{
    std::map<ResourceKey, QJsonObject> live;
    for (const ResourceState &r : comparison.resources) {
        if (!r.live.isEmpty())
            live.emplace(r.key, r.live);
    }
    const Owner found = ownerOfObjects(live, ctx.app.name, others);
    const Owner configured = ownerFromConfig(ctx.app.controller);
    if (!configured.isController() || found.isController()) {
        if (others && configured.isController() && !(found == configured))
            others->append(QStringLiteral("the workspace names %1 as the controller, but the live objects say %2 (%3)")
                               .arg(configured.describe(), found.describe(), found.evidence));
        return found;
    }
    return configured; // nothing applied by a controller yet
}

// For a controller-owned application the hold is the controller's suspension: Sluice's own
// record of it (who, why) while suspended, a hold made outside Sluice when suspended without
// one, none when resumed (a record left then is reported in `warnings`).
std::optional<Hold> controllerHold(const ControllerState &state, const std::optional<Hold> &recorded, QStringList &warnings)
{
    if (!state.suspended) {
        if (recorded)
            warnings.append(QStringLiteral("Sluice's hold (%1) was lifted outside Sluice: %2 is no longer suspended")
                                .arg(recorded->describe(), state.owner.describe()));
        return std::nullopt;
    }
    if (recorded)
        return recorded;
    return Hold{state.deployedCommit(), QString(), QDateTime(), QStringLiteral("%1 is suspended").arg(state.owner.describe())};
}

// Compares `rendered` with the cluster and orders the plan: the first half of sync and rollback.
Result<PreparedSync> planRendered(const ReconcileContext &ctx, ClusterConnection &cluster, const Rendered &rendered,
                                  const QString &ref, const PlanOptions &planOptions, const QString &action)
{
    auto comparison = compare(ctx, cluster, rendered.objects, true);
    if (!comparison)
        return comparison.error();
    auto history = readHistory(cluster, ctx.app.name, controlNamespace(ctx.app), ctx.cancel);
    if (!history)
        return history.error();
    PreparedSync prepared;
    prepared.action = action;
    prepared.cluster = cluster;
    prepared.hold = history->hold;
    prepared.owner = ownerOf(ctx, *comparison, nullptr);
    prepared.plan = buildPlan(*comparison, planOptions);
    if (prepared.owner.isController()) {
        auto state = readController(cluster, prepared.owner, ctx.cancel);
        if (!state)
            return state.error();
        prepared.hold = controllerHold(*state, history->hold, prepared.plan.warnings);
        prepared.plan.warnings.prepend(action == QLatin1String("rollback")
                                           ? QStringLiteral("%1 owns these objects: the rollback suspends it first, so it does not "
                                                            "undo the rollback; that suspension is the hold, and releasing it resumes "
                                                            "and reconciles it.").arg(prepared.owner.describe())
                                           : controllerRevertWarning(prepared.owner, ctx.app.name));
    }
    prepared.plan.application = ctx.app.name;
    prepared.plan.revision = rendered.revision.commitId;
    prepared.plan.trackedRef = ref;
    return prepared;
}

Error holdError(const ReconcileContext &ctx, const Hold &hold)
{
    return makeError(ErrorCategory::Usage, QStringLiteral("%1 is %2: sync refuses to deploy while held; pass --release-hold to "
                                                          "lift the hold (recorded in history)").arg(ctx.app.name, hold.describe()));
}

} // namespace

QString controlNamespace(const ApplicationConfig &app)
{
    return app.ns.isEmpty() ? QStringLiteral("default") : app.ns;
}

static Result<ApplicationStatus> applicationStatusImpl(const ReconcileContext &ctx, const StatusOptions &options)
{
    auto prepared = prepare(ctx, options.revision);
    if (!prepared)
        return prepared.error();
    git::Repository &repo = prepared->repo;
    const Rendered &rendered = prepared->rendered;
    ClusterConnection &cluster = prepared->cluster;
    auto tracked = repo.resolve(ctx.app.revision);
    if (!tracked)
        return tracked.error();
    auto history = readHistory(cluster, ctx.app.name, controlNamespace(ctx.app), ctx.cancel);
    if (!history)
        return history.error();
    auto comparison = compare(ctx, cluster, rendered.objects, options.withText);
    if (!comparison)
        return comparison.error();

    ApplicationStatus status;
    status.application = ctx.app.name;
    status.cluster = cluster.name;
    status.clusterDescription = cluster.describe();
    status.trackedRef = ctx.app.revision;
    status.trackedRevision = tracked->commitId;
    status.comparedRevision = rendered.revision.commitId;
    status.deployedRevision = history->deployedRevision();
    status.hold = history->hold;
    status.history = *history;
    for (const HistoryEntry &entry : history->entries) {
        if (status.revisionSummaries.contains(entry.revision))
            continue;
        auto parent = repo.firstParent(entry.revision);
        auto commits = parent ? repo.commitList(*parent, entry.revision, {}, ctx.cancel) : Result<QList<git::CommitInfo>>(parent.error());
        if (commits && !commits->isEmpty())
            status.revisionSummaries.insert(entry.revision, commits->first().summary);
    }
    status.comparison = std::move(*comparison);
    status.owner = ownerOf(ctx, status.comparison, &status.ownerWarnings);
    if (status.owner.isController()) {
        // Not allowed to read it (RBAC), say: the rest of the status still stands.
        auto state = readController(cluster, status.owner, ctx.cancel);
        if (!state && state.error().category == ErrorCategory::Cancelled)
            return state.error();
        if (!state) {
            status.ownerWarnings.append(QStringLiteral("cannot read %1's state: %2").arg(status.owner.describe(), state.error().message));
        } else {
            status.controller = *state;
            if (!state->deployedCommit().isEmpty())
                status.deployedRevision = state->deployedCommit(); // what the controller last applied
            status.hold = controllerHold(*state, history->hold, status.ownerWarnings);
        }
    }
    if (!status.deployedRevision.isEmpty() && !tracked->worktree) {
        auto pending = repo.commitList(status.deployedRevision, tracked->commitId, {}, ctx.cancel);
        status.pendingKnown = pending.ok();
        if (pending)
            status.pending = *pending;
    }
    return status;
}

static Result<History> applicationHistoryImpl(const ReconcileContext &ctx)
{
    auto cluster = connect(ctx);
    if (!cluster)
        return cluster.error();
    return readHistory(*cluster, ctx.app.name, controlNamespace(ctx.app), ctx.cancel);
}

static Result<PreparedSync> prepareSyncImpl(const ReconcileContext &ctx, const SyncRequest &request)
{
    auto prepared = prepare(ctx, request.revision);
    if (!prepared)
        return prepared.error();
    const QString ref = request.revision.isEmpty() ? ctx.app.revision : request.revision;
    return planRendered(ctx, prepared->cluster, prepared->rendered, ref, PlanOptions{request.prune || ctx.app.prune, request.only},
                        QStringLiteral("sync"));
}

static Result<PreparedSync> prepareRollbackImpl(const ReconcileContext &ctx, const RollbackRequest &request)
{
    auto cluster = connect(ctx);
    if (!cluster)
        return cluster.error();
    auto history = readHistory(*cluster, ctx.app.name, controlNamespace(ctx.app), ctx.cancel);
    if (!history)
        return history.error();
    const HistoryEntry *target = nullptr;
    if (request.toId > 0) {
        target = history->entry(request.toId);
        if (!target)
            return makeError(ErrorCategory::Usage, QStringLiteral("%1 has no history entry #%2 (see sluicectl history %1)")
                                                       .arg(ctx.app.name).arg(request.toId));
    } else {
        const QString deployed = history->deployedRevision();
        for (const HistoryEntry &e : history->entries) {
            if (e.deployed() && e.revision != deployed) {
                target = &e;
                break;
            }
        }
        if (!target)
            return makeError(ErrorCategory::Usage, QStringLiteral("%1 has no earlier successful deployment to roll back to "
                                                                  "(see sluicectl history %1)").arg(ctx.app.name));
    }
    auto repo = openApplicationRepository(ctx.app);
    if (!repo)
        return repo.error();
    auto rendered = renderAt(ctx, *repo, target->revision);
    if (!rendered)
        return rendered.error();
    auto prepared = planRendered(ctx, *cluster, *rendered, QStringLiteral("#%1").arg(target->id), PlanOptions{ctx.app.prune, {}},
                                 QStringLiteral("rollback"));
    if (prepared && !history->deployedRevision().isEmpty()) {
        auto since = repo->commitList(target->revision, history->deployedRevision(), {}, ctx.cancel);
        for (const git::CommitInfo &commit : since ? *since : QList<git::CommitInfo>())
            prepared->revertCandidates.append(commit.id);
    }
    return prepared;
}

// An action through the controller (reconcile, suspend, resume) as a history entry, with the
// revision the controller reports: pending commits and rollback targets see a reconcile's.
static HistoryEntry controllerEntry(const Owner &owner, const QString &action, const Result<ControllerState> &state,
                                    const QDateTime &started)
{
    HistoryEntry entry;
    entry.revision = state ? state->deployedCommit() : QString();
    entry.ref = owner.describe();
    entry.time = started;
    entry.who = currentUser();
    entry.action = action;
    entry.result = state ? QStringLiteral("Succeeded") : QStringLiteral("Failed");
    entry.durationMs = started.msecsTo(QDateTime::currentDateTimeUtc());
    entry.message = state ? state->describe() : state.error().message;
    return entry;
}

// Appends `entry` to the application's history (creating its namespace when missing).
static Result<HistoryEntry> record(const ReconcileContext &ctx, ClusterConnection &cluster, const HistoryEntry &entry)
{
    const QString ns = controlNamespace(ctx.app);
    SLUICE_TRY(ensureNamespace(cluster, ns, ctx.cancel));
    return appendHistory(cluster, ctx.app.name, ns, ctx.app.historyLimit, entry, {});
}

// Reconciles through `owner` and records it in history (a history that cannot be written is
// an error after the reconcile's own, which matters more).
static Result<ControllerState> reconcileAndRecord(const ReconcileContext &ctx, ClusterConnection &cluster, const Owner &owner,
                                                  const ControllerAction &action)
{
    const QDateTime started = QDateTime::currentDateTimeUtc();
    auto reconciled = reconcileController(cluster, owner, action);
    if (!reconciled && reconciled.error().category == ErrorCategory::Usage)
        return reconciled; // refused before asking anything (suspended, an operation running): nothing to record
    auto recorded = record(ctx, cluster, controllerEntry(owner, QStringLiteral("reconcile"), reconciled, started));
    if (reconciled && !recorded)
        return recorded.error().prefixed(QStringLiteral("%1 reconciled, but the history entry was not written").arg(owner.describe()));
    return reconciled;
}

// Releasing the hold of a controller-owned application hands it back: resume the controller,
// record the release, reconcile through it (recorded as a `reconcile` entry). Sluice applies nothing.
static Result<SyncOutcome> releaseToController(const ReconcileContext &ctx, ClusterConnection &cluster, const PreparedSync &prepared,
                                               const SyncRequest &request)
{
    const Owner &owner = prepared.owner;
    const QString ns = controlNamespace(ctx.app);
    report(ctx, QStringLiteral("resuming %1").arg(owner.describe()));
    auto resumed = setControllerSuspended(cluster, owner, false, ctx.cancel);
    if (!resumed)
        return resumed.error();
    auto released = updateHistory(cluster, ctx.app.name, ns, ctx.app.historyLimit, [&](History &h) {
        if (h.hold)
            h.setHold(std::nullopt, currentUser());
    }, ctx.cancel);
    const QDateTime started = QDateTime::currentDateTimeUtc();
    ControllerAction action;
    action.timeoutMs = request.timeoutMs;
    action.progress = ctx.progress;
    action.cancel = ctx.cancel;
    auto reconciled = reconcileAndRecord(ctx, cluster, owner, action);

    SyncOutcome outcome;
    outcome.clusterDescription = cluster.describe();
    outcome.plan = prepared.plan;
    for (PlanStep &step : outcome.plan.steps)
        step.selected = false; // the controller applies, not Sluice
    outcome.result.result = reconciled ? QStringLiteral("Succeeded") : QStringLiteral("Failed");
    outcome.result.durationMs = started.msecsTo(QDateTime::currentDateTimeUtc());
    if (!released)
        return released.error().prefixed(QStringLiteral("%1 was resumed but the release was not recorded").arg(owner.describe()));
    if (!reconciled)
        return reconciled.error().prefixed(QStringLiteral("the hold was released and %1 resumed, but its reconcile failed").arg(owner.describe()));
    outcome.plan.warnings.append(QStringLiteral("Handed back to %1: it applied %2.").arg(owner.describe(), reconciled->lastAppliedRevision));
    return outcome;
}

static Result<SyncOutcome> applyPreparedSyncImpl(const ReconcileContext &ctx, const PreparedSync &prepared, const SyncRequest &request)
{
    SLUICE_TRY(checkConfirmation(ctx, request.confirmation, request.dryRun));
    const bool isSync = prepared.action == QLatin1String("sync");
    if (isSync && prepared.hold && !request.releaseHold)
        return holdError(ctx, *prepared.hold);
    ClusterConnection cluster = prepared.cluster;
    SyncOutcome outcome;
    outcome.clusterDescription = cluster.describe();
    outcome.plan = prepared.plan;
    if (!request.only.isEmpty()) { // a new selection, e.g. the dialog's checkboxes
        for (PlanStep &step : outcome.plan.steps) // unchanged steps are not a choice
            step.selected = step.resource.action == Action::Unchanged || request.only.contains(step.resource.key);
    }
    ApplyOptions applyOptions;
    applyOptions.dryRun = request.dryRun;
    applyOptions.wait = request.wait;
    applyOptions.timeoutMs = request.timeoutMs;
    applyOptions.progress = ctx.progress;
    applyOptions.cancel = ctx.cancel;
    if (request.dryRun) {
        outcome.result = executePlan(cluster, outcome.plan, applyOptions);
        return outcome;
    }

    const QDateTime started = QDateTime::currentDateTimeUtc();
    const QString ns = controlNamespace(ctx.app);
    SLUICE_TRY(ensureNamespace(cluster, ns, ctx.cancel));
    report(ctx, QStringLiteral("taking the sync lease"));
    auto lease = SyncLease::acquire(cluster, ctx.app.name, ns, 60, ctx.cancel);
    if (!lease)
        return lease.error();
    const bool controlled = prepared.owner.isController();
    if (isSync && controlled && prepared.hold)
        return releaseToController(ctx, cluster, prepared, request);
    // The hold is checked again under the lease, so a concurrent rollback cannot slip between.
    // A controller's hold is its suspension (checked when planning); a record of one lifted
    // outside Sluice is closed here.
    std::optional<Error> refused;
    auto checked = updateHistory(cluster, ctx.app.name, ns, ctx.app.historyLimit, [&](History &h) {
        refused.reset();
        if (!isSync || !h.hold)
            return;
        if (request.releaseHold || controlled)
            h.setHold(std::nullopt, currentUser());
        else
            refused = holdError(ctx, *h.hold);
    }, ctx.cancel);
    if (!checked)
        return checked.error();
    if (refused)
        return *refused;
    if (!isSync && controlled) {
        report(ctx, QStringLiteral("suspending %1").arg(prepared.owner.describe()));
        auto suspended = setControllerSuspended(cluster, prepared.owner, true, ctx.cancel);
        if (!suspended)
            return suspended.error().prefixed(QStringLiteral("nothing was rolled back"));
    }

    outcome.result = executePlan(cluster, outcome.plan, applyOptions);
    auto entry = appendHistory(cluster, ctx.app.name, ns, ctx.app.historyLimit,
                               entryFor(outcome.plan, outcome.result, prepared.action, started), {});
    if (!entry)
        return entry.error().prefixed(QStringLiteral("the %1 finished (%2) but was not recorded").arg(prepared.action, outcome.result.result));
    outcome.entry = *entry;
    if (!isSync && outcome.result.result != QLatin1String("Failed")) {
        QString reason = QStringLiteral("rollback #%1 to %2").arg(entry->id).arg(outcome.plan.trackedRef);
        if (controlled)
            reason += QStringLiteral("; %1 suspended").arg(prepared.owner.describe());
        const Hold hold{outcome.plan.revision, currentUser(), QDateTime::currentDateTimeUtc(), reason};
        auto held = updateHistory(cluster, ctx.app.name, ns, ctx.app.historyLimit, [&](History &h) { h.setHold(hold, hold.who); }, {});
        if (!held)
            return held.error().prefixed(QStringLiteral("the rollback was applied but the hold was not set"));
    }
    SLUICE_TRY((*lease)->release());
    return outcome;
}

// prepare + show the plan + apply: what the CLI does in one call.
static Result<SyncOutcome> planAndApply(const ReconcileContext &ctx, Result<PreparedSync> prepared, const SyncRequest &request,
                                        const std::function<void(const SyncPlan &)> &onPlan)
{
    if (!prepared)
        return prepared.error();
    if (prepared->action == QLatin1String("sync") && prepared->hold && !request.releaseHold)
        return holdError(ctx, *prepared->hold); // before showing a plan that will not be applied
    if (onPlan)
        onPlan(prepared->plan);
    SyncRequest apply = request;
    apply.only.clear(); // the plan already carries the selection
    return applyPreparedSyncImpl(ctx, *prepared, apply);
}

static Result<SyncOutcome> syncApplicationImpl(const ReconcileContext &ctx, const SyncRequest &request)
{
    SLUICE_TRY(checkConfirmation(ctx, request.confirmation, request.dryRun));
    return planAndApply(ctx, prepareSyncImpl(ctx, request), request, request.onPlan);
}

static Result<SyncOutcome> rollbackApplicationImpl(const ReconcileContext &ctx, const RollbackRequest &request)
{
    SLUICE_TRY(checkConfirmation(ctx, request.confirmation, request.dryRun));
    SyncRequest apply;
    apply.dryRun = request.dryRun;
    apply.wait = request.wait;
    apply.timeoutMs = request.timeoutMs;
    apply.confirmation = request.confirmation;
    return planAndApply(ctx, prepareRollbackImpl(ctx, request), apply, request.onPlan);
}

namespace {

// Errors that come from the cluster name it, as the workspace knows it: "cluster prod (context
// do-nyc1-prod): cannot reach …". Errors already naming it are left alone.
Error namingCluster(const ReconcileContext &ctx, Error error)
{
    const ClusterConfig *cluster = ctx.workspace.cluster(ctx.app.cluster);
    if (!cluster || error.category != ErrorCategory::Kube || error.message.startsWith(QLatin1String("cluster ")))
        return error;
    const QString context = cluster->sandbox ? QStringLiteral("sluice-sandbox") : cluster->context;
    return error.prefixed(QStringLiteral("cluster %1 (context %2)").arg(cluster->name, context.isEmpty() ? QStringLiteral("current") : context));
}

template <typename T>
Result<T> namingCluster(const ReconcileContext &ctx, Result<T> result)
{
    if (result)
        return result;
    return namingCluster(ctx, result.error());
}

} // namespace

Result<ApplicationStatus> applicationStatus(const ReconcileContext &ctx, const StatusOptions &options)
{
    return namingCluster(ctx, applicationStatusImpl(ctx, options));
}

Result<History> applicationHistory(const ReconcileContext &ctx)
{
    return namingCluster(ctx, applicationHistoryImpl(ctx));
}

Result<SyncOutcome> syncApplication(const ReconcileContext &ctx, const SyncRequest &request)
{
    return namingCluster(ctx, syncApplicationImpl(ctx, request));
}

Result<SyncOutcome> rollbackApplication(const ReconcileContext &ctx, const RollbackRequest &request)
{
    return namingCluster(ctx, rollbackApplicationImpl(ctx, request));
}

Result<PreparedSync> prepareSync(const ReconcileContext &ctx, const SyncRequest &request)
{
    return namingCluster(ctx, prepareSyncImpl(ctx, request));
}

Result<PreparedSync> prepareRollback(const ReconcileContext &ctx, const RollbackRequest &request)
{
    return namingCluster(ctx, prepareRollbackImpl(ctx, request));
}

Result<SyncOutcome> applyPreparedSync(const ReconcileContext &ctx, const PreparedSync &prepared, const SyncRequest &request)
{
    return namingCluster(ctx, applyPreparedSyncImpl(ctx, prepared, request));
}

static Result<ControllerState> controllerActionImpl(const ReconcileContext &ctx, const ControllerRequest &request)
{
    auto prepared = prepare(ctx, QString());
    if (!prepared)
        return prepared.error();
    ClusterConnection &cluster = prepared->cluster;
    auto comparison = compare(ctx, cluster, prepared->rendered.objects, false);
    if (!comparison)
        return comparison.error();
    const Owner owner = ownerOf(ctx, *comparison, nullptr);
    if (!owner.isController())
        return makeError(ErrorCategory::Usage, QStringLiteral("no Flux or Argo CD object owns %1's objects in %2 (owner: %3): Sluice syncs "
                                                              "it directly (sluicectl sync %1)").arg(ctx.app.name, cluster.describe(), owner.describe()));
    ControllerAction action;
    action.withSource = request.withSource;
    action.hard = request.hard;
    action.timeoutMs = request.timeoutMs;
    action.progress = ctx.progress;
    action.cancel = ctx.cancel;
    switch (request.verb) {
    case ControllerVerb::Reconcile:
        report(ctx, QStringLiteral("reconciling %1").arg(owner.describe()));
        return reconcileAndRecord(ctx, cluster, owner, action);
    case ControllerVerb::Refresh:
        return refreshArgoApplication(cluster, owner, action);
    case ControllerVerb::Suspend:
    case ControllerVerb::Resume:
        break;
    }
    const bool suspend = request.verb == ControllerVerb::Suspend;
    auto changed = setControllerSuspended(cluster, owner, suspend, ctx.cancel);
    if (!changed)
        return changed;
    // Who suspended or resumed it, for the audit trail.
    const HistoryEntry entry = controllerEntry(owner, suspend ? QStringLiteral("suspend") : QStringLiteral("resume"), changed,
                                               QDateTime::currentDateTimeUtc());
    if (auto recorded = record(ctx, cluster, entry); !recorded)
        return recorded.error().prefixed(QStringLiteral("%1 was %2, but the history entry was not written")
                                             .arg(owner.describe(), suspend ? QStringLiteral("suspended") : QStringLiteral("resumed")));
    if (suspend || owner.type != Owner::Type::Flux)
        return changed;
    // As `flux resume`: resume, then reconcile.
    return reconcileAndRecord(ctx, cluster, owner, action);
}

Result<ControllerState> controllerAction(const ReconcileContext &ctx, const ControllerRequest &request)
{
    return namingCluster(ctx, controllerActionImpl(ctx, request));
}

Result<GitRevertOutcome> gitRevertApplication(const ReconcileContext &ctx, const GitRevertRequest &request)
{
    if (ctx.app.repoPath.isEmpty())
        return makeError(ErrorCategory::Usage, QStringLiteral("%1 tracks %2, not a local clone: a revert branch needs your clone "
                                                              "(point source.repo at it)").arg(ctx.app.name, ctx.app.repo));
    git::RevertRequest revert;
    revert.repoPath = ctx.app.repoPath;
    revert.baseRevision = ctx.app.revision;
    revert.commits = request.commits;
    revert.branchName = request.branch;
    revert.previewOnly = request.preview;
    report(ctx, request.preview ? QStringLiteral("computing the revert") : QStringLiteral("creating the revert branch"));
    auto created = git::createRevertBranch(revert, ctx.cancel);
    if (!created)
        return created.error();
    GitRevertOutcome outcome;
    outcome.branch = created->branch;
    outcome.commitId = created->commitId;
    outcome.baseCommitId = created->baseCommitId;
    outcome.preview = request.preview;
    auto repo = openApplicationRepository(ctx.app);
    if (!repo)
        return repo.error();
    SourceRenderer renderer(ctx.cache);
    auto review = reviewRevisions(*repo, renderer, ctx.app, created->baseCommitId, created->commitId, ctx.cancel);
    if (!review)
        return review.error().prefixed(QStringLiteral("branch %1 was created, but its diff failed").arg(created->branch));
    outcome.diff = std::move(review->diff);
    if (request.push && !request.preview) {
        report(ctx, QStringLiteral("pushing %1").arg(created->branch));
        if (Status pushed = git::pushBranch(ctx.app.repoPath, created->branch, ctx.app.revision, ctx.cancel); !pushed)
            return pushed.error().prefixed(QStringLiteral("branch %1 was created locally, but the push failed").arg(created->branch));
        outcome.pushed = true;
    }
    return outcome;
}

} // namespace sluice::sync
