// The sandbox under bad input, over real HTTPS and with the real kubectl as a peer: a field of
// the wrong JSON type (or bad base64) is rejected on create, replace, every patch type and
// server-side apply, worded as the API server's decoder words it, and nothing is written; a
// DELETE whose options do not decode deletes nothing; a Secret's stringData is stored as data;
// malformed labelSelector and resourceVersion query parameters are 400; label selectors follow
// upstream's grammar and error texts. Fails (never skips) when kubectl is missing.

#include "SandboxTestClient.h"

#include "sandbox/LabelSelector.h"
#include "sandbox/Sandbox.h"

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTimer>

using namespace sluice;
using namespace sluice::sandbox;
using namespace sluice::sandbox::test;

namespace {

const QString kConfigMaps = QStringLiteral("/api/v1/namespaces/default/configmaps");
const QString kSecrets = QStringLiteral("/api/v1/namespaces/default/secrets");
const QString kDeployments = QStringLiteral("/apis/apps/v1/namespaces/default/deployments");

QByteArray json(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// A core v1 object `kind` named `name` with `fields` (and `metadata` fields) merged in.
QJsonObject coreObject(const QString &kind, const QString &name, const QJsonObject &fields = {}, const QJsonObject &metadata = {})
{
    QJsonObject meta = metadata;
    if (!meta.contains(QStringLiteral("name")))
        meta.insert(QStringLiteral("name"), name);
    QJsonObject object{{"apiVersion", "v1"}, {"kind", kind}, {"metadata", meta}};
    for (auto it = fields.begin(); it != fields.end(); ++it)
        object.insert(it.key(), it.value());
    return object;
}

QJsonObject deployment(const QString &name, const QJsonObject &templateLabels)
{
    return QJsonObject{
        {"apiVersion", "apps/v1"},
        {"kind", "Deployment"},
        {"metadata", QJsonObject{{"name", name}}},
        {"spec", QJsonObject{{"selector", QJsonObject{{"matchLabels", QJsonObject{{"app", name}}}}},
                             {"template", QJsonObject{{"metadata", QJsonObject{{"labels", templateLabels}}},
                                                      {"spec", QJsonObject{{"containers", QJsonArray{QJsonObject{{"name", "c"}, {"image", "nginx"}}}}}}}}}}};
}

QString base64(const char *text)
{
    return QString::fromLatin1(QByteArray(text).toBase64());
}

QString resourceVersionOf(const QJsonObject &object)
{
    return object.value("metadata").toObject().value("resourceVersion").toString();
}

// `message` is `expected`, where one `*` in `expected` stands for any text.
bool messageMatches(const QString &message, const QString &expected)
{
    const qsizetype star = expected.indexOf(QLatin1Char('*'));
    if (star < 0)
        return message == expected;
    return message.startsWith(expected.left(star)) && message.endsWith(expected.mid(star + 1));
}

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

} // namespace

class TestSandboxValidation : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Sandbox> m_sandbox;
    SandboxClient m_client;

    // `body` sent as is (a JSON patch is an array; a broken body is not JSON at all).
    Reply send(const QByteArray &method, const QString &path, const QByteArray &body, const QByteArray &contentType = "application/json")
    {
        QNetworkRequest req = m_client.makeRequest(path, "application/json");
        if (!body.isEmpty())
            req.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
        QNetworkReply *reply = m_client.nam().sendCustomRequest(req, method, body);
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        Reply r;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r.body = reply->readAll();
        r.json = QJsonDocument::fromJson(r.body).object();
        reply->deleteLater();
        return r;
    }

    // The store's resourceVersion: it moves with every write.
    QString storeVersion() { return resourceVersionOf(m_client.request("GET", kConfigMaps).json); }

    // kubectl against the in-process sandbox; the event loop runs (the sandbox serves) meanwhile.
    Run kubectl(const QStringList &args)
    {
        QProcess process;
        process.start(QStringLiteral("kubectl"), QStringList{QStringLiteral("--kubeconfig"), m_dir.filePath(QStringLiteral("kubeconfig")),
                                                             QStringLiteral("--cache-dir"), m_dir.filePath(QStringLiteral("cache"))}
                                                     + args);
        if (!process.waitForStarted(10000))
            return Run{-1, {}, QStringLiteral("kubectl did not start: ") + process.errorString()};
        QEventLoop loop;
        connect(&process, &QProcess::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(60000, &loop, &QEventLoop::quit);
        if (process.state() != QProcess::NotRunning)
            loop.exec();
        const Run run{process.state() == QProcess::NotRunning && process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
                      QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
        if (run.exitCode != 0)
            qInfo("kubectl %s -> %d\n%s%s", qPrintable(args.join(' ')), run.exitCode, qPrintable(run.out), qPrintable(run.err));
        return run;
    }

    QString writeFile(const QString &name, const QByteArray &text)
    {
        QFile file(m_dir.filePath(name));
        if (!file.open(QIODevice::WriteOnly))
            qFatal("cannot write %s", qPrintable(file.fileName()));
        file.write(text);
        return file.fileName();
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
        m_client.setSandbox(m_sandbox.get());
        QCOMPARE(m_client.request("POST", kConfigMaps, coreObject("ConfigMap", "cm", {{"data", QJsonObject{{"k", "v"}}}},
                                                                  {{"labels", QJsonObject{{"app", "x"}}}}))
                     .status,
                 201);
        QCOMPARE(m_client.request("POST", kSecrets, coreObject("Secret", "s", {{"data", QJsonObject{{"password", base64("pw")}}}})).status, 201);
    }

    void wronglyTypedWritesAreRejected_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("message"); // one `*` stands for any text (the quoted patched object)

        const QString cm = kConfigMaps + QStringLiteral("/cm");
        const QString apply = QStringLiteral("?fieldManager=test");
        const QByteArray jsonType = "application/json";
        const QByteArray mergeType = "application/merge-patch+json";
        const QByteArray applyType = "application/apply-patch+yaml";
        const QString cmDecode = QStringLiteral("ConfigMap in version \"v1\" cannot be handled as a ConfigMap: ");
        const QString patchInvalid = QStringLiteral(" \"\" is invalid: patch: Invalid value: \"{\\\"apiVersion\\\":\\\"v1\\\",*\": ");

        QTest::newRow("create: data a string")
            << QByteArray("POST") << kConfigMaps << jsonType << json(coreObject("ConfigMap", "bad", {{"data", "notamap"}})) << 400
            << cmDecode + "json: cannot unmarshal string into Go struct field ConfigMap.data of type map[string]string";
        QTest::newRow("create: a data value a number")
            << QByteArray("POST") << kConfigMaps << jsonType << json(coreObject("ConfigMap", "bad", {{"data", QJsonObject{{"k", 5}}}}))
            << 400 << cmDecode + "json: cannot unmarshal number into Go struct field ConfigMap.data of type string";
        QTest::newRow("create: a label value a number")
            << QByteArray("POST") << kConfigMaps << jsonType << json(coreObject("ConfigMap", "bad", {}, {{"labels", QJsonObject{{"a", 5}}}}))
            << 400 << cmDecode + "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string";
        QTest::newRow("create: annotations a list")
            << QByteArray("POST") << kConfigMaps << jsonType
            << json(coreObject("ConfigMap", "bad", {}, {{"annotations", QJsonArray{"a"}}})) << 400
            << cmDecode + "json: cannot unmarshal array into Go struct field ObjectMeta.metadata.annotations of type map[string]string";
        QTest::newRow("create: name a number")
            << QByteArray("POST") << kConfigMaps << jsonType << json(coreObject("ConfigMap", "bad", {}, {{"name", 5}})) << 400
            << cmDecode + "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string";
        QTest::newRow("create: metadata a string")
            << QByteArray("POST") << kConfigMaps << jsonType
            << QByteArray(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":"bad"})") << 400
            << cmDecode + "json: cannot unmarshal string into Go struct field ConfigMap.metadata of type v1.ObjectMeta";
        QTest::newRow("create: binaryData not base64")
            << QByteArray("POST") << kConfigMaps << jsonType
            << json(coreObject("ConfigMap", "bad", {{"binaryData", QJsonObject{{"k", "no base64"}}}})) << 400
            << cmDecode + "illegal base64 data at input byte 2";
        QTest::newRow("create: Secret data not base64")
            << QByteArray("POST") << kSecrets << jsonType << json(coreObject("Secret", "bad", {{"data", QJsonObject{{"password", "admin"}}}}))
            << 400 << QStringLiteral("Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte 4");
        QTest::newRow("create: Secret stringData value a bool")
            << QByteArray("POST") << kSecrets << jsonType << json(coreObject("Secret", "bad", {{"stringData", QJsonObject{{"on", true}}}}))
            << 400
            << QStringLiteral("Secret in version \"v1\" cannot be handled as a Secret: json: cannot unmarshal bool into Go struct field "
                              "Secret.stringData of type string");
        QTest::newRow("create: pod template label a bool")
            << QByteArray("POST") << kDeployments << jsonType << json(deployment("bad", {{"app", "bad"}, {"on", true}})) << 400
            << QStringLiteral("Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal bool into Go struct "
                              "field ObjectMeta.spec.template.metadata.labels of type string");
        QTest::newRow("replace: resourceVersion a number")
            << QByteArray("PUT") << cm << jsonType
            << json(coreObject("ConfigMap", "cm", {{"data", QJsonObject{{"k", "changed"}}}}, {{"resourceVersion", 1}})) << 400
            << cmDecode + "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.resourceVersion of type string";
        QTest::newRow("merge patch: data a string")
            << QByteArray("PATCH") << cm << mergeType << QByteArray(R"({"data":"notamap"})") << 422
            << patchInvalid + "json: cannot unmarshal string into Go struct field ConfigMap.data of type map[string]string";
        QTest::newRow("merge patch: resourceVersion a number")
            << QByteArray("PATCH") << cm << mergeType << QByteArray(R"({"metadata":{"resourceVersion":1},"data":{"k":"changed"}})") << 422
            << patchInvalid + "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.resourceVersion of type string";
        QTest::newRow("strategic merge patch: a label value a number")
            << QByteArray("PATCH") << cm << QByteArray("application/strategic-merge-patch+json")
            << QByteArray(R"({"metadata":{"labels":{"a":5}}})") << 422
            << patchInvalid + "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string";
        QTest::newRow("json patch: data replaced by a string")
            << QByteArray("PATCH") << cm << QByteArray("application/json-patch+json")
            << QByteArray(R"([{"op":"replace","path":"/data","value":"x"}])") << 422
            << patchInvalid + "json: cannot unmarshal string into Go struct field ConfigMap.data of type map[string]string";
        QTest::newRow("apply: data a string")
            << QByteArray("PATCH") << cm + apply << applyType << json(coreObject("ConfigMap", "cm", {{"data", "notamap"}})) << 400
            << QStringLiteral(".data: expected map, got \"notamap\"");
        QTest::newRow("apply: a label value a number")
            << QByteArray("PATCH") << cm + apply << applyType << json(coreObject("ConfigMap", "cm", {}, {{"labels", QJsonObject{{"a", 5}}}}))
            << 400 << QStringLiteral(".metadata.labels.a: expected string, got 5");
        QTest::newRow("apply: Secret data not base64")
            << QByteArray("PATCH") << kSecrets + QStringLiteral("/s") + apply << applyType
            << json(coreObject("Secret", "s", {{"data", QJsonObject{{"password", "admin"}}}})) << 400
            << QStringLiteral(".data.password: illegal base64 data at input byte 4");
    }

    // A body the API server's decoder rejects is a Status error, and nothing is written.
    void wronglyTypedWritesAreRejected()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        QFETCH(QByteArray, contentType);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, message);

        const QString before = storeVersion();
        const Reply r = send(method, path, body, contentType);
        QCOMPARE(r.status, status);
        QCOMPARE(r.json.value("kind").toString(), QStringLiteral("Status"));
        QCOMPARE(r.json.value("reason").toString(), status == 422 ? QStringLiteral("Invalid") : QStringLiteral("BadRequest"));
        QVERIFY2(messageMatches(r.json.value("message").toString(), message), qPrintable(r.json.value("message").toString()));
        if (status == 422) { // kubectl prints "The request is invalid: patch: …" from the cause
            const QJsonObject cause = r.json.value("details").toObject().value("causes").toArray().first().toObject();
            QCOMPARE(cause.value("field").toString(), QStringLiteral("patch"));
        }
        QCOMPARE(storeVersion(), before);
        QCOMPARE(m_client.request("GET", kConfigMaps + QStringLiteral("/bad")).status, 404);
    }

    void deleteWithUndecodableOptionsDeletesNothing_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("message");
        QTest::newRow("not JSON") << QByteArray("propagationPolicy=Background")
                                  << QStringLiteral("the DeleteOptions in the request body are not JSON: *");
        QTest::newRow("a JSON array") << QByteArray("[]")
                                      << QStringLiteral("json: cannot unmarshal array into Go value of type v1.DeleteOptions");
        QTest::newRow("precondition resourceVersion a number")
            << QByteArray(R"({"preconditions":{"resourceVersion":1}})")
            << QStringLiteral("json: cannot unmarshal number into Go struct field Preconditions.preconditions.resourceVersion of type string");
        QTest::newRow("preconditions a string")
            << QByteArray(R"({"preconditions":"rv"})")
            << QStringLiteral("json: cannot unmarshal string into Go struct field DeleteOptions.preconditions of type v1.Preconditions");
        QTest::newRow("gracePeriodSeconds a string")
            << QByteArray(R"({"gracePeriodSeconds":"0"})")
            << QStringLiteral("json: cannot unmarshal string into Go struct field DeleteOptions.gracePeriodSeconds of type int64");
        QTest::newRow("dryRun a string") << QByteArray(R"({"dryRun":"All"})")
                                         << QStringLiteral("json: cannot unmarshal string into Go struct field DeleteOptions.dryRun of type []string");
    }

    void deleteWithUndecodableOptionsDeletesNothing()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, message);
        const Reply r = send("DELETE", kConfigMaps + QStringLiteral("/cm"), body);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.json.value("reason").toString(), QStringLiteral("BadRequest"));
        QVERIFY2(messageMatches(r.json.value("message").toString(), message), qPrintable(r.json.value("message").toString()));
        QCOMPARE(m_client.request("GET", kConfigMaps + QStringLiteral("/cm")).status, 200);
    }

    void deleteHonoursItsOptions()
    {
        const QString path = kConfigMaps + QStringLiteral("/doomed");
        QCOMPARE(m_client.request("POST", kConfigMaps, coreObject("ConfigMap", "doomed")).status, 201);
        const QString version = resourceVersionOf(m_client.request("GET", path).json);
        QCOMPARE(send("DELETE", path, R"({"preconditions":{"resourceVersion":"1"}})").status, 409);
        QCOMPARE(send("DELETE", path, R"({"dryRun":["All"],"propagationPolicy":"Background"})").status, 200);
        QCOMPARE(m_client.request("GET", path).status, 200);
        QCOMPARE(send("DELETE", path, json({{"preconditions", QJsonObject{{"resourceVersion", version}}}})).status, 200);
        QCOMPARE(m_client.request("GET", path).status, 404);
    }

    void secretStringDataIsStoredAsData_data()
    {
        QTest::addColumn<QString>("write");
        for (const char *write : {"create", "replace", "merge patch", "strategic merge patch", "apply create", "apply update"})
            QTest::newRow(write) << QString::fromLatin1(write);
    }

    // stringData entries are stored base64-encoded in data, replacing an entry of the same key.
    void secretStringDataIsStoredAsData()
    {
        QFETCH(QString, write);
        const QString name = QStringLiteral("sd-") + QString(write).replace(QLatin1Char(' '), QLatin1Char('-'));
        const QString path = kSecrets + QLatin1Char('/') + name;
        const QString apply = path + QStringLiteral("?fieldManager=test");
        const QJsonObject data{{"a", base64("old")}, {"b", base64("keep")}};
        const QJsonObject stringData{{"a", "new"}, {"c", "plain"}};
        const QJsonObject withData = coreObject("Secret", name, {{"data", data}});
        const QJsonObject withBoth = coreObject("Secret", name, {{"data", data}, {"stringData", stringData}});
        const QJsonObject patch{{"stringData", stringData}};

        Reply r;
        if (write == QLatin1String("create")) {
            r = m_client.request("POST", kSecrets, withBoth);
        } else if (write == QLatin1String("apply create")) {
            r = m_client.request("PATCH", apply, withBoth, "application/apply-patch+yaml");
        } else if (write == QLatin1String("apply update")) {
            QCOMPARE(m_client.request("PATCH", apply, withData, "application/apply-patch+yaml").status, 201);
            r = m_client.request("PATCH", apply, withBoth, "application/apply-patch+yaml");
        } else {
            QCOMPARE(m_client.request("POST", kSecrets, withData).status, 201);
            if (write == QLatin1String("replace"))
                r = m_client.request("PUT", path, withBoth);
            else if (write == QLatin1String("merge patch"))
                r = m_client.request("PATCH", path, patch, "application/merge-patch+json");
            else
                r = m_client.request("PATCH", path, patch, "application/strategic-merge-patch+json");
        }
        QVERIFY2(r.status == 200 || r.status == 201, r.body.constData());
        const QJsonObject expected{{"a", base64("new")}, {"b", base64("keep")}, {"c", base64("plain")}};
        QCOMPARE(r.json.value("data").toObject(), expected);
        QVERIFY(!r.json.contains("stringData"));
        const Reply stored = m_client.request("GET", path);
        QCOMPARE(stored.json.value("data").toObject(), expected);
        QVERIFY(!stored.json.contains("stringData"));
    }

    // GitOps re-applies the same manifest on every sync: a Secret with stringData must not change.
    void reapplyingStringDataIsNoOp()
    {
        const QString apply = kSecrets + QStringLiteral("/sd-again?fieldManager=test");
        const QJsonObject secret = coreObject("Secret", "sd-again", {{"stringData", QJsonObject{{"token", "t0ken"}}}});
        const Reply first = m_client.request("PATCH", apply, secret, "application/apply-patch+yaml");
        QCOMPARE(first.status, 201);
        const Reply second = m_client.request("PATCH", apply, secret, "application/apply-patch+yaml");
        QCOMPARE(second.status, 200);
        QCOMPARE(resourceVersionOf(second.json), resourceVersionOf(first.json));
        QCOMPARE(second.json.value("data").toObject().value("token").toString(), base64("t0ken"));
    }

    void badQueryParametersAreRejected_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QString>("message");
        QTest::newRow("labelSelector a=b=c") << QStringLiteral("labelSelector=a=b=c")
                                             << QStringLiteral("found '=', expected: ',' or 'end of string'");
        QTest::newRow("labelSelector with an unclosed set")
            << QStringLiteral("labelSelector=a%20in%20(x") << QStringLiteral("unable to parse requirement: found '', expected: ',' or ')'");
        QTest::newRow("labelSelector with a bad value")
            << QStringLiteral("labelSelector=a%3Dx/y") << QStringLiteral("unable to parse requirement: values[0][a]: Invalid value: \"x/y\": *");
        QTest::newRow("watch labelSelector a=b=c")
            << QStringLiteral("watch=true&labelSelector=a=b=c") << QStringLiteral("found '=', expected: ',' or 'end of string'");
        QTest::newRow("fieldSelector on an unsupported field")
            << QStringLiteral("fieldSelector=spec.replicas%3D1") << QStringLiteral("field label not supported: spec.replicas");
        QTest::newRow("resourceVersion abc")
            << QStringLiteral("resourceVersion=abc")
            << QStringLiteral("resourceVersion: Invalid value: \"abc\": strconv.ParseUint: parsing \"abc\": invalid syntax");
        QTest::newRow("resourceVersion -1")
            << QStringLiteral("resourceVersion=-1")
            << QStringLiteral("resourceVersion: Invalid value: \"-1\": strconv.ParseUint: parsing \"-1\": invalid syntax");
    }

    void badQueryParametersAreRejected()
    {
        QFETCH(QString, query);
        QFETCH(QString, message);
        const Reply r = m_client.request("GET", kConfigMaps + QLatin1Char('?') + query);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.json.value("kind").toString(), QStringLiteral("Status"));
        QCOMPARE(r.json.value("reason").toString(), QStringLiteral("BadRequest"));
        QVERIFY2(messageMatches(r.json.value("message").toString(), message), qPrintable(r.json.value("message").toString()));
    }

    void goodQueryParametersList()
    {
        const Reply r = m_client.request("GET", kConfigMaps + QStringLiteral("?labelSelector=app%20in%20(x,y),!missing&resourceVersion=0"));
        QCOMPARE(r.status, 200);
        QCOMPARE(itemNames(r.json), QStringList{QStringLiteral("cm")});
        QCOMPARE(m_client.request("GET", kConfigMaps + QStringLiteral("?resourceVersion=") + storeVersion()).status, 200);
        // kubectl describe lists the events of what it describes by these fields.
        const QString events = QStringLiteral("/api/v1/namespaces/default/events");
        for (const char *name : {"cm", "other"}) {
            const QJsonObject involved{{"kind", "ConfigMap"}, {"namespace", "default"}, {"name", name}};
            QCOMPARE(m_client.request("POST", events, coreObject("Event", QStringLiteral("e-") + QLatin1String(name), {{"involvedObject", involved}})).status,
                     201);
        }
        const Reply selected = m_client.request(
            "GET", events + QStringLiteral("?fieldSelector=involvedObject.kind%3DConfigMap,involvedObject.name%3Dcm,involvedObject.namespace%3Ddefault"));
        QCOMPARE(selected.status, 200);
        QCOMPARE(itemNames(selected.json), QStringList{QStringLiteral("e-cm")});
    }

    void labelSelector_data()
    {
        QTest::addColumn<QString>("selector");
        QTest::addColumn<QJsonObject>("labels");
        QTest::addColumn<bool>("matches");
        QTest::addColumn<QString>("error"); // empty: parses; one `*` stands for any text

        const QJsonObject ax{{"a", "x"}};
        QTest::newRow("empty") << QString() << QJsonObject() << true << QString();
        QTest::newRow("equals") << QStringLiteral("a=x") << ax << true << QString();
        QTest::newRow("double equals") << QStringLiteral("a == x") << ax << true << QString();
        QTest::newRow("not equals") << QStringLiteral("a!=x") << ax << false << QString();
        QTest::newRow("empty value") << QStringLiteral("a=") << QJsonObject{{"a", ""}} << true << QString();
        QTest::newRow("in") << QStringLiteral("a in (y, x)") << ax << true << QString();
        QTest::newRow("notin, key absent") << QStringLiteral("b notin (x)") << ax << true << QString();
        QTest::newRow("in () is the empty value") << QStringLiteral("a in ()") << QJsonObject{{"a", ""}} << true << QString();
        QTest::newRow("exists and not") << QStringLiteral("a,!b") << ax << true << QString();
        QTest::newRow("in as key and value") << QStringLiteral("in in (in)") << QJsonObject{{"in", "in"}} << true << QString();
        QTest::newRow("greater than") << QStringLiteral("n>5") << QJsonObject{{"n", "7"}} << true << QString();
        QTest::newRow("less than") << QStringLiteral("n<5") << QJsonObject{{"n", "7"}} << false << QString();
        QTest::newRow("prefixed key") << QStringLiteral("app.kubernetes.io/name=web") << QJsonObject{{"app.kubernetes.io/name", "web"}}
                                      << true << QString();
        QTest::newRow("a=b=c") << QStringLiteral("a=b=c") << ax << false << QStringLiteral("found '=', expected: ',' or 'end of string'");
        QTest::newRow("two values") << QStringLiteral("a=b c") << ax << false << QStringLiteral("found 'c', expected: ',' or 'end of string'");
        QTest::newRow("leading comma") << QStringLiteral(",a") << ax << false
                                       << QStringLiteral("found ',', expected: !, identifier, or 'end of string'");
        QTest::newRow("trailing comma") << QStringLiteral("a,") << ax << false << QStringLiteral("found '', expected: identifier after ','");
        QTest::newRow("no operator") << QStringLiteral("a b") << ax << false
                                     << QStringLiteral("unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt");
        QTest::newRow("in without a set") << QStringLiteral("a in x") << ax << false
                                          << QStringLiteral("unable to parse requirement: found 'x' expected: '('");
        QTest::newRow("unclosed set") << QStringLiteral("a in (x") << ax << false
                                      << QStringLiteral("unable to parse requirement: found '', expected: ',' or ')'");
        QTest::newRow("set after =") << QStringLiteral("a=(x)") << ax << false
                                     << QStringLiteral("unable to parse requirement: found '(', expected: identifier");
        QTest::newRow("bad key") << QStringLiteral("-a=x") << ax << false
                                 << QStringLiteral("unable to parse requirement: invalid label key \"-a\": name part must consist of *");
        QTest::newRow("bad value") << QStringLiteral("a=-x") << ax << false
                                   << QStringLiteral("unable to parse requirement: values[0][a]: Invalid value: \"-x\": a valid label must *");
        QTest::newRow("gt needs an integer") << QStringLiteral("n>x") << ax << false
                                             << QStringLiteral("unable to parse requirement: values[0]: Invalid value: \"x\": for 'Gt', "
                                                               "'Lt' operators, the value must be an integer");
    }

    void labelSelector()
    {
        QFETCH(QString, selector);
        QFETCH(QJsonObject, labels);
        QFETCH(bool, matches);
        QFETCH(QString, error);
        const Result<LabelSelector> parsed = LabelSelector::parse(selector);
        if (!error.isEmpty()) {
            QVERIFY(!parsed);
            QVERIFY2(messageMatches(parsed.error().message, error), qPrintable(parsed.error().message));
            return;
        }
        QVERIFY2(parsed, parsed ? "" : qPrintable(parsed.error().message));
        QCOMPARE(parsed->matches(labels), matches);
    }

    // The real kubectl sees the API server's messages and can read what the sandbox stored.
    void kubectlPeer()
    {
        const QString badConfigMap = writeFile(QStringLiteral("bad-cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\n"
                                                                             "data: notamap\n");
        Run run = kubectl({QStringLiteral("create"), QStringLiteral("-f"), badConfigMap});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(QStringLiteral("Error from server (BadRequest): error when creating \"%1\": ConfigMap in version \"v1\" "
                                                 "cannot be handled as a ConfigMap: json: cannot unmarshal string into Go struct field "
                                                 "ConfigMap.data of type map[string]string")
                                      .arg(badConfigMap)),
                 qPrintable(run.err));
        QCOMPARE(kubectl({QStringLiteral("get"), QStringLiteral("configmap"), QStringLiteral("bad")}).exitCode, 1);

        run = kubectl({QStringLiteral("patch"), QStringLiteral("configmap"), QStringLiteral("cm"), QStringLiteral("--type=merge"),
                       QStringLiteral("-p"), QStringLiteral(R"({"data":"notamap"})")});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(QStringLiteral("The request is invalid: patch: Invalid value: ")), qPrintable(run.err));
        QVERIFY2(run.err.contains(QStringLiteral("json: cannot unmarshal string into Go struct field ConfigMap.data of type map[string]string")),
                 qPrintable(run.err));
        QCOMPARE(kubectl({QStringLiteral("describe"), QStringLiteral("configmap"), QStringLiteral("cm")}).exitCode, 0);

        const QString secret = writeFile(QStringLiteral("secret.yaml"), "apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\n"
                                                                        "stringData:\n  password: s3cret\n");
        QCOMPARE(kubectl({QStringLiteral("create"), QStringLiteral("-f"), secret}).exitCode, 0);
        run = kubectl({QStringLiteral("describe"), QStringLiteral("secret"), QStringLiteral("creds")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(QRegularExpression(QStringLiteral(R"(\npassword:\s+6 bytes\n)")).match(run.out).hasMatch(), qPrintable(run.out));
        run = kubectl({QStringLiteral("get"), QStringLiteral("secret"), QStringLiteral("creds"), QStringLiteral("-o"),
                       QStringLiteral("jsonpath={.data.password}|{.stringData}")});
        QCOMPARE(run.out, base64("s3cret") + QLatin1Char('|'));

        run = kubectl({QStringLiteral("get"), QStringLiteral("configmaps"), QStringLiteral("-l"), QStringLiteral("a=b=c")});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(QStringLiteral("found '=', expected: ',' or 'end of string'")), qPrintable(run.err));

        // kubectl sends dryRun in the DeleteOptions body.
        QCOMPARE(kubectl({QStringLiteral("delete"), QStringLiteral("configmap"), QStringLiteral("cm"), QStringLiteral("--dry-run=server")}).exitCode, 0);
        QCOMPARE(m_client.request("GET", kConfigMaps + QStringLiteral("/cm")).status, 200);
    }
};

QTEST_GUILESS_MAIN(TestSandboxValidation)
#include "tst_sandboxvalidation.moc"
