#include "Discovery.h"

#include "ApiStatus.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QStandardPaths>

namespace sluice::sandbox {

namespace {

const QByteArray kAggregatedType = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

// Types served outside the object store (no storage; create only), listed in discovery:
// SelfSubjectReview, answered by ApiRouter (`kubectl auth whoami`).
QList<ResourceType> virtualTypes()
{
    ResourceType review;
    review.group = QStringLiteral("authentication.k8s.io");
    review.version = QStringLiteral("v1");
    review.kind = QStringLiteral("SelfSubjectReview");
    review.plural = QStringLiteral("selfsubjectreviews");
    review.singular = QStringLiteral("selfsubjectreview");
    review.namespaced = false;
    review.verbs = QStringList{QStringLiteral("create")};
    return {review};
}

QList<ResourceType> discoveryTypes(const ResourceCatalog &catalog)
{
    return catalog.types() + virtualTypes();
}

QStringList discoveryVersions(const ResourceCatalog &catalog, const QString &group)
{
    QStringList versions = catalog.versions(group);
    for (const ResourceType &t : virtualTypes()) {
        if (t.group == group && !versions.contains(t.version))
            versions.append(t.version);
    }
    return versions;
}

QStringList discoveryGroups(const ResourceCatalog &catalog)
{
    QStringList groups = catalog.groups();
    for (const ResourceType &t : virtualTypes()) {
        if (!groups.contains(t.group))
            groups.append(t.group);
    }
    return groups;
}

QJsonArray toArray(const QStringList &list)
{
    return QJsonArray::fromStringList(list);
}

QJsonObject groupVersionKind(const ResourceType &t)
{
    return QJsonObject{{QStringLiteral("group"), t.group}, {QStringLiteral("version"), t.version}, {QStringLiteral("kind"), t.kind}};
}

QJsonObject aggregatedResource(const ResourceType &t)
{
    QJsonObject r{{QStringLiteral("resource"), t.plural},
                  {QStringLiteral("responseKind"), groupVersionKind(t)},
                  {QStringLiteral("scope"), t.namespaced ? QStringLiteral("Namespaced") : QStringLiteral("Cluster")},
                  {QStringLiteral("singularResource"), t.singular},
                  {QStringLiteral("verbs"), toArray(t.verbs)}};
    if (!t.shortNames.isEmpty())
        r.insert(QStringLiteral("shortNames"), toArray(t.shortNames));
    if (!t.categories.isEmpty())
        r.insert(QStringLiteral("categories"), toArray(t.categories));
    QJsonArray subs;
    for (const QString &sub : t.subresources) {
        QJsonObject s{{QStringLiteral("subresource"), sub},
                      {QStringLiteral("verbs"), toArray({QStringLiteral("get"), QStringLiteral("patch"), QStringLiteral("update")})}};
        if (sub == QLatin1String("token"))
            s = QJsonObject{{QStringLiteral("subresource"), sub},
                            {QStringLiteral("responseKind"), QJsonObject{{QStringLiteral("group"), QStringLiteral("authentication.k8s.io")},
                                                                         {QStringLiteral("version"), QStringLiteral("v1")},
                                                                         {QStringLiteral("kind"), QStringLiteral("TokenRequest")}}},
                            {QStringLiteral("verbs"), toArray({QStringLiteral("create")})}};
        else if (sub == QLatin1String("scale"))
            s.insert(QStringLiteral("responseKind"), QJsonObject{{QStringLiteral("group"), QStringLiteral("autoscaling")},
                                                                 {QStringLiteral("version"), QStringLiteral("v1")},
                                                                 {QStringLiteral("kind"), QStringLiteral("Scale")}});
        else
            s.insert(QStringLiteral("responseKind"), groupVersionKind(t));
        subs.append(s);
    }
    if (!subs.isEmpty())
        r.insert(QStringLiteral("subresources"), subs);
    return r;
}

QJsonObject aggregatedGroup(const ResourceCatalog &catalog, const QString &group)
{
    QJsonObject metadata{{QStringLiteral("creationTimestamp"), QJsonValue::Null}};
    if (!group.isEmpty())
        metadata.insert(QStringLiteral("name"), group);
    QJsonArray versions;
    for (const QString &version : discoveryVersions(catalog, group)) {
        QJsonArray resources;
        for (const ResourceType &t : discoveryTypes(catalog)) {
            if (t.group == group && t.version == version)
                resources.append(aggregatedResource(t));
        }
        versions.append(QJsonObject{{QStringLiteral("version"), version},
                                    {QStringLiteral("freshness"), QStringLiteral("Current")},
                                    {QStringLiteral("resources"), resources}});
    }
    return QJsonObject{{QStringLiteral("metadata"), metadata}, {QStringLiteral("versions"), versions}};
}

QJsonObject aggregatedList(const QJsonArray &items)
{
    return QJsonObject{{QStringLiteral("kind"), QStringLiteral("APIGroupDiscoveryList")},
                       {QStringLiteral("apiVersion"), QStringLiteral("apidiscovery.k8s.io/v2")},
                       {QStringLiteral("metadata"), QJsonObject()},
                       {QStringLiteral("items"), items}};
}

QJsonObject legacyGroup(const ResourceCatalog &catalog, const QString &group)
{
    QJsonArray versions;
    for (const QString &version : discoveryVersions(catalog, group))
        versions.append(QJsonObject{{QStringLiteral("groupVersion"), group + QLatin1Char('/') + version},
                                    {QStringLiteral("version"), version}});
    return QJsonObject{{QStringLiteral("name"), group},
                       {QStringLiteral("versions"), versions},
                       {QStringLiteral("preferredVersion"), versions.first()}};
}

} // namespace

bool wantsAggregatedDiscovery(const QByteArray &accept)
{
    for (const QByteArray &range : accept.split(',')) {
        bool aggregated = false;
        bool v2 = false;
        for (const QByteArray &param : range.split(';')) {
            const QByteArray p = param.trimmed();
            aggregated |= p == "as=APIGroupDiscoveryList";
            v2 |= p == "v=v2";
        }
        if (aggregated && v2)
            return true;
    }
    return false;
}

int detectServerMinor(int maxMinor, const QString &kubectlPath)
{
    const QString kubectl = kubectlPath.isEmpty() ? QStandardPaths::findExecutable(QStringLiteral("kubectl")) : kubectlPath;
    if (kubectl.isEmpty())
        return maxMinor;
    QStringList dirs{QFileInfo(kubectl).absolutePath()};
    const QString canonical = QFileInfo(kubectl).canonicalFilePath();
    if (!canonical.isEmpty())
        dirs << QFileInfo(canonical).absolutePath();
    for (int minor = maxMinor; minor >= 20; --minor) {
        for (const QString &dir : dirs) {
            if (QFileInfo(QDir(dir).filePath(QStringLiteral("kubectl.1.%1").arg(minor))).isExecutable())
                return minor;
        }
    }
    return maxMinor;
}

HttpResponse versionResponse(int minor)
{
    return jsonResponse(200, QJsonObject{{QStringLiteral("major"), QStringLiteral("1")},
                                         {QStringLiteral("minor"), QString::number(minor)},
                                         {QStringLiteral("gitVersion"), QStringLiteral("v1.%1.0-sandbox").arg(minor)},
                                         {QStringLiteral("gitCommit"), QStringLiteral("0000000000000000000000000000000000000000")},
                                         {QStringLiteral("gitTreeState"), QStringLiteral("clean")},
                                         {QStringLiteral("buildDate"), QStringLiteral("2025-01-01T00:00:00Z")},
                                         {QStringLiteral("goVersion"), QStringLiteral("go1.23.0")},
                                         {QStringLiteral("compiler"), QStringLiteral("gc")},
                                         {QStringLiteral("platform"), QStringLiteral("linux/amd64")}});
}

HttpResponse coreDiscovery(const ResourceCatalog &catalog, const QByteArray &accept, const QString &serverAddress)
{
    if (wantsAggregatedDiscovery(accept))
        return jsonResponse(200, aggregatedList({aggregatedGroup(catalog, QString())}), kAggregatedType);
    return jsonResponse(200, QJsonObject{{QStringLiteral("kind"), QStringLiteral("APIVersions")},
                                         {QStringLiteral("versions"), QJsonArray{QStringLiteral("v1")}},
                                         {QStringLiteral("serverAddressByClientCIDRs"),
                                          QJsonArray{QJsonObject{{QStringLiteral("clientCIDR"), QStringLiteral("0.0.0.0/0")},
                                                                 {QStringLiteral("serverAddress"), serverAddress}}}}});
}

HttpResponse groupsDiscovery(const ResourceCatalog &catalog, const QByteArray &accept)
{
    const bool aggregated = wantsAggregatedDiscovery(accept);
    QJsonArray items;
    for (const QString &group : discoveryGroups(catalog))
        items.append(aggregated ? aggregatedGroup(catalog, group) : legacyGroup(catalog, group));
    if (aggregated)
        return jsonResponse(200, aggregatedList(items), kAggregatedType);
    return jsonResponse(200, QJsonObject{{QStringLiteral("kind"), QStringLiteral("APIGroupList")},
                                         {QStringLiteral("apiVersion"), QStringLiteral("v1")},
                                         {QStringLiteral("groups"), items}});
}

HttpResponse groupDiscovery(const ResourceCatalog &catalog, const QString &group)
{
    if (discoveryVersions(catalog, group).isEmpty())
        return pathNotFound();
    QJsonObject body = legacyGroup(catalog, group);
    body.insert(QStringLiteral("kind"), QStringLiteral("APIGroup"));
    body.insert(QStringLiteral("apiVersion"), QStringLiteral("v1"));
    return jsonResponse(200, body);
}

HttpResponse resourceListDiscovery(const ResourceCatalog &catalog, const QString &group, const QString &version)
{
    if (!discoveryVersions(catalog, group).contains(version))
        return pathNotFound();
    QJsonArray resources;
    for (const ResourceType &t : discoveryTypes(catalog)) {
        if (t.group != group || t.version != version)
            continue;
        QJsonObject r{{QStringLiteral("name"), t.plural},
                      {QStringLiteral("singularName"), t.singular},
                      {QStringLiteral("namespaced"), t.namespaced},
                      {QStringLiteral("kind"), t.kind},
                      {QStringLiteral("verbs"), toArray(t.verbs)}};
        if (!t.shortNames.isEmpty())
            r.insert(QStringLiteral("shortNames"), toArray(t.shortNames));
        if (!t.categories.isEmpty())
            r.insert(QStringLiteral("categories"), toArray(t.categories));
        resources.append(r);
        const QJsonObject aggregated = aggregatedResource(t);
        for (const QJsonValue &subValue : aggregated.value(QStringLiteral("subresources")).toArray()) {
            const QJsonObject sub = subValue.toObject();
            const QJsonObject kind = sub.value(QStringLiteral("responseKind")).toObject();
            QJsonObject s{{QStringLiteral("name"), t.plural + QLatin1Char('/') + sub.value(QStringLiteral("subresource")).toString()},
                          {QStringLiteral("singularName"), QString()},
                          {QStringLiteral("namespaced"), t.namespaced},
                          {QStringLiteral("kind"), kind.value(QStringLiteral("kind"))},
                          {QStringLiteral("verbs"), sub.value(QStringLiteral("verbs"))}};
            if (kind.value(QStringLiteral("group")).toString() != t.group)
                s.insert(QStringLiteral("group"), kind.value(QStringLiteral("group")));
            if (kind.value(QStringLiteral("version")).toString() != t.version)
                s.insert(QStringLiteral("version"), kind.value(QStringLiteral("version")));
            resources.append(s);
        }
    }
    const QString groupVersion = group.isEmpty() ? version : group + QLatin1Char('/') + version;
    return jsonResponse(200, QJsonObject{{QStringLiteral("kind"), QStringLiteral("APIResourceList")},
                                         {QStringLiteral("apiVersion"), QStringLiteral("v1")},
                                         {QStringLiteral("groupVersion"), groupVersion},
                                         {QStringLiteral("resources"), resources}});
}

} // namespace sluice::sandbox
