#pragma once

// Executing a sync plan: server-side apply (fieldManager=sluice, force, as Flux does) phase by
// phase with bounded concurrency inside a phase; CustomResourceDefinitions waited for until
// Established before the next phase; prunes last. The first phase with a failure ends the
// sync: later steps are reported as not attempted and nothing is pruned, so a half-done sync
// is never silent. Optionally waits (by watching) until every applied object is Healthy or
// Degraded.
//
// A step is Applied or Pruned only on the server's answer. A request that kept failing makes
// its step Failed, even though an attempt may have landed unanswered: a result is never claimed
// unseen. Deletes (prunes, replacements) name the live object's uid as their precondition, so a
// retried delete never removes an object made again meanwhile.
//
// Thread: blocking; call from a worker thread.

#include "Plan.h"

namespace sluice::sync {

enum class Outcome { Applied, Pruned, Unchanged, Failed, NotAttempted, Skipped };
QString outcomeName(Outcome outcome); // "applied", "pruned", "unchanged", "failed", "not attempted", "skipped"

struct StepResult
{
    ResourceKey key;
    Action action = Action::Unchanged;
    Outcome outcome = Outcome::NotAttempted;
    QString message; // the API Status message of a failure
    Health health;   // after the wait (when waited)
};

struct SyncResult
{
    QList<StepResult> steps; // plan order
    int applied = 0;
    int pruned = 0;
    int failed = 0;
    int notAttempted = 0;
    QString result;          // Succeeded, Partial, Failed
    bool dryRun = false;
    bool waited = false;
    bool timedOut = false;   // the health wait ended at its timeout
    HealthState health = HealthState::None; // worst health of the applied objects after the wait
    qint64 durationMs = 0;

    bool succeeded() const { return result == QLatin1String("Succeeded") && !timedOut; }
    QString firstFailure() const;
};

struct ApplyOptions
{
    bool dryRun = false;    // every request with dryRun=All: nothing changes
    bool wait = true;       // wait for health after applying
    int timeoutMs = 300000; // of the health wait
    ProgressFn progress;
    CancelToken cancel;
};

SyncResult executePlan(ClusterConnection &cluster, const SyncPlan &plan, const ApplyOptions &options);

// Watches the objects of `keys` (all labelled sluice.dev/app=<application>) until each is
// Healthy, Degraded or Suspended, or has no health rule; returns the last health seen per
// key. `timedOut` is set when the deadline came first.
std::map<ResourceKey, Health> waitForHealth(ClusterConnection &cluster, const QString &application,
                                            const QList<ResourceKey> &keys, int timeoutMs, bool &timedOut,
                                            const ProgressFn &progress, const CancelToken &cancel);

} // namespace sluice::sync
