#include "Plan.h"

#include <QStringList>

#include <algorithm>

namespace sluice::sync {
namespace {

// Namespaced kinds in dependency order (Argo CD's and Helm's install order agree on these).
const QStringList &namespacedOrder()
{
    static const QStringList order{
        QStringLiteral("NetworkPolicy"), QStringLiteral("ResourceQuota"), QStringLiteral("LimitRange"),
        QStringLiteral("PodDisruptionBudget"), QStringLiteral("ServiceAccount"), QStringLiteral("Secret"),
        QStringLiteral("ConfigMap"), QStringLiteral("PersistentVolumeClaim"), QStringLiteral("Role"),
        QStringLiteral("RoleBinding"), QStringLiteral("Service"), QStringLiteral("DaemonSet"), QStringLiteral("Pod"),
        QStringLiteral("ReplicationController"), QStringLiteral("ReplicaSet"), QStringLiteral("Deployment"),
        QStringLiteral("HorizontalPodAutoscaler"), QStringLiteral("StatefulSet"), QStringLiteral("Job"),
        QStringLiteral("CronJob"), QStringLiteral("Ingress")};
    return order;
}

const QStringList &clusterOrder()
{
    static const QStringList order{QStringLiteral("PriorityClass"), QStringLiteral("StorageClass"),
                                   QStringLiteral("PersistentVolume"), QStringLiteral("ClusterRole"),
                                   QStringLiteral("ClusterRoleBinding"), QStringLiteral("IngressClass"),
                                   QStringLiteral("APIService")};
    return order;
}

bool isBuiltinGroup(const QString &group)
{
    return group.isEmpty() || !group.contains(QLatin1Char('.')) || group.endsWith(QLatin1String(".k8s.io"));
}

} // namespace

QString PlanSummary::text() const
{
    QStringList parts;
    parts << QStringLiteral("prune %1").arg(prune);
    if (skippedPrunes)
        parts << QStringLiteral("%1 would be pruned (prune is off)").arg(skippedPrunes);
    parts << QStringLiteral("create %1").arg(create) << QStringLiteral("update %1").arg(update)
          << QStringLiteral("unchanged %1").arg(unchanged);
    if (unknown)
        parts << QStringLiteral("%1 unknown").arg(unknown);
    if (notSelected)
        parts << QStringLiteral("%1 not selected").arg(notSelected);
    return parts.join(QStringLiteral(", "));
}

int kindRank(const ResourceKey &key)
{
    if (key.group.isEmpty() && key.kind == QLatin1String("Namespace"))
        return 0;
    if (key.kind == QLatin1String("CustomResourceDefinition"))
        return 1;
    if (key.ns.isEmpty()) {
        const qsizetype i = clusterOrder().indexOf(key.kind);
        return 10 + (i < 0 ? int(clusterOrder().size()) : int(i));
    }
    const qsizetype i = namespacedOrder().indexOf(key.kind);
    if (i >= 0 && isBuiltinGroup(key.group))
        return 100 + int(i);
    return 100 + int(namespacedOrder().size()) + (isBuiltinGroup(key.group) ? 0 : 1); // custom resources last
}

SyncPlan buildPlan(const LiveComparison &comparison, const PlanOptions &options)
{
    SyncPlan plan;
    plan.prune = options.prune;
    plan.warnings = comparison.warnings;
    QList<PlanStep> applies;
    QList<PlanStep> prunes;
    for (const ResourceState &resource : comparison.resources) {
        PlanStep step;
        step.resource = resource;
        step.selected = options.only.isEmpty() || options.only.contains(resource.key);
        if (resource.action == Action::Prune) {
            step.skippedPrune = !options.prune;
            prunes.append(step);
        } else {
            applies.append(step);
        }
    }
    auto order = [](const PlanStep &a, const PlanStep &b) {
        const auto ka = std::tuple(a.resource.wave, kindRank(a.resource.key));
        const auto kb = std::tuple(b.resource.wave, kindRank(b.resource.key));
        return ka != kb ? ka < kb : a.resource.key < b.resource.key;
    };
    std::sort(applies.begin(), applies.end(), order);
    std::sort(prunes.begin(), prunes.end(), order);
    std::reverse(prunes.begin(), prunes.end());

    int phase = -1;
    std::tuple<int, int> last{INT_MIN, INT_MIN};
    for (PlanStep &step : applies) {
        const auto current = std::tuple(step.resource.wave, kindRank(step.resource.key));
        if (phase < 0 || current != last)
            ++phase;
        last = current;
        step.phase = phase;
    }
    last = {INT_MIN, INT_MIN};
    for (PlanStep &step : prunes) {
        const auto current = std::tuple(step.resource.wave, kindRank(step.resource.key));
        if (current != last)
            ++phase;
        last = current;
        step.phase = phase;
    }
    plan.steps = applies + prunes;

    for (const PlanStep &step : plan.steps) {
        PlanSummary &s = plan.summary;
        if (!step.selected) {
            ++s.notSelected;
            continue;
        }
        if (step.resource.sync == SyncState::Unknown)
            ++s.unknown;
        switch (step.resource.action) {
        case Action::Create: ++s.create; break;
        case Action::Update: ++s.update; break;
        case Action::Prune: step.skippedPrune ? ++s.skippedPrunes : ++s.prune; break;
        case Action::Unchanged: ++s.unchanged; break;
        }
    }
    return plan;
}

Result<ResourceKey> parseResourceKey(const QString &text)
{
    const QStringList parts = text.split(QLatin1Char('/'));
    if (parts.size() != 4 || parts.at(1).isEmpty() || parts.at(3).isEmpty())
        return makeError(ErrorCategory::Usage, QStringLiteral("\"%1\" is not GROUP/KIND/NAMESPACE/NAME (e.g. apps/Deployment/shop/web, "
                                                              "/ConfigMap/shop/web-config, /Namespace//shop)").arg(text));
    const QString group = parts.at(0) == QLatin1String("core") ? QString() : parts.at(0);
    return ResourceKey{group, parts.at(1), parts.at(2), parts.at(3)};
}

} // namespace sluice::sync
