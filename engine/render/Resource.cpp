#include "Resource.h"

#include "YamlTree.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QMutex>
#include <QSet>

#include <algorithm>
#include <numeric>
#include <optional>
#include <vector>

namespace sluice {

namespace {

// Key parts are mostly one shared copy (sharedKeyPart): equal by address, without reading them.
int compareParts(const QString &a, const QString &b)
{
    if (a.constData() == b.constData() && a.size() == b.size())
        return 0;
    return a.compare(b);
}

} // namespace

std::strong_ordering operator<=>(const ResourceKey &a, const ResourceKey &b)
{
    if (int c = compareParts(a.group, b.group); c != 0)
        return c <=> 0;
    if (int c = compareParts(a.kind, b.kind); c != 0)
        return c <=> 0;
    if (int c = compareParts(a.ns, b.ns); c != 0)
        return c <=> 0;
    return a.name.compare(b.name) <=> 0;
}

QString sharedKeyPart(const QString &s)
{
    thread_local QSet<QString> known; // copies of the process's, found without a lock
    if (const auto it = known.constFind(s); it != known.constEnd())
        return *it;
    static QMutex mutex;
    static QSet<QString> strings;
    QMutexLocker lock(&mutex);
    return *known.insert(*strings.insert(s));
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
    std::optional<yaml::CompactTree> tree =
        format == Format::Yaml ? yaml::parseCompact(text, sourceFile, line) : yaml::parseCompactJson(text);
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
    auto object = parseTree();
    if (!object)
        return object.error();
    return yaml::CompactTree::fromJson(*object);
}

namespace {

Error duplicateError(const Resource &present, const Resource &added)
{
    return makeError(ErrorCategory::Render, QStringLiteral("duplicate object %1: %2 and %3")
                                                .arg(added.key.displayName(), present.location(), added.location()));
}

// Puts items[order[i]] at i for every i, moving each object once along the permutation's cycles.
void permute(QList<Resource> &items, std::vector<quint32> &order)
{
    Resource *data = items.data();
    for (quint32 start = 0; start < order.size(); ++start) {
        if (order[start] == start)
            continue;
        Resource held = std::move(data[start]);
        quint32 at = start;
        while (order[at] != start) {
            const quint32 from = order[at];
            data[at] = std::move(data[from]);
            order[at] = at;
            at = from;
        }
        data[at] = std::move(held);
        order[at] = at;
    }
}

} // namespace

Result<ResourceSet> ResourceSet::fromList(QList<Resource> resources, Duplicates duplicates)
{
    // Positions are sorted, not objects (~200 bytes each), and stably: equal keys keep list order.
    const auto less = [&](quint32 a, quint32 b) { return resources.at(a).key < resources.at(b).key; };
    std::vector<quint32> order(size_t(resources.size()));
    std::iota(order.begin(), order.end(), 0u);
    const bool sorted = std::is_sorted(order.begin(), order.end(), less);
    if (!sorted)
        std::stable_sort(order.begin(), order.end(), less);

    // The first duplicate as inserting in list order would meet it: the later object of a key
    // that comes first in the list, and the key's first object.
    std::optional<std::pair<quint32, quint32>> duplicate; // (present, added)
    for (size_t i = 1, first = 0; i < order.size(); ++i) {
        if (resources.at(order[i]).key != resources.at(order[first]).key)
            first = i;
        else if (!duplicate || order[i] < duplicate->second)
            duplicate = {order[first], order[i]};
    }
    ResourceSet set;
    if (duplicate) {
        if (duplicates == Duplicates::Error)
            return duplicateError(resources.at(duplicate->first), resources.at(duplicate->second));
        for (quint32 i : order) { // each key's first object
            if (set.m_items.isEmpty() || set.m_items.constLast().key != resources.at(i).key)
                set.m_items.append(resources.at(i));
        }
    } else if (sorted) {
        set.m_items = std::move(resources);
    } else if (resources.isDetached()) {
        permute(resources, order);
        set.m_items = std::move(resources);
    } else { // shared (a memo holds the list): copied, which costs references, not texts
        set.m_items.reserve(resources.size());
        for (quint32 i : order)
            set.m_items.append(resources.at(i));
    }
    return set;
}

Status ResourceSet::insert(Resource resource)
{
    if (m_items.isEmpty() || m_items.constLast().key < resource.key) { // in key order (a cache entry): no search
        m_items.append(std::move(resource));
        return {};
    }
    const auto it = std::lower_bound(m_items.cbegin(), m_items.cend(), resource.key,
                                     [](const Resource &r, const ResourceKey &key) { return r.key < key; });
    if (it != m_items.cend() && it->key == resource.key)
        return duplicateError(*it, resource);
    m_items.insert(it - m_items.cbegin(), std::move(resource));
    return {};
}

bool ResourceSet::keepTexts(const std::function<bool(const Resource &)> &keep)
{
    if (!m_items.isDetached())
        return false;
    for (Resource &r : m_items)
        r.text = keep(r) ? QByteArray(r.text.constData(), r.text.size()) : QByteArray();
    return true;
}

std::span<Resource> ResourceSet::ownObjects()
{
    if (!m_items.isDetached())
        return {};
    return {m_items.data(), size_t(m_items.size())};
}

const Resource *ResourceSet::find(const ResourceKey &key) const
{
    const auto it = std::lower_bound(m_items.cbegin(), m_items.cend(), key,
                                     [](const Resource &r, const ResourceKey &k) { return r.key < k; });
    return it != m_items.cend() && it->key == key ? &*it : nullptr;
}

} // namespace sluice
