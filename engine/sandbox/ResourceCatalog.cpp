#include "ResourceCatalog.h"

#include <algorithm>

namespace sluice::sandbox {

namespace {

const QStringList kAll{QStringLiteral("create"), QStringLiteral("delete"), QStringLiteral("deletecollection"),
                       QStringLiteral("get"), QStringLiteral("list"), QStringLiteral("patch"),
                       QStringLiteral("update"), QStringLiteral("watch")};
const QStringList kNoCollectionDelete{QStringLiteral("create"), QStringLiteral("delete"), QStringLiteral("get"),
                                      QStringLiteral("list"), QStringLiteral("patch"), QStringLiteral("update"),
                                      QStringLiteral("watch")};

ResourceType make(const char *group, const char *kind, const char *plural, bool namespaced, QStringList shortNames,
                  QStringList categories, QStringList subresources, bool hasGeneration,
                  const QStringList &verbs = kAll)
{
    ResourceType t;
    t.group = QString::fromLatin1(group);
    t.version = QStringLiteral("v1");
    t.kind = QString::fromLatin1(kind);
    t.plural = QString::fromLatin1(plural);
    t.singular = t.kind.toLower();
    t.namespaced = namespaced;
    t.verbs = verbs;
    t.shortNames = std::move(shortNames);
    t.categories = std::move(categories);
    t.subresources = std::move(subresources);
    t.hasGeneration = hasGeneration;
    return t;
}

} // namespace

static ResourceType withVersion(ResourceType t, const char *version)
{
    t.version = QString::fromLatin1(version);
    return t;
}

ResourceCatalog ResourceCatalog::builtin()
{
    const QStringList all{QStringLiteral("all")};
    const QStringList status{QStringLiteral("status")};
    const QStringList statusScale{QStringLiteral("scale"), QStringLiteral("status")};
    const bool ns = true;
    const bool cluster = false;
    ResourceCatalog c;
    c.m_types = {
        make("", "Namespace", "namespaces", cluster, {QStringLiteral("ns")}, {}, {QStringLiteral("finalize"), QStringLiteral("status")},
             false, kNoCollectionDelete),
        make("", "ConfigMap", "configmaps", ns, {QStringLiteral("cm")}, {}, {}, false),
        make("", "Secret", "secrets", ns, {}, {}, {}, false),
        make("", "Service", "services", ns, {QStringLiteral("svc")}, all, status, false),
        make("", "ServiceAccount", "serviceaccounts", ns, {QStringLiteral("sa")}, {}, {QStringLiteral("token")}, false),
        make("", "Pod", "pods", ns, {QStringLiteral("po")}, all, status, false),
        make("", "PersistentVolumeClaim", "persistentvolumeclaims", ns, {QStringLiteral("pvc")}, {}, status, false),
        make("", "Event", "events", ns, {QStringLiteral("ev")}, {}, {}, false),
        make("apps", "Deployment", "deployments", ns, {QStringLiteral("deploy")}, all, statusScale, true),
        make("apps", "StatefulSet", "statefulsets", ns, {QStringLiteral("sts")}, all, statusScale, true),
        make("apps", "DaemonSet", "daemonsets", ns, {QStringLiteral("ds")}, all, status, true),
        make("apps", "ReplicaSet", "replicasets", ns, {QStringLiteral("rs")}, all, statusScale, true),
        make("batch", "Job", "jobs", ns, {}, all, status, true),
        make("batch", "CronJob", "cronjobs", ns, {QStringLiteral("cj")}, all, status, true),
        make("networking.k8s.io", "Ingress", "ingresses", ns, {QStringLiteral("ing")}, {}, status, true),
        make("rbac.authorization.k8s.io", "Role", "roles", ns, {}, {}, {}, false),
        make("rbac.authorization.k8s.io", "RoleBinding", "rolebindings", ns, {}, {}, {}, false),
        make("rbac.authorization.k8s.io", "ClusterRole", "clusterroles", cluster, {}, {}, {}, false),
        make("rbac.authorization.k8s.io", "ClusterRoleBinding", "clusterrolebindings", cluster, {}, {}, {}, false),
        make("apiextensions.k8s.io", "CustomResourceDefinition", "customresourcedefinitions", cluster,
             {QStringLiteral("crd"), QStringLiteral("crds")}, {QStringLiteral("api-extensions")}, status, true),
        make("policy", "PodDisruptionBudget", "poddisruptionbudgets", ns, {QStringLiteral("pdb")}, {}, status, true),
        // Kinds common in real manifest sets (kube-prometheus and Argo CD use most of them).
        make("", "Endpoints", "endpoints", ns, {QStringLiteral("ep")}, {}, {}, false),
        make("", "LimitRange", "limitranges", ns, {QStringLiteral("limits")}, {}, {}, false),
        make("", "ResourceQuota", "resourcequotas", ns, {QStringLiteral("quota")}, {}, status, false),
        make("", "PersistentVolume", "persistentvolumes", cluster, {QStringLiteral("pv")}, {}, status, false),
        make("networking.k8s.io", "NetworkPolicy", "networkpolicies", ns, {QStringLiteral("netpol")}, {}, {}, true),
        make("networking.k8s.io", "IngressClass", "ingressclasses", cluster, {}, {}, {}, false),
        make("storage.k8s.io", "StorageClass", "storageclasses", cluster, {QStringLiteral("sc")}, {}, {}, false),
        make("scheduling.k8s.io", "PriorityClass", "priorityclasses", cluster, {QStringLiteral("pc")}, {}, {}, false),
        make("coordination.k8s.io", "Lease", "leases", ns, {}, {}, {}, false),
        make("discovery.k8s.io", "EndpointSlice", "endpointslices", ns, {}, {}, {}, false),
        make("admissionregistration.k8s.io", "ValidatingWebhookConfiguration", "validatingwebhookconfigurations", cluster,
             {}, {QStringLiteral("api-extensions")}, {}, true),
        make("admissionregistration.k8s.io", "MutatingWebhookConfiguration", "mutatingwebhookconfigurations", cluster,
             {}, {QStringLiteral("api-extensions")}, {}, true),
        make("apiregistration.k8s.io", "APIService", "apiservices", cluster, {}, {QStringLiteral("api-extensions")}, status, false),
        withVersion(make("autoscaling", "HorizontalPodAutoscaler", "horizontalpodautoscalers", ns, {QStringLiteral("hpa")}, all,
                         status, true),
                    "v2"),
    };
    return c;
}

QList<ResourceType> ResourceCatalog::types() const
{
    QList<ResourceType> result = m_types;
    for (const ResourceType &t : m_custom)
        result.append(t);
    return result;
}

const ResourceType *ResourceCatalog::find(const QString &group, const QString &version, const QString &plural) const
{
    for (const ResourceType &t : m_types) {
        if (t.plural == plural && t.group == group && t.version == version)
            return &t;
    }
    for (const ResourceType &t : m_custom) {
        if (t.plural == plural && t.group == group && t.version == version)
            return &t;
    }
    return nullptr;
}

const ResourceType *ResourceCatalog::findByStoreKey(const QString &storeKey) const
{
    for (const ResourceType &t : m_types) {
        if (t.storeKey() == storeKey)
            return &t;
    }
    for (const ResourceType &t : m_custom) {
        if (t.storeKey() == storeKey)
            return &t;
    }
    return nullptr;
}

int ResourceCatalog::registerCustom(const QString &definition, const QList<ResourceType> &types)
{
    unregisterCustom(definition);
    int registered = 0;
    for (ResourceType t : types) {
        const bool builtinClash = std::any_of(m_types.cbegin(), m_types.cend(), [&](const ResourceType &b) {
            return b.group == t.group && b.plural == t.plural;
        });
        if (builtinClash || find(t.group, t.version, t.plural))
            continue;
        t.definition = definition;
        m_custom.push_back(std::move(t));
        ++registered;
    }
    return registered;
}

void ResourceCatalog::unregisterCustom(const QString &definition)
{
    for (auto it = m_custom.begin(); it != m_custom.end();) {
        auto next = std::next(it);
        if (it->definition == definition)
            m_retired.splice(m_retired.end(), m_custom, it); // the element keeps its address
        it = next;
    }
}

QStringList ResourceCatalog::groups() const
{
    QStringList result;
    for (const ResourceType &t : types()) {
        if (!t.group.isEmpty() && !result.contains(t.group))
            result << t.group;
    }
    return result;
}

QStringList ResourceCatalog::versions(const QString &group) const
{
    QStringList result;
    for (const ResourceType &t : types()) {
        if (t.group == group && !result.contains(t.version))
            result << t.version;
    }
    return result;
}

bool ResourceCatalog::hasGroupVersion(const QString &group, const QString &version) const
{
    return versions(group).contains(version);
}

} // namespace sluice::sandbox
