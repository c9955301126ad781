#include "FieldDiff.h"

#include "core/Result.h"
#include "render/YamlScalar.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include <algorithm>

namespace sluice {
namespace {

using yaml::CompactTree;
using Node = CompactTree::Node;

struct MergeKey
{
    const char *field;
    const char *companion;        // second field of a composite key, or nullptr
    const char *companionDefault; // its value when absent
};

// Kubernetes' patch merge keys for the lists that have one, by the list's field name.
struct ListKeys
{
    const char *list;
    MergeKey key;
};
constexpr ListKeys kListMergeKeys[] = {
    {"ports", {"containerPort", "protocol", "TCP"}}, // container ports
    {"ports", {"port", "protocol", "TCP"}},          // service ports
    {"volumeMounts", {"mountPath", nullptr, nullptr}},
    {"volumeDevices", {"devicePath", nullptr, nullptr}},
    {"hostAliases", {"ip", nullptr, nullptr}},
    {"conditions", {"type", nullptr, nullptr}},
    {"topologySpreadConstraints", {"topologyKey", "whenUnsatisfiable", ""}},
};

// For any other list of objects: the first of these that identifies every item on both sides.
constexpr MergeKey kGenericMergeKeys[] = {
    {"name", nullptr, nullptr},
    {"key", nullptr, nullptr},
};

// The value of an order change: {"$setElementOrder": [ids]}, as Kubernetes' strategic merge
// patch names a list's order. No manifest field holds such a map.
constexpr char kOrderKey[] = "$setElementOrder";

// A scalar as an item's identity shows it.
QString scalarText(const CompactTree &tree, Node v)
{
    switch (tree.type(v)) {
    case CompactTree::Type::String: return QString::fromUtf8(tree.string(v));
    case CompactTree::Type::Bool: return tree.boolean(v) ? QStringLiteral("true") : QStringLiteral("false");
    case CompactTree::Type::Integer: return QString::number(tree.integer(v));
    case CompactTree::Type::Double: return QString::number(tree.number(v), 'g', QLocale::FloatingPointShortest);
    default: return QStringLiteral("null");
    }
}

// The item's identity under `key` ("web", "8080,TCP"), or empty when it has none.
QString identity(const CompactTree &tree, Node item, const MergeKey &key)
{
    const qsizetype primary = tree.indexOf(item, key.field);
    if (primary < 0)
        return {};
    const Node value = tree.value(item, primary);
    if (tree.isMap(value) || tree.isSequence(value))
        return {};
    QString id = scalarText(tree, value);
    if (key.companion) {
        const qsizetype second = tree.indexOf(item, key.companion);
        id += QLatin1Char(',') + (second < 0 ? QLatin1String(key.companionDefault) : scalarText(tree, tree.value(item, second)));
    }
    return id;
}

QString selector(const MergeKey &key, const QString &id)
{
    if (!key.companion)
        return QStringLiteral("[%1=%2]").arg(QLatin1String(key.field), id);
    return QStringLiteral("[%1=%2,%3=%4]")
        .arg(QLatin1String(key.field), id.section(QLatin1Char(','), 0, 0), QLatin1String(key.companion),
             id.section(QLatin1Char(','), 1));
}

QString childPath(const QString &parent, const QString &key)
{
    const bool plain = !key.isEmpty() && std::all_of(key.begin(), key.end(), [](QChar c) {
        return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9') || c == u'_' || c == u'-';
    });
    if (plain)
        return parent.isEmpty() ? key : parent + QLatin1Char('.') + key;
    QString escaped = key;
    escaped.replace(QLatin1Char('"'), QLatin1String("\\\""));
    return parent + QLatin1String("[\"") + escaped + QLatin1String("\"]");
}

// "spec.template.spec.containers[name=web].ports" -> "ports"
QString lastSegment(const QString &path)
{
    const qsizetype dot = path.lastIndexOf(QLatin1Char('.'));
    return dot < 0 ? path : path.mid(dot + 1);
}

// One side of a comparison: a list of a tree.
struct List
{
    const CompactTree &tree;
    Node node;
    qsizetype size() const { return tree.size(node); }
    Node at(qsizetype i) const { return tree.item(node, i); }
    bool ofObjects() const
    {
        for (qsizetype i = 0; i < size(); ++i) {
            if (!tree.isMap(at(i)))
                return false;
        }
        return true;
    }
};

bool identifiesAll(const MergeKey &key, const List &a, const List &b)
{
    for (const List *list : {&a, &b}) {
        QSet<QString> seen;
        for (qsizetype i = 0; i < list->size(); ++i) {
            const QString id = identity(list->tree, list->at(i), key);
            if (id.isEmpty() || seen.contains(id))
                return false;
            seen.insert(id);
        }
    }
    return true;
}

const MergeKey *findMergeKey(const QString &listName, const List &a, const List &b)
{
    for (const ListKeys &entry : kListMergeKeys) {
        if (listName == QLatin1String(entry.list) && identifiesAll(entry.key, a, b))
            return &entry.key;
    }
    for (const MergeKey &key : kGenericMergeKeys) {
        if (identifiesAll(key, a, b))
            return &key;
    }
    return nullptr;
}

QJsonValue orderValue(const List &items, const MergeKey &key)
{
    QJsonArray ids;
    for (qsizetype i = 0; i < items.size(); ++i) {
        QString id = identity(items.tree, items.at(i), key);
        if (key.companion) // "8080,TCP" -> "8080/TCP": the ids are shown joined by commas
            id.replace(QLatin1Char(','), QLatin1Char('/'));
        ids.append(id);
    }
    return QJsonObject{{QLatin1String(kOrderKey), ids}};
}

// When the items both sides have are in another order: the order of each side (initContainers
// run in order, env entries may refer to earlier ones), else an empty change.
FieldChange orderChange(const QString &path, const MergeKey &key, const List &before, const List &after,
                        const QSet<QString> &common)
{
    QStringList beforeOrder;
    QStringList afterOrder;
    for (auto [items, order] : {std::pair{&before, &beforeOrder}, std::pair{&after, &afterOrder}}) {
        for (qsizetype i = 0; i < items->size(); ++i) {
            if (const QString id = identity(items->tree, items->at(i), key); common.contains(id))
                order->append(id);
        }
    }
    if (beforeOrder == afterOrder)
        return {};
    return {path, orderValue(before, key), orderValue(after, key)};
}

const FieldValue kAbsent;

// FieldValue(tree.toJson(node)) made straight from the tree for what most changes hold: an ASCII
// string, an integer, true, false or null (the same bytes; anything else through QJsonValue).
FieldValue valueOf(const CompactTree &tree, Node node)
{
    QByteArray bytes;
    switch (tree.type(node)) {
    case CompactTree::Type::String: {
        const QByteArrayView text = tree.string(node);
        if (!std::all_of(text.begin(), text.end(), [](char c) { return uchar(c) < 0x80; }))
            return FieldValue(tree.toJson(node));
        bytes = 's' + text.toByteArray();
        break;
    }
    case CompactTree::Type::Integer: bytes = '[' + QByteArray::number(tree.integer(node)) + ']'; break;
    case CompactTree::Type::Bool: bytes = tree.boolean(node) ? "[true]" : "[false]"; break;
    case CompactTree::Type::Null: bytes = "[null]"; break;
    default: return FieldValue(tree.toJson(node));
    }
    return *FieldValue::fromBytes(bytes);
}

// The changes between two trees, in the order of their fields.
class FieldDiffer
{
public:
    FieldDiffer(const CompactTree &before, const CompactTree &after)
        : m_before(before), m_after(after)
    {
    }

    void values(const QString &path, Node before, Node after) { values(Path{nullptr, {}, &path}, before, after); }

    QList<FieldChange> take() { return std::move(m_out); }

private:
    // A field's path, made a string only for a change under it (most of what is compared is
    // equal): a key under its parent's path, or a path already made.
    struct Path
    {
        const Path *parent = nullptr;
        QByteArrayView key;
        const QString *made = nullptr;

        QString text() const { return made ? *made : childPath(parent->text(), QString::fromUtf8(key)); }
    };

    // Maps are compared key by key on the way down, each node once; another value is asked
    // equal() first (a list's changes are found item by item, a scalar's whole).
    void values(const Path &path, Node before, Node after)
    {
        if (m_before.isMap(before) && m_after.isMap(after))
            objects(path, before, after);
        else if (!m_before.equal(before, m_after, after))
            differing(path.text(), before, after);
    }

    // Two values known to differ, not both maps.
    void differing(const QString &path, Node before, Node after)
    {
        if (m_before.isSequence(before) && m_after.isSequence(after))
            arrays(path, {m_before, before}, {m_after, after});
        else
            m_out.append({path, valueOf(m_before, before), valueOf(m_after, after)});
    }

    void objects(const Path &path, Node before, Node after)
    {
        // Both are in key order: merge them.
        const qsizetype bSize = m_before.size(before);
        const qsizetype aSize = m_after.size(after);
        qsizetype b = 0;
        qsizetype a = 0;
        while (b < bSize || a < aSize) {
            const QByteArrayView bKey = b < bSize ? m_before.key(before, b) : QByteArrayView();
            const QByteArrayView aKey = a < aSize ? m_after.key(after, a) : QByteArrayView();
            if (a == aSize || (b < bSize && CompactTree::keyLess(bKey, aKey))) {
                m_out.append({Path{&path, bKey}.text(), valueOf(m_before, m_before.value(before, b)), kAbsent});
                ++b;
            } else if (b == bSize || CompactTree::keyLess(aKey, bKey)) {
                m_out.append({Path{&path, aKey}.text(), kAbsent, valueOf(m_after, m_after.value(after, a))});
                ++a;
            } else {
                values(Path{&path, bKey}, m_before.value(before, b), m_after.value(after, a));
                ++b;
                ++a;
            }
        }
    }

    void arrays(const QString &path, const List &before, const List &after)
    {
        const bool objectLists = before.ofObjects() && after.ofObjects() && !(before.size() == 0 && after.size() == 0);
        if (!objectLists) {
            m_out.append({path, valueOf(m_before, before.node), valueOf(m_after, after.node)});
            return;
        }
        if (const MergeKey *key = findMergeKey(lastSegment(path), before, after)) {
            QHash<QString, Node> afterById;
            for (qsizetype i = 0; i < after.size(); ++i)
                afterById.insert(identity(m_after, after.at(i), *key), after.at(i));
            QSet<QString> matched;
            for (qsizetype i = 0; i < before.size(); ++i) {
                const Node item = before.at(i);
                const QString id = identity(m_before, item, *key);
                const QString itemPath = path + selector(*key, id);
                if (auto it = afterById.constFind(id); it != afterById.constEnd()) {
                    values(itemPath, item, *it);
                    matched.insert(id);
                } else {
                    m_out.append({itemPath, valueOf(m_before, item), kAbsent});
                }
            }
            for (qsizetype i = 0; i < after.size(); ++i) {
                const QString id = identity(m_after, after.at(i), *key);
                if (!matched.contains(id))
                    m_out.append({path + selector(*key, id), kAbsent, valueOf(m_after, after.at(i))});
            }
            if (FieldChange order = orderChange(path, *key, before, after, matched); !order.path.isEmpty())
                m_out.append(std::move(order));
            return;
        }
        const qsizetype common = qMin(before.size(), after.size());
        for (qsizetype i = 0; i < common; ++i)
            values(path + QStringLiteral("[%1]").arg(i), before.at(i), after.at(i));
        for (qsizetype i = common; i < before.size(); ++i)
            m_out.append({path + QStringLiteral("[%1]").arg(i), valueOf(m_before, before.at(i)), kAbsent});
        for (qsizetype i = common; i < after.size(); ++i)
            m_out.append({path + QStringLiteral("[%1]").arg(i), kAbsent, valueOf(m_after, after.at(i))});
    }

    const CompactTree &m_before;
    const CompactTree &m_after;
    QList<FieldChange> m_out;
};

} // namespace

namespace {

// One string for a path many objects' changes share ("spec.replicas", a container's image): a
// large review holds hundreds of thousands of changes. Per thread, and forgotten past a few
// thousand paths, so that paths seen once each do not pile up in a long-lived process.
QString sharedPath(const QString &path)
{
    thread_local QSet<QString> paths;
    if (paths.size() >= 4096)
        paths.clear();
    return *paths.insert(path);
}

} // namespace

QList<FieldChange> diffFields(const CompactTree &before, Node beforeNode, const CompactTree &after, Node afterNode)
{
    FieldDiffer differ(before, after);
    differ.values(QString(), beforeNode, afterNode);
    QList<FieldChange> changes = differ.take();
    for (FieldChange &change : changes)
        change.path = sharedPath(change.path);
    return changes;
}

FieldValue::FieldValue(const QJsonValue &value)
{
    if (value.isString())
        m_bytes = 's' + value.toString().toUtf8();
    else if (!value.isUndefined())
        m_bytes = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
}

std::optional<FieldValue> FieldValue::fromBytes(const QByteArray &bytes)
{
    FieldValue value;
    if (bytes.isEmpty())
        return value;
    if (!bytes.startsWith('s') && !(bytes.startsWith('[') && bytes.endsWith(']')))
        return std::nullopt;
    value.m_bytes = bytes;
    return value;
}

QJsonValue FieldValue::toJson() const
{
    if (isAbsent())
        return QJsonValue(QJsonValue::Undefined);
    if (m_bytes.startsWith('s'))
        return QString::fromUtf8(m_bytes.constData() + 1, m_bytes.size() - 1);
    const QJsonArray array = QJsonDocument::fromJson(m_bytes).array();
    return array.size() == 1 ? array.at(0) : QJsonValue(QJsonValue::Undefined);
}

namespace {

bool isOrderJson(const QJsonValue &value)
{
    const QJsonObject o = value.toObject();
    return o.size() == 1 && o.value(QLatin1String(kOrderKey)).isArray();
}

QString jsonValueText(const QJsonValue &value)
{
    if (value.isUndefined())
        return {};
    if (isOrderJson(value)) {
        QStringList ids;
        for (const QJsonValue &id : value.toObject().value(QLatin1String(kOrderKey)).toArray())
            ids << id.toString();
        return QStringLiteral("order ") + ids.join(QLatin1Char(','));
    }
    if (value.isString()) {
        // Quoted when a YAML reader would take the bare text for another type ("true", "1",
        // "null", ""), or for a list or map: the text shows the type.
        const QString text = value.toString();
        const bool quote = text.isEmpty() || !yaml::isPlainString(text.toUtf8()) ||
                           text.startsWith(QLatin1Char('[')) || text.startsWith(QLatin1Char('{')) ||
                           text.startsWith(QLatin1Char('"'));
        if (quote)
            return QString::fromUtf8(QJsonDocument(QJsonArray{text}).toJson(QJsonDocument::Compact)).mid(1).chopped(1);
        return text;
    }
    if (value.isObject())
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    if (value.isArray())
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    const CompactTree tree = CompactTree::fromJson(value);
    return scalarText(tree, tree.root());
}

// The text of a value that shows as its stored bytes: a string a YAML reader takes back as that
// string, an integer of up to 15 digits (a double holds it exactly), true, false or null.
std::optional<QByteArrayView> bareText(const FieldValue &value)
{
    const QByteArrayView bytes = value.bytes();
    if (bytes.startsWith('s')) {
        const QByteArrayView text = bytes.sliced(1);
        const bool bare = !text.isEmpty() && !text.startsWith('[') && !text.startsWith('{') && !text.startsWith('"') &&
                          yaml::isPlainString(text);
        return bare ? std::optional(text) : std::nullopt;
    }
    if (bytes.size() < 3 || !bytes.startsWith('[') || !bytes.endsWith(']'))
        return std::nullopt;
    const QByteArrayView inner = bytes.sliced(1, bytes.size() - 2);
    if (inner == "true" || inner == "false" || inner == "null")
        return inner;
    const QByteArrayView digits = inner.startsWith('-') ? inner.sliced(1) : inner;
    const bool integer = !digits.isEmpty() && digits.size() <= 15 && (digits.front() != '0' || inner == "0") &&
                         std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
    return integer ? std::optional(inner) : std::nullopt;
}

} // namespace

bool isOrderValue(const FieldValue &value)
{
    return value.bytes().startsWith("[{") && isOrderJson(value.toJson());
}

QString fieldValueText(const FieldValue &value)
{
    if (const auto bare = bareText(value))
        return QString::fromUtf8(*bare);
    return value.isAbsent() ? QString() : jsonValueText(value.toJson());
}

QByteArray fieldValueUtf8(const FieldValue &value)
{
    if (const auto bare = bareText(value))
        return bare->toByteArray();
    return fieldValueText(value).toUtf8();
}

QByteArray fieldValueLine(const FieldValue &value, qsizetype maxChars)
{
    if (value.isAbsent())
        return QByteArrayLiteral("(absent)");
    QByteArray text = fieldValueUtf8(value);
    text.replace('\n', "\u21b5");
    // As many bytes as maxChars, or fewer, are no more characters than that.
    return text.size() <= maxChars ? text : elideMiddle(QString::fromUtf8(text), maxChars).toUtf8();
}

} // namespace sluice
