#pragma once

// Applications a GitOps controller owns: a Flux Kustomization or HelmRelease, or an Argo CD
// Application. Sluice reads the owner from the live objects' labels and annotations, shows the
// controller's own state, and acts through the controller (reconcile, suspend, resume, Argo's
// refresh and sync operation) instead of around it (design.md "Flux/Argo interop").
//
// Flux state, from the object's conditions: Ready=False → Failed, else Stalled=True → Stalled,
// else Reconciling=True → Reconciling, else Ready=True → Reconciled, else Unknown. A stale
// Reconciling (older than an applied Ready=True, by generation or transition time) does not
// outvote it. Argo CD: the Application's status.sync.status and status.health.status.
//
// Thread: the parsing functions are pure; the cluster calls block (call from a worker thread).

#include "Cluster.h"
#include "workspace/Workspace.h"

#include <QJsonObject>

#include <map>

namespace sluice::sync {

// Flux's and Argo CD's ownership marks on the objects they apply.
inline const QString kFluxKustomizationName = QStringLiteral("kustomize.toolkit.fluxcd.io/name");
inline const QString kFluxKustomizationNamespace = QStringLiteral("kustomize.toolkit.fluxcd.io/namespace");
inline const QString kFluxHelmReleaseName = QStringLiteral("helm.toolkit.fluxcd.io/name");
inline const QString kFluxHelmReleaseNamespace = QStringLiteral("helm.toolkit.fluxcd.io/namespace");
inline const QString kArgoInstanceLabel = QStringLiteral("argocd.argoproj.io/instance");
inline const QString kArgoTrackingId = QStringLiteral("argocd.argoproj.io/tracking-id");
inline const QString kFluxRequestedAt = QStringLiteral("reconcile.fluxcd.io/requestedAt");
inline const QString kArgoRefresh = QStringLiteral("argocd.argoproj.io/refresh");

// Who applies an application's objects.
struct Owner
{
    enum class Type { None, Sluice, Flux, ArgoCD };
    Type type = Type::None;
    QString kind;     // "Kustomization", "HelmRelease", "Application"; empty for Sluice and None
    QString ns;
    QString name;
    QString evidence; // "label kustomize.toolkit.fluxcd.io/name on Deployment shop/web"

    bool isController() const { return type == Type::Flux || type == Type::ArgoCD; }
    QString typeName() const; // "flux", "argocd", "sluice", "none"
    // "Flux Kustomization flux-system/apps", "Argo CD Application argocd/guestbook", "Sluice", "nobody"
    QString describe() const;
    kube::ResourcePath path() const; // the owning object (controllers only)
    QJsonObject toJson() const;      // {type, kind, namespace, name, evidence}

    friend bool operator==(const Owner &a, const Owner &b)
    {
        return a.type == b.type && a.kind == b.kind && a.ns == b.ns && a.name == b.name;
    }
};

// The controller that applied `object` (its labels and annotations), or Type::None. Flux's
// Kustomization labels win over a HelmRelease's (the release is part of the Kustomization).
Owner ownerOfObject(const QJsonObject &object, const QString &objectDescription = {});

// The owner `controller:` names (Kustomization and HelmRelease are Flux's, Application Argo CD's);
// Type::None when empty.
Owner ownerFromConfig(const ControllerRef &controller);

// The owner of an application from its live objects (key → object as served): the first
// controller found in key order, else Sluice when any object carries sluice.dev/app=<application>,
// else None. `conflicts` gets the other controllers seen (an object owned twice is a warning).
Owner ownerOfObjects(const std::map<ResourceKey, QJsonObject> &live, const QString &application, QStringList *others = nullptr);

// The owning object's state, the controller's words.
struct ControllerState
{
    Owner owner;
    bool found = false;         // the object exists in the cluster
    QString state;              // Flux: Reconciled, Reconciling, Stalled, Failed, Unknown; Argo: its sync status
    QString health;             // Argo: Healthy, Progressing, Degraded, …; Flux: empty
    QString reason;             // the deciding condition's reason
    QString message;            // and message (Argo: the operation's or an error condition's)
    bool suspended = false;     // Flux spec.suspend; Argo: automated sync disabled (syncPolicy.automated.enabled false)
    QString lastAppliedRevision;   // Flux "main@sha1:<sha>"; Argo the newest status.history revision
    QString lastAttemptedRevision; // Flux
    QString lastHandledReconcileAt; // Flux
    QString operationPhase;     // Argo status.operationState.phase (Running, Succeeded, Failed, Error)
    QString source;             // Flux "GitRepository flux-system/flux-system"; Argo "repoURL@targetRevision path"
    kube::ResourcePath sourcePath; // Flux: the source object
    qint64 generation = 0;
    qint64 observedGeneration = 0;
    QString resourceVersion;   // of the object as read

    // The commit id in lastAppliedRevision ("main@sha1:abc…", "sha1:abc…", "abc…"), or "".
    QString deployedCommit() const;
    // "Flux Kustomization flux-system/apps: Reconciled (Applied revision: main@sha1:1a2b3c4)"
    QString describe() const;
    // The same without the message: "Flux Kustomization flux-system/apps: Reconciled, suspended"
    QString summary() const;
    QJsonObject toJson() const;
};

// Pure parsers of an object as served.
ControllerState fluxState(const Owner &owner, const QJsonObject &object);
ControllerState argoState(const Owner &owner, const QJsonObject &object);

// Reads the owner's object (found = false when it does not exist). Errors: the cluster's.
Result<ControllerState> readController(ClusterConnection &cluster, const Owner &owner, const CancelToken &cancel = {});

struct ControllerAction
{
    bool withSource = false;  // Flux: reconcile the source first (flux reconcile --with-source)
    bool hard = false;        // Argo: a hard refresh
    QString revision;         // Argo sync: empty = the Application's targetRevision
    bool prune = false;       // Argo sync
    int timeoutMs = 120000;
    ProgressFn progress;
    CancelToken cancel;
};

// Flux: sets reconcile.fluxcd.io/requestedAt (on the source first when withSource), waits until
// status.lastHandledReconcileAt equals it, then until Ready is decided; Failed or Stalled is an
// error naming the controller's message. Argo CD: a refresh, then a sync operation (.operation)
// waited for until its phase ends. A suspended Flux object is refused (resume it first).
Result<ControllerState> reconcileController(ClusterConnection &cluster, const Owner &owner, const ControllerAction &action);

// Argo CD only: sets argocd.argoproj.io/refresh and waits until the controller removes it.
Result<ControllerState> refreshArgoApplication(ClusterConnection &cluster, const Owner &owner, const ControllerAction &action);

// Flux: spec.suspend; Argo CD: spec.syncPolicy.automated.enabled (an Application without
// automated sync is refused: there is nothing to suspend). Returns the state after the patch.
Result<ControllerState> setControllerSuspended(ClusterConnection &cluster, const Owner &owner, bool suspend,
                                               const CancelToken &cancel = {});

// What to tell a user about to apply objects a controller owns directly.
QString controllerRevertWarning(const Owner &owner, const QString &application);

} // namespace sluice::sync
