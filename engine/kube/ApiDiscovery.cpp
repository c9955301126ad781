#include "ApiDiscovery.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

namespace sluice::kube {

namespace {

constexpr const char *kAggregatedAccept =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";

QStringList strings(const QJsonValue &value)
{
    QStringList out;
    for (const QJsonValue &v : value.toArray())
        out << v.toString();
    return out;
}

Result<QJsonObject> jsonObject(const QByteArray &json, const char *what)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (!doc.isObject())
        return makeError(ErrorCategory::Kube, QStringLiteral("the server's %1 is not a JSON object (%2)")
                                                  .arg(QLatin1String(what), error.errorString()));
    return doc.object();
}

} // namespace

std::optional<ApiResource> ApiDiscovery::find(const QString &group, const QString &kind, const QString &version) const
{
    for (const ApiResource &r : resources) {
        if (r.group == group && r.kind == kind && (version.isEmpty() || r.version == version))
            return r;
    }
    return std::nullopt;
}

int ApiDiscovery::groupCount() const
{
    QSet<QString> groups;
    for (const ApiResource &r : resources)
        groups.insert(r.group);
    return int(groups.size());
}

Status parseAggregatedDiscovery(const QByteArray &json, ApiDiscovery &into)
{
    auto root = jsonObject(json, "APIGroupDiscoveryList");
    if (!root)
        return root.error();
    for (const QJsonValue &itemValue : root->value(QLatin1String("items")).toArray()) {
        const QJsonObject item = itemValue.toObject();
        const QString group = item.value(QLatin1String("metadata")).toObject().value(QLatin1String("name")).toString();
        for (const QJsonValue &versionValue : item.value(QLatin1String("versions")).toArray()) {
            const QJsonObject version = versionValue.toObject();
            for (const QJsonValue &resourceValue : version.value(QLatin1String("resources")).toArray()) {
                const QJsonObject r = resourceValue.toObject();
                ApiResource resource;
                resource.group = group;
                resource.version = version.value(QLatin1String("version")).toString();
                resource.resource = r.value(QLatin1String("resource")).toString();
                resource.kind = r.value(QLatin1String("responseKind")).toObject().value(QLatin1String("kind")).toString();
                resource.singular = r.value(QLatin1String("singularResource")).toString();
                resource.namespaced = r.value(QLatin1String("scope")).toString() != QLatin1String("Cluster");
                resource.verbs = strings(r.value(QLatin1String("verbs")));
                resource.shortNames = strings(r.value(QLatin1String("shortNames")));
                resource.categories = strings(r.value(QLatin1String("categories")));
                if (!resource.resource.isEmpty() && !resource.kind.isEmpty())
                    into.resources.append(resource);
            }
        }
    }
    return {};
}

Status parseApiResourceList(const QByteArray &json, ApiDiscovery &into)
{
    auto root = jsonObject(json, "APIResourceList");
    if (!root)
        return root.error();
    const QString groupVersion = root->value(QLatin1String("groupVersion")).toString();
    const qsizetype slash = groupVersion.indexOf(QLatin1Char('/'));
    for (const QJsonValue &value : root->value(QLatin1String("resources")).toArray()) {
        const QJsonObject r = value.toObject();
        const QString name = r.value(QLatin1String("name")).toString();
        if (name.isEmpty() || name.contains(QLatin1Char('/')))
            continue; // subresources
        ApiResource resource;
        resource.group = slash < 0 ? QString() : groupVersion.left(slash);
        resource.version = slash < 0 ? groupVersion : groupVersion.mid(slash + 1);
        resource.resource = name;
        resource.kind = r.value(QLatin1String("kind")).toString();
        resource.singular = r.value(QLatin1String("singularName")).toString();
        resource.namespaced = r.value(QLatin1String("namespaced")).toBool();
        resource.verbs = strings(r.value(QLatin1String("verbs")));
        resource.shortNames = strings(r.value(QLatin1String("shortNames")));
        resource.categories = strings(r.value(QLatin1String("categories")));
        into.resources.append(resource);
    }
    return {};
}

Result<ApiDiscovery> discover(KubeClient &client, const CancelToken &cancel)
{
    ApiDiscovery discovery;
    Request request;
    request.accept = kAggregatedAccept;
    request.pathAndQuery = QStringLiteral("/api");
    auto core = client.send(request, cancel);
    if (!core)
        return core.error();
    if (core->contentType.contains("as=APIGroupDiscoveryList")) {
        discovery.aggregated = true;
        if (Status s = parseAggregatedDiscovery(core->body, discovery); !s)
            return s.error();
        request.pathAndQuery = QStringLiteral("/apis");
        auto groups = client.send(request, cancel);
        if (!groups)
            return groups.error();
        if (Status s = parseAggregatedDiscovery(groups->body, discovery); !s)
            return s.error();
        return discovery;
    }

    // Legacy: /api/v1, then the preferred version of every group in /apis.
    QStringList groupVersionPaths{QStringLiteral("/api/v1")};
    auto groups = client.getJson(QStringLiteral("/apis"), cancel);
    if (!groups)
        return groups.error();
    for (const QJsonValue &g : groups->value(QLatin1String("groups")).toArray()) {
        const QString gv = g.toObject().value(QLatin1String("preferredVersion")).toObject().value(QLatin1String("groupVersion")).toString();
        if (!gv.isEmpty())
            groupVersionPaths << QStringLiteral("/apis/") + gv;
    }
    for (const QString &path : groupVersionPaths) {
        auto list = client.send(Request::get(path), cancel);
        if (!list)
            return list.error();
        if (Status s = parseApiResourceList(list->body, discovery); !s)
            return s.error();
    }
    return discovery;
}

Result<ApiDiscovery> DiscoveryCache::get(bool refresh, const CancelToken &cancel)
{
    QMutexLocker lock(&m_mutex);
    if (m_cached && !refresh)
        return *m_cached;
    auto fresh = discover(*m_client, cancel);
    if (!fresh)
        return fresh.error();
    m_cached = *fresh;
    return *m_cached;
}

Result<ApiResource> DiscoveryCache::resourceFor(const QString &group, const QString &kind, const QString &version,
                                                const CancelToken &cancel)
{
    for (bool refresh : {false, true}) {
        auto discovery = get(refresh, cancel);
        if (!discovery)
            return discovery.error();
        if (auto resource = discovery->find(group, kind, version))
            return *resource;
    }
    const QString name = group.isEmpty() ? kind : kind + QLatin1Char('.') + group;
    return makeError(ErrorCategory::Kube, QStringLiteral("%1 does not serve %2%3 (is its CustomResourceDefinition installed?)")
                                              .arg(m_client->context().server, name,
                                                   version.isEmpty() ? QString() : QLatin1Char('/') + version));
}

void DiscoveryCache::invalidate()
{
    QMutexLocker lock(&m_mutex);
    m_cached.reset();
}

} // namespace sluice::kube
