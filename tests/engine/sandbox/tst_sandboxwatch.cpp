// The sandbox's streaming and presentation endpoints: WATCH (kube-api.md §6.7) over raw TLS
// with the chunked framing parsed here, WatchHub directly (selector transitions, history
// expiry, detach frees the watch), Table output (§6.6) and OpenAPI v3 (§6.5).

#include "sandbox/HttpMessage.h"
#include "sandbox/ObjectStore.h"
#include "sandbox/ResourceCatalog.h"
#include "sandbox/ResourceHandlers.h"
#include "sandbox/Sandbox.h"
#include "sandbox/TableOutput.h"
#include "sandbox/WatchHub.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSslCertificate>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace sluice;
using namespace sluice::sandbox;

namespace {

QJsonObject configMap(const QString &name, const QJsonObject &labels = {}, const QJsonObject &data = {{"k", "v"}})
{
    QJsonObject metadata{{"name", name}};
    if (!labels.isEmpty())
        metadata.insert("labels", labels);
    return QJsonObject{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", metadata}, {"data", data}};
}

QString nameOf(const QJsonObject &object)
{
    return object.value("metadata").toObject().value("name").toString();
}

QString rvOf(const QJsonObject &object)
{
    return object.value("metadata").toObject().value("resourceVersion").toString();
}

// "TYPE name" per event, for compact comparisons.
QStringList summary(const QList<QJsonObject> &events)
{
    QStringList result;
    for (const QJsonObject &e : events)
        result << e.value("type").toString() + QLatin1Char(' ') + nameOf(e.value("object").toObject());
    return result;
}

// One HTTP/1.1 exchange over its own TLS connection, read without Qt's HTTP stack so the test
// sees the framing: Content-Length bodies, or chunked bodies split into newline-terminated JSON
// events. Runs the event loop while waiting (the server lives on the same thread).
class RawExchange
{
public:
    RawExchange(const Sandbox &sandbox, const QByteArray &target, const QByteArray &accept = "application/json",
                const QByteArray &extraHeaders = {})
    {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates(QSslCertificate::fromData(sandbox.caCertificatePem()));
        m_socket.setSslConfiguration(tls);
        QObject::connect(&m_socket, &QIODevice::readyRead, [this] { m_buffer += m_socket.readAll(); parse(); });
        QObject::connect(&m_socket, &QAbstractSocket::disconnected, [this] { m_disconnected = true; });
        m_socket.connectToHostEncrypted(sandbox.url().host(), quint16(sandbox.url().port()), QStringLiteral("localhost"));
        m_socket.write("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + sandbox.token()
                       + "\r\nAccept: " + accept + "\r\n" + extraHeaders + "\r\n");
    }

    bool waitForHead(int ms = 5000) { return QTest::qWaitFor([this] { return status > 0; }, ms); }
    bool waitForEvents(qsizetype count, int ms = 5000)
    {
        return QTest::qWaitFor([&] { return events.size() >= count; }, ms);
    }
    bool waitForEnd(int ms = 5000) { return QTest::qWaitFor([this] { return ended; }, ms); }
    void close() { m_socket.abort(); }
    QByteArray header(const QByteArray &lowerName) const { return headers.value(lowerName); }

    int status = 0;
    QHash<QByteArray, QByteArray> headers; // lowercased names
    QByteArray body;                       // Content-Length body, or all chunk payloads
    QList<QJsonObject> events;             // chunked: one per line
    bool chunked = false;
    bool ended = false;    // the whole body arrived (zero-length chunk for chunked)
    bool badFrame = false; // a chunk did not parse, or an event line was not JSON

private:
    void parse()
    {
        if (status == 0) {
            const qsizetype end = m_buffer.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            const QList<QByteArray> lines = m_buffer.left(end).split('\n');
            for (qsizetype i = 1; i < lines.size(); ++i) {
                const qsizetype colon = lines[i].indexOf(':');
                headers.insert(lines[i].left(colon).trimmed().toLower(), lines[i].mid(colon + 1).trimmed());
            }
            chunked = headers.value("transfer-encoding") == "chunked";
            m_buffer.remove(0, end + 4);
            status = lines.first().split(' ').value(1).toInt();
        }
        if (!chunked) {
            const qsizetype length = headers.value("content-length").toLongLong();
            if (m_buffer.size() >= length) {
                body = m_buffer.left(length);
                ended = true;
            }
            return;
        }
        while (!ended) {
            const qsizetype lineEnd = m_buffer.indexOf("\r\n");
            if (lineEnd < 0)
                return;
            bool ok = false;
            const qsizetype size = m_buffer.left(lineEnd).toLongLong(&ok, 16);
            if (!ok) {
                badFrame = true;
                return;
            }
            if (m_buffer.size() < lineEnd + 2 + size + 2)
                return;
            if (m_buffer.mid(lineEnd + 2 + size, 2) != "\r\n")
                badFrame = true;
            const QByteArray payload = m_buffer.mid(lineEnd + 2, size);
            m_buffer.remove(0, lineEnd + 2 + size + 2);
            if (size == 0) {
                ended = true;
                return;
            }
            body += payload;
            if (!payload.endsWith('\n'))
                badFrame = true; // the sandbox sends one whole event per chunk
            for (const QByteArray &line : payload.split('\n')) {
                if (line.isEmpty())
                    continue;
                QJsonParseError error;
                const QJsonDocument document = QJsonDocument::fromJson(line, &error);
                if (error.error != QJsonParseError::NoError)
                    badFrame = true;
                events << document.object();
            }
        }
    }

    QSslSocket m_socket;
    QByteArray m_buffer;
    bool m_disconnected = false;
};

// A ResponseStream consumer standing in for a connection, for WatchHub unit tests.
struct FakeConnection
{
    std::shared_ptr<ResponseStream> stream;
    QList<QJsonObject> events;
    bool finished = false;

    explicit FakeConnection(std::shared_ptr<ResponseStream> s) : stream(std::move(s))
    {
        stream->attach([this](const QByteArray &chunk) { events << QJsonDocument::fromJson(chunk).object(); },
                       [this] { finished = true; });
    }
};

HttpRequest watchRequest(const QString &query)
{
    HttpRequest request;
    request.method = "GET";
    request.query = QUrlQuery(query);
    return request;
}

} // namespace

class TestSandboxWatch : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Sandbox> m_sandbox;

    void startSandbox()
    {
        SandboxOptions options;
        options.dataDir = m_dir.filePath(QStringLiteral("data"));
        m_sandbox = std::make_unique<Sandbox>(options);
        const Status started = m_sandbox->start();
        QVERIFY2(started.ok(), started.ok() ? "" : qPrintable(started.error().toString()));
    }

    // A plain JSON request (create/replace/delete) over a raw connection; returns status and body.
    std::pair<int, QJsonObject> send(const QByteArray &method, const QByteArray &path, const QJsonObject &body = {})
    {
        QSslSocket socket;
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates(QSslCertificate::fromData(m_sandbox->caCertificatePem()));
        socket.setSslConfiguration(tls);
        QByteArray buffer;
        QObject::connect(&socket, &QIODevice::readyRead, [&] { buffer += socket.readAll(); });
        socket.connectToHostEncrypted(m_sandbox->url().host(), quint16(m_sandbox->url().port()), QStringLiteral("localhost"));
        const QByteArray data = body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact);
        socket.write(method + ' ' + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + m_sandbox->token()
                     + "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(data.size()) + "\r\n\r\n" + data);
        const bool done = QTest::qWaitFor([&] {
            const qsizetype end = buffer.indexOf("\r\n\r\n");
            if (end < 0)
                return false;
            const qsizetype lengthAt = buffer.toLower().indexOf("content-length:");
            const qsizetype length = buffer.mid(lengthAt + 15, buffer.indexOf("\r\n", lengthAt) - lengthAt - 15).trimmed().toLongLong();
            return buffer.size() >= end + 4 + length;
        }, 5000);
        if (!done)
            return {0, {}};
        return {buffer.split(' ').value(1).toInt(), QJsonDocument::fromJson(buffer.mid(buffer.indexOf("\r\n\r\n") + 4)).object()};
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        startSandbox();
        QCOMPARE(send("POST", "/api/v1/namespaces", QJsonObject{{"apiVersion", "v1"}, {"kind", "Namespace"},
                                                                 {"metadata", QJsonObject{{"name", "demo"}}}}).first, 201);
        QCOMPARE(send("POST", "/api/v1/namespaces/demo/configmaps", configMap("one", {{"app", "x"}})).first, 201);
        QCOMPARE(send("POST", "/api/v1/namespaces/demo/configmaps", configMap("two", {{"app", "y"}})).first, 201);
    }

    void watchFromZeroSendsSyntheticAdded_data()
    {
        QTest::addColumn<QByteArray>("query");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("rv unset") << QByteArray("watch=true") << QStringList{"ADDED one", "ADDED two"};
        QTest::newRow("rv 0") << QByteArray("watch=1&resourceVersion=0") << QStringList{"ADDED one", "ADDED two"};
        QTest::newRow("label selector") << QByteArray("watch=true&labelSelector=app%3Dy") << QStringList{"ADDED two"};
        QTest::newRow("field selector") << QByteArray("watch=true&fieldSelector=metadata.name%3Done") << QStringList{"ADDED one"};
    }
    void watchFromZeroSendsSyntheticAdded()
    {
        QFETCH(QByteArray, query);
        QFETCH(QStringList, expected);
        RawExchange watch(*m_sandbox, "/api/v1/namespaces/demo/configmaps?" + query);
        QVERIFY(watch.waitForEvents(expected.size()));
        QTest::qWait(100); // nothing more may arrive
        QCOMPARE(watch.status, 200);
        QVERIFY(watch.chunked);
        QVERIFY(!watch.header("content-type").isEmpty());
        QCOMPARE(watch.header("content-type"), QByteArray("application/json"));
        QVERIFY(!watch.badFrame);
        QCOMPARE(summary(watch.events), expected);
        QCOMPARE(watch.events.first().value("object").toObject().value("kind").toString(), QStringLiteral("ConfigMap"));
        QVERIFY(!watch.ended);
    }

    // Initial events far larger than a socket's backlog (20 ConfigMaps of 1 MB) are paced by
    // the reader, not cut off: a client that keeps reading gets every one (issue 12, item 7).
    void largeInitialEventsReachAReadingClient()
    {
        QCOMPARE(send("POST", "/api/v1/namespaces", QJsonObject{{"apiVersion", "v1"}, {"kind", "Namespace"},
                                                                 {"metadata", QJsonObject{{"name", "big"}}}}).first, 201);
        const QString value(1000000, QLatin1Char('x'));
        for (int i = 0; i < 20; ++i) {
            QCOMPARE(send("POST", "/api/v1/namespaces/big/configmaps", configMap(QStringLiteral("big-%1").arg(i), {}, {{"v", value}})).first,
                     201);
        }
        RawExchange watch(*m_sandbox, "/api/v1/namespaces/big/configmaps?watch=true&timeoutSeconds=60");
        QVERIFY2(watch.waitForEvents(20, 60000), qPrintable(QStringLiteral("%1 of 20 events").arg(watch.events.size())));
        QVERIFY(!watch.badFrame);
        for (const QJsonObject &event : std::as_const(watch.events)) {
            QCOMPARE(event.value("type").toString(), QStringLiteral("ADDED"));
            QCOMPARE(event.value("object").toObject().value("data").toObject().value("v").toString().size(), value.size());
        }
        QVERIFY(!watch.ended);
    }

    void liveEventsAndSelectorTransitions()
    {
        const QString listRv = rvOf(send("GET", "/api/v1/namespaces/demo/configmaps/two").second);
        RawExchange all(*m_sandbox, "/api/v1/namespaces/demo/configmaps?watch=true&resourceVersion=" + listRv.toLatin1());
        RawExchange selected(*m_sandbox, "/api/v1/configmaps?watch=true&labelSelector=app%3Dz&resourceVersion=" + listRv.toLatin1());
        QVERIFY(all.waitForHead());
        QVERIFY(selected.waitForHead());
        QCOMPARE(send("POST", "/api/v1/namespaces/demo/configmaps", configMap("three", {{"app", "x"}})).first, 201);
        QJsonObject changed = send("GET", "/api/v1/namespaces/demo/configmaps/three").second;
        changed.insert("data", QJsonObject{{"k", "changed"}});
        QJsonObject metadata = changed.value("metadata").toObject();
        metadata.insert("labels", QJsonObject{{"app", "z"}});
        changed.insert("metadata", metadata);
        QCOMPARE(send("PUT", "/api/v1/namespaces/demo/configmaps/three", changed).first, 200);
        QCOMPARE(send("DELETE", "/api/v1/namespaces/demo/configmaps/three").first, 200);
        QVERIFY(all.waitForEvents(3));
        QCOMPARE(summary(all.events), (QStringList{"ADDED three", "MODIFIED three", "DELETED three"}));
        QCOMPARE(all.events[1].value("object").toObject().value("data").toObject().value("k").toString(), QStringLiteral("changed"));
        // DELETED carries the last state with a new resourceVersion.
        QVERIFY(rvOf(all.events[2].value("object").toObject()).toULongLong() > rvOf(all.events[1].value("object").toObject()).toULongLong());
        // app=z: the object enters the selection with the PUT and leaves with the DELETE.
        QVERIFY(selected.waitForEvents(2));
        QCOMPARE(summary(selected.events), (QStringList{"ADDED three", "DELETED three"}));
        QVERIFY(!all.badFrame && !selected.badFrame);
    }

    void resumeFromRecentVersion()
    {
        const auto [status, created] = send("POST", "/api/v1/namespaces/demo/configmaps", configMap("four"));
        QCOMPARE(status, 201);
        const QByteArray before = QByteArray::number(rvOf(created).toULongLong() - 1);
        QCOMPARE(send("DELETE", "/api/v1/namespaces/demo/configmaps/four").first, 200);
        // Every retained change after `before`, without synthetic events for current objects.
        RawExchange watch(*m_sandbox, "/api/v1/namespaces/demo/configmaps?watch=true&resourceVersion=" + before);
        QVERIFY(watch.waitForEvents(2));
        QTest::qWait(100);
        QCOMPARE(summary(watch.events), (QStringList{"ADDED four", "DELETED four"}));
    }

    void timeoutSecondsEndsTheStream()
    {
        RawExchange watch(*m_sandbox, "/api/v1/namespaces/demo/configmaps?watch=true&timeoutSeconds=1");
        QVERIFY(watch.waitForEvents(2));
        QVERIFY(!watch.ended);
        QVERIFY(watch.waitForEnd(4000)); // the zero-length chunk
        QVERIFY(!watch.badFrame);
    }

    void badWatchParameters()
    {
        RawExchange watch(*m_sandbox, "/api/v1/namespaces/demo/configmaps?watch=true&resourceVersion=abc");
        QVERIFY(watch.waitForEnd());
        QCOMPARE(watch.status, 400);
        RawExchange selector(*m_sandbox, "/api/v1/configmaps?watch=true&labelSelector=a%20in%20(");
        QVERIFY(selector.waitForEnd());
        QCOMPARE(selector.status, 400);
    }

    void tableList()
    {
        RawExchange list(*m_sandbox, "/api/v1/namespaces/demo/configmaps?limit=500",
                         "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json");
        QVERIFY(list.waitForEnd());
        QCOMPARE(list.status, 200);
        QCOMPARE(list.header("content-type"), QByteArray("application/json;as=Table;v=v1;g=meta.k8s.io"));
        const QJsonObject table = QJsonDocument::fromJson(list.body).object();
        QCOMPARE(table.value("kind").toString(), QStringLiteral("Table"));
        QCOMPARE(table.value("apiVersion").toString(), QStringLiteral("meta.k8s.io/v1"));
        QVERIFY(!rvOf(table).isEmpty());
        QStringList columns;
        for (const QJsonValue &c : table.value("columnDefinitions").toArray())
            columns << c.toObject().value("name").toString();
        QCOMPARE(columns, (QStringList{"Name", "Data", "Age"}));
        const QJsonArray rows = table.value("rows").toArray();
        QCOMPARE(rows.size(), 2);
        const QJsonArray cells = rows[0].toObject().value("cells").toArray();
        QCOMPARE(cells[0].toString(), QStringLiteral("one"));
        QCOMPARE(cells[1].toInt(), 1);
        QVERIFY(cells[2].toString().endsWith(QLatin1Char('s')));
        const QJsonObject object = rows[0].toObject().value("object").toObject();
        QCOMPARE(object.value("kind").toString(), QStringLiteral("PartialObjectMetadata"));
        QCOMPARE(object.value("metadata").toObject().value("namespace").toString(), QStringLiteral("demo"));
        QVERIFY(!object.contains("data"));
    }

    void tableGetAndColumnsPerKind_data()
    {
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QStringList>("columns");
        QTest::addColumn<QJsonArray>("cellsWithoutAge");
        QTest::newRow("namespace") << QByteArray("/api/v1/namespaces/demo") << QStringList{"Name", "Status", "Age"}
                                   << QJsonArray{"demo", "Active"};
        QTest::newRow("configmap") << QByteArray("/api/v1/namespaces/demo/configmaps/two") << QStringList{"Name", "Data", "Age"}
                                   << QJsonArray{"two", 1};
    }
    void tableGetAndColumnsPerKind()
    {
        QFETCH(QByteArray, path);
        QFETCH(QStringList, columns);
        QFETCH(QJsonArray, cellsWithoutAge);
        RawExchange get(*m_sandbox, path, "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
        QVERIFY(get.waitForEnd());
        QCOMPARE(get.status, 200);
        const QJsonObject table = QJsonDocument::fromJson(get.body).object();
        QStringList names;
        for (const QJsonValue &c : table.value("columnDefinitions").toArray())
            names << c.toObject().value("name").toString();
        QCOMPARE(names, columns);
        QCOMPARE(table.value("rows").toArray().size(), 1);
        QJsonArray cells = table.value("rows").toArray()[0].toObject().value("cells").toArray();
        cells.removeLast();
        QCOMPARE(cells, cellsWithoutAge);
        // Plain JSON when Table is not asked for; 404 stays a Status.
        RawExchange plain(*m_sandbox, path);
        QVERIFY(plain.waitForEnd());
        QCOMPARE(QJsonDocument::fromJson(plain.body).object().value("kind").toString() == QLatin1String("Table"), false);
        RawExchange missing(*m_sandbox, path + "-nope", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
        QVERIFY(missing.waitForEnd());
        QCOMPARE(missing.status, 404);
        QCOMPARE(QJsonDocument::fromJson(missing.body).object().value("kind").toString(), QStringLiteral("Status"));
    }

    void tableColumnsForWorkloads()
    {
        const ResourceCatalog catalog = ResourceCatalog::builtin();
        const QJsonObject deployment{{"metadata", QJsonObject{{"name", "web"}, {"creationTimestamp", "2026-01-01T00:00:00Z"}}},
                                     {"spec", QJsonObject{{"replicas", 3}}},
                                     {"status", QJsonObject{{"readyReplicas", 2}, {"updatedReplicas", 3}, {"availableReplicas", 1}}}};
        const QDateTime now = QDateTime::fromString("2026-01-03T05:00:00Z", Qt::ISODate);
        QJsonObject table = makeTable(*catalog.find("apps", "v1", "deployments"), {deployment}, "7", IncludeObject::Metadata, now);
        QCOMPARE(table.value("rows").toArray()[0].toObject().value("cells").toArray(), (QJsonArray{"web", "2/3", 3, 1, "2d5h"}));
        const QJsonObject service{{"metadata", QJsonObject{{"name", "svc"}}},
                                  {"spec", QJsonObject{{"type", "NodePort"}, {"clusterIP", "10.0.0.1"},
                                                       {"ports", QJsonArray{QJsonObject{{"port", 80}, {"nodePort", 30080}},
                                                                            QJsonObject{{"port", 53}, {"protocol", "UDP"}}}}}}};
        table = makeTable(*catalog.find("", "v1", "services"), {service}, "7", IncludeObject::None, now);
        QCOMPARE(table.value("rows").toArray()[0].toObject().value("cells").toArray(),
                 (QJsonArray{"svc", "NodePort", "10.0.0.1", "<none>", "80:30080/TCP,53/UDP", "<unknown>"}));
        QVERIFY(!table.value("rows").toArray()[0].toObject().contains("object"));
        const QJsonObject pod{{"metadata", QJsonObject{{"name", "p"}}},
                              {"spec", QJsonObject{{"containers", QJsonArray{QJsonObject(), QJsonObject()}}}},
                              {"status", QJsonObject{{"phase", "Running"},
                                                     {"containerStatuses", QJsonArray{QJsonObject{{"ready", true}, {"restartCount", 2}},
                                                                                      QJsonObject{{"ready", false}, {"restartCount", 1}}}}}}};
        table = makeTable(*catalog.find("", "v1", "pods"), {pod}, "7", IncludeObject::Metadata, now);
        QCOMPARE(table.value("rows").toArray()[0].toObject().value("cells").toArray(), (QJsonArray{"p", "1/2", "Running", "3", "<unknown>"}));
        QCOMPARE(humanDuration(45), QStringLiteral("45s"));
        QCOMPARE(humanDuration(5 * 60), QStringLiteral("5m"));
        QCOMPARE(humanDuration(3 * 3600), QStringLiteral("3h"));
        QCOMPARE(humanDuration(2 * 86400), QStringLiteral("2d"));
    }

    void tableWatchEvents()
    {
        RawExchange watch(*m_sandbox, "/api/v1/namespaces/demo/configmaps?watch=true&labelSelector=app%3Dx",
                          "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
        QVERIFY(watch.waitForEvents(1));
        QCOMPARE(watch.header("content-type"), QByteArray("application/json;as=Table;v=v1;g=meta.k8s.io"));
        const QJsonObject table = watch.events.first().value("object").toObject();
        QCOMPARE(watch.events.first().value("type").toString(), QStringLiteral("ADDED"));
        QCOMPARE(table.value("kind").toString(), QStringLiteral("Table"));
        QCOMPARE(table.value("rows").toArray().size(), 1);
        QCOMPARE(table.value("rows").toArray()[0].toObject().value("cells").toArray()[0].toString(), QStringLiteral("one"));
    }

    void openApiIndexAndDocuments()
    {
        RawExchange index(*m_sandbox, "/openapi/v3?timeout=32s", "application/json, */*");
        QVERIFY(index.waitForEnd());
        QCOMPARE(index.status, 200);
        QCOMPARE(index.header("content-type"), QByteArray("application/json"));
        const QJsonObject paths = QJsonDocument::fromJson(index.body).object().value("paths").toObject();
        QVERIFY(paths.contains("api/v1"));
        QVERIFY(paths.contains("apis/apps/v1"));
        const QString url = paths.value("apis/apps/v1").toObject().value("serverRelativeURL").toString();
        QVERIFY2(url.startsWith("/openapi/v3/apis/apps/v1?hash="), qPrintable(url));

        RawExchange document(*m_sandbox, url.toLatin1() + "&timeout=32s");
        QVERIFY(document.waitForEnd());
        QCOMPARE(document.status, 200);
        QCOMPARE(document.header("cache-control"), QByteArray("public, immutable"));
        QVERIFY(!document.header("etag").isEmpty());
        const QJsonObject doc = QJsonDocument::fromJson(document.body).object();
        QCOMPARE(doc.value("openapi").toString(), QStringLiteral("3.0.0"));
        // What kubectl's query-parameter verifier looks for: the PATCH operation's own
        // parameters include fieldValidation, and the operation names its GVK.
        const QJsonObject patch = doc.value("paths").toObject().value("/apis/apps/v1/namespaces/{namespace}/deployments/{name}")
                                      .toObject().value("patch").toObject();
        QCOMPARE(patch.value("x-kubernetes-group-version-kind").toObject(),
                 (QJsonObject{{"group", "apps"}, {"version", "v1"}, {"kind", "Deployment"}}));
        QStringList parameters;
        for (const QJsonValue &p : patch.value("parameters").toArray())
            parameters << p.toObject().value("name").toString();
        QVERIFY(parameters.contains("fieldValidation"));
        const QJsonObject schema = doc.value("components").toObject().value("schemas").toObject().value("io.k8s.api.apps.v1.Deployment").toObject();
        QCOMPARE(schema.value("x-kubernetes-preserve-unknown-fields").toBool(), true);

        // Revalidation and stale hashes, as kube-openapi's handler does it.
        RawExchange notModified(*m_sandbox, url.toLatin1(), "application/json", "If-None-Match: " + document.header("etag") + "\r\n");
        QVERIFY(notModified.waitForEnd());
        QCOMPARE(notModified.status, 304);
        RawExchange stale(*m_sandbox, "/openapi/v3/apis/apps/v1?hash=0123");
        QVERIFY(stale.waitForEnd());
        QCOMPARE(stale.status, 301);
        QCOMPARE(stale.header("location"), url.toLatin1());
        RawExchange core(*m_sandbox, "/openapi/v3/api/v1");
        QVERIFY(core.waitForEnd());
        QCOMPARE(core.status, 200);
        QVERIFY(QJsonDocument::fromJson(core.body).object().value("paths").toObject().contains("/api/v1/namespaces/{name}"));
        for (const QByteArray &missing : {QByteArray("/openapi/v3/apis/nope/v1"), QByteArray("/openapi/v2")}) {
            RawExchange r(*m_sandbox, missing);
            QVERIFY(r.waitForEnd());
            QCOMPARE(r.status, 404);
        }
        // kubectl 1.27/1.28 build their validator from /openapi/v2 as protobuf: a minimal document.
        RawExchange v2(*m_sandbox, "/openapi/v2", "application/com.github.proto-openapi.spec.v2@v1.0+protobuf");
        QVERIFY(v2.waitForEnd());
        QCOMPARE(v2.status, 200);
        QCOMPARE(v2.header("content-type"), QByteArray("application/com.github.proto-openapi.spec.v2.v1.0+protobuf"));
        QVERIFY(v2.body.startsWith(QByteArray("\x0a\x03" "2.0\x12", 6)));
    }

    // Keep last: restarts the sandbox.
    void expiredVersionAfterRestart()
    {
        const QString oldRv = rvOf(send("GET", "/api/v1/namespaces/demo/configmaps/one").second);
        m_sandbox.reset();
        startSandbox(); // the history starts empty: nothing before the current version is retained
        QCOMPARE(send("POST", "/api/v1/namespaces/demo/configmaps", configMap("five")).first, 201);
        RawExchange watch(*m_sandbox, "/api/v1/namespaces/demo/configmaps?watch=true&resourceVersion=" + oldRv.toLatin1());
        QVERIFY(watch.waitForEvents(1));
        QVERIFY(watch.waitForEnd());
        QCOMPARE(watch.status, 200);
        const QJsonObject event = watch.events.first();
        QCOMPARE(event.value("type").toString(), QStringLiteral("ERROR"));
        const QJsonObject status = event.value("object").toObject();
        QCOMPARE(status.value("kind").toString(), QStringLiteral("Status"));
        QCOMPARE(status.value("code").toInt(), 410);
        QCOMPARE(status.value("reason").toString(), QStringLiteral("Expired"));
    }

    // WatchHub without the network: history bound, 410, detach, finish on timeout.
    void hubHistoryAndLifetime()
    {
        Result<std::unique_ptr<ObjectStore>> store = ObjectStore::open(QString());
        QVERIFY(store.ok());
        const ResourceCatalog catalog = ResourceCatalog::builtin();
        ResourceHandlers handlers(**store, catalog);
        WatchHub hub(**store, 2);
        QVERIFY(handlers.seedDefaultNamespaces().ok()); // 4 changes: the history keeps the last 2
        const quint64 oldest = hub.oldestResumableVersion();
        QCOMPARE(oldest, (*store)->resourceVersion() - 2);
        const ResourcePath namespaces{catalog.namespaces(), {}, {}};

        FakeConnection expired(hub.watch(namespaces, watchRequest("watch=true&resourceVersion=" + QString::number(oldest - 1))).stream);
        QVERIFY(expired.finished);
        QCOMPARE(expired.events.size(), 1);
        QCOMPARE(expired.events.first().value("object").toObject().value("code").toInt(), 410);
        QCOMPARE(hub.activeWatches(), 0);

        FakeConnection resumed(hub.watch(namespaces, watchRequest("watch=true&resourceVersion=" + QString::number(oldest))).stream);
        QCOMPARE(summary(resumed.events), (QStringList{"ADDED kube-public", "ADDED kube-system"}));
        QCOMPARE(hub.activeWatches(), 1);
        resumed.stream->detach(); // the peer went away
        QCOMPARE(hub.activeWatches(), 0);

        {
            FakeConnection timed(hub.watch(namespaces, watchRequest("watch=true&timeoutSeconds=1")).stream);
            QCOMPARE(timed.events.size(), 4);
            QCOMPARE(hub.activeWatches(), 1);
            QVERIFY(QTest::qWaitFor([&] { return timed.finished; }, 3000));
            QCOMPARE(hub.activeWatches(), 0);
        }
        {
            // A stream dropped by its connection without detach() still unregisters.
            FakeConnection dropped(hub.watch(namespaces, watchRequest("watch=true")).stream);
            QCOMPARE(hub.activeWatches(), 1);
            dropped.stream.reset();
            QCOMPARE(hub.activeWatches(), 0);
        }
    }
};

QTEST_GUILESS_MAIN(TestSandboxWatch)
#include "tst_sandboxwatch.moc"
