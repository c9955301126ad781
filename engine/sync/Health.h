#pragma once

// The health of one live Kubernetes object, from the object alone: rules per group/kind for the
// built-in workloads and networking kinds (after Argo CD's gitops-engine health checks), and a
// Ready-condition rule for Flux and most custom resources. Every function here is pure: no I/O,
// no shared state, safe to call from any thread at once.

#include <QJsonObject>
#include <QString>

#include <optional>

namespace sluice::sync {

// Ordered from best to worst: application health = worst child (None is ignored in aggregation).
enum class HealthState { Healthy, Suspended, Progressing, Missing, Degraded, Unknown, None };

QString healthName(HealthState state); // "Healthy", …, "Unknown"; None -> "None"
std::optional<HealthState> parseHealthName(const QString &name); // exact names only

struct Health
{
    HealthState state = HealthState::None;
    QString message; // the rule that fired, for a person, e.g. "2/3 new replicas updated"
};

// The health of one live object (as returned by GET). Kinds without a rule -> None with message
// "no health rule for <Kind>". Never Missing: the caller knows when an object is absent. Text
// quoted from the object (condition and container messages) is clipped to a few hundred
// characters. Pure.
Health assessHealth(const QJsonObject &live);

// The worse of two states (None never wins over a real state).
HealthState worseHealth(HealthState a, HealthState b);

} // namespace sluice::sync
