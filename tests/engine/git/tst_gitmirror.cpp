// fetchMirror, mirrorPathFor, isRemoteUrl: fetching over file:// and over git:// from a real
// `git daemon` on 127.0.0.1, updates and pruning, pull refs, errors and cancellation.

#include "common/GitFixture.h"
#include "core/Paths.h"
#include "git/Mirror.h"
#include "git/Repository.h"
#include "git/TlsCertificates.h"

#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <thread>

using namespace sluice;
using namespace sluice::git;
using sluice::test::GitFixture;

class TestGitMirror : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void isRemoteUrl_data();
    void isRemoteUrl();
    void mirrorPath();

    void caCertificatesWaitForTheFirstTransfer();
    void fetchOverFile();
    void fetchOverGitDaemon();

    void fetchErrors_data();
    void fetchErrors();
    void fetchCancelled();
    void fetchAuthentication_data();
    void fetchAuthentication();

private:
    static quint16 freePort();
    QMap<QString, QString> mirrorRefs(const QString &mirror);
    QMap<QString, QString> upstreamRefs();

    QTemporaryDir m_tmp;
    GitFixture m_up; // the upstream: a working clone we commit to
    QProcess m_daemon;
    quint16 m_daemonPort = 0;
    quint16 m_closedPort = 0;
};

quint16 TestGitMirror::freePort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 0;
    return server.serverPort(); // closed again when `server` goes
}

void TestGitMirror::initTestCase()
{
    QVERIFY2(GitFixture::gitAvailable(), "these tests need the git CLI on PATH");
    QVERIFY(m_tmp.isValid());
    // `git credential fill` (run by fetchMirror) must not see the user's helpers.
    qputenv("GIT_CONFIG_NOSYSTEM", "1");
    qputenv("GIT_CONFIG_GLOBAL", "/dev/null");
    qputenv("GIT_TERMINAL_PROMPT", "0");

    m_up.setDir(m_tmp.filePath(QStringLiteral("serve/up")));
    QVERIFY(m_up.init());
    QVERIFY(m_up.write(QStringLiteral("apps/web/deploy.yaml"), "image: web:1\n"));
    m_up.commitAll(QStringLiteral("one"));
    m_up.git({"branch", "feature"});
    QVERIFY(m_up.write(QStringLiteral("apps/web/deploy.yaml"), "image: web:2\n"));
    m_up.commitAll(QStringLiteral("two"));
    m_up.git({"tag", "v1"});
    m_up.git({"update-ref", "refs/pull/1/head", "feature"});
    m_up.git({"update-ref", "refs/merge-requests/3/head", "main"});

    // git daemon serving everything below serve/ on a free loopback port.
    m_daemonPort = freePort();
    QVERIFY(m_daemonPort != 0);
    m_daemon.setProcessEnvironment(m_up.environment());
    m_daemon.start(QStringLiteral("git"),
                   {QStringLiteral("daemon"), QStringLiteral("--reuseaddr"),
                    QStringLiteral("--base-path=") + m_tmp.filePath(QStringLiteral("serve")),
                    QStringLiteral("--export-all"), QStringLiteral("--port=%1").arg(m_daemonPort),
                    QStringLiteral("--listen=127.0.0.1")});
    QVERIFY2(m_daemon.waitForStarted(10000), "git daemon did not start");
    bool up = false;
    for (int i = 0; i < 100 && !up; ++i) {
        QTcpSocket probe;
        probe.connectToHost(QHostAddress::LocalHost, m_daemonPort);
        up = probe.waitForConnected(200);
        if (!up)
            QTest::qWait(100);
    }
    QVERIFY2(up, "git daemon does not accept connections");

    m_closedPort = freePort();
    QVERIFY(m_closedPort != 0 && m_closedPort != m_daemonPort);
}

void TestGitMirror::cleanupTestCase()
{
    if (m_daemon.state() != QProcess::NotRunning) {
        m_daemon.terminate();
        if (!m_daemon.waitForFinished(5000))
            m_daemon.kill();
        m_daemon.waitForFinished(5000);
    }
}

QMap<QString, QString> TestGitMirror::mirrorRefs(const QString &mirror)
{
    QMap<QString, QString> out;
    Result<Repository> repo = Repository::open(mirror);
    if (!repo)
        return {{QStringLiteral("error"), repo.error().toString()}};
    Result<QList<RefInfo>> refs = repo->refs();
    if (!refs)
        return {{QStringLiteral("error"), refs.error().toString()}};
    for (const RefInfo &r : *refs)
        out.insert(r.name, r.commitId);
    return out;
}

QMap<QString, QString> TestGitMirror::upstreamRefs()
{
    QMap<QString, QString> out;
    const QStringList lines =
        m_up.gitLines({"for-each-ref", "--format=%(refname) %(objectname) %(*objectname)"});
    for (const QString &line : lines) {
        const QStringList f = line.split(QLatin1Char(' '));
        out.insert(f[0], f.value(2).isEmpty() ? f[1] : f[2]); // peel annotated tags
    }
    return out;
}

// ---- naming -----------------------------------------------------------------------------------

void TestGitMirror::isRemoteUrl_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<bool>("remote");
    QTest::newRow("https") << "https://github.com/org/repo.git" << true;
    QTest::newRow("ssh url") << "ssh://git@example.com:2222/org/repo.git" << true;
    QTest::newRow("git url") << "git://127.0.0.1/repo" << true;
    QTest::newRow("file url") << "file:///srv/git/repo.git" << true;
    QTest::newRow("scp-like") << "git@github.com:org/repo.git" << true;
    QTest::newRow("scp-like without user") << "github.com:org/repo.git" << true;
    QTest::newRow("dot") << "." << false;
    QTest::newRow("relative") << "../infra" << false;
    QTest::newRow("relative with colon after slash") << "./a:b" << false;
    QTest::newRow("absolute") << "/home/me/src/infra" << false;
    QTest::newRow("empty") << "" << false;
}

void TestGitMirror::isRemoteUrl()
{
    QFETCH(QString, source);
    QFETCH(bool, remote);
    QCOMPARE(git::isRemoteUrl(source), remote);
}

void TestGitMirror::mirrorPath()
{
    const QString root = QStringLiteral("/cache/repos");
    const QRegularExpression shape(
        QStringLiteral("^/cache/repos/github\\.com-org-repo-[0-9a-f]{8}\\.git$"));
    const QString a = mirrorPathFor(QStringLiteral("https://github.com/org/repo.git"), root);
    QVERIFY2(shape.match(a).hasMatch(), qPrintable(a));
    QCOMPARE(mirrorPathFor(QStringLiteral("https://github.com/org/repo.git"), root), a); // stable
    const QString b = mirrorPathFor(QStringLiteral("git@github.com:org/repo.git"), root);
    QVERIFY2(shape.match(b).hasMatch(), qPrintable(b));
    QVERIFY(a != b); // different URLs never share a mirror
    const QString c = mirrorPathFor(QStringLiteral("file:///srv/git/my repo"), root);
    QVERIFY2(c.startsWith(QLatin1String("/cache/repos/srv-git-my-repo-")), qPrintable(c));
    QVERIFY(mirrorPathFor(QStringLiteral("https://x/y")).startsWith(sluice::cacheDir()));
}

// ---- fetching ---------------------------------------------------------------------------------

// Opening a repository costs no CA parsing (TlsCertificates.h); the first transfer loads them.
void TestGitMirror::caCertificatesWaitForTheFirstTransfer()
{
    QVERIFY(Repository::open(m_up.dir()));
    const CertificateLoading before = certificateLoading();
    QVERIFY2(before.requested, "libgit2 asked for no CA certificates: not the mbedTLS build whose parse is deferred");
    QVERIFY(!before.loaded);

    FetchOptions opts;
    opts.cacheRoot = m_tmp.filePath(QStringLiteral("cache-certificates"));
    QVERIFY(fetchMirror(QStringLiteral("file://") + m_up.dir(), opts));
    const CertificateLoading after = certificateLoading();
    QVERIFY(after.loaded);
    QVERIFY2(after.result >= 0, qPrintable(QStringLiteral("mbedTLS refused the CA bundle: %1").arg(after.result)));
}

void TestGitMirror::fetchOverFile()
{
    const QString url = QStringLiteral("file://") + m_up.dir();
    FetchOptions opts;
    opts.cacheRoot = m_tmp.filePath(QStringLiteral("cache-file"));
    Result<QString> mirror = fetchMirror(url, opts);
    QVERIFY2(mirror, qPrintable(mirror ? QString() : mirror.error().toString()));
    QCOMPARE(*mirror, mirrorPathFor(url, opts.cacheRoot));
    QMap<QString, QString> expected = upstreamRefs();
    QVERIFY(expected.contains(QStringLiteral("refs/pull/1/head")));
    QCOMPARE(mirrorRefs(*mirror), expected);
    Result<Repository> repo = Repository::open(*mirror);
    QVERIFY(repo && repo->isBare());
    QCOMPARE(repo->resolve(QStringLiteral("HEAD"))->commitId,
             m_up.revParse(QStringLiteral("main")));

    // Upstream moves on: a new commit, a deleted branch, a new pull ref.
    QVERIFY(m_up.write(QStringLiteral("apps/web/deploy.yaml"), "image: web:3\n"));
    const QString three = m_up.commitAll(QStringLiteral("three"));
    m_up.git({"branch", "-D", "feature"});
    m_up.git({"update-ref", "refs/pull/2/head", "main"});
    mirror = fetchMirror(url, opts);
    QVERIFY2(mirror, qPrintable(mirror ? QString() : mirror.error().toString()));
    const QMap<QString, QString> after = mirrorRefs(*mirror);
    QCOMPARE(after.value(QStringLiteral("refs/heads/main")), three);
    QVERIFY(!after.contains(QStringLiteral("refs/heads/feature"))); // pruned
    QCOMPARE(after.value(QStringLiteral("refs/pull/2/head")), three);
    QCOMPARE(after, upstreamRefs());
}

void TestGitMirror::fetchOverGitDaemon()
{
    const QString url = QStringLiteral("git://127.0.0.1:%1/up").arg(m_daemonPort);
    FetchOptions opts;
    opts.cacheRoot = m_tmp.filePath(QStringLiteral("cache-daemon"));
    qint64 lastDone = -1, lastTotal = -1;
    opts.progress = [&](qint64 done, qint64 total, const QString &) {
        lastDone = done;
        lastTotal = total;
    };
    Result<QString> mirror = fetchMirror(url, opts);
    QVERIFY2(mirror, qPrintable(mirror ? QString() : mirror.error().toString()));
    QCOMPARE(mirrorRefs(*mirror), upstreamRefs());
    QVERIFY(lastDone > 0 && lastTotal > 0);

    QVERIFY(m_up.write(QStringLiteral("apps/web/deploy.yaml"), "image: web:4\n"));
    const QString four = m_up.commitAll(QStringLiteral("four"));
    mirror = fetchMirror(url, opts);
    QVERIFY2(mirror, qPrintable(mirror ? QString() : mirror.error().toString()));
    QCOMPARE(mirrorRefs(*mirror).value(QStringLiteral("refs/heads/main")), four);
}

void TestGitMirror::fetchErrors_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("shownUrl");
    QTest::addColumn<QString>("reason");
    const QString missing = m_tmp.filePath(QStringLiteral("no-such-repo"));
    QTest::newRow("file: not found")
        << "file://" + missing << "file://" + missing << "repository not found";
    const QString daemonMissing =
        QStringLiteral("git://127.0.0.1:%1/missing.git").arg(m_daemonPort);
    QTest::newRow("git daemon: not found")
        << daemonMissing << daemonMissing << "repository not found";
    const QString refused = QStringLiteral("git://127.0.0.1:%1/up").arg(m_closedPort);
    QTest::newRow("connection refused") << refused << refused << "network error: could not connect";
    QTest::newRow("https, token never shown")
        << QStringLiteral("https://bob:s3cr3t-token@127.0.0.1:%1/up.git").arg(m_closedPort)
        << QStringLiteral("https://127.0.0.1:%1/up.git").arg(m_closedPort)
        << "network error: could not connect";
}

void TestGitMirror::fetchErrors()
{
    QFETCH(QString, url);
    QFETCH(QString, shownUrl);
    QFETCH(QString, reason);
    FetchOptions opts;
    opts.cacheRoot = m_tmp.filePath(QStringLiteral("cache-errors"));
    Result<QString> mirror = fetchMirror(url, opts);
    QVERIFY(!mirror);
    const Error &e = mirror.error();
    QCOMPARE(e.category, ErrorCategory::Git);
    QVERIFY2(e.message.startsWith(QStringLiteral("fetch of %1 failed: %2").arg(shownUrl, reason)),
             qPrintable(e.toString()));
    QVERIFY2(!e.toString().contains(QLatin1String("s3cr3t")), qPrintable(e.toString()));
    QVERIFY(!QFileInfo::exists(mirrorPathFor(url, opts.cacheRoot))); // no half-made mirror left
}

void TestGitMirror::fetchCancelled()
{
    const QString url = QStringLiteral("git://127.0.0.1:%1/up").arg(m_daemonPort);
    FetchOptions opts;
    opts.cacheRoot = m_tmp.filePath(QStringLiteral("cache-cancel"));
    int calls = 0;
    opts.progress = [&](qint64, qint64, const QString &) {
        ++calls;
        opts.cancel.cancel();
    };
    Result<QString> mirror = fetchMirror(url, opts);
    QVERIFY(!mirror);
    QCOMPARE(mirror.error().category, ErrorCategory::Cancelled);
    QVERIFY2(mirror.error().message.contains(url), qPrintable(mirror.error().message));
    QVERIFY(calls >= 1);
    QVERIFY(!QFileInfo::exists(mirrorPathFor(url, opts.cacheRoot)));
}

void TestGitMirror::fetchAuthentication_data()
{
    QTest::addColumn<QByteArray>("helper"); // credential.helper for `git credential fill`
    QTest::addColumn<QString>("reason");
    QTest::addColumn<QByteArray>("authorization"); // what the server must have been sent
    QTest::newRow("no credentials") << QByteArray() << "authentication required" << QByteArray();
    QTest::newRow("helper credentials rejected")
        << QByteArray("!f() { echo username=bob; echo password=s3cr3t; }; f")
        << "authentication failed" << QByteArray("Basic ") + QByteArray("bob:s3cr3t").toBase64();
}

// An HTTP server that answers 401 to everything: fetchMirror asks `git credential fill`, sends
// what it gets once, then gives up with an authentication error that shows no secret.
void TestGitMirror::fetchAuthentication()
{
    QFETCH(QByteArray, helper);
    QFETCH(QString, reason);
    QFETCH(QByteArray, authorization);
    if (helper.isEmpty()) {
        qunsetenv("GIT_CONFIG_COUNT");
    } else {
        qputenv("GIT_CONFIG_COUNT", "1");
        qputenv("GIT_CONFIG_KEY_0", "credential.helper");
        qputenv("GIT_CONFIG_VALUE_0", helper);
    }

    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    QList<QByteArray> requests;
    connect(&server, &QTcpServer::newConnection, this, [&] {
        while (QTcpSocket *socket = server.nextPendingConnection()) {
            auto buffer = std::make_shared<QByteArray>();
            connect(socket, &QTcpSocket::readyRead, socket, [socket, buffer, &requests] {
                *buffer += socket->readAll();
                if (!buffer->contains("\r\n\r\n"))
                    return;
                requests.append(*buffer);
                buffer->clear();
                socket->write("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"t\"\r\n"
                              "Content-Length: 0\r\nConnection: close\r\n\r\n");
                socket->disconnectFromHost();
            });
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        }
    });

    const QString url = QStringLiteral("http://127.0.0.1:%1/up.git").arg(server.serverPort());
    FetchOptions opts;
    opts.cacheRoot = m_tmp.filePath(QStringLiteral("cache-auth"));
    std::atomic_bool done = false;
    Result<QString> mirror = makeError(ErrorCategory::Git, QStringLiteral("not run"));
    std::thread worker([&] {
        mirror = fetchMirror(url, opts);
        done = true;
    });
    const bool finished = QTest::qWaitFor([&] { return done.load(); }, 60000);
    if (!finished)
        opts.cancel.cancel();
    worker.join();
    qunsetenv("GIT_CONFIG_COUNT");
    QVERIFY(finished);

    QVERIFY(!mirror);
    QCOMPARE(mirror.error().category, ErrorCategory::Git);
    QVERIFY2(mirror.error().message.startsWith(
                 QStringLiteral("fetch of %1 failed: %2").arg(url, reason)),
             qPrintable(mirror.error().toString()));
    QVERIFY(!mirror.error().toString().contains(QLatin1String("s3cr3t")));
    QVERIFY(!requests.isEmpty());
    qsizetype withAuth = 0;
    for (const QByteArray &r : std::as_const(requests)) {
        if (r.contains("Authorization:")) {
            ++withAuth;
            QVERIFY2(r.contains("Authorization: " + authorization), r.constData());
        }
    }
    QCOMPARE(withAuth, authorization.isEmpty() ? 0 : 1); // credentials tried once, no loop
}

QTEST_GUILESS_MAIN(TestGitMirror)
#include "tst_gitmirror.moc"
