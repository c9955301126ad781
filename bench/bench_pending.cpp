// Pending commits of a kustomize application over a real-shaped history: 120 commits of which
// one in six touches the application's kustomize/ folder (the rest docs and code), as in
// podinfo. `sluicectl commits --no-cache` (first line and total) vs the peer the issue names:
// the `kubectl kustomize` runs that are really needed (one per distinct reachable input),
// divided by the cores, and the same runs made as many at a time as there are cores; and `git
// log` of the same range.
//
// Usage: bench_pending

#include "BenchUtil.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>

#include <atomic>
#include <thread>
#include <vector>

using namespace sluice::bench;

namespace {

bool git(const QString &repo, const QStringList &args)
{
    return runPeer(QStringLiteral("git"), QStringList{QStringLiteral("-C"), repo, QStringLiteral("-c"), QStringLiteral("user.name=b"),
                                                      QStringLiteral("-c"), QStringLiteral("user.email=b@example.com")} + args);
}

QByteArray configMap(int version)
{
    return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  version: \"" + QByteArray::number(version) + "\"\n";
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QTemporaryDir dir;
    const QString repo = dir.filePath(QStringLiteral("repo"));
    const int commits = 120;
    int touching = 0;
    if (!runPeer(QStringLiteral("git"), {QStringLiteral("init"), QStringLiteral("-q"), QStringLiteral("-b"), QStringLiteral("main"), repo}) ||
        !writeFile(repo + QStringLiteral("/kustomize/kustomization.yaml"), "resources: [settings.yaml]\n"))
        return 1;
    for (int i = 0; i <= commits; ++i) {
        const bool app = i % 6 == 0;
        touching += app && i > 0;
        const bool written = app ? writeFile(repo + QStringLiteral("/kustomize/settings.yaml"), configMap(i))
                                 : writeFile(repo + QStringLiteral("/docs/notes.md"), "note " + QByteArray::number(i) + "\n");
        if (!written || !git(repo, {QStringLiteral("add"), QStringLiteral("-A")}) ||
            !git(repo, {QStringLiteral("commit"), QStringLiteral("-qm"), QStringLiteral("commit %1").arg(i)}))
            return 1;
    }
    const QString workspace = dir.filePath(QStringLiteral("sluice.yaml"));
    writeFile(workspace, QStringLiteral("apiVersion: sluice.dev/v1alpha1\nkind: Workspace\napplications:\n  - name: app\n"
                                        "    source: {repo: %1, revision: main, path: kustomize, renderer: kustomize}\n"
                                        "    destination: {namespace: shop}\n").arg(repo).toUtf8());
    const QString base = QStringLiteral("main~%1").arg(commits);

    // sluicectl: time to the first commit printed and to the end, with no render cache.
    const auto sluicectl = [&](double *firstMs) {
        QProcess p;
        QElapsedTimer timer;
        timer.start();
        p.start(QStringLiteral(SLUICE_BINARY_DIR "/app/sluicectl/sluicectl"),
                {QStringLiteral("--workspace"), workspace, QStringLiteral("--no-cache"), QStringLiteral("commits"), QStringLiteral("app"),
                 QStringLiteral("--base"), base});
        p.waitForReadyRead(60000);
        *firstMs = double(timer.nsecsElapsed()) / 1e6;
        p.waitForFinished(300000);
        return double(timer.nsecsElapsed()) / 1e6;
    };
    double firstMs = 0;
    sluicectl(&firstMs); // warm the file system and the tools
    QList<double> totals, firsts;
    for (int run = 0; run < 3; ++run) {
        totals << sluicectl(&firstMs);
        firsts << firstMs;
    }
    std::sort(totals.begin(), totals.end());
    std::sort(firsts.begin(), firsts.end());

    // The peer: one `kubectl kustomize` per distinct input (the touching commits and the base), on
    // all cores; as a user runs it, and with the Go settings Sluice runs it with (GOGC=off until
    // 256 MiB, Renderer.cpp), so that the ratio shows what the settings give and what the rest does.
    const int cores = qMax(1, QThread::idealThreadCount());
    struct Peer
    {
        double neededMs = 0;     // one run's median times the runs, divided by the cores
        double concurrentMs = 0; // the same runs as they really go here: `cores` at a time
    };
    const auto measurePeer = [&](const QStringList &goSettings) {
        const auto kustomize = [&] {
            runPeer(QStringLiteral("env"), goSettings + QStringList{QStringLiteral("kubectl"), QStringLiteral("kustomize"), repo + QStringLiteral("/kustomize")});
        };
        Peer peer;
        peer.neededMs = medianMs(5, kustomize) * (touching + 1) / cores;
        // kubectl is a Go program that uses more than one core alone, so two at once each take
        // longer than one alone: the division above is a bound no set of these processes reaches here.
        peer.concurrentMs = medianMs(3, [&] {
            std::atomic<int> next = 0;
            std::vector<std::thread> workers;
            for (int c = 0; c < cores; ++c) {
                workers.emplace_back([&] {
                    while (next++ < touching + 1)
                        kustomize();
                });
            }
            for (std::thread &worker : workers)
                worker.join();
        });
        return peer;
    };
    const Peer asUsersRunIt = measurePeer({});
    const Peer asSluiceRunsIt = measurePeer({QStringLiteral("GOGC=off"), QStringLiteral("GOMEMLIMIT=256MiB")});
    const double gitLogMs = medianMs(5, [&] { runPeer(QStringLiteral("git"), {QStringLiteral("-C"), repo, QStringLiteral("log"), QStringLiteral("--oneline"), base + QStringLiteral("..main")}); });

    printf("pending commits of a kustomize application: %d commits, %d touch its folder, %d cores\n", commits, touching, cores);
    printf("  sluicectl commits --no-cache: first commit %.0f ms, all %.0f ms\n", firsts.at(1), totals.at(1));
    for (const auto &[peer, how] : {std::pair{asUsersRunIt, "as users run it"}, std::pair{asSluiceRunsIt, "with GOGC=off GOMEMLIMIT=256MiB, as Sluice runs it"}}) {
        printf("  needed kubectl kustomize runs, %s (%d runs / %d cores): %.0f ms -> ratio %.2fx; %d at a time: %.0f ms -> ratio %.2fx\n",
               how, touching + 1, cores, peer.neededMs, totals.at(1) / peer.neededMs, cores, peer.concurrentMs,
               totals.at(1) / peer.concurrentMs);
    }
    printf("  git log of the range: %.1f ms\n", gitLogMs);
    return 0;
}
