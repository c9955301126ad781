#pragma once

// A simulated Argo CD application-controller: enough that an Application's refresh and a sync
// operation can be tried on the sandbox with no real Argo CD (design.md "Flux/Argo interop").
// A simulation, not Argo CD:
//
// Refresh: when an Application has the annotation argocd.argoproj.io/refresh (normal or hard),
// has never been compared (no status.reconciledAt), or its spec.source/destination differ from
// status.sync.comparedTo, the controller removes the annotation and writes status.reconciledAt,
// status.sync.comparedTo and status.sync.revision (spec.source.targetRevision resolved in the
// local repository; GitOpsSource.h). sync.status is Synced when the newest history entry has
// that revision and source, else OutOfSync (compared by revision only, not against live
// objects); a source it cannot read gives Unknown and a ComparisonError condition.
//
// Sync: when `.operation` is set (kubectl's documented `operation: {initiatedBy, sync:
// {revision?, prune?, syncStrategy}}`), the controller moves it to status.operationState
// {operation, phase Running, startedAt, message}, renders the source at the operation's revision
// (else targetRevision) on a worker thread — a plain directory (directory.recurse), kustomize
// (namePrefix, nameSuffix, namespace) or helm (releaseName, valueFiles, values/valuesObject) —,
// applies the objects to the sandbox by server-side apply with force and fieldManager
// "argocd-controller", each annotated argocd.argoproj.io/tracking-id
// "<app>:<group>/<Kind>:<namespace>/<name>", prunes objects of status.resources the render lost
// when sync.prune (and they still carry this app's tracking id), then writes operationState
// phase Succeeded ("successfully synced (all tasks run)", finishedAt, syncResult {revision,
// source, resources}), sync {status Synced, revision, comparedTo}, health {status Healthy},
// resources, sourceType, reconciledAt and a history entry {id, revision, deployedAt,
// deployStartedAt, source, initiatedBy}. A render or apply failure: phase Failed with the
// message; an unreadable source (remote repoURL, spec.sources): phase Error. One operation per
// Application at a time; one set during it starts after it.
//
// Application has no status subresource, so every write replaces the object as an Update by
// manager "argocd-application-controller" (a managedFields entry for the fields it changed).
//
// Not simulated: automated sync (syncPolicy.automated), periodic refresh, health assessment
// (Healthy is written after every successful sync), sync waves and hooks, retries, projects,
// multiple sources, destinations other than the sandbox itself.
//
// Thread: the sandbox's server thread; renders and applies run on this object's own thread
// pool and talk to the sandbox over HTTPS through `client`. Store writes happen on a later
// event-loop turn, never inside a change listener. The destructor cancels running work and
// waits for it; destroy this object after the server stops listening and before the store.

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

inline const QString kApplications = QStringLiteral("applications.argoproj.io");
inline const QString kArgoRefresh = QStringLiteral("argocd.argoproj.io/refresh");
inline const QString kArgoTrackingId = QStringLiteral("argocd.argoproj.io/tracking-id");

struct ArgoSyncRun;     // what a sync needs, read from the store (ArgoController.cpp)
struct ArgoSyncOutcome; // what it did

class ArgoController : public QObject
{
    Q_OBJECT

public:
    ArgoController(ObjectStore &store, std::shared_ptr<kube::KubeClient> client, QObject *parent = nullptr);
    ~ArgoController() override;

    // Schedules a pass over every stored Application (an operation interrupted by a restart
    // is run again).
    void resumeStored();

private:
    void onChange(const ChangeEvent &event);
    void schedulePass();
    void pass();
    void refresh(const ObjectKey &key);
    void startSync(const ObjectKey &key);
    void finishSync(const ArgoSyncRun &run, const ArgoSyncOutcome &outcome);

    ObjectStore &m_store;
    std::shared_ptr<kube::KubeClient> m_client;
    QThreadPool m_pool;
    CancelToken m_cancel;
    std::set<ObjectKey> m_running; // Applications with a sync in flight
    bool m_scheduled = false;
};

} // namespace sluice::sandbox
