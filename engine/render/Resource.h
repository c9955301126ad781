#pragma once

// Rendered Kubernetes objects, keyed by group/kind/namespace/name.

#include "CompactTree.h"
#include "core/Result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <compare>
#include <functional>
#include <span>

namespace sluice {

struct ResourceKey
{
    QString group; // "" for the core group
    QString kind;
    QString ns;    // "" for cluster-scoped kinds
    QString name;

    // "group/kind/namespace/name", e.g. "apps/Deployment/shop/web", "/Namespace//shop".
    QString toString() const;
    // "Deployment shop/web", "Namespace shop": for people.
    QString displayName() const;
    // Name first, for lists that elide: "web · Deployment · shop". A list grouped by kind or by
    // namespace leaves that part out ("web · shop", "web · Deployment").
    QString listName(bool withKind = true, bool withNamespace = true) const;

    friend bool operator==(const ResourceKey &, const ResourceKey &) = default;
    friend std::strong_ordering operator<=>(const ResourceKey &a, const ResourceKey &b);
};

// One copy in the process of a string many objects' keys share (a group, kind, namespace, API
// version), so that keys from two renders or cache entries compare those parts by address, and a
// cache entry's table finds them so. Kept for the process's life: a few hundred, a few thousand
// in a fleet of many namespaces.
QString sharedKeyPart(const QString &s);

// Where an object was rendered from. The file's name is shared by the objects of a file, so a
// large review holds no "file:line" string per object.
struct SourceLocation
{
    QString file; // relative to the application path, or the renderer's output name; "" for none
    int line = 0; // 1-based, or 0 (a live object)

    bool isEmpty() const { return file.isEmpty(); }
    QString toString() const; // "file:line", or "file" when line is 0
    friend bool operator==(const SourceLocation &, const SourceLocation &) = default;
};

// One object as rendered. Its parsed tree is not kept: `text` is parsed again (parseTree) only
// for objects that differ or are shown, because a tree costs ~45× its text.
struct Resource
{
    enum class Format { Yaml, Json };

    ResourceKey key;
    QString apiVersion;
    QString sourceFile; // relative to the application path, or the renderer's output name
    int line = 0;       // 1-based line of the document within sourceFile
    Format format = Format::Yaml; // beside `line`: a large manifest has hundreds of thousands of these
    QByteArray text;    // the object's own text
    // Structural hash of the object: equal for texts that differ only in comments, formatting,
    // quoting style or key order. Equal hashes mean equal objects; different hashes mean
    // "compare the trees".
    quint64 hash = 0;

    SourceLocation source() const { return {sourceFile, line}; }
    QString location() const { return source().toString(); } // "file:line", or "file" when line is 0 (a live object)

    // Parses `text`; metadata.namespace is set to the key's namespace (dropped when empty, as
    // for cluster-scoped kinds).
    Result<QJsonObject> parseTree() const;
    // The same tree, compact (what a review compares): read straight from the text where
    // yaml::parseCompact (YAML) or yaml::parseCompactJson (JSON) can, else built from parseTree's.
    Result<yaml::CompactTree> parseCompactTree() const;
};

// The desired set: resources by key, iterated in key order (group, kind, namespace, name). The
// objects are kept in one sorted list, each holding its own key: no node or key copy per object
// (a large manifest has hundreds of thousands). Implicitly shared, as Qt's containers are: a copy
// (the render cache's, a diff's source) costs a reference.
class ResourceSet
{
public:
    // What fromList does with a key given twice.
    enum class Duplicates { Error, KeepFirst };

    // The set of `resources`, in any order. With Duplicates::Error, a key given twice is an
    // error naming both, as insert() in list order would report it: "duplicate object Deployment
    // shop/web: a.yaml:1 and b.yaml:7". O(n log n); sorts the list in place when not shared.
    static Result<ResourceSet> fromList(QList<Resource> resources, Duplicates duplicates = Duplicates::Error);

    // Room for `count` objects, so that a set read in key order (insert) is not grown and moved
    // as it goes.
    void reserve(qsizetype count) { m_items.reserve(count); }

    // Adds one object; error (the message above) when its key is present. Cheap at the end of
    // the key order (a cache entry is read in key order); elsewhere it moves the later objects,
    // so build large sets from a list with fromList.
    Status insert(Resource resource);

    // Gives each object `keep` accepts a copy of its text of its own and drops the others' text,
    // so that the buffers the texts were slices of can go: a large review keeps only the texts
    // it compares. False (nothing changed) when the objects are shared with another set (the
    // render cache's): the buffers would stay all the same.
    bool keepTexts(const std::function<bool(const Resource &)> &keep);

    // The objects in key order, to change anything but their keys; empty when they are shared
    // with another set (changing them would copy them all).
    std::span<Resource> ownObjects();

    const Resource *find(const ResourceKey &key) const;
    qsizetype size() const { return m_items.size(); }
    bool isEmpty() const { return m_items.isEmpty(); }
    QList<Resource>::const_iterator begin() const { return m_items.cbegin(); }
    QList<Resource>::const_iterator end() const { return m_items.cend(); }

    // What the renderer left out on purpose, for people: "left out Pod default/web-test (a helm
    // test hook: helm test runs it, a release does not deploy it)".
    QStringList notes;

private:
    QList<Resource> m_items; // sorted by key, each key once
};

} // namespace sluice

// Qt's lists move these as bytes when they grow (their members are Qt's relocatable types).
Q_DECLARE_TYPEINFO(sluice::ResourceKey, Q_RELOCATABLE_TYPE);
Q_DECLARE_TYPEINFO(sluice::Resource, Q_RELOCATABLE_TYPE);
