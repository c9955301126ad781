#pragma once

// Simulated controllers: what kube-controller-manager would write into the status of the
// workloads the sandbox stores, so health can be seen changing (design.md "The sandbox
// cluster").
//
// Driven by ObjectStore change events. When a Deployment, StatefulSet, ReplicaSet or DaemonSet
// gets a new metadata.generation (create or spec change), the controller at once (next event
// loop turn) sets status.observedGeneration and a rollout-in-progress status, then after
// `delayMs` the finished rollout: updated/ready/available = spec.replicas (default 1) and, for
// a Deployment, conditions Available and Progressing (NewReplicaSetAvailable). A Job starts at
// once and completes after the delay (succeeded = completions, Complete and SuccessCriteriaMet,
// completionTime). A Namespace without a phase becomes Active.
//
// With `failRollouts` a rollout never finishes: after the delay ready/available stay 0 and a
// Deployment gets Progressing=False, reason ProgressDeadlineExceeded; a Job fails
// (Failed=True, reason BackoffLimitExceeded).
//
// Every write is a status-only Update through the store by manager "sluice-sandbox-controller"
// with subresource "status" (new resourceVersion, MODIFIED watch events); spec is never
// touched. A change newer than a pending step supersedes it. At start, stored workloads
// whose status lags are picked up again.
//
// Thread: the sandbox's server thread. The store must outlive this object.

#include "ObjectStore.h"

#include <QObject>

namespace sluice::sandbox {

inline const QString kControllerManager = QStringLiteral("sluice-sandbox-controller");

// The status a workload controller would write. `finished` false: the rollout has started
// (observedGeneration set, new replicas not ready yet); true: done, or stuck when
// `failRollouts`. `resource` is the store key ("deployments.apps", "jobs.batch", …); empty
// object for kinds without a simulated controller. Pure apart from reading the clock.
QJsonObject simulatedStatus(const QString &resource, const QJsonObject &object, bool finished, bool failRollouts);

class Controllers : public QObject
{
    Q_OBJECT

public:
    // `delayMs` 0 finishes rollouts on the next event loop turn.
    Controllers(ObjectStore &store, int delayMs, bool failRollouts, QObject *parent = nullptr);

    // Schedules every stored workload whose status does not match its generation yet.
    void resumeStored();

private:
    void onChange(const ChangeEvent &event);
    // Schedules the started step now and the finished step after the delay, for `generation`.
    void schedule(const ObjectKey &key, qint64 generation, bool started);
    // Writes the step's status unless the object is gone or has a newer generation.
    void step(const ObjectKey &key, qint64 generation, bool finished);

    ObjectStore &m_store;
    int m_delayMs;
    bool m_failRollouts;
};

} // namespace sluice::sandbox
