// Apply 1,000 generated objects (several kinds, several namespaces) with the engine's client (8,
// then 16 requests in flight, as sync does), and with a full `sluicectl sync`, vs `kubectl apply
// --server-side -f` of the same objects, each on a fresh sandbox, same run. Then list 5,000
// objects with the client vs `kubectl get -A -o json`, and the sandbox's memory (PSS) holding them.
//
// Usage: bench_apply

#include "SyncBench.h"
#include "kube/ApiDiscovery.h"
#include "kube/KubeClient.h"
#include "render/YamlTree.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QMutex>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentMap>

using namespace sluice;
using namespace sluice::bench;

namespace {

Result<std::shared_ptr<kube::KubeClient>> clientFor(const QString &kubeconfig, int inFlight)
{
    auto config = kube::loadKubeconfigFor(kubeconfig);
    if (!config)
        return config.error();
    auto context = kube::resolveContext(*config);
    if (!context)
        return context.error();
    kube::ClientOptions options;
    options.maxConcurrent = inFlight;
    return kube::KubeClient::create(*context, options);
}

// Server-side applies every object: namespaces first, then the rest `inFlight` at a time.
Status applyAll(kube::KubeClient &client, const QList<QJsonObject> &objects, int inFlight)
{
    auto discovery = kube::discover(client);
    if (!discovery)
        return discovery.error();
    auto apply = [&](const QJsonObject &o) -> Status {
        const QString apiVersion = o.value("apiVersion").toString();
        const QString group = apiVersion.contains('/') ? apiVersion.section('/', 0, 0) : QString();
        const auto resource = discovery->find(group, o.value("kind").toString());
        if (!resource)
            return makeError(ErrorCategory::Kube, "no resource for " + o.value("kind").toString());
        const QJsonObject metadata = o.value("metadata").toObject();
        return client.serverSideApply(resource->path(metadata.value("namespace").toString(), metadata.value("name").toString()), o, true);
    };
    QList<QJsonObject> rest;
    for (const QJsonObject &o : objects) {
        if (o.value("kind").toString() == QLatin1String("Namespace")) {
            if (Status s = apply(o); !s)
                return s;
        } else {
            rest << o;
        }
    }
    QThreadPool pool;
    pool.setMaxThreadCount(inFlight);
    QMutex mutex;
    std::optional<Error> failure;
    QtConcurrent::blockingMap(&pool, rest, [&](const QJsonObject &o) {
        if (Status s = apply(o); !s) {
            QMutexLocker lock(&mutex);
            failure = s.error();
        }
    });
    if (failure)
        return *failure;
    return {};
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QTemporaryDir tmp;
    const QList<QJsonObject> objects = generateObjects(1000, 10);
    QByteArray yaml;
    for (const QJsonObject &o : objects)
        yaml += "---\n" + yaml::toYaml(o); // a JSON-first stream would make kubectl read it all as JSON
    writeFile(tmp.filePath("objects.yaml"), yaml);

    // Sluice's client applying them with `inFlight` requests at once (sync uses 16), on a fresh
    // sandbox; its wall time, or a negative number when it failed.
    const auto sluiceApply = [&](int inFlight, const QString &dir) -> double {
        SandboxProcess sandbox;
        if (!startSandbox(sandbox, tmp.filePath(dir))) {
            qWarning("sluice-sandbox did not start");
            return -1;
        }
        auto client = clientFor(sandbox.kubeconfig(), inFlight);
        if (!client) {
            qWarning("%s", qPrintable(client.error().toString()));
            return -1;
        }
        Status applied;
        const double clientStart = cpuMs(), sandboxStart = cpuMs(sandbox.pid());
        const double ms = medianMs(1, [&] { applied = applyAll(**client, objects, inFlight); });
        QTextStream(stdout) << "apply, " << inFlight << " in flight, CPU: client " << qRound(cpuMs() - clientStart) << " ms, sandbox "
                            << qRound(cpuMs(sandbox.pid()) - sandboxStart) << " ms, wall " << qRound(ms) << " ms" << Qt::endl;
        if (!applied) {
            qWarning("apply failed: %s", qPrintable(applied.error().toString()));
            return -1;
        }
        return ms;
    };
    const double sluice8Ms = sluiceApply(8, QStringLiteral("s1"));
    const double sluiceMs = sluiceApply(16, QStringLiteral("s1b"));
    if (sluice8Ms < 0 || sluiceMs < 0)
        return 1;
    double kubectlMs = 0;
    {
        SandboxProcess sandbox;
        if (!startSandbox(sandbox, tmp.filePath("s2")))
            return 1;
        bool ok = false;
        const double sandboxStart = cpuMs(sandbox.pid());
        kubectlMs = medianMs(1, [&] {
            ok = runPeer("kubectl", {"--kubeconfig", sandbox.kubeconfig(), "apply", "--server-side", "--validate=false", "-f", tmp.filePath("objects.yaml")});
        });
        QTextStream(stdout) << "kubectl apply CPU: sandbox " << qRound(cpuMs(sandbox.pid()) - sandboxStart) << " ms, wall " << qRound(kubectlMs) << " ms" << Qt::endl;
        if (!ok) {
            qWarning("kubectl apply failed");
            return 1;
        }
    }
    report(QStringLiteral("apply 1,000 objects (server-side, fresh sandbox, 8 in flight)"), sluice8Ms,
           QStringLiteral("kubectl apply --server-side"), kubectlMs);
    report(QStringLiteral("apply 1,000 objects (server-side, fresh sandbox, 16 in flight as sync)"), sluiceMs,
           QStringLiteral("kubectl apply --server-side"), kubectlMs, QStringLiteral("<= 0.2x"));
    {
        // The whole loop as a user runs it: render, compare (dry-run per object), plan, apply.
        SandboxProcess sandbox;
        if (!startSandbox(sandbox, tmp.filePath("s4")))
            return 1;
        const QString workspace = makeGitOpsRepo(tmp.filePath("gitops"), objects, sandbox.kubeconfig());
        bool ok = false;
        const double syncMs = medianMs(1, [&] {
            ok = runPeer(sluicectlPath(), {"--workspace", workspace, "--no-cache", "sync", "bench", "--no-wait"});
        });
        if (!ok) {
            qWarning("sluicectl sync failed");
            return 1;
        }
        report(QStringLiteral("sluicectl sync of 1,000 objects (fresh sandbox)"), syncMs, QStringLiteral("kubectl apply --server-side"),
               kubectlMs);
    }

    // 5,000 objects listed.
    SandboxProcess sandbox;
    if (!startSandbox(sandbox, tmp.filePath("s3")))
        return 1;
    auto client = clientFor(sandbox.kubeconfig(), 8);
    QList<QJsonObject> many = generateObjects(10, 10); // the namespaces
    for (int i = 0; i < 5000; ++i)
        many << QJsonObject{{"apiVersion", "v1"}, {"kind", "ConfigMap"},
                            {"metadata", QJsonObject{{"name", QStringLiteral("cm-%1").arg(i)}, {"namespace", QStringLiteral("bench-%1").arg(i % 10)}}},
                            {"data", QJsonObject{{"INDEX", QString::number(i)}, {"PAYLOAD", QString(200, QLatin1Char('x'))}}}};
    if (Status s = applyAll(**client, many, 8); !s) {
        qWarning("%s", qPrintable(s.error().toString()));
        return 1;
    }
    qsizetype listed = 0;
    const auto [listMs, kubectlListMs] = interleavedMediansMs(
        3,
        [&] {
            auto all = (*client)->list({"", "v1", "configmaps", "", ""}, {}, 500);
            listed = all ? all->size() : -1;
        },
        [&] { runPeer("kubectl", {"--kubeconfig", sandbox.kubeconfig(), "get", "configmaps", "-A", "-o", "json"}); });
    report(QStringLiteral("list %1 configmaps").arg(listed), listMs, QStringLiteral("kubectl get -A -o json"), kubectlListMs);
    QTextStream(stdout) << "sandbox PSS holding them: " << pssKiB(sandbox.pid()) / 1024 << " MiB" << Qt::endl;
    return 0;
}
