// Diff of two rendered revisions, object by object, vs `git diff --no-index --histogram` on the
// same two rendered files, in the same run. Generated data (5,000 objects) and, when present,
// the real manifest sets of ../shared/data (kube-prometheus and Argo CD at two releases).
//
// Usage: bench_diff [DATA_DIR]   (default: the shared/data folder beside the source tree)

#include "BenchUtil.h"
#include "diff/ResourceDiff.h"
#include "render/Scope.h"
#include "render/YamlScan.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>

using namespace sluice;
using namespace sluice::bench;

namespace {

QByteArray object(int i, int variant)
{
    const QByteArray n = QByteArray::number(i);
    switch (i % 3) {
    case 0:
        return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-" + n + "\n  namespace: ns-" +
               QByteArray::number(i % 20) + "\n  labels: {app: app-" + n + ", tier: backend}\nspec:\n  replicas: " +
               QByteArray::number(2 + variant) + "\n  selector:\n    matchLabels: {app: app-" + n +
               "}\n  template:\n    metadata:\n      labels: {app: app-" + n +
               "}\n    spec:\n      containers:\n      - name: main\n        image: registry.example.com/app-" + n + ":1." +
               QByteArray::number(variant) +
               ".0\n        ports:\n        - {containerPort: 8080, name: http}\n        resources:\n          requests: {cpu: 100m, memory: 128Mi}\n"
               "        env:\n        - {name: MODE, value: production}\n        - {name: SHARD, value: \"" + n + "\"}\n";
    case 1:
        return "apiVersion: v1\nkind: Service\nmetadata:\n  name: app-" + n + "\n  namespace: ns-" +
               QByteArray::number(i % 20) + "\nspec:\n  selector: {app: app-" + n +
               "}\n  ports:\n  - {name: http, port: 80, targetPort: http}\n" + (variant ? "  type: ClusterIP\n" : "");
    default:
        return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-" + n + "\n  namespace: ns-" +
               QByteArray::number(i % 20) + "\ndata:\n  LOG_LEVEL: " + (variant ? "debug" : "info") +
               "\n  FEATURE_X: \"true\"\n  ENDPOINT: https://api.example.com/v1/" + n + "\n";
    }
}

// Two revisions of `count` objects: 10% changed, 1% added, 1% removed.
void generate(const QString &basePath, const QString &headPath, int count)
{
    QByteArray base, head;
    QRandomGenerator rng(42);
    for (int i = 0; i < count; ++i) {
        const int roll = int(rng.bounded(100));
        if (roll != 0)
            base += object(i, 0) + "---\n";
        if (roll != 1)
            head += object(i, roll < 12 ? 1 : 0) + "---\n";
    }
    QFile b(basePath), h(headPath);
    b.open(QIODevice::WriteOnly);
    b.write(base);
    h.open(QIODevice::WriteOnly);
    h.write(head);
}

Result<ResourceSet> load(const QByteArray &text, const QString &name)
{
    auto scanned = scanManifests(text, name);
    if (!scanned)
        return scanned.error();
    return scopeResources(std::move(*scanned), QStringLiteral("default"));
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    f.open(QIODevice::ReadOnly);
    return f.readAll();
}

int compare(const QString &label, const QString &basePath, const QString &headPath)
{
    const QByteArray baseText = readAll(basePath);
    const QByteArray headText = readAll(headPath);
    auto baseSet = load(baseText, basePath);
    auto headSet = load(headText, headPath);
    if (!baseSet || !headSet) {
        qWarning("%s: %s", qPrintable(label), qPrintable((!baseSet ? baseSet : headSet).error().toString()));
        return 1;
    }
    auto once = diffResourceSets(*baseSet, *headSet);
    if (!once) {
        qWarning("%s: %s", qPrintable(label), qPrintable(once.error().toString()));
        return 1;
    }
    const DiffSummary &s = once->summary;
    QTextStream(stdout) << label << ": " << baseSet->size() << " → " << headSet->size() << " objects, " << s.added
                        << " added, " << s.removed << " removed, " << s.changed << " changed, " << s.unchanged
                        << " unchanged; " << (baseText.size() + headText.size()) / 1024 << " KiB in all" << Qt::endl;

    const int runs = 5;
    const double gitMs = medianMs(runs, [&] {
        runPeer("git", {"diff", "--no-index", "--histogram", "--no-color", basePath, headPath});
    });
    // The diff itself, from two rendered sets (as a review does once both renders are cached).
    const double diffMs = medianMs(runs, [&] { (void)diffResourceSets(*baseSet, *headSet); });
    report(label + " diff of rendered sets", diffMs, "git diff --histogram", gitMs, "<= 0.3x");
    // Everything from the two rendered texts: scan, key, hash, diff.
    const double fullMs = medianMs(runs, [&] {
        auto b = load(baseText, basePath);
        auto h = load(headText, headPath);
        (void)diffResourceSets(*b, *h);
    });
    report(label + " scan + diff from text", fullMs, "git diff --histogram", gitMs);
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QString dataDir = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QStringLiteral(SLUICE_SOURCE_DIR "/../shared/data");
    QTemporaryDir tmp;
    const QString base = tmp.filePath("base.yaml"), head = tmp.filePath("head.yaml");
    generate(base, head, 5000);
    int failures = compare(QStringLiteral("generated 5,000 objects"), base, head);
    const QList<std::pair<QString, QString>> real = {
        {"kp-manifests-v0.16.0.yaml", "kp-manifests-v0.18.0.yaml"},
        {"argocd-install-v3.4.0.yaml", "argocd-install-v3.5.0.yaml"},
    };
    for (const auto &[from, to] : real) {
        const QString a = QDir(dataDir).filePath(from), b = QDir(dataDir).filePath(to);
        if (!QFile::exists(a) || !QFile::exists(b)) {
            QTextStream(stdout) << "skipping " << from << " → " << to << ": not found in " << dataDir << Qt::endl;
            continue;
        }
        failures += compare(from + " → " + to, a, b);
    }
    return failures;
}
