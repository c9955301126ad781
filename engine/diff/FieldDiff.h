#pragma once

// Field-level differences between two JSON trees, with readable paths.

#include <QJsonValue>
#include <QList>
#include <QString>

namespace sluice {

struct FieldChange
{
    // "spec.template.spec.containers[name=web].image", "metadata.labels[\"app.kubernetes.io/name\"]"
    QString path;
    QJsonValue before; // Undefined when the field was added
    QJsonValue after;  // Undefined when the field was removed
};

// Compares recursively. Lists of objects are matched by Kubernetes' patch merge key for that
// list (ports: containerPort+protocol or port+protocol, volumeMounts: mountPath, conditions:
// type, …) or else by `name` or `key` when it identifies every item on both sides; other lists
// of objects by index; lists of scalars compare whole.
// Cost: linear in the size of the trees. Recursion depth is bounded by the parser's limit.
QList<FieldChange> diffFields(const QJsonValue &before, const QJsonValue &after);

// A value as shown in a field change: scalars as text, objects and lists as compact JSON,
// "" for Undefined.
QString fieldValueText(const QJsonValue &value);

} // namespace sluice
