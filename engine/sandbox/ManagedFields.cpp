#include "ManagedFields.h"

#include "core/JsonText.h"

#include <QDateTime>
#include <QJsonDocument>

namespace sluice::sandbox {

namespace {

constexpr int kMaxDepth = 64;

const QStringList kExcludedMetadata{QStringLiteral("name"), QStringLiteral("namespace"), QStringLiteral("uid"),
                                    QStringLiteral("resourceVersion"), QStringLiteral("generation"),
                                    QStringLiteral("creationTimestamp"), QStringLiteral("managedFields"),
                                    QStringLiteral("deletionTimestamp"), QStringLiteral("deletionGracePeriodSeconds"),
                                    QStringLiteral("selfLink")};

// Compact JSON of any value (QJsonDocument only holds objects and arrays).
QString compactJson(const QJsonValue &value)
{
    return QString::fromUtf8(json::compact(value));
}

std::optional<QJsonValue> parseJsonValue(const QString &text)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson('[' + text.toUtf8() + ']', &error);
    if (error.error != QJsonParseError::NoError || document.array().size() != 1)
        return std::nullopt;
    return document.array().first();
}

bool isSetList(const QString &field, const QJsonArray &items)
{
    if (field != QLatin1String("finalizers"))
        return false;
    for (const QJsonValue &item : items) {
        if (!item.isString())
            return false;
    }
    return true;
}

bool isAtomicMap(const QString &field, const QJsonObject &object)
{
    return field == QLatin1String("selector")
        && (object.contains(QStringLiteral("matchLabels")) || object.contains(QStringLiteral("matchExpressions")));
}

bool isAssociativeList(const QString &field, const QJsonArray &items)
{
    if (items.isEmpty())
        return false;
    for (const QJsonValue &item : items) {
        if (!associativeKey(field, item))
            return false;
    }
    return true;
}

void collect(const QJsonValue &value, const QString &field, FieldPath &prefix, FieldSet &out, int depth)
{
    if (depth > kMaxDepth) {
        out.insert(prefix);
        return;
    }
    if (value.isObject() && !value.toObject().isEmpty() && !isAtomicMap(field, value.toObject())) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            prefix.append(QStringLiteral("f:") + it.key());
            collect(it.value(), it.key(), prefix, out, depth + 1);
            prefix.removeLast();
        }
        return;
    }
    if (value.isArray() && isSetList(field, value.toArray())) {
        for (const QJsonValue &item : value.toArray())
            out.insert(prefix + FieldPath{QStringLiteral("v:") + compactJson(item)});
        return;
    }
    if (value.isArray() && isAssociativeList(field, value.toArray())) {
        for (const QJsonValue &item : value.toArray()) {
            prefix.append(QStringLiteral("k:") + compactJson(*associativeKey(field, item)));
            out.insert(prefix);
            const QJsonObject object = item.toObject();
            for (auto it = object.begin(); it != object.end(); ++it) {
                prefix.append(QStringLiteral("f:") + it.key());
                collect(it.value(), it.key(), prefix, out, depth + 2);
                prefix.removeLast();
            }
            prefix.removeLast();
        }
        return;
    }
    out.insert(prefix); // scalar, atomic list or map, empty map
}

bool itemMatches(const QJsonValue &item, const QString &field, const QString &element)
{
    if (element.startsWith(QLatin1String("v:")))
        return parseJsonValue(element.mid(2)) == item;
    const std::optional<QJsonObject> key = associativeKey(field, item);
    return key && QStringLiteral("k:") + compactJson(*key) == element;
}

// Field name of the list an item path element sits in: the previous `f:` element.
QString fieldName(const FieldPath &path, qsizetype index)
{
    return index > 0 && path[index - 1].startsWith(QLatin1String("f:")) ? path[index - 1].mid(2) : QString();
}

std::optional<QJsonValue> child(const QJsonValue &node, const FieldPath &path, qsizetype index, qsizetype *arrayIndex)
{
    const QString &element = path[index];
    if (element.startsWith(QLatin1String("f:"))) {
        if (!node.isObject() || !node.toObject().contains(element.mid(2)))
            return std::nullopt;
        return node.toObject().value(element.mid(2));
    }
    if (!node.isArray())
        return std::nullopt;
    const QJsonArray array = node.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        if (itemMatches(array.at(i), fieldName(path, index), element)) {
            if (arrayIndex)
                *arrayIndex = i;
            return array.at(i);
        }
    }
    return std::nullopt;
}

bool removeBelow(QJsonValue &node, const FieldPath &path, qsizetype index)
{
    qsizetype at = -1;
    std::optional<QJsonValue> next = child(node, path, index, &at);
    if (!next)
        return false;
    const bool last = index == path.size() - 1;
    if (node.isObject()) {
        QJsonObject object = node.toObject();
        if (last) {
            object.remove(path[index].mid(2));
        } else {
            if (!removeBelow(*next, path, index + 1))
                return false;
            object.insert(path[index].mid(2), *next);
        }
        node = object;
        return true;
    }
    QJsonArray array = node.toArray();
    if (last) {
        array.removeAt(at);
    } else {
        if (!removeBelow(*next, path, index + 1))
            return false;
        array.replace(at, *next);
    }
    node = array;
    return true;
}

// The fieldsV1 object, as JSON text, of the paths [first, last) of a sorted set, all of which
// share their first `depth` elements: a path that ends there makes the node a member ("." when it
// has children too), the rest are grouped by their next element. A set sorts a path before those
// it prefixes, and groups each element's paths together, so one pass over the range builds the
// whole trie. (Members in set order: a reader sorts them.)
void appendFieldsV1(FieldSet::const_iterator first, FieldSet::const_iterator last, qsizetype depth, QByteArray &out)
{
    out += '{';
    bool member = false;
    for (; first != last && first->size() == depth; ++first)
        member = true;
    bool comma = false;
    if (member && first != last) {
        out += "\".\":{}";
        comma = true;
    }
    while (first != last) {
        const QString &element = first->at(depth);
        auto group = first;
        while (group != last && group->at(depth) == element)
            ++group;
        if (std::exchange(comma, true))
            out += ',';
        json::appendString(element, out);
        out += ':';
        appendFieldsV1(first, group, depth + 1, out);
        first = group;
    }
    out += '}';
}

void readTrie(const QJsonObject &object, FieldPath &prefix, FieldSet &out, int depth)
{
    if (depth > kMaxDepth)
        return;
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (it.key() == QLatin1String(".")) {
            if (!prefix.isEmpty())
                out.insert(prefix);
            continue;
        }
        prefix.append(it.key());
        const QJsonObject sub = it.value().toObject();
        if (sub.isEmpty())
            out.insert(prefix);
        else
            readTrie(sub, prefix, out, depth + 1);
        prefix.removeLast();
    }
}

} // namespace

std::optional<QJsonObject> associativeKey(const QString &field, const QJsonValue &item)
{
    if (!item.isObject())
        return std::nullopt;
    const QJsonObject object = item.toObject();
    auto single = [&](const QString &key) -> std::optional<QJsonObject> {
        if (!object.contains(key))
            return std::nullopt;
        return QJsonObject{{key, object.value(key)}};
    };
    static const QStringList byName{QStringLiteral("containers"), QStringLiteral("initContainers"),
                                    QStringLiteral("ephemeralContainers"), QStringLiteral("env"),
                                    QStringLiteral("volumes"), QStringLiteral("imagePullSecrets")};
    if (byName.contains(field))
        return single(QStringLiteral("name"));
    if (field == QLatin1String("volumeMounts"))
        return single(QStringLiteral("mountPath"));
    if (field == QLatin1String("ports")) {
        const QString port = object.contains(QStringLiteral("containerPort")) ? QStringLiteral("containerPort") : QStringLiteral("port");
        if (!object.contains(port))
            return std::nullopt;
        return QJsonObject{{port, object.value(port)},
                           {QStringLiteral("protocol"), object.value(QStringLiteral("protocol")).toString(QStringLiteral("TCP"))}};
    }
    return std::nullopt;
}

FieldSet fieldSetOf(const QJsonObject &object)
{
    FieldSet out;
    FieldPath prefix;
    for (auto it = object.begin(); it != object.end(); ++it) {
        const QString &key = it.key();
        if (key == QLatin1String("apiVersion") || key == QLatin1String("kind") || key == QLatin1String("status"))
            continue;
        if (key == QLatin1String("metadata")) {
            const QJsonObject metadata = it.value().toObject();
            prefix = {QStringLiteral("f:metadata")};
            for (auto m = metadata.begin(); m != metadata.end(); ++m) {
                if (kExcludedMetadata.contains(m.key()))
                    continue;
                prefix.append(QStringLiteral("f:") + m.key());
                collect(m.value(), m.key(), prefix, out, 2);
                prefix.removeLast();
            }
            continue;
        }
        prefix = {QStringLiteral("f:") + key};
        collect(it.value(), key, prefix, out, 1);
    }
    return out;
}

std::optional<QJsonValue> valueAtPath(const QJsonObject &object, const FieldPath &path)
{
    QJsonValue node = object;
    for (qsizetype i = 0; i < path.size(); ++i) {
        std::optional<QJsonValue> next = child(node, path, i, nullptr);
        if (!next)
            return std::nullopt;
        node = *next;
    }
    return node;
}

bool removePath(QJsonObject &object, const FieldPath &path)
{
    if (path.isEmpty())
        return false;
    QJsonValue root = object;
    if (!removeBelow(root, path, 0))
        return false;
    object = root.toObject();
    return true;
}

bool isItemPath(const FieldPath &path)
{
    return !path.isEmpty() && (path.last().startsWith(QLatin1String("k:")) || path.last().startsWith(QLatin1String("v:")));
}

QString pathString(const FieldPath &path)
{
    QString text;
    for (const QString &element : path) {
        if (element.startsWith(QLatin1String("f:"))) {
            text += QLatin1Char('.') + element.mid(2);
        } else if (element.startsWith(QLatin1String("v:"))) {
            text += QStringLiteral("[=") + element.mid(2) + QLatin1Char(']');
        } else if (element.startsWith(QLatin1String("k:"))) {
            const QJsonObject key = parseJsonValue(element.mid(2)).value_or(QJsonValue()).toObject();
            QStringList parts;
            for (auto it = key.begin(); it != key.end(); ++it)
                parts << it.key() + QLatin1Char('=') + compactJson(it.value());
            text += QLatin1Char('[') + parts.join(QLatin1Char(',')) + QLatin1Char(']');
        } else {
            text += QLatin1Char('[') + element + QLatin1Char(']');
        }
    }
    return text;
}

QJsonObject toFieldsV1(const FieldSet &set)
{
    QByteArray text;
    appendFieldsV1(set.begin(), set.end(), 0, text);
    return QJsonDocument::fromJson(text).object();
}

FieldSet fromFieldsV1(const QJsonObject &fieldsV1)
{
    FieldSet out;
    FieldPath prefix;
    readTrie(fieldsV1, prefix, out, 0);
    return out;
}

QList<ManagedFieldsEntry> parseManagedFields(const QJsonArray &managedFields)
{
    QList<ManagedFieldsEntry> entries;
    for (const QJsonValue &value : managedFields) {
        const QJsonObject o = value.toObject();
        ManagedFieldsEntry entry{o.value(QStringLiteral("manager")).toString(), o.value(QStringLiteral("operation")).toString(),
                                 o.value(QStringLiteral("apiVersion")).toString(), o.value(QStringLiteral("time")).toString(),
                                 o.value(QStringLiteral("subresource")).toString(),
                                 fromFieldsV1(o.value(QStringLiteral("fieldsV1")).toObject())};
        if (!entry.manager.isEmpty() || !entry.fields.empty())
            entries << entry;
    }
    return entries;
}

namespace {

void appendEntry(const ManagedFieldsEntry &entry, QByteArray &out)
{
    out += "{\"manager\":";
    json::appendString(entry.manager, out);
    out += ",\"operation\":";
    json::appendString(entry.operation, out);
    out += ",\"apiVersion\":";
    json::appendString(entry.apiVersion, out);
    out += ",\"time\":";
    json::appendString(entry.time, out);
    out += ",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":";
    appendFieldsV1(entry.fields.begin(), entry.fields.end(), 0, out);
    if (!entry.subresource.isEmpty()) {
        out += ",\"subresource\":";
        json::appendString(entry.subresource, out);
    }
    out += '}';
}

// Written as text and read by Qt's JSON reader, which builds the containers at once: several
// times cheaper than inserting each member into a QJsonObject. The text is valid JSON whatever
// the strings hold (json::appendString), and its depth is bounded by the sets' (kMaxDepth).
QJsonArray entriesJson(const QList<const ManagedFieldsEntry *> &entries)
{
    QByteArray text = "[";
    for (const ManagedFieldsEntry *entry : entries) {
        if (text.size() > 1)
            text += ',';
        appendEntry(*entry, text);
    }
    text += ']';
    return QJsonDocument::fromJson(text).array();
}

} // namespace

QJsonArray serializeManagedFields(const QList<ManagedFieldsEntry> &entries)
{
    QList<const ManagedFieldsEntry *> written;
    for (const ManagedFieldsEntry &entry : entries) {
        if (!entry.fields.empty())
            written << &entry;
    }
    return entriesJson(written);
}

QJsonArray withManagedFieldsEntry(const QJsonArray &managedFields, const ManagedFieldsEntry &entry)
{
    const QJsonObject own = entry.fields.empty() ? QJsonObject() : entriesJson({&entry}).at(0).toObject();
    QJsonArray array;
    bool placed = false;
    for (const QJsonValue &value : managedFields) {
        const QJsonObject o = value.toObject();
        const ManagedFieldsEntry identity{o.value(QStringLiteral("manager")).toString(), o.value(QStringLiteral("operation")).toString(),
                                          o.value(QStringLiteral("apiVersion")).toString(), {},
                                          o.value(QStringLiteral("subresource")).toString(), {}};
        if (!identity.sameIdentity(entry)) {
            array.append(o);
        } else if (!own.isEmpty()) {
            array.append(own);
            placed = true;
        }
    }
    if (!placed && !own.isEmpty())
        array.append(own);
    return array;
}

bool sameOwnership(const QList<ManagedFieldsEntry> &a, const QList<ManagedFieldsEntry> &b)
{
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i) {
        if (!a[i].sameIdentity(b[i]) || a[i].apiVersion != b[i].apiVersion || a[i].fields != b[i].fields)
            return false;
    }
    return true;
}

QString timestampNow()
{
    // Whole seconds: the text is made once per second, not per write.
    thread_local qint64 second = -1;
    thread_local QString text;
    if (const qint64 now = QDateTime::currentSecsSinceEpoch(); now != second) {
        text = QDateTime::fromSecsSinceEpoch(now, Qt::UTC).toString(Qt::ISODate);
        second = now;
    }
    return text;
}

} // namespace sluice::sandbox
