#include "ClusterCheck.h"

#include "ApiDiscovery.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>

namespace sluice::kube {

Result<ClusterCheck> checkCluster(KubeClient &client, const CancelToken &cancel)
{
    ClusterCheck check;
    check.server = client.context().server;
    check.context = client.context().contextName;
    check.insecure = client.context().insecureSkipTlsVerify;
    const auto failed = [&check](const Error &error) {
        return error.prefixed(QStringLiteral("cluster check of context %1").arg(check.context));
    };

    QElapsedTimer timer;
    timer.start();
    auto version = client.version(cancel);
    if (!version)
        return failed(version.error());
    check.latencyMs = timer.elapsed();
    check.gitVersion = version->value(QLatin1String("gitVersion")).toString();
    check.platform = version->value(QLatin1String("platform")).toString();

    auto discovery = discover(client, cancel);
    if (!discovery)
        return failed(discovery.error());
    check.apiGroups = discovery->groupCount();
    check.resources = int(discovery->resources.size());
    check.aggregatedDiscovery = discovery->aggregated;

    const QJsonObject review{{QStringLiteral("apiVersion"), QStringLiteral("authentication.k8s.io/v1")},
                             {QStringLiteral("kind"), QStringLiteral("SelfSubjectReview")}};
    auto who = client.send({"POST", QStringLiteral("/apis/authentication.k8s.io/v1/selfsubjectreviews"),
                            QJsonDocument(review).toJson(QJsonDocument::Compact), "application/json", "application/json", false},
                           cancel);
    if (who) {
        const QJsonObject info = QJsonDocument::fromJson(who->body)
                                     .object()
                                     .value(QLatin1String("status"))
                                     .toObject()
                                     .value(QLatin1String("userInfo"))
                                     .toObject();
        check.selfSubjectReviewServed = true;
        check.user = info.value(QLatin1String("username")).toString();
        for (const QJsonValue &g : info.value(QLatin1String("groups")).toArray())
            check.groups << g.toString();
    } else if (who.error().code != 404 && who.error().code != 403) {
        return failed(who.error());
    }
    return check;
}

} // namespace sluice::kube
