#include "Controller.h"

#include "Lease.h"
#include "LiveCompare.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QThread>

namespace sluice::sync {
namespace {

const QString kMetadata = QStringLiteral("metadata");
const QString kStatus = QStringLiteral("status");

QJsonObject field(const QJsonObject &object, const char *name)
{
    return object.value(QLatin1String(name)).toObject();
}

QString text(const QJsonObject &object, const char *name)
{
    return object.value(QLatin1String(name)).toString();
}

struct Condition
{
    bool present = false;
    QString status, reason, message, time;
    qint64 generation = -1;
};

Condition condition(const QJsonObject &status, const QString &type)
{
    for (const QJsonValue value : status.value(QLatin1String("conditions")).toArray()) {
        const QJsonObject c = value.toObject();
        if (text(c, "type") == type)
            return {true, text(c, "status"), text(c, "reason"), text(c, "message"), text(c, "lastTransitionTime"),
                    c.value(QLatin1String("observedGeneration")).toInteger(-1)};
    }
    return {};
}

// A Reconciling=True set before the Ready=True that followed it: left behind, not current.
bool staleAgainst(const Condition &reconciling, const Condition &ready)
{
    if (ready.status != QLatin1String("True"))
        return false;
    if (ready.generation >= 0 && reconciling.generation >= 0 && ready.generation != reconciling.generation)
        return ready.generation > reconciling.generation;
    const QDateTime readyAt = QDateTime::fromString(ready.time, Qt::ISODate);
    const QDateTime reconcilingAt = QDateTime::fromString(reconciling.time, Qt::ISODate);
    return readyAt.isValid() && reconcilingAt.isValid() && readyAt > reconcilingAt;
}

struct FluxKind
{
    const char *kind;
    const char *group;
    const char *version;
    const char *resource;
};

const FluxKind kFluxKinds[] = {
    {"Kustomization", "kustomize.toolkit.fluxcd.io", "v1", "kustomizations"},
    {"HelmRelease", "helm.toolkit.fluxcd.io", "v2", "helmreleases"},
    {"GitRepository", "source.toolkit.fluxcd.io", "v1", "gitrepositories"},
    {"OCIRepository", "source.toolkit.fluxcd.io", "v1", "ocirepositories"},
    {"Bucket", "source.toolkit.fluxcd.io", "v1", "buckets"},
    {"HelmChart", "source.toolkit.fluxcd.io", "v1", "helmcharts"},
    {"HelmRepository", "source.toolkit.fluxcd.io", "v1", "helmrepositories"},
    {"ExternalArtifact", "source.toolkit.fluxcd.io", "v1", "externalartifacts"},
};

std::optional<kube::ResourcePath> fluxPath(const QString &kind, const QString &ns, const QString &name)
{
    for (const FluxKind &k : kFluxKinds) {
        if (kind == QLatin1String(k.kind))
            return kube::ResourcePath{QLatin1String(k.group), QLatin1String(k.version), QLatin1String(k.resource), ns, name};
    }
    return std::nullopt;
}

Owner fluxOwner(const QString &kind, const QString &ns, const QString &name, const QString &evidence)
{
    return Owner{Owner::Type::Flux, kind, ns, name, evidence};
}

// Argo CD's tracking id: "<app>:<group>/<kind>:<namespace>/<name>", where <app> is
// "<namespace>_<name>" for an Application outside Argo CD's own namespace.
Owner argoOwner(const QString &app, const QString &evidence)
{
    const int underscore = app.indexOf(QLatin1Char('_'));
    if (underscore > 0)
        return Owner{Owner::Type::ArgoCD, QStringLiteral("Application"), app.left(underscore), app.mid(underscore + 1), evidence};
    return Owner{Owner::Type::ArgoCD, QStringLiteral("Application"), QStringLiteral("argocd"), app, evidence};
}

Result<QJsonObject> mergePatch(ClusterConnection &cluster, const kube::ResourcePath &path, const QJsonObject &patch,
                               const CancelToken &cancel)
{
    kube::Request request;
    request.method = "PATCH";
    request.pathAndQuery = path.path() + QStringLiteral("?fieldManager=") + kFieldManager;
    request.contentType = "application/merge-patch+json";
    request.body = QJsonDocument(patch).toJson(QJsonDocument::Compact);
    auto response = cluster.client->send(request, cancel);
    if (!response)
        return response.error();
    return QJsonDocument::fromJson(response->body).object();
}

QString describePath(const kube::ResourcePath &path, const QString &kind)
{
    return QStringLiteral("%1 %2/%3").arg(kind, path.ns, path.name);
}

QJsonObject annotationPatch(const QString &key, const QString &value)
{
    return {{kMetadata, QJsonObject{{QStringLiteral("annotations"), QJsonObject{{key, value}}}}}};
}

// Polls `path` (every 250 ms) until `done` says so, up to `timeoutMs`; a timeout says `what`
// was awaited and `hint`. Returns the last object.
Result<QJsonObject> waitFor(ClusterConnection &cluster, const kube::ResourcePath &path, const ControllerAction &action,
                            const QString &what, const QString &hint, const std::function<bool(const QJsonObject &)> &done)
{
    QElapsedTimer timer;
    timer.start();
    if (action.progress)
        action.progress(0, 0, what);
    while (true) {
        auto object = cluster.client->get(path, action.cancel);
        if (!object)
            return object.error();
        if (done(*object))
            return object;
        if (action.cancel.isCancelled())
            return makeError(ErrorCategory::Cancelled, QStringLiteral("cancelled while %1").arg(what));
        if (timer.elapsed() > action.timeoutMs)
            return makeError(ErrorCategory::Kube, QStringLiteral("timed out after %1 s %2: %3").arg(action.timeoutMs / 1000).arg(what, hint));
        QThread::msleep(250);
    }
}

QString newToken()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}

// Sets requestedAt on a Flux object and waits until the controller has handled it and decided Ready.
Result<QJsonObject> fluxHandshake(ClusterConnection &cluster, const kube::ResourcePath &path, const QString &kind,
                                  const ControllerAction &action)
{
    const QString what = describePath(path, kind);
    auto current = cluster.client->get(path, action.cancel);
    if (!current)
        return current.error();
    if (field(*current, "spec").value(QLatin1String("suspend")).toBool())
        return makeError(ErrorCategory::Usage, QStringLiteral("%1 is suspended: Flux does not reconcile it until it is resumed "
                                                              "(sluicectl resume)").arg(what));
    const QString token = newToken();
    auto patched = mergePatch(cluster, path, annotationPatch(kFluxRequestedAt, token), action.cancel);
    if (!patched)
        return patched.error().prefixed(QStringLiteral("requesting a reconcile of %1").arg(what));
    const QString hint = QStringLiteral("is the Flux controller running? It has not handled reconcile.fluxcd.io/requestedAt %1").arg(token);
    auto handled = waitFor(cluster, path, action, QStringLiteral("waiting for Flux to reconcile %1").arg(what), hint, [&](const QJsonObject &o) {
        const QJsonObject status = field(o, "status");
        if (text(status, "lastHandledReconcileAt") != token)
            return false;
        const Condition ready = condition(status, QStringLiteral("Ready"));
        const Condition reconciling = condition(status, QStringLiteral("Reconciling"));
        return ready.status != QLatin1String("Unknown") && !(reconciling.status == QLatin1String("True") && !staleAgainst(reconciling, ready));
    });
    return handled;
}

Status failedState(const ControllerState &state)
{
    if (state.state == QLatin1String("Failed") || state.state == QLatin1String("Stalled"))
        return makeError(ErrorCategory::Kube, QStringLiteral("%1 is %2: %3%4").arg(state.owner.describe(), state.state, state.reason.isEmpty() ? QString() : state.reason + QStringLiteral(": "), state.message));
    return {};
}

Result<ControllerState> reconcileFlux(ClusterConnection &cluster, const Owner &owner, const ControllerAction &action)
{
    auto before = readController(cluster, owner, action.cancel);
    if (!before)
        return before.error();
    if (!before->found)
        return makeError(ErrorCategory::Kube, QStringLiteral("%1 does not exist in %2").arg(owner.describe(), cluster.describe()));
    if (action.withSource && !before->sourcePath.name.isEmpty()) {
        auto source = fluxHandshake(cluster, before->sourcePath, before->source.section(QLatin1Char(' '), 0, 0), action);
        if (!source)
            return source.error();
        const Condition ready = condition(field(*source, "status"), QStringLiteral("Ready"));
        if (ready.status == QLatin1String("False"))
            return makeError(ErrorCategory::Kube, QStringLiteral("source %1 failed: %2").arg(before->source, ready.message));
    }
    auto object = fluxHandshake(cluster, owner.path(), owner.kind, action);
    if (!object)
        return object.error();
    ControllerState state = fluxState(owner, *object);
    SLUICE_TRY(failedState(state));
    return state;
}

Result<ControllerState> syncArgo(ClusterConnection &cluster, const Owner &owner, const ControllerAction &action)
{
    auto current = cluster.client->get(owner.path(), action.cancel);
    if (!current)
        return current.error();
    if (current->contains(QLatin1String("operation")) ||
        text(field(field(*current, "status"), "operationState"), "phase") == QLatin1String("Running"))
        return makeError(ErrorCategory::Usage, QStringLiteral("%1 already has an operation running; wait for it or terminate it in "
                                                              "Argo CD").arg(owner.describe()));
    const QString started = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
    QJsonObject sync{{QStringLiteral("syncStrategy"), QJsonObject{{QStringLiteral("hook"), QJsonObject()}}}};
    if (!action.revision.isEmpty())
        sync.insert(QStringLiteral("revision"), action.revision);
    if (action.prune)
        sync.insert(QStringLiteral("prune"), true);
    const QJsonObject operation{{QStringLiteral("initiatedBy"), QJsonObject{{QStringLiteral("username"), currentUser()}}},
                                {QStringLiteral("sync"), sync}};
    auto patched = mergePatch(cluster, owner.path(), {{QStringLiteral("operation"), operation}}, action.cancel);
    if (!patched)
        return patched.error().prefixed(QStringLiteral("starting a sync of %1").arg(owner.describe()));
    auto done = waitFor(cluster, owner.path(), action, QStringLiteral("waiting for Argo CD to sync %1").arg(owner.describe()),
                        QStringLiteral("is argocd-application-controller running? The operation is still pending"), [&](const QJsonObject &o) {
        const QJsonObject op = field(field(o, "status"), "operationState");
        const QString phase = text(op, "phase");
        return !o.contains(QLatin1String("operation")) && text(op, "startedAt") >= started && !phase.isEmpty() &&
               phase != QLatin1String("Running") && phase != QLatin1String("Terminating");
    });
    if (!done)
        return done.error();
    ControllerState state = argoState(owner, *done);
    if (state.operationPhase != QLatin1String("Succeeded"))
        return makeError(ErrorCategory::Kube, QStringLiteral("the sync of %1 ended %2: %3").arg(owner.describe(), state.operationPhase, state.message));
    return state;
}

} // namespace

QString Owner::typeName() const
{
    switch (type) {
    case Type::Flux: return QStringLiteral("flux");
    case Type::ArgoCD: return QStringLiteral("argocd");
    case Type::Sluice: return QStringLiteral("sluice");
    case Type::None: break;
    }
    return QStringLiteral("none");
}

QString Owner::describe() const
{
    switch (type) {
    case Type::Flux: return QStringLiteral("Flux %1 %2/%3").arg(kind, ns, name);
    case Type::ArgoCD: return QStringLiteral("Argo CD Application %1/%2").arg(ns, name);
    case Type::Sluice: return QStringLiteral("Sluice");
    case Type::None: break;
    }
    return QStringLiteral("nobody");
}

kube::ResourcePath Owner::path() const
{
    if (type == Type::ArgoCD)
        return {QStringLiteral("argoproj.io"), QStringLiteral("v1alpha1"), QStringLiteral("applications"), ns, name};
    return fluxPath(kind, ns, name).value_or(kube::ResourcePath{});
}

QJsonObject Owner::toJson() const
{
    QJsonObject json{{QStringLiteral("type"), typeName()}};
    if (isController()) {
        json.insert(QStringLiteral("kind"), kind);
        json.insert(QStringLiteral("namespace"), ns);
        json.insert(QStringLiteral("name"), name);
    }
    if (!evidence.isEmpty())
        json.insert(QStringLiteral("evidence"), evidence);
    return json;
}

Owner ownerOfObject(const QJsonObject &object, const QString &objectDescription)
{
    const QJsonObject metadata = field(object, "metadata");
    const QJsonObject labels = field(metadata, "labels");
    const QString on = objectDescription.isEmpty() ? QString() : QStringLiteral(" on ") + objectDescription;
    if (labels.contains(kFluxKustomizationName))
        return fluxOwner(QStringLiteral("Kustomization"), text(labels, "kustomize.toolkit.fluxcd.io/namespace"),
                         text(labels, "kustomize.toolkit.fluxcd.io/name"), QStringLiteral("label %1%2").arg(kFluxKustomizationName, on));
    if (labels.contains(kFluxHelmReleaseName))
        return fluxOwner(QStringLiteral("HelmRelease"), text(labels, "helm.toolkit.fluxcd.io/namespace"),
                         text(labels, "helm.toolkit.fluxcd.io/name"), QStringLiteral("label %1%2").arg(kFluxHelmReleaseName, on));
    const QString tracking = text(field(metadata, "annotations"), "argocd.argoproj.io/tracking-id");
    if (!tracking.isEmpty())
        return argoOwner(tracking.section(QLatin1Char(':'), 0, 0), QStringLiteral("annotation %1%2").arg(kArgoTrackingId, on));
    if (labels.contains(kArgoInstanceLabel))
        return argoOwner(text(labels, "argocd.argoproj.io/instance"), QStringLiteral("label %1%2").arg(kArgoInstanceLabel, on));
    return {};
}

Owner ownerFromConfig(const ControllerRef &controller)
{
    if (controller.kind.isEmpty())
        return {};
    const auto type = controller.kind == QLatin1String("Application") ? Owner::Type::ArgoCD : Owner::Type::Flux;
    return Owner{type, controller.kind, controller.ns, controller.name, QStringLiteral("controller: in the workspace")};
}

Owner ownerOfObjects(const std::map<ResourceKey, QJsonObject> &live, const QString &application, QStringList *others)
{
    Owner owner;
    bool sluice = false;
    for (const auto &[key, object] : live) {
        const Owner found = ownerOfObject(object, key.displayName());
        if (found.isController()) {
            if (!owner.isController())
                owner = found;
            else if (others && !(found == owner) && !others->contains(found.describe()))
                others->append(found.describe());
        }
        sluice = sluice || text(field(field(object, "metadata"), "labels"), "sluice.dev/app") == clusterSafeName(application);
    }
    if (!owner.isController() && sluice)
        owner.type = Owner::Type::Sluice;
    return owner;
}

QString ControllerState::deployedCommit() const
{
    static const QRegularExpression sha(QStringLiteral("(?:^|[@:])([0-9a-f]{40})$"));
    const QRegularExpressionMatch match = sha.match(lastAppliedRevision);
    return match.hasMatch() ? match.captured(1) : QString();
}

QString ControllerState::summary() const
{
    if (!found)
        return QStringLiteral("%1: not found in the cluster").arg(owner.describe());
    QString line = QStringLiteral("%1: %2").arg(owner.describe(), state);
    if (!health.isEmpty())
        line += QStringLiteral(", %1").arg(health);
    if (suspended)
        line += owner.type == Owner::Type::ArgoCD ? QStringLiteral(", automated sync disabled") : QStringLiteral(", suspended");
    return line;
}

QString ControllerState::describe() const
{
    return found && !message.isEmpty() ? QStringLiteral("%1 (%2)").arg(summary(), message) : summary();
}

QJsonObject ControllerState::toJson() const
{
    QJsonObject json{{QStringLiteral("found"), found}, {QStringLiteral("state"), state}, {QStringLiteral("suspended"), suspended}};
    const std::pair<const char *, QString> optional[] = {
        {"health", health}, {"reason", reason}, {"message", message}, {"lastAppliedRevision", lastAppliedRevision},
        {"lastAttemptedRevision", lastAttemptedRevision}, {"lastHandledReconcileAt", lastHandledReconcileAt},
        {"operationPhase", operationPhase}, {"source", source}};
    for (const auto &[key, value] : optional) {
        if (!value.isEmpty())
            json.insert(QLatin1String(key), value);
    }
    return json;
}

ControllerState fluxState(const Owner &owner, const QJsonObject &object)
{
    ControllerState state;
    state.owner = owner;
    state.found = true;
    const QJsonObject spec = field(object, "spec");
    const QJsonObject status = field(object, "status");
    state.suspended = spec.value(QLatin1String("suspend")).toBool();
    state.lastAppliedRevision = text(status, "lastAppliedRevision");
    state.lastAttemptedRevision = text(status, "lastAttemptedRevision");
    state.lastHandledReconcileAt = text(status, "lastHandledReconcileAt");
    state.generation = field(object, "metadata").value(QLatin1String("generation")).toInteger();
    state.observedGeneration = status.value(QLatin1String("observedGeneration")).toInteger();
    state.resourceVersion = text(field(object, "metadata"), "resourceVersion");
    const QJsonObject sourceRef = spec.value(QLatin1String("sourceRef")).toObject();
    if (!sourceRef.isEmpty()) {
        const QString kind = text(sourceRef, "kind");
        const QString ns = sourceRef.value(QLatin1String("namespace")).toString(owner.ns);
        state.source = QStringLiteral("%1 %2/%3").arg(kind, ns, text(sourceRef, "name"));
        state.sourcePath = fluxPath(kind, ns, text(sourceRef, "name")).value_or(kube::ResourcePath{});
    }

    const Condition ready = condition(status, QStringLiteral("Ready"));
    const Condition stalled = condition(status, QStringLiteral("Stalled"));
    const Condition reconciling = condition(status, QStringLiteral("Reconciling"));
    const Condition *deciding = &ready;
    if (ready.status == QLatin1String("False")) {
        state.state = QStringLiteral("Failed");
    } else if (stalled.status == QLatin1String("True")) {
        state.state = QStringLiteral("Stalled");
        deciding = &stalled;
    } else if (reconciling.status == QLatin1String("True") && !staleAgainst(reconciling, ready)) {
        state.state = QStringLiteral("Reconciling");
        deciding = &reconciling;
    } else if (ready.status == QLatin1String("True")) {
        state.state = QStringLiteral("Reconciled");
    } else {
        state.state = QStringLiteral("Unknown");
    }
    state.reason = deciding->reason;
    state.message = deciding->message;
    return state;
}

ControllerState argoState(const Owner &owner, const QJsonObject &object)
{
    ControllerState state;
    state.owner = owner;
    state.found = true;
    const QJsonObject spec = field(object, "spec");
    const QJsonObject status = field(object, "status");
    const QJsonObject sync = field(status, "sync");
    state.state = text(sync, "status").isEmpty() ? QStringLiteral("Unknown") : text(sync, "status");
    state.health = text(field(status, "health"), "status");
    // What was deployed: the newest history entry (status.sync.revision is what it compared to).
    const QJsonArray history = status.value(QLatin1String("history")).toArray();
    const QJsonObject operation = field(status, "operationState");
    state.operationPhase = text(operation, "phase");
    if (!history.isEmpty())
        state.lastAppliedRevision = text(history.last().toObject(), "revision");
    else if (state.operationPhase == QLatin1String("Succeeded"))
        state.lastAppliedRevision = text(field(operation, "syncResult"), "revision");
    state.message = text(operation, "message");
    for (const QJsonValue value : status.value(QLatin1String("conditions")).toArray()) {
        const QJsonObject c = value.toObject();
        if (text(c, "type").endsWith(QLatin1String("Error"))) { // ComparisonError, SyncError, InvalidSpecError
            state.reason = text(c, "type");
            state.message = text(c, "message");
        }
    }
    const QJsonValue automated = field(spec, "syncPolicy").value(QLatin1String("automated"));
    state.suspended = automated.isObject() && automated.toObject().value(QLatin1String("enabled")).toBool(true) == false;
    const QJsonObject source = field(spec, "source");
    state.source = QStringLiteral("%1@%2 %3").arg(text(source, "repoURL"), source.value(QLatin1String("targetRevision")).toString(QStringLiteral("HEAD")),
                                                   text(source, "path"));
    state.generation = field(object, "metadata").value(QLatin1String("generation")).toInteger();
    state.resourceVersion = text(field(object, "metadata"), "resourceVersion");
    return state;
}

Result<ControllerState> readController(ClusterConnection &cluster, const Owner &owner, const CancelToken &cancel)
{
    if (!owner.isController())
        return makeError(ErrorCategory::Usage, QStringLiteral("%1 is not a GitOps controller").arg(owner.describe()));
    auto object = cluster.client->get(owner.path(), cancel);
    if (!object && object.error().code == 404) {
        ControllerState missing;
        missing.owner = owner;
        return missing;
    }
    if (!object)
        return object.error().prefixed(QStringLiteral("reading %1").arg(owner.describe()));
    return owner.type == Owner::Type::Flux ? fluxState(owner, *object) : argoState(owner, *object);
}

Result<ControllerState> refreshArgoApplication(ClusterConnection &cluster, const Owner &owner, const ControllerAction &action)
{
    if (owner.type != Owner::Type::ArgoCD)
        return makeError(ErrorCategory::Usage, QStringLiteral("refresh is Argo CD's: %1 reconciles instead").arg(owner.describe()));
    const QString mode = action.hard ? QStringLiteral("hard") : QStringLiteral("normal");
    auto patched = mergePatch(cluster, owner.path(), annotationPatch(kArgoRefresh, mode), action.cancel);
    if (!patched)
        return patched.error().prefixed(QStringLiteral("requesting a refresh of %1").arg(owner.describe()));
    auto done = waitFor(cluster, owner.path(), action, QStringLiteral("waiting for Argo CD to refresh %1").arg(owner.describe()),
                        QStringLiteral("is argocd-application-controller running? The %1 annotation is still there").arg(kArgoRefresh),
                        [](const QJsonObject &o) { return !field(field(o, "metadata"), "annotations").contains(kArgoRefresh); });
    if (!done)
        return done.error();
    return argoState(owner, *done);
}

Result<ControllerState> reconcileController(ClusterConnection &cluster, const Owner &owner, const ControllerAction &action)
{
    if (owner.type == Owner::Type::Flux)
        return reconcileFlux(cluster, owner, action);
    if (owner.type != Owner::Type::ArgoCD)
        return makeError(ErrorCategory::Usage, QStringLiteral("no Flux or Argo CD object owns this application; sync it instead"));
    auto refreshed = refreshArgoApplication(cluster, owner, action);
    if (!refreshed)
        return refreshed.error();
    return syncArgo(cluster, owner, action);
}

Result<ControllerState> setControllerSuspended(ClusterConnection &cluster, const Owner &owner, bool suspend, const CancelToken &cancel)
{
    QJsonObject patch;
    if (owner.type == Owner::Type::Flux) {
        patch = {{QStringLiteral("spec"), QJsonObject{{QStringLiteral("suspend"), suspend}}}};
    } else if (owner.type == Owner::Type::ArgoCD) {
        auto current = cluster.client->get(owner.path(), cancel);
        if (!current)
            return current.error();
        if (!field(field(*current, "spec"), "syncPolicy").value(QLatin1String("automated")).isObject())
            return makeError(ErrorCategory::Usage, QStringLiteral("%1 has no automated sync: Argo CD only syncs it when asked, there is "
                                                                  "nothing to %2").arg(owner.describe(), suspend ? QStringLiteral("suspend") : QStringLiteral("resume")));
        patch = {{QStringLiteral("spec"), QJsonObject{{QStringLiteral("syncPolicy"), QJsonObject{{QStringLiteral("automated"),
                                                       QJsonObject{{QStringLiteral("enabled"), !suspend}}}}}}}};
    } else {
        return makeError(ErrorCategory::Usage, QStringLiteral("no Flux or Argo CD object owns this application: nothing to suspend"));
    }
    auto patched = mergePatch(cluster, owner.path(), patch, cancel);
    if (!patched)
        return patched.error().prefixed(QStringLiteral("%1 %2").arg(suspend ? QStringLiteral("suspending") : QStringLiteral("resuming"), owner.describe()));
    return owner.type == Owner::Type::Flux ? fluxState(owner, *patched) : argoState(owner, *patched);
}

QString controllerRevertWarning(const Owner &owner, const QString &application)
{
    if (owner.type == Owner::Type::Flux)
        return QStringLiteral("%1 owns these objects: its next reconcile reverts what this sync changes. To keep a change, commit it "
                              "and reconcile through Flux (Reconcile Now; `sluicectl reconcile %2`); to hold one, suspend Flux first "
                              "(Suspend; `sluicectl suspend %2`) or roll back, which suspends it.").arg(owner.describe(), application);
    if (owner.type == Owner::Type::ArgoCD)
        return QStringLiteral("%1 owns these objects: with self-heal on, Argo CD reverts what this sync changes, and shows it "
                              "OutOfSync. Sync through Argo CD instead (Reconcile Now; `sluicectl reconcile %2`), or turn its automated "
                              "sync off first (Suspend; `sluicectl suspend %2`).").arg(owner.describe(), application);
    return {};
}

} // namespace sluice::sync
