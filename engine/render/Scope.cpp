#include "Scope.h"

#include <QHash>
#include <QSet>

#include <utility>

namespace sluice {
namespace {

struct GroupKind
{
    const char *group;
    const char *kind;
};

// Built-in cluster-scoped kinds, from `kubectl api-resources --namespaced=false` (1.33).
constexpr GroupKind kClusterScoped[] = {
    {"", "ComponentStatus"},
    {"", "Namespace"},
    {"", "Node"},
    {"", "PersistentVolume"},
    {"admissionregistration.k8s.io", "MutatingWebhookConfiguration"},
    {"admissionregistration.k8s.io", "ValidatingAdmissionPolicy"},
    {"admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding"},
    {"admissionregistration.k8s.io", "ValidatingWebhookConfiguration"},
    {"apiextensions.k8s.io", "CustomResourceDefinition"},
    {"apiregistration.k8s.io", "APIService"},
    {"authentication.k8s.io", "SelfSubjectReview"},
    {"authentication.k8s.io", "TokenReview"},
    {"authorization.k8s.io", "SelfSubjectAccessReview"},
    {"authorization.k8s.io", "SelfSubjectRulesReview"},
    {"authorization.k8s.io", "SubjectAccessReview"},
    {"certificates.k8s.io", "CertificateSigningRequest"},
    {"flowcontrol.apiserver.k8s.io", "FlowSchema"},
    {"flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"},
    {"networking.k8s.io", "IngressClass"},
    {"node.k8s.io", "RuntimeClass"},
    {"policy", "PodSecurityPolicy"},
    {"rbac.authorization.k8s.io", "ClusterRole"},
    {"rbac.authorization.k8s.io", "ClusterRoleBinding"},
    {"scheduling.k8s.io", "PriorityClass"},
    {"storage.k8s.io", "CSIDriver"},
    {"storage.k8s.io", "CSINode"},
    {"storage.k8s.io", "StorageClass"},
    {"storage.k8s.io", "VolumeAttachment"},
};

} // namespace

bool isBuiltinClusterScoped(const QString &group, const QString &kind)
{
    for (const GroupKind &gk : kClusterScoped) {
        if (kind == QLatin1String(gk.kind) && group == QLatin1String(gk.group))
            return true;
    }
    return false;
}

Result<ResourceSet> scopeResources(ScannedManifests scanned, const QString &defaultNamespace)
{
    QSet<QString> crdClusterScoped;
    for (const CrdScope &crd : scanned.crds) {
        if (crd.clusterScoped)
            crdClusterScoped.insert(crd.group + QLatin1Char('/') + crd.kind);
    }
    const QString ns = sharedKeyPart(defaultNamespace);
    // Objects share their groups' and kinds' strings (sharedKeyPart): each pair is looked up once.
    QHash<std::pair<const QChar *, const QChar *>, bool> scopeOf;
    const auto isClusterScoped = [&](const ResourceKey &key) {
        const std::pair parts(key.group.constData(), key.kind.constData());
        auto it = scopeOf.constFind(parts);
        if (it == scopeOf.constEnd())
            it = scopeOf.insert(parts, isBuiltinClusterScoped(key.group, key.kind) ||
                                           crdClusterScoped.contains(key.group + QLatin1Char('/') + key.kind));
        return *it;
    };
    for (Resource &r : scanned.resources) {
        if (isClusterScoped(r.key))
            r.key.ns.clear();
        else if (r.key.ns.isEmpty())
            r.key.ns = ns;
    }
    return ResourceSet::fromList(std::move(scanned.resources));
}

} // namespace sluice
