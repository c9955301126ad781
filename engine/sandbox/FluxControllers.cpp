#include "FluxControllers.h"

#include "GitOpsApply.h"
#include "GitOpsSource.h"
#include "GitOpsSupport.h"
#include "StatusUpdate.h"

#include "core/Log.h"
#include "render/FluxBuild.h"
#include "render/FluxSubstitute.h"

#include <QFutureWatcher>
#include <QTimer>
#include <QtConcurrent>

#include <algorithm>

namespace sluice::sandbox {

using namespace gitops;

// What one Kustomization run needs, read from the store on the server thread.
struct KustomizationRun
{
    ObjectKey key;
    qint64 generation = 0;
    QString token;    // the requestedAt value being handled; empty when none
    QString revision; // the source artifact's revision; empty when there is none
    QString repoPath;
    QString commit;
    QString path;
    RenderOptions render;
    bool prune = false;
    QList<ObjectRef> inventory; // status.inventory before the run
};

struct KustomizationOutcome
{
    bool ok = false;
    QString reason;  // of Ready=False
    QString message;
    QList<ObjectRef> inventory; // applied objects; only when something was applied
    bool applied = false;
};

namespace {

const QString kReady = QStringLiteral("Ready");
const QString kReconciling = QStringLiteral("Reconciling");
const QString kProgressing = QStringLiteral("Progressing");
const QString kNameLabel = QStringLiteral("kustomize.toolkit.fluxcd.io/name");
const QString kNamespaceLabel = QStringLiteral("kustomize.toolkit.fluxcd.io/namespace");

QJsonObject statusOf(const QJsonObject &object)
{
    return objectAt(object, "status");
}

QJsonObject specOf(const QJsonObject &object)
{
    return objectAt(object, "spec");
}

bool suspended(const QJsonObject &object)
{
    return specOf(object).value(QLatin1String("suspend")).toBool();
}

// Whether `object` asks for a reconcile: a generation not observed yet, or a requestedAt value
// not handled yet.
bool requested(const QJsonObject &object)
{
    const QJsonObject status = statusOf(object);
    const QString token = annotation(object, kFluxRequestedAt);
    return status.value(QLatin1String("observedGeneration")).toInteger(-1) != generationOf(object)
        || (!token.isEmpty() && token != status.value(QLatin1String("lastHandledReconcileAt")).toString());
}

// status with observedGeneration and lastHandledReconcileAt of a handled request.
QJsonObject handled(QJsonObject status, qint64 generation, const QString &token)
{
    status.insert(QStringLiteral("observedGeneration"), generation);
    if (!token.isEmpty())
        status.insert(QStringLiteral("lastHandledReconcileAt"), token);
    return status;
}

// Writes a Flux object's status, its conditions stamped with the generation handled.
void write(ObjectStore &store, const ObjectKey &key, QJsonObject status, qint64 generation, const QString &manager)
{
    status.insert(QStringLiteral("conditions"), withObservedGeneration(status.value(QLatin1String("conditions")).toArray(), generation));
    if (Status written = writeStatus(store, key, status, manager); !written)
        qCWarning(lcSandbox).noquote() << "simulated" << manager << ": status of" << key.resource << key.namespace_ << key.name
                                       << "not written:" << written.error().message;
}

QJsonObject artifactFor(const ObjectKey &key, const SourceRevision &source)
{
    const QString path = QStringLiteral("gitrepository/%1/%2/%3.tar.gz").arg(key.namespace_, key.name, source.commit);
    return QJsonObject{{QStringLiteral("revision"), source.revision},
                       {QStringLiteral("lastUpdateTime"), timestampNow()},
                       {QStringLiteral("path"), path},
                       {QStringLiteral("url"), QStringLiteral("http://source-controller.flux-system.svc.cluster.local./") + path}};
}

QString inventoryId(const ObjectRef &ref)
{
    return QStringList{ref.namespace_, ref.name, ref.group, ref.kind}.join(QLatin1Char('_'));
}

QJsonObject inventoryOf(QList<ObjectRef> refs)
{
    std::sort(refs.begin(), refs.end(), [](const ObjectRef &a, const ObjectRef &b) { return inventoryId(a) < inventoryId(b); });
    QJsonArray entries;
    for (const ObjectRef &ref : refs)
        entries.append(QJsonObject{{QStringLiteral("id"), inventoryId(ref)}, {QStringLiteral("v"), ref.version}});
    return QJsonObject{{QStringLiteral("entries"), entries}};
}

QList<ObjectRef> parseInventory(const QJsonObject &status)
{
    QList<ObjectRef> refs;
    for (const QJsonValue &value : objectAt(status, "inventory").value(QLatin1String("entries")).toArray()) {
        const QStringList parts = value.toObject().value(QLatin1String("id")).toString().split(QLatin1Char('_'));
        if (parts.size() < 4)
            continue;
        refs.append({parts.at(parts.size() - 2), value.toObject().value(QLatin1String("v")).toString(), parts.last(), parts.first(),
                     parts.mid(1, parts.size() - 3).join(QLatin1Char('_'))});
    }
    return refs;
}

// ConfigMap data, or Secret data (base64) and stringData, as substitution variables.
flux::Variables variablesOf(const QJsonObject &object, bool secret)
{
    flux::Variables vars;
    const QJsonObject data = objectAt(object, "data");
    for (auto it = data.begin(); it != data.end(); ++it)
        vars.insert(it.key(), secret ? QString::fromUtf8(QByteArray::fromBase64(it.value().toString().toLatin1())) : it.value().toString());
    const QJsonObject stringData = objectAt(object, "stringData");
    for (auto it = stringData.begin(); it != stringData.end(); ++it)
        vars.insert(it.key(), it.value().toString());
    return vars;
}

// spec.postBuild's variables: substituteFrom read from the store, then the inline map.
Result<flux::Variables> postBuildVariables(const ObjectStore &store, const QString &ns, const QJsonObject &postBuild)
{
    QList<flux::SubstituteSource> from;
    for (const QJsonValue &value : postBuild.value(QLatin1String("substituteFrom")).toArray()) {
        const QJsonObject entry = value.toObject();
        flux::SubstituteSource source;
        source.kind = entry.value(QLatin1String("kind")).toString();
        source.name = entry.value(QLatin1String("name")).toString();
        source.optional = entry.value(QLatin1String("optional")).toBool();
        const bool secret = source.kind == QLatin1String("Secret");
        if (auto object = store.get({secret ? QStringLiteral("secrets") : QStringLiteral("configmaps"), ns, source.name}))
            source.data = variablesOf(*object, secret);
        from.append(source);
    }
    flux::Variables inline_;
    const QJsonObject substitute = objectAt(postBuild, "substitute");
    for (auto it = substitute.begin(); it != substitute.end(); ++it)
        inline_.insert(it.key(), it.value().toVariant().toString());
    return flux::mergeVariables(from, inline_);
}

// Fills the rest of `run` (its key, generation, token and revision are set) from the
// Kustomization and its GitRepository; the failure to report when it cannot run.
std::optional<KustomizationOutcome> prepareRun(const ObjectStore &store, const QJsonObject &object,
                                               const std::optional<QJsonObject> &source, const QString &sourceText,
                                               KustomizationRun &run)
{
    KustomizationOutcome failed;
    failed.reason = QStringLiteral("ArtifactFailed");
    if (!sourceText.startsWith(QLatin1String("GitRepository/")))
        failed.message = QStringLiteral("Source '%1' is not simulated: the sandbox's kustomize-controller reads GitRepository sources only")
                             .arg(sourceText);
    else if (!source)
        failed.message = QStringLiteral("Source '%1' not found").arg(sourceText);
    else if (run.revision.isEmpty())
        failed.message = QStringLiteral("Source artifact not found, retrying when %1 has one").arg(sourceText);
    if (!failed.message.isEmpty())
        return failed;
    const std::optional<QString> repoPath = localRepositoryPath(specOf(*source).value(QLatin1String("url")).toString());
    run.commit = commitOfRevision(run.revision);
    if (!repoPath || run.commit.isEmpty()) {
        failed.message = QStringLiteral("Source '%1' artifact %2 cannot be read: %3").arg(sourceText, run.revision, kLocalOnlyNote);
        return failed;
    }
    const QJsonObject spec = specOf(object);
    run.repoPath = *repoPath;
    run.path = spec.value(QLatin1String("path")).toString();
    run.prune = spec.value(QLatin1String("prune")).toBool();
    run.inventory = parseInventory(statusOf(object));
    run.render.renderer = RendererKind::Flux;
    run.render.flux = fluxOptionsFromSpec(spec);
    // As repository discovery renders it: real Flux rejects namespaced objects without one.
    run.render.defaultNamespace = run.render.flux.targetNamespace.isEmpty() ? QStringLiteral("default") : run.render.flux.targetNamespace;
    run.render.releaseName = run.key.name;
    if (const QJsonValue postBuild = spec.value(QLatin1String("postBuild")); postBuild.isObject()) {
        auto variables = postBuildVariables(store, run.key.namespace_, postBuild.toObject());
        if (!variables) {
            failed.reason = QStringLiteral("BuildFailed");
            failed.message = statusMessage(variables.error());
            return failed;
        }
        run.render.flux.substitute = true;
        run.render.flux.variables = *variables;
    }
    return std::nullopt;
}

// The worker half of a run: render, apply, prune. Blocks; never on the server thread.
KustomizationOutcome runKustomization(const KustomizationRun &run, const std::shared_ptr<kube::KubeClient> &client,
                                      const CancelToken &cancel)
{
    KustomizationOutcome out;
    auto rendered = renderCommit(run.repoPath, run.commit, run.path, run.render, cancel);
    if (!rendered) {
        const bool missing = rendered.error().code == kPathNotFound;
        out.reason = missing ? QStringLiteral("ArtifactFailed") : QStringLiteral("BuildFailed");
        out.message = (missing ? QStringLiteral("kustomization path not found: ") : QString()) + statusMessage(rendered.error());
        return out;
    }
    const QString name = run.key.name, ns = run.key.namespace_;
    const Decorate label = [&](QJsonObject &object, const ObjectRef &) {
        QJsonObject metadata = objectAt(object, "metadata");
        QJsonObject labels = objectAt(metadata, "labels");
        labels.insert(kNameLabel, name);
        labels.insert(kNamespaceLabel, ns);
        metadata.insert(QStringLiteral("labels"), labels);
        object.insert(QStringLiteral("metadata"), metadata);
    };
    kube::DiscoveryCache discovery(client);
    auto applied = applyObjects(*client, discovery, rendered->objects, QStringLiteral("kustomize-controller"), label, cancel);
    if (!applied) {
        out.reason = QStringLiteral("ReconciliationFailed");
        out.message = statusMessage(applied.error());
        return out;
    }
    out.applied = true;
    out.inventory = *applied;
    if (run.prune) {
        const auto owned = [&](const QJsonObject &live) {
            const QJsonObject labels = objectAt(objectAt(live, "metadata"), "labels");
            return labels.value(kNameLabel).toString() == name && labels.value(kNamespaceLabel).toString() == ns
                && annotation(live, QStringLiteral("kustomize.toolkit.fluxcd.io/prune")) != QLatin1String("disabled");
        };
        if (Status pruned = deleteObjects(*client, discovery, staleObjects(run.inventory, *applied), owned, cancel); !pruned) {
            out.reason = QStringLiteral("PruneFailed");
            out.message = statusMessage(pruned.error());
            return out;
        }
    }
    out.ok = true;
    return out;
}

} // namespace

FluxControllers::FluxControllers(ObjectStore &store, std::shared_ptr<kube::KubeClient> client, QObject *parent)
    : QObject(parent), m_store(store), m_client(std::move(client))
{
    m_pool.setMaxThreadCount(2);
    m_store.addChangeListener([this](const ChangeEvent &event) { onChange(event); });
}

FluxControllers::~FluxControllers()
{
    m_cancel.cancel();
    m_pool.waitForDone();
}

void FluxControllers::resumeStored()
{
    schedulePass();
}

void FluxControllers::onChange(const ChangeEvent &event)
{
    if (event.resource == kGitRepositories || event.resource == kKustomizations || event.resource == kHelmReleases)
        schedulePass();
}

void FluxControllers::schedulePass()
{
    if (m_scheduled)
        return;
    m_scheduled = true;
    QTimer::singleShot(0, this, &FluxControllers::pass);
}

void FluxControllers::pass()
{
    m_scheduled = false;
    // Sources first: a Kustomization in the same pass sees their new artifacts.
    for (const QJsonObject &object : m_store.list(kGitRepositories))
        reconcileSource(keyOf(kGitRepositories, object), object);
    for (const QJsonObject &object : m_store.list(kHelmReleases))
        reconcileHelmRelease(keyOf(kHelmReleases, object), object);
    for (const QJsonObject &object : m_store.list(kKustomizations))
        reconcileKustomization(keyOf(kKustomizations, object), object);
}

void FluxControllers::reconcileSource(const ObjectKey &key, const QJsonObject &object)
{
    if (suspended(object) || !requested(object))
        return;
    QJsonObject status = handled(statusOf(object), generationOf(object), annotation(object, kFluxRequestedAt));
    QJsonArray conditions = status.value(QLatin1String("conditions")).toArray();
    auto source = resolveGitRepository(specOf(object));
    if (source) {
        if (objectAt(status, "artifact").value(QLatin1String("revision")).toString() != source->revision)
            status.insert(QStringLiteral("artifact"), artifactFor(key, *source));
        const QString message = QStringLiteral("stored artifact for revision '%1'").arg(source->revision);
        conditions = withoutCondition(conditions, QStringLiteral("FetchFailed"));
        conditions = withCondition(conditions, kReady, QStringLiteral("True"), QStringLiteral("Succeeded"), message);
        conditions = withCondition(conditions, QStringLiteral("ArtifactInStorage"), QStringLiteral("True"), QStringLiteral("Succeeded"), message);
    } else {
        const QString message = statusMessage(source.error());
        conditions = withCondition(conditions, kReady, QStringLiteral("False"), QStringLiteral("GitOperationFailed"), message);
        conditions = withCondition(conditions, QStringLiteral("FetchFailed"), QStringLiteral("True"), QStringLiteral("GitOperationFailed"), message);
    }
    status.insert(QStringLiteral("conditions"), conditions);
    write(m_store, key, status, generationOf(object), QStringLiteral("source-controller"));
}

void FluxControllers::reconcileHelmRelease(const ObjectKey &key, const QJsonObject &object)
{
    if (suspended(object) || !requested(object))
        return;
    const QJsonObject spec = specOf(object);
    const QJsonObject previous = statusOf(object);
    QJsonObject status = handled(previous, generationOf(object), annotation(object, kFluxRequestedAt));
    status.insert(QStringLiteral("lastAttemptedGeneration"), generationOf(object));
    // A requestedAt alone changes nothing that helm would upgrade: the Ready message stays.
    const bool changed = previous.value(QLatin1String("observedGeneration")).toInteger(-1) != generationOf(object);
    if (changed) {
        const bool first = !previous.contains(QLatin1String("observedGeneration"));
        const QString targetNs = spec.value(QLatin1String("targetNamespace")).toString();
        const QString release = spec.value(QLatin1String("releaseName"))
                                    .toString(targetNs.isEmpty() ? key.name : targetNs + QLatin1Char('-') + key.name);
        const QJsonObject chart = objectAt(objectAt(spec, "chart"), "spec");
        const QString message = QStringLiteral("Helm %1 succeeded for release %2/%3 with chart %4@%5 (sandbox simulation: nothing was "
                                               "rendered or installed)")
                                    .arg(first ? QStringLiteral("install") : QStringLiteral("upgrade"),
                                         targetNs.isEmpty() ? key.namespace_ : targetNs, release,
                                         chart.value(QLatin1String("chart")).toString(),
                                         chart.value(QLatin1String("version")).toString(QStringLiteral("*")));
        const QString reason = first ? QStringLiteral("InstallSucceeded") : QStringLiteral("UpgradeSucceeded");
        QJsonArray conditions = status.value(QLatin1String("conditions")).toArray();
        conditions = withCondition(conditions, kReady, QStringLiteral("True"), reason, message);
        conditions = withCondition(conditions, QStringLiteral("Released"), QStringLiteral("True"), reason, message);
        status.insert(QStringLiteral("conditions"), conditions);
    }
    write(m_store, key, status, generationOf(object), QStringLiteral("helm-controller"));
}

void FluxControllers::reconcileKustomization(const ObjectKey &key, const QJsonObject &object)
{
    if (m_running.count(key) || suspended(object))
        return;
    const QJsonObject spec = specOf(object);
    const QJsonObject status = statusOf(object);
    const QJsonObject sourceRef = objectAt(spec, "sourceRef");
    const QString sourceKind = sourceRef.value(QLatin1String("kind")).toString(QStringLiteral("GitRepository"));
    const QString sourceNs = sourceRef.value(QLatin1String("namespace")).toString(key.namespace_);
    const QString sourceName = sourceRef.value(QLatin1String("name")).toString();
    const std::optional<QJsonObject> source = sourceKind == QLatin1String("GitRepository")
                                                  ? m_store.get({kGitRepositories, sourceNs, sourceName})
                                                  : std::nullopt;
    const QString revision = source ? objectAt(statusOf(*source), "artifact").value(QLatin1String("revision")).toString() : QString();
    const bool newRevision = !revision.isEmpty() && revision != status.value(QLatin1String("lastAttemptedRevision")).toString();
    if (!requested(object) && !newRevision)
        return;

    KustomizationRun run;
    run.key = key;
    run.generation = generationOf(object);
    run.token = annotation(object, kFluxRequestedAt);
    run.revision = revision;
    const QString sourceText = QStringLiteral("%1/%2/%3").arg(sourceKind, sourceNs, sourceName);
    if (std::optional<KustomizationOutcome> failed = prepareRun(m_store, object, source, sourceText, run))
        finish(run, *failed);
    else
        start(run);
}

void FluxControllers::start(const KustomizationRun &run)
{
    m_running.insert(run.key);
    if (const std::optional<QJsonObject> object = m_store.get(run.key)) {
        QJsonObject status = statusOf(*object);
        QJsonArray conditions = status.value(QLatin1String("conditions")).toArray();
        const QString message = QStringLiteral("Reconciliation in progress");
        conditions = withCondition(conditions, kReconciling, QStringLiteral("True"), kProgressing, message);
        conditions = withCondition(conditions, kReady, QStringLiteral("Unknown"), kProgressing, message);
        status.insert(QStringLiteral("conditions"), conditions);
        write(m_store, run.key, status, run.generation, QStringLiteral("kustomize-controller"));
    }
    auto *watcher = new QFutureWatcher<KustomizationOutcome>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, run] {
        finish(run, watcher->result());
        watcher->deleteLater();
    });
    watcher->setFuture(QtConcurrent::run(&m_pool, [run, client = m_client, cancel = m_cancel] {
        return runKustomization(run, client, cancel);
    }));
}

void FluxControllers::finish(const KustomizationRun &run, const KustomizationOutcome &outcome)
{
    m_running.erase(run.key);
    schedulePass(); // triggers that came during the run
    const std::optional<QJsonObject> object = m_store.get(run.key);
    if (!object)
        return;
    QJsonObject status = handled(statusOf(*object), run.generation, run.token);
    if (!run.revision.isEmpty())
        status.insert(QStringLiteral("lastAttemptedRevision"), run.revision);
    if (outcome.applied)
        status.insert(QStringLiteral("inventory"), inventoryOf(outcome.inventory));
    QJsonArray conditions = withoutCondition(status.value(QLatin1String("conditions")).toArray(), kReconciling);
    if (outcome.ok) {
        status.insert(QStringLiteral("lastAppliedRevision"), run.revision);
        conditions = withCondition(conditions, kReady, QStringLiteral("True"), QStringLiteral("ReconciliationSucceeded"),
                                   QStringLiteral("Applied revision: %1").arg(run.revision));
    } else {
        conditions = withCondition(conditions, kReady, QStringLiteral("False"), outcome.reason, outcome.message);
    }
    status.insert(QStringLiteral("conditions"), conditions);
    write(m_store, run.key, status, run.generation, QStringLiteral("kustomize-controller"));
}

} // namespace sluice::sandbox
