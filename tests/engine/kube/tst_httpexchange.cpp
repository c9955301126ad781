// The client's own HTTP/1.1 connection (kube/HttpExchange) against a raw server that writes
// answers byte for byte: kept connections, a kept connection the server closed, chunked bodies
// in pieces, bodies that end with the connection, 1xx answers, half answers, cancel, gzip.

#include "common/LoopbackServer.h"
#include "kube/HttpExchange.h"
#include "kube/KubeClient.h"
#include "sync/LiveCompare.h"

#include <QElapsedTimer>
#include <QMutex>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>

#include <atomic>
#include <optional>
#include <QTest>

#include <zlib.h>

using namespace sluice;
using namespace sluice::kube;

namespace {

// Runs `f` on this thread (a client waits in an event loop here, the main thread) or on a
// worker thread of its own (where it blocks in the socket's waits), and returns its result.
template<typename F>
auto onThread(bool worker, F f)
{
    if (!worker)
        return f();
    std::optional<decltype(f())> result;
    QThread *thread = QThread::create([&] { result.emplace(f()); });
    thread->start();
    thread->wait();
    delete thread;
    return std::move(*result);
}

// A plain-HTTP server on loopback, on its own thread. Each complete request head (requests here
// have no body) gets `answer(socket, index)`, which writes what it likes and may close.
class RawServer
{
public:
    std::function<void(QTcpSocket *, int)> answer;
    std::atomic<int> connections{0};
    std::atomic<int> closed{0}; // connections the client closed
    std::atomic<int> requests{0};

    quint16 start()
    {
        m_server.emplace([this](QTcpSocket *socket) { accept(socket); });
        return m_server->port();
    }

    QByteArray lastHead() const
    {
        QMutexLocker lock(&m_headLock);
        return m_lastHead;
    }

private:
    void accept(QTcpSocket *socket)
    {
        ++connections;
        QObject::connect(socket, &QTcpSocket::disconnected, socket, [this] { ++closed; });
        auto pending = std::make_shared<QByteArray>();
        QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket, pending] {
            *pending += socket->readAll();
            qsizetype end;
            while ((end = pending->indexOf("\r\n\r\n")) >= 0) {
                {
                    QMutexLocker lock(&m_headLock);
                    m_lastHead = pending->left(end + 2);
                }
                pending->remove(0, end + 4);
                answer(socket, requests++);
            }
        });
    }

    mutable QMutex m_headLock;
    QByteArray m_lastHead;
    std::optional<test::LoopbackServer> m_server; // last: stopped first
};

QByteArray gzipped(const QByteArray &data)
{
    z_stream stream{};
    if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return {};
    QByteArray out(int(deflateBound(&stream, uLong(data.size()))), Qt::Uninitialized);
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.constData()));
    stream.avail_in = uInt(data.size());
    stream.next_out = reinterpret_cast<Bytef *>(out.data());
    stream.avail_out = uInt(out.size());
    const int rc = deflate(&stream, Z_FINISH);
    out.resize(qsizetype(stream.total_out));
    deflateEnd(&stream);
    return rc == Z_STREAM_END ? out : QByteArray();
}

// `data` as chunks of `size` bytes, each with its own chunk head.
QList<QByteArray> chunked(const QByteArray &data, int size)
{
    QList<QByteArray> chunks;
    for (qsizetype at = 0; at < data.size(); at += size) {
        const QByteArray part = data.mid(at, size);
        chunks << QByteArray::number(part.size(), 16) + "\r\n" + part + "\r\n";
    }
    chunks << "0\r\n\r\n";
    return chunks;
}

QByteArray withLength(const QByteArray &body, const QByteArray &extraHeaders = {})
{
    return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + extraHeaders + "Content-Length: " + QByteArray::number(body.size())
        + "\r\n\r\n" + body;
}

// Writes `parts` one after another, `gapMs` apart, on the socket's thread.
void writeSlowly(QTcpSocket *socket, const QList<QByteArray> &parts, int gapMs, bool closeAfter = false)
{
    for (int i = 0; i < parts.size(); ++i)
        QTimer::singleShot(gapMs * i, socket, [socket, part = parts[i]] { socket->write(part); });
    if (closeAfter)
        QTimer::singleShot(gapMs * int(parts.size()), socket, [socket] { socket->disconnectFromHost(); });
}

std::shared_ptr<KubeClient> clientFor(quint16 port, int retries = 0, int timeoutMs = 5000)
{
    ResolvedContext context;
    context.contextName = "raw";
    context.server = QStringLiteral("http://127.0.0.1:%1").arg(port);
    ClientOptions options;
    options.retries = retries;
    options.backoffMs = 10;
    options.timeoutMs = timeoutMs;
    return *KubeClient::create(context, options);
}

} // namespace

class TestHttpExchange : public QObject
{
    Q_OBJECT

    // Each case on the main thread (event-loop waits) and on a worker (blocking waits).
    static void threads()
    {
        QTest::addColumn<bool>("worker");
        QTest::newRow("main thread") << false;
        QTest::newRow("worker thread") << true;
    }

private slots:
    // Requests from one thread go one after another over one kept connection.
    void keptConnectionCarriesEveryRequest_data() { threads(); }
    void keptConnectionCarriesEveryRequest()
    {
        QFETCH(bool, worker);
        RawServer server;
        server.answer = [](QTcpSocket *socket, int i) { socket->write(withLength("{\"n\":" + QByteArray::number(i) + "}")); };
        auto client = clientFor(server.start());
        const QStringList seen = onThread(worker, [&] {
            QStringList numbers;
            for (int i = 0; i < 20; ++i) {
                auto answer = client->getJson("/version");
                numbers << (answer ? QString::number(answer->value("n").toInt()) : answer.error().toString());
            }
            return numbers;
        });
        QStringList expected;
        for (int i = 0; i < 20; ++i)
            expected << QString::number(i);
        QCOMPARE(seen, expected);
        QCOMPARE(server.requests.load(), 20);
        QCOMPARE(server.connections.load(), 1);
    }

    // The threads of sync::parallelFor are shared by every call and keep their connections: three
    // calls of 16 requests at once connect once per thread (16, and the caller's), not once per
    // call and thread as a pool of each call's own did (a sync's compare and apply phases).
    void parallelCallsKeepTheirThreadsConnections()
    {
        RawServer server;
        server.answer = [](QTcpSocket *socket, int) { socket->write(withLength("{}")); };
        auto client = clientFor(server.start());
        std::atomic<int> failed{0};
        for (int round = 0; round < 3; ++round)
            sync::parallelFor(64, 16, [&](int) { failed += client->getJson("/version") ? 0 : 1; });
        QCOMPARE(failed.load(), 0);
        QCOMPARE(server.requests.load(), 3 * 64);
        QVERIFY2(server.connections.load() <= 17, qPrintable(QString::number(server.connections.load())));
    }

    // A call from one of those threads while all are busy (each running a call of its own) still
    // finishes: the calling thread works on its own call's items.
    void nestedParallelCallsFinish()
    {
        std::atomic<int> done{0};
        sync::parallelFor(32, 16, [&](int) { sync::parallelFor(8, 4, [&](int) { ++done; }); });
        QCOMPARE(done.load(), 32 * 8);
    }

    // A client's kept connection is closed once the client is gone, when its thread next opens
    // one: a status check makes a client each time, and its connection must not stay open.
    void connectionsOfGoneClientsAreClosed()
    {
        RawServer server;
        server.answer = [](QTcpSocket *socket, int) { socket->write(withLength("{}")); };
        const quint16 port = server.start();
        for (int i = 0; i < 3; ++i)
            QVERIFY(clientFor(port)->getJson("/version")); // a client made and dropped each time
        QCOMPARE(server.connections.load(), 3);
        QTRY_COMPARE(server.closed.load(), 2); // all but the last one's
    }

    // The server closes a kept connection while it is idle: the next request, which gets no byte
    // back on it, goes again on a new connection, without a retry of KubeClient's.
    void closedKeptConnectionIsSentAgain_data() { threads(); }
    void closedKeptConnectionIsSentAgain()
    {
        QFETCH(bool, worker);
        RawServer server;
        server.answer = [](QTcpSocket *socket, int) {
            socket->write(withLength("{}"));
            QTimer::singleShot(20, socket, [socket] { socket->disconnectFromHost(); });
        };
        auto client = clientFor(server.start(), /*retries*/ 0);
        const int answered = onThread(worker, [&] {
            int ok = 0;
            for (int i = 0; i < 3; ++i) {
                ok += client->getJson("/version") ? 1 : 0;
                QThread::msleep(150); // the server has closed the connection by now
            }
            return ok;
        });
        QCOMPARE(answered, 3);
        QCOMPARE(server.requests.load(), 3);
        QCOMPARE(server.connections.load(), 3);
    }

    // Chunks (with an extension, split across writes, and a trailer) come out as the body; a
    // stream gets them as they arrive; a 100 Continue before the answer is skipped.
    void chunkedBodyInPieces_data() { threads(); }
    void chunkedBodyInPieces()
    {
        QFETCH(bool, worker);
        RawServer server;
        server.answer = [](QTcpSocket *socket, int) {
            writeSlowly(socket,
                        {"HTTP/1.1 100 Continue\r\n\r\n", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6;name=x\r\n{\"a\":",
                         "1\r\n", "A\r\n,\"b\":\"xyz\"", "\r\n1\r\n}\r\n0\r\nX-Trailer: t\r\n\r\n"},
                        30);
        };
        auto client = clientFor(server.start());
        auto answer = onThread(worker, [&] { return client->getJson("/version"); });
        QVERIFY2(answer, answer ? "" : qPrintable(answer.error().toString()));
        QCOMPARE(answer->value("a").toInt(), 1);
        QCOMPARE(answer->value("b").toString(), QStringLiteral("xyz"));

        QList<QByteArray> pieces;
        const Status streamed = onThread(worker, [&] {
            return client->stream(Request::get("/api/v1/configmaps?watch=true"), [&](const QByteArray &piece) {
                pieces << piece;
                return true;
            });
        });
        QVERIFY2(streamed, streamed ? "" : qPrintable(streamed.error().toString()));
        QVERIFY2(pieces.size() >= 3, qPrintable(QString::number(pieces.size())));
        QCOMPARE(pieces.join(), QByteArray("{\"a\":1,\"b\":\"xyz\"}"));
        QCOMPARE(server.connections.load(), worker ? 2 : 1); // one per thread: the chunked answer kept it
    }

    // An answer with neither a length nor chunks ends with its connection; the next request
    // opens another.
    void bodyUntilTheConnectionCloses_data() { threads(); }
    void bodyUntilTheConnectionCloses()
    {
        QFETCH(bool, worker);
        RawServer server;
        server.answer = [](QTcpSocket *socket, int) {
            writeSlowly(socket, {"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\"gitVersion\":", "\"v1.32.0\"}"}, 30, true);
        };
        auto client = clientFor(server.start());
        for (int i = 0; i < 2; ++i) {
            auto version = onThread(worker, [&] { return client->version(); });
            QVERIFY2(version, version ? "" : qPrintable(version.error().toString()));
            QCOMPARE(version->value("gitVersion").toString(), QStringLiteral("v1.32.0"));
        }
        QCOMPARE(server.connections.load(), 2);
    }

    // Half an answer is no answer: an error naming the server, retried like a lost connection.
    void halfAnAnswerIsAnError_data() { threads(); }
    void halfAnAnswerIsAnError()
    {
        QFETCH(bool, worker);
        RawServer server;
        server.answer = [](QTcpSocket *socket, int) {
            socket->write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"gitVer");
            socket->disconnectFromHost();
        };
        const quint16 port = server.start();
        auto client = clientFor(port, /*retries*/ 1);
        auto version = onThread(worker, [&] { return client->version(); });
        QVERIFY(!version);
        QCOMPARE(version.error().code, 0);
        QVERIFY2(version.error().message.startsWith(QStringLiteral("http://127.0.0.1:%1 closed the connection before answering").arg(port)),
                 qPrintable(version.error().message));
        QVERIFY(version.error().message.endsWith("(gave up after 2 attempts)"));
        QCOMPARE(server.requests.load(), 2);
    }

    // A cancel ends a wait for a slow answer within a slice, not at the timeout.
    void cancelEndsTheWait()
    {
        RawServer server;
        server.answer = [](QTcpSocket *, int) {}; // never answers
        auto client = clientFor(server.start(), 0, 30000);
        CancelToken cancel;
        Result<Response> sent = makeError(ErrorCategory::Kube, QStringLiteral("not sent"));
        QThread *caller = QThread::create([&] { sent = client->send(Request::get("/version"), cancel); });
        caller->start();
        QTRY_COMPARE(server.requests.load(), 1);
        QElapsedTimer timer;
        timer.start();
        cancel.cancel();
        QVERIFY(caller->wait(5000));
        delete caller;
        QVERIFY(timer.elapsed() < 1000);
        QVERIFY(!sent);
        QCOMPARE(sent.error().category, ErrorCategory::Cancelled);
    }

    // The client asks for gzip; a gzip body comes out inflated, whether it has a length, comes in
    // chunks (a stream gets it as it arrives) or ends with the connection.
    void gzipBodies_data() { threads(); }
    void gzipBodies()
    {
        QFETCH(bool, worker);
        QByteArray json = "{\"items\":[";
        for (int i = 0; i < 3000; ++i)
            json += (i ? ",\"" : "\"") + QByteArray::number(i * 7919) + '"';
        json += "]}";
        const QByteArray packed = gzipped(json);
        QVERIFY(!packed.isEmpty() && packed.size() < json.size() / 2);
        RawServer server;
        server.answer = [packed](QTcpSocket *socket, int i) {
            const QByteArray head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n";
            if (i == 0)
                socket->write(withLength(packed, "Content-Encoding: gzip\r\n"));
            else if (i == 1)
                writeSlowly(socket, QList<QByteArray>{head + "Transfer-Encoding: chunked\r\n\r\n"} + chunked(packed, 1000), 5);
            else
                writeSlowly(socket, {head + "\r\n", packed.left(500), packed.mid(500)}, 20, true);
        };
        auto client = clientFor(server.start());
        const QByteArray whole = onThread(worker, [&] {
            auto response = client->send(Request::get("/api/v1/configmaps"));
            return response ? response->body : response.error().message.toUtf8();
        });
        QVERIFY(server.lastHead().contains("\r\nAccept-Encoding: gzip\r\n"));
        QCOMPARE(whole, json);

        QByteArray streamed;
        int pieces = 0;
        const Status status = onThread(worker, [&] {
            return client->stream(Request::get("/api/v1/configmaps?watch=true"), [&](const QByteArray &piece) {
                streamed += piece;
                ++pieces;
                return true;
            });
        });
        QVERIFY2(status, status ? "" : qPrintable(status.error().toString()));
        QCOMPARE(streamed, json);
        QVERIFY2(pieces > 1, "the stream came whole, not as it arrived");

        const QByteArray untilClose = onThread(worker, [&] {
            auto response = client->send(Request::get("/api/v1/configmaps"));
            return response ? response->body : response.error().message.toUtf8();
        });
        QCOMPARE(untilClose, json);
    }

    // A gzip body that is corrupt, cut short, or in an encoding not asked for is an error that
    // says so, never a body.
    void badGzipBodiesAreErrors_data()
    {
        QTest::addColumn<QByteArray>("answer");
        QTest::addColumn<QString>("error");
        const QByteArray packed = gzipped(QByteArray(5000, 'x'));
        QByteArray corrupt = packed;
        corrupt[corrupt.size() / 2] = char(corrupt[corrupt.size() / 2] ^ 0x55);
        corrupt[corrupt.size() / 2 + 1] = char(corrupt[corrupt.size() / 2 + 1] ^ 0x55);
        QTest::newRow("corrupt") << withLength(corrupt, "Content-Encoding: gzip\r\n") << "gzip body is corrupt";
        QTest::newRow("cut short") << withLength(packed.left(packed.size() - 6), "Content-Encoding: gzip\r\n") << "gzip body ends early";
        QTest::newRow("not gzip") << withLength("{}", "Content-Encoding: gzip\r\n") << "gzip body is corrupt";
        QTest::newRow("brotli") << withLength("{}", "Content-Encoding: br\r\n") << "encoded as \"br\", which was not asked for";
    }
    void badGzipBodiesAreErrors()
    {
        QFETCH(QByteArray, answer);
        QFETCH(QString, error);
        RawServer server;
        server.answer = [answer](QTcpSocket *socket, int) { socket->write(answer); };
        auto client = clientFor(server.start());
        auto response = client->send(Request::get("/api/v1/configmaps"));
        QVERIFY(!response);
        QVERIFY2(response.error().message.contains(error), qPrintable(response.error().message));
    }

    // An empty body marked gzip is an empty body (it has no gzip frame to end).
    void emptyGzipBodyIsEmpty()
    {
        RawServer server;
        server.answer = [](QTcpSocket *socket, int) { socket->write(withLength({}, "Content-Encoding: gzip\r\n")); };
        auto client = clientFor(server.start());
        auto response = client->send(Request::get("/api/v1/configmaps"));
        QVERIFY2(response, response ? "" : qPrintable(response.error().message));
        QVERIFY(response->body.isEmpty());
    }

    void endpointFromServerUrl_data()
    {
        QTest::addColumn<QString>("server");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::addColumn<QByteArray>("hostHeader");
        QTest::addColumn<QByteArray>("prefix");
        QTest::newRow("https default port") << "https://api.example.com" << "api.example.com" << 443 << QByteArray("api.example.com") << QByteArray();
        QTest::newRow("port and prefix") << "https://10.0.0.1:6443/k8s/clusters/c-1/" << "10.0.0.1" << 6443 << QByteArray("10.0.0.1:6443")
                                         << QByteArray("/k8s/clusters/c-1");
        QTest::newRow("ipv6") << "https://[::1]:8443" << "::1" << 8443 << QByteArray("[::1]:8443") << QByteArray();
        QTest::newRow("http") << "http://127.0.0.1" << "127.0.0.1" << 80 << QByteArray("127.0.0.1") << QByteArray();
    }

    void endpointFromServerUrl()
    {
        QFETCH(QString, server);
        QFETCH(QString, host);
        QFETCH(int, port);
        QFETCH(QByteArray, hostHeader);
        QFETCH(QByteArray, prefix);
        const HttpEndpoint endpoint = HttpEndpoint::fromUrl(server);
        QCOMPARE(endpoint.host, host);
        QCOMPARE(int(endpoint.port), port);
        QCOMPARE(endpoint.hostHeader, hostHeader);
        QCOMPARE(endpoint.pathPrefix, prefix);
    }
};

QTEST_GUILESS_MAIN(TestHttpExchange)
#include "tst_httpexchange.moc"
