// A no-change `sluicectl status` of 1,500 synced objects vs `kubectl diff --server-side` of the
// same manifests (as applied, with the tracking label) on the same sandbox, interleaved runs;
// then the same status with --no-cache (no status memo: every object dry-run again).
//
// Usage: bench_status

#include "SyncBench.h"

#include <QCoreApplication>
#include <QTemporaryDir>

using namespace sluice::bench;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QTemporaryDir tmp;
    const QList<QJsonObject> objects = generateObjects(1500, 10);
    SandboxProcess sandbox;
    if (!startSandbox(sandbox, tmp.filePath("sandbox"))) {
        qWarning("sluice-sandbox did not start");
        return 1;
    }
    const QString workspace = makeGitOpsRepo(tmp.filePath("gitops"), objects, sandbox.kubeconfig());
    if (workspace.isEmpty() || !runPeer(sluicectlPath(), {"--workspace", workspace, "sync", "bench", "--timeout", "5m"})) {
        qWarning("preparing the synced application failed");
        return 1;
    }
    writeFile(tmp.filePath("applied.yaml"), labelledYaml(objects, "bench"));
    QProcess check;
    check.start(sluicectlPath(), {"--workspace", workspace, "status", "bench"});
    check.waitForFinished(600000);
    if (check.exitCode() != 0) {
        qWarning("status after sync is not Synced and Healthy:\n%s", check.readAllStandardOutput().left(2000).constData());
        return 1;
    }
    const auto [statusMs, kubectlMs] = interleavedMediansMs(
        3, [&] { runPeer(sluicectlPath(), {"--workspace", workspace, "status", "bench"}); },
        [&] {
            runPeer("kubectl", {"--kubeconfig", sandbox.kubeconfig(), "diff", "--server-side", "--field-manager", "sluice",
                                "--force-conflicts", "-f", tmp.filePath("applied.yaml")});
        });
    report(QStringLiteral("no-change status of 1,500 objects"), statusMs, QStringLiteral("kubectl diff --server-side"), kubectlMs,
           QStringLiteral("<= 0.1x"));
    // Without the status memo and the render cache every object is dry-run again, as kubectl does.
    const double coldMs = medianMs(3, [&] { runPeer(sluicectlPath(), {"--workspace", workspace, "--no-cache", "status", "bench"}); });
    report(QStringLiteral("the same, --no-cache (every object dry-run)"), coldMs, QStringLiteral("kubectl diff --server-side"), kubectlMs);
    return 0;
}
