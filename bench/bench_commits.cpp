// bench_commits: Repository::commitRange against `git log` on a 100,000-commit history.
//
// The history (linear, with a merged topic commit every 50 commits) is generated once with
// `git fast-import` and cached in the build tree. Each measurement is repeated and the median
// printed, with the ratio sluice/git (below 1.0 means Sluice is faster).
//
// Usage: bench_commits [--commits N] [--reps N] [--data DIR]

#include "core/Process.h"
#include "git/Repository.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTextStream>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace sluice;

namespace {

QByteArray fastImportStream(int commits)
{
    QByteArray s;
    s.reserve(qsizetype(commits) * 260);
    const qint64 t0 = 1600000000;
    int mark = 0;
    std::vector<int> mainMarks;
    mainMarks.reserve(commits);
    for (int i = 0; i < commits; ++i) {
        int topicMark = 0;
        const qint64 t = t0 + qint64(i) * 60;
        if (i >= 10 && i % 50 == 0) { // a topic commit forked 3 commits back, merged now
            topicMark = ++mark;
            s += "commit refs/heads/topic\nmark :" + QByteArray::number(topicMark) + '\n';
            s += "author Topic Dev <topic@example.com> " + QByteArray::number(t - 30) + " +0000\n";
            s += "committer Topic Dev <topic@example.com> " + QByteArray::number(t - 30) +
                 " +0000\n";
            const QByteArray msg = "topic change " + QByteArray::number(i) + '\n';
            s += "data " + QByteArray::number(msg.size()) + '\n' + msg;
            s += "from :" + QByteArray::number(mainMarks[size_t(i - 3)]) + '\n';
            s += "M 100644 inline apps/topic/values.yaml\n";
            const QByteArray body = "replicas: " + QByteArray::number(i) + '\n';
            s += "data " + QByteArray::number(body.size()) + '\n' + body + '\n';
        }
        const int m = ++mark;
        mainMarks.push_back(m);
        s += "commit refs/heads/main\nmark :" + QByteArray::number(m) + '\n';
        s += "author Dev " + QByteArray::number(i % 17) + " <dev" + QByteArray::number(i % 17) +
             "@example.com> " + QByteArray::number(t) + " +0000\n";
        s += "committer CI Bot <ci@example.com> " + QByteArray::number(t) + " +0000\n";
        const QByteArray msg = "apps/web: bump image to v1." + QByteArray::number(i) +
                               "\n\nLonger description of the change number " +
                               QByteArray::number(i) + ".\n";
        s += "data " + QByteArray::number(msg.size()) + '\n' + msg;
        if (i > 0)
            s += "from :" + QByteArray::number(mainMarks[size_t(i - 1)]) + '\n';
        if (topicMark)
            s += "merge :" + QByteArray::number(topicMark) + '\n';
        s += "M 100644 inline apps/app" + QByteArray::number(i % 40) + "/deployment.yaml\n";
        const QByteArray body = "image: web:v1." + QByteArray::number(i) + '\n';
        s += "data " + QByteArray::number(body.size()) + '\n' + body + '\n';
    }
    return s;
}

bool ensureRepo(const QString &dir, int commits)
{
    const QString done = dir + QLatin1String("/.bench-complete");
    if (QFileInfo::exists(done))
        return true;
    QDir(dir).removeRecursively();
    QDir().mkpath(dir);
    std::printf("generating %d commits with git fast-import in %s …\n", commits, qPrintable(dir));
    std::fflush(stdout);
    QElapsedTimer timer;
    timer.start();
    ToolRun init;
    init.program = QStringLiteral("git");
    init.arguments = {QStringLiteral("init"), QStringLiteral("--bare"), QStringLiteral("-q"), dir};
    if (!runTool(init)) {
        std::fprintf(stderr, "git init failed\n");
        return false;
    }
    ToolRun import;
    import.program = QStringLiteral("git");
    import.arguments = {QStringLiteral("-C"), dir, QStringLiteral("fast-import"),
                        QStringLiteral("--quiet")};
    import.standardInput = fastImportStream(commits);
    import.timeoutMs = 600000;
    Result<ToolOutput> out = runTool(import);
    if (!out) {
        std::fprintf(stderr, "git fast-import failed: %s\n", qPrintable(out.error().toString()));
        return false;
    }
    ToolRun head;
    head.program = QStringLiteral("git");
    head.arguments = {QStringLiteral("-C"), dir, QStringLiteral("symbolic-ref"),
                      QStringLiteral("HEAD"), QStringLiteral("refs/heads/main")};
    (void)runTool(head);
    QFile marker(done);
    marker.open(QIODevice::WriteOnly);
    std::printf("generated in %.1f s\n", double(timer.elapsed()) / 1000.0);
    return true;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// Wall time of a git command with its whole output read, in ms.
double timeGit(const QString &dir, const QStringList &args, qsizetype *lines)
{
    QElapsedTimer timer;
    timer.start();
    QProcess p;
    p.start(QStringLiteral("git"), QStringList{QStringLiteral("-C"), dir} + args);
    p.waitForFinished(-1);
    const QByteArray out = p.readAllStandardOutput();
    const double ms = double(timer.nsecsElapsed()) / 1e6;
    *lines = out.count('\n');
    return ms;
}

void report(const char *what, double sluiceMs, double gitMs)
{
    std::printf("%-44s sluice %9.2f ms   git %9.2f ms   ratio %.2f\n", what, sluiceMs, gitMs,
                sluiceMs / gitMs);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    int commits = 100000;
    int reps = 7;
    QString dataDir = QStringLiteral(SLUICE_BENCH_DATA) + QLatin1String("/commits");
    const QStringList args = app.arguments();
    for (qsizetype i = 1; i + 1 < args.size(); i += 2) {
        if (args[i] == QLatin1String("--commits"))
            commits = args[i + 1].toInt();
        else if (args[i] == QLatin1String("--reps"))
            reps = args[i + 1].toInt();
        else if (args[i] == QLatin1String("--data"))
            dataDir = args[i + 1];
    }
    const QString repoDir =
        dataDir + QLatin1Char('-') + QString::number(commits) + QLatin1String(".git");
    if (!ensureRepo(repoDir, commits))
        return 2;

    std::vector<double> firstSluice, firstGit, fullSluice, fullGit;
    qsizetype sluiceRows = 0, gitRows = 0, firstRows = 0, gitFirstRows = 0;
    // Run 0 is a warm-up (libgit2 initialisation, page cache) and is not counted.
    for (int r = 0; r <= reps; ++r) {
        if (r == 1) {
            firstSluice.clear();
            firstGit.clear();
            fullSluice.clear();
            fullGit.clear();
        }
        {
            QElapsedTimer timer;
            timer.start();
            double firstMs = 0;
            Result<git::Repository> repo = git::Repository::open(repoDir);
            if (!repo) {
                std::fprintf(stderr, "%s\n", qPrintable(repo.error().toString()));
                return 2;
            }
            Result<git::Revision> head = repo->resolve(QStringLiteral("main"));
            git::CommitRangeOptions opts;
            opts.firstBatchSize = 100;
            const Status s = repo->commitRange({}, head->commitId, opts,
                                               [&](const QList<git::CommitInfo> &batch) {
                                                   firstMs = double(timer.nsecsElapsed()) / 1e6;
                                                   firstRows = batch.size();
                                                   return false;
                                               });
            if (!s) {
                std::fprintf(stderr, "%s\n", qPrintable(s.error().toString()));
                return 2;
            }
            firstSluice.push_back(firstMs);
        }
        firstGit.push_back(
            timeGit(repoDir,
                    {QStringLiteral("log"), QStringLiteral("-n"), QStringLiteral("100"),
                     QStringLiteral("--format=%H"), QStringLiteral("main")},
                    &gitFirstRows));
        {
            QElapsedTimer timer;
            timer.start();
            Result<git::Repository> repo = git::Repository::open(repoDir);
            Result<git::Revision> head = repo->resolve(QStringLiteral("main"));
            Result<QList<git::CommitInfo>> all = repo->commitList({}, head->commitId);
            fullSluice.push_back(double(timer.nsecsElapsed()) / 1e6);
            if (!all) {
                std::fprintf(stderr, "%s\n", qPrintable(all.error().toString()));
                return 2;
            }
            sluiceRows = all->size();
        }
        fullGit.push_back(timeGit(repoDir,
                                  {QStringLiteral("log"), QStringLiteral("--format=%H %an %ct %s"),
                                   QStringLiteral("main")},
                                  &gitRows));
    }
    for (size_t i = 0; i < firstSluice.size(); ++i)
        std::printf("run %zu: first 100 %.2f / %.2f ms, full %.1f / %.1f ms (sluice / git)\n",
                    i + 1, firstSluice[i], firstGit[i], fullSluice[i], fullGit[i]);
    std::printf("history: %s (%lld commits listed by sluice, %lld by git), median of %d runs\n",
                qPrintable(repoDir), qlonglong(sluiceRows), qlonglong(gitRows), reps);
    report("first 100 commits (time to first batch)", median(firstSluice), median(firstGit));
    report("full list with metadata", median(fullSluice), median(fullGit));
    if (firstRows != 100 || gitFirstRows != 100 || sluiceRows != gitRows) {
        std::fprintf(stderr, "row counts differ: first %lld/%lld, full %lld/%lld\n",
                     qlonglong(firstRows), qlonglong(gitFirstRows), qlonglong(sluiceRows),
                     qlonglong(gitRows));
        return 1;
    }
    return 0;
}
