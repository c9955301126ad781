#pragma once

// Field-level differences between two JSON trees, with readable paths.

#include "render/CompactTree.h"

#include <QJsonValue>
#include <QList>
#include <QString>

#include <optional>

namespace sluice {

// One side of a field change: absent, or a value. Held as bytes, the form a stored diff writes:
// none when absent, 's' and the UTF-8 text for a string, "[value]" as compact JSON for any other
// (a number, a list, a map, a keyed list's order). A large review holds hundreds of thousands,
// and a string in a QJsonValue costs three allocations.
class FieldValue
{
public:
    FieldValue() = default; // absent
    FieldValue(const QJsonValue &value); // absent for Undefined
    // A value's stored bytes; nullopt for bytes of none of the three forms.
    static std::optional<FieldValue> fromBytes(const QByteArray &bytes);

    bool isAbsent() const { return m_bytes.isNull(); }
    const QByteArray &bytes() const { return m_bytes; }
    QJsonValue toJson() const; // Undefined when absent

    friend bool operator==(const FieldValue &a, const FieldValue &b)
    {
        return a.isAbsent() == b.isAbsent() && a.m_bytes == b.m_bytes;
    }

private:
    QByteArray m_bytes;
};

struct FieldChange
{
    // "spec.template.spec.containers[name=web].image", "metadata.labels[\"app.kubernetes.io/name\"]"
    QString path;
    FieldValue before; // absent when the field was added
    FieldValue after;  // absent when the field was removed
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
// "order a,b", "" when absent.
QString fieldValueText(const FieldValue &value);
// The same as UTF-8: most values (a plain string, a short integer, true, false, null) are their
// stored bytes, without going through QJsonValue.
QByteArray fieldValueUtf8(const FieldValue &value);
// A value on one line, as a field change's summary shows it (the terminal, the HTML report), as
// UTF-8: "(absent)" when absent, line breaks as ↵, over `maxChars` characters elided in the middle.
QByteArray fieldValueLine(const FieldValue &value, qsizetype maxChars);

// Whether a field change's side is a keyed list's order (see diffFields).
bool isOrderValue(const FieldValue &value);

} // namespace sluice
