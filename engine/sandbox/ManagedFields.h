#pragma once

// The field-path model of server-side apply (kube-api.md §7.1, §7.2) and the
// metadata.managedFields entries built on it. Pure functions.
//
// A FieldPath is a list of FieldsV1 keys: {"f:spec", "f:containers", "k:{\"name\":\"nginx\"}",
// "f:image"}. A FieldSet holds member paths: leaves (scalars, atomic lists and maps, empty
// maps), associative-list items (`k:`) and set values (`v:`). Maps with content are never
// members themselves; their keys are.

#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>

#include <optional>
#include <set>

namespace sluice::sandbox {

using FieldPath = QStringList;
using FieldSet = std::set<FieldPath>;

// The key fields of an item of the associative list `field` (§7.2: containers by name, ports
// by containerPort+protocol with "TCP" defaulted, …) as a JSON object, or nullopt when the
// list is atomic or the item lacks its key.
std::optional<QJsonObject> associativeKey(const QString &field, const QJsonValue &item);

// The set of everything `object` sets, minus apiVersion, kind, status and the server-owned
// metadata (name, namespace, uid, resourceVersion, generation, creationTimestamp,
// managedFields, deletion fields). Cost: linear in the object.
FieldSet fieldSetOf(const QJsonObject &object);

// The value at `path`; for an item or set-value path, the item. nullopt when absent.
std::optional<QJsonValue> valueAtPath(const QJsonObject &object, const FieldPath &path);
// Removes the member at `path` (a map key, list item or set value); false when absent.
bool removePath(QJsonObject &object, const FieldPath &path);
// True for a `k:`/`v:` path: its presence, not its value, is what an owner owns.
bool isItemPath(const FieldPath &path);
// structured-merge-diff's text: `.spec.template.spec.containers[name="nginx"].image`.
QString pathString(const FieldPath &path);

QJsonObject toFieldsV1(const FieldSet &set);
// Reads a FieldsV1 trie; deeper than 64 levels is cut off (hostile input stays bounded).
FieldSet fromFieldsV1(const QJsonObject &fieldsV1);

// One metadata.managedFields entry. Identity: manager, operation, subresource and, for
// Update entries, apiVersion (§7.1); `time` is not part of it.
struct ManagedFieldsEntry
{
    QString manager;
    QString operation; // "Apply" or "Update"
    QString apiVersion;
    QString time;
    QString subresource;
    FieldSet fields;

    bool sameIdentity(const ManagedFieldsEntry &other) const
    {
        return manager == other.manager && operation == other.operation && subresource == other.subresource
            && (operation == QLatin1String("Apply") || apiVersion == other.apiVersion);
    }
};

QList<ManagedFieldsEntry> parseManagedFields(const QJsonArray &managedFields);
// Entries with an empty field set are dropped.
QJsonArray serializeManagedFields(const QList<ManagedFieldsEntry> &entries);
// `managedFields` (as serializeManagedFields wrote them) with `entry` in place of each entry of
// its identity, or after them all when none has it; the others are kept as they are, their
// field sets not read (a controller's status write touches its own entry only). An empty
// `entry.fields` removes its identity's entries.
QJsonArray withManagedFieldsEntry(const QJsonArray &managedFields, const ManagedFieldsEntry &entry);
// The same entries and sets, ignoring `time`.
bool sameOwnership(const QList<ManagedFieldsEntry> &a, const QList<ManagedFieldsEntry> &b);

// The current time as the API server and its controllers write times (RFC 3339, whole seconds,
// UTC: "2026-11-26T03:21:55Z"), formatted once a second.
QString timestampNow();

} // namespace sluice::sandbox
