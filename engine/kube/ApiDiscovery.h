#pragma once

// Discovery: which resources a cluster serves, by kind, from the aggregated discovery documents
// (apidiscovery.k8s.io/v2) or, when the server does not offer them, the legacy per-group-version
// documents. Parsers are pure; discover() talks to the server.

#include "KubeClient.h"

#include <QList>
#include <QMutex>
#include <QStringList>

#include <optional>

namespace sluice::kube {

struct ApiResource
{
    QString group;
    QString version;
    QString resource; // plural, e.g. "deployments"
    QString kind;
    QString singular;
    bool namespaced = true;
    QStringList verbs;
    QStringList shortNames;
    QStringList categories;

    ResourcePath path(const QString &ns = {}, const QString &name = {}) const
    {
        return {group, version, resource, namespaced ? ns : QString(), name};
    }
};

class ApiDiscovery
{
public:
    QList<ApiResource> resources; // preferred version first within each group
    bool aggregated = false;      // served as APIGroupDiscoveryList

    // The resource of a kind in a group, at `version` when given, else the preferred one.
    std::optional<ApiResource> find(const QString &group, const QString &kind, const QString &version = {}) const;
    int groupCount() const;
};

// Appends the resources of an APIGroupDiscoveryList (from /api or /apis). Subresources skipped.
Status parseAggregatedDiscovery(const QByteArray &json, ApiDiscovery &into);
// Appends the resources of an APIResourceList (from /api/v1 or /apis/G/V). Subresources skipped.
Status parseApiResourceList(const QByteArray &json, ApiDiscovery &into);

// Fetches discovery: aggregated when offered, else legacy (/api, /apis, then every preferred
// group-version). Blocking. The caller caches the result (KubeClient::discovery does).
Result<ApiDiscovery> discover(KubeClient &client, const CancelToken &cancel = {});

// Discovery fetched once and shared (thread-safe). resourceFor() refreshes once when a kind is
// unknown, since a CRD may have been installed since.
class DiscoveryCache
{
public:
    explicit DiscoveryCache(std::shared_ptr<KubeClient> client) : m_client(std::move(client)) {}

    Result<ApiDiscovery> get(bool refresh = false, const CancelToken &cancel = {});
    // Error when the cluster does not serve the kind: "… does not serve Widget.acme.io (is its
    // CustomResourceDefinition installed?)".
    Result<ApiResource> resourceFor(const QString &group, const QString &kind, const QString &version = {},
                                    const CancelToken &cancel = {});
    void invalidate();

private:
    std::shared_ptr<KubeClient> m_client;
    QMutex m_mutex;
    std::optional<ApiDiscovery> m_cached;
};

} // namespace sluice::kube
