#include "Normalize.h"

#include <QJsonArray>

namespace sluice {
namespace {

QString unescapePointerToken(QString token)
{
    token.replace(QLatin1String("~1"), QLatin1String("/"));
    token.replace(QLatin1String("~0"), QLatin1String("~"));
    return token;
}

// Removes tokens[index..] below `value`; returns whether something changed.
bool removeAt(QJsonValue &value, const QStringList &tokens, qsizetype index)
{
    const QString &token = tokens[index];
    const bool last = index == tokens.size() - 1;
    if (value.isObject()) {
        QJsonObject object = value.toObject();
        if (!object.contains(token))
            return false;
        if (last) {
            object.remove(token);
        } else {
            QJsonValue child = object.value(token);
            if (!removeAt(child, tokens, index + 1))
                return false;
            object.insert(token, child);
        }
        value = object;
        return true;
    }
    if (value.isArray()) {
        bool ok = false;
        const int i = token.toInt(&ok);
        QJsonArray array = value.toArray();
        if (!ok || i < 0 || i >= array.size())
            return false;
        if (last) {
            array.removeAt(i);
        } else {
            QJsonValue child = array.at(i);
            if (!removeAt(child, tokens, index + 1))
                return false;
            array.replace(i, child);
        }
        value = array;
        return true;
    }
    return false;
}

} // namespace

bool IgnoreRule::matches(const ResourceKey &key) const
{
    return (group.isEmpty() || group == key.group || (group == QLatin1String("core") && key.group.isEmpty())) &&
           (kind.isEmpty() || kind == key.kind) && (ns.isEmpty() || ns == key.ns) && (name.isEmpty() || name == key.name);
}

void removeJsonPointer(QJsonObject &object, const QString &pointer)
{
    if (!pointer.startsWith(QLatin1Char('/')))
        return;
    QStringList tokens = pointer.mid(1).split(QLatin1Char('/'));
    for (QString &t : tokens)
        t = unescapePointerToken(t);
    QJsonValue root = object;
    if (removeAt(root, tokens, 0))
        object = root.toObject();
}

QJsonObject normalizeObject(QJsonObject object, const ResourceKey &key, const QList<IgnoreRule> &rules)
{
    object.remove(QLatin1String("status"));
    QJsonObject metadata = object.value(QLatin1String("metadata")).toObject();
    for (const char *field : {"managedFields", "resourceVersion", "uid", "generation", "creationTimestamp", "selfLink"})
        metadata.remove(QLatin1String(field));
    QJsonObject annotations = metadata.value(QLatin1String("annotations")).toObject();
    if (annotations.contains(QLatin1String("kubectl.kubernetes.io/last-applied-configuration"))) {
        annotations.remove(QLatin1String("kubectl.kubernetes.io/last-applied-configuration"));
        if (annotations.isEmpty())
            metadata.remove(QLatin1String("annotations"));
        else
            metadata.insert(QLatin1String("annotations"), annotations);
    }
    object.insert(QLatin1String("metadata"), metadata);
    for (const IgnoreRule &rule : rules) {
        if (!rule.matches(key))
            continue;
        for (const QString &pointer : rule.jsonPointers)
            removeJsonPointer(object, pointer);
    }
    return object;
}

} // namespace sluice
