// Group commit in the sandbox: concurrent writes share fdatasyncs (counted, not timed), writers
// racing on one object get exactly the conflicts and resourceVersions a serial order gives (and
// a watch sees them in that order), every acknowledged write survives SIGKILL of a real
// sluice-sandbox process, and a torn last journal line is dropped on reopen.

#include "common/SandboxProcess.h"
#include "core/JsonText.h"
#include "kube/Kubeconfig.h"
#include "sandbox/HttpServer.h"
#include "sandbox/ObjectStore.h"
#include "sandbox/Sandbox.h"
#include "sandbox/SandboxCertificates.h"

#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QScopeGuard>
#include <QSemaphore>
#include <QSet>
#include <QThread>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <memory>
#include <vector>

using namespace sluice;
using namespace sluice::sandbox;

namespace {

QJsonObject configMap(const QString &name, const QJsonObject &data = {{QStringLiteral("k"), QStringLiteral("v")}})
{
    return QJsonObject{{QStringLiteral("apiVersion"), QStringLiteral("v1")},
                       {QStringLiteral("kind"), QStringLiteral("ConfigMap")},
                       {QStringLiteral("metadata"), QJsonObject{{QStringLiteral("name"), name}}},
                       {QStringLiteral("data"), data}};
}

QString rvOf(const QJsonObject &object)
{
    return object.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("resourceVersion")).toString();
}

struct RawReply
{
    int status = 0;
    QJsonObject json;
};

// Raw HTTPS connections to an in-process sandbox, so that a test controls when requests arrive:
// every request is written (and on the wire) before the sandbox's thread runs again, so the
// sandbox finds them all ready in one event-loop round, as it does under load.
class RawClients
{
public:
    RawClients(const Sandbox &sandbox, int count)
        : RawClients(sandbox.url(), sandbox.caCertificatePem(), sandbox.token(), count)
    {
    }
    RawClients(const QUrl &url, const QByteArray &caPem, const QByteArray &token, int count) : m_token(token)
    {
        for (int i = 0; i < count; ++i) {
            auto socket = std::make_unique<QSslSocket>();
            QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
            tls.setCaCertificates(QSslCertificate::fromData(caPem));
            socket->setSslConfiguration(tls);
            socket->connectToHostEncrypted(url.host(), quint16(url.port()));
            m_sockets.push_back(std::move(socket));
        }
        m_buffers.resize(m_sockets.size());
        m_replies.resize(m_sockets.size());
    }

    bool waitEncrypted()
    {
        for (auto &socket : m_sockets) {
            if (!QTest::qWaitFor([&] { return socket->isEncrypted(); }, 10000))
                return false;
        }
        return true;
    }

    // Writes a request on connection i (its earlier answer is forgotten).
    void send(size_t i, const QByteArray &method, const QString &path, const QJsonObject &body,
              const QByteArray &contentType = "application/json")
    {
        const QByteArray bytes = QJsonDocument(body).toJson(QJsonDocument::Compact);
        const QByteArray head = method + ' ' + path.toUtf8() + " HTTP/1.1\r\nHost: sandbox\r\nAuthorization: Bearer " + m_token
            + "\r\nContent-Type: " + contentType + "\r\nAccept: application/json\r\nContent-Length: "
            + QByteArray::number(bytes.size()) + "\r\n\r\n";
        m_buffers[i].clear();
        m_replies[i] = RawReply();
        m_sockets[i]->write(head + bytes);
        m_sockets[i]->waitForBytesWritten(5000); // on the wire; the server has not run yet
    }

    // Reads what connection i has received: true once its answer is complete (reply(i)).
    bool answered(size_t i)
    {
        m_buffers[i] += m_sockets[i]->readAll();
        return m_replies[i].status != 0 || parse(m_buffers[i], m_replies[i]);
    }
    const RawReply &reply(size_t i) const { return m_replies[i]; }

    // Writes request i on connection i (all before returning), then serves the event loop until
    // every answer is complete.
    QList<RawReply> exchange(const QList<QByteArray> &methods, const QList<QString> &paths, const QList<QJsonObject> &bodies,
                             const QByteArray &contentType = "application/json")
    {
        for (size_t i = 0; i < m_sockets.size(); ++i)
            send(i, methods.at(qsizetype(i)), paths.at(qsizetype(i)), bodies.at(qsizetype(i)), contentType);
        const bool done = QTest::qWaitFor(
            [&] {
                bool all = true;
                for (size_t i = 0; i < m_sockets.size(); ++i)
                    all = answered(i) && all;
                return all;
            },
            20000);
        if (!done)
            qWarning("not every answer arrived");
        return QList<RawReply>(m_replies.begin(), m_replies.end());
    }

private:
    static bool parse(const QByteArray &buffer, RawReply &reply)
    {
        const qsizetype headEnd = buffer.indexOf("\r\n\r\n");
        if (headEnd < 0)
            return false;
        qsizetype length = 0;
        for (const QByteArray &line : buffer.left(headEnd).split('\n')) {
            if (line.toLower().startsWith("content-length:"))
                length = line.mid(15).trimmed().toLongLong();
        }
        if (buffer.size() < headEnd + 4 + length)
            return false;
        reply.status = buffer.left(headEnd).split(' ').value(1).toInt();
        reply.json = QJsonDocument::fromJson(buffer.mid(headEnd + 4, length)).object();
        return true;
    }

    QByteArray m_token;
    std::vector<std::unique_ptr<QSslSocket>> m_sockets;
    std::vector<QByteArray> m_buffers;
    std::vector<RawReply> m_replies;
};

// A streamed answer that only notes when it starts.
class CallbackStream : public ResponseStream
{
public:
    explicit CallbackStream(std::function<void()> onAttach) : m_onAttach(std::move(onAttach)) {}
    void attach(Write, Finish) override
    {
        attached = true;
        m_onAttach();
    }
    void detach() override {}
    bool attached = false;

private:
    std::function<void()> m_onAttach;
};

// The sandbox's store as an HttpServer sees it, standing in for ObjectStore in tests of the
// server's side of group commit: write() is a handler's write (staged), each flush is counted,
// and its disk write can wait for the test (`waitForDisk`: one `disk` permit each), fail
// (`failNext`), or run `onDiskWrite` on whichever thread does it. A failed flush undoes what was
// staged behind it, as the store does.
struct StandInStore
{
    bool staged = false;
    bool failNext = false;
    int handled = 0;
    int begun = 0;
    int finished = 0;
    bool waitForDisk = false;
    QSemaphore disk;
    std::function<void()> onDiskWrite;

    HttpResponse write()
    {
        staged = true;
        ++handled;
        return HttpResponse{201, "application/json", {}, "{}", nullptr};
    }

    CommitBarrier barrier()
    {
        return {[this] { return staged; },
                [this]() -> std::optional<std::function<Status()>> {
                    if (!staged)
                        return std::nullopt;
                    staged = false;
                    ++begun;
                    return [this, fail = std::exchange(failNext, false)]() -> Status {
                        if (onDiskWrite)
                            onDiskWrite();
                        if (waitForDisk && !disk.tryAcquire(1, 10000)) // (not forever, should it run on the test's thread)
                            return makeError(ErrorCategory::Io, QStringLiteral("the test never let the disk finish"));
                        if (fail)
                            return makeError(ErrorCategory::Io, QStringLiteral("disk full"));
                        return {};
                    };
                },
                [this](const Status &written) {
                    ++finished;
                    if (!written)
                        staged = false; // undone with the failed flush
                    return written;
                },
                [](const Error &) { return HttpResponse{500, "application/json", {}, "{}", nullptr}; }};
    }
};

} // namespace

class TestSandboxDurability : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Sandbox> m_sandbox;
    QNetworkAccessManager m_nam;

    QNetworkRequest makeRequest(const QString &path) const
    {
        QNetworkRequest req(QUrl(m_sandbox->url().toString() + path));
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates(QSslCertificate::fromData(m_sandbox->caCertificatePem()));
        req.setSslConfiguration(tls);
        req.setRawHeader("Accept", "application/json");
        req.setRawHeader("Authorization", "Bearer " + m_sandbox->token());
        return req;
    }

    RawReply request(const QByteArray &method, const QString &path, const QJsonObject &body = {})
    {
        QNetworkRequest req = makeRequest(path);
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
        QNetworkReply *reply = m_nam.sendCustomRequest(req, method, body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson());
        QEventLoop loop;
        connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        RawReply r{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), QJsonDocument::fromJson(reply->readAll()).object()};
        reply->deleteLater();
        return r;
    }

    static QSslConfiguration serverTls(const SandboxCertificates &certificates)
    {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setLocalCertificate(QSslCertificate::fromData(certificates.serverCertificatePem()).first());
        tls.setPrivateKey(QSslKey(certificates.serverKeyPem(), QSsl::Ec, QSsl::Pem, QSsl::PrivateKey));
        tls.setPeerVerifyMode(QSslSocket::VerifyNone);
        return tls;
    }

    static QUrl urlOf(const HttpServer &server)
    {
        QUrl url;
        url.setScheme(QStringLiteral("https"));
        url.setHost(QStringLiteral("127.0.0.1"));
        url.setPort(server.port());
        return url;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        SandboxOptions options;
        options.dataDir = m_dir.filePath(QStringLiteral("data"));
        m_sandbox = std::make_unique<Sandbox>(options);
        const Status started = m_sandbox->start();
        QVERIFY2(started.ok(), started.ok() ? "" : qPrintable(started.error().toString()));
    }

    // 16 connections each create an object in the same round: 16 writes, fewer fdatasyncs.
    void concurrentWritesShareSyncs()
    {
        const int n = 16;
        RawClients clients(*m_sandbox, n);
        QVERIFY(clients.waitEncrypted());
        const Sandbox::StoreCounters before = m_sandbox->storeCounters();
        QList<QByteArray> methods;
        QList<QString> paths;
        QList<QJsonObject> bodies;
        for (int i = 0; i < n; ++i) {
            methods << "POST";
            paths << QStringLiteral("/api/v1/namespaces/default/configmaps");
            bodies << configMap(QStringLiteral("group-%1").arg(i));
        }
        const QList<RawReply> replies = clients.exchange(methods, paths, bodies);
        QSet<QString> versions;
        for (const RawReply &reply : replies) {
            QCOMPARE(reply.status, 201);
            versions.insert(rvOf(reply.json));
        }
        QCOMPARE(versions.size(), n); // one resourceVersion each
        const Sandbox::StoreCounters after = m_sandbox->storeCounters();
        QCOMPARE(after.writes - before.writes, quint64(n));
        QVERIFY2(after.syncs - before.syncs < quint64(n),
                 qPrintable(QStringLiteral("%1 fdatasyncs for %2 writes").arg(after.syncs - before.syncs).arg(n)));
        qInfo("%d concurrent writes made durable by %llu fdatasync(s)", n, after.syncs - before.syncs);
        // Each acknowledged object is readable with the resourceVersion its answer gave.
        for (int i = 0; i < n; ++i) {
            const RawReply got = request("GET", QStringLiteral("/api/v1/namespaces/default/configmaps/group-%1").arg(i));
            QCOMPARE(got.status, 200);
            QVERIFY(versions.contains(rvOf(got.json)));
        }
    }

    // Writers racing on one object: PUTs with the same resourceVersion precondition give one
    // 200 and conflicts for the rest; merge patches all apply, each with its own
    // resourceVersion, and a watch sees them in resourceVersion order.
    void concurrentWritersOnOneObject()
    {
        const QString item = QStringLiteral("/api/v1/namespaces/default/configmaps/race");
        const RawReply created = request("POST", QStringLiteral("/api/v1/namespaces/default/configmaps"), configMap(QStringLiteral("race")));
        QCOMPARE(created.status, 201);

        const int n = 8;
        QList<QByteArray> methods;
        QList<QString> paths;
        QList<QJsonObject> bodies;
        for (int i = 0; i < n; ++i) {
            QJsonObject body = created.json;
            body.insert(QStringLiteral("data"), QJsonObject{{QStringLiteral("writer"), QString::number(i)}});
            methods << "PUT";
            paths << item;
            bodies << body;
        }
        RawClients putters(*m_sandbox, n);
        QVERIFY(putters.waitEncrypted());
        const QList<RawReply> puts = putters.exchange(methods, paths, bodies);
        int ok = 0;
        QString winner;
        QString winnerVersion;
        for (const RawReply &reply : puts) {
            if (reply.status == 200) {
                ++ok;
                winner = reply.json.value(QStringLiteral("data")).toObject().value(QStringLiteral("writer")).toString();
                winnerVersion = rvOf(reply.json);
            } else {
                QCOMPARE(reply.status, 409);
                QCOMPARE(reply.json.value(QStringLiteral("reason")).toString(), QStringLiteral("Conflict"));
            }
        }
        QCOMPARE(ok, 1);
        const RawReply afterPuts = request("GET", item);
        QCOMPARE(rvOf(afterPuts.json), winnerVersion);
        QCOMPARE(afterPuts.json.value(QStringLiteral("data")).toObject().value(QStringLiteral("writer")).toString(), winner);

        // Merge patches without a precondition, watched from the current resourceVersion.
        QList<QJsonObject> events;
        QByteArray pending;
        QNetworkReply *watch = m_nam.get(makeRequest(QStringLiteral("/api/v1/namespaces/default/configmaps?watch=true&fieldSelector=metadata.name%3Drace&resourceVersion=")
                                                     + winnerVersion));
        connect(watch, &QIODevice::readyRead, watch, [&] {
            pending += watch->readAll();
            qsizetype end;
            while ((end = pending.indexOf('\n')) >= 0) {
                events << QJsonDocument::fromJson(pending.left(end)).object();
                pending.remove(0, end + 1);
            }
        });
        QTest::qWait(0);
        methods.clear();
        paths.clear();
        bodies.clear();
        for (int i = 0; i < n; ++i) {
            methods << "PATCH";
            paths << item;
            bodies << QJsonObject{{QStringLiteral("data"), QJsonObject{{QStringLiteral("p%1").arg(i), QStringLiteral("x")}}}};
        }
        RawClients patchers(*m_sandbox, n);
        QVERIFY(patchers.waitEncrypted());
        const QList<RawReply> patches = patchers.exchange(methods, paths, bodies, "application/merge-patch+json");
        QList<quint64> patchVersions;
        for (const RawReply &reply : patches) {
            QCOMPARE(reply.status, 200);
            patchVersions << rvOf(reply.json).toULongLong();
        }
        std::sort(patchVersions.begin(), patchVersions.end());
        QCOMPARE(QSet<quint64>(patchVersions.begin(), patchVersions.end()).size(), n);
        QVERIFY(patchVersions.first() > winnerVersion.toULongLong());
        const RawReply final = request("GET", item);
        QCOMPARE(rvOf(final.json).toULongLong(), patchVersions.last());
        const QJsonObject data = final.json.value(QStringLiteral("data")).toObject();
        for (int i = 0; i < n; ++i)
            QVERIFY(data.contains(QStringLiteral("p%1").arg(i)));

        QTRY_COMPARE_WITH_TIMEOUT(events.size(), n, 10000);
        QList<quint64> watched;
        for (const QJsonObject &event : events) {
            QCOMPARE(event.value(QStringLiteral("type")).toString(), QStringLiteral("MODIFIED"));
            watched << rvOf(event.value(QStringLiteral("object")).toObject()).toULongLong();
        }
        QCOMPARE(watched, patchVersions); // in resourceVersion order, each once
        watch->abort();
        watch->deleteLater();
    }

    // The server's side of the contract, with a stand-in store: answers given while writes are
    // staged leave only after the flush, and a failed flush turns them into errors (so a client
    // never hears "created" for a write that did not reach the disk).
    void heldAnswersWaitForTheFlush()
    {
        QTemporaryDir dir;
        Result<SandboxCertificates> certificates = SandboxCertificates::loadOrCreate(dir.path());
        QVERIFY(certificates.ok());
        const QSslConfiguration tls = serverTls(*certificates);
        StandInStore store;
        HttpServer server(tls, [&](const HttpRequest &) { return store.write(); });
        server.setCommitBarrier(store.barrier());
        QString error;
        QVERIFY2(server.listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
        const QUrl url = urlOf(server);

        const QList<QByteArray> methods(4, "POST");
        const QList<QString> paths(4, QStringLiteral("/x"));
        const QList<QJsonObject> bodies(4, QJsonObject{});
        RawClients clients(url, certificates->caCertificatePem(), "t", 4);
        QVERIFY(clients.waitEncrypted());
        for (const RawReply &reply : clients.exchange(methods, paths, bodies))
            QCOMPARE(reply.status, 201);
        QVERIFY(store.begun >= 1 && store.begun < 4);

        store.failNext = true;
        RawClients unlucky(url, certificates->caCertificatePem(), "t", 2);
        QVERIFY(unlucky.waitEncrypted());
        for (const RawReply &reply : unlucky.exchange(methods.mid(0, 2), paths.mid(0, 2), bodies.mid(0, 2)))
            QCOMPARE(reply.status, 500);
    }

    // Pipelined group commit, with a stand-in store whose disk writes wait for the test: a write
    // staged while a flush's disk write runs is answered only after the next flush, which starts
    // as that one ends; when a flush fails, the write staged behind it fails too (the store
    // undoes every change that was not durable).
    void answersWaitForTheFlushCoveringThem()
    {
        QTemporaryDir dir;
        Result<SandboxCertificates> certificates = SandboxCertificates::loadOrCreate(dir.path());
        QVERIFY(certificates.ok());
        StandInStore store;
        store.waitForDisk = true;
        HttpServer server(serverTls(*certificates), [&](const HttpRequest &) { return store.write(); });
        const auto letTheDiskFinish = qScopeGuard([&] { store.disk.release(100); }); // before the server waits for it
        server.setCommitBarrier(store.barrier());
        QString error;
        QVERIFY2(server.listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
        RawClients clients(urlOf(server), certificates->caCertificatePem(), "t", 2);
        QVERIFY(clients.waitEncrypted());
        QTRY_COMPARE(server.findChildren<HttpConnection *>().size(), 2); // (else the server writes on its own thread)

        clients.send(0, "POST", QStringLiteral("/a"), {});
        QTRY_COMPARE(store.begun, 1); // the first write's flush is on the disk
        clients.send(1, "POST", QStringLiteral("/b"), {});
        QTRY_COMPARE(store.handled, 2); // the second is staged meanwhile
        QTest::qWait(50);
        QVERIFY(!clients.answered(0));
        QVERIFY(!clients.answered(1));
        store.disk.release();
        QTRY_VERIFY(clients.answered(0));
        QCOMPARE(clients.reply(0).status, 201);
        QTRY_COMPARE(store.begun, 2); // the next flush started as the first ended
        QTest::qWait(50);
        QVERIFY(!clients.answered(1)); // its write is not durable yet
        store.disk.release();
        QTRY_VERIFY(clients.answered(1));
        QCOMPARE(clients.reply(1).status, 201);

        store.failNext = true;
        clients.send(0, "POST", QStringLiteral("/a"), {});
        QTRY_COMPARE(store.begun, 3);
        clients.send(1, "POST", QStringLiteral("/b"), {});
        QTRY_COMPARE(store.handled, 4);
        store.disk.release();
        QTRY_VERIFY(clients.answered(0) && clients.answered(1));
        QCOMPARE(clients.reply(0).status, 500);
        QCOMPARE(clients.reply(1).status, 500);
        QCOMPARE(store.begun, 3); // nothing was left to flush
    }

    // With one client connected the disk write is done on the server's thread (nothing could
    // be served meanwhile); with more, on the flush thread while they are served.
    void aLoneClientsFlushStaysOnTheServersThread()
    {
        QTemporaryDir dir;
        Result<SandboxCertificates> certificates = SandboxCertificates::loadOrCreate(dir.path());
        QVERIFY(certificates.ok());
        StandInStore store;
        QList<bool> onServerThread;
        QMutex mutex;
        store.onDiskWrite = [&, serverThread = QThread::currentThread()] {
            QMutexLocker lock(&mutex);
            onServerThread << (QThread::currentThread() == serverThread);
        };
        HttpServer server(serverTls(*certificates), [&](const HttpRequest &) { return store.write(); });
        server.setCommitBarrier(store.barrier());
        QString error;
        QVERIFY2(server.listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
        {
            RawClients lone(urlOf(server), certificates->caCertificatePem(), "t", 1);
            QVERIFY(lone.waitEncrypted());
            QCOMPARE(lone.exchange({"POST"}, {QStringLiteral("/a")}, {QJsonObject()}).first().status, 201);
        }
        QTRY_VERIFY(server.findChildren<HttpConnection *>().isEmpty()); // the lone client has gone
        RawClients two(urlOf(server), certificates->caCertificatePem(), "t", 2);
        QVERIFY(two.waitEncrypted());
        QTRY_COMPARE(server.findChildren<HttpConnection *>().size(), 2);
        two.send(0, "POST", QStringLiteral("/b"), {}); // on one of the two
        QTRY_VERIFY(two.answered(0));
        QCOMPARE(two.reply(0).status, 201);
        QMutexLocker lock(&mutex);
        QCOMPARE(onServerThread, (QList<bool>{true, false}));
    }

    // A watch lists the store as it starts, so it starts only when no write is left undurable:
    // one that came due while another write was staged behind it waits for that write's flush,
    // done at once on the server's thread, not for a quiet moment.
    void watchStartsOnADurableStore()
    {
        QTemporaryDir dir;
        Result<SandboxCertificates> certificates = SandboxCertificates::loadOrCreate(dir.path());
        QVERIFY(certificates.ok());
        StandInStore store;
        store.waitForDisk = true;
        int finishedWhenWatchStarted = -1;
        bool stagedWhenWatchStarted = true;
        const auto watch = std::make_shared<CallbackStream>([&] {
            finishedWhenWatchStarted = store.finished;
            stagedWhenWatchStarted = store.staged;
        });
        HttpServer server(serverTls(*certificates), [&](const HttpRequest &request) {
            if (request.path == QLatin1String("/watch"))
                return HttpResponse{200, "application/json", {}, {}, watch};
            return store.write();
        });
        const auto letTheDiskFinish = qScopeGuard([&] { store.disk.release(100); });
        server.setCommitBarrier(store.barrier());
        QString error;
        QVERIFY2(server.listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
        RawClients clients(urlOf(server), certificates->caCertificatePem(), "t", 3);
        QVERIFY(clients.waitEncrypted());
        QTRY_COMPARE(server.findChildren<HttpConnection *>().size(), 3);

        clients.send(0, "POST", QStringLiteral("/a"), {});
        QTRY_COMPARE(store.begun, 1);
        clients.send(1, "GET", QStringLiteral("/watch"), {}); // due when the first flush ends
        clients.send(2, "POST", QStringLiteral("/b"), {});
        QTRY_VERIFY(store.staged); // the second write waits behind the first flush
        QTest::qWait(50);
        QVERIFY(!watch->attached);
        store.disk.release(2); // the first flush, then the second
        QTRY_VERIFY(watch->attached);
        QCOMPARE(finishedWhenWatchStarted, 2);
        QVERIFY(!stagedWhenWatchStarted);
        QTRY_VERIFY(clients.answered(0) && clients.answered(2));
        QCOMPARE(clients.reply(2).status, 201);
    }

    // A real sluice-sandbox process takes concurrent writes and is SIGKILLed while some are in
    // flight; reopened, its store holds every write that was acknowledged, as acknowledged.
    void acknowledgedWritesSurviveSigkill()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        test::SandboxProcess process;
        QVERIFY(process.start(QStringLiteral(SLUICE_BINARY_DIR "/app/sluice-sandbox/sluice-sandbox"), dir.path()));
        auto config = kube::loadKubeconfigFor(process.kubeconfig());
        QVERIFY(config.ok());
        auto context = kube::resolveContext(*config);
        QVERIFY(context.ok());
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates(QSslCertificate::fromData(context->certificateAuthorityData));

        struct Acked
        {
            QString name;
            QString resourceVersion;
            QString uid;
        };
        QList<Acked> acked;
        const int total = 400;
        const int killAfter = 150;
        int finished = 0;
        bool killed = false;
        QEventLoop loop;
        // Three managers: up to 18 connections writing at once.
        std::vector<std::unique_ptr<QNetworkAccessManager>> managers;
        for (int m = 0; m < 3; ++m)
            managers.push_back(std::make_unique<QNetworkAccessManager>());
        for (int i = 0; i < total; ++i) {
            QNetworkRequest req(QUrl(context->server + QStringLiteral("/api/v1/namespaces/default/configmaps")));
            req.setSslConfiguration(tls);
            req.setRawHeader("Authorization", "Bearer " + context->token.toUtf8());
            req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
            const QString name = QStringLiteral("kill-%1").arg(i);
            QNetworkReply *reply = managers[size_t(i % 3)]->post(req, QJsonDocument(configMap(name)).toJson(QJsonDocument::Compact));
            connect(reply, &QNetworkReply::finished, &loop, [&, reply, name] {
                reply->deleteLater();
                if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 201) {
                    const QJsonObject object = QJsonDocument::fromJson(reply->readAll()).object();
                    acked << Acked{name, rvOf(object),
                                   object.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("uid")).toString()};
                    if (!killed && acked.size() >= killAfter) {
                        killed = true;
                        ::kill(pid_t(process.pid()), SIGKILL); // answers in flight never arrive
                    }
                }
                if (++finished == total)
                    loop.quit();
            });
        }
        loop.exec();
        process.stop();
        QVERIFY(killed);
        QVERIFY(acked.size() >= killAfter);

        Result<std::unique_ptr<ObjectStore>> store = ObjectStore::open(dir.filePath(QStringLiteral("data")));
        QVERIFY2(store.ok(), store.ok() ? "" : qPrintable(store.error().toString()));
        quint64 newest = 0;
        for (const Acked &a : acked) {
            const std::optional<QJsonObject> object =
                (*store)->get(ObjectKey{QStringLiteral("configmaps"), QStringLiteral("default"), a.name});
            QVERIFY2(object.has_value(), qPrintable(a.name + QStringLiteral(" was acknowledged but is lost")));
            QCOMPARE(rvOf(*object), a.resourceVersion);
            QCOMPARE(object->value(QStringLiteral("metadata")).toObject().value(QStringLiteral("uid")).toString(), a.uid);
            newest = std::max(newest, a.resourceVersion.toULongLong());
        }
        QVERIFY((*store)->resourceVersion() >= newest);
        qInfo("%lld of %d writes acknowledged before SIGKILL, all present after reopening", qlonglong(acked.size()), total);
    }

    // The journal's last line without its newline was never acknowledged: reopening drops it
    // and keeps everything before it.
    void tornLastJournalLineIsDropped()
    {
        QTemporaryDir dir;
        {
            Result<std::unique_ptr<ObjectStore>> store = ObjectStore::open(dir.path());
            QVERIFY(store.ok());
            QList<Mutation> first{Mutation{Mutation::Op::Put, ObjectKey{QStringLiteral("configmaps"), QStringLiteral("ns"), QStringLiteral("a")},
                                           configMap(QStringLiteral("a"))}};
            QVERIFY((*store)->commit(first).ok()); // no flush scheduler: durable on return
            QList<Mutation> second{Mutation{Mutation::Op::Put, ObjectKey{QStringLiteral("configmaps"), QStringLiteral("ns"), QStringLiteral("b")},
                                            configMap(QStringLiteral("b"))}};
            QVERIFY((*store)->commit(second).ok());
            QCOMPARE((*store)->syncCount(), quint64(2));
        }
        QFile journal(dir.filePath(QStringLiteral("store.journal")));
        QVERIFY(journal.open(QIODevice::Append));
        journal.write("{\"rv\":\"3\",\"r\":\"configmaps\",\"op\":\"put\",\"obj\":{\"metadata\":{\"name\":\"c\",\"na"); // torn
        journal.close();
        Result<std::unique_ptr<ObjectStore>> reopened = ObjectStore::open(dir.path());
        QVERIFY(reopened.ok());
        QCOMPARE((*reopened)->list(QStringLiteral("configmaps")).size(), 2);
        QCOMPARE((*reopened)->resourceVersion(), quint64(2));
    }

    // Staged changes are visible to reads at once, reach listeners only at flush(), and one
    // flush journals them all with one fdatasync.
    void stagedChangesPublishAtFlush()
    {
        QTemporaryDir dir;
        Result<std::unique_ptr<ObjectStore>> store = ObjectStore::open(dir.path());
        QVERIFY(store.ok());
        int scheduled = 0;
        QList<quint64> heard;
        (*store)->setFlushScheduler([&] { ++scheduled; });
        (*store)->addChangeListener([&](const ChangeEvent &event) { heard << event.resourceVersion; });
        for (int i = 0; i < 5; ++i) {
            QList<Mutation> m{Mutation{Mutation::Op::Put, ObjectKey{QStringLiteral("configmaps"), QStringLiteral("ns"), QStringLiteral("s%1").arg(i)},
                                       configMap(QStringLiteral("s%1").arg(i))}};
            QVERIFY((*store)->commit(m).ok());
        }
        QCOMPARE(scheduled, 1); // once per group
        QVERIFY((*store)->hasStaged());
        QCOMPARE((*store)->list(QStringLiteral("configmaps")).size(), 5);
        QVERIFY(heard.isEmpty());
        QCOMPARE((*store)->syncCount(), quint64(0));
        QVERIFY((*store)->flush().ok());
        QCOMPARE((*store)->syncCount(), quint64(1));
        QCOMPARE(heard, (QList<quint64>{1, 2, 3, 4, 5}));
        QVERIFY(!(*store)->hasStaged());
        QFile journal(dir.filePath(QStringLiteral("store.journal")));
        QVERIFY(journal.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = journal.readAll().split('\n');
        QCOMPARE(lines.size(), 6); // five records, each ending its line
        for (int i = 0; i < 5; ++i) {
            const QJsonObject record = QJsonDocument::fromJson(lines.at(i)).object();
            QCOMPARE(lines.at(i), json::compact(record)); // one compact JSON object a line, keys in order
            QCOMPARE(record.value(QStringLiteral("rv")).toString(), QString::number(i + 1));
            QCOMPARE(record.value(QStringLiteral("op")).toString(), QStringLiteral("put"));
            QCOMPARE(record.value(QStringLiteral("r")).toString(), QStringLiteral("configmaps"));
            QCOMPARE(record.value(QStringLiteral("obj")).toObject().value(QStringLiteral("metadata")).toObject().value(QStringLiteral("name")).toString(),
                     QStringLiteral("s%1").arg(i));
        }
        store->reset();
        Result<std::unique_ptr<ObjectStore>> reopened = ObjectStore::open(dir.path());
        QVERIFY(reopened.ok());
        QCOMPARE((*reopened)->list(QStringLiteral("configmaps")).size(), 5);
    }

    // A flush in two steps: commits go on while its journal write runs; finishing it publishes
    // only what it took; a failed one undoes what it took and everything staged since, and the
    // journal holds neither.
    void pipelinedFlushes()
    {
        QTemporaryDir dir;
        Result<std::unique_ptr<ObjectStore>> store = ObjectStore::open(dir.path());
        QVERIFY(store.ok());
        ObjectStore &s = **store;
        QList<quint64> heard;
        s.setFlushScheduler([] {});
        s.addChangeListener([&](const ChangeEvent &event) { heard << event.resourceVersion; });
        const auto put = [&](const QString &name, const QString &value) {
            QJsonObject object = configMap(name);
            object.insert(QStringLiteral("data"), QJsonObject{{QStringLiteral("v"), value}});
            QList<Mutation> m{Mutation{Mutation::Op::Put, ObjectKey{QStringLiteral("configmaps"), QStringLiteral("ns"), name}, object}};
            return s.commit(m);
        };
        const auto valueOf = [&](const QString &name) {
            const std::optional<QJsonObject> object = s.get(ObjectKey{QStringLiteral("configmaps"), QStringLiteral("ns"), name});
            return object ? object->value(QStringLiteral("data")).toObject().value(QStringLiteral("v")).toString() : QString();
        };

        QVERIFY(put(QStringLiteral("a"), QStringLiteral("1")).ok());
        ObjectStore::FlushWork first = s.beginFlush();
        QVERIFY(first.begun && first.write);
        QVERIFY(s.flushing() && !s.hasUnflushed());
        QVERIFY(!s.beginFlush().begun); // one at a time
        QVERIFY(put(QStringLiteral("b"), QStringLiteral("1")).ok()); // while the disk works
        QVERIFY(s.hasUnflushed());
        QVERIFY(heard.isEmpty());
        QVERIFY(first.write().ok());
        QVERIFY(s.finishFlush({}).ok());
        QCOMPARE(heard, QList<quint64>{1}); // what the flush took, not what came after
        QVERIFY(s.hasStaged() && s.hasUnflushed() && !s.flushing());
        QVERIFY(s.flush().ok());
        QCOMPARE(heard, (QList<quint64>{1, 2}));

        // rv 3 and 4 change a and b; a's flush fails after b was staged behind it.
        QVERIFY(put(QStringLiteral("a"), QStringLiteral("2")).ok());
        ObjectStore::FlushWork failing = s.beginFlush();
        QVERIFY(failing.begun);
        QVERIFY(put(QStringLiteral("b"), QStringLiteral("2")).ok());
        QCOMPARE(valueOf(QStringLiteral("b")), QStringLiteral("2"));
        QVERIFY(!s.finishFlush(makeError(ErrorCategory::Io, QStringLiteral("disk full"))).ok());
        QCOMPARE(valueOf(QStringLiteral("a")), QStringLiteral("1"));
        QCOMPARE(valueOf(QStringLiteral("b")), QStringLiteral("1"));
        QCOMPARE(s.resourceVersion(), quint64(2));
        QVERIFY(!s.hasStaged());
        QCOMPARE(heard, (QList<quint64>{1, 2}));

        QVERIFY(put(QStringLiteral("c"), QStringLiteral("1")).ok()); // writes work again
        QVERIFY(s.flush().ok());
        store->reset();
        Result<std::unique_ptr<ObjectStore>> reopened = ObjectStore::open(dir.path());
        QVERIFY(reopened.ok());
        QCOMPARE((*reopened)->resourceVersion(), quint64(3));
        QCOMPARE((*reopened)->list(QStringLiteral("configmaps")).size(), 3);
        QStringList values; // the journal holds neither undone write
        for (const QJsonObject &object : (*reopened)->list(QStringLiteral("configmaps")))
            values << object.value(QStringLiteral("data")).toObject().value(QStringLiteral("v")).toString();
        QCOMPARE(values, (QStringList{QStringLiteral("1"), QStringLiteral("1"), QStringLiteral("1")}));
    }
};

QTEST_GUILESS_MAIN(TestSandboxDurability)
#include "tst_sandboxdurability.moc"
