#pragma once

// The sandbox's table of resource types, as a real 1.32 API server reports them in discovery
// (verbs, shortNames, categories, subresources): the built-in types plus the types served for
// CustomResourceDefinitions, registered and unregistered at run time (CustomResources.h).
//
// Pointer stability: a `const ResourceType *` from find() stays valid for the catalog's
// lifetime, even after its CRD is updated or deleted (a retired type is kept, not freed), so
// open watches may hold one.

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <list>

namespace sluice::sandbox {

// A CRD's additionalPrinterColumns entry (simple jsonPaths only: `.a.b.c`).
struct PrinterColumn
{
    QString name;
    QString type; // string, integer, number, boolean, date
    QString jsonPath;
    QString description;
    int priority = 0;
};

struct ResourceType
{
    QString group;   // "" for core
    QString version; // "v1"
    QString kind;    // "ConfigMap"
    QString plural;  // "configmaps"
    QString singular;
    bool namespaced = true;
    QStringList verbs;
    QStringList shortNames;
    QStringList categories;
    QStringList subresources;   // each served with verbs get, patch, update
    bool hasGeneration = false; // metadata.generation maintained (types with a spec)
    // Custom resources only:
    QString definition;                // name of the serving CRD; empty for built-in types
    QList<PrinterColumn> printerColumns; // additional Table columns
    QJsonObject schema;                // openAPIV3Schema; empty = permissive

    bool isCustom() const { return !definition.isEmpty(); }

    QString groupVersion() const { return group.isEmpty() ? version : group + QLatin1Char('/') + version; }
    // Key of this type in the object store: "configmaps", "deployments.apps".
    QString storeKey() const { return group.isEmpty() ? plural : plural + QLatin1Char('.') + group; }
    bool hasStatusSubresource() const { return subresources.contains(QStringLiteral("status")); }
};

class ResourceCatalog
{
public:
    // The built-in types listed in the sandbox brief.
    static ResourceCatalog builtin();

    // Built-in types, then custom types in registration order. Cost: a copy (~25 entries + CRDs).
    QList<ResourceType> types() const;
    // nullptr when `group`/`version` has no resource `plural`. Cost: linear in the types.
    const ResourceType *find(const QString &group, const QString &version, const QString &plural) const;
    const ResourceType *findByStoreKey(const QString &storeKey) const;
    const ResourceType *namespaces() const { return find(QString(), QStringLiteral("v1"), QStringLiteral("namespaces")); }
    // Group names in preference order (core excluded), each with its versions.
    QStringList groups() const;
    QStringList versions(const QString &group) const;
    bool hasGroupVersion(const QString &group, const QString &version) const;

    // Serves `types` for the CRD `definition`, replacing what it served before. A type whose
    // group and plural belong to a built-in type is skipped. Returns the number registered.
    int registerCustom(const QString &definition, const QList<ResourceType> &types);
    // Stops serving the types of `definition` (no-op when it serves none).
    void unregisterCustom(const QString &definition);

private:
    QList<ResourceType> m_types;          // built-in; never changed after builtin()
    std::list<ResourceType> m_custom;     // served custom types
    std::list<ResourceType> m_retired;    // no longer served; kept for pointer stability
};

} // namespace sluice::sandbox
