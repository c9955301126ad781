#pragma once

// The sandbox's table of built-in resource types, as a real 1.32 API server reports them in
// discovery (verbs, shortNames, categories, subresources). Later: CRD-served types are added
// to a catalog instance at run time, so lookups go through ResourceCatalog, not the static list.

#include <QList>
#include <QString>
#include <QStringList>

namespace sluice::sandbox {

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

    const QList<ResourceType> &types() const { return m_types; }
    // nullptr when `group`/`version` has no resource `plural`. Cost: linear, ~25 entries.
    const ResourceType *find(const QString &group, const QString &version, const QString &plural) const;
    const ResourceType *findByStoreKey(const QString &storeKey) const;
    const ResourceType *namespaces() const { return find(QString(), QStringLiteral("v1"), QStringLiteral("namespaces")); }
    // Group names in preference order (core excluded), each with its versions.
    QStringList groups() const;
    QStringList versions(const QString &group) const;
    bool hasGroupVersion(const QString &group, const QString &version) const;

private:
    QList<ResourceType> m_types;
};

} // namespace sluice::sandbox
