// bench_diff: `sluicectl review` of two revisions of a plain-YAML application in a real git
// repository vs `git diff --no-index --histogram` of the same two rendered files, in the same run.
// Both sides are processes measured by CPU time (user + system, from wait4) and peak RSS.
//
// Rows (issue 11's table): a generated fleet at 1k, 5k, 20k and 50k objects, reordered between
// the revisions, with dense (11 of every 36 objects) or sparse (1 in 91) changes; for each, the
// first review (empty cache), a review whose two renders an earlier run cached, the same review
// asked again, and `--stat`. Then a large single manifest (render, review, review --json: peak
// RSS against the input's size), and the kube-prometheus and Argo CD releases of ../shared/data.
//
// Usage: bench_diff [--data DIR ("": skip)] [--sizes 1000,5000,...] [--big-mb N (0: skip)] [--runs N]
// SLUICE_BENCH_KEEP=1 keeps the generated repositories (the last fleet and manifests) to profile.

#include "BenchUtil.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <cstdio>
#include <numeric>
#include <random>

extern char **environ;

using namespace sluice::bench;

namespace {

const QString sluicectl = QStringLiteral(SLUICE_BINARY_DIR "/app/sluicectl/sluicectl");

struct Cost
{
    double cpuMs = 0;
    double maxRssMiB = 0;
    bool ok = false;
};

// Runs `program args` with stdout to `outPath` (or /dev/null) and XDG_CACHE_HOME=`cacheHome`;
// its CPU time and peak RSS. Exit codes 0 and 1 (differences) count as success.
Cost runMeasured(const QString &program, const QStringList &args, const QString &cacheHome = {}, const QString &outPath = {})
{
    QList<QByteArray> argBytes{program.toLocal8Bit()};
    for (const QString &a : args)
        argBytes.append(a.toLocal8Bit());
    std::vector<char *> argv;
    for (QByteArray &a : argBytes)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    QList<QByteArray> envBytes;
    for (char **e = environ; *e; ++e) {
        if (!QByteArray(*e).startsWith("XDG_CACHE_HOME="))
            envBytes.append(*e);
    }
    if (!cacheHome.isEmpty())
        envBytes.append("XDG_CACHE_HOME=" + cacheHome.toLocal8Bit());
    std::vector<char *> envp;
    for (QByteArray &e : envBytes)
        envp.push_back(e.data());
    envp.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    const QByteArray out = outPath.isEmpty() ? QByteArray("/dev/null") : outPath.toLocal8Bit();
    posix_spawn_file_actions_addopen(&actions, 1, out.constData(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid = 0;
    Cost cost;
    if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data()) == 0) {
        int status = 0;
        rusage usage{};
        if (wait4(pid, &status, 0, &usage) == pid) {
            cost.cpuMs = (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e3 +
                         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e3;
            cost.maxRssMiB = usage.ru_maxrss / 1024.0;
            cost.ok = WIFEXITED(status) && (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 1);
        }
    }
    posix_spawn_file_actions_destroy(&actions);
    if (!cost.ok)
        std::fprintf(stderr, "failed: %s %s\n", qPrintable(program), qPrintable(args.join(' ')));
    return cost;
}

// The median (by CPU time) of `runs` measurements; `prepare` runs before each, unmeasured.
Cost median(int runs, const std::function<Cost()> &measure, const std::function<void()> &prepare = {})
{
    std::vector<Cost> costs;
    for (int i = 0; i < runs; ++i) {
        if (prepare)
            prepare();
        costs.push_back(measure());
    }
    std::sort(costs.begin(), costs.end(), [](const Cost &a, const Cost &b) { return a.cpuMs < b.cpuMs; });
    return costs[costs.size() / 2];
}

void row(const QString &what, const Cost &sluice, const QString &peer, const Cost &other, const QString &aim)
{
    std::printf("%-66s %9.1f  %9.1f %-6s %6.3fx  %-8s %8.1f\n", qPrintable(what), sluice.cpuMs, other.cpuMs,
                qPrintable(peer), sluice.cpuMs / other.cpuMs, qPrintable(aim), sluice.maxRssMiB);
    std::fflush(stdout);
}

QByteArray object(int i, int variant)
{
    const QByteArray n = QByteArray::number(i);
    const QByteArray ns = "ns-" + QByteArray::number(i % 20);
    switch (i % 3) {
    case 0:
        return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-" + n + "\n  namespace: " + ns +
               "\n  labels: {app: app-" + n + ", tier: backend}\nspec:\n  replicas: " + QByteArray::number(2 + variant) +
               "\n  selector:\n    matchLabels: {app: app-" + n + "}\n  template:\n    metadata:\n      labels: {app: app-" +
               n + "}\n    spec:\n      containers:\n      - name: main\n        image: registry.example.com/app-" + n +
               ":1." + QByteArray::number(variant) +
               ".0\n        ports:\n        - {containerPort: 8080, name: http}\n        resources:\n"
               "          requests: {cpu: 100m, memory: 128Mi}\n        env:\n        - {name: MODE, value: production}\n"
               "        - {name: SHARD, value: \"" + n + "\"}\n";
    case 1:
        return "apiVersion: v1\nkind: Service\nmetadata:\n  name: app-" + n + "\n  namespace: " + ns +
               "\nspec:\n  selector: {app: app-" + n + "}\n  ports:\n  - {name: http, port: 80, targetPort: http}\n" +
               (variant ? "  type: ClusterIP\n" : "");
    default:
        return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-" + n + "\n  namespace: " + ns +
               "\ndata:\n  LOG_LEVEL: " + (variant ? "debug" : "info") +
               "\n  FEATURE_X: \"true\"\n  ENDPOINT: https://api.example.com/v1/" + n + "\n";
    }
}

// A repository whose `fleet/` folder holds `count` objects, 36 to a file, at two commits (tags
// base and head). The head regroups the objects (every file's order changes) and changes those
// `changed(i)` selects.
void makeFleet(const QString &dir, int count, const std::function<bool(int)> &changed)
{
    QDir(dir).removeRecursively();
    QDir().mkpath(dir);
    runGit(dir, {"init", "-q", "-b", "main"});
    const auto write = [&](bool head) {
        QDir(dir + "/fleet").removeRecursively();
        QList<int> order(count);
        std::iota(order.begin(), order.end(), 0);
        if (head)
            std::shuffle(order.begin(), order.end(), std::mt19937(7));
        for (int file = 0; file * 36 < count; ++file) {
            QByteArray text;
            for (int j = file * 36; j < std::min(count, file * 36 + 36); ++j)
                text += object(order[j], head && changed(order[j]) ? 1 : 0) + "---\n";
            writeFile(QStringLiteral("%1/fleet/part-%2.yaml").arg(dir).arg(file, 5, 10, QLatin1Char('0')), text);
        }
        runGit(dir, {"add", "-A"});
        runGit(dir, {"commit", "-qm", head ? "head" : "base"});
        runGit(dir, {"tag", head ? "head" : "base"});
    };
    write(false);
    write(true);
    writeFile(dir + "/sluice.yaml", "apiVersion: sluice.dev/v1alpha1\nkind: Workspace\napplications:\n"
                                    "  - name: fleet\n    source: {repo: ., revision: main, path: fleet, renderer: plain}\n"
                                    "    destination: {namespace: default}\n");
}

// A repository whose `app/manifests.yaml` is `base` at tag base and `head` at tag head.
void makeManifestRepo(const QString &dir, const QByteArray &base, const QByteArray &head)
{
    QDir(dir).removeRecursively();
    QDir().mkpath(dir);
    runGit(dir, {"init", "-q", "-b", "main"});
    for (const auto &[tag, text] : {std::pair{QStringLiteral("base"), base}, std::pair{QStringLiteral("head"), head}}) {
        writeFile(dir + "/app/manifests.yaml", text);
        runGit(dir, {"add", "-A"});
        runGit(dir, {"commit", "-qm", tag});
        runGit(dir, {"tag", tag});
    }
    writeFile(dir + "/sluice.yaml", "apiVersion: sluice.dev/v1alpha1\nkind: Workspace\napplications:\n"
                                    "  - name: fleet\n    source: {repo: ., revision: main, path: app, renderer: plain}\n"
                                    "    destination: {namespace: default}\n");
}

struct Review
{
    QString repo;
    QString cacheHome;

    QStringList args(const QStringList &command) const
    {
        return QStringList{"--workspace", repo + "/sluice.yaml"} + command;
    }
    Cost review(const QStringList &extra = {}) const
    {
        return runMeasured(sluicectl, args(QStringList{"review", "fleet", "--base", "base", "--head", "head"} + extra), cacheHome);
    }
    void clearCache() const { QDir(cacheHome).removeRecursively(); }
    // The two rendered files, for the peer (the renders also fill the cache).
    Cost render(const QString &rev, const QString &outPath) const
    {
        return runMeasured(sluicectl, args({"render", "fleet", "--revision", rev}), cacheHome, outPath);
    }
};

// Every row for one repository with tags base and head.
void measureRepo(const QString &label, const QString &repo, const QString &work, int runs)
{
    const Review r{repo, work + "/cache"};
    r.clearCache();
    const QString baseFile = work + "/base.yaml", headFile = work + "/head.yaml";
    r.render("base", baseFile);
    r.render("head", headFile);
    const Cost git = median(runs, [&] {
        return runMeasured("/usr/bin/git", {"diff", "--no-index", "--histogram", "--no-color", baseFile, headFile});
    });
    const Cost first = median(runs, [&] { return r.review(); }, [&] { r.clearCache(); });
    // Both revisions rendered (and cached) by two earlier runs, no review yet.
    const Cost warm = median(runs, [&] { return r.review(); }, [&] {
        r.clearCache();
        r.render("base", "/dev/null");
        r.render("head", "/dev/null");
    });
    const Cost again = median(runs, [&] { return r.review(); }, [&] { (void)r.review(); });
    const Cost stat = median(runs, [&] { return r.review({"--stat"}); }, [&] {
        r.clearCache();
        r.render("base", "/dev/null");
        r.render("head", "/dev/null");
    });
    row(label + ", first review", first, "git", git, "<= 1.0x");
    row(label + ", both renders cached", warm, "git", git, "<= 1.0x");
    row(label + ", the same review again", again, "git", git, "<= 0.1x");
    row(label + ", --stat (renders cached)", stat, "review", warm, "<= 0.5x");
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// One manifest of about `mb` MB: render, review (base: the same file with every object changed),
// review --json. Peak RSS against the input.
void measureLarge(const QString &work, int mb)
{
    QByteArray base, head;
    for (int i = 0; base.size() < qsizetype(mb) * 1000 * 1000; ++i) {
        base += object(i, 0) + "---\n";
        head += object(i, i % 36 < 11 ? 1 : 0) + "---\n";
    }
    const QString repo = work + "/large";
    makeManifestRepo(repo, base, head);
    const Review r{repo, work + "/large-cache"};
    const double inputMiB = base.size() / 1048576.0;
    std::printf("large manifest: %.0f MiB, %lld objects\n", inputMiB, qlonglong(base.count("\nkind: ")));
    base.clear();
    head.clear();
    const auto rss = [&](const QString &what, const Cost &c) {
        std::printf("%-66s %9.1f ms CPU, peak RSS %8.1f MiB = %.2fx the input (aim <= 3x)\n", qPrintable(what), c.cpuMs,
                    c.maxRssMiB, c.maxRssMiB / inputMiB);
        std::fflush(stdout);
    };
    r.clearCache();
    rss("render -o yaml (cold)", r.render("head", "/dev/null"));
    r.clearCache();
    rss("review (cold)", r.review());
    r.clearCache();
    rss("review --json (cold)", runMeasured(sluicectl, r.args({"--json", "review", "fleet", "--base", "base", "--head", "head"}),
                                            r.cacheHome));
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QString dataDir = QStringLiteral(SLUICE_SOURCE_DIR "/../shared/data");
    QList<int> sizes{1000, 5000, 20000, 50000};
    int bigMb = 200, runs = 3;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); i += 2) {
        if (args[i] == "--data")
            dataDir = args[i + 1];
        else if (args[i] == "--sizes") {
            sizes.clear();
            for (const QString &s : args[i + 1].split(',', Qt::SkipEmptyParts))
                sizes.append(s.toInt());
        } else if (args[i] == "--big-mb")
            bigMb = args[i + 1].toInt();
        else if (args[i] == "--runs")
            runs = args[i + 1].toInt();
    }
    QTemporaryDir tmp;
    if (qEnvironmentVariableIsSet("SLUICE_BENCH_KEEP")) { // keep the repositories, to profile a case
        tmp.setAutoRemove(false);
        std::printf("work folder: %s\n", qPrintable(tmp.path()));
    }
    const QString work = tmp.path();
    std::printf("%-66s %9s  %9s %-6s %7s  %-8s %8s\n", "case (CPU ms, median of runs)", "sluice", "peer", "", "ratio", "aim",
                "RSS MiB");
    for (int count : sizes) {
        for (const bool dense : {true, false}) {
            const QString repo = QStringLiteral("%1/fleet-%2-%3").arg(work).arg(count).arg(dense ? "dense" : "sparse");
            makeFleet(repo, count, [dense](int i) { return dense ? i % 36 < 11 : i % 91 == 0; });
            measureRepo(QStringLiteral("%1 objects, reordered, %2").arg(count).arg(dense ? "11 in 36 changed" : "1 in 91 changed"),
                        repo, work, runs);
        }
    }
    const QList<std::pair<QString, QString>> real = {
        {"kp-manifests-v0.16.0.yaml", "kp-manifests-v0.18.0.yaml"},
        {"argocd-install-v3.4.0.yaml", "argocd-install-v3.5.0.yaml"},
    };
    for (const auto &[from, to] : real) {
        if (dataDir.isEmpty())
            break;
        const QByteArray a = readAll(QDir(dataDir).filePath(from)), b = readAll(QDir(dataDir).filePath(to));
        if (a.isEmpty() || b.isEmpty()) {
            std::printf("skipping %s -> %s: not found in %s\n", qPrintable(from), qPrintable(to), qPrintable(dataDir));
            continue;
        }
        makeManifestRepo(work + "/real", a, b);
        measureRepo(from + " -> " + to, work + "/real", work, runs);
    }
    if (bigMb > 0)
        measureLarge(work, bigMb);
    return 0;
}
