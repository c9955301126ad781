#include "StatusUpdate.h"

#include "ManagedFields.h"

#include <QJsonArray>

namespace sluice::sandbox {

namespace {

const QString kMetadata = QStringLiteral("metadata");
const QString kStatus = QStringLiteral("status");

// The managedFields set owning every field of `status`.
FieldSet statusFieldSet(const QJsonObject &status)
{
    // fieldSetOf() skips a top-level `status`, so collect it under a stand-in key and rename.
    const QString standIn = QStringLiteral("f:spec");
    FieldSet out;
    for (FieldPath path : fieldSetOf(QJsonObject{{QStringLiteral("spec"), status}})) {
        if (!path.isEmpty() && path.first() == standIn)
            path.first() = QStringLiteral("f:status");
        out.insert(path);
    }
    return out;
}

} // namespace

Status writeStatus(ObjectStore &store, const ObjectKey &key, const QJsonObject &status, const QString &manager)
{
    std::optional<QJsonObject> current = store.get(key);
    if (!current || current->value(kStatus).toObject() == status)
        return {};
    QJsonObject object = *current;
    object.insert(kStatus, status);
    QJsonObject metadata = object.value(kMetadata).toObject();
    ManagedFieldsEntry entry;
    entry.manager = manager;
    entry.operation = QStringLiteral("Update");
    entry.apiVersion = object.value(QStringLiteral("apiVersion")).toString();
    entry.time = timestampNow();
    entry.subresource = kStatus;
    entry.fields = statusFieldSet(status);
    metadata.insert(QStringLiteral("managedFields"), withManagedFieldsEntry(metadata.value(QStringLiteral("managedFields")).toArray(), entry));
    object.insert(kMetadata, metadata);
    QList<Mutation> mutations{Mutation{Mutation::Op::Put, key, object}};
    return store.commit(mutations);
}

QJsonArray withCondition(const QJsonArray &conditions, const QString &type, const QString &status, const QString &reason,
                         const QString &message, bool withUpdateTime)
{
    const QString now = timestampNow();
    QJsonArray result;
    bool found = false;
    for (const QJsonValue &value : conditions) {
        QJsonObject c = value.toObject();
        if (c.value(QStringLiteral("type")).toString() != type) {
            result.append(c);
            continue;
        }
        found = true;
        const bool same = c.value(QStringLiteral("status")).toString() == status
            && c.value(QStringLiteral("reason")).toString() == reason && c.value(QStringLiteral("message")).toString() == message;
        if (same) {
            result.append(c);
            continue;
        }
        if (c.value(QStringLiteral("status")).toString() != status)
            c.insert(QStringLiteral("lastTransitionTime"), now);
        if (withUpdateTime)
            c.insert(QStringLiteral("lastUpdateTime"), now);
        c.insert(QStringLiteral("status"), status);
        c.insert(QStringLiteral("reason"), reason);
        c.insert(QStringLiteral("message"), message);
        result.append(c);
    }
    if (!found) {
        QJsonObject c{{QStringLiteral("type"), type},
                      {QStringLiteral("status"), status},
                      {QStringLiteral("lastTransitionTime"), now},
                      {QStringLiteral("reason"), reason},
                      {QStringLiteral("message"), message}};
        if (withUpdateTime)
            c.insert(QStringLiteral("lastUpdateTime"), now);
        result.append(c);
    }
    return result;
}

} // namespace sluice::sandbox
