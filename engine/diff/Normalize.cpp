#include "Normalize.h"

namespace sluice {
namespace {

using yaml::CompactTree;
using Node = CompactTree::Node;

QString unescapePointerToken(QString token)
{
    token.replace(QLatin1String("~1"), QLatin1String("/"));
    token.replace(QLatin1String("~0"), QLatin1String("~"));
    return token;
}

// What the API server sets in metadata: never a difference.
constexpr const char *kServerMetadata[] = {"managedFields", "resourceVersion", "uid", "generation", "creationTimestamp", "selfLink"};

void removeKey(CompactTree &tree, Node map, QByteArrayView key)
{
    if (const qsizetype i = tree.indexOf(map, key); i >= 0)
        tree.removeEntry(map, i);
}

} // namespace

bool IgnoreRule::matches(const ResourceKey &key) const
{
    return (group.isEmpty() || group == key.group || (group == QLatin1String("core") && key.group.isEmpty())) &&
           (kind.isEmpty() || kind == key.kind) && (ns.isEmpty() || ns == key.ns) && (name.isEmpty() || name == key.name);
}

void removeJsonPointer(CompactTree &tree, const QString &pointer)
{
    if (!pointer.startsWith(QLatin1Char('/')))
        return;
    const QStringList tokens = pointer.mid(1).split(QLatin1Char('/'));
    Node node = tree.root();
    for (qsizetype t = 0; t < tokens.size(); ++t) {
        const QString token = unescapePointerToken(tokens[t]);
        const bool last = t == tokens.size() - 1;
        if (tree.isMap(node)) {
            const qsizetype i = tree.indexOf(node, token.toUtf8());
            if (i < 0)
                return;
            if (last)
                tree.removeEntry(node, i);
            else
                node = tree.value(node, i);
        } else if (tree.isSequence(node)) {
            bool ok = false;
            const int i = token.toInt(&ok);
            if (!ok || i < 0 || i >= tree.size(node))
                return;
            if (last)
                tree.removeItem(node, i);
            else
                node = tree.item(node, i);
        } else {
            return;
        }
    }
}

void removeJsonPointer(QJsonObject &object, const QString &pointer)
{
    CompactTree tree = CompactTree::fromJson(object);
    removeJsonPointer(tree, pointer);
    object = tree.toJson(tree.root()).toObject();
}

void normalizeObject(CompactTree &tree, const ResourceKey &key, const QList<IgnoreRule> &rules)
{
    const Node root = tree.root();
    removeKey(tree, root, "status");
    const Node metadata = tree.mapAt(root, "metadata");
    for (const char *field : kServerMetadata)
        removeKey(tree, metadata, field);
    if (const qsizetype at = tree.indexOf(metadata, "annotations"); at >= 0) {
        const Node annotations = tree.value(metadata, at);
        if (const qsizetype applied = tree.indexOf(annotations, kLastAppliedAnnotation); applied >= 0) {
            tree.removeEntry(annotations, applied);
            if (tree.size(annotations) == 0)
                tree.removeEntry(metadata, at);
        }
    }
    for (const IgnoreRule &rule : rules) {
        if (!rule.matches(key))
            continue;
        for (const QString &pointer : rule.jsonPointers)
            removeJsonPointer(tree, pointer);
    }
}

// The same as the compact form (tst_resourcediff checks that they agree), on the QJsonObject: a
// live object (LiveCompare) is normalized without building its tree twice over.
QJsonObject normalizeObject(QJsonObject object, const ResourceKey &key, const QList<IgnoreRule> &rules)
{
    object.remove(QLatin1String("status"));
    QJsonObject metadata = object.value(QLatin1String("metadata")).toObject();
    for (const char *field : kServerMetadata)
        metadata.remove(QLatin1String(field));
    QJsonObject annotations = metadata.value(QLatin1String("annotations")).toObject();
    if (annotations.contains(QLatin1String(kLastAppliedAnnotation))) {
        annotations.remove(QLatin1String(kLastAppliedAnnotation));
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
