// createRevertBranch and pushBranch on real repositories: an upstream, a bare "remote" cloned
// from it and the user's clone of that remote, with uncommitted work and another branch checked
// out. Results are checked against the git CLI (including `git revert` itself).

#include "common/GitFixture.h"
#include "git/Revert.h"

#include <QTemporaryDir>
#include <QTest>

using namespace sluice;
using namespace sluice::git;
using sluice::test::GitFixture;

namespace {

const QString kWeb = QStringLiteral("apps/web/deploy.yaml");
const QString kApi = QStringLiteral("apps/api/deploy.yaml");
const QString kDb = QStringLiteral("apps/db/deploy.yaml");

// What a revert must leave alone in the user's clone.
struct CloneState
{
    QString head;                    // rev-parse HEAD
    QString branch;                  // the checked-out branch
    QString status;                  // status --porcelain
    QString index;                   // ls-files --stage
    QMap<QString, QByteArray> files; // the working tree
    QMap<QString, QString> refs;     // every ref → object id
};

} // namespace

class TestGitRevert : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void revertOneCommit();
    void revertTwoCommitsInOrder();
    void revertInBareRepository();
    void signatureFallback();
    void existingBranch();
    void conflictingRevert_data();
    void conflictingRevert();
    void mergeCommit();
    void invalidRequests_data();
    void invalidRequests();
    void cancelled();

    void push_data();
    void push();
    void pushErrors_data();
    void pushErrors();
    void pushRejected();

private:
    // A fresh set below <tmp>/<name>: up/ (history c1..c4), remote.git (bare clone of up) and
    // clone/ (the user's clone of remote.git, on branch "work" with uncommitted edits).
    void makeRepos(const QString &name);
    CloneState stateOf(GitFixture &repo);
    void verifyUntouched(const CloneState &before, const CloneState &after,
                         const QString &newBranch = {});
    Result<RevertResult> revert(const QString &base, const QStringList &commits,
                                const QString &branch = {});

    QTemporaryDir m_tmp;
    GitFixture m_up;
    GitFixture m_clone;
    QString m_remote;
    QString m_c1, m_c2, m_c3, m_c4;
};

void TestGitRevert::initTestCase()
{
    QVERIFY2(GitFixture::gitAvailable(), "these tests need the git CLI on PATH");
    QVERIFY(m_tmp.isValid());
    // libgit2 (in this process) and `git credential fill` must not read the user's config.
    const QByteArray home = QFile::encodeName(m_tmp.filePath(QStringLiteral("home")));
    QVERIFY(QDir().mkpath(QString::fromLocal8Bit(home)));
    qputenv("HOME", home);
    qputenv("XDG_CONFIG_HOME", home + "/.config");
    qputenv("GIT_CONFIG_NOSYSTEM", "1");
    qputenv("GIT_CONFIG_GLOBAL", "/dev/null");
    qputenv("GIT_TERMINAL_PROMPT", "0");
}

void TestGitRevert::makeRepos(const QString &name)
{
    const QString root = m_tmp.filePath(name);
    m_up = GitFixture(root + QLatin1String("/up"));
    QVERIFY(m_up.init());
    QVERIFY(m_up.write(kWeb, "image: web:1\n"));
    QVERIFY(m_up.write(kApi, "image: api:1\n"));
    QVERIFY(m_up.write(kDb, "image: db:1\n"));
    m_c1 = m_up.commitAll(QStringLiteral("add apps"));
    QVERIFY(m_up.write(kWeb, "image: web:2\n"));
    QVERIFY(m_up.write(kApi, "image: api:2\n"));
    m_c2 = m_up.commitAll(QStringLiteral("bump web and api"));
    QVERIFY(m_up.write(kDb, "image: db:2\n"));
    m_c3 = m_up.commitAll(QStringLiteral("bump db"));
    QVERIFY(m_up.write(kWeb, "image: web:3\n"));
    QVERIFY(m_up.write(kApi, "image: api:3\n"));
    m_c4 = m_up.commitAll(QStringLiteral("bump web and api again"));
    QCOMPARE(m_up.revParse(QStringLiteral("main")), m_c4);

    bool ok = false;
    m_remote = root + QLatin1String("/remote.git");
    m_up.git({"clone", "-q", "--bare", m_up.dir(), m_remote}, &ok);
    QVERIFY2(ok, qPrintable(m_up.lastError()));
    m_clone = GitFixture(root + QLatin1String("/clone"));
    m_up.git({"clone", "-q", m_remote, m_clone.dir()}, &ok);
    QVERIFY2(ok, qPrintable(m_up.lastError()));
    m_clone.git({"config", "user.name", "Rita Reverter"});
    m_clone.git({"config", "user.email", "rita@example.com"});

    // The user works on another branch, with an unstaged edit and a staged new file.
    m_clone.git({"checkout", "-q", "-b", "work"});
    QVERIFY(m_clone.write(kDb, "image: db:local\n"));
    QVERIFY(m_clone.write(QStringLiteral("notes.txt"), "todo\n"));
    m_clone.git({"add", "notes.txt"});
}

CloneState TestGitRevert::stateOf(GitFixture &repo)
{
    CloneState s;
    s.head = repo.revParse(QStringLiteral("HEAD"));
    s.branch = repo.git({"rev-parse", "--abbrev-ref", "HEAD"});
    s.status = repo.git({"status", "--porcelain"});
    s.index = repo.git({"ls-files", "--stage"});
    const QMap<QString, QByteArray> all = sluice::test::readTree(repo.dir());
    for (auto it = all.cbegin(); it != all.cend(); ++it) {
        if (!it.key().startsWith(QLatin1String(".git/")))
            s.files.insert(it.key(), it.value());
    }
    for (const QString &line : repo.gitLines({"for-each-ref", "--format=%(refname) %(objectname)"}))
        s.refs.insert(line.section(QLatin1Char(' '), 0, 0), line.section(QLatin1Char(' '), 1));
    return s;
}

// Everything equal, except that `newBranch` (if given) is the one new ref.
void TestGitRevert::verifyUntouched(const CloneState &before, const CloneState &after,
                                    const QString &newBranch)
{
    QCOMPARE(after.head, before.head);
    QCOMPARE(after.branch, before.branch);
    QCOMPARE(after.status, before.status);
    QCOMPARE(after.index, before.index);
    QCOMPARE(after.files, before.files);
    QMap<QString, QString> refs = after.refs;
    if (!newBranch.isEmpty()) {
        QVERIFY(!before.refs.contains(QLatin1String("refs/heads/") + newBranch));
        QVERIFY(refs.remove(QLatin1String("refs/heads/") + newBranch) == 1);
    }
    QCOMPARE(refs, before.refs);
}

Result<RevertResult> TestGitRevert::revert(const QString &base, const QStringList &commits,
                                           const QString &branch)
{
    RevertRequest request;
    request.repoPath = m_clone.dir();
    request.baseRevision = base;
    request.commits = commits;
    request.branchName = branch;
    return createRevertBranch(request);
}

// ---- revert -----------------------------------------------------------------------------------

void TestGitRevert::revertOneCommit()
{
    makeRepos(QStringLiteral("one"));
    if (QTest::currentTestFailed())
        return;
    const CloneState before = stateOf(m_clone);
    QCOMPARE(before.branch, QStringLiteral("work"));
    QVERIFY(!before.status.isEmpty());

    Result<RevertResult> result = revert(QStringLiteral("origin/main"), {m_c3.left(10)});
    QVERIFY2(result, qPrintable(result ? QString() : result.error().toString()));
    QCOMPARE(result->branch, QStringLiteral("sluice/revert-") + m_c3.left(7));
    QCOMPARE(result->baseCommitId, m_c4);
    QCOMPARE(result->revertedIds, QStringList{m_c3});
    QCOMPARE(m_clone.revParse(result->branch), result->commitId);
    QCOMPARE(m_clone.revParse(result->branch + QLatin1String("^")), m_c4);

    // The db file is back to its content before c3; the others are as on the base.
    QCOMPARE(m_clone.git({"show", result->branch + QLatin1Char(':') + kDb}),
             m_clone.git({"show", m_c3 + QLatin1String("^:") + kDb}));
    QVERIFY(m_clone.git({"show", result->branch + QLatin1Char(':') + kDb}) !=
            m_clone.git({"show", m_c4 + QLatin1Char(':') + kDb}));
    for (const QString &path : {kWeb, kApi})
        QCOMPARE(m_clone.git({"show", result->branch + QLatin1Char(':') + path}),
                 m_clone.git({"show", m_c4 + QLatin1Char(':') + path}));

    QCOMPARE(m_clone.git({"log", "-1", "--format=%B", result->branch}),
             QStringLiteral("Revert \"bump db\"\n\nThis reverts commit %1.\n").arg(m_c3));
    QCOMPARE(m_clone.git({"log", "-1", "--format=%an <%ae>|%cn <%ce>", result->branch}),
             QStringLiteral("Rita Reverter <rita@example.com>|Rita Reverter <rita@example.com>"));

    verifyUntouched(before, stateOf(m_clone), result->branch);
}

// Reverting c4 then c2 (newest first) takes web and api back to c1; the result matches what
// `git revert` makes, commit by commit.
void TestGitRevert::revertTwoCommitsInOrder()
{
    makeRepos(QStringLiteral("two"));
    if (QTest::currentTestFailed())
        return;
    const CloneState before = stateOf(m_clone);

    Result<RevertResult> result =
        revert(QStringLiteral("main"), {QStringLiteral("main"), QStringLiteral("main~2")},
               QStringLiteral("rollback/web-api"));
    QVERIFY2(result, qPrintable(result ? QString() : result.error().toString()));
    QCOMPARE(result->branch, QStringLiteral("rollback/web-api"));
    QCOMPARE(result->revertedIds, (QStringList{m_c4, m_c2}));
    QCOMPARE(m_clone.revParse(QStringLiteral("rollback/web-api")), result->commitId);
    QCOMPARE(m_clone.revParse(QStringLiteral("rollback/web-api~2")), m_c4);
    for (const QString &path : {kWeb, kApi})
        QCOMPARE(m_clone.git({"show", QStringLiteral("rollback/web-api:") + path}),
                 m_clone.git({"show", m_c2 + QLatin1String("^:") + path}));

    m_up.git({"checkout", "-q", "-b", "cli-revert", "main"});
    m_up.gitTimed({"revert", "--no-edit", m_c4});
    m_up.gitTimed({"revert", "--no-edit", m_c2});
    m_up.git({"fetch", "-q", m_clone.dir(), "rollback/web-api"});
    QCOMPARE(m_up.revParse(QStringLiteral("FETCH_HEAD^{tree}")),
             m_up.revParse(QStringLiteral("cli-revert^{tree}")));
    QCOMPARE(m_up.revParse(QStringLiteral("FETCH_HEAD~1^{tree}")),
             m_up.revParse(QStringLiteral("cli-revert~1^{tree}")));
    QCOMPARE(m_up.gitLines({"log", "-2", "--format=%B", "FETCH_HEAD"}),
             m_up.gitLines({"log", "-2", "--format=%B", "cli-revert"}));

    verifyUntouched(before, stateOf(m_clone), result->branch);
}

void TestGitRevert::revertInBareRepository()
{
    makeRepos(QStringLiteral("bare"));
    if (QTest::currentTestFailed())
        return;
    GitFixture bare(m_remote);
    const QString headBefore = bare.git({"symbolic-ref", "HEAD"});

    RevertRequest request;
    request.repoPath = m_remote;
    request.baseRevision = QStringLiteral("main");
    request.commits = {m_c3};
    Result<RevertResult> result = createRevertBranch(request);
    QVERIFY2(result, qPrintable(result ? QString() : result.error().toString()));
    QCOMPARE(bare.revParse(QLatin1String("refs/heads/") + result->branch), result->commitId);
    QCOMPARE(bare.git({"show", result->branch + QLatin1Char(':') + kDb}),
             bare.git({"show", m_c3 + QLatin1String("^:") + kDb}));
    QCOMPARE(bare.git({"symbolic-ref", "HEAD"}), headBefore);
    QCOMPARE(bare.revParse(QStringLiteral("main")), m_c4);
}

void TestGitRevert::signatureFallback()
{
    makeRepos(QStringLiteral("signature"));
    if (QTest::currentTestFailed())
        return;
    bool systemName = false;
    m_clone.git({"config", "--system", "--get", "user.name"}, &systemName);
    if (systemName)
        QSKIP("the system git config sets user.name");
    m_clone.git({"config", "--unset", "user.name"});
    m_clone.git({"config", "--unset", "user.email"});

    Result<RevertResult> result = revert(QStringLiteral("main"), {m_c3});
    QVERIFY2(result, qPrintable(result ? QString() : result.error().toString()));
    QCOMPARE(m_clone.git({"log", "-1", "--format=%an <%ae>|%cn <%ce>", result->branch}),
             QStringLiteral("Sluice <sluice@localhost>|Sluice <sluice@localhost>"));
}

void TestGitRevert::existingBranch()
{
    makeRepos(QStringLiteral("existing"));
    if (QTest::currentTestFailed())
        return;
    Result<RevertResult> first = revert(QStringLiteral("main"), {m_c3});
    QVERIFY2(first, qPrintable(first ? QString() : first.error().toString()));
    const CloneState before = stateOf(m_clone);

    // The same request again (default name), and an explicit name that is taken.
    const QStringList taken{QString(), QStringLiteral("work")};
    for (const QString &name : taken) {
        Result<RevertResult> again = revert(QStringLiteral("main"), {m_c3}, name);
        const QString expected = name.isEmpty() ? first->branch : name;
        QVERIFY(!again);
        QCOMPARE(again.error().category, ErrorCategory::Git);
        QCOMPARE(again.error().message,
                 QStringLiteral("branch %1 already exists in %2; pass another name")
                     .arg(expected, m_clone.dir()));
    }
    verifyUntouched(before, stateOf(m_clone));
    QCOMPARE(m_clone.revParse(first->branch), first->commitId);
}

void TestGitRevert::conflictingRevert_data()
{
    QTest::addColumn<QStringList>("commits"); // names of commits: c2, c3, c4
    QTest::addColumn<QString>("conflicting"); // the commit the error names
    QTest::newRow("one commit") << QStringList{"c2"} << "c2";
    QTest::newRow("oldest first") << QStringList{"c2", "c4"} << "c2";
    QTest::newRow("second of two") << QStringList{"c3", "c2"} << "c2";
}

// c2 changed web and api, c4 changed them again: reverting c2 on top of c4 conflicts in both.
void TestGitRevert::conflictingRevert()
{
    QFETCH(QStringList, commits);
    QFETCH(QString, conflicting);
    makeRepos(QStringLiteral("conflict-") + QString::fromLatin1(QTest::currentDataTag()));
    if (QTest::currentTestFailed())
        return;
    const QMap<QString, QString> ids{{"c2", m_c2}, {"c3", m_c3}, {"c4", m_c4}};
    QStringList specs;
    for (const QString &c : commits)
        specs.append(ids.value(c));
    const CloneState before = stateOf(m_clone);

    Result<RevertResult> result = revert(QStringLiteral("main"), specs);
    QVERIFY(!result);
    const QString message = result.error().message;
    QCOMPARE(result.error().category, ErrorCategory::Git);
    QVERIFY2(message.startsWith(QStringLiteral("reverting %1 onto main conflicts in ")
                                    .arg(ids.value(conflicting).left(7))),
             qPrintable(message));
    QVERIFY2(message.contains(kWeb) && message.contains(kApi), qPrintable(message));
    QVERIFY2(!message.contains(kDb), qPrintable(message));
    QVERIFY2(message.endsWith(QLatin1String(": revert by hand")), qPrintable(message));
    verifyUntouched(before, stateOf(m_clone));
}

void TestGitRevert::mergeCommit()
{
    makeRepos(QStringLiteral("merge"));
    if (QTest::currentTestFailed())
        return;
    m_up.git({"checkout", "-q", "-b", "side", m_c3});
    QVERIFY(m_up.write(QStringLiteral("apps/side.yaml"), "side: true\n"));
    m_up.commitAll(QStringLiteral("side change"));
    m_up.git({"checkout", "-q", "main"});
    m_up.gitTimed({"merge", "-q", "--no-ff", "side", "-m", "merge side"});
    const QString merge = m_up.revParse(QStringLiteral("main"));
    m_up.git({"push", "-q", m_remote, "main"});
    m_clone.git({"fetch", "-q"});
    QCOMPARE(m_clone.revParse(QStringLiteral("origin/main")), merge);
    const CloneState before = stateOf(m_clone);

    Result<RevertResult> result = revert(QStringLiteral("origin/main"), {merge});
    QVERIFY(!result);
    QCOMPARE(result.error().category, ErrorCategory::Git);
    const QString message = result.error().message;
    QVERIFY2(message.contains(QLatin1String("reverting merges is not supported")),
             qPrintable(message));
    QVERIFY2(message.contains(merge.left(7)), qPrintable(message));
    verifyUntouched(before, stateOf(m_clone));
}

void TestGitRevert::invalidRequests_data()
{
    QTest::addColumn<QString>("base");
    QTest::addColumn<QStringList>("commits");
    QTest::addColumn<QString>("branch");
    QTest::addColumn<QString>("expected"); // in the message; {clone} is the clone's path
    QTest::newRow("unknown commit") << "main" << QStringList{"no-such-rev"} << QString()
                                    << "unknown revision 'no-such-rev' in {clone}";
    QTest::newRow("unknown second commit") << "main" << QStringList{"main", "main~9"} << QString()
                                           << "unknown revision 'main~9' in {clone}";
    QTest::newRow("unknown base") << "no-such-base" << QStringList{"main"} << QString()
                                  << "unknown revision 'no-such-base' in {clone}";
    QTest::newRow("worktree") << "main" << QStringList{"WORKTREE"} << QString()
                              << "WORKTREE names uncommitted changes";
    QTest::newRow("invalid branch name") << "main" << QStringList{"main"} << "bad..name"
                                         << "'bad..name' is not a valid branch name";
    QTest::newRow("nothing to revert")
        << "main" << QStringList() << QString() << "nothing to revert";
}

void TestGitRevert::invalidRequests()
{
    QFETCH(QString, base);
    QFETCH(QStringList, commits);
    QFETCH(QString, branch);
    QFETCH(QString, expected);
    makeRepos(QStringLiteral("invalid-") + QString::fromLatin1(QTest::currentDataTag()));
    if (QTest::currentTestFailed())
        return;
    const CloneState before = stateOf(m_clone);

    Result<RevertResult> result = revert(base, commits, branch);
    QVERIFY(!result);
    QCOMPARE(result.error().category, ErrorCategory::Git);
    const QString message = result.error().message;
    QVERIFY2(message.contains(QString(expected).replace(QLatin1String("{clone}"), m_clone.dir())),
             qPrintable(message));
    verifyUntouched(before, stateOf(m_clone));
}

void TestGitRevert::cancelled()
{
    makeRepos(QStringLiteral("cancelled"));
    if (QTest::currentTestFailed())
        return;
    const CloneState before = stateOf(m_clone);
    RevertRequest request;
    request.repoPath = m_clone.dir();
    request.baseRevision = QStringLiteral("main");
    request.commits = {m_c3};
    const CancelToken cancel;
    cancel.cancel();
    Result<RevertResult> result = createRevertBranch(request, cancel);
    QVERIFY(!result);
    QCOMPARE(result.error().category, ErrorCategory::Cancelled);
    verifyUntouched(before, stateOf(m_clone));
}

// ---- push -------------------------------------------------------------------------------------

void TestGitRevert::push_data()
{
    QTest::addColumn<bool>("renameOrigin"); // the clone's remote is called "upstream"
    QTest::addColumn<QString>("base");
    QTest::newRow("remote-tracking base") << false << "origin/main";
    QTest::newRow("local base, its upstream") << false << "main";
    QTest::newRow("renamed remote, remote-tracking base") << true << "upstream/main";
    QTest::newRow("renamed remote, local base") << true << "main";
}

void TestGitRevert::push()
{
    QFETCH(bool, renameOrigin);
    QFETCH(QString, base);
    makeRepos(QStringLiteral("push-") + QString::fromLatin1(QTest::currentDataTag()));
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(m_clone.git({"config", "branch.main.remote"}), QStringLiteral("origin"));
    if (renameOrigin)
        m_clone.git({"remote", "rename", "origin", "upstream"});

    Result<RevertResult> result = revert(base, {m_c3});
    QVERIFY2(result, qPrintable(result ? QString() : result.error().toString()));
    const Status pushed = pushBranch(m_clone.dir(), result->branch, base);
    QVERIFY2(pushed, qPrintable(pushed ? QString() : pushed.error().toString()));

    GitFixture remote(m_remote);
    QCOMPARE(remote.git({"rev-parse", QLatin1String("refs/heads/") + result->branch}),
             result->commitId);
    QCOMPARE(remote.revParse(QStringLiteral("refs/heads/main")), m_c4);
}

void TestGitRevert::pushErrors_data()
{
    QTest::addColumn<QStringList>("setup"); // a git command run in the clone first
    QTest::addColumn<QString>("base");
    QTest::addColumn<QString>("branch");       // empty = push the branch the revert creates
    QTest::addColumn<QStringList>("expected"); // in the message; {missing} is a missing path
    QTest::newRow("remote path does not exist")
        << QStringList{"remote", "set-url", "origin", "{missing}"} << "origin/main" << QString()
        << QStringList{"to origin ({missing})", "repository not found"};
    QTest::newRow("file URL does not exist")
        << QStringList{"remote", "set-url", "origin", "file://{missing}"} << "origin/main"
        << QString() << QStringList{"to origin (file://{missing})", "repository not found"};
    QTest::newRow("upstream remote is not configured")
        << QStringList{"config", "branch.main.remote", "nowhere"} << "main" << QString()
        << QStringList{"has no remote 'nowhere'"};
    QTest::newRow("no origin to fall back to")
        << QStringList{"remote", "rename", "origin", "upstream"} << "main~0" << QString()
        << QStringList{"has no remote 'origin'"};
    QTest::newRow("unknown branch")
        << QStringList() << "origin/main"
        << "sluice/none" << QStringList{"there is no branch sluice/none"};
}

void TestGitRevert::pushErrors()
{
    QFETCH(QStringList, setup);
    QFETCH(QString, base);
    QFETCH(QString, branch);
    QFETCH(QStringList, expected);
    makeRepos(QStringLiteral("push-error-") + QString::fromLatin1(QTest::currentDataTag()));
    if (QTest::currentTestFailed())
        return;
    const QString missing = m_tmp.filePath(QStringLiteral("missing.git"));
    if (!setup.isEmpty())
        m_clone.git(setup.replaceInStrings(QLatin1String("{missing}"), missing));
    GitFixture remote(m_remote);
    const QStringList remoteRefs = remote.gitLines({"for-each-ref"});

    if (branch.isEmpty()) {
        Result<RevertResult> result = revert(QStringLiteral("main"), {m_c3});
        QVERIFY2(result, qPrintable(result ? QString() : result.error().toString()));
        branch = result->branch;
    }
    const Status pushed = pushBranch(m_clone.dir(), branch, base);
    QVERIFY(!pushed);
    QCOMPARE(pushed.error().category, ErrorCategory::Git);
    const QString message = pushed.error().message;
    QVERIFY2(message.startsWith(QStringLiteral("push of %1 ").arg(branch)), qPrintable(message));
    for (const QString &part : expected)
        QVERIFY2(message.contains(QString(part).replace(QLatin1String("{missing}"), missing)),
                 qPrintable(pushed.error().toString()));
    QCOMPARE(remote.gitLines({"for-each-ref"}), remoteRefs);
}

// The remote already has the branch at another commit: no force, so the remote keeps its own.
void TestGitRevert::pushRejected()
{
    makeRepos(QStringLiteral("push-rejected"));
    if (QTest::currentTestFailed())
        return;
    const QString branch = QStringLiteral("rollback");
    Result<RevertResult> first = revert(QStringLiteral("main"), {m_c3}, branch);
    QVERIFY2(first, qPrintable(first ? QString() : first.error().toString()));
    const Status pushed = pushBranch(m_clone.dir(), branch, QStringLiteral("main"));
    QVERIFY2(pushed, qPrintable(pushed ? QString() : pushed.error().toString()));

    m_clone.git({"branch", "-q", "-D", branch});
    Result<RevertResult> second = revert(QStringLiteral("main"), {m_c4}, branch);
    QVERIFY2(second, qPrintable(second ? QString() : second.error().toString()));
    const Status again = pushBranch(m_clone.dir(), branch, QStringLiteral("main"));
    QVERIFY(!again);
    QCOMPARE(again.error().category, ErrorCategory::Git);
    QVERIFY2(again.error().message.startsWith(
                 QStringLiteral("push of %1 to origin (%2) failed: origin already has branch %1 "
                                "at another commit")
                     .arg(branch, m_remote)),
             qPrintable(again.error().toString()));
    QCOMPARE(GitFixture(m_remote).revParse(QLatin1String("refs/heads/") + branch), first->commitId);
}

QTEST_GUILESS_MAIN(TestGitRevert)
#include "tst_gitrevert.moc"
