#include "Resource.h"

#include "YamlTree.h"

#include <QJsonDocument>
#include <QJsonParseError>

#include <atomic>

namespace sluice {

std::strong_ordering operator<=>(const ResourceKey &a, const ResourceKey &b)
{
    if (int c = a.group.compare(b.group); c != 0)
        return c <=> 0;
    if (int c = a.kind.compare(b.kind); c != 0)
        return c <=> 0;
    if (int c = a.ns.compare(b.ns); c != 0)
        return c <=> 0;
    return a.name.compare(b.name) <=> 0;
}

QString ResourceKey::toString() const
{
    return group + QLatin1Char('/') + kind + QLatin1Char('/') + ns + QLatin1Char('/') + name;
}

QString ResourceKey::displayName() const
{
    const QString kindName = group.isEmpty() ? kind : kind + QLatin1Char('.') + group;
    return kindName + QLatin1Char(' ') + (ns.isEmpty() ? name : ns + QLatin1Char('/') + name);
}

QString ResourceKey::listName(bool withKind, bool withNamespace) const
{
    QStringList parts{name};
    if (withKind)
        parts.append(group.isEmpty() ? kind : kind + QLatin1Char('.') + group);
    if (withNamespace && !ns.isEmpty())
        parts.append(ns);
    return parts.join(QStringLiteral(" \u00b7 "));
}

QString SourceLocation::toString() const
{
    return line > 0 ? file + QLatin1Char(':') + QString::number(line) : file;
}

Result<QJsonObject> Resource::parseTree() const
{
    QJsonValue value;
    if (format == Format::Json) {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(text, &error);
        if (error.error != QJsonParseError::NoError)
            return makeError(ErrorCategory::Yaml,
                             QStringLiteral("%1: malformed JSON: %2").arg(location(), error.errorString()));
        value = doc.object();
    } else {
        auto parsed = yaml::parseDocument(text, sourceFile, line);
        if (!parsed)
            return parsed.error();
        value = *parsed;
    }
    if (!value.isObject())
        return makeError(ErrorCategory::Yaml,
                         QStringLiteral("%1: not a Kubernetes object").arg(location()));
    QJsonObject object = value.toObject();
    QJsonObject metadata = object.value(QLatin1String("metadata")).toObject();
    if (key.ns.isEmpty())
        metadata.remove(QLatin1String("namespace"));
    else
        metadata.insert(QLatin1String("namespace"), key.ns);
    object.insert(QLatin1String("metadata"), metadata);
    return object;
}

Result<yaml::CompactTree> Resource::parseCompactTree() const
{
    if (format == Format::Yaml) {
        std::optional<yaml::CompactTree> tree = yaml::parseCompact(text, sourceFile, line);
        if (tree && tree->isMap(tree->root())) {
            // metadata.namespace as parseTree sets it.
            const yaml::CompactTree::Node metadata = tree->mapAt(tree->root(), "metadata");
            if (key.ns.isEmpty()) {
                if (const qsizetype ns = tree->indexOf(metadata, "namespace"); ns >= 0)
                    tree->removeEntry(metadata, ns);
            } else {
                tree->insert(metadata, "namespace", tree->addString(key.ns.toUtf8()));
            }
            return std::move(*tree);
        }
    }
    auto object = parseTree();
    if (!object)
        return object.error();
    return yaml::CompactTree::fromJson(*object);
}

const ResourceSet::Map &ResourceSet::items() const
{
    static const Map empty;
    return m_items ? *m_items : empty;
}

Status ResourceSet::insert(Resource resource)
{
    // Only this copy holds the map once its count is 1 (no other can gain a reference but
    // through this one), so it can be changed in place.
    if (!m_items || m_items.use_count() > 1)
        m_items = std::make_shared<Map>(items());
    else
        std::atomic_thread_fence(std::memory_order_acquire); // after the reads of a copy released on another thread
    Map &map = *m_items;
    if (!map.empty() && map.rbegin()->first < resource.key) { // in key order (a cache entry): no search
        map.emplace_hint(map.end(), resource.key, std::move(resource));
        return {};
    }
    auto [it, inserted] = map.try_emplace(resource.key, std::move(resource)); // not moved from when present
    if (!inserted)
        return makeError(ErrorCategory::Render,
                         QStringLiteral("duplicate object %1: %2 and %3")
                             .arg(resource.key.displayName(), it->second.location(), resource.location()));
    return {};
}

const Resource *ResourceSet::find(const ResourceKey &key) const
{
    const Map &map = items();
    const auto it = map.find(key);
    return it == map.end() ? nullptr : &it->second;
}

} // namespace sluice
