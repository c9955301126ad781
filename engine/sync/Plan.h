#pragma once

// A sync plan: the ordered steps a sync takes, as data, built from a LiveComparison.
//
// Order: sync waves (sluice.dev/sync-wave, argocd.argoproj.io/sync-wave) ascending; within a
// wave Namespaces, CustomResourceDefinitions (waited for until Established), other
// cluster-scoped kinds, then namespaced kinds in dependency order (ServiceAccount, Secret,
// ConfigMap, storage, RBAC, Service before workloads; custom resources last). Prunes come
// after every apply, in reverse order. Steps of one phase (same wave and kind rank) may run
// concurrently. Pure.

#include "LiveCompare.h"

namespace sluice::sync {

struct PlanStep
{
    ResourceState resource;
    int phase = 0;         // steps run phase by phase; equal phases run concurrently
    bool selected = true;  // false: left out by a selective sync (shown, not applied)
    bool skippedPrune = false; // a prune candidate while prune is off
};

struct PlanSummary
{
    int create = 0;
    int update = 0;
    int prune = 0;
    int unchanged = 0;
    int skippedPrunes = 0; // would be pruned, prune is off
    int unknown = 0;       // applied without a prediction (the dry-run failed)
    int notSelected = 0;
    // "prune 2, create 3, update 1, unchanged 40" (prunes first, so nobody prunes by surprise)
    QString text() const;
};

struct SyncPlan
{
    QString application;
    QString revision;        // full commit id being applied
    QString trackedRef;      // the revision spec it came from ("main")
    QList<PlanStep> steps;   // in execution order (prunes last)
    PlanSummary summary;
    bool prune = false;
    QStringList warnings;

    bool hasChanges() const { return summary.create + summary.update + summary.prune > 0; }
};

struct PlanOptions
{
    bool prune = false;
    QList<ResourceKey> only; // selective sync: empty = everything
};

// The rank of a kind in apply order (lower first).
int kindRank(const ResourceKey &key);

// Orders `comparison` into a plan. Unknown objects (dry-run failed) are still applied: their
// real apply gives the real error.
SyncPlan buildPlan(const LiveComparison &comparison, const PlanOptions &options);

// Parses "GROUP/KIND/NS/NAME" (core group empty or "core"; NS empty for cluster-scoped).
Result<ResourceKey> parseResourceKey(const QString &text);

} // namespace sluice::sync
