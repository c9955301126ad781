#include "Health.h"

#include <QJsonArray>
#include <QStringList>
#include <QVariant>

#include <algorithm>
#include <iterator>

namespace sluice::sync {
namespace {

using enum HealthState;
using namespace Qt::StringLiterals;

// Controller and kubelet messages can be long (scheduler reports, stack traces in termination
// messages); the health line quotes at most this much of any one of them.
constexpr qsizetype kMaxQuoted = 300;

QString quoted(const QString &text)
{
    const QString simple = text.simplified();
    return simple.size() <= kMaxQuoted ? simple : simple.left(kMaxQuoted - 1) + QChar(0x2026);
}

// The value at a dotted path ("status.loadBalancer.ingress"); undefined when any step is absent.
QJsonValue field(const QJsonObject &object, const char *path)
{
    QJsonValue value = object;
    for (const QByteArray &key : QByteArray(path).split('.'))
        value = value.toObject().value(QLatin1String(key));
    return value;
}

QString text(const QJsonObject &object, const char *path)
{
    return field(object, path).toString();
}

qint64 integer(const QJsonObject &object, const char *path, qint64 fallback = 0)
{
    return field(object, path).toInteger(fallback);
}

// status.conditions[type == type], or an empty object.
QJsonObject condition(const QJsonObject &live, const char *type)
{
    for (const QJsonValue &entry : field(live, "status.conditions").toArray()) {
        const QJsonObject c = entry.toObject();
        if (text(c, "type") == QLatin1String(type))
            return c;
    }
    return {};
}

bool hasStatus(const QJsonObject &condition, const char *status)
{
    return text(condition, "status") == QLatin1String(status);
}

// "Reason: message", or whichever of the two is set.
QString conditionText(const QJsonObject &condition)
{
    const QString reason = text(condition, "reason");
    const QString message = quoted(text(condition, "message"));
    if (reason.isEmpty() || message.isEmpty())
        return reason.isEmpty() ? message : reason;
    return reason + u": "_s + message;
}

QString ratio(qint64 done, qint64 total)
{
    return u"%1/%2"_s.arg(done).arg(total);
}

// Whether the controller has acted on the newest spec. Workload controllers always report
// status.observedGeneration, so an absent one means "not yet".
bool observed(const QJsonObject &live)
{
    return integer(live, "status.observedGeneration") >= integer(live, "metadata.generation");
}

const Health kNotObserved{Progressing, u"waiting for rollout to be observed"_s};

// --- apps ---------------------------------------------------------------------------------------
Health deploymentHealth(const QJsonObject &live)
{
    if (field(live, "spec.paused").toBool())
        return {Suspended, u"rollout paused"_s};
    const QJsonObject progressing = condition(live, "Progressing");
    if (text(progressing, "reason") == "ProgressDeadlineExceeded"_L1)
        return {Degraded, u"rollout stuck: "_s + conditionText(progressing)};
    if (!observed(live))
        return kNotObserved;
    const qint64 desired = integer(live, "spec.replicas", 1);
    const qint64 updated = integer(live, "status.updatedReplicas");
    const qint64 total = integer(live, "status.replicas");
    const qint64 available = integer(live, "status.availableReplicas");
    if (updated < desired)
        return {Progressing, ratio(updated, desired) + u" new replicas updated"_s};
    if (total > updated)
        return {Progressing, u"%1 old replicas pending termination"_s.arg(total - updated)};
    if (available < updated)
        return {Progressing, ratio(available, updated) + u" updated replicas available"_s};
    return {Healthy, ratio(available, desired) + u" replicas available"_s};
}

Health statefulSetHealth(const QJsonObject &live)
{
    if (!observed(live))
        return kNotObserved;
    const qint64 desired = integer(live, "spec.replicas", 1);
    const qint64 ready = integer(live, "status.readyReplicas");
    const qint64 updated = integer(live, "status.updatedReplicas");
    if (ready < desired)
        return {Progressing, ratio(ready, desired) + u" replicas ready"_s};
    if (text(live, "spec.updateStrategy.type") == "OnDelete"_L1) {
        // Pods take the new revision only when someone deletes them: not a rollout in progress.
        QString message = ratio(ready, desired) + u" replicas ready"_s;
        if (updated < desired)
            message += u"; OnDelete: %1 on the new revision"_s.arg(ratio(updated, desired));
        return {Healthy, message};
    }
    // Pods with an ordinal below the partition keep the old revision on purpose.
    const qint64 partition =
        std::min(std::max(integer(live, "spec.updateStrategy.rollingUpdate.partition"), qint64(0)), desired);
    const qint64 target = desired - partition;
    if (updated < target) {
        const QString prefix = partition > 0 ? u"partitioned rollout: "_s : QString();
        return {Progressing, prefix + ratio(updated, target) + u" new replicas updated"_s};
    }
    if (partition > 0)
        return {Healthy, u"partitioned rollout complete: %1 new replicas updated, %2 held back"_s.arg(updated)
                             .arg(partition)};
    const QString current = text(live, "status.currentRevision");
    const QString update = text(live, "status.updateRevision");
    if (!update.isEmpty() && current != update) {
        const qint64 pods = integer(live, "status.replicas");
        return {Progressing, u"rolling update: %1 pods at revision %2"_s.arg(ratio(updated, pods), update)};
    }
    QString message = ratio(ready, desired) + u" replicas ready"_s;
    if (!current.isEmpty())
        message += u" at revision "_s + current;
    return {Healthy, message};
}

Health daemonSetHealth(const QJsonObject &live)
{
    if (!observed(live))
        return kNotObserved;
    const qint64 desired = integer(live, "status.desiredNumberScheduled");
    const qint64 updated = integer(live, "status.updatedNumberScheduled");
    const qint64 available = integer(live, "status.numberAvailable");
    const bool onDelete = text(live, "spec.updateStrategy.type") == "OnDelete"_L1;
    if (!onDelete && updated < desired)
        return {Progressing, ratio(updated, desired) + u" new pods updated"_s};
    if (available < desired)
        return {Progressing, ratio(available, desired) + u" pods available"_s};
    QString message = ratio(available, desired) + u" pods available"_s;
    if (onDelete && updated < desired)
        message += u"; OnDelete: %1 on the new template"_s.arg(ratio(updated, desired));
    return {Healthy, message};
}

Health replicaSetHealth(const QJsonObject &live)
{
    if (!observed(live))
        return kNotObserved;
    const QJsonObject failure = condition(live, "ReplicaFailure");
    if (hasStatus(failure, "True"))
        return {Degraded, conditionText(failure)};
    const qint64 desired = integer(live, "spec.replicas", 1);
    const qint64 available = integer(live, "status.availableReplicas");
    if (available < desired)
        return {Progressing, ratio(available, desired) + u" replicas available"_s};
    return {Healthy, ratio(available, desired) + u" replicas available"_s};
}

// --- batch --------------------------------------------------------------------------------------
Health jobHealth(const QJsonObject &live)
{
    // FailureTarget is set first (kubernetes >= 1.31) while the failed job's pods terminate.
    for (const char *type : {"Failed", "FailureTarget"}) {
        const QJsonObject failed = condition(live, type);
        if (hasStatus(failed, "True"))
            return {Degraded, u"failed: "_s + conditionText(failed)};
    }
    // SuccessCriteriaMet likewise precedes Complete.
    for (const char *type : {"Complete", "SuccessCriteriaMet"}) {
        if (hasStatus(condition(live, type), "True")) {
            const QString at = text(live, "status.completionTime");
            return {Healthy, at.isEmpty() ? u"completed"_s : u"completed at "_s + at};
        }
    }
    if (field(live, "spec.suspend").toBool())
        return {Suspended, u"job suspended"_s};
    const QString counts = u"%1 active, %2 succeeded, %3 failed"_s.arg(integer(live, "status.active"))
                               .arg(integer(live, "status.succeeded"))
                               .arg(integer(live, "status.failed"));
    return {Progressing, u"running: "_s + counts};
}

Health cronJobHealth(const QJsonObject &live)
{
    if (field(live, "spec.suspend").toBool())
        return {Suspended, u"schedule suspended"_s};
    const QString last = text(live, "status.lastScheduleTime");
    return {Healthy, last.isEmpty() ? u"not scheduled yet"_s : u"last scheduled at "_s + last};
}

// --- core ---------------------------------------------------------------------------------------
QJsonArray allContainerStatuses(const QJsonObject &pod)
{
    QJsonArray statuses = field(pod, "status.initContainerStatuses").toArray();
    for (const QJsonValue &s : field(pod, "status.containerStatuses").toArray())
        statuses.append(s);
    return statuses;
}

// 'container "web": CrashLoopBackOff: back-off 5m0s …' for the first container waiting for a
// reason that does not go away by itself (the pod needs a fix, not more time), else empty.
QString stuckContainer(const QJsonObject &pod)
{
    static const QStringList stuck{u"CrashLoopBackOff"_s, u"ImagePullBackOff"_s, u"ErrImagePull"_s,
                                   u"ErrImageNeverPull"_s, u"InvalidImageName"_s, u"CreateContainerConfigError"_s,
                                   u"CreateContainerError"_s, u"RunContainerError"_s};
    for (const QJsonValue &entry : allContainerStatuses(pod)) {
        const QJsonObject status = entry.toObject();
        const QJsonObject waiting = field(status, "state.waiting").toObject();
        if (stuck.contains(text(waiting, "reason")))
            return u"container \"%1\": %2"_s.arg(text(status, "name"), conditionText(waiting));
    }
    return {};
}

// Why a pod failed: the pod's own reason and message, else the first container that exited
// badly, else nothing more specific.
QString podFailure(const QJsonObject &pod)
{
    const QJsonObject status = pod.value("status"_L1).toObject();
    if (!text(status, "message").isEmpty())
        return conditionText(status);
    for (const QJsonValue &entry : allContainerStatuses(pod)) {
        const QJsonObject container = entry.toObject();
        const QJsonObject terminated = field(container, "state.terminated").toObject();
        const qint64 code = terminated.value("exitCode"_L1).toInteger();
        const QString reason = text(terminated, "reason");
        if (code == 0 && reason != "OOMKilled"_L1)
            continue;
        QString message = u"container \"%1\" exited with code %2"_s.arg(text(container, "name")).arg(code);
        if (!reason.isEmpty() && reason != "Error"_L1)
            message += u" (%1)"_s.arg(reason);
        const QString detail = quoted(text(terminated, "message"));
        return detail.isEmpty() ? message : message + u": "_s + detail;
    }
    return u"pod failed"_s;
}

Health podHealth(const QJsonObject &live)
{
    const QString phase = text(live, "status.phase");
    if (phase == "Succeeded"_L1)
        return {Healthy, u"completed"_s};
    if (phase == "Failed"_L1)
        return {Degraded, podFailure(live)};
    // Checked before Pending: a pod whose image cannot be pulled stays Pending forever.
    if (const QString stuck = stuckContainer(live); !stuck.isEmpty())
        return {Degraded, stuck};
    if (phase == "Running"_L1) {
        // A pod that runs to completion (a Job's) is on its way, even when its containers are ready.
        const QString restartPolicy = text(live, "spec.restartPolicy");
        if (restartPolicy == "Never"_L1 || restartPolicy == "OnFailure"_L1)
            return {Progressing, u"running to completion"_s};
        const QJsonObject ready = condition(live, "Ready");
        if (hasStatus(ready, "True"))
            return {Healthy, u"running and ready"_s};
        const QString why = quoted(text(ready, "message"));
        return {Progressing, why.isEmpty() ? u"running, not ready"_s : u"running, not ready: "_s + why};
    }
    if (phase == "Pending"_L1) {
        const QJsonObject scheduled = condition(live, "PodScheduled"); // False: why it cannot be placed
        return {Progressing, hasStatus(scheduled, "False") ? u"pending: "_s + conditionText(scheduled) : u"pending"_s};
    }
    return {Unknown, phase.isEmpty() ? u"no phase reported"_s : u"phase "_s + phase};
}

Health pvcHealth(const QJsonObject &live)
{
    const QString phase = text(live, "status.phase");
    const QString volume = text(live, "spec.volumeName");
    if (phase == "Bound"_L1)
        return {Healthy, u"bound to volume "_s + volume};
    if (phase == "Pending"_L1)
        return {Progressing, u"waiting for a volume to be bound"_s};
    if (phase == "Lost"_L1)
        return {Degraded, u"bound volume %1 is lost"_s.arg(volume)};
    return {Unknown, phase.isEmpty() ? u"no phase reported"_s : u"phase "_s + phase};
}

// Services of type LoadBalancer and Ingresses are ready once status.loadBalancer has an address.
Health loadBalancerHealth(const QJsonObject &live)
{
    QStringList addresses;
    for (const QJsonValue &entry : field(live, "status.loadBalancer.ingress").toArray()) {
        const QJsonObject ingress = entry.toObject();
        const QString ip = text(ingress, "ip");
        addresses << (ip.isEmpty() ? text(ingress, "hostname") : ip);
    }
    if (addresses.isEmpty())
        return {Progressing, u"waiting for a load balancer address"_s};
    return {Healthy, u"load balancer at "_s + addresses.join(u", "_s)};
}

Health serviceHealth(const QJsonObject &live)
{
    const QString type = text(live, "spec.type");
    if (type == "LoadBalancer"_L1)
        return loadBalancerHealth(live);
    return {Healthy, u"type "_s + (type.isEmpty() ? u"ClusterIP"_s : type)};
}

Health namespaceHealth(const QJsonObject &live)
{
    if (text(live, "status.phase") == "Terminating"_L1)
        return {Progressing, u"being deleted"_s};
    return {Healthy, u"active"_s};
}

// --- other built-in groups ----------------------------------------------------------------------
Health crdHealth(const QJsonObject &live)
{
    // A name conflict keeps the CRD from serving; checked first because an established CRD
    // whose names were later changed to conflicting ones stays Established.
    const QJsonObject names = condition(live, "NamesAccepted");
    if (hasStatus(names, "False"))
        return {Degraded, u"names not accepted: "_s + conditionText(names)};
    const QJsonObject established = condition(live, "Established");
    if (hasStatus(established, "True"))
        return {Healthy, u"established"_s};
    const QString why = conditionText(established);
    return {Progressing, why.isEmpty() ? u"waiting to be established"_s : u"waiting to be established: "_s + why};
}

Health apiServiceHealth(const QJsonObject &live)
{
    const QJsonObject available = condition(live, "Available");
    if (available.isEmpty())
        return {Progressing, u"waiting for availability to be reported"_s};
    if (hasStatus(available, "True"))
        return {Healthy, u"available"_s};
    if (hasStatus(available, "False"))
        return {Degraded, u"unavailable: "_s + conditionText(available)};
    return {Progressing, u"availability unknown: "_s + conditionText(available)};
}

Health hpaHealth(const QJsonObject &live)
{
    if (field(live, "status.conditions").toArray().isEmpty())
        return {Progressing, u"waiting for the autoscaler to report"_s};
    const QJsonObject able = condition(live, "AbleToScale");
    if (hasStatus(able, "False"))
        return {Degraded, u"cannot scale: "_s + conditionText(able)};
    // ScalingActive is also False, harmlessly, when the target is scaled to zero (ScalingDisabled).
    const QJsonObject active = condition(live, "ScalingActive");
    const QString reason = text(active, "reason");
    if (hasStatus(active, "False") && (reason.startsWith("FailedGet"_L1) || reason == "InvalidSelector"_L1))
        return {Degraded, u"cannot compute replicas: "_s + conditionText(active)};
    const qint64 current = integer(live, "status.currentReplicas");
    return {Healthy, u"%1 replicas (desired %2)"_s.arg(current).arg(integer(live, "status.desiredReplicas"))};
}

// --- Ready-condition objects (Flux, most custom resources) --------------------------------------
// None when the object neither has a Ready condition nor belongs to a group known to report one.
std::optional<Health> readyConditionHealth(const QJsonObject &live, const QString &group)
{
    const QJsonObject ready = condition(live, "Ready");
    if (ready.isEmpty() && !group.endsWith(".toolkit.fluxcd.io"_L1))
        return std::nullopt;
    if (field(live, "spec.suspend").toBool())
        return Health{Suspended, u"reconciliation suspended"_s};
    // Status (or the Ready condition itself) describing an older spec says nothing about this one.
    const qint64 generation = integer(live, "metadata.generation");
    if (integer(live, "status.observedGeneration", generation) < generation ||
        ready.value("observedGeneration"_L1).toInteger(generation) < generation)
        return Health{Progressing, u"waiting for the controller to observe generation %1"_s.arg(generation)};
    if (ready.isEmpty())
        return Health{Progressing, u"waiting for the controller to report Ready"_s};
    if (hasStatus(ready, "True")) {
        const QString message = quoted(text(ready, "message"));
        return Health{Healthy, message.isEmpty() ? u"ready"_s : message};
    }
    const QJsonObject stalled = condition(live, "Stalled");
    if (hasStatus(stalled, "True"))
        return Health{Degraded, u"stalled: "_s + conditionText(stalled)};
    // Flux keeps Reconciling=True while it retries a failed attempt, with reason
    // ProgressingWithRetry: that one is a failure, reported by the Ready condition below.
    const QJsonObject reconciling = condition(live, "Reconciling");
    if (hasStatus(reconciling, "True") && text(reconciling, "reason") != "ProgressingWithRetry"_L1)
        return Health{Progressing, conditionText(reconciling)};
    // Ready=False with one of these reasons means "not yet", not "broken".
    static const QStringList inProgress{u"Progressing"_s, u"Reconciling"_s, u"DependencyNotReady"_s};
    if (hasStatus(ready, "False") && !inProgress.contains(text(ready, "reason")))
        return Health{Degraded, conditionText(ready)};
    return Health{Progressing, conditionText(ready)};
}

// --- dispatch -----------------------------------------------------------------------------------
struct KindRule
{
    const char *group; // "" for the core group
    const char *kind;
    Health (*assess)(const QJsonObject &);
};

constexpr KindRule kRules[] = {
    {"apps", "Deployment", deploymentHealth},
    {"apps", "StatefulSet", statefulSetHealth},
    {"apps", "DaemonSet", daemonSetHealth},
    {"apps", "ReplicaSet", replicaSetHealth},
    {"batch", "Job", jobHealth},
    {"batch", "CronJob", cronJobHealth},
    {"", "Pod", podHealth},
    {"", "PersistentVolumeClaim", pvcHealth},
    {"", "Service", serviceHealth},
    {"", "Namespace", namespaceHealth},
    {"networking.k8s.io", "Ingress", loadBalancerHealth},
    {"apiextensions.k8s.io", "CustomResourceDefinition", crdHealth},
    {"apiregistration.k8s.io", "APIService", apiServiceHealth},
    {"autoscaling", "HorizontalPodAutoscaler", hpaHealth},
};

// In the order of HealthState.
constexpr const char *kStateNames[] = {"Healthy",  "Suspended", "Progressing", "Missing",
                                       "Degraded", "Unknown",   "None"};
static_assert(std::size(kStateNames) == static_cast<size_t>(None) + 1);

} // namespace

QString healthName(HealthState state)
{
    return QLatin1String(kStateNames[static_cast<int>(state)]);
}

std::optional<HealthState> parseHealthName(const QString &name)
{
    for (int i = 0; i <= static_cast<int>(None); ++i) {
        if (name == QLatin1String(kStateNames[i]))
            return static_cast<HealthState>(i);
    }
    return std::nullopt;
}

Health assessHealth(const QJsonObject &live)
{
    if (!text(live, "metadata.deletionTimestamp").isEmpty()) {
        const QStringList finalizers = field(live, "metadata.finalizers").toVariant().toStringList();
        if (finalizers.isEmpty())
            return {Progressing, u"being deleted"_s};
        return {Progressing, u"being deleted, waiting for finalizers: "_s + finalizers.join(u", "_s)};
    }
    const QString apiVersion = text(live, "apiVersion"); // "apps/v1"; the core group has no "group/"
    const QString group = apiVersion.contains(u'/') ? apiVersion.section(u'/', 0, 0) : QString();
    const QString kind = text(live, "kind");
    for (const KindRule &rule : kRules) {
        if (kind == QLatin1String(rule.kind) && group == QLatin1String(rule.group))
            return rule.assess(live);
    }
    if (std::optional<Health> health = readyConditionHealth(live, group))
        return *health;
    return {None, u"no health rule for "_s + kind};
}

HealthState worseHealth(HealthState a, HealthState b)
{
    if (a == None)
        return b;
    if (b == None)
        return a;
    return std::max(a, b); // declared from best to worst
}

} // namespace sluice::sync
