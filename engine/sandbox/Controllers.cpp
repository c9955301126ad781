#include "Controllers.h"

#include "ManagedFields.h"
#include "StatusUpdate.h"

#include "core/JsonText.h"
#include "core/Log.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>

namespace sluice::sandbox {

namespace {

const QString kMetadata = QStringLiteral("metadata");
const QString kStatus = QStringLiteral("status");
const QString kDeployments = QStringLiteral("deployments.apps");
const QString kStatefulSets = QStringLiteral("statefulsets.apps");
const QString kReplicaSets = QStringLiteral("replicasets.apps");
const QString kDaemonSets = QStringLiteral("daemonsets.apps");
const QString kJobs = QStringLiteral("jobs.batch");
const QString kNamespaces = QStringLiteral("namespaces");

bool isWorkload(const QString &resource)
{
    return resource == kDeployments || resource == kStatefulSets || resource == kReplicaSets || resource == kDaemonSets
        || resource == kJobs;
}

qint64 generationOf(const QJsonObject &object)
{
    return object.value(kMetadata).toObject().value(QStringLiteral("generation")).toInteger(0);
}

qint64 specInt(const QJsonObject &object, const char *field, qint64 fallback)
{
    const QJsonValue value = object.value(QStringLiteral("spec")).toObject().value(QLatin1String(field));
    return value.isDouble() ? value.toInteger(fallback) : fallback;
}

// Counters are omitempty in the real API types: zero means absent.
void setCount(QJsonObject &status, const char *field, qint64 value)
{
    if (value > 0)
        status.insert(QLatin1String(field), value);
    else
        status.remove(QLatin1String(field));
}

// `<name>-<hash of the pod template>`, like a ReplicaSet or controller revision name.
QString revisionName(const QJsonObject &object)
{
    const QByteArray template_ = json::compact(object.value(QStringLiteral("spec")).toObject().value(QStringLiteral("template")).toObject());
    const QByteArray hash = QCryptographicHash::hash(template_, QCryptographicHash::Sha256).toHex().left(10);
    return object.value(kMetadata).toObject().value(QStringLiteral("name")).toString() + QLatin1Char('-') + QString::fromLatin1(hash);
}

QJsonObject deploymentStatus(const QJsonObject &object, QJsonObject status, bool finished, bool fail)
{
    const qint64 replicas = specInt(object, "replicas", 1);
    const QString rs = revisionName(object);
    qint64 available = status.value(QStringLiteral("availableReplicas")).toInteger();
    QJsonArray conditions = status.value(QStringLiteral("conditions")).toArray();
    if (!finished) {
        setCount(status, "updatedReplicas", 0);
    } else {
        available = fail ? 0 : replicas;
        setCount(status, "updatedReplicas", replicas);
        setCount(status, "readyReplicas", available);
    }
    setCount(status, "replicas", replicas);
    setCount(status, "availableReplicas", available);
    setCount(status, "unavailableReplicas", replicas - available);
    status.insert(QStringLiteral("observedGeneration"), generationOf(object));
    conditions = available >= replicas
        ? withCondition(conditions, QStringLiteral("Available"), QStringLiteral("True"), QStringLiteral("MinimumReplicasAvailable"),
                        QStringLiteral("Deployment has minimum availability."), true)
        : withCondition(conditions, QStringLiteral("Available"), QStringLiteral("False"), QStringLiteral("MinimumReplicasUnavailable"),
                        QStringLiteral("Deployment does not have minimum availability."), true);
    if (!finished)
        conditions = withCondition(conditions, QStringLiteral("Progressing"), QStringLiteral("True"), QStringLiteral("ReplicaSetUpdated"),
                                   QStringLiteral("ReplicaSet \"%1\" is progressing.").arg(rs), true);
    else if (fail)
        conditions = withCondition(conditions, QStringLiteral("Progressing"), QStringLiteral("False"),
                                   QStringLiteral("ProgressDeadlineExceeded"),
                                   QStringLiteral("ReplicaSet \"%1\" has timed out progressing.").arg(rs), true);
    else
        conditions = withCondition(conditions, QStringLiteral("Progressing"), QStringLiteral("True"), QStringLiteral("NewReplicaSetAvailable"),
                                   QStringLiteral("ReplicaSet \"%1\" has successfully progressed.").arg(rs), true);
    status.insert(QStringLiteral("conditions"), conditions);
    return status;
}

QJsonObject statefulSetStatus(const QJsonObject &object, QJsonObject status, bool finished, bool fail)
{
    const qint64 replicas = specInt(object, "replicas", 1);
    const QString revision = revisionName(object);
    status.insert(QStringLiteral("observedGeneration"), generationOf(object));
    status.insert(QStringLiteral("replicas"), replicas);
    status.insert(QStringLiteral("updateRevision"), revision);
    if (!status.contains(QStringLiteral("currentRevision")))
        status.insert(QStringLiteral("currentRevision"), revision);
    status.insert(QStringLiteral("collisionCount"), 0);
    if (!finished) {
        setCount(status, "updatedReplicas", 0);
    } else {
        const qint64 ready = fail ? 0 : replicas;
        setCount(status, "updatedReplicas", replicas);
        setCount(status, "readyReplicas", ready);
        setCount(status, "availableReplicas", ready);
        setCount(status, "currentReplicas", fail ? status.value(QStringLiteral("currentReplicas")).toInteger() : replicas);
        if (!fail)
            status.insert(QStringLiteral("currentRevision"), revision);
    }
    status.insert(QStringLiteral("availableReplicas"), status.value(QStringLiteral("availableReplicas")).toInteger());
    return status;
}

QJsonObject replicaSetStatus(const QJsonObject &object, QJsonObject status, bool finished, bool fail)
{
    const qint64 replicas = specInt(object, "replicas", 1);
    status.insert(QStringLiteral("observedGeneration"), generationOf(object));
    status.insert(QStringLiteral("replicas"), replicas);
    setCount(status, "fullyLabeledReplicas", replicas);
    if (finished) {
        setCount(status, "readyReplicas", fail ? 0 : replicas);
        setCount(status, "availableReplicas", fail ? 0 : replicas);
    }
    return status;
}

QJsonObject daemonSetStatus(const QJsonObject &object, QJsonObject status, bool finished, bool fail)
{
    // One simulated node: one pod per DaemonSet.
    status.insert(QStringLiteral("observedGeneration"), generationOf(object));
    status.insert(QStringLiteral("currentNumberScheduled"), 1);
    status.insert(QStringLiteral("desiredNumberScheduled"), 1);
    status.insert(QStringLiteral("numberMisscheduled"), 0);
    qint64 ready = status.value(QStringLiteral("numberReady")).toInteger();
    if (!finished) {
        setCount(status, "updatedNumberScheduled", 0);
    } else {
        ready = fail ? 0 : 1;
        setCount(status, "updatedNumberScheduled", 1);
    }
    status.insert(QStringLiteral("numberReady"), ready);
    setCount(status, "numberAvailable", ready);
    setCount(status, "numberUnavailable", 1 - ready);
    return status;
}

QJsonObject jobStatus(const QJsonObject &object, QJsonObject status, bool finished, bool fail)
{
    const qint64 completions = specInt(object, "completions", 1);
    if (!status.contains(QStringLiteral("startTime")))
        status.insert(QStringLiteral("startTime"), timestampNow());
    status.insert(QStringLiteral("ready"), 0);
    status.insert(QStringLiteral("terminating"), 0);
    if (!finished) {
        setCount(status, "active", std::min(specInt(object, "parallelism", 1), completions));
        return status;
    }
    status.remove(QStringLiteral("active"));
    QJsonArray conditions = status.value(QStringLiteral("conditions")).toArray();
    if (fail) {
        setCount(status, "failed", specInt(object, "backoffLimit", 6) + 1);
        for (const char *type : {"FailureTarget", "Failed"})
            conditions = withCondition(conditions, QLatin1String(type), QStringLiteral("True"), QStringLiteral("BackoffLimitExceeded"),
                                       QStringLiteral("Job has reached the specified backoff limit"));
    } else {
        setCount(status, "succeeded", completions);
        if (!status.contains(QStringLiteral("completionTime")))
            status.insert(QStringLiteral("completionTime"), timestampNow());
        for (const char *type : {"SuccessCriteriaMet", "Complete"})
            conditions = withCondition(conditions, QLatin1String(type), QStringLiteral("True"), QStringLiteral("CompletionsReached"),
                                       QStringLiteral("Reached expected number of succeeded pods"));
    }
    status.insert(QStringLiteral("conditions"), conditions);
    return status;
}

} // namespace

QJsonObject simulatedStatus(const QString &resource, const QJsonObject &object, bool finished, bool failRollouts)
{
    const QJsonObject status = object.value(kStatus).toObject();
    if (resource == kDeployments)
        return deploymentStatus(object, status, finished, failRollouts);
    if (resource == kStatefulSets)
        return statefulSetStatus(object, status, finished, failRollouts);
    if (resource == kReplicaSets)
        return replicaSetStatus(object, status, finished, failRollouts);
    if (resource == kDaemonSets)
        return daemonSetStatus(object, status, finished, failRollouts);
    if (resource == kJobs)
        return jobStatus(object, status, finished, failRollouts);
    if (resource == kNamespaces && status.value(QStringLiteral("phase")).toString().isEmpty()) {
        QJsonObject active = status;
        active.insert(QStringLiteral("phase"), QStringLiteral("Active"));
        return active;
    }
    return {};
}

Controllers::Controllers(ObjectStore &store, int delayMs, bool failRollouts, QObject *parent)
    : QObject(parent), m_store(store), m_delayMs(std::max(0, delayMs)), m_failRollouts(failRollouts)
{
    m_store.addChangeListener([this](const ChangeEvent &event) { onChange(event); });
}

void Controllers::resumeStored()
{
    for (const QString &resource : {kDeployments, kStatefulSets, kReplicaSets, kDaemonSets, kJobs}) {
        for (const QJsonObject &object : m_store.list(resource)) {
            const QJsonObject metadata = object.value(kMetadata).toObject();
            const QJsonObject status = object.value(kStatus).toObject();
            const ObjectKey key{resource, metadata.value(QStringLiteral("namespace")).toString(), metadata.value(QStringLiteral("name")).toString()};
            const bool started = resource == kJobs ? status.contains(QStringLiteral("startTime"))
                                                   : status.value(QStringLiteral("observedGeneration")).toInteger(-1) == generationOf(object);
            schedule(key, generationOf(object), started);
        }
    }
}

void Controllers::onChange(const ChangeEvent &event)
{
    if (event.type == ChangeEvent::Type::Deleted)
        return;
    const QJsonObject metadata = event.object.value(kMetadata).toObject();
    const ObjectKey key{event.resource, metadata.value(QStringLiteral("namespace")).toString(), metadata.value(QStringLiteral("name")).toString()};
    if (event.resource == kNamespaces) {
        if (event.object.value(kStatus).toObject().value(QStringLiteral("phase")).toString().isEmpty())
            QTimer::singleShot(0, this, [this, key] { step(key, 0, false); });
        return;
    }
    if (!isWorkload(event.resource))
        return;
    // Only a new generation (create, spec change) starts a rollout; status writes (ours
    // included) and metadata changes keep it.
    const qint64 generation = generationOf(event.object);
    if (!event.previous.isEmpty() && generationOf(event.previous) == generation)
        return;
    schedule(key, generation, false);
}

void Controllers::schedule(const ObjectKey &key, qint64 generation, bool started)
{
    if (!started)
        QTimer::singleShot(0, this, [this, key, generation] { step(key, generation, false); });
    QTimer::singleShot(m_delayMs, this, [this, key, generation] { step(key, generation, true); });
}

void Controllers::step(const ObjectKey &key, qint64 generation, bool finished)
{
    const std::optional<QJsonObject> object = m_store.get(key);
    if (!object || generationOf(*object) != generation)
        return; // gone, or superseded by a newer generation with its own steps
    const QJsonObject status = simulatedStatus(key.resource, *object, finished, m_failRollouts);
    if (status.isEmpty())
        return;
    if (Status written = writeStatus(m_store, key, status, kControllerManager); !written)
        qCWarning(lcSandbox).noquote() << "simulated controller: status of" << key.resource << key.name
                                       << "not written:" << written.error().message;
}

} // namespace sluice::sandbox
