#pragma once

// What the cluster-side benchmarks share: generated objects of several kinds, a sandbox process
// (the tests' SandboxProcess) on a fresh data directory, and a GitOps repository + workspace holding the objects for sluicectl.

#include "BenchUtil.h"
#include "common/SandboxProcess.h"
#include "render/YamlTree.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>

namespace sluice::bench {

// `count` objects: `namespaces` Namespaces, then ConfigMaps, Services, Secrets and Deployments in turn.
inline QList<QJsonObject> generateObjects(int count, int namespaces)
{
    QList<QJsonObject> out;
    for (int n = 0; n < namespaces; ++n)
        out << QJsonObject{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", QJsonObject{{"name", QStringLiteral("bench-%1").arg(n)}}}};
    for (int i = 0; out.size() < count; ++i) {
        const QString name = QStringLiteral("app-%1").arg(i);
        const QJsonObject metadata{{"name", name}, {"namespace", QStringLiteral("bench-%1").arg(i % namespaces)},
                                   {"labels", QJsonObject{{"app", name}}}};
        switch (i % 4) {
        case 0:
            out << QJsonObject{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", metadata},
                               {"data", QJsonObject{{"LOG_LEVEL", "info"}, {"INDEX", QString::number(i)}}}};
            break;
        case 1:
            out << QJsonObject{{"apiVersion", "v1"}, {"kind", "Service"}, {"metadata", metadata},
                               {"spec", QJsonObject{{"selector", QJsonObject{{"app", name}}},
                                                    {"ports", QJsonArray{QJsonObject{{"port", 80}, {"targetPort", 8080}}}}}}};
            break;
        case 2:
            out << QJsonObject{{"apiVersion", "v1"}, {"kind", "Secret"}, {"metadata", metadata},
                               {"stringData", QJsonObject{{"token", QStringLiteral("bench-%1").arg(i)}}}};
            break;
        default:
            out << QJsonObject{
                {"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"metadata", metadata},
                {"spec", QJsonObject{{"replicas", 2},
                                     {"selector", QJsonObject{{"matchLabels", QJsonObject{{"app", name}}}}},
                                     {"template", QJsonObject{{"metadata", QJsonObject{{"labels", QJsonObject{{"app", name}}}}},
                                                              {"spec", QJsonObject{{"containers", QJsonArray{QJsonObject{
                                                                                       {"name", "main"}, {"image", "nginx:1.27"}}}}}}}}}}};
        }
    }
    return out;
}

using sluice::test::SandboxProcess;

// Starts the built sluice-sandbox on a fresh data dir below `dir`.
inline bool startSandbox(SandboxProcess &sandbox, const QString &dir)
{
    return sandbox.start(QStringLiteral(SLUICE_BINARY_DIR "/app/sluice-sandbox/sluice-sandbox"), dir);
}

// A repository with the objects in app/objects.yaml (one commit) and a workspace whose
// application `bench` deploys them to the sandbox of `kubeconfig`. Returns the workspace path.
inline QString makeGitOpsRepo(const QString &dir, const QList<QJsonObject> &objects, const QString &kubeconfig)
{
    QByteArray yaml;
    for (const QJsonObject &o : objects)
        yaml += "---\n" + yaml::toYaml(o);
    const QString repo = dir + QStringLiteral("/repo");
    if (!writeFile(repo + QStringLiteral("/app/objects.yaml"), yaml) || !runGit(repo, {"init", "-q", "-b", "main"}) ||
        !runGit(repo, {"add", "-A"}) || !runGit(repo, {"commit", "-q", "-m", "objects"}))
        return {};
    const QString workspace = dir + QStringLiteral("/sluice.yaml");
    const QString text = QStringLiteral("apiVersion: sluice.dev/v1alpha1\nkind: Workspace\nclusters:\n"
                                        "  - {name: bench, context: sluice-sandbox, kubeconfig: %1}\napplications:\n"
                                        "  - name: bench\n    source: {repo: %2, revision: main, path: app, renderer: plain}\n"
                                        "    destination: {cluster: bench, namespace: bench-0}\n").arg(kubeconfig, repo);
    return writeFile(workspace, text.toUtf8()) ? workspace : QString();
}

// The objects as applied by Sluice (with its tracking label), as one YAML stream for kubectl.
inline QByteArray labelledYaml(const QList<QJsonObject> &objects, const QString &application)
{
    QByteArray yaml;
    for (QJsonObject o : objects) {
        QJsonObject metadata = o.value("metadata").toObject();
        QJsonObject labels = metadata.value("labels").toObject();
        labels.insert("sluice.dev/app", application);
        metadata.insert("labels", labels);
        o.insert("metadata", metadata);
        yaml += "---\n" + yaml::toYaml(o);
    }
    return yaml;
}

inline QString sluicectlPath()
{
    return QStringLiteral(SLUICE_BINARY_DIR "/app/sluicectl/sluicectl");
}

} // namespace sluice::bench
