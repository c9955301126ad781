// KubeClient without a cluster: Status errors mapped to actionable messages, credentials never
// sent in clear text, network failures named.

#include "common/LoopbackServer.h"
#include "kube/ApiDiscovery.h"
#include "kube/ClusterCheck.h"
#include "kube/KubeClient.h"

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>

#include <atomic>
#include <optional>
#include <QTest>

using namespace sluice;
using namespace sluice::kube;

namespace {

// A plain-HTTP server on loopback that answers from a script: each request gets the next status
// in `statuses` (the last one repeats) after `delayMs`, where kDrop closes the connection
// without an answer and kNoAnswer never answers; it records how many requests were open at once. Runs on its own thread so the blocking client can be driven from the test thread.
class ScriptedServer
{
public:
    static constexpr int kDrop = 0;
    static constexpr int kNoAnswer = -1;
    QList<int> statuses{200};
    int delayMs = 0;
    std::atomic<int> requests{0};
    std::atomic<int> open{0};
    std::atomic<int> maxOpen{0};

    quint16 start()
    {
        m_server.emplace([this](QTcpSocket *socket) { accept(socket); });
        return m_server->port();
    }

private:
    void accept(QTcpSocket *socket)
    {
        QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
            const QByteArray data = socket->readAll();
            if (!data.contains("\r\n\r\n"))
                return;
            const int index = requests++;
            const int now = ++open;
            int seen = maxOpen.load();
            while (now > seen && !maxOpen.compare_exchange_weak(seen, now)) {
            }
            const int status = statuses.value(index, statuses.last());
            QTimer::singleShot(delayMs, socket, [this, socket, status] {
                if (status == kDrop)
                    socket->disconnectFromHost();
                if (status == kDrop || status == kNoAnswer)
                    return;
                const QByteArray body = status == 200 ? QByteArray("{\"gitVersion\":\"v1.32.0\"}")
                                                      : QByteArray("{\"kind\":\"Status\",\"code\":") + QByteArray::number(status) + "}";
                socket->write("HTTP/1.1 " + QByteArray::number(status) + " X\r\nContent-Type: application/json\r\nContent-Length: " +
                              QByteArray::number(body.size()) + "\r\n\r\n" + body);
                --open;
            });
        });
    }

    std::optional<test::LoopbackServer> m_server; // last: stopped first
};

ResolvedContext plainContext(quint16 port)
{
    ResolvedContext context;
    context.contextName = "scripted";
    context.server = QStringLiteral("http://127.0.0.1:%1").arg(port);
    return context;
}

} // namespace

class TestKubeClient : public QObject
{
    Q_OBJECT

private slots:
    void errorMapping_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("expected");
        QTest::newRow("401") << 401 << QByteArray("{\"kind\":\"Status\",\"status\":\"Failure\",\"reason\":\"Unauthorized\",\"code\":401}")
                             << QStringLiteral("unauthorized: https://k:6443 rejected the credentials of user alice (the token may have expired");
        QTest::newRow("403") << 403
                             << QByteArray("{\"kind\":\"Status\",\"reason\":\"Forbidden\",\"message\":\"configmaps is forbidden: User \\\"alice\\\" cannot list resource \\\"configmaps\\\"\"}")
                             << QStringLiteral("forbidden: configmaps is forbidden: User \"alice\" cannot list resource \"configmaps\" (ask for RBAC permission");
        QTest::newRow("404") << 404 << QByteArray("{\"kind\":\"Status\",\"reason\":\"NotFound\",\"message\":\"configmaps \\\"x\\\" not found\"}")
                             << QStringLiteral("not found: configmaps \"x\" not found");
        QTest::newRow("409 conflict") << 409 << QByteArray("{\"kind\":\"Status\",\"reason\":\"Conflict\",\"message\":\"Apply failed with 1 conflict\"}")
                                      << QStringLiteral("conflict (Conflict): Apply failed with 1 conflict");
        QTest::newRow("409 exists") << 409 << QByteArray("{\"kind\":\"Status\",\"reason\":\"AlreadyExists\",\"message\":\"configmaps \\\"x\\\" already exists\"}")
                                    << QStringLiteral("conflict (AlreadyExists)");
        QTest::newRow("422") << 422 << QByteArray("{\"kind\":\"Status\",\"reason\":\"Invalid\",\"message\":\"metadata.name: Required value\"}")
                             << QStringLiteral("invalid object: metadata.name: Required value");
        QTest::newRow("500 without Status") << 500 << QByteArray("oops") << QStringLiteral("the server answered HTTP 500");
    }
    void errorMapping()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(QString, expected);
        const Error e = errorForResponse("GET", "/api/v1/configmaps", status, body, "https://k:6443", "alice");
        QVERIFY2(e.message.contains(expected), qPrintable(e.message));
        QVERIFY(e.message.startsWith("GET /api/v1/configmaps: "));
        QCOMPARE(e.code, status);
        QCOMPARE(e.category, ErrorCategory::Kube);
    }

    void noCredentialsInClearText()
    {
        ResolvedContext context;
        context.contextName = "plain";
        context.server = "http://127.0.0.1:1";
        context.token = "very-secret-token";
        auto client = KubeClient::create(context);
        QVERIFY(!client);
        QVERIFY(client.error().message.contains("not https"));
        QVERIFY(!client.error().toString().contains("very-secret-token"));
    }

    void connectionRefusedNamesTheServer()
    {
        QTcpServer probe; // find a port nobody listens on
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        const quint16 port = probe.serverPort();
        probe.close();
        ResolvedContext context;
        context.contextName = "down";
        context.server = QStringLiteral("https://127.0.0.1:%1").arg(port);
        context.token = "very-secret-token";
        ClientOptions options;
        options.retries = 1;
        options.backoffMs = 10;
        auto client = KubeClient::create(context, options);
        QVERIFY(client);
        auto version = (*client)->version();
        QVERIFY(!version);
        QVERIFY2(version.error().message.contains(QStringLiteral("cannot reach https://127.0.0.1:%1: connection refused").arg(port)),
                 qPrintable(version.error().message));
        QVERIFY(!version.error().toString().contains("very-secret-token"));
    }

    void legacyDiscoveryParsing()
    {
        ApiDiscovery discovery;
        const QByteArray list = "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\"apps/v1\",\"resources\":["
                                "{\"name\":\"deployments\",\"singularName\":\"deployment\",\"namespaced\":true,\"kind\":\"Deployment\","
                                "\"verbs\":[\"get\",\"list\"],\"shortNames\":[\"deploy\"],\"categories\":[\"all\"]},"
                                "{\"name\":\"deployments/status\",\"singularName\":\"\",\"namespaced\":true,\"kind\":\"Deployment\",\"verbs\":[\"get\"]}]}";
        QVERIFY(parseApiResourceList(list, discovery));
        QCOMPARE(discovery.resources.size(), 1); // the subresource is skipped
        const auto d = discovery.find("apps", "Deployment");
        QVERIFY(d);
        QCOMPARE(d->version, QStringLiteral("v1"));
        QCOMPARE(d->categories, QStringList{"all"});
        const QByteArray core = "{\"kind\":\"APIResourceList\",\"groupVersion\":\"v1\",\"resources\":["
                                "{\"name\":\"namespaces\",\"namespaced\":false,\"kind\":\"Namespace\",\"verbs\":[]}]}";
        QVERIFY(parseApiResourceList(core, discovery));
        QVERIFY(!discovery.find("", "Namespace")->namespaced);
        QCOMPARE(discovery.groupCount(), 2);
        QVERIFY(!parseApiResourceList("not json", discovery));
    }

    void retriesIdempotentCallsOnly()
    {
        ScriptedServer server;
        server.statuses = {503, 503, 200};
        ClientOptions options;
        options.retries = 3;
        options.backoffMs = 10;
        auto client = KubeClient::create(plainContext(server.start()), options);
        QVERIFY(client);
        auto version = (*client)->version();
        QVERIFY2(version, version ? "" : qPrintable(version.error().toString()));
        QCOMPARE(server.requests.load(), 3);
        QCOMPARE(version->value("gitVersion").toString(), QStringLiteral("v1.32.0"));

        // A request marked not retryable: one attempt only.
        ScriptedServer once;
        once.statuses = {503, 200};
        auto post = KubeClient::create(plainContext(once.start()), options);
        QVERIFY(post);
        auto sent = (*post)->send({"POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", "{}", "application/json",
                                   "application/json", false});
        QVERIFY(!sent);
        QCOMPARE(sent.error().code, 503);
        QCOMPARE(once.requests.load(), 1);
    }

    // A create is retried: the server refuses a repeat of one that landed, and that 409 reaches
    // the caller (who must read again), never a success unseen.
    void createRetriedAfterAmbiguousFailure_data()
    {
        QTest::addColumn<QList<int>>("statuses");
        QTest::addColumn<int>("code");
        QTest::newRow("500, then made") << QList<int>{500, 201} << 201;
        QTest::newRow("timed out, then AlreadyExists") << QList<int>{ScriptedServer::kNoAnswer, 409} << 409;
        QTest::newRow("dropped, then AlreadyExists") << QList<int>{ScriptedServer::kDrop, 409} << 409;
    }

    void createRetriedAfterAmbiguousFailure()
    {
        QFETCH(QList<int>, statuses);
        QFETCH(int, code);
        ScriptedServer server;
        server.statuses = statuses;
        ClientOptions options;
        options.timeoutMs = 300;
        options.backoffMs = 10;
        auto client = KubeClient::create(plainContext(server.start()), options);
        QVERIFY(client);
        auto created = (*client)->create({"", "v1", "configmaps", "x", ""}, {{"kind", "ConfigMap"}});
        QCOMPARE(created ? 201 : created.error().code, code);
        QCOMPARE(server.requests.load(), 2);
    }

    void failedEveryAttemptSaysSo()
    {
        ScriptedServer server;
        server.statuses = {500};
        ClientOptions options;
        options.retries = 2;
        options.backoffMs = 10;
        auto client = KubeClient::create(plainContext(server.start()), options);
        QVERIFY(client);
        auto version = (*client)->version();
        QVERIFY(!version);
        QVERIFY2(version.error().message.endsWith("(gave up after 3 attempts)"), qPrintable(version.error().message));
        QCOMPARE(server.requests.load(), 3);
    }

    // A watch whose answer never comes ends at the request timeout, as a dropped one would.
    void streamHeadTimesOut()
    {
        ScriptedServer server;
        server.statuses = {ScriptedServer::kNoAnswer};
        ClientOptions options;
        options.timeoutMs = 300;
        auto client = KubeClient::create(plainContext(server.start()), options);
        QVERIFY(client);
        QElapsedTimer timer;
        timer.start();
        const Status streamed = (*client)->stream(Request::get("/api/v1/configmaps?watch=true"), [](const QByteArray &) { return true; });
        QVERIFY(!streamed);
        QCOMPARE(streamed.error().code, 0);
        QVERIFY2(streamed.error().message.contains("timed out"), qPrintable(streamed.error().message));
        QVERIFY(timer.elapsed() < 5000);
    }

    void boundedConcurrency()
    {
        ScriptedServer server;
        server.delayMs = 100;
        ClientOptions options;
        options.maxConcurrent = 2;
        auto client = KubeClient::create(plainContext(server.start()), options);
        QVERIFY(client);
        QList<QThread *> threads;
        std::atomic<int> ok{0};
        for (int i = 0; i < 6; ++i) {
            threads << QThread::create([&] {
                if ((*client)->version())
                    ++ok;
            });
            threads.last()->start();
        }
        for (QThread *t : threads) {
            QVERIFY(t->wait(20000));
            delete t;
        }
        QCOMPARE(ok.load(), 6);
        QCOMPARE(server.requests.load(), 6);
        QVERIFY2(server.maxOpen.load() <= 2, qPrintable(QString::number(server.maxOpen.load())));
    }

    void timeout()
    {
        // Said in Sluice's words only: reading the timed-out reply made Qt warn "device not open".
        QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
        ScriptedServer server;
        server.delayMs = 5000;
        ClientOptions options;
        options.timeoutMs = 300;
        options.retries = 0;
        const quint16 port = server.start();
        auto client = KubeClient::create(plainContext(port), options);
        QVERIFY(client);
        QElapsedTimer timer;
        timer.start();
        auto version = (*client)->version();
        QVERIFY(!version);
        QCOMPARE(version.error().message, QStringLiteral("http://127.0.0.1:%1 timed out: no answer within 0.3 s (check the network "
                                                         "or raise the timeout)").arg(port));
        QVERIFY(timer.elapsed() < 4000);

        auto check = checkCluster(**client);
        QVERIFY(!check);
        QCOMPARE(check.error().message, QStringLiteral("cluster check of context scripted: http://127.0.0.1:%1 timed out: no answer "
                                                       "within 0.3 s (check the network or raise the timeout)").arg(port));
    }

    void resourcePaths_data()
    {
        QTest::addColumn<QString>("group");
        QTest::addColumn<QString>("ns");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("path");
        QTest::newRow("core namespaced object") << "" << "shop" << "web" << "/api/v1/namespaces/shop/configmaps/web";
        QTest::newRow("core cluster collection") << "" << "" << "" << "/api/v1/configmaps";
        QTest::newRow("group namespaced") << "apps" << "shop" << "web" << "/apis/apps/v1/namespaces/shop/configmaps/web";
    }
    void resourcePaths()
    {
        QFETCH(QString, group);
        QFETCH(QString, ns);
        QFETCH(QString, name);
        QFETCH(QString, path);
        QCOMPARE((ResourcePath{group, "v1", "configmaps", ns, name}.path()), path);
    }
};

QTEST_GUILESS_MAIN(TestKubeClient)
#include "tst_kubeclient.moc"
