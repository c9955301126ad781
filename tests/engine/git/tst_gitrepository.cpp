// Repository: open, refs, resolve, commitRange, contentId, materialize — against repositories
// built with the real git CLI, and compared with what git itself says.

#include "common/GitFixture.h"
#include "git/Repository.h"

#include <QCryptographicHash>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QScopeGuard>
#include <QTest>

using namespace sluice;
using namespace sluice::git;
using sluice::test::GitFixture;

class TestGitRepository : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void openErrors_data();
    void openErrors();
    void openKinds();

    void refs();

    void resolve_data();
    void resolve();
    void resolveErrors();

    void commitRange_data();
    void commitRange();
    void commitRangeMetadata();
    void commitRangeBatches();
    void commitRangeAtTheEdges();
    void firstParent();

    void changedPaths_data();
    void changedPaths();

    void contentId();

    void materializeCommit();
    void materializeErrors_data();
    void materializeErrors();
    void materializeWorktree();
    void materializeCancelled();
    void readFilesAsMaterializeWrites();
    void readsLooseAndPackedBlobsAlike();

private:
    Repository openOrFail(const QString &path);
    QStringList sluiceIds(const QString &base, const QString &head, bool firstParent);
    static QStringList sluiceIds(GitFixture &repo, const QString &base, const QString &head, bool firstParent);

    QTemporaryDir m_tmp;
    GitFixture m_hist;  // branches, merges, tags, pull refs
    GitFixture m_files; // files, exec bits, symlinks, a submodule, a working tree
    QString m_filesHead;
    QString m_submoduleCommit;
};

Repository TestGitRepository::openOrFail(const QString &path)
{
    Result<Repository> repo = Repository::open(path);
    if (!repo)
        qFatal("cannot open %s: %s", qPrintable(path), qPrintable(repo.error().toString()));
    return std::move(repo).value();
}

void TestGitRepository::initTestCase()
{
    QVERIFY2(GitFixture::gitAvailable(), "these tests need the git CLI on PATH");
    QVERIFY(m_tmp.isValid());

    // -- history: main with two merged topics --------------------------------------------------
    GitFixture &h = m_hist;
    h.setDir(m_tmp.filePath(QStringLiteral("hist")));
    QVERIFY(h.init());
    QVERIFY(h.write(QStringLiteral("README.md"), "hello\n"));
    h.commitAll(QStringLiteral("initial"));
    QVERIFY(h.write(QStringLiteral("apps/web/deploy.yaml"), "image: web:1\n"));
    h.commitAll(QStringLiteral("web v1\n\nwith a body"));
    QVERIFY(h.write(QStringLiteral("apps/api/deploy.yaml"), "image: api:1\n"));
    h.commitAll(QStringLiteral("api v1"));
    h.git({"checkout", "-q", "-b", "topic", "HEAD~1"});
    QVERIFY(h.write(QStringLiteral("apps/web/topic.yaml"), "a: 1\n"));
    h.commitAll(QStringLiteral("topic one"));
    QVERIFY(h.write(QStringLiteral("apps/web/topic.yaml"), "a: 2\n"));
    h.commitAll(QStringLiteral("topic two"));
    h.git({"checkout", "-q", "main"});
    QVERIFY(h.write(QStringLiteral("apps/api/deploy.yaml"), "image: api:2\n"));
    h.commitAll(QStringLiteral("api v2"));
    h.gitTimed({"merge", "-q", "--no-ff", "-m", "Merge topic", "topic"});
    QVERIFY(h.write(QStringLiteral("apps/web/deploy.yaml"), "image: web:2\n"));
    h.commitAll(QStringLiteral("web v2"));
    h.git({"checkout", "-q", "-b", "topic2"});
    QVERIFY(h.write(QStringLiteral("apps/db/x.yaml"), "db: 1\n"));
    h.commitAll(QStringLiteral("db"));
    h.git({"checkout", "-q", "main"});
    QVERIFY(h.write(QStringLiteral("README.md"), "hello again\n"));
    h.commitAll(QStringLiteral("readme"));
    h.gitTimed({"merge", "-q", "--no-ff", "-m", "Merge topic2", "topic2"});
    QVERIFY(h.write(QStringLiteral("apps/api/deploy.yaml"), "image: api:3\n"));
    QFile::remove(h.dir() + QStringLiteral("/apps/db/x.yaml"));
    h.commitAll(QStringLiteral("api v3, drop db"));
    h.git({"tag", "v1", "main~5"});
    h.gitTimed({"tag", "-a", "v2", "-m", "release 2", "main~2"});
    h.git({"update-ref", "refs/remotes/origin/main", "main~1"});
    h.git({"symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main"});
    h.git({"update-ref", "refs/pull/1/head", "topic"});
    h.git({"update-ref", "refs/pull/10/head", "topic2"});
    h.git({"update-ref", "refs/pull/2/head", "main~3"});
    h.git({"update-ref", "refs/merge-requests/7/head", "main~1"});
    QCOMPARE(h.gitLines({"rev-list", "--all"}).size(), 12);

    // -- files: layouts for materialize ---------------------------------------------------------
    GitFixture &f = m_files;
    f.setDir(m_tmp.filePath(QStringLiteral("files")));
    QVERIFY(f.init());
    QVERIFY(f.write(QStringLiteral("secret.txt"), "top secret\n"));
    QVERIFY(f.write(QStringLiteral("apps/web/deploy.yaml"), "kind: Deployment\n"));
    QVERIFY(f.write(QStringLiteral("apps/web/sub/svc.yaml"), "kind: Service\n"));
    QVERIFY(f.write(QStringLiteral("apps/web/run.sh"), "#!/bin/sh\necho hi\n", true));
    QVERIFY(f.write(QStringLiteral("apps/web/old.yaml"), "kind: ConfigMap\n"));
    QVERIFY(f.symlink(QStringLiteral("apps/web/link.yaml"), QStringLiteral("sub/svc.yaml")));
    QVERIFY(f.symlink(QStringLiteral("apps/web/alias"), QStringLiteral("sub")));
    QVERIFY(f.write(QStringLiteral("apps/web/.gitignore"), "*.env\n"));
    QVERIFY(f.write(QStringLiteral("apps/web/vendor/keep.yaml"), "kept\n"));
    QVERIFY(f.write(QStringLiteral("apps/other/a.yaml"), "a\n"));
    QVERIFY(f.symlink(QStringLiteral("apps/evil/x.yaml"), QStringLiteral("../../secret.txt")));
    QVERIFY(f.symlink(QStringLiteral("apps/abs/x.yaml"), QStringLiteral("/etc/hostname")));
    QVERIFY(f.symlink(QStringLiteral("apps/dangling/x.yaml"), QStringLiteral("nope.yaml")));
    f.commitAll(QStringLiteral("files"));
    m_submoduleCommit = f.revParse(QStringLiteral("HEAD"));
    f.git({"update-index", "--add", "--cacheinfo",
           QStringLiteral("160000,%1,apps/sub/mod").arg(m_submoduleCommit)});
    QVERIFY(f.write(QStringLiteral("apps/sub/a.yaml"), "a\n"));
    f.git({"add", "apps/sub/a.yaml"});
    m_filesHead = f.commit(QStringLiteral("add a gitlink"));
    QCOMPARE(f.git({"ls-tree", "HEAD", "apps/sub/mod"}).left(6), QStringLiteral("160000"));
    // Ignored directories; vendor/ holds a tracked file all the same.
    QVERIFY(f.write(QStringLiteral(".git/info/exclude"), "apps/web/vendor/\napps/web/cache/\n"));
}

// ---- open -------------------------------------------------------------------------------------

void TestGitRepository::openErrors_data()
{
    QTest::addColumn<QString>("path");
    QTest::newRow("missing") << m_tmp.filePath(QStringLiteral("does-not-exist"));
    QDir().mkpath(m_tmp.filePath(QStringLiteral("plain-dir")));
    QTest::newRow("plain directory") << m_tmp.filePath(QStringLiteral("plain-dir"));
    QTest::newRow("subdirectory of a clone (no search upwards)")
        << m_tmp.filePath(QStringLiteral("hist/apps"));
}

void TestGitRepository::openErrors()
{
    QFETCH(QString, path);
    Result<Repository> repo = Repository::open(path);
    QVERIFY(!repo);
    QCOMPARE(repo.error().category, ErrorCategory::Git);
    QCOMPARE(repo.error().message, QStringLiteral("not a git repository: %1").arg(path));
}

void TestGitRepository::openKinds()
{
    Repository clone = openOrFail(m_hist.dir());
    QVERIFY(!clone.isBare());
    QCOMPARE(QDir(clone.workdir()).canonicalPath(), QDir(m_hist.dir()).canonicalPath());
    QCOMPARE(clone.path(), m_hist.dir());

    const QString barePath = m_tmp.filePath(QStringLiteral("bare.git"));
    GitFixture bare(m_tmp.path());
    QVERIFY(bare.git({"clone", "-q", "--bare", m_hist.dir(), barePath}).isEmpty());
    Repository b = openOrFail(barePath);
    QVERIFY(b.isBare());
    QVERIFY(b.workdir().isEmpty());
    Result<Revision> wt = b.resolve(kWorktree);
    QVERIFY(!wt);
    QVERIFY2(wt.error().message.contains(QLatin1String("bare")), qPrintable(wt.error().message));
}

// ---- refs -------------------------------------------------------------------------------------

void TestGitRepository::refs()
{
    Repository repo = openOrFail(m_hist.dir());
    Result<QList<RefInfo>> refs = repo.refs();
    QVERIFY2(refs, qPrintable(refs ? QString() : refs.error().toString()));

    struct Expected
    {
        RefInfo::Kind kind;
        const char *name;
        const char *shortName;
        const char *target; // for rev-parse, peeled
    };
    using K = RefInfo::Kind;
    const Expected expected[] = {
        {K::LocalBranch, "refs/heads/main", "main", "main"},
        {K::LocalBranch, "refs/heads/topic", "topic", "topic"},
        {K::LocalBranch, "refs/heads/topic2", "topic2", "topic2"},
        {K::RemoteBranch, "refs/remotes/origin/main", "origin/main", "main~1"},
        {K::Tag, "refs/tags/v1", "v1", "main~5"},
        {K::Tag, "refs/tags/v2", "v2", "main~2"},
        {K::PullRequest, "refs/pull/1/head", "pull/1", "topic"},
        {K::PullRequest, "refs/pull/2/head", "pull/2", "main~3"},
        {K::PullRequest, "refs/pull/10/head", "pull/10", "topic2"},
        {K::MergeRequest, "refs/merge-requests/7/head", "merge-requests/7", "main~1"},
    };
    QCOMPARE(refs->size(), qsizetype(std::size(expected)));
    for (qsizetype i = 0; i < refs->size(); ++i) {
        const RefInfo &r = refs->at(i);
        const Expected &e = expected[i];
        QCOMPARE(r.name, QString::fromLatin1(e.name));
        QCOMPARE(int(r.kind), int(e.kind));
        QCOMPARE(r.shortName, QString::fromLatin1(e.shortName));
        QCOMPARE(r.commitId, m_hist.revParse(QLatin1String(e.target) + QLatin1String("^{commit}")));
    }
    // The annotated tag is peeled to its commit, not the tag object.
    QVERIFY(m_hist.revParse(QStringLiteral("v2")) != refs->at(5).commitId);
}

// ---- resolve ----------------------------------------------------------------------------------

void TestGitRepository::resolve_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("gitSpec"); // what git rev-parse gets (same unless abbreviated)
    QTest::newRow("branch") << "main"
                            << "main";
    QTest::newRow("ancestor") << "main~2"
                              << "main~2";
    QTest::newRow("second parent") << "main~1^2"
                                   << "main~1^2";
    QTest::newRow("full ref") << "refs/heads/topic"
                              << "topic";
    QTest::newRow("remote branch") << "origin/main"
                                   << "origin/main";
    QTest::newRow("tag") << "v1"
                         << "v1";
    QTest::newRow("annotated tag") << "v2"
                                   << "v2^{commit}";
    QTest::newRow("pull ref") << "refs/pull/10/head"
                              << "topic2";
    QTest::newRow("pull ref short name") << "pull/10"
                                         << "topic2";
    QTest::newRow("pull ref short name, parent") << "pull/10~1"
                                                 << "topic2~1";
    const QString full = m_hist.revParse(QStringLiteral("main~4"));
    QTest::newRow("full sha") << full << full;
    QTest::newRow("short sha") << full.left(7) << full;
}

void TestGitRepository::resolve()
{
    QFETCH(QString, spec);
    QFETCH(QString, gitSpec);
    Repository repo = openOrFail(m_hist.dir());
    Result<Revision> rev = repo.resolve(spec);
    QVERIFY2(rev, qPrintable(rev ? QString() : rev.error().toString()));
    QCOMPARE(rev->spec, spec);
    QVERIFY(!rev->worktree);
    QCOMPARE(rev->commitId, m_hist.revParse(gitSpec));
    QCOMPARE(rev->displayName(), spec.size() >= 7 && rev->commitId.startsWith(spec)
                                     ? rev->commitId.left(7)
                                     : QStringLiteral("%1 (%2)").arg(spec, rev->commitId.left(7)));

    Result<Revision> wt = repo.resolve(kWorktree);
    QVERIFY(wt);
    QVERIFY(wt->worktree);
    QVERIFY(wt->commitId.isEmpty());
    QCOMPARE(wt->displayName(), QStringLiteral("WORKTREE"));
}

void TestGitRepository::resolveErrors()
{
    Repository repo = openOrFail(m_hist.dir());
    for (const QString &spec :
         {QStringLiteral("nope"), QStringLiteral("main~99"), QStringLiteral("deadbeef")}) {
        Result<Revision> rev = repo.resolve(spec);
        QVERIFY2(!rev, qPrintable(spec));
        QCOMPARE(rev.error().category, ErrorCategory::Git);
        QCOMPARE(rev.error().message,
                 QStringLiteral("unknown revision '%1' in %2").arg(spec, m_hist.dir()));
    }
}

// ---- commitRange --------------------------------------------------------------------------------

QStringList TestGitRepository::sluiceIds(const QString &base, const QString &head, bool firstParent)
{
    return sluiceIds(m_hist, base, head, firstParent);
}

QStringList TestGitRepository::sluiceIds(GitFixture &fixture, const QString &base, const QString &head, bool firstParent)
{
    Result<Repository> repo = Repository::open(fixture.dir());
    if (!repo)
        return {QStringLiteral("error: ") + repo.error().toString()};
    CommitRangeOptions opts;
    opts.firstParent = firstParent;
    Result<QList<CommitInfo>> list = repo->commitList(
        base.isEmpty() ? QString() : fixture.revParse(base), fixture.revParse(head), opts);
    if (!list)
        return {QStringLiteral("error: ") + list.error().toString()};
    QStringList ids;
    for (const CommitInfo &c : *list)
        ids.append(c.id);
    return ids;
}

void TestGitRepository::commitRange_data()
{
    QTest::addColumn<QString>("base");
    QTest::addColumn<QString>("head");
    const char *ranges[][2] = {
        {"", "main"},        {"main~3", "main"}, {"topic", "main"},    {"main", "topic"},
        {"v1", "main"},      {"topic2", "main"}, {"main~5", "topic2"}, {"main", "main"},
        {"topic", "topic2"}, {"", "topic"},
    };
    for (const auto &r : ranges) {
        const QString name = QStringLiteral("%1..%2").arg(QLatin1String(r[0]), QLatin1String(r[1]));
        QTest::newRow(qPrintable(name)) << QString::fromLatin1(r[0]) << QString::fromLatin1(r[1]);
    }
}

void TestGitRepository::commitRange()
{
    QFETCH(QString, base);
    QFETCH(QString, head);
    const QString range = base.isEmpty() ? head : base + QStringLiteral("..") + head;
    // Same set, same order as git log.
    QCOMPARE(sluiceIds(base, head, false), m_hist.gitLines({"log", "--format=%H", range}));
    QCOMPARE(sluiceIds(base, head, true),
             m_hist.gitLines({"log", "--first-parent", "--format=%H", range}));
}

void TestGitRepository::commitRangeMetadata()
{
    Repository repo = openOrFail(m_hist.dir());
    Result<QList<CommitInfo>> list = repo.commitList({}, m_hist.revParse(QStringLiteral("main")));
    QVERIFY(list);
    const QStringList lines =
        m_hist.gitLines({"log", "--format=%H%x09%an%x09%ae%x09%at%x09%s%x09%P", "main"});
    QCOMPARE(list->size(), lines.size());
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QStringList f = lines[i].split(QLatin1Char('\t'));
        const CommitInfo &c = list->at(i);
        QCOMPARE(c.id, f[0]);
        QCOMPARE(c.author, f[1]);
        QCOMPARE(c.authorEmail, f[2]);
        QCOMPARE(c.time, QDateTime::fromSecsSinceEpoch(f[3].toLongLong(), Qt::UTC));
        QCOMPARE(c.summary, f[4]);
        QCOMPARE(c.parentIds, f[5].isEmpty() ? QStringList() : f[5].split(QLatin1Char(' ')));
        QVERIFY(c.changedPaths.isEmpty()); // withPaths is off
    }
}

void TestGitRepository::commitRangeBatches()
{
    Repository repo = openOrFail(m_hist.dir());
    const QString head = m_hist.revParse(QStringLiteral("main"));
    CommitRangeOptions opts;
    opts.firstBatchSize = 1;
    opts.batchSize = 4;
    QList<qsizetype> sizes;
    QVERIFY(repo.commitRange({}, head, opts, [&](const QList<CommitInfo> &b) {
        sizes.append(b.size());
        return true;
    }));
    QCOMPARE(sizes, (QList<qsizetype>{1, 4, 4, 3})); // 12 commits reachable from main

    sizes.clear();
    QVERIFY(repo.commitRange({}, head, opts, [&](const QList<CommitInfo> &b) {
        sizes.append(b.size());
        return false; // stop after the first batch
    }));
    QCOMPARE(sizes, (QList<qsizetype>{1}));

    CancelToken cancel;
    cancel.cancel();
    // Too small to reach a cancellation check is fine; the call must not fail otherwise.
    const Status s = repo.commitRange(
        {}, head, opts, [](const QList<CommitInfo> &) { return true; }, cancel);
    QVERIFY(s || s.error().category == ErrorCategory::Cancelled);

    const Status bad = repo.commitRange(QStringLiteral("nope"), head, opts,
                                        [](const QList<CommitInfo> &) { return true; });
    QVERIFY(!bad);
    QVERIFY2(bad.error().message.contains(QLatin1String("unknown revision 'nope'")),
             qPrintable(bad.error().message));
}

// Where the walk's order rules matter: every commit at the same second (the tie-breaks decide)
// and a shallow clone's boundary. The same list, in the same order, as git log. (Clock skew is
// the walk's documented limit: a commit older than its parent can let a commit reachable from
// the base be listed, where git log's limit_list walks on.)
void TestGitRepository::commitRangeAtTheEdges()
{
    GitFixture g;
    g.setDir(m_tmp.filePath(QStringLiteral("edges")));
    QVERIFY(g.init());
    g.setClock(10, false);
    for (const char *name : {"c1", "c2", "c3"})
        g.commit(QString::fromLatin1(name));
    g.git({"checkout", "-q", "-b", "topic", "HEAD~1"});
    for (const char *name : {"t1", "t2", "t3"})
        g.commit(QString::fromLatin1(name));
    g.git({"checkout", "-q", "main"});
    g.commit(QStringLiteral("c4"));
    g.gitTimed({"merge", "-q", "--no-ff", "-m", "merge topic", "topic"});
    g.git({"checkout", "-q", "-b", "late", "topic"});
    g.commit(QStringLiteral("l1"));
    g.git({"checkout", "-q", "main"});
    g.commit(QStringLiteral("c5"));
    g.commit(QStringLiteral("c6"));
    g.gitTimed({"merge", "-q", "--no-ff", "-m", "merge late", "late"});
    const QList<std::pair<QString, QString>> ranges = {
        {"", "main"}, {"topic", "main"}, {"main~1", "main"}, {"main~3", "main"}, {"late", "main"},
        {"main", "topic"}, {"topic~2", "late"}, {"main~4", "topic"},
    };
    for (const auto &[base, head] : ranges) {
        const QString range = base.isEmpty() ? head : base + QStringLiteral("..") + head;
        QCOMPARE(sluiceIds(g, base, head, false), g.gitLines({"log", "--format=%H", range}));
        QCOMPARE(sluiceIds(g, base, head, true), g.gitLines({"log", "--first-parent", "--format=%H", range}));
    }

    // A shallow clone: the walk stops at the boundary, as git log does.
    GitFixture shallow;
    shallow.setDir(m_tmp.filePath(QStringLiteral("edges-shallow")));
    bool cloned = false;
    g.git({"clone", "-q", "--depth", "3", "--no-single-branch", "file://" + g.dir(), shallow.dir()}, &cloned);
    QVERIFY2(cloned, qPrintable(g.lastError()));
    for (const auto &[base, head] : QList<std::pair<QString, QString>>{{"", "origin/main"}, {"origin/main~1", "origin/main"}, {"", "origin/topic"}})
        QCOMPARE(sluiceIds(shallow, base, head, false), shallow.gitLines({"log", "--format=%H", base.isEmpty() ? head : base + ".." + head}));
}

void TestGitRepository::firstParent()
{
    Repository repo = openOrFail(m_hist.dir());
    const QString merge = m_hist.revParse(QStringLiteral("main~1"));
    Result<QString> p = repo.firstParent(merge);
    QVERIFY(p);
    QCOMPARE(*p, m_hist.revParse(QStringLiteral("main~1^1")));
    Result<QString> root = repo.firstParent(m_hist.revParse(QStringLiteral("main~8")));
    QVERIFY(root);
    QVERIFY(root->isEmpty());
}

void TestGitRepository::changedPaths_data()
{
    QTest::addColumn<QString>("spec");
    QTest::newRow("root commit") << "main~8";
    QTest::newRow("add a file") << "main~7";
    QTest::newRow("merge vs first parent") << "main~4";
    QTest::newRow("modify + delete") << "main";
}

void TestGitRepository::changedPaths()
{
    QFETCH(QString, spec);
    const QString id = m_hist.revParse(spec);
    const bool root = m_hist.git({"rev-list", "--parents", "-n", "1", id}).split(' ').size() == 1;
    QStringList expected = root ? m_hist.gitLines({"ls-tree", "-r", "--name-only", id})
                                : m_hist.gitLines({"diff", "--no-renames", "--name-only",
                                                   id + QStringLiteral("^1"), id});
    QVERIFY(!expected.isEmpty());

    Repository repo = openOrFail(m_hist.dir());
    CommitRangeOptions opts;
    opts.withPaths = true;
    Result<QList<CommitInfo>> list = repo.commitList({}, id, opts); // the head comes first
    QVERIFY(list);
    QVERIFY(!list->isEmpty());
    QCOMPARE(list->first().id, id);
    QStringList actual = list->first().changedPaths;
    actual.sort();
    expected.sort();
    QCOMPARE(actual, expected);
}

// ---- contentId ----------------------------------------------------------------------------------

void TestGitRepository::contentId()
{
    Repository repo = openOrFail(m_hist.dir());
    auto idAt = [&](const QString &spec, const QString &path) -> QString {
        Result<Revision> rev = repo.resolve(spec);
        if (!rev)
            return rev.error().message;
        Result<QString> id = repo.contentId(*rev, path);
        return id ? *id : id.error().message;
    };
    // apps/web did not change between main~1 and main (only apps/api and apps/db did).
    QCOMPARE(idAt(QStringLiteral("main~1"), QStringLiteral("apps/web")),
             idAt(QStringLiteral("main"), QStringLiteral("apps/web")));
    QCOMPARE(idAt(QStringLiteral("main"), QStringLiteral("apps/web")),
             m_hist.revParse(QStringLiteral("main:apps/web")));
    QVERIFY(idAt(QStringLiteral("main~1"), QStringLiteral("apps/api")) !=
            idAt(QStringLiteral("main"), QStringLiteral("apps/api")));
    QCOMPARE(idAt(QStringLiteral("main"), QString()),
             m_hist.revParse(QStringLiteral("main^{tree}")));
    QCOMPARE(idAt(QStringLiteral("main"), QStringLiteral(".")),
             m_hist.revParse(QStringLiteral("main^{tree}")));
    QCOMPARE(idAt(QStringLiteral("main"), QStringLiteral("./apps/web/")),
             m_hist.revParse(QStringLiteral("main:apps/web")));

    const QString shortId = m_hist.revParse(QStringLiteral("main")).left(7);
    QCOMPARE(idAt(QStringLiteral("main"), QStringLiteral("apps/nope")),
             QStringLiteral("path apps/nope does not exist at main (%1)").arg(shortId));
    QCOMPARE(idAt(QStringLiteral("main~8"), QStringLiteral("apps/web")),
             QStringLiteral("path apps/web does not exist at main~8 (%1)")
                 .arg(m_hist.revParse(QStringLiteral("main~8")).left(7)));
}

// ---- materialize ------------------------------------------------------------------------------

namespace {

// What readFiles gives, as readTree shows a folder.
QMap<QString, QByteArray> filesRead(const Repository &repo, const Revision &rev, const QString &subPath,
                                    const std::function<bool(const QString &)> &wanted)
{
    Result<QList<FileBytes>> files = repo.readFiles(rev, subPath, wanted);
    if (!files) {
        qWarning() << files.error().toString();
        return {{QStringLiteral("error"), files.error().message.toUtf8()}};
    }
    QMap<QString, QByteArray> tree;
    QStringList order;
    for (const FileBytes &file : std::as_const(*files)) {
        tree.insert(file.path, file.bytes);
        order.append(file.path);
    }
    if (!std::is_sorted(order.cbegin(), order.cend()) || order.size() != tree.size())
        return {{QStringLiteral("error"), "paths not in order or repeated"}};
    return tree;
}

} // namespace

void TestGitRepository::materializeCommit()
{
    Repository repo = openOrFail(m_files.dir());
    Result<Revision> rev = repo.resolve(QStringLiteral("main"));
    QVERIFY(rev);
    QTemporaryDir out;
    const Status s = repo.materialize(*rev, QStringLiteral("apps/web"), out.path());
    QVERIFY2(s, qPrintable(s ? QString() : s.error().toString()));

    const QMap<QString, QByteArray> expected{
        {QStringLiteral(".gitignore"), "*.env\n"},
        {QStringLiteral("alias/svc.yaml"), "kind: Service\n"}, // directory symlink, copied
        {QStringLiteral("deploy.yaml"), "kind: Deployment\n"},
        {QStringLiteral("link.yaml"), "kind: Service\n"}, // file symlink, copied
        {QStringLiteral("old.yaml"), "kind: ConfigMap\n"},
        {QStringLiteral("run.sh"), "#!/bin/sh\necho hi\n"},
        {QStringLiteral("sub/svc.yaml"), "kind: Service\n"},
        {QStringLiteral("vendor/keep.yaml"), "kept\n"},
    };
    QCOMPARE(test::readTree(out.path()), expected);
    QVERIFY(QFileInfo(out.filePath(QStringLiteral("run.sh"))).isExecutable());
    QVERIFY(!QFileInfo(out.filePath(QStringLiteral("deploy.yaml"))).isExecutable());
    QVERIFY(!QFileInfo(out.filePath(QStringLiteral("link.yaml"))).isSymLink());

    // The whole repository, and a sub-path given with "./" and a trailing slash.
    QTemporaryDir out2;
    QVERIFY(repo.materialize(*rev, QStringLiteral("./apps/other/"), out2.path()));
    QCOMPARE(test::readTree(out2.path()), (QMap<QString, QByteArray>{{"a.yaml", "a\n"}}));
}

void TestGitRepository::materializeErrors_data()
{
    QTest::addColumn<QString>("subPath");
    QTest::addColumn<QString>("error");
    QTest::newRow("symlink escapes")
        << "apps/evil"
        << "symlink apps/evil/x.yaml points outside apps/evil (../../secret.txt): refused";
    QTest::newRow("absolute symlink")
        << "apps/abs"
        << "symlink apps/abs/x.yaml points outside apps/abs (/etc/hostname): refused";
    QTest::newRow("dangling symlink")
        << "apps/dangling"
        << "symlink apps/dangling/x.yaml points to nope.yaml, which does not exist at main (";
    QTest::newRow("submodule") << "apps/sub"
                               << "submodules are not supported: apps/sub/mod";
    QTest::newRow("missing path") << "apps/nope"
                                  << "path apps/nope does not exist at main (";
    QTest::newRow("outside the repository") << "../x"
                                            << "path ../x is not inside the repository";
}

void TestGitRepository::materializeErrors()
{
    QFETCH(QString, subPath);
    QFETCH(QString, error);
    Repository repo = openOrFail(m_files.dir());
    Result<Revision> rev = repo.resolve(QStringLiteral("main"));
    QVERIFY(rev);
    QTemporaryDir out;
    const Status s = repo.materialize(*rev, subPath, out.path());
    QVERIFY(!s);
    QVERIFY2(s.error().message.startsWith(error), qPrintable(s.error().message));
    const auto read = repo.readFiles(*rev, subPath, [](const QString &) { return true; });
    QVERIFY(!read);
    QCOMPARE(read.error().message, s.error().message);
    if (!subPath.startsWith(QLatin1String(".."))) {
        Result<QString> id = repo.contentId(*rev, subPath); // tree ids need no planning
        QCOMPARE(bool(id), !subPath.endsWith(QLatin1String("nope")));
    }
}

void TestGitRepository::materializeWorktree()
{
    GitFixture &f = m_files;
    const QString statusBefore = f.git({"status", "--porcelain", "--ignored"});
    const QString headBefore = f.revParse(QStringLiteral("HEAD"));
    QFile indexFile(f.dir() + QStringLiteral("/.git/index"));
    QVERIFY(indexFile.open(QIODevice::ReadOnly));
    const QByteArray indexBefore = indexFile.readAll();
    indexFile.close();

    Repository repo = openOrFail(f.dir());
    Result<Revision> wt = repo.resolve(kWorktree);
    QVERIFY(wt);
    Result<QString> cleanId = repo.contentId(*wt, QStringLiteral("apps/web"));
    QVERIFY2(cleanId, qPrintable(cleanId ? QString() : cleanId.error().toString()));
    QCOMPARE(cleanId->size(), 40);

    // Modified tracked file, untracked file, ignored file, deleted tracked file.
    QVERIFY(f.write(QStringLiteral("apps/web/deploy.yaml"), "kind: Deployment\nreplicas: 3\n"));
    QVERIFY(f.write(QStringLiteral("apps/web/new.yaml"), "kind: Secret\n"));
    QVERIFY(f.write(QStringLiteral("apps/web/secret.env"), "TOKEN=xyz\n"));
    QVERIFY(QFile::remove(f.dir() + QStringLiteral("/apps/web/old.yaml")));
    QVERIFY(f.write(QStringLiteral("apps/web/vendor/new.yaml"), "in an ignored dir\n"));
    QVERIFY(f.write(QStringLiteral("apps/web/cache/x.yaml"), "in an ignored dir\n"));
    const QString statusDirty = f.git({"status", "--porcelain", "--ignored"});

    QTemporaryDir out;
    const Status s = repo.materialize(*wt, QStringLiteral("apps/web"), out.path());
    QVERIFY2(s, qPrintable(s ? QString() : s.error().toString()));
    const QMap<QString, QByteArray> expected{
        {QStringLiteral(".gitignore"), "*.env\n"},
        {QStringLiteral("alias/svc.yaml"), "kind: Service\n"},
        {QStringLiteral("deploy.yaml"), "kind: Deployment\nreplicas: 3\n"},
        {QStringLiteral("link.yaml"), "kind: Service\n"},
        {QStringLiteral("new.yaml"), "kind: Secret\n"},
        {QStringLiteral("run.sh"), "#!/bin/sh\necho hi\n"},
        {QStringLiteral("sub/svc.yaml"), "kind: Service\n"},
        {QStringLiteral("vendor/keep.yaml"), "kept\n"},
    };
    QCOMPARE(test::readTree(out.path()), expected);
    QVERIFY(QFileInfo(out.filePath(QStringLiteral("run.sh"))).isExecutable());

    // contentId follows exactly what materialize writes: not the ignored file.
    Result<QString> dirtyId = repo.contentId(*wt, QStringLiteral("apps/web"));
    QVERIFY(dirtyId);
    QVERIFY(*dirtyId != *cleanId);
    QVERIFY(f.write(QStringLiteral("apps/web/secret.env"), "TOKEN=changed\n"));
    QCOMPARE(*repo.contentId(*wt, QStringLiteral("apps/web")), *dirtyId);
    QVERIFY(f.write(QStringLiteral("apps/web/new.yaml"), "kind: Secret\ndata: {}\n"));
    QVERIFY(*repo.contentId(*wt, QStringLiteral("apps/web")) != *dirtyId);

    // A symlink in the working tree that escapes is refused too.
    QVERIFY(f.symlink(QStringLiteral("apps/web/escape.yaml"), QStringLiteral("../../secret.txt")));
    QTemporaryDir out2;
    const Status esc = repo.materialize(*wt, QStringLiteral("apps/web"), out2.path());
    QVERIFY(!esc);
    QCOMPARE(esc.error().message, QStringLiteral("symlink apps/web/escape.yaml points outside "
                                                 "apps/web (../../secret.txt): refused"));
    QVERIFY(QFile::remove(f.dir() + QStringLiteral("/apps/web/escape.yaml")));

    // Nothing in the repository changed: status, HEAD, index bytes.
    QCOMPARE(f.git({"status", "--porcelain", "--ignored"}), statusDirty);
    QCOMPARE(f.revParse(QStringLiteral("HEAD")), headBefore);
    QVERIFY(indexFile.open(QIODevice::ReadOnly));
    QCOMPARE(indexFile.readAll(), indexBefore);
    indexFile.close();

    // Restore the clean tree for other tests.
    f.git({"checkout", "-q", "--", "apps/web"});
    QFile::remove(f.dir() + QStringLiteral("/apps/web/new.yaml"));
    QFile::remove(f.dir() + QStringLiteral("/apps/web/secret.env"));
    QFile::remove(f.dir() + QStringLiteral("/apps/web/vendor/new.yaml"));
    QDir(f.dir() + QStringLiteral("/apps/web/cache")).removeRecursively();
    QCOMPARE(f.git({"status", "--porcelain", "--ignored"}), statusBefore);
    QCOMPARE(*repo.contentId(*wt, QStringLiteral("apps/web")), *cleanId);
}

void TestGitRepository::materializeCancelled()
{
    Repository repo = openOrFail(m_files.dir());
    CancelToken cancel;
    cancel.cancel();
    QTemporaryDir out;
    for (const QString &spec : {QStringLiteral("main"), kWorktree}) {
        Result<Revision> rev = repo.resolve(spec);
        QVERIFY(rev);
        const Status s = repo.materialize(*rev, QStringLiteral("apps/web"), out.path(), cancel);
        QVERIFY(!s);
        QCOMPARE(s.error().category, ErrorCategory::Cancelled);
    }
    QVERIFY(test::readTree(out.path()).isEmpty());
}

// readFiles gives what materialize writes (links as copies, ignored files left out in the
// working tree), contents only of the files wanted, and refuses what it refuses.
void TestGitRepository::readFilesAsMaterializeWrites()
{
    GitFixture &f = m_files;
    Repository repo = openOrFail(f.dir());
    const auto all = [](const QString &) { return true; };
    QVERIFY(f.write(QStringLiteral("apps/web/new.yaml"), "kind: Secret\n"));
    QVERIFY(f.write(QStringLiteral("apps/web/secret.env"), "TOKEN=xyz\n")); // ignored
    const auto cleanup = qScopeGuard([&f] {
        QFile::remove(f.dir() + QStringLiteral("/apps/web/new.yaml"));
        QFile::remove(f.dir() + QStringLiteral("/apps/web/secret.env"));
    });
    for (const QString &spec : {QStringLiteral("main"), kWorktree}) {
        Result<Revision> rev = repo.resolve(spec);
        QVERIFY(rev);
        for (const QString &subPath : {QStringLiteral("apps/web"), QStringLiteral("apps/other")}) {
            QTemporaryDir out;
            QVERIFY(repo.materialize(*rev, subPath, out.path()));
            QCOMPARE(filesRead(repo, *rev, subPath, all), test::readTree(out.path()));
        }
        const QMap<QString, QByteArray> yamlOnly = filesRead(repo, *rev, QStringLiteral("apps/web"), [](const QString &path) {
            return path.endsWith(QLatin1String(".yaml"));
        });
        QVERIFY(yamlOnly.contains(QStringLiteral("run.sh")));
        QCOMPARE(yamlOnly.contains(QStringLiteral("new.yaml")), spec == kWorktree);
        QVERIFY(!yamlOnly.contains(QStringLiteral("secret.env")));
        qint64 yamlBytes = 0;
        for (auto it = yamlOnly.cbegin(); it != yamlOnly.cend(); ++it) {
            QCOMPARE(it.value().isEmpty(), !it.key().endsWith(QLatin1String(".yaml")));
            yamlBytes += it.value().size();
        }
        // What the same files weigh, unread: a commit's blobs or the working tree's files.
        const Result<qint64> sized = repo.bytesOf(*rev, QStringLiteral("apps/web"), [](const QString &path) {
            return path.endsWith(QLatin1String(".yaml"));
        });
        QVERIFY(sized);
        QCOMPARE(*sized, yamlBytes);
        QVERIFY(yamlBytes > 0);
    }

    // A link leaving the path: refused, or with `refused`, left out and named.
    Result<Revision> main = repo.resolve(QStringLiteral("main"));
    QVERIFY(main);
    QList<Repository::RefusedLink> refused;
    auto lenient = repo.readFiles(*main, QStringLiteral("apps/evil"), all, &refused);
    QVERIFY2(lenient, qPrintable(lenient ? QString() : lenient.error().toString()));
    QCOMPARE(refused.size(), 1);
    QCOMPARE(refused.first().path, QStringLiteral("apps/evil/x.yaml"));

    CancelToken cancel;
    cancel.cancel();
    auto cancelled = repo.readFiles(*main, QStringLiteral("apps/web"), all, nullptr, cancel);
    QVERIFY(!cancelled);
    QCOMPARE(cancelled.error().category, ErrorCategory::Cancelled);
}

// A large loose blob (here 2 MB, about 1 MB compressed) is read through libgit2's stream, a
// small or packed one (whole or as a delta) through the object lookup: the same bytes either way,
// for an empty file, binary bytes, the large file and one stored as a delta of it.
void TestGitRepository::readsLooseAndPackedBlobsAlike()
{
    GitFixture f(m_tmp.filePath(QStringLiteral("blobs")));
    QVERIFY(f.init());
    QByteArray large;
    QRandomGenerator random(11);
    for (int i = 0; i < 120000; ++i)
        large += "line " + QByteArray::number(random.generate()) + '\n';
    const QByteArray binary("\0\x01\xff\0 binary\r\n", 13);
    QMap<QString, QByteArray> first{{QStringLiteral("empty.yaml"), QByteArray()},
                                    {QStringLiteral("binary.bin"), binary},
                                    {QStringLiteral("large.yaml"), large}};
    // Sizes about the reader's first buffer (header and first bytes: 64), and bytes zlib cannot
    // shrink, over several of its input reads.
    for (int size : {1, 40, 52, 53, 54, 63, 64, 65, 200}) {
        QByteArray text;
        for (int i = 0; i < size; ++i)
            text += char('a' + i % 26);
        first.insert(QStringLiteral("size-%1.txt").arg(size), text);
    }
    QByteArray noise(100000, Qt::Uninitialized);
    for (char &c : noise)
        c = char(random.generate());
    first.insert(QStringLiteral("noise.bin"), noise);
    for (auto it = first.cbegin(); it != first.cend(); ++it)
        QVERIFY(f.write(it.key(), it.value()));
    f.commitAll(QStringLiteral("first"));
    QMap<QString, QByteArray> second = first;
    second[QStringLiteral("large.yaml")] = large + "one more line\n";
    QVERIFY(f.write(QStringLiteral("large.yaml"), second.value(QStringLiteral("large.yaml"))));
    f.commitAll(QStringLiteral("second"));

    const auto all = [](const QString &) { return true; };
    const auto readBoth = [&] {
        Repository repo = openOrFail(f.dir());
        for (const auto &[spec, expected] : {std::pair{QStringLiteral("main~1"), first}, std::pair{QStringLiteral("main"), second}}) {
            Result<Revision> rev = repo.resolve(spec);
            QVERIFY(rev);
            QCOMPARE(filesRead(repo, *rev, QString(), all), expected);
            qint64 bytes = 0;
            for (const QByteArray &content : expected)
                bytes += content.size();
            const Result<qint64> sized = repo.bytesOf(*rev, QString(), all); // object headers, loose or packed
            QVERIFY(sized);
            QCOMPARE(*sized, bytes);
            Result<Repository::PathObject> one = repo.object(*rev, QStringLiteral("large.yaml"));
            QVERIFY(one);
            QCOMPARE(one->content, expected.value(QStringLiteral("large.yaml")));
        }
    };
    readBoth();
    const QString looseLarge = f.dir() + QStringLiteral("/.git/objects/") + f.revParse(QStringLiteral("main:large.yaml")).insert(2, '/');
    QVERIFY(QFileInfo::exists(looseLarge));

    // A damaged loose object is an error that names it, never other bytes (libgit2 1.5 looped
    // forever in one of these).
    {
        QFile object(looseLarge);
        QVERIFY(object.open(QIODevice::ReadOnly));
        const QByteArray stored = object.readAll();
        object.close();
        QVERIFY(object.setPermissions(QFile::ReadOwner | QFile::WriteOwner));
        for (const QByteArray &damaged : {stored.left(stored.size() / 2), stored.left(2) + QByteArray(stored.size() - 2, 'x')}) {
            QVERIFY(object.open(QIODevice::WriteOnly | QIODevice::Truncate));
            object.write(damaged);
            object.close();
            Repository repo = openOrFail(f.dir());
            Result<Revision> rev = repo.resolve(QStringLiteral("main"));
            QVERIFY(rev);
            const auto read = repo.readFiles(*rev, QString(), all);
            QVERIFY(!read);
            QVERIFY2(read.error().message.contains(QLatin1String("large.yaml")) && read.error().message.contains(QLatin1String("is damaged")),
                     qPrintable(read.error().message));
        }
        QVERIFY(object.open(QIODevice::WriteOnly | QIODevice::Truncate));
        object.write(stored);
        object.close();
    }
    bool ok = false;
    f.git({QStringLiteral("repack"), QStringLiteral("-a"), QStringLiteral("-d"), QStringLiteral("-q")}, &ok);
    QVERIFY2(ok, qPrintable(f.lastError()));
    f.git({QStringLiteral("prune-packed")}, &ok);
    QVERIFY2(ok, qPrintable(f.lastError()));
    QVERIFY(!QFileInfo::exists(f.dir() + QStringLiteral("/.git/objects/") + f.revParse(QStringLiteral("main:large.yaml")).insert(2, '/')));
    readBoth();
}

QTEST_GUILESS_MAIN(TestGitRepository)
#include "tst_gitrepository.moc"
