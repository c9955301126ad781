// Render through Sluice (content id → cache → materialize → kustomize → scan) vs running
// `kubectl kustomize` directly on the same tree, in the same run: cold (empty cache), cached in
// memory (a second render in the same process) and cached on disk (a second sluicectl run).
// Inputs: a generated kustomization of 1,000 objects, and the real manifest sets of
// ../shared/data wrapped in a kustomization each.
//
// Usage: bench_render [DATA_DIR]

#include "BenchUtil.h"
#include "review/SourceRenderer.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>

using namespace sluice;
using namespace sluice::bench;

namespace {

// A base of `count` ConfigMaps and Deployments in 50 files, and a prod overlay over it.
void generateKustomization(const QString &repo, int count)
{
    QByteArray resources;
    for (int file = 0; file < 50; ++file) {
        QByteArray text;
        for (int i = file; i < count; i += 50) {
            const QByteArray n = QByteArray::number(i);
            text += i % 2 ? "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-" + n + "\ndata:\n  KEY: value-" + n + "\n---\n"
                          : "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-" + n +
                                "\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n      - name: main\n        image: app:" + n + "\n---\n";
        }
        const QByteArray name = "objects-" + QByteArray::number(file) + ".yaml";
        writeFile(repo + "/base/" + name, text);
        resources += "  - " + name + "\n";
    }
    writeFile(repo + "/base/kustomization.yaml", "resources:\n" + resources);
    writeFile(repo + "/overlays/prod/kustomization.yaml",
          "namespace: prod\nresources:\n  - ../../base\nlabels:\n  - pairs: {env: prod}\n");
}

void measure(const QString &label, const QString &repoDir, const QString &path)
{
    auto repo = git::Repository::open(repoDir);
    auto head = repo ? repo->resolve(QStringLiteral("HEAD")) : Result<git::Revision>(repo.error());
    if (!head) {
        qWarning("%s: %s", qPrintable(label), qPrintable(head.error().toString()));
        return;
    }
    ApplicationConfig app;
    app.name = QStringLiteral("bench");
    app.repoPath = repoDir;
    app.path = path;
    app.render.renderer = RendererKind::Kustomize;
    app.render.tools.kubectl = QStringLiteral("kubectl");

    const int runs = 5;
    const QString dir = QDir(repoDir).filePath(path);
    qsizetype objects = 0;
    const auto [kubectlMs, coldMs] = interleavedMediansMs(
        runs, [&] { runPeer(QStringLiteral("kubectl"), {"kustomize", dir}); },
        [&] {
            RenderCache cache;
            SourceRenderer renderer(cache);
            auto set = renderer.render(*repo, *head, app);
            objects = set ? set->size() : -1;
        });
    RenderCache memory;
    SourceRenderer warm(memory);
    (void)warm.render(*repo, *head, app);
    const double memoryMs = medianMs(9, [&] { (void)warm.render(*repo, *head, app); });
    QTemporaryDir diskDir;
    {
        RenderCache disk(diskDir.path());
        SourceRenderer first(disk);
        (void)first.render(*repo, *head, app);
    }
    const double diskMs = medianMs(9, [&] {
        RenderCache disk(diskDir.path());
        SourceRenderer renderer(disk);
        (void)renderer.render(*repo, *head, app);
    });
    QTextStream(stdout) << label << ": " << objects << " objects" << Qt::endl;
    report(label + " cold", coldMs, "kubectl kustomize", kubectlMs, "<= 1.1x");
    report(label + " cached in memory", memoryMs, "kubectl kustomize", kubectlMs, "<= 0.02x");
    report(label + " cached on disk (new process)", diskMs, "kubectl kustomize", kubectlMs);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (!runPeer(QStringLiteral("kubectl"), {"version", "--client"})) {
        qWarning("kubectl is required");
        return 1;
    }
    const QString dataDir = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QStringLiteral(SLUICE_SOURCE_DIR "/../shared/data");
    QTemporaryDir tmp;

    const QString generated = tmp.filePath("generated");
    generateKustomization(generated, 1000); // kustomize is superlinear: 2,000 objects take ~17 s
    runGit(generated, {"init", "-q"});
    runGit(generated, {"add", "-A"});
    runGit(generated, {"commit", "-qm", "generated"});
    measure(QStringLiteral("generated kustomization, 1,000 objects"), generated, QStringLiteral("overlays/prod"));

    for (const QString &file : {QStringLiteral("kp-manifests-v0.18.0.yaml"), QStringLiteral("argocd-install-v3.5.0.yaml")}) {
        QFile source(QDir(dataDir).filePath(file));
        if (!source.open(QIODevice::ReadOnly)) {
            QTextStream(stdout) << "skipping " << file << ": not found in " << dataDir << Qt::endl;
            continue;
        }
        const QString repo = tmp.filePath(file);
        writeFile(repo + "/app/manifests.yaml", source.readAll());
        writeFile(repo + "/app/kustomization.yaml", "resources: [manifests.yaml]\n");
        runGit(repo, {"init", "-q"});
        runGit(repo, {"add", "-A"});
        runGit(repo, {"commit", "-qm", "import"});
        measure(file, repo, QStringLiteral("app"));
    }
    return 0;
}
