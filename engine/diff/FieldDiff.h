#pragma once

// Field-level differences between two JSON trees, with readable paths.

#include "render/CompactTree.h"

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
// of objects by index; lists of scalars compare whole. When the items both sides of a keyed list
// have are in another order, the list itself is a change too (after its items' changes), each
// side an order value (isOrderValue) of every item's key, shown "order a,b".
// Cost: linear in the size of the trees. Recursion depth is bounded by the parser's limit.
QList<FieldChange> diffFields(const yaml::CompactTree &before, yaml::CompactTree::Node beforeNode,
                              const yaml::CompactTree &after, yaml::CompactTree::Node afterNode);

// A value as shown in a field change: scalars as YAML writes them (a string that would read as
// another type quoted: "true" vs true), objects and lists as compact JSON, an order value as
// "order a,b", "" for Undefined.
QString fieldValueText(const QJsonValue &value);

// Whether a field change's side is a keyed list's order (see diffFields).
bool isOrderValue(const QJsonValue &value);

} // namespace sluice
