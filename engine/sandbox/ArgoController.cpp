#include "ArgoController.h"

#include "GitOpsApply.h"
#include "GitOpsSource.h"
#include "GitOpsSupport.h"
#include "ServerSideApply.h"

#include "core/Log.h"
#include "render/YamlTree.h"

#include <QFutureWatcher>
#include <QTimer>
#include <QtConcurrent>

#include <algorithm>

namespace sluice::sandbox {

using namespace gitops;

struct ArgoSyncRun
{
    ObjectKey key;
    QJsonObject operation;
    QString commit; // empty when the source could not be resolved
    QString repoPath;
    QString path;
    QJsonObject source; // spec.source as synced
    RenderOptions render;
    bool prune = false;
    QList<ObjectRef> previous; // status.resources before the sync
};

struct ArgoSyncOutcome
{
    QString phase; // Succeeded, Failed, Error
    QString message;
    QList<ObjectRef> resources;
    RendererKind renderer = RendererKind::Plain;
};

namespace {

const QString kManager = QStringLiteral("argocd-application-controller");
const QString kStatus = QStringLiteral("status");
const int kHistoryLimit = 10; // spec.revisionHistoryLimit's default

QJsonObject comparedTo(const QJsonObject &spec)
{
    return QJsonObject{{QStringLiteral("source"), spec.value(QLatin1String("source"))},
                       {QStringLiteral("destination"), spec.value(QLatin1String("destination"))}};
}

QString trackingId(const QString &app, const ObjectRef &ref)
{
    return QStringLiteral("%1:%2/%3:%4/%5").arg(app, ref.group, ref.kind, ref.namespace_, ref.name);
}

QString sourceType(RendererKind kind)
{
    switch (kind) {
    case RendererKind::Helm: return QStringLiteral("Helm");
    case RendererKind::Kustomize: return QStringLiteral("Kustomize");
    default: return QStringLiteral("Directory");
    }
}

// `managed` with the controller's Update entry owning every field of `status`: without a
// status subresource the status is part of the object, and recordUpdate() leaves it out.
QJsonArray withStatusOwned(const QJsonArray &managed, const QJsonObject &status, const QString &apiVersion)
{
    QList<ManagedFieldsEntry> entries = parseManagedFields(managed);
    auto entry = std::find_if(entries.begin(), entries.end(), [&](const ManagedFieldsEntry &e) {
        return e.manager == kManager && e.operation == QLatin1String("Update") && e.subresource.isEmpty() && e.apiVersion == apiVersion;
    });
    if (entry == entries.end()) {
        entries.append(ManagedFieldsEntry{kManager, QStringLiteral("Update"), apiVersion, timestampNow(), {}, {}});
        entry = entries.end() - 1;
    }
    // fieldSetOf() skips a top-level status: collect it under a stand-in key and rename.
    for (FieldPath path : fieldSetOf(QJsonObject{{QStringLiteral("spec"), status}})) {
        path.first() = QStringLiteral("f:status");
        entry->fields.insert(path);
    }
    return serializeManagedFields(entries);
}

// Replaces the Application with `updated` as an Update by the controller (no status
// subresource: status is written with the object).
void writeApplication(ObjectStore &store, const ObjectKey &key, const QJsonObject &current, QJsonObject updated)
{
    if (updated == current)
        return;
    QJsonObject metadata = objectAt(updated, "metadata");
    const QString apiVersion = current.value(QLatin1String("apiVersion")).toString();
    QJsonArray managed = recordUpdate(objectAt(current, "metadata").value(QLatin1String("managedFields")).toArray(), current, updated,
                                      kManager, apiVersion);
    managed = withStatusOwned(managed, objectAt(updated, "status"), apiVersion);
    if (managed.isEmpty())
        metadata.remove(QStringLiteral("managedFields"));
    else
        metadata.insert(QStringLiteral("managedFields"), managed);
    updated.insert(QStringLiteral("metadata"), metadata);
    QList<Mutation> mutations{Mutation{Mutation::Op::Put, key, updated}};
    if (Status written = store.commit(mutations); !written)
        qCWarning(lcSandbox).noquote() << "simulated Argo CD: Application" << key.namespace_ << key.name
                                       << "not written:" << written.error().message;
}

QJsonObject withoutAnnotation(QJsonObject object, const QString &name)
{
    QJsonObject metadata = objectAt(object, "metadata");
    QJsonObject annotations = objectAt(metadata, "annotations");
    annotations.remove(name);
    if (annotations.isEmpty())
        metadata.remove(QStringLiteral("annotations"));
    else
        metadata.insert(QStringLiteral("annotations"), annotations);
    object.insert(QStringLiteral("metadata"), metadata);
    return object;
}

// Argo CD's conditions are {type, message, lastTransitionTime}, no status field.
QJsonArray withComparisonError(const QJsonArray &conditions, const QString &message)
{
    QJsonArray out = withoutCondition(conditions, QStringLiteral("ComparisonError"));
    if (!message.isEmpty())
        out.append(QJsonObject{{QStringLiteral("type"), QStringLiteral("ComparisonError")},
                               {QStringLiteral("message"), message},
                               {QStringLiteral("lastTransitionTime"), timestampNow()}});
    return out;
}

QList<ObjectRef> parseResources(const QJsonArray &resources)
{
    QList<ObjectRef> refs;
    for (const QJsonValue &value : resources) {
        const QJsonObject r = value.toObject();
        refs.append({r.value(QLatin1String("group")).toString(), r.value(QLatin1String("version")).toString(),
                     r.value(QLatin1String("kind")).toString(), r.value(QLatin1String("namespace")).toString(),
                     r.value(QLatin1String("name")).toString()});
    }
    return refs;
}

QJsonObject resourceJson(const ObjectRef &ref)
{
    QJsonObject r{{QStringLiteral("group"), ref.group},
                  {QStringLiteral("version"), ref.version},
                  {QStringLiteral("kind"), ref.kind},
                  {QStringLiteral("name"), ref.name},
                  {QStringLiteral("status"), QStringLiteral("Synced")}};
    if (!ref.namespace_.isEmpty())
        r.insert(QStringLiteral("namespace"), ref.namespace_);
    return r;
}

// operationState.syncResult.resources: one result per applied object.
QJsonArray resourceResults(const QList<ObjectRef> &applied)
{
    QJsonArray results;
    for (const ObjectRef &ref : applied) {
        QJsonObject entry = resourceJson(ref);
        entry.insert(QStringLiteral("message"), QStringLiteral("%1/%2 serverside-applied").arg(ref.kind.toLower(), ref.name));
        entry.insert(QStringLiteral("syncPhase"), QStringLiteral("Sync"));
        results.append(entry);
    }
    return results;
}

// `status` after a successful sync: in sync at the run's revision, healthy, its resources.
QJsonObject syncedStatus(QJsonObject status, const QJsonObject &spec, const ArgoSyncRun &run, const ArgoSyncOutcome &outcome)
{
    QJsonArray resources;
    for (const ObjectRef &ref : outcome.resources)
        resources.append(resourceJson(ref));
    status.insert(QStringLiteral("sync"), QJsonObject{{QStringLiteral("status"), QStringLiteral("Synced")},
                                                      {QStringLiteral("revision"), run.commit},
                                                      {QStringLiteral("comparedTo"), comparedTo(spec)}});
    status.insert(QStringLiteral("health"), QJsonObject{{QStringLiteral("status"), QStringLiteral("Healthy")}});
    status.insert(QStringLiteral("resources"), resources);
    status.insert(QStringLiteral("sourceType"), sourceType(outcome.renderer));
    status.insert(QStringLiteral("reconciledAt"), timestampNow());
    return status;
}

// status.history with the run appended (ids count up), bounded by spec.revisionHistoryLimit.
QJsonArray withHistoryEntry(const QJsonObject &status, const QJsonObject &spec, const ArgoSyncRun &run, const QJsonValue &startedAt)
{
    QJsonArray history = status.value(QLatin1String("history")).toArray();
    const qint64 id = history.isEmpty() ? 0 : history.last().toObject().value(QLatin1String("id")).toInteger() + 1;
    QJsonObject entry{{QStringLiteral("id"), id},
                      {QStringLiteral("revision"), run.commit},
                      {QStringLiteral("deployedAt"), timestampNow()},
                      {QStringLiteral("deployStartedAt"), startedAt},
                      {QStringLiteral("source"), run.source}};
    if (run.operation.contains(QLatin1String("initiatedBy")))
        entry.insert(QStringLiteral("initiatedBy"), run.operation.value(QLatin1String("initiatedBy")));
    history.append(entry);
    const qsizetype limit = std::max<qint64>(1, spec.value(QLatin1String("revisionHistoryLimit")).toInteger(kHistoryLimit));
    while (history.size() > limit)
        history.removeFirst();
    return history;
}

// How Argo CD renders spec.source: helm and kustomize options when given, else detected in
// the path (a plain directory without sub-folders unless directory.recurse).
RenderOptions renderOptionsFor(const QString &app, const QJsonObject &spec)
{
    const QJsonObject source = objectAt(spec, "source");
    RenderOptions options;
    options.releaseName = app;
    const QString ns = objectAt(spec, "destination").value(QLatin1String("namespace")).toString();
    options.defaultNamespace = ns.isEmpty() ? QStringLiteral("default") : ns;
    options.recurse = objectAt(source, "directory").value(QLatin1String("recurse")).toBool();
    if (source.contains(QLatin1String("helm"))) {
        const QJsonObject helm = objectAt(source, "helm");
        options.renderer = RendererKind::Helm;
        options.helm.releaseName = helm.value(QLatin1String("releaseName")).toString();
        for (const QJsonValue &file : helm.value(QLatin1String("valueFiles")).toArray())
            options.helm.valueFiles.append(file.toString());
        options.helm.values = helm.contains(QLatin1String("valuesObject")) ? yaml::toYaml(helm.value(QLatin1String("valuesObject")))
                                                                           : helm.value(QLatin1String("values")).toString().toUtf8();
    } else if (source.contains(QLatin1String("kustomize"))) {
        const QJsonObject kustomize = objectAt(source, "kustomize");
        options.renderer = RendererKind::Kustomize;
        options.flux.namePrefix = kustomize.value(QLatin1String("namePrefix")).toString();
        options.flux.nameSuffix = kustomize.value(QLatin1String("nameSuffix")).toString();
        options.flux.targetNamespace = kustomize.value(QLatin1String("namespace")).toString();
    }
    return options;
}

// Fills the rest of `run` (key and operation are set) from the Application; the message of
// the Error phase when the sync cannot run.
std::optional<QString> prepareSync(const QJsonObject &app, ArgoSyncRun &run)
{
    const QJsonObject spec = objectAt(app, "spec");
    const QJsonObject syncOp = objectAt(run.operation, "sync");
    run.source = objectAt(spec, "source");
    if (spec.contains(QLatin1String("sources")))
        return QStringLiteral("multiple sources (spec.sources) are not simulated by the sandbox");
    if (!run.operation.contains(QLatin1String("sync")))
        return QStringLiteral("the operation has no sync: the sandbox simulates sync operations only");
    QJsonObject source = run.source;
    if (const QString revision = syncOp.value(QLatin1String("revision")).toString(); !revision.isEmpty())
        source.insert(QStringLiteral("targetRevision"), revision);
    auto commit = resolveArgoSource(source);
    if (!commit)
        return statusMessage(commit.error());
    run.commit = *commit;
    run.repoPath = localRepositoryPath(source.value(QLatin1String("repoURL")).toString()).value_or(QString());
    run.path = source.value(QLatin1String("path")).toString();
    run.render = renderOptionsFor(run.key.name, spec);
    run.prune = syncOp.value(QLatin1String("prune")).toBool();
    run.previous = parseResources(objectAt(app, "status").value(QLatin1String("resources")).toArray());
    return std::nullopt;
}

// The worker half of a sync: render, apply, prune. Blocks; never on the server thread.
ArgoSyncOutcome runSync(const ArgoSyncRun &run, const std::shared_ptr<kube::KubeClient> &client, const CancelToken &cancel)
{
    ArgoSyncOutcome out;
    out.phase = QStringLiteral("Failed");
    auto rendered = renderCommit(run.repoPath, run.commit, run.path, run.render, cancel);
    if (!rendered) {
        out.message = QStringLiteral("rpc error: Manifest generation error: %1").arg(statusMessage(rendered.error()));
        return out;
    }
    out.renderer = rendered->renderer;
    const QString app = run.key.name;
    const Decorate track = [&](QJsonObject &object, const ObjectRef &ref) {
        QJsonObject metadata = objectAt(object, "metadata");
        QJsonObject annotations = objectAt(metadata, "annotations");
        annotations.insert(kArgoTrackingId, trackingId(app, ref));
        metadata.insert(QStringLiteral("annotations"), annotations);
        object.insert(QStringLiteral("metadata"), metadata);
    };
    kube::DiscoveryCache discovery(client);
    auto applied = applyObjects(*client, discovery, rendered->objects, QStringLiteral("argocd-controller"), track, cancel);
    if (!applied) {
        out.message = QStringLiteral("one or more objects failed to apply, reason: %1").arg(statusMessage(applied.error()));
        return out;
    }
    out.resources = *applied;
    if (run.prune) {
        const auto owned = [&](const QJsonObject &live) {
            return annotation(live, kArgoTrackingId).startsWith(app + QLatin1Char(':'));
        };
        if (Status pruned = deleteObjects(*client, discovery, staleObjects(run.previous, *applied), owned, cancel); !pruned) {
            out.message = QStringLiteral("one or more objects failed to prune, reason: %1").arg(statusMessage(pruned.error()));
            return out;
        }
    }
    out.phase = QStringLiteral("Succeeded");
    out.message = QStringLiteral("successfully synced (all tasks run)");
    return out;
}

} // namespace

ArgoController::ArgoController(ObjectStore &store, std::shared_ptr<kube::KubeClient> client, QObject *parent)
    : QObject(parent), m_store(store), m_client(std::move(client))
{
    m_pool.setMaxThreadCount(2);
    m_store.addChangeListener([this](const ChangeEvent &event) { onChange(event); });
}

ArgoController::~ArgoController()
{
    m_cancel.cancel();
    m_pool.waitForDone();
}

void ArgoController::resumeStored()
{
    schedulePass();
}

void ArgoController::onChange(const ChangeEvent &event)
{
    if (event.resource == kApplications && event.type != ChangeEvent::Type::Deleted)
        schedulePass();
}

void ArgoController::schedulePass()
{
    if (m_scheduled)
        return;
    m_scheduled = true;
    QTimer::singleShot(0, this, &ArgoController::pass);
}

void ArgoController::pass()
{
    m_scheduled = false;
    for (const QJsonObject &app : m_store.list(kApplications)) {
        const ObjectKey key = keyOf(kApplications, app);
        startSync(key);
        refresh(key);
    }
}

void ArgoController::refresh(const ObjectKey &key)
{
    const std::optional<QJsonObject> app = m_store.get(key);
    if (!app)
        return;
    const QJsonObject spec = objectAt(*app, "spec");
    QJsonObject status = objectAt(*app, "status");
    QJsonObject sync = objectAt(status, "sync");
    if (annotation(*app, kArgoRefresh).isEmpty() && status.contains(QLatin1String("reconciledAt"))
        && objectAt(sync, "comparedTo") == comparedTo(spec))
        return;
    QJsonObject updated = withoutAnnotation(*app, kArgoRefresh);
    status.insert(QStringLiteral("reconciledAt"), timestampNow());
    sync.insert(QStringLiteral("comparedTo"), comparedTo(spec));
    QString error;
    if (spec.contains(QLatin1String("sources"))) {
        error = QStringLiteral("multiple sources (spec.sources) are not simulated by the sandbox");
    } else if (auto commit = resolveArgoSource(objectAt(spec, "source")); !commit) {
        error = statusMessage(commit.error());
    } else {
        const QJsonArray history = status.value(QLatin1String("history")).toArray();
        const QJsonObject last = history.isEmpty() ? QJsonObject() : history.last().toObject();
        const bool synced = last.value(QLatin1String("revision")).toString() == *commit
            && last.value(QLatin1String("source")) == spec.value(QLatin1String("source"));
        sync.insert(QStringLiteral("revision"), *commit);
        sync.insert(QStringLiteral("status"), synced ? QStringLiteral("Synced") : QStringLiteral("OutOfSync"));
    }
    if (!error.isEmpty())
        sync.insert(QStringLiteral("status"), QStringLiteral("Unknown"));
    status.insert(QStringLiteral("sync"), sync);
    status.insert(QStringLiteral("conditions"), withComparisonError(status.value(QLatin1String("conditions")).toArray(), error));
    if (status.value(QLatin1String("conditions")).toArray().isEmpty())
        status.remove(QStringLiteral("conditions"));
    if (!status.contains(QLatin1String("health")))
        status.insert(QStringLiteral("health"), QJsonObject{{QStringLiteral("status"), QStringLiteral("Missing")}});
    updated.insert(kStatus, status);
    writeApplication(m_store, key, *app, updated);
}

void ArgoController::startSync(const ObjectKey &key)
{
    const std::optional<QJsonObject> app = m_store.get(key);
    if (!app || m_running.count(key))
        return;
    QJsonObject status = objectAt(*app, "status");
    QJsonObject state = objectAt(status, "operationState");
    const bool interrupted = state.value(QLatin1String("phase")).toString() == QLatin1String("Running");
    if (!app->contains(QLatin1String("operation")) && !interrupted)
        return;

    ArgoSyncRun run;
    run.key = key;
    run.operation = app->contains(QLatin1String("operation")) ? objectAt(*app, "operation") : objectAt(state, "operation");
    QJsonObject updated = *app;
    updated.remove(QStringLiteral("operation"));
    if (!interrupted)
        state = QJsonObject{{QStringLiteral("startedAt"), timestampNow()}};
    state.insert(QStringLiteral("operation"), run.operation);
    state.insert(QStringLiteral("phase"), QStringLiteral("Running"));
    state.insert(QStringLiteral("message"), QStringLiteral("one or more synchronization tasks are not yet complete"));
    status.insert(QStringLiteral("operationState"), state);
    updated.insert(kStatus, status);
    writeApplication(m_store, key, *app, updated);
    m_running.insert(key);

    if (std::optional<QString> error = prepareSync(*app, run)) {
        ArgoSyncOutcome failed;
        failed.phase = QStringLiteral("Error");
        failed.message = *error;
        finishSync(run, failed);
        return;
    }
    auto *watcher = new QFutureWatcher<ArgoSyncOutcome>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, run] {
        finishSync(run, watcher->result());
        watcher->deleteLater();
    });
    watcher->setFuture(QtConcurrent::run(&m_pool, [run, client = m_client, cancel = m_cancel] { return runSync(run, client, cancel); }));
}

void ArgoController::finishSync(const ArgoSyncRun &run, const ArgoSyncOutcome &outcome)
{
    m_running.erase(run.key);
    schedulePass(); // an operation set during this one
    const std::optional<QJsonObject> app = m_store.get(run.key);
    if (!app)
        return;
    const QString now = timestampNow();
    QJsonObject status = objectAt(*app, "status");
    QJsonObject state = objectAt(status, "operationState");
    state.insert(QStringLiteral("phase"), outcome.phase);
    state.insert(QStringLiteral("message"), outcome.message);
    state.insert(QStringLiteral("finishedAt"), now);
    QJsonObject result;
    if (!run.commit.isEmpty()) {
        result.insert(QStringLiteral("revision"), run.commit);
        result.insert(QStringLiteral("source"), run.source);
    }
    if (outcome.phase == QLatin1String("Succeeded")) {
        result.insert(QStringLiteral("resources"), resourceResults(outcome.resources));
        status = syncedStatus(status, objectAt(*app, "spec"), run, outcome);
        status.insert(QStringLiteral("history"), withHistoryEntry(status, objectAt(*app, "spec"), run, state.value(QLatin1String("startedAt"))));
    }
    if (!result.isEmpty())
        state.insert(QStringLiteral("syncResult"), result);
    status.insert(QStringLiteral("operationState"), state);
    QJsonObject updated = *app;
    updated.insert(kStatus, status);
    writeApplication(m_store, run.key, *app, updated);
}

} // namespace sluice::sandbox
