#pragma once

// Simulated Flux controllers: enough of source-controller, kustomize-controller and
// helm-controller that "Reconcile now", suspend/resume and revision tracking can be tried on the
// sandbox with no real cluster (design.md "Flux/Argo interop"). A simulation, not Flux:
//
// source-controller (GitRepository, source.toolkit.fluxcd.io/v1): on create, a new generation
// or a new `reconcile.fluxcd.io/requestedAt` annotation value, unless spec.suspend, resolves
// spec.url when it is a local repository (a path or file:// URL; GitOpsSource.h) at spec.ref,
// and writes status as the real controller does: observedGeneration, lastHandledReconcileAt,
// artifact {revision "<branch>@sha1:<sha>", lastUpdateTime, path, url} (no digest, nothing is
// archived), conditions Ready and ArtifactInStorage (reason Succeeded, "stored artifact for
// revision '…'"). A remote URL, a missing repository or ref: Ready=False, FetchFailed=True,
// reason GitOperationFailed, the old artifact kept. New commits are seen only on such a trigger.
//
// kustomize-controller (Kustomization, kustomize.toolkit.fluxcd.io/v1): on create, a new
// generation, a new requestedAt, or its GitRepository's artifact revision differing from
// status.lastAttemptedRevision, unless spec.suspend: writes Reconciling=True and Ready=Unknown
// (reason Progressing) at once, renders spec.path at the artifact's commit with the engine's
// Flux renderer (spec.targetNamespace, also the default namespace — "default" without one, as
// repository discovery renders it —, namePrefix/nameSuffix, patches, images, postBuild
// substitute and substituteFrom ConfigMaps/Secrets from the sandbox) on a worker thread, applies
// the objects to the sandbox by server-side apply with force and fieldManager
// "kustomize-controller", each labelled kustomize.toolkit.fluxcd.io/name and /namespace, prunes
// objects of the old status.inventory the render lost when spec.prune (if they still carry those
// labels and are not annotated kustomize.toolkit.fluxcd.io/prune: disabled), then writes Ready
// (ReconciliationSucceeded "Applied revision: …", or ArtifactFailed / BuildFailed /
// ReconciliationFailed with the error), lastAppliedRevision, lastAttemptedRevision,
// lastHandledReconcileAt, observedGeneration and inventory.entries ({id
// "<ns>_<name>_<group>_<Kind>", v}). One run per Kustomization at a time; triggers that arrive
// during a run are handled after it.
//
// helm-controller (HelmRelease, helm.toolkit.fluxcd.io/v2): the handshake only —
// observedGeneration, lastHandledReconcileAt and Ready/Released=True "Helm install (upgrade)
// succeeded …" marked as simulated; no chart is rendered or installed.
//
// Not simulated: spec.interval (nothing is reconciled on a timer), retries, dependsOn, health
// checks and wait, decryption, Kustomization deletion (no finalizer, no garbage collection),
// sources other than local GitRepositories, OCI/Helm/Bucket sources, notifications.
//
// Thread: the sandbox's server thread; the render and apply run on this object's own thread
// pool and talk to the sandbox over HTTPS through `client`. Every store write happens on a
// later event-loop turn, never inside a change listener. The destructor cancels running work
// and waits for it; destroy this object after the server stops listening and before the store.

#include "ObjectStore.h"

#include "core/Cancel.h"

#include <QObject>
#include <QThreadPool>

#include <memory>
#include <set>

namespace sluice::kube {
class KubeClient;
}

namespace sluice::sandbox {

inline const QString kGitRepositories = QStringLiteral("gitrepositories.source.toolkit.fluxcd.io");
inline const QString kKustomizations = QStringLiteral("kustomizations.kustomize.toolkit.fluxcd.io");
inline const QString kHelmReleases = QStringLiteral("helmreleases.helm.toolkit.fluxcd.io");
// The annotation "flux reconcile" and Sluice's "Reconcile now" set.
inline const QString kFluxRequestedAt = QStringLiteral("reconcile.fluxcd.io/requestedAt");

struct KustomizationRun;     // what a run needs, read from the store (FluxControllers.cpp)
struct KustomizationOutcome; // what it did

class FluxControllers : public QObject
{
    Q_OBJECT

public:
    FluxControllers(ObjectStore &store, std::shared_ptr<kube::KubeClient> client, QObject *parent = nullptr);
    ~FluxControllers() override;

    // Schedules a pass over every stored Flux object (after a restart, status may lag).
    void resumeStored();

private:
    void onChange(const ChangeEvent &event);
    void schedulePass();
    // Reconciles every Flux object whose status lags its spec, annotation or source.
    void pass();
    void reconcileSource(const ObjectKey &key, const QJsonObject &object);
    void reconcileHelmRelease(const ObjectKey &key, const QJsonObject &object);
    void reconcileKustomization(const ObjectKey &key, const QJsonObject &object);
    void start(const KustomizationRun &run);
    void finish(const KustomizationRun &run, const KustomizationOutcome &outcome);

    ObjectStore &m_store;
    std::shared_ptr<kube::KubeClient> m_client;
    QThreadPool m_pool;
    CancelToken m_cancel;
    std::set<ObjectKey> m_running; // Kustomizations with a run in flight
    bool m_scheduled = false;
};

} // namespace sluice::sandbox
