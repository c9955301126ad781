#include "ClusterCommands.h"

#include "SyncCommands.h"
#include "kube/ClusterCheck.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace sluice::cli {

int runClusterCheck(const Context &ctx, const QString &contextName, const QString &kubeconfig, const QString &timeout)
{
    kube::ClientOptions options;
    // The cluster as it answers now: a retry would hide a flaky server, skew the latency and
    // multiply the timeout (unless --request-retries asks for them).
    options.retries = qMax(0, ctx.requestRetries);
    if (!timeout.isEmpty()) {
        auto timeoutMs = parseDuration(timeout);
        if (!timeoutMs)
            return usageError(timeoutMs.error().message);
        options.timeoutMs = *timeoutMs;
    }
    auto config = kubeconfig.isEmpty() ? kube::loadKubeconfig(kube::kubeconfigFiles()) : kube::loadKubeconfigFor(kubeconfig);
    if (!config)
        return fail(config.error());
    auto context = kube::resolveContext(*config, contextName);
    if (!context)
        return fail(context.error());
    auto client = kube::KubeClient::create(*context, options);
    if (!client)
        return fail(client.error());
    auto check = kube::checkCluster(**client);
    if (!check)
        return fail(check.error());
    if (ctx.json) {
        const QJsonObject json{{QStringLiteral("context"), check->context},
                               {QStringLiteral("server"), check->server},
                               {QStringLiteral("version"), check->gitVersion},
                               {QStringLiteral("platform"), check->platform},
                               {QStringLiteral("apiGroups"), check->apiGroups},
                               {QStringLiteral("resources"), check->resources},
                               {QStringLiteral("aggregatedDiscovery"), check->aggregatedDiscovery},
                               {QStringLiteral("user"), check->user},
                               {QStringLiteral("groups"), QJsonArray::fromStringList(check->groups)},
                               {QStringLiteral("selfSubjectReview"), check->selfSubjectReviewServed},
                               {QStringLiteral("latencyMs"), check->latencyMs},
                               {QStringLiteral("insecureSkipTlsVerify"), check->insecure}};
        out() << QJsonDocument(json).toJson(QJsonDocument::Indented);
        return ExitOk;
    }
    out() << "context:   " << check->context << '\n'
          << "server:    " << check->server << '\n'
          << "version:   " << check->gitVersion << (check->platform.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(check->platform)) << '\n'
          << "api:       " << check->apiGroups << " API groups, " << check->resources << " resource types ("
          << (check->aggregatedDiscovery ? "aggregated" : "legacy") << " discovery)\n"
          << "user:      " << (check->selfSubjectReviewServed ? check->user : QStringLiteral("(unknown: SelfSubjectReview not served)"))
          << (check->groups.isEmpty() ? QString() : QStringLiteral(" [%1]").arg(check->groups.join(QStringLiteral(", ")))) << '\n'
          << "latency:   " << check->latencyMs << " ms\n";
    if (check->insecure)
        out() << paint(ctx, "33", QStringLiteral("warning:   TLS verification is off (insecure-skip-tls-verify)")) << '\n';
    out().flush();
    return ExitOk;
}

} // namespace sluice::cli
