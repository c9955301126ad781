#include "FieldDiff.h"

#include "render/YamlScalar.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include <algorithm>

namespace sluice {
namespace {

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

QString scalarText(const QJsonValue &v)
{
    if (v.isString())
        return v.toString();
    if (v.isBool())
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (v.isDouble()) {
        const QVariant variant = v.toVariant();
        return variant.typeId() == QMetaType::LongLong ? QString::number(variant.toLongLong())
                                                      : QString::number(v.toDouble(), 'g', QLocale::FloatingPointShortest);
    }
    return QStringLiteral("null");
}

// The item's identity under `key` ("web", "8080,TCP"), or empty when it has none.
QString identity(const QJsonValue &item, const MergeKey &key)
{
    if (!item.isObject())
        return {};
    const QJsonObject o = item.toObject();
    const QJsonValue primary = o.value(QLatin1String(key.field));
    if (primary.isUndefined() || primary.isObject() || primary.isArray())
        return {};
    QString id = scalarText(primary);
    if (key.companion) {
        const QJsonValue second = o.value(QLatin1String(key.companion));
        id += QLatin1Char(',') + (second.isUndefined() ? QLatin1String(key.companionDefault) : scalarText(second));
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

bool identifiesAll(const MergeKey &key, const QJsonArray &a, const QJsonArray &b)
{
    for (const QJsonArray *list : {&a, &b}) {
        QSet<QString> seen;
        for (const QJsonValue &item : *list) {
            const QString id = identity(item, key);
            if (id.isEmpty() || seen.contains(id))
                return false;
            seen.insert(id);
        }
    }
    return true;
}

const MergeKey *findMergeKey(const QString &listName, const QJsonArray &a, const QJsonArray &b)
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

bool isObjectList(const QJsonArray &a)
{
    for (const QJsonValue &v : a) {
        if (!v.isObject())
            return false;
    }
    return true;
}

void diffValues(const QString &path, const QJsonValue &before, const QJsonValue &after, QList<FieldChange> &out);

QJsonValue orderValue(const QJsonArray &items, const MergeKey &key)
{
    QJsonArray ids;
    for (const QJsonValue &item : items) {
        QString id = identity(item, key);
        if (key.companion) // "8080,TCP" -> "8080/TCP": the ids are shown joined by commas
            id.replace(QLatin1Char(','), QLatin1Char('/'));
        ids.append(id);
    }
    return QJsonObject{{QLatin1String(kOrderKey), ids}};
}

// When the items both sides have are in another order: the order of each side (initContainers
// run in order, env entries may refer to earlier ones), else an empty change.
FieldChange orderChange(const QString &path, const MergeKey &key, const QJsonArray &before, const QJsonArray &after,
                        const QSet<QString> &common)
{
    QStringList beforeOrder;
    QStringList afterOrder;
    for (auto [items, order] : {std::pair{&before, &beforeOrder}, std::pair{&after, &afterOrder}}) {
        for (const QJsonValue &item : *items) {
            if (const QString id = identity(item, key); common.contains(id))
                order->append(id);
        }
    }
    if (beforeOrder == afterOrder)
        return {};
    return {path, orderValue(before, key), orderValue(after, key)};
}

void diffObjects(const QString &path, const QJsonObject &before, const QJsonObject &after, QList<FieldChange> &out)
{
    // Both iterate in sorted key order: merge them. (A key is a new string at each key(): one each.)
    auto b = before.begin();
    auto a = after.begin();
    while (b != before.end() || a != after.end()) {
        const QString bKey = b != before.end() ? b.key() : QString();
        const QString aKey = a != after.end() ? a.key() : QString();
        if (a == after.end() || (b != before.end() && bKey < aKey)) {
            out.append({childPath(path, bKey), b.value(), QJsonValue(QJsonValue::Undefined)});
            ++b;
        } else if (b == before.end() || aKey < bKey) {
            out.append({childPath(path, aKey), QJsonValue(QJsonValue::Undefined), a.value()});
            ++a;
        } else {
            if (const QJsonValue bValue = b.value(), aValue = a.value(); bValue != aValue) // no path for what is equal
                diffValues(childPath(path, bKey), bValue, aValue, out);
            ++b;
            ++a;
        }
    }
}

void diffArrays(const QString &path, const QJsonArray &before, const QJsonArray &after, QList<FieldChange> &out)
{
    const bool objects = isObjectList(before) && isObjectList(after) && !(before.isEmpty() && after.isEmpty());
    if (!objects) {
        out.append({path, before, after});
        return;
    }
    if (const MergeKey *key = findMergeKey(lastSegment(path), before, after)) {
        QHash<QString, QJsonValue> afterById;
        for (const QJsonValue &item : after)
            afterById.insert(identity(item, *key), item);
        QSet<QString> matched;
        for (const QJsonValue &item : before) {
            const QString id = identity(item, *key);
            const QString itemPath = path + selector(*key, id);
            if (auto it = afterById.constFind(id); it != afterById.constEnd()) {
                diffValues(itemPath, item, *it, out);
                matched.insert(id);
            } else {
                out.append({itemPath, item, QJsonValue(QJsonValue::Undefined)});
            }
        }
        for (const QJsonValue &item : after) {
            const QString id = identity(item, *key);
            if (!matched.contains(id))
                out.append({path + selector(*key, id), QJsonValue(QJsonValue::Undefined), item});
        }
        if (FieldChange order = orderChange(path, *key, before, after, matched); !order.path.isEmpty())
            out.append(std::move(order));
        return;
    }
    const qsizetype common = qMin(before.size(), after.size());
    for (qsizetype i = 0; i < common; ++i)
        diffValues(path + QStringLiteral("[%1]").arg(i), before.at(i), after.at(i), out);
    for (qsizetype i = common; i < before.size(); ++i)
        out.append({path + QStringLiteral("[%1]").arg(i), before.at(i), QJsonValue(QJsonValue::Undefined)});
    for (qsizetype i = common; i < after.size(); ++i)
        out.append({path + QStringLiteral("[%1]").arg(i), QJsonValue(QJsonValue::Undefined), after.at(i)});
}

void diffValues(const QString &path, const QJsonValue &before, const QJsonValue &after, QList<FieldChange> &out)
{
    if (before == after)
        return;
    if (before.isObject() && after.isObject())
        diffObjects(path, before.toObject(), after.toObject(), out);
    else if (before.isArray() && after.isArray())
        diffArrays(path, before.toArray(), after.toArray(), out);
    else
        out.append({path, before, after});
}

} // namespace

QList<FieldChange> diffFields(const QJsonValue &before, const QJsonValue &after)
{
    QList<FieldChange> out;
    diffValues(QString(), before, after, out);
    // A string taken from a tree points into its mapping's storage and keeps all of it alive: a
    // large review would hold every changed object's tree through its field changes. Own copies.
    for (FieldChange &change : out) {
        for (QJsonValue *side : {&change.before, &change.after}) {
            if (side->isString())
                *side = QJsonValue(side->toString());
        }
    }
    return out;
}

bool isOrderValue(const QJsonValue &value)
{
    const QJsonObject o = value.toObject();
    return o.size() == 1 && o.value(QLatin1String(kOrderKey)).isArray();
}

QString fieldValueText(const QJsonValue &value)
{
    if (value.isUndefined())
        return {};
    if (isOrderValue(value)) {
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
    return scalarText(value);
}

} // namespace sluice
