#include "SyncCommands.h"

#include "diff/DiffJson.h"
#include "sync/Reconcile.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <unistd.h>

namespace sluice::cli {
namespace {

using namespace sluice::sync;

// Progress on stderr, one overwritten line, only on a terminal.
ProgressFn terminalProgress()
{
    if (!isatty(STDERR_FILENO))
        return {};
    return [](qint64 done, qint64 total, const QString &what) {
        const QString count = total > 0 ? QStringLiteral(" (%1/%2)").arg(done).arg(total) : QString();
        err() << "\r\x1b[K" << what.left(100) << count << Qt::flush;
    };
}

void endProgress()
{
    if (isatty(STDERR_FILENO))
        err() << "\r\x1b[K" << Qt::flush;
}

QString shortId(const QString &id)
{
    return id.isEmpty() ? QStringLiteral("-") : id.left(7);
}

const char *syncColor(SyncState state)
{
    return state == SyncState::Synced ? "32" : state == SyncState::OutOfSync ? "33" : "31";
}

const char *healthColor(HealthState state)
{
    switch (state) {
    case HealthState::Healthy: return "32";
    case HealthState::Progressing:
    case HealthState::Suspended: return "36";
    case HealthState::None: return "2";
    default: return "31";
    }
}

QJsonObject keyJson(const ResourceKey &key)
{
    return {{QStringLiteral("key"), key.toString()}, {QStringLiteral("group"), key.group}, {QStringLiteral("kind"), key.kind},
            {QStringLiteral("namespace"), key.ns}, {QStringLiteral("name"), key.name}};
}

// The review JSON shape plus, per object, the sync verdict and the plan's action.
QJsonObject resourcesJson(const QList<const ResourceState *> &states, const DiffSummary &summary)
{
    ResourceDiff diff;
    diff.summary = summary;
    for (const ResourceState *s : states)
        diff.objects.append(s->diff);
    QJsonObject json = diffToJson(diff);
    QJsonArray objects = json.value(QLatin1String("objects")).toArray();
    for (qsizetype i = 0; i < objects.size(); ++i) {
        const ResourceState &s = *states.at(i);
        QJsonObject o = objects.at(i).toObject();
        o.insert(QStringLiteral("action"), actionName(s.action));
        o.insert(QStringLiteral("sync"), syncStateName(s.sync));
        o.insert(QStringLiteral("health"), healthName(s.health.state));
        if (!s.reason.isEmpty())
            o.insert(QStringLiteral("reason"), s.reason);
        if (!s.takeovers.isEmpty())
            o.insert(QStringLiteral("takeovers"), QJsonArray::fromStringList(s.takeovers));
        if (s.replace)
            o.insert(QStringLiteral("replace"), true);
        objects[i] = o;
    }
    json.insert(QStringLiteral("objects"), objects);
    return json;
}

// The workspace, the render cache and (when named) one application of it.
struct Loaded
{
    Workspace workspace;
    std::unique_ptr<RenderCache> cache;
    const ApplicationConfig *app = nullptr;

    ReconcileContext reconcile(const Context &ctx, const ApplicationConfig &application, ProgressFn progress) const
    {
        return {workspace, application, *cache, std::move(progress), {}, ctx.diskCache};
    }
};

Result<std::unique_ptr<Loaded>> load(const Context &ctx, const QString &appName = {})
{
    auto ws = loadWorkspace(ctx);
    if (!ws)
        return ws.error();
    auto loaded = std::make_unique<Loaded>(Loaded{std::move(*ws), std::make_unique<RenderCache>(renderCacheDir(ctx)), nullptr});
    if (!appName.isEmpty()) {
        auto app = findApplication(loaded->workspace, appName);
        if (!app)
            return app.error();
        loaded->app = *app;
    }
    return loaded;
}

QString notesFor(const ResourceState &s)
{
    QStringList notes;
    if (!s.reason.isEmpty() && s.sync != SyncState::Synced)
        notes << s.reason;
    notes << s.takeovers;
    return notes.join(QStringLiteral("; "));
}

void printPlan(const Context &ctx, const SyncPlan &plan, const QString &cluster, const QString &ns, bool dryRun)
{
    if (ctx.json)
        return;
    out() << paint(ctx, "1", QStringLiteral("%1plan for %2 at %3 (%4)").arg(dryRun ? QStringLiteral("Dry-run ") : QString(), plan.application,
                                                                           plan.trackedRef, shortId(plan.revision)))
          << '\n'
          << "  target:    " << paint(ctx, "1", cluster) << ", namespace " << paint(ctx, "1", ns) << '\n'
          << "  summary:   " << plan.summary.text() << '\n';
    for (const QString &w : plan.warnings)
        out() << paint(ctx, "33", QStringLiteral("  warning: ") + w) << '\n';
    for (const PlanStep &step : plan.steps) {
        const ResourceState &r = step.resource;
        if (r.action == Action::Unchanged)
            continue;
        QString action = actionName(r.action);
        if (step.skippedPrune)
            action = QStringLiteral("would prune (prune is off)");
        else if (!step.selected)
            action += QStringLiteral(" (not selected)");
        else if (r.replace)
            action = QStringLiteral("replace");
        const QString note = notesFor(r);
        out() << "  " << paint(ctx, r.action == Action::Prune ? "31" : r.action == Action::Create ? "32" : "33",
                                QStringLiteral("%1 %2").arg(action, -8).arg(r.key.displayName()))
              << (note.isEmpty() ? QString() : QStringLiteral("  (%1)").arg(note)) << '\n';
    }
    out().flush();
}

QJsonObject outcomeJson(const SyncOutcome &outcome, const QString &ns)
{
    QList<const ResourceState *> states;
    for (const PlanStep &step : outcome.plan.steps)
        states.append(&step.resource);
    DiffSummary summary;
    summary.added = outcome.plan.summary.create;
    summary.removed = outcome.plan.summary.prune;
    summary.changed = outcome.plan.summary.update;
    summary.unchanged = outcome.plan.summary.unchanged;
    QJsonObject json = resourcesJson(states, summary);
    QJsonArray objects = json.value(QLatin1String("objects")).toArray();
    for (qsizetype i = 0; i < objects.size(); ++i) {
        const StepResult &step = outcome.result.steps.at(i);
        QJsonObject o = objects.at(i).toObject();
        o.insert(QStringLiteral("outcome"), outcomeName(step.outcome));
        if (!step.message.isEmpty())
            o.insert(QStringLiteral("message"), step.message);
        o.insert(QStringLiteral("health"), healthName(step.health.state));
        o.insert(QStringLiteral("healthMessage"), step.health.message);
        objects[i] = o;
    }
    json.insert(QStringLiteral("objects"), objects);
    json.insert(QStringLiteral("application"), outcome.plan.application);
    json.insert(QStringLiteral("cluster"), outcome.clusterDescription);
    json.insert(QStringLiteral("namespace"), ns);
    json.insert(QStringLiteral("revision"), outcome.plan.revision);
    json.insert(QStringLiteral("ref"), outcome.plan.trackedRef);
    json.insert(QStringLiteral("dryRun"), outcome.result.dryRun);
    json.insert(QStringLiteral("plan"), outcome.plan.summary.text());
    json.insert(QStringLiteral("result"), outcome.result.result);
    json.insert(QStringLiteral("applied"), outcome.result.applied);
    json.insert(QStringLiteral("pruned"), outcome.result.pruned);
    json.insert(QStringLiteral("failed"), outcome.result.failed);
    json.insert(QStringLiteral("notAttempted"), outcome.result.notAttempted);
    json.insert(QStringLiteral("timedOut"), outcome.result.timedOut);
    json.insert(QStringLiteral("health"), healthName(outcome.result.health));
    json.insert(QStringLiteral("durationMs"), outcome.result.durationMs);
    if (outcome.entry)
        json.insert(QStringLiteral("historyId"), outcome.entry->id);
    return json;
}

// Prints the result of a sync or rollback; returns its exit code.
int reportOutcome(const Context &ctx, const SyncOutcome &outcome, const QString &ns)
{
    const SyncResult &r = outcome.result;
    const bool healthy = !r.waited || r.health == HealthState::Healthy || r.health == HealthState::None;
    const int exit = r.succeeded() && healthy ? ExitOk : ExitDifferences;
    if (ctx.json) {
        out() << QJsonDocument(outcomeJson(outcome, ns)).toJson(QJsonDocument::Indented);
        out().flush();
        return exit;
    }
    for (const StepResult &step : r.steps) {
        if (step.outcome == Outcome::Unchanged || step.outcome == Outcome::Skipped)
            continue;
        const char *color = step.outcome == Outcome::Failed ? "31" : step.outcome == Outcome::NotAttempted ? "2" : "32";
        QString line = QStringLiteral("  %1 %2").arg(outcomeName(step.outcome), -13).arg(step.key.displayName());
        if (!step.message.isEmpty())
            line += QStringLiteral(": ") + step.message;
        else if (r.waited && step.outcome == Outcome::Applied)
            line += QStringLiteral("  [%1%2]").arg(healthName(step.health.state),
                                                  step.health.message.isEmpty() ? QString() : QStringLiteral(": ") + step.health.message);
        out() << paint(ctx, color, line) << '\n';
    }
    QString summary = QStringLiteral("%1%2: %3 applied, %4 pruned, %5 failed, %6 not attempted in %7 s")
                          .arg(r.dryRun ? QStringLiteral("Dry run ") : QString(), r.result)
                          .arg(r.applied).arg(r.pruned).arg(r.failed).arg(r.notAttempted)
                          .arg(double(r.durationMs) / 1000.0, 0, 'f', 1);
    if (outcome.entry)
        summary += QStringLiteral("; history #%1").arg(outcome.entry->id);
    out() << paint(ctx, r.result == QLatin1String("Succeeded") ? "32" : "31", summary) << '\n';
    if (r.waited)
        out() << "Health: " << paint(ctx, healthColor(r.health), healthName(r.health))
              << (r.timedOut ? QStringLiteral(" (timed out waiting; the rollout goes on in the cluster)") : QString()) << '\n';
    out().flush();
    return exit;
}

QString deployedText(const ApplicationStatus &status)
{
    if (status.controller && !status.controller->lastAppliedRevision.isEmpty())
        return QStringLiteral("%1 (by %2)").arg(status.controller->lastAppliedRevision, status.owner.describe());
    if (status.controller)
        return QStringLiteral("nothing applied yet by %1").arg(status.owner.describe());
    return status.deployedRevision.isEmpty() ? QStringLiteral("never synced by Sluice") : shortId(status.deployedRevision);
}

const char *controllerColor(const ControllerState &state)
{
    if (!state.found || state.state == QLatin1String("Failed") || state.state == QLatin1String("Stalled"))
        return "31";
    return state.state == QLatin1String("Reconciled") || state.state == QLatin1String("Synced") ? "32" : "33";
}

} // namespace

int runControllerAction(const Context &ctx, const QString &verb, const QString &appName, bool withSource, bool hard, const QString &timeout)
{
    auto loaded = load(ctx, appName);
    if (!loaded)
        return fail(loaded.error());
    auto timeoutMs = parseDuration(timeout);
    if (!timeoutMs)
        return usageError(timeoutMs.error().message);
    ControllerRequest request;
    request.verb = verb == QLatin1String("suspend")  ? ControllerVerb::Suspend
                   : verb == QLatin1String("resume") ? ControllerVerb::Resume
                   : verb == QLatin1String("refresh") ? ControllerVerb::Refresh
                                                      : ControllerVerb::Reconcile;
    request.withSource = withSource;
    request.hard = hard;
    request.timeoutMs = *timeoutMs;
    auto state = controllerAction((*loaded)->reconcile(ctx, *(*loaded)->app, terminalProgress()), request);
    endProgress();
    if (!state)
        return fail(state.error());
    if (ctx.json) {
        QJsonObject json = state->toJson();
        json.insert(QStringLiteral("application"), appName);
        json.insert(QStringLiteral("owner"), state->owner.toJson());
        out() << QJsonDocument(json).toJson(QJsonDocument::Indented);
    } else {
        out() << paint(ctx, controllerColor(*state), state->describe()) << '\n';
        if (!state->lastAppliedRevision.isEmpty())
            out() << "  applied:   " << state->lastAppliedRevision << '\n';
    }
    out().flush();
    return ExitOk;
}

Result<int> parseDuration(const QString &text)
{
    static const QList<std::pair<QString, int>> units{{QStringLiteral("ms"), 1}, {QStringLiteral("s"), 1000},
                                                       {QStringLiteral("m"), 60000}, {QStringLiteral("h"), 3600000}};
    for (const auto &[suffix, factor] : units) {
        if (text.endsWith(suffix)) {
            bool ok = false;
            const double value = text.chopped(suffix.size()).toDouble(&ok);
            if (ok && value >= 0 && value * factor < 2e9)
                return int(value * factor);
        }
    }
    bool ok = false;
    const double seconds = text.toDouble(&ok);
    if (ok && seconds >= 0 && seconds < 2e6)
        return int(seconds * 1000);
    return makeError(ErrorCategory::Usage, QStringLiteral("\"%1\" is not a duration (e.g. 90s, 5m, 1h)").arg(text));
}

int runStatus(const Context &ctx, const QStringList &apps)
{
    auto loadedResult = load(ctx);
    if (!loadedResult)
        return fail(loadedResult.error());
    const Loaded &loaded = **loadedResult;
    QList<const ApplicationConfig *> selected;
    for (const QString &name : apps) {
        auto app = findApplication(loaded.workspace, name);
        if (!app)
            return fail(app.error());
        selected.append(*app);
    }
    if (apps.isEmpty()) {
        for (const ApplicationConfig &app : loaded.workspace.applications)
            selected.append(&app);
    }
    int exit = ExitOk;
    QJsonArray jsonApps;
    for (const ApplicationConfig *app : selected) {
        auto status = applicationStatus(loaded.reconcile(ctx, *app, terminalProgress()), {{}, false});
        endProgress();
        if (!status) {
            err() << "error: " << app->name << ": " << status.error().toString() << Qt::endl;
            if (ctx.json)
                jsonApps.append(QJsonObject{{QStringLiteral("name"), app->name}, {QStringLiteral("error"), status.error().message}});
            exit = ExitError;
            continue;
        }
        const LiveComparison &c = status->comparison;
        if (exit == ExitOk && (c.sync != SyncState::Synced || c.health != HealthState::Healthy))
            exit = ExitDifferences;
        const QString hold = status->hold ? status->hold->describe() : QString();
        if (ctx.json) {
            QJsonArray resources;
            for (const ResourceState &r : c.resources) {
                QJsonObject o = keyJson(r.key);
                o.insert(QStringLiteral("sync"), syncStateName(r.sync));
                o.insert(QStringLiteral("health"), healthName(r.health.state));
                o.insert(QStringLiteral("healthMessage"), r.health.message);
                if (!r.reason.isEmpty())
                    o.insert(QStringLiteral("reason"), r.reason);
                resources.append(o);
            }
            QJsonArray pending;
            for (const git::CommitInfo &commit : status->pending)
                pending.append(QJsonObject{{QStringLiteral("id"), commit.id}, {QStringLiteral("summary"), commit.summary},
                                           {QStringLiteral("author"), commit.author}});
            jsonApps.append(QJsonObject{
                {QStringLiteral("name"), app->name}, {QStringLiteral("cluster"), status->cluster},
                {QStringLiteral("sync"), syncStateName(c.sync)}, {QStringLiteral("health"), healthName(c.health)},
                {QStringLiteral("deployedRevision"), status->deployedRevision},
                {QStringLiteral("trackedRef"), status->trackedRef}, {QStringLiteral("trackedRevision"), status->trackedRevision},
                {QStringLiteral("pending"), status->pendingKnown ? QJsonValue(int(status->pending.size())) : QJsonValue()},
                {QStringLiteral("pendingCommits"), pending},
                {QStringLiteral("hold"), status->hold ? QJsonValue(status->hold->toJson()) : QJsonValue()},
                {QStringLiteral("owner"), status->owner.toJson()},
                {QStringLiteral("controller"), status->controller ? QJsonValue(status->controller->toJson()) : QJsonValue()},
                {QStringLiteral("warnings"), QJsonArray::fromStringList(c.warnings + status->ownerWarnings)},
                {QStringLiteral("resources"), resources}});
            continue;
        }
        out() << paint(ctx, "1", app->name) << "  " << paint(ctx, syncColor(c.sync), syncStateName(c.sync)) << "  "
              << paint(ctx, healthColor(c.health), healthName(c.health)) << "  on " << status->clusterDescription << '\n'
              << "  tracked:   " << status->trackedRef << " at " << shortId(status->trackedRevision) << '\n'
              << "  deployed:  " << deployedText(*status) << '\n';
        if (status->owner.type != Owner::Type::None)
            out() << "  owner:     " << status->owner.describe() << '\n';
        if (status->controller)
            out() << "  " << paint(ctx, controllerColor(*status->controller), status->controller->describe()) << '\n';
        if (status->pendingKnown)
            out() << "  pending:   " << status->pending.size() << (status->pending.size() == 1 ? " commit" : " commits") << '\n';
        for (const git::CommitInfo &commit : status->pending)
            out() << "             " << paint(ctx, "33", shortId(commit.id)) << ' ' << commit.summary << '\n';
        if (!hold.isEmpty())
            out() << paint(ctx, "35", QStringLiteral("  hold:      ") + hold) << '\n';
        for (const QString &w : c.warnings + status->ownerWarnings)
            out() << paint(ctx, "33", QStringLiteral("  warning:   ") + w) << '\n';
        int quiet = 0; // Synced and Healthy (or without health): counted, not listed
        for (const ResourceState &r : c.resources) {
            if (r.sync == SyncState::Synced && (r.health.state == HealthState::Healthy || r.health.state == HealthState::None)) {
                ++quiet;
                continue;
            }
            QString line = QStringLiteral("    %1 %2 %3").arg(syncStateName(r.sync), -10).arg(healthName(r.health.state), -12).arg(r.key.displayName());
            QStringList notes;
            if (!r.reason.isEmpty())
                notes << r.reason;
            if (r.health.state != HealthState::Healthy && r.health.state != HealthState::None && !r.health.message.isEmpty())
                notes << r.health.message;
            if (!notes.isEmpty())
                line += QStringLiteral("  (%1)").arg(notes.join(QStringLiteral("; ")));
            out() << paint(ctx, r.sync == SyncState::Synced ? "0" : syncColor(r.sync), line) << '\n';
        }
        out() << "  resources: " << c.resources.size() << ", " << quiet << " Synced and Healthy"
              << (quiet < c.resources.size() ? QStringLiteral(" (the others listed above)") : QString()) << '\n';
    }
    if (ctx.json)
        out() << QJsonDocument(QJsonObject{{QStringLiteral("applications"), jsonApps}}).toJson(QJsonDocument::Indented);
    out().flush();
    return exit;
}

int runLiveDiff(const Context &ctx, const QString &appName, const QString &revision)
{
    auto loaded = load(ctx, appName);
    if (!loaded)
        return fail(loaded.error());
    const ApplicationConfig *app = (*loaded)->app;
    const ReconcileContext rc = (*loaded)->reconcile(ctx, *app, terminalProgress());
    auto status = applicationStatus(rc, {revision, true});
    endProgress();
    if (!status)
        return fail(status.error());
    const LiveComparison &c = status->comparison;
    const int exit = c.sync == SyncState::Synced ? ExitOk : ExitDifferences;
    if (ctx.json) {
        QList<const ResourceState *> states;
        for (const ResourceState &r : c.resources)
            states.append(&r);
        QJsonObject json = resourcesJson(states, c.summary);
        json.insert(QStringLiteral("cluster"), status->clusterDescription);
        json.insert(QStringLiteral("revision"), status->comparedRevision);
        json.insert(QStringLiteral("sync"), syncStateName(c.sync));
        out() << QJsonDocument(json).toJson(QJsonDocument::Indented);
        out().flush();
        return exit;
    }
    out() << paint(ctx, "1", QStringLiteral("Live diff of %1: %2 → %3 at %4").arg(appName, status->clusterDescription,
                                                                                  revision.isEmpty() ? status->trackedRef : revision,
                                                                                  shortId(status->comparedRevision)))
          << '\n';
    for (const QString &w : c.warnings)
        out() << paint(ctx, "33", QStringLiteral("warning: ") + w) << '\n';
    for (const ResourceState &r : c.resources) {
        if (r.sync == SyncState::Synced)
            continue;
        printObjectDiff(ctx, r.diff, QStringLiteral("%1: %2").arg(syncStateName(r.sync), notesFor(r)), false);
    }
    out() << QStringLiteral("%1 missing, %2 to prune, %3 differ, %4 in sync").arg(c.summary.added).arg(c.summary.removed)
                 .arg(c.summary.changed).arg(c.summary.unchanged) << Qt::endl;
    return exit;
}

int runSync(const Context &ctx, const SyncArgs &args)
{
    auto timeout = parseDuration(args.timeout);
    if (!timeout)
        return fail(timeout.error());
    SyncRequest request;
    for (const QString &only : args.only) {
        auto key = parseResourceKey(only);
        if (!key)
            return fail(key.error());
        request.only.append(*key);
    }
    auto loaded = load(ctx, args.app);
    if (!loaded)
        return fail(loaded.error());
    const ApplicationConfig *app = (*loaded)->app;
    const QString ns = controlNamespace(*app);
    const ReconcileContext rc = (*loaded)->reconcile(ctx, *app, terminalProgress());
    request.revision = args.revision;
    request.dryRun = args.dryRun;
    request.prune = args.prune;
    request.wait = args.wait;
    request.timeoutMs = *timeout;
    request.releaseHold = args.releaseHold;
    request.confirmation = args.confirm;
    QString cluster;
    request.onPlan = [&](const SyncPlan &plan) {
        endProgress();
        const ClusterConfig *c = (*loaded)->workspace.cluster(app->cluster);
        cluster = c ? c->name : app->cluster;
        printPlan(ctx, plan, cluster, ns, args.dryRun);
    };
    auto outcome = syncApplication(rc, request);
    endProgress();
    if (!outcome)
        return fail(outcome.error());
    return reportOutcome(ctx, *outcome, ns);
}

int runHistory(const Context &ctx, const QString &appName)
{
    auto loaded = load(ctx, appName);
    if (!loaded)
        return fail(loaded.error());
    const ApplicationConfig *app = (*loaded)->app;
    const ReconcileContext rc = (*loaded)->reconcile(ctx, *app, {});
    auto history = applicationHistory(rc);
    if (!history)
        return fail(history.error());
    if (ctx.json) {
        QJsonArray entries;
        for (const HistoryEntry &e : history->entries)
            entries.append(e.toJson());
        out() << QJsonDocument(QJsonObject{{QStringLiteral("entries"), entries},
                                           {QStringLiteral("hold"), history->hold ? QJsonValue(history->hold->toJson()) : QJsonValue()}})
                     .toJson(QJsonDocument::Indented);
        out().flush();
        return ExitOk;
    }
    if (history->hold)
        out() << paint(ctx, "35", QStringLiteral("%1 is %2").arg(appName, history->hold->describe())) << '\n';
    if (history->entries.isEmpty())
        out() << "no history yet: " << appName << " was never synced by Sluice\n";
    for (const HistoryEntry &e : history->entries) {
        out() << QStringLiteral("#%1  %2  %3  %4 %5  %6  ").arg(e.id, -3).arg(e.time.toString(Qt::ISODate), e.action.leftJustified(8),
                                                               shortId(e.revision), e.ref.leftJustified(10), e.who)
              << paint(ctx, e.result == QLatin1String("Succeeded") ? "32" : "31", e.result)
              << QStringLiteral(" (%1 applied, %2 pruned, %3 failed, %4 s)").arg(e.applied).arg(e.pruned).arg(e.failed)
                     .arg(double(e.durationMs) / 1000.0, 0, 'f', 1)
              << '\n';
        if (!e.message.isEmpty())
            out() << "      " << e.message << '\n';
    }
    out().flush();
    return ExitOk;
}

int runRollback(const Context &ctx, const RollbackArgs &args)
{
    auto timeout = parseDuration(args.timeout);
    if (!timeout)
        return fail(timeout.error());
    auto loaded = load(ctx, args.app);
    if (!loaded)
        return fail(loaded.error());
    const ApplicationConfig *app = (*loaded)->app;
    const ReconcileContext rc = (*loaded)->reconcile(ctx, *app, terminalProgress());
    if (!args.gitRevert.isEmpty()) {
        auto revert = gitRevertApplication(rc, {args.gitRevert, args.branch, args.push, args.dryRun});
        endProgress();
        if (!revert)
            return fail(revert.error());
        if (ctx.json) {
            QJsonObject json = diffToJson(revert->diff);
            json.insert(QStringLiteral("branch"), revert->branch);
            json.insert(QStringLiteral("commit"), revert->commitId);
            json.insert(QStringLiteral("base"), revert->baseCommitId);
            json.insert(QStringLiteral("pushed"), revert->pushed);
            json.insert(QStringLiteral("preview"), revert->preview);
            out() << QJsonDocument(json).toJson(QJsonDocument::Indented);
            out().flush();
            return ExitOk;
        }
        out() << paint(ctx, "1", QStringLiteral("%1 %2 at %3 (from %4 at %5)")
                                     .arg(revert->preview ? QStringLiteral("Preview of branch") : QStringLiteral("Created branch"),
                                          revert->branch, shortId(revert->commitId), app->revision, shortId(revert->baseCommitId)))
              << '\n' << "What it would deploy, vs " << app->revision << ":\n";
        for (const ObjectDiff &o : revert->diff.objects) {
            if (o.change != ChangeKind::Unchanged)
                printObjectDiff(ctx, o, {}, false);
        }
        out() << summaryLine(revert->diff.summary) << '\n'
              << (revert->preview  ? QStringLiteral("Dry run: no branch was created.")
                  : revert->pushed ? QStringLiteral("Pushed %1; open a pull request to merge it.").arg(revert->branch)
                                   : QStringLiteral("Not pushed (pass --push to push it to the tracked remote)."))
              << Qt::endl;
        return ExitOk;
    }
    const QString ns = controlNamespace(*app);
    RollbackRequest request;
    request.toId = args.toId;
    request.dryRun = args.dryRun;
    request.wait = args.wait;
    request.timeoutMs = *timeout;
    request.confirmation = args.confirm;
    request.onPlan = [&](const SyncPlan &plan) {
        endProgress();
        printPlan(ctx, plan, app->cluster, ns, args.dryRun);
    };
    auto outcome = rollbackApplication(rc, request);
    endProgress();
    if (!outcome)
        return fail(outcome.error());
    const int exit = reportOutcome(ctx, *outcome, ns);
    if (!ctx.json && !args.dryRun && outcome->result.result != QLatin1String("Failed"))
        out() << paint(ctx, "35", QStringLiteral("%1 is now held at %2: sync refuses the tracked head until `sluicectl sync %1 "
                                                 "--release-hold`").arg(args.app, shortId(outcome->plan.revision)))
              << Qt::endl;
    return exit;
}

int runSandbox(const Context &ctx, const QString &subcommand)
{
    auto ws = loadWorkspace(ctx);
    if (!ws)
        return fail(ws.error());
    const ClusterConfig *sandbox = nullptr;
    for (const ClusterConfig &c : ws->clusters) {
        if (c.sandbox && !sandbox)
            sandbox = &c;
    }
    if (!sandbox)
        return fail(makeError(ErrorCategory::Usage, QStringLiteral("%1 has no sandbox cluster (add one: "
                                                                   "{name: sandbox, sandbox: {dataDir: .sluice/sandbox}})").arg(ws->file)));
    SandboxState state;
    if (subcommand == QLatin1String("start")) {
        auto started = ensureSandbox(sandbox->sandboxDataDir);
        if (!started)
            return fail(started.error());
        state = *started;
    } else if (subcommand == QLatin1String("stop")) {
        if (Status stopped = stopSandbox(sandbox->sandboxDataDir); !stopped)
            return fail(stopped.error());
        state = sandboxState(sandbox->sandboxDataDir);
    } else if (subcommand == QLatin1String("status")) {
        state = sandboxState(sandbox->sandboxDataDir);
    } else {
        return usageError(QStringLiteral("sandbox needs start, stop or status"));
    }
    if (ctx.json) {
        out() << QJsonDocument(QJsonObject{{QStringLiteral("cluster"), sandbox->name}, {QStringLiteral("running"), state.running},
                                           {QStringLiteral("pid"), state.running ? QJsonValue(state.pid) : QJsonValue()},
                                           {QStringLiteral("url"), state.url}, {QStringLiteral("kubeconfig"), state.kubeconfig},
                                           {QStringLiteral("dataDir"), sandbox->sandboxDataDir}})
                     .toJson(QJsonDocument::Indented);
    } else if (state.running) {
        out() << "sandbox " << sandbox->name << " runs at " << state.url << " (pid " << state.pid << ")\n"
              << "  kubectl --kubeconfig " << state.kubeconfig << " get all -A\n";
    } else {
        out() << "sandbox " << sandbox->name << " is stopped (data in " << sandbox->sandboxDataDir << ")\n";
    }
    out().flush();
    return subcommand == QLatin1String("status") && !state.running ? ExitDifferences : ExitOk;
}

} // namespace sluice::cli
