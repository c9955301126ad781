// PATCH in the sandbox (kube-api.md §6.11, §6.12, §7, §10): the pure patch functions, the
// field-set model and the protobuf Namespace decoder from tables, then every PATCH type,
// server-side apply with managedFields ownership, conflicts, force, dryRun and protobuf
// creates over real HTTPS.

#include "sandbox/JsonPatch.h"
#include "sandbox/ManagedFields.h"
#include "sandbox/ProtobufObjects.h"
#include "sandbox/Sandbox.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSslCertificate>
#include <QTemporaryDir>
#include <QTest>

using namespace sluice;
using namespace sluice::sandbox;

namespace {

QJsonValue parse(const char *text)
{
    return QJsonDocument::fromJson(QByteArray("[") + text + "]").array().first();
}

QByteArray compact(const QJsonValue &value)
{
    const QByteArray text = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return text.mid(1, text.size() - 2);
}

struct Reply
{
    int status = 0;
    QJsonObject json;
};

// Protobuf helpers for §10 bodies.
QByteArray varint(quint64 v)
{
    QByteArray out;
    do {
        char byte = char(v & 0x7f);
        v >>= 7;
        if (v)
            byte = char(byte | 0x80);
        out += byte;
    } while (v);
    return out;
}

QByteArray field(int number, const QByteArray &bytes)
{
    return varint(quint64(number) << 3 | 2) + varint(quint64(bytes.size())) + bytes;
}

// The exact body kubectl sends for `kubectl create namespace NAME` (kube-api.md §10).
QByteArray namespaceBody(const QByteArray &name, const QByteArray &kind = "Namespace")
{
    const QByteArray meta = field(1, name) + field(2, {}) + field(3, {}) + field(4, {}) + field(5, {}) + field(6, {})
        + QByteArray("\x38\x00", 2) + field(8, {}) + field(11, field(1, "team") + field(2, "a"));
    const QByteArray ns = field(1, meta) + field(2, {}) + field(3, field(1, {}));
    return QByteArray("k8s\0", 4) + field(1, field(1, "v1") + field(2, kind)) + field(2, ns) + field(3, {}) + field(4, {});
}

QJsonObject managedEntry(const QJsonObject &object, const QString &manager)
{
    for (const QJsonValue &entry : object.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("managedFields")).toArray()) {
        if (entry.toObject().value(QStringLiteral("manager")).toString() == manager)
            return entry.toObject();
    }
    return {};
}

QJsonObject dataOf(const QJsonObject &object)
{
    return object.value(QStringLiteral("data")).toObject();
}

} // namespace

class TestSandboxPatch : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Sandbox> m_sandbox;
    QNetworkAccessManager m_nam;

    Reply request(const QByteArray &method, const QString &path, const QByteArray &body = {},
                  const QByteArray &contentType = "application/json")
    {
        QNetworkRequest req(QUrl(m_sandbox->url().toString() + path));
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates(QSslCertificate::fromData(m_sandbox->caCertificatePem()));
        req.setSslConfiguration(tls);
        req.setRawHeader("Accept", "application/json");
        req.setRawHeader("Authorization", "Bearer " + m_sandbox->token());
        req.setRawHeader("User-Agent", "sluice-test/1.0");
        if (!body.isEmpty())
            req.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
        QNetworkReply *reply = m_nam.sendCustomRequest(req, method, body);
        QEventLoop loop;
        connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        Reply r{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), QJsonDocument::fromJson(reply->readAll()).object()};
        reply->deleteLater();
        return r;
    }

    Reply apply(const QString &path, const QByteArray &body, const QString &query)
    {
        return request("PATCH", path + QLatin1Char('?') + query, body, "application/apply-patch+yaml");
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        SandboxOptions options;
        options.dataDir = m_dir.filePath(QStringLiteral("data"));
        options.kubeconfigPath = m_dir.filePath(QStringLiteral("kubeconfig"));
        m_sandbox = std::make_unique<Sandbox>(options);
        const Status started = m_sandbox->start();
        QVERIFY2(started.ok(), started.ok() ? "" : qPrintable(started.error().toString()));
        QCOMPARE(request("POST", QStringLiteral("/api/v1/namespaces"),
                         R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"demo"}})").status, 201);
    }

    void mergePatch_data()
    {
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<QByteArray>("patch");
        QTest::addColumn<QByteArray>("expected");
        // RFC 7386 appendix A.
        QTest::newRow("replace") << QByteArray(R"({"a":"b"})") << QByteArray(R"({"a":"c"})") << QByteArray(R"({"a":"c"})");
        QTest::newRow("add") << QByteArray(R"({"a":"b"})") << QByteArray(R"({"b":"c"})") << QByteArray(R"({"a":"b","b":"c"})");
        QTest::newRow("delete") << QByteArray(R"({"a":"b","b":"c"})") << QByteArray(R"({"a":null})") << QByteArray(R"({"b":"c"})");
        QTest::newRow("list replaced") << QByteArray(R"({"a":[{"b":"c"}]})") << QByteArray(R"({"a":[1]})") << QByteArray(R"({"a":[1]})");
        QTest::newRow("nested") << QByteArray(R"({"a":{"b":"c","d":1}})") << QByteArray(R"({"a":{"b":"d","d":null}})") << QByteArray(R"({"a":{"b":"d"}})");
        QTest::newRow("scalar to object") << QByteArray(R"({"a":"x"})") << QByteArray(R"({"a":{"b":null,"c":1}})") << QByteArray(R"({"a":{"c":1}})");
        QTest::newRow("non-object patch") << QByteArray(R"({"a":"b"})") << QByteArray(R"(["c"])") << QByteArray(R"(["c"])");
    }

    void mergePatch()
    {
        QFETCH(QByteArray, target);
        QFETCH(QByteArray, patch);
        QFETCH(QByteArray, expected);
        QCOMPARE(compact(applyMergePatch(parse(target), parse(patch))), compact(parse(expected)));
    }

    void jsonPatch_data()
    {
        QTest::addColumn<QByteArray>("patch");
        QTest::addColumn<QByteArray>("expected"); // result, or empty for an error
        QTest::addColumn<int>("errorCode");
        const auto row = [](const char *name, const char *patch, const char *expected, int code = 0) {
            QTest::newRow(name) << QByteArray(patch) << QByteArray(expected) << code;
        };
        // Target: {"a":{"b":1},"l":[1,2],"k/~":3}
        row("add member", R"([{"op":"add","path":"/a/c","value":2}])", R"({"a":{"b":1,"c":2},"k/~":3,"l":[1,2]})");
        row("add append", R"([{"op":"add","path":"/l/-","value":3}])", R"({"a":{"b":1},"k/~":3,"l":[1,2,3]})");
        row("add insert", R"([{"op":"add","path":"/l/0","value":0}])", R"({"a":{"b":1},"k/~":3,"l":[0,1,2]})");
        row("remove", R"([{"op":"remove","path":"/a/b"}])", R"({"a":{},"k/~":3,"l":[1,2]})");
        row("remove escaped", R"([{"op":"remove","path":"/k~1~0"}])", R"({"a":{"b":1},"l":[1,2]})");
        row("replace", R"([{"op":"replace","path":"/l/1","value":9}])", R"({"a":{"b":1},"k/~":3,"l":[1,9]})");
        row("move", R"([{"op":"move","from":"/a/b","path":"/x"}])", R"({"a":{},"k/~":3,"l":[1,2],"x":1})");
        row("copy", R"([{"op":"copy","from":"/l","path":"/m"}])", R"({"a":{"b":1},"k/~":3,"l":[1,2],"m":[1,2]})");
        row("test ok", R"([{"op":"test","path":"/a","value":{"b":1}}])", R"({"a":{"b":1},"k/~":3,"l":[1,2]})");
        row("test fails", R"([{"op":"test","path":"/a/b","value":2}])", "", 422);
        row("all or nothing", R"([{"op":"add","path":"/z","value":1},{"op":"test","path":"/z","value":2}])", "", 422);
        row("remove missing", R"([{"op":"remove","path":"/nope"}])", "", 422);
        row("replace missing", R"([{"op":"replace","path":"/nope","value":1}])", "", 422);
        row("index out of range", R"([{"op":"add","path":"/l/5","value":1}])", "", 422);
        row("leading zero", R"([{"op":"replace","path":"/l/01","value":1}])", "", 422);
        row("move into itself", R"([{"op":"move","from":"/a","path":"/a/b/c"}])", "", 422);
        row("unknown op", R"([{"op":"frob","path":"/a"}])", "", 400);
        row("missing value", R"([{"op":"add","path":"/a"}])", "", 400);
        row("bad pointer", R"([{"op":"add","path":"a","value":1}])", "", 400);
        row("not an array", R"({"op":"add"})", "", 400);
    }

    void jsonPatch()
    {
        QFETCH(QByteArray, patch);
        QFETCH(QByteArray, expected);
        QFETCH(int, errorCode);
        const Result<QJsonValue> result = applyJsonPatch(parse(R"({"a":{"b":1},"l":[1,2],"k/~":3})"), parse(patch));
        if (errorCode) {
            QVERIFY(!result.ok());
            QCOMPARE(result.error().code, errorCode);
        } else {
            QVERIFY2(result.ok(), result.ok() ? "" : qPrintable(result.error().message));
            QCOMPARE(compact(*result), compact(parse(expected)));
        }
    }

    void strategicMerge_data()
    {
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<QByteArray>("patch");
        QTest::addColumn<QByteArray>("expected");
        const QByteArray pod = R"({"spec":{"containers":[{"name":"a","image":"a:1","env":[{"name":"X","value":"1"}]},{"name":"b","image":"b:1"}]}})";
        QTest::newRow("merge containers by name") << pod
            << QByteArray(R"({"spec":{"$setElementOrder/containers":[{"name":"a"},{"name":"b"}],"containers":[{"name":"b","image":"b:2"}]}})")
            << QByteArray(R"({"spec":{"containers":[{"env":[{"name":"X","value":"1"}],"image":"a:1","name":"a"},{"image":"b:2","name":"b"}]}})");
        QTest::newRow("append new container") << pod << QByteArray(R"({"spec":{"containers":[{"name":"c","image":"c:1"}]}})")
            << QByteArray(R"({"spec":{"containers":[{"env":[{"name":"X","value":"1"}],"image":"a:1","name":"a"},{"image":"b:1","name":"b"},{"image":"c:1","name":"c"}]}})");
        QTest::newRow("delete directive") << pod << QByteArray(R"({"spec":{"containers":[{"$patch":"delete","name":"a"}]}})")
            << QByteArray(R"({"spec":{"containers":[{"image":"b:1","name":"b"}]}})");
        QTest::newRow("nested env merge") << pod << QByteArray(R"({"spec":{"containers":[{"name":"a","env":[{"name":"Y","value":"2"}]}]}})")
            << QByteArray(R"({"spec":{"containers":[{"env":[{"name":"X","value":"1"},{"name":"Y","value":"2"}],"image":"a:1","name":"a"},{"image":"b:1","name":"b"}]}})");
        QTest::newRow("list replace directive") << pod << QByteArray(R"({"spec":{"containers":[{"$patch":"replace"},{"name":"z","image":"z"}]}})")
            << QByteArray(R"({"spec":{"containers":[{"image":"z","name":"z"}]}})");
        QTest::newRow("map replace directive") << QByteArray(R"({"data":{"a":"1","b":"2"}})") << QByteArray(R"({"data":{"$patch":"replace","c":"3"}})")
            << QByteArray(R"({"data":{"c":"3"}})");
        QTest::newRow("map delete directive") << QByteArray(R"({"data":{"a":"1"},"x":1})") << QByteArray(R"({"data":{"$patch":"delete"}})")
            << QByteArray(R"({"x":1})");
        QTest::newRow("null deletes") << QByteArray(R"({"data":{"key1":"a","key2":"b"}})") << QByteArray(R"({"data":{"key1":null}})")
            << QByteArray(R"({"data":{"key2":"b"}})");
        QTest::newRow("other lists replace") << QByteArray(R"({"spec":{"args":["a","b"]}})") << QByteArray(R"({"spec":{"args":["c"]}})")
            << QByteArray(R"({"spec":{"args":["c"]}})");
        QTest::newRow("ports by containerPort") << QByteArray(R"({"ports":[{"containerPort":80,"name":"http"}]})")
            << QByteArray(R"({"ports":[{"containerPort":80,"name":"web"},{"containerPort":443}]})")
            << QByteArray(R"({"ports":[{"containerPort":80,"name":"web"},{"containerPort":443}]})");
        QTest::newRow("deleteFromPrimitiveList") << QByteArray(R"({"finalizers":["a","b"]})")
            << QByteArray(R"({"$deleteFromPrimitiveList/finalizers":["a"]})") << QByteArray(R"({"finalizers":["b"]})");
        QTest::newRow("retainKeys") << QByteArray(R"({"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}}})")
            << QByteArray(R"({"strategy":{"$retainKeys":["type"],"type":"Recreate"}})") << QByteArray(R"({"strategy":{"type":"Recreate"}})");
    }

    void strategicMerge()
    {
        QFETCH(QByteArray, target);
        QFETCH(QByteArray, patch);
        QFETCH(QByteArray, expected);
        const Result<QJsonObject> result = applyStrategicMergePatch(parse(target).toObject(), parse(patch).toObject());
        QVERIFY(result.ok());
        QCOMPARE(compact(*result), compact(parse(expected)));
    }

    void fieldSets()
    {
        // The Deployment example of kube-api.md §7.1 (selector atomic, as a real server does).
        const QJsonObject deployment = parse(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"demo"},
            "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},
            "spec":{"containers":[{"name":"nginx","image":"nginx:1.25","ports":[{"containerPort":80}]}]}}}})").toObject();
        const FieldSet set = fieldSetOf(deployment);
        QCOMPARE(compact(toFieldsV1(set)),
                 QByteArray("{\"f:spec\":{\"f:replicas\":{},\"f:selector\":{},\"f:template\":{\"f:metadata\":{\"f:labels\":{\"f:app\":{}}},"
                            "\"f:spec\":{\"f:containers\":{\"k:{\\\"name\\\":\\\"nginx\\\"}\":{\".\":{},\"f:image\":{},\"f:name\":{},"
                            "\"f:ports\":{\"k:{\\\"containerPort\\\":80,\\\"protocol\\\":\\\"TCP\\\"}\":{\".\":{},\"f:containerPort\":{}}}}}}}}}"));
        QVERIFY(fromFieldsV1(toFieldsV1(set)) == set);
        const FieldPath image{QStringLiteral("f:spec"), QStringLiteral("f:template"), QStringLiteral("f:spec"), QStringLiteral("f:containers"),
                              QStringLiteral("k:{\"name\":\"nginx\"}"), QStringLiteral("f:image")};
        QVERIFY(set.count(image));
        QCOMPARE(pathString(image), QStringLiteral(".spec.template.spec.containers[name=\"nginx\"].image"));
        QCOMPARE(valueAtPath(deployment, image).value_or(QJsonValue()).toString(), QStringLiteral("nginx:1.25"));
        QCOMPARE(pathString({QStringLiteral("f:spec"), QStringLiteral("f:ports"), QStringLiteral("k:{\"port\":80,\"protocol\":\"TCP\"}")}),
                 QStringLiteral(".spec.ports[port=80,protocol=\"TCP\"]"));
        QCOMPARE(pathString({QStringLiteral("f:metadata"), QStringLiteral("f:finalizers"), QStringLiteral("v:\"x\"")}),
                 QStringLiteral(".metadata.finalizers[=\"x\"]"));
        QJsonObject removed = deployment;
        QVERIFY(removePath(removed, image));
        QVERIFY(!valueAtPath(removed, image));
        QVERIFY(!removePath(removed, image));
    }

    void protobufNamespace_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("errorCode");
        QTest::newRow("kubectl create namespace") << namespaceBody("demo") << 0;
        QTest::newRow("other kind") << namespaceBody("demo", "Pod") << 415;
        QTest::newRow("no magic") << namespaceBody("demo").mid(4) << 400;
        QTest::newRow("truncated") << namespaceBody("demo").left(20) << 400;
        QTest::newRow("length past end") << QByteArray("k8s\0\x12\xff\xff\xff\xff\x0f", 10) << 400;
        QTest::newRow("overlong varint") << QByteArray("k8s\0\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 16) << 400;
        QTest::newRow("wire type 3") << QByteArray("k8s\0\x0b", 5) << 400;
        QTest::newRow("typeMeta as varint") << QByteArray("k8s\0\x08\x01", 6) << 400;
    }

    void protobufNamespace()
    {
        QFETCH(QByteArray, body);
        QFETCH(int, errorCode);
        const Result<QJsonObject> decoded = decodeProtobufObject(body);
        if (errorCode) {
            QVERIFY(!decoded.ok());
            QCOMPARE(decoded.error().code, errorCode);
            return;
        }
        QVERIFY(decoded.ok());
        QCOMPARE(compact(*decoded), QByteArray(R"({"apiVersion":"v1","kind":"Namespace","metadata":{"labels":{"team":"a"},"name":"demo"}})"));
    }

    void protobufCreate()
    {
        Reply r = request("POST", QStringLiteral("/api/v1/namespaces?fieldManager=kubectl-create"), namespaceBody("proto"),
                          "application/vnd.kubernetes.protobuf");
        QCOMPARE(r.status, 201);
        QCOMPARE(r.json.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("labels")).toObject().value(QStringLiteral("team")).toString(),
                 QStringLiteral("a"));
        QCOMPARE(managedEntry(r.json, QStringLiteral("kubectl-create")).value(QStringLiteral("operation")).toString(), QStringLiteral("Update"));
        r = request("POST", QStringLiteral("/api/v1/namespaces"), namespaceBody("proto2", "Pod"), "application/vnd.kubernetes.protobuf");
        QCOMPARE(r.status, 415);
        QCOMPARE(r.json.value(QStringLiteral("reason")).toString(), QStringLiteral("UnsupportedMediaType"));
    }

    void patchTypes_data()
    {
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<QByteArray>("patch");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("data"); // expected .data after the patch
        const QByteArray merge = "application/merge-patch+json";
        const QByteArray json = "application/json-patch+json";
        const QByteArray smp = "application/strategic-merge-patch+json";
        QTest::newRow("merge") << merge << QByteArray(R"({"data":{"k":null,"n":"1"}})") << 200 << QByteArray(R"({"n":"1"})");
        QTest::newRow("json") << json << QByteArray(R"([{"op":"test","path":"/data/k","value":"v"},{"op":"replace","path":"/data/k","value":"w"}])")
                              << 200 << QByteArray(R"({"k":"w"})");
        QTest::newRow("json test fails") << json << QByteArray(R"([{"op":"test","path":"/data/k","value":"nope"}])") << 422 << QByteArray(R"({"k":"v"})");
        QTest::newRow("strategic") << smp << QByteArray(R"({"data":{"k2":"x"}})") << 200 << QByteArray(R"({"k":"v","k2":"x"})");
        QTest::newRow("stale resourceVersion") << merge << QByteArray(R"({"metadata":{"resourceVersion":"1"},"data":{"k":"z"}})") << 409
                                               << QByteArray(R"({"k":"v"})");
        QTest::newRow("rename refused") << merge << QByteArray(R"({"metadata":{"name":"other"}})") << 400 << QByteArray(R"({"k":"v"})");
        QTest::newRow("kind change refused") << json << QByteArray(R"([{"op":"replace","path":"/kind","value":"Secret"}])") << 400 << QByteArray(R"({"k":"v"})");
        QTest::newRow("bad json") << merge << QByteArray("{") << 400 << QByteArray(R"({"k":"v"})");
        QTest::newRow("unknown type") << QByteArray("text/plain") << QByteArray("x") << 415 << QByteArray(R"({"k":"v"})");
    }

    void patchTypes()
    {
        QFETCH(QByteArray, contentType);
        QFETCH(QByteArray, patch);
        QFETCH(int, status);
        QFETCH(QByteArray, data);
        const QString item = QStringLiteral("/api/v1/namespaces/demo/configmaps/pt");
        request("DELETE", item);
        const Reply created = request("POST", QStringLiteral("/api/v1/namespaces/demo/configmaps"),
                                      R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"pt"},"data":{"k":"v"}})");
        QCOMPARE(created.status, 201);
        // No fieldManager: the User-Agent's product name (kube-api.md §7.3).
        QCOMPARE(compact(managedEntry(created.json, QStringLiteral("sluice-test")).value(QStringLiteral("fieldsV1"))), QByteArray(R"({"f:data":{"f:k":{}}})"));
        const Reply r = request("PATCH", item + QStringLiteral("?fieldManager=kubectl-patch"), patch, contentType);
        QCOMPARE(r.status, status);
        if (status != 200)
            QCOMPARE(r.json.value(QStringLiteral("kind")).toString(), QStringLiteral("Status"));
        const Reply after = request("GET", item);
        QCOMPARE(compact(dataOf(after.json)), compact(parse(data)));
        if (status == 200) {
            QCOMPARE(managedEntry(after.json, QStringLiteral("kubectl-patch")).value(QStringLiteral("operation")).toString(), QStringLiteral("Update"));
        }
        QCOMPARE(request("PATCH", QStringLiteral("/api/v1/namespaces/demo/configmaps/missing"), R"({"data":{}})", "application/merge-patch+json").status, 404);
    }

    // kube-api.md §7.4–7.6: create, update, conflict, force, removal, dryRun.
    void serverSideApply()
    {
        const QString item = QStringLiteral("/api/v1/namespaces/demo/configmaps/ssa");
        const QString query = QStringLiteral("fieldManager=kubectl&fieldValidation=Strict&force=false");
        QCOMPARE(apply(item, R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"ssa"},"data":{"a":"1"}})", QStringLiteral("force=false")).status, 400);
        QCOMPARE(apply(QStringLiteral("/api/v1/namespaces/nons/configmaps/ssa"),
                       R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"ssa"}})", query).status, 404);
        QCOMPARE(apply(item, "- not\n- a mapping\n", query).status, 400);
        QCOMPARE(apply(item, R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"ssa","managedFields":[{}]}})", query).status, 400);
        // A JSON body is read as JSON, and still refused as YAML would refuse it: a key given twice.
        Reply twice = apply(item, R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"ssa"},"data":{"a":"1","a":"2"}})", query);
        QCOMPARE(twice.status, 400);
        QVERIFY2(twice.json.value(QStringLiteral("message")).toString().contains(QStringLiteral("duplicate key \"a\"")),
                 qPrintable(twice.json.value(QStringLiteral("message")).toString()));
        QCOMPARE(request("GET", item).status, 404);
        // Text beyond ASCII in a JSON body (the YAML reader reads it) and a body with a fraction.
        Reply accented = apply(QStringLiteral("/api/v1/namespaces/demo/configmaps/ssa-utf8"),
                               R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"ssa-utf8"},"data":{"city":"Zürich","ratio":"0.5"}})", query);
        QCOMPARE(accented.status, 201);
        QCOMPARE(accented.json.value(QStringLiteral("data")).toObject().value(QStringLiteral("city")).toString(), QStringLiteral("Zürich"));

        // dryRun create: 201, resourceVersion "", nothing stored.
        Reply r = apply(item, R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"ssa"},"data":{"a":"1"}})", query + QStringLiteral("&dryRun=All"));
        QCOMPARE(r.status, 201);
        QCOMPARE(r.json.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("resourceVersion")).toString(), QString());
        QCOMPARE(request("GET", item).status, 404);

        // Create from YAML.
        r = apply(item, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\n  labels:\n    app: demo\ndata:\n  a: \"1\"\n  b: \"2\"\n", query);
        QCOMPARE(r.status, 201);
        QJsonObject entry = managedEntry(r.json, QStringLiteral("kubectl"));
        QCOMPARE(entry.value(QStringLiteral("operation")).toString(), QStringLiteral("Apply"));
        QCOMPARE(entry.value(QStringLiteral("fieldsType")).toString(), QStringLiteral("FieldsV1"));
        QCOMPARE(compact(entry.value(QStringLiteral("fieldsV1"))), QByteArray(R"({"f:data":{"f:a":{},"f:b":{}},"f:metadata":{"f:labels":{"f:app":{}}}})"));
        // Keyed list items (their key as JSON in the element name, "." for the item itself),
        // set lists by value, atomic selectors.
        const Reply web = apply(QStringLiteral("/apis/apps/v1/namespaces/demo/deployments/ssa-web"),
                                R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"ssa-web","finalizers":["example.com/keep"]},)"
                                R"("spec":{"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},)"
                                R"("spec":{"containers":[{"name":"main","image":"nginx","ports":[{"containerPort":80}],"env":[{"name":"A","value":"1"}]}]}}}})",
                                query);
        QCOMPARE(web.status, 201);
        // (' stands for an escaped quote inside an element name.)
        const QByteArray webFields = QByteArray(R"({"f:metadata":{"f:finalizers":{"v:'example.com/keep'":{}}},"f:spec":{"f:selector":{},"f:template":{)"
                                                R"("f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{'name':'main'}":{".":{},)"
                                                R"("f:env":{"k:{'name':'A'}":{".":{},"f:name":{},"f:value":{}}},"f:image":{},"f:name":{},)"
                                                R"("f:ports":{"k:{'containerPort':80,'protocol':'TCP'}":{".":{},"f:containerPort":{}}}}}}}}})")
                                         .replace('\'', "\\\"");
        QCOMPARE(compact(managedEntry(web.json, QStringLiteral("kubectl")).value(QStringLiteral("fieldsV1"))), webFields);

        // The same apply again is a no-op: same resourceVersion.
        const QString rv = r.json.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("resourceVersion")).toString();
        r = apply(item, R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"labels":{"app":"demo"},"name":"ssa"},"data":{"a":"1","b":"2"}})", query);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("resourceVersion")).toString(), rv);

        // Another manager changes a.
        QCOMPARE(request("PATCH", item + QStringLiteral("?fieldManager=kubectl-patch"), R"({"data":{"a":"patched"}})",
                         "application/strategic-merge-patch+json").status, 200);
        r = request("GET", item);
        QCOMPARE(compact(managedEntry(r.json, QStringLiteral("kubectl-patch")).value(QStringLiteral("fieldsV1"))), QByteArray(R"({"f:data":{"f:a":{}}})"));
        QCOMPARE(compact(managedEntry(r.json, QStringLiteral("kubectl")).value(QStringLiteral("fieldsV1"))),
                 QByteArray(R"({"f:data":{"f:b":{}},"f:metadata":{"f:labels":{"f:app":{}}}})"));

        // Applying a=1 again conflicts (dryRun too), and changes nothing.
        const QByteArray again = R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"labels":{"app":"demo"},"name":"ssa"},"data":{"a":"1","b":"2"}})";
        for (const QString &q : {query + QStringLiteral("&dryRun=All"), query}) {
            r = apply(item, again, q);
            QCOMPARE(r.status, 409);
            QCOMPARE(r.json.value(QStringLiteral("reason")).toString(), QStringLiteral("Conflict"));
            QCOMPARE(r.json.value(QStringLiteral("message")).toString(),
                     QStringLiteral("Apply failed with 1 conflict: conflict with \"kubectl-patch\" using v1: .data.a"));
            const QJsonObject cause = r.json.value(QStringLiteral("details")).toObject().value(QStringLiteral("causes")).toArray().first().toObject();
            QCOMPARE(cause.value(QStringLiteral("reason")).toString(), QStringLiteral("FieldManagerConflict"));
            QCOMPARE(cause.value(QStringLiteral("field")).toString(), QStringLiteral(".data.a"));
            QCOMPARE(cause.value(QStringLiteral("message")).toString(), QStringLiteral("conflict with \"kubectl-patch\" using v1"));
        }
        QCOMPARE(dataOf(request("GET", item).json).value(QStringLiteral("a")).toString(), QStringLiteral("patched"));

        // Same value as the other owner: shared, no conflict. Force: ownership moves.
        r = apply(item, again, QString(query).replace(QStringLiteral("force=false"), QStringLiteral("force=true")));
        QCOMPARE(r.status, 200);
        QCOMPARE(dataOf(r.json).value(QStringLiteral("a")).toString(), QStringLiteral("1"));
        QVERIFY(managedEntry(r.json, QStringLiteral("kubectl-patch")).isEmpty());
        QCOMPARE(compact(managedEntry(r.json, QStringLiteral("kubectl")).value(QStringLiteral("fieldsV1"))),
                 QByteArray(R"({"f:data":{"f:a":{},"f:b":{}},"f:metadata":{"f:labels":{"f:app":{}}}})"));

        // Fields no longer applied are removed, unless someone else owns them.
        QCOMPARE(request("PATCH", item + QStringLiteral("?fieldManager=kubectl-label"), R"({"metadata":{"labels":{"team":"x"}}})",
                         "application/merge-patch+json").status, 200);
        QCOMPARE(apply(item, R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"ssa","labels":{"team":"x"}},"data":{"a":"1"}})", query).status, 200);
        r = apply(item, R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"ssa"},"data":{"a":"1"}})", query);
        QCOMPARE(r.status, 200);
        QCOMPARE(compact(dataOf(r.json)), QByteArray(R"({"a":"1"})"));
        QCOMPARE(compact(r.json.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("labels"))), QByteArray(R"({"team":"x"})"));

        // A second Apply manager with a different value conflicts without "using".
        r = apply(item, R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"ssa"},"data":{"a":"2","c":"3"}})",
                  QStringLiteral("fieldManager=other"));
        QCOMPARE(r.status, 409);
        QCOMPARE(r.json.value(QStringLiteral("message")).toString(), QStringLiteral("Apply failed with 1 conflict: conflict with \"kubectl\": .data.a"));
    }

    // A list item another manager created is shared, not owned: an apply that adds a field to
    // it (here a container's resources) does not conflict, and both managers keep their fields.
    void applyToAnotherManagersListItem()
    {
        const QString item = QStringLiteral("/apis/apps/v1/namespaces/demo/deployments/shared");
        const auto deployment = [](const QByteArray &container) {
            return R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"shared"},"spec":{"selector":{"matchLabels":{"app":"s"}},)"
                   R"("template":{"metadata":{"labels":{"app":"s"}},"spec":{"containers":[)" + container + "]}}}}";
        };
        QCOMPARE(apply(item, deployment(R"({"name":"app","image":"nginx:1"})"), QStringLiteral("fieldManager=first")).status, 201);
        const Reply r = apply(item, R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"shared"},"spec":{"template":{"spec":{"containers":[)"
                                    R"({"name":"app","resources":{"limits":{"cpu":"1"}}}]}}}})",
                              QStringLiteral("fieldManager=second"));
        QCOMPARE(r.status, 200);
        const QJsonObject container = r.json["spec"]["template"]["spec"]["containers"][0].toObject();
        QCOMPARE(container.value("image").toString(), QStringLiteral("nginx:1"));
        QCOMPARE(container["resources"]["limits"]["cpu"].toString(), QStringLiteral("1"));
        QVERIFY(!managedEntry(r.json, QStringLiteral("first")).isEmpty());
        QVERIFY(!managedEntry(r.json, QStringLiteral("second")).isEmpty());
    }

    void generationAndDryRun()
    {
        const QString item = QStringLiteral("/apis/apps/v1/namespaces/demo/deployments/web");
        const QString query = QStringLiteral("fieldManager=kubectl&force=false");
        const QByteArray deployment = R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":%1,
            "selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},
            "spec":{"containers":[{"name":"nginx","image":"nginx:1.25","ports":[{"containerPort":80}]}]}}}})";
        Reply r = apply(item, QByteArray(deployment).replace("%1", "2"), query);
        QCOMPARE(r.status, 201);
        QCOMPARE(r.json.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("generation")).toInt(), 1);
        r = apply(item, QByteArray(deployment).replace("%1", "3"), query + QStringLiteral("&dryRun=All"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value(QStringLiteral("spec")).toObject().value(QStringLiteral("replicas")).toInt(), 3);
        r = request("GET", item);
        QCOMPARE(r.json.value(QStringLiteral("spec")).toObject().value(QStringLiteral("replicas")).toInt(), 2);
        QCOMPARE(r.json.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("generation")).toInt(), 1);
        r = request("PATCH", item + QStringLiteral("?fieldManager=kubectl-patch"),
                    R"({"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.26"}]}}}})", "application/strategic-merge-patch+json");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("generation")).toInt(), 2);
        const QJsonObject container = r.json.value(QStringLiteral("spec")).toObject().value(QStringLiteral("template")).toObject()
                                          .value(QStringLiteral("spec")).toObject().value(QStringLiteral("containers")).toArray().first().toObject();
        QCOMPARE(container.value(QStringLiteral("image")).toString(), QStringLiteral("nginx:1.26"));
        QCOMPARE(container.value(QStringLiteral("ports")).toArray().size(), 1);
        r = request("PATCH", item + QStringLiteral("?dryRun=All"), R"({"spec":{"replicas":7}})", "application/merge-patch+json");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value(QStringLiteral("spec")).toObject().value(QStringLiteral("replicas")).toInt(), 7);
        QCOMPARE(r.json.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("generation")).toInt(), 3);
        QCOMPARE(request("GET", item).json.value(QStringLiteral("spec")).toObject().value(QStringLiteral("replicas")).toInt(), 2);
        r = request("PATCH", item + QStringLiteral("?fieldManager=kubectl-label"), R"({"metadata":{"labels":{"x":"y"}}})", "application/merge-patch+json");
        QCOMPARE(r.json.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("generation")).toInt(), 2);
        r = apply(item, QByteArray(deployment).replace("%1", "2"), query);
        QCOMPARE(r.status, 409);
        QCOMPARE(r.json.value(QStringLiteral("message")).toString(),
                 QStringLiteral("Apply failed with 1 conflict: conflict with \"kubectl-patch\" using apps/v1: "
                                ".spec.template.spec.containers[name=\"nginx\"].image"));
    }

    // kube-api.md §7.4 step 3.3 and §7.7: the first server-side apply after a client-side one.
    void lastAppliedExemption()
    {
        const QByteArray lastApplied = R"({"apiVersion":"v1","data":{"a":"1"},"kind":"ConfigMap","metadata":{"name":"csa","namespace":"demo"}})";
        const QJsonObject annotations{{QStringLiteral("kubectl.kubernetes.io/last-applied-configuration"), QString::fromUtf8(lastApplied + '\n')}};
        QJsonObject object = parse(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"csa"},"data":{"a":"1"}})").toObject();
        object.insert(QStringLiteral("metadata"), QJsonObject{{QStringLiteral("name"), QStringLiteral("csa")}, {QStringLiteral("annotations"), annotations}});
        const QByteArray created = QJsonDocument(object).toJson(QJsonDocument::Compact);
        QCOMPARE(request("POST", QStringLiteral("/api/v1/namespaces/demo/configmaps?fieldManager=kubectl-client-side-apply"), created).status, 201);
        const QString item = QStringLiteral("/api/v1/namespaces/demo/configmaps/csa");
        const QByteArray applied = R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"csa"},"data":{"a":"2"}})";
        QCOMPARE(apply(item, applied, QStringLiteral("fieldManager=someone-else")).status, 409);
        Reply r = apply(item, applied, QStringLiteral("fieldManager=kubectl&force=false"));
        QCOMPARE(r.status, 200);
        QCOMPARE(dataOf(r.json).value(QStringLiteral("a")).toString(), QStringLiteral("2"));
        QVERIFY(r.json.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("annotations")).toObject()
                    .value(QStringLiteral("kubectl.kubernetes.io/last-applied-configuration")).toString().contains(QStringLiteral("\"a\":\"2\"")));

        // §7.7 step 3: a JSON patch that rewrites managedFields with a resourceVersion precondition.
        const QString rv = r.json.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("resourceVersion")).toString();
        const QByteArray migrate = R"([{"op":"replace","path":"/metadata/managedFields","value":[{"manager":"kubectl","operation":"Apply",
            "apiVersion":"v1","time":"2026-11-26T03:21:55Z","fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:a":{}}}}]},
            {"op":"replace","path":"/metadata/resourceVersion","value":"%1"}])";
        QCOMPARE(request("PATCH", item + QStringLiteral("?fieldManager=kubectl"), QByteArray(migrate).replace("%1", "1"), "application/json-patch+json").status, 409);
        r = request("PATCH", item + QStringLiteral("?fieldManager=kubectl"), QByteArray(migrate).replace("%1", rv.toUtf8()), "application/json-patch+json");
        QCOMPARE(r.status, 200);
        const QJsonArray managed = r.json.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("managedFields")).toArray();
        QCOMPARE(managed.size(), 1);
        QCOMPARE(managed.first().toObject().value(QStringLiteral("manager")).toString(), QStringLiteral("kubectl"));
    }
};

QTEST_GUILESS_MAIN(TestSandboxPatch)
#include "tst_sandboxpatch.moc"
