// The sandbox API over real HTTPS (QNetworkAccessManager trusting only the generated CA):
// auth, TLS trust, /version, discovery, CRUD, selectors, pagination, conflicts, dryRun,
// namespace cascade, persistence across restarts, and the per-write cost of the journal.

#include "sandbox/DurableFile.h"
#include "sandbox/ObjectStore.h"
#include "sandbox/Sandbox.h"
#include "sandbox/SandboxCertificates.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSslCertificate>
#include <QTemporaryDir>
#include <QTest>

using namespace sluice;
using namespace sluice::sandbox;

namespace {

struct Reply
{
    int status = 0;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QByteArray contentType;
    QJsonObject json;
    QByteArray body;
    QByteArray warnings; // the Warning header value(s), as received
};

const QByteArray kAggregatedAccept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
                                     "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

QJsonObject configMap(const QString &name, const QJsonObject &labels = {}, const QString &ns = {})
{
    QJsonObject metadata{{QStringLiteral("name"), name}};
    if (!labels.isEmpty())
        metadata.insert(QStringLiteral("labels"), labels);
    if (!ns.isEmpty())
        metadata.insert(QStringLiteral("namespace"), ns);
    return QJsonObject{{QStringLiteral("apiVersion"), QStringLiteral("v1")}, {QStringLiteral("kind"), QStringLiteral("ConfigMap")},
                       {QStringLiteral("metadata"), metadata}, {QStringLiteral("data"), QJsonObject{{QStringLiteral("k"), QStringLiteral("v")}}}};
}

QJsonObject namespaceObject(const QString &name)
{
    return QJsonObject{{QStringLiteral("apiVersion"), QStringLiteral("v1")}, {QStringLiteral("kind"), QStringLiteral("Namespace")},
                       {QStringLiteral("metadata"), QJsonObject{{QStringLiteral("name"), name}}}};
}

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// A Deployment `name` in namespace fv; `extraSpec` and `extraContainer` fields are merged in.
QJsonObject fvDeployment(const QString &name, const QJsonObject &extraSpec = {}, const QJsonObject &extraContainer = {})
{
    QJsonObject container{{QStringLiteral("name"), QStringLiteral("c")}, {QStringLiteral("image"), QStringLiteral("nginx")}};
    for (auto it = extraContainer.begin(); it != extraContainer.end(); ++it)
        container.insert(it.key(), it.value());
    const QJsonObject labels{{QStringLiteral("app"), QStringLiteral("fv")}};
    QJsonObject spec{{QStringLiteral("replicas"), 1},
                     {QStringLiteral("selector"), QJsonObject{{QStringLiteral("matchLabels"), labels}}},
                     {QStringLiteral("template"),
                      QJsonObject{{QStringLiteral("metadata"), QJsonObject{{QStringLiteral("labels"), labels}}},
                                  {QStringLiteral("spec"), QJsonObject{{QStringLiteral("containers"), QJsonArray{container}}}}}}};
    for (auto it = extraSpec.begin(); it != extraSpec.end(); ++it)
        spec.insert(it.key(), it.value());
    return QJsonObject{{QStringLiteral("apiVersion"), QStringLiteral("apps/v1")}, {QStringLiteral("kind"), QStringLiteral("Deployment")},
                       {QStringLiteral("metadata"), QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("namespace"), QStringLiteral("fv")}}},
                       {QStringLiteral("spec"), spec}};
}

QString rvOf(const QJsonObject &object)
{
    return object.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("resourceVersion")).toString();
}

QStringList names(const QJsonObject &list)
{
    QStringList result;
    for (const QJsonValue &item : list.value(QStringLiteral("items")).toArray())
        result << item.toObject().value(QStringLiteral("metadata")).toObject().value(QStringLiteral("name")).toString();
    return result;
}

} // namespace

class TestSandboxApi : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Sandbox> m_sandbox;
    QNetworkAccessManager m_nam;

    void startSandbox()
    {
        SandboxOptions options;
        options.dataDir = m_dir.filePath(QStringLiteral("data"));
        options.kubeconfigPath = m_dir.filePath(QStringLiteral("kubeconfig"));
        m_sandbox = std::make_unique<Sandbox>(options);
        const Status started = m_sandbox->start();
        QVERIFY2(started.ok(), started.ok() ? "" : qPrintable(started.error().toString()));
    }

    Reply request(const QByteArray &method, const QString &path, const QJsonObject &body = {},
                  std::optional<QByteArray> token = std::nullopt, const QByteArray &accept = "application/json",
                  const QList<QSslCertificate> &trust = {})
    {
        QNetworkRequest req(QUrl(m_sandbox->url().toString() + path));
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates(trust.isEmpty() ? QSslCertificate::fromData(m_sandbox->caCertificatePem()) : trust);
        req.setSslConfiguration(tls);
        req.setRawHeader("Accept", accept);
        const QByteArray t = token.value_or(m_sandbox->token());
        if (!t.isEmpty())
            req.setRawHeader("Authorization", "Bearer " + t);
        QByteArray data;
        if (!body.isEmpty()) {
            data = QJsonDocument(body).toJson(QJsonDocument::Compact);
            req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
        }
        QNetworkReply *reply = m_nam.sendCustomRequest(req, method, data);
        QEventLoop loop;
        connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        Reply r;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r.error = reply->error();
        r.contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
        r.json = QJsonDocument::fromJson(reply->readAll()).object();
        reply->deleteLater();
        return r;
    }

    // `body` sent as is with `contentType`; the reply keeps its raw body and Warning headers.
    Reply send(const QByteArray &method, const QString &path, const QByteArray &body, const QByteArray &contentType)
    {
        QNetworkRequest req(QUrl(m_sandbox->url().toString() + path));
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates(QSslCertificate::fromData(m_sandbox->caCertificatePem()));
        req.setSslConfiguration(tls);
        req.setRawHeader("Accept", "application/json");
        req.setRawHeader("Authorization", "Bearer " + m_sandbox->token());
        if (!contentType.isEmpty())
            req.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
        QNetworkReply *reply = m_nam.sendCustomRequest(req, method, body);
        QEventLoop loop;
        connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        Reply r;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r.error = reply->error();
        r.contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
        r.body = reply->readAll();
        r.json = QJsonDocument::fromJson(r.body).object();
        for (const auto &[name, value] : reply->rawHeaderPairs()) {
            if (name.toLower() == "warning")
                r.warnings += (r.warnings.isEmpty() ? QByteArray() : QByteArray("\n")) + value;
        }
        reply->deleteLater();
        return r;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        startSandbox();
    }

    void filesArePrivate()
    {
        for (const char *name : {"ca.key", "server.key", "token", "store.journal"}) {
            const QFile::Permissions p = QFile(m_dir.filePath(QStringLiteral("data/") + QLatin1String(name))).permissions();
            QVERIFY2(!(p & (QFile::ReadGroup | QFile::ReadOther)), name);
        }
        QVERIFY(!(QFile(m_dir.filePath(QStringLiteral("kubeconfig"))).permissions() & QFile::ReadOther));
    }

    void unauthorized()
    {
        for (const QByteArray &token : {QByteArray(), QByteArray("wrong"), QByteArray(64, 'a')}) {
            const Reply r = request("GET", QStringLiteral("/api/v1/namespaces"), {}, token);
            QCOMPARE(r.status, 401);
            QCOMPARE(r.json.value(QStringLiteral("kind")).toString(), QStringLiteral("Status"));
            QCOMPARE(r.json.value(QStringLiteral("reason")).toString(), QStringLiteral("Unauthorized"));
        }
    }

    void unknownCaIsRefused()
    {
        m_nam.clearConnectionCache(); // force a new TLS handshake
        Result<SandboxCertificates> other = SandboxCertificates::generate();
        QVERIFY(other.ok());
        const Reply r = request("GET", QStringLiteral("/version"), {}, std::nullopt, "application/json",
                                QSslCertificate::fromData(other->caCertificatePem()));
        m_nam.clearConnectionCache();
        QCOMPARE(r.error, QNetworkReply::SslHandshakeFailedError);
    }

    void version()
    {
        const Reply r = request("GET", QStringLiteral("/version?timeout=32s"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value(QStringLiteral("major")).toString(), QStringLiteral("1"));
        QCOMPARE(r.json.value(QStringLiteral("minor")).toString(), QString::number(m_sandbox->serverMinor()));
    }

    void discoveryLegacy()
    {
        Reply r = request("GET", QStringLiteral("/api"));
        QCOMPARE(r.json.value(QStringLiteral("kind")).toString(), QStringLiteral("APIVersions"));
        r = request("GET", QStringLiteral("/apis"));
        QCOMPARE(r.json.value(QStringLiteral("kind")).toString(), QStringLiteral("APIGroupList"));
        QCOMPARE(r.contentType, QByteArray("application/json"));
        r = request("GET", QStringLiteral("/apis/apps/v1"));
        QCOMPARE(r.json.value(QStringLiteral("groupVersion")).toString(), QStringLiteral("apps/v1"));
        bool found = false;
        for (const QJsonValue &v : r.json.value(QStringLiteral("resources")).toArray()) {
            const QJsonObject res = v.toObject();
            if (res.value(QStringLiteral("name")).toString() == QLatin1String("deployments")) {
                found = true;
                QCOMPARE(res.value(QStringLiteral("shortNames")).toArray(), QJsonArray{QStringLiteral("deploy")});
                QCOMPARE(res.value(QStringLiteral("categories")).toArray(), QJsonArray{QStringLiteral("all")});
            }
        }
        QVERIFY(found);
        QCOMPARE(request("GET", QStringLiteral("/apis/nope/v1")).status, 404);
    }

    void discoveryAggregated()
    {
        Reply r = request("GET", QStringLiteral("/apis"), {}, std::nullopt, kAggregatedAccept);
        QCOMPARE(r.contentType, QByteArray("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"));
        QCOMPARE(r.json.value(QStringLiteral("kind")).toString(), QStringLiteral("APIGroupDiscoveryList"));
        QStringList groups;
        for (const QJsonValue &item : r.json.value(QStringLiteral("items")).toArray())
            groups << item.toObject().value(QStringLiteral("metadata")).toObject().value(QStringLiteral("name")).toString();
        for (const char *g : {"apps", "batch", "networking.k8s.io", "rbac.authorization.k8s.io", "apiextensions.k8s.io", "policy"})
            QVERIFY2(groups.contains(QLatin1String(g)), g);
        r = request("GET", QStringLiteral("/api"), {}, std::nullopt, kAggregatedAccept);
        const QJsonArray versions = r.json.value(QStringLiteral("items")).toArray().first().toObject().value(QStringLiteral("versions")).toArray();
        QCOMPARE(versions.first().toObject().value(QStringLiteral("version")).toString(), QStringLiteral("v1"));
    }

    void createAndGet()
    {
        Reply r = request("POST", QStringLiteral("/api/v1/namespaces"), namespaceObject(QStringLiteral("demo")));
        QCOMPARE(r.status, 201);
        QCOMPARE(r.json.value(QStringLiteral("status")).toObject().value(QStringLiteral("phase")).toString(), QStringLiteral("Active"));
        QCOMPARE(request("POST", QStringLiteral("/api/v1/namespaces"), namespaceObject(QStringLiteral("demo"))).status, 409);

        r = request("POST", QStringLiteral("/api/v1/namespaces/demo/configmaps"), configMap(QStringLiteral("a"), {{QStringLiteral("app"), QStringLiteral("x")}}));
        QCOMPARE(r.status, 201);
        const QJsonObject metadata = r.json.value(QStringLiteral("metadata")).toObject();
        QCOMPARE(metadata.value(QStringLiteral("namespace")).toString(), QStringLiteral("demo"));
        QVERIFY(!metadata.value(QStringLiteral("uid")).toString().isEmpty());
        QVERIFY(!rvOf(r.json).isEmpty());
        QVERIFY(!metadata.contains(QStringLiteral("generation")));

        r = request("GET", QStringLiteral("/api/v1/namespaces/demo/configmaps/a"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value(QStringLiteral("data")).toObject().value(QStringLiteral("k")).toString(), QStringLiteral("v"));

        r = request("POST", QStringLiteral("/api/v1/namespaces/demo/configmaps"), configMap(QStringLiteral("a")));
        QCOMPARE(r.status, 409);
        QCOMPARE(r.json.value(QStringLiteral("reason")).toString(), QStringLiteral("AlreadyExists"));

        QJsonObject generated = configMap(QString());
        generated.insert(QStringLiteral("metadata"), QJsonObject{{QStringLiteral("generateName"), QStringLiteral("gen-")}});
        r = request("POST", QStringLiteral("/api/v1/namespaces/demo/configmaps"), generated);
        QCOMPARE(r.status, 201);
        QVERIFY(r.json.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("name")).toString().startsWith(QStringLiteral("gen-")));

        const QJsonObject deployment{{QStringLiteral("apiVersion"), QStringLiteral("apps/v1")}, {QStringLiteral("kind"), QStringLiteral("Deployment")},
                                     {QStringLiteral("metadata"), QJsonObject{{QStringLiteral("name"), QStringLiteral("web")}}},
                                     {QStringLiteral("spec"), QJsonObject{{QStringLiteral("replicas"), 1}}}};
        r = request("POST", QStringLiteral("/apis/apps/v1/namespaces/demo/deployments"), deployment);
        QCOMPARE(r.status, 201);
        QCOMPARE(r.json.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("generation")).toInt(), 1);
        QJsonObject changed = r.json;
        changed.insert(QStringLiteral("spec"), QJsonObject{{QStringLiteral("replicas"), 3}});
        // No resourceVersion precondition: the simulated controller may have written status since.
        QJsonObject changedMetadata = changed.value(QStringLiteral("metadata")).toObject();
        changedMetadata.remove(QStringLiteral("resourceVersion"));
        changed.insert(QStringLiteral("metadata"), changedMetadata);
        r = request("PUT", QStringLiteral("/apis/apps/v1/namespaces/demo/deployments/web"), changed);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("generation")).toInt(), 2);
    }

    void errors()
    {
        Reply r = request("POST", QStringLiteral("/api/v1/namespaces/missing/configmaps"), configMap(QStringLiteral("a")));
        QCOMPARE(r.status, 404);
        QCOMPARE(r.json.value(QStringLiteral("message")).toString(), QStringLiteral("namespaces \"missing\" not found"));
        QCOMPARE(r.json.value(QStringLiteral("details")).toObject().value(QStringLiteral("kind")).toString(), QStringLiteral("namespaces"));

        r = request("POST", QStringLiteral("/api/v1/namespaces/demo/configmaps"), configMap(QStringLiteral("Bad_Name")));
        QCOMPARE(r.status, 422);
        QCOMPARE(r.json.value(QStringLiteral("reason")).toString(), QStringLiteral("Invalid"));
        QCOMPARE(r.json.value(QStringLiteral("details")).toObject().value(QStringLiteral("causes")).toArray().first().toObject()
                     .value(QStringLiteral("field")).toString(), QStringLiteral("metadata.name"));

        // Body that does not match the URL: 400 BadRequest, as a real API server answers (kube-api.md §5).
        r = request("POST", QStringLiteral("/api/v1/namespaces/demo/configmaps"), configMap(QStringLiteral("b"), {}, QStringLiteral("other")));
        QCOMPARE(r.status, 400);
        QJsonObject wrongKind = configMap(QStringLiteral("b"));
        wrongKind.insert(QStringLiteral("kind"), QStringLiteral("Secret"));
        QCOMPARE(request("POST", QStringLiteral("/api/v1/namespaces/demo/configmaps"), wrongKind).status, 400);
        r = request("PUT", QStringLiteral("/api/v1/namespaces/demo/configmaps/a"), configMap(QStringLiteral("zzz")));
        QCOMPARE(r.status, 400);

        QCOMPARE(request("GET", QStringLiteral("/api/v1/namespaces/demo/configmaps/nope")).status, 404);
        QCOMPARE(request("GET", QStringLiteral("/api/v1/widgets")).status, 404);
        // PATCH without a patch Content-Type: 415 (the patch types are tested in tst_sandboxpatch).
        QCOMPARE(request("PATCH", QStringLiteral("/api/v1/namespaces/demo/configmaps/a")).status, 415);
    }

    void fieldValidation_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("message");      // the Status message of a failure
        QTest::addColumn<QStringList>("warnings"); // field paths named by Warning headers
        QTest::addColumn<QString>("getPath");      // read back: typos absent after success, 404 after a failed create
        QTest::addColumn<QStringList>("typos");

        const QString deployments = QStringLiteral("/apis/apps/v1/namespaces/fv/deployments");
        const QByteArray json = "application/json";
        const QByteArray apply = "application/apply-patch+yaml";
        const QJsonObject replicaz{{QStringLiteral("replicaz"), 3}};
        const QJsonObject imagez{{QStringLiteral("imagez"), QStringLiteral("x")}};
        const QStringList both{QStringLiteral("spec.replicaz"), QStringLiteral("spec.template.spec.containers[0].imagez")};
        const QStringList typos{QStringLiteral("replicaz"), QStringLiteral("imagez")};
        const QString decode = QStringLiteral("Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: ");
        const QString bothUnknown = QStringLiteral("unknown field \"spec.replicaz\", unknown field \"spec.template.spec.containers[0].imagez\"");

        QTest::newRow("POST Strict") << QByteArray("POST") << deployments + QStringLiteral("?fieldValidation=Strict") << json
                                     << compact(fvDeployment(QStringLiteral("strict"), replicaz, imagez)) << 400
                                     << decode + bothUnknown << QStringList() << deployments + QStringLiteral("/strict") << typos;
        QTest::newRow("POST Strict, no unknown field") << QByteArray("POST") << deployments + QStringLiteral("?fieldValidation=Strict") << json
                                                       << compact(fvDeployment(QStringLiteral("clean"))) << 201 << QString()
                                                       << QStringList() << deployments + QStringLiteral("/clean") << typos;
        QTest::newRow("POST Warn") << QByteArray("POST") << deployments + QStringLiteral("?fieldValidation=Warn") << json
                                   << compact(fvDeployment(QStringLiteral("warn"), replicaz, imagez)) << 201 << QString() << both
                                   << deployments + QStringLiteral("/warn") << typos;
        QTest::newRow("POST without fieldValidation warns") << QByteArray("POST") << deployments << json
                                                            << compact(fvDeployment(QStringLiteral("default"), replicaz, imagez)) << 201
                                                            << QString() << both << deployments + QStringLiteral("/default") << typos;
        QTest::newRow("POST Ignore") << QByteArray("POST") << deployments + QStringLiteral("?fieldValidation=Ignore") << json
                                     << compact(fvDeployment(QStringLiteral("ignore"), replicaz, imagez)) << 201 << QString()
                                     << QStringList() << deployments + QStringLiteral("/ignore") << typos;
        QJsonObject labelz = configMap(QStringLiteral("labelz"));
        labelz.insert(QStringLiteral("metadata"), QJsonObject{{QStringLiteral("name"), QStringLiteral("labelz")},
                                                              {QStringLiteral("labelz"), QJsonObject()}});
        QTest::newRow("POST Strict, metadata") << QByteArray("POST") << QStringLiteral("/api/v1/namespaces/fv/configmaps?fieldValidation=Strict")
                                               << json << compact(labelz) << 400
                                               << QStringLiteral("ConfigMap in version \"v1\" cannot be handled as a ConfigMap: "
                                                                 "strict decoding error: unknown field \"metadata.labelz\"")
                                               << QStringList() << QStringLiteral("/api/v1/namespaces/fv/configmaps/labelz") << QStringList();
        QTest::newRow("POST unsupported directive") << QByteArray("POST") << deployments + QStringLiteral("?fieldValidation=Loose") << json
                                                    << compact(fvDeployment(QStringLiteral("loose"))) << 400
                                                    << QStringLiteral("fieldValidation: Unsupported value: \"Loose\": supported values: "
                                                                      "\"Ignore\", \"Strict\", \"Warn\"")
                                                    << QStringList() << deployments + QStringLiteral("/loose") << QStringList();
        QTest::newRow("PUT Strict") << QByteArray("PUT") << deployments + QStringLiteral("/base?fieldValidation=Strict") << json
                                    << compact(fvDeployment(QStringLiteral("base"), replicaz)) << 400
                                    << decode + QStringLiteral("unknown field \"spec.replicaz\"") << QStringList() << QString()
                                    << QStringList();
        QTest::newRow("PUT Warn") << QByteArray("PUT") << deployments + QStringLiteral("/base?fieldValidation=Warn") << json
                                  << compact(fvDeployment(QStringLiteral("base"), replicaz)) << 200 << QString()
                                  << QStringList{QStringLiteral("spec.replicaz")} << deployments + QStringLiteral("/base") << typos;
        const QByteArray specPatch = compact(QJsonObject{{QStringLiteral("spec"), replicaz}});
        QTest::newRow("merge PATCH Strict") << QByteArray("PATCH") << deployments + QStringLiteral("/base?fieldValidation=Strict")
                                            << QByteArray("application/merge-patch+json") << specPatch << 400
                                            << QStringLiteral("strict decoding error: unknown field \"spec.replicaz\"") << QStringList()
                                            << QString() << QStringList();
        QTest::newRow("strategic PATCH Warn") << QByteArray("PATCH") << deployments + QStringLiteral("/base?fieldValidation=Warn")
                                              << QByteArray("application/strategic-merge-patch+json") << specPatch << 200 << QString()
                                              << QStringList{QStringLiteral("spec.replicaz")} << deployments + QStringLiteral("/base") << typos;
        QTest::newRow("JSON PATCH Ignore") << QByteArray("PATCH") << deployments + QStringLiteral("/base?fieldValidation=Ignore")
                                           << QByteArray("application/json-patch+json")
                                           << QByteArray("[{\"op\":\"add\",\"path\":\"/spec/replicaz\",\"value\":2}]")
                                           << 200 << QString() << QStringList() << deployments + QStringLiteral("/base") << typos;
        QTest::newRow("apply Strict") << QByteArray("PATCH") << deployments + QStringLiteral("/applied?fieldManager=t&fieldValidation=Strict")
                                      << apply << compact(fvDeployment(QStringLiteral("applied"), replicaz, imagez)) << 400
                                      << QStringLiteral(".spec.replicaz: field not declared in schema, "
                                                        ".spec.template.spec.containers[0].imagez: field not declared in schema")
                                      << QStringList() << deployments + QStringLiteral("/applied") << typos;
        QTest::newRow("apply Warn") << QByteArray("PATCH") << deployments + QStringLiteral("/applied?fieldManager=t&fieldValidation=Warn")
                                    << apply << compact(fvDeployment(QStringLiteral("applied"), replicaz, imagez)) << 201 << QString()
                                    << both << deployments + QStringLiteral("/applied") << typos;
        QTest::newRow("apply Ignore") << QByteArray("PATCH") << deployments + QStringLiteral("/applied2?fieldManager=t&fieldValidation=Ignore")
                                      << apply << compact(fvDeployment(QStringLiteral("applied2"), replicaz, imagez)) << 201 << QString()
                                      << QStringList() << deployments + QStringLiteral("/applied2") << typos;
    }

    // kube-api.md §6.9–6.12: unknown fields are rejected (Strict), dropped with a Warning
    // header (Warn, the default) or dropped silently (Ignore); never stored.
    void fieldValidation()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        QFETCH(QByteArray, contentType);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, message);
        QFETCH(QStringList, warnings);
        QFETCH(QString, getPath);
        QFETCH(QStringList, typos);

        const int ns = request("POST", QStringLiteral("/api/v1/namespaces"), namespaceObject(QStringLiteral("fv"))).status;
        QVERIFY(ns == 201 || ns == 409);
        const int base = send("POST", QStringLiteral("/apis/apps/v1/namespaces/fv/deployments"),
                              compact(fvDeployment(QStringLiteral("base"))), "application/json").status;
        QVERIFY(base == 201 || base == 409);

        const Reply r = send(method, path, body, contentType);
        QVERIFY2(r.status == status, r.body.constData());
        if (status >= 400) {
            QCOMPARE(r.json.value(QStringLiteral("reason")).toString(), QStringLiteral("BadRequest"));
            QCOMPARE(r.json.value(QStringLiteral("message")).toString(), message);
        }
        QCOMPARE(int(r.warnings.count("299 - ")), int(warnings.size()));
        for (const QString &field : warnings) {
            const QByteArray expected = "299 - \"unknown field \\\"" + field.toUtf8() + "\\\"\"";
            QVERIFY2(r.warnings.contains(expected), r.warnings.constData());
        }
        if (getPath.isEmpty())
            return;
        const Reply stored = send("GET", getPath, {}, {});
        if (status >= 400 && method != "PUT") {
            QCOMPARE(stored.status, 404);
            return;
        }
        QCOMPARE(stored.status, 200);
        for (const QString &typo : typos)
            QVERIFY2(!stored.body.contains(typo.toUtf8()), stored.body.constData());
        QVERIFY(stored.body.contains("\"nginx\"") || !path.contains(QLatin1String("deployments")));
    }

    // A custom resource is checked against its CRD's openAPIV3Schema; subtrees marked
    // x-kubernetes-preserve-unknown-fields, or without properties, accept any field.
    void fieldValidationCustomResource()
    {
        const QJsonObject anyObject{{QStringLiteral("type"), QStringLiteral("object")},
                                    {QStringLiteral("x-kubernetes-preserve-unknown-fields"), true}};
        const QJsonObject tag{{QStringLiteral("type"), QStringLiteral("object")},
                              {QStringLiteral("properties"), QJsonObject{{QStringLiteral("name"), QJsonObject{{QStringLiteral("type"), QStringLiteral("string")}}}}}};
        const QJsonObject spec{{QStringLiteral("type"), QStringLiteral("object")},
                               {QStringLiteral("properties"),
                                QJsonObject{{QStringLiteral("size"), QJsonObject{{QStringLiteral("type"), QStringLiteral("integer")}}},
                                            {QStringLiteral("tags"), QJsonObject{{QStringLiteral("type"), QStringLiteral("array")}, {QStringLiteral("items"), tag}}},
                                            {QStringLiteral("extra"), anyObject},
                                            {QStringLiteral("free"), QJsonObject{{QStringLiteral("type"), QStringLiteral("object")}}}}}};
        const QJsonObject schema{{QStringLiteral("type"), QStringLiteral("object")},
                                 {QStringLiteral("properties"), QJsonObject{{QStringLiteral("spec"), spec}, {QStringLiteral("status"), anyObject}}}};
        const QJsonObject version{{QStringLiteral("name"), QStringLiteral("v1")}, {QStringLiteral("served"), true}, {QStringLiteral("storage"), true},
                                  {QStringLiteral("schema"), QJsonObject{{QStringLiteral("openAPIV3Schema"), schema}}}};
        const QJsonObject crd{{QStringLiteral("apiVersion"), QStringLiteral("apiextensions.k8s.io/v1")},
                              {QStringLiteral("kind"), QStringLiteral("CustomResourceDefinition")},
                              {QStringLiteral("metadata"), QJsonObject{{QStringLiteral("name"), QStringLiteral("probes.fv.io")}}},
                              {QStringLiteral("spec"), QJsonObject{{QStringLiteral("group"), QStringLiteral("fv.io")},
                                                                   {QStringLiteral("scope"), QStringLiteral("Namespaced")},
                                                                   {QStringLiteral("names"), QJsonObject{{QStringLiteral("plural"), QStringLiteral("probes")},
                                                                                                         {QStringLiteral("singular"), QStringLiteral("probe")},
                                                                                                         {QStringLiteral("kind"), QStringLiteral("Probe")}}},
                                                                   {QStringLiteral("versions"), QJsonArray{version}}}}};
        QCOMPARE(request("POST", QStringLiteral("/apis/apiextensions.k8s.io/v1/customresourcedefinitions"), crd).status, 201);
        const int ns = request("POST", QStringLiteral("/api/v1/namespaces"), namespaceObject(QStringLiteral("fv"))).status;
        QVERIFY(ns == 201 || ns == 409);
        const QString probes = QStringLiteral("/apis/fv.io/v1/namespaces/fv/probes");
        QTRY_COMPARE_WITH_TIMEOUT(request("GET", probes).status, 200, 10000);

        const auto probe = [](const QString &name) {
            const QJsonObject spec{{QStringLiteral("size"), 1},
                                   {QStringLiteral("sizez"), 2},
                                   {QStringLiteral("tags"), QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("a")},
                                                                                   {QStringLiteral("namez"), QStringLiteral("b")}}}},
                                   {QStringLiteral("extra"), QJsonObject{{QStringLiteral("anything"), true}}},
                                   {QStringLiteral("free"), QJsonObject{{QStringLiteral("whatever"), true}}}};
            return compact(QJsonObject{{QStringLiteral("apiVersion"), QStringLiteral("fv.io/v1")}, {QStringLiteral("kind"), QStringLiteral("Probe")},
                                       {QStringLiteral("metadata"), QJsonObject{{QStringLiteral("name"), name}}},
                                       {QStringLiteral("spec"), spec},
                                       {QStringLiteral("status"), QJsonObject{{QStringLiteral("phase"), QStringLiteral("x")}}}});
        };
        Reply r = send("POST", probes + QStringLiteral("?fieldValidation=Strict"), probe(QStringLiteral("p1")), "application/json");
        QCOMPARE(r.status, 400);
        QCOMPARE(r.json.value(QStringLiteral("message")).toString(),
                 QStringLiteral("Probe in version \"v1\" cannot be handled as a Probe: strict decoding error: "
                                "unknown field \"spec.sizez\", unknown field \"spec.tags[0].namez\""));
        r = send("POST", probes + QStringLiteral("?fieldValidation=Warn"), probe(QStringLiteral("p1")), "application/json");
        QCOMPARE(r.status, 201);
        QCOMPARE(int(r.warnings.count("299 - ")), 2);
        const QJsonObject stored = send("GET", probes + QStringLiteral("/p1"), {}, {}).json;
        const QJsonObject storedSpec = stored.value(QStringLiteral("spec")).toObject();
        QVERIFY(!storedSpec.contains(QStringLiteral("sizez")));
        QVERIFY(!storedSpec.value(QStringLiteral("tags")).toArray().first().toObject().contains(QStringLiteral("namez")));
        QCOMPARE(storedSpec.value(QStringLiteral("extra")).toObject().value(QStringLiteral("anything")).toBool(), true);
        QCOMPARE(storedSpec.value(QStringLiteral("free")).toObject().value(QStringLiteral("whatever")).toBool(), true);
        // Leaves no objects behind for namespaceDeletionCascades.
        QCOMPARE(request("DELETE", QStringLiteral("/api/v1/namespaces/fv")).status, 200);
    }

    // kubectl auth whoami: POST a SelfSubjectReview, answered and not stored; listed in discovery.
    void selfSubjectReview()
    {
        const QJsonObject review{{QStringLiteral("apiVersion"), QStringLiteral("authentication.k8s.io/v1")},
                                 {QStringLiteral("kind"), QStringLiteral("SelfSubjectReview")},
                                 {QStringLiteral("metadata"), QJsonObject()}};
        Reply r = request("POST", QStringLiteral("/apis/authentication.k8s.io/v1/selfsubjectreviews"), review);
        QCOMPARE(r.status, 201);
        QCOMPARE(r.json.value(QStringLiteral("kind")).toString(), QStringLiteral("SelfSubjectReview"));
        const QJsonObject userInfo = r.json.value(QStringLiteral("status")).toObject().value(QStringLiteral("userInfo")).toObject();
        QCOMPARE(userInfo.value(QStringLiteral("username")).toString(), QStringLiteral("sluice-sandbox-admin"));
        QCOMPARE(userInfo.value(QStringLiteral("groups")).toArray(),
                 (QJsonArray{QStringLiteral("system:masters"), QStringLiteral("system:authenticated")}));
        QCOMPARE(request("GET", QStringLiteral("/apis/authentication.k8s.io/v1/selfsubjectreviews")).status, 405);

        r = request("GET", QStringLiteral("/apis/authentication.k8s.io/v1"));
        QCOMPARE(r.status, 200);
        const QJsonObject resource = r.json.value(QStringLiteral("resources")).toArray().first().toObject();
        QCOMPARE(resource.value(QStringLiteral("name")).toString(), QStringLiteral("selfsubjectreviews"));
        QCOMPARE(resource.value(QStringLiteral("namespaced")).toBool(), false);
        QCOMPARE(resource.value(QStringLiteral("verbs")).toArray(), QJsonArray{QStringLiteral("create")});
        QCOMPARE(request("GET", QStringLiteral("/apis/authentication.k8s.io")).status, 200);

        r = request("GET", QStringLiteral("/apis"), {}, std::nullopt, kAggregatedAccept);
        bool found = false;
        for (const QJsonValue &item : r.json.value(QStringLiteral("items")).toArray()) {
            const QJsonObject group = item.toObject();
            if (group.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("name")).toString() != QLatin1String("authentication.k8s.io"))
                continue;
            const QJsonObject res = group.value(QStringLiteral("versions")).toArray().first().toObject()
                                        .value(QStringLiteral("resources")).toArray().first().toObject();
            QCOMPARE(res.value(QStringLiteral("resource")).toString(), QStringLiteral("selfsubjectreviews"));
            QCOMPARE(res.value(QStringLiteral("scope")).toString(), QStringLiteral("Cluster"));
            found = true;
        }
        QVERIFY(found);
        r = request("GET", QStringLiteral("/apis"));
        QVERIFY(QJsonDocument(r.json).toJson().contains("\"authentication.k8s.io/v1\""));
    }

    void listSelectorsAndPages()
    {
        for (int i = 0; i < 5; ++i) {
            const QJsonObject labels{{QStringLiteral("app"), i % 2 ? QStringLiteral("y") : QStringLiteral("x")}, {QStringLiteral("tier"), QString::number(i)}};
            QCOMPARE(request("POST", QStringLiteral("/api/v1/namespaces/demo/configmaps"), configMap(QStringLiteral("p%1").arg(i), labels)).status, 201);
        }
        auto listNames = [&](const QString &query) {
            return names(request("GET", QStringLiteral("/api/v1/namespaces/demo/configmaps?") + query).json);
        };
        QCOMPARE(listNames(QStringLiteral("labelSelector=app%3Dx")), (QStringList{"a", "p0", "p2", "p4"}));
        QCOMPARE(listNames(QStringLiteral("labelSelector=app%3D%3Dy")), (QStringList{"p1", "p3"}));
        QCOMPARE(listNames(QStringLiteral("labelSelector=app!%3Dx")).filter(QRegularExpression(QStringLiteral("^p\\d$"))), (QStringList{"p1", "p3"}));
        QCOMPARE(listNames(QStringLiteral("labelSelector=tier%20in%20(1,2)")), (QStringList{"p1", "p2"}));
        QCOMPARE(listNames(QStringLiteral("labelSelector=tier%20notin%20(0,1,2,3),tier")), (QStringList{"p4"}));
        QCOMPARE(listNames(QStringLiteral("labelSelector=!tier")).filter(QRegularExpression(QStringLiteral("^p\\d$"))), QStringList());
        QCOMPARE(listNames(QStringLiteral("fieldSelector=metadata.name%3Dp3")), (QStringList{"p3"}));
        QCOMPARE(request("GET", QStringLiteral("/api/v1/namespaces/demo/configmaps?labelSelector=%3D%3D")).status, 400);

        QStringList all;
        QString token;
        int pages = 0;
        do {
            const Reply r = request("GET", QStringLiteral("/api/v1/namespaces/demo/configmaps?limit=2&continue=") + token);
            QCOMPARE(r.status, 200);
            QCOMPARE(r.json.value(QStringLiteral("kind")).toString(), QStringLiteral("ConfigMapList"));
            all += names(r.json);
            token = r.json.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("continue")).toString();
            ++pages;
        } while (!token.isEmpty() && pages < 10);
        QCOMPARE(all, names(request("GET", QStringLiteral("/api/v1/namespaces/demo/configmaps")).json));
        QCOMPARE(pages, (all.size() + 1) / 2);
        QVERIFY(names(request("GET", QStringLiteral("/api/v1/configmaps")).json).contains(QStringLiteral("p4")));
    }

    void replaceConflict()
    {
        const Reply current = request("GET", QStringLiteral("/api/v1/namespaces/demo/configmaps/a"));
        QJsonObject updated = current.json;
        updated.insert(QStringLiteral("data"), QJsonObject{{QStringLiteral("k"), QStringLiteral("new")}});
        Reply r = request("PUT", QStringLiteral("/api/v1/namespaces/demo/configmaps/a"), updated);
        QCOMPARE(r.status, 200);
        QVERIFY(rvOf(r.json).toULongLong() > rvOf(current.json).toULongLong());
        r = request("PUT", QStringLiteral("/api/v1/namespaces/demo/configmaps/a"), updated); // stale resourceVersion
        QCOMPARE(r.status, 409);
        QCOMPARE(r.json.value(QStringLiteral("reason")).toString(), QStringLiteral("Conflict"));
    }

    void dryRunLeavesNothing()
    {
        const QString before = rvOf(request("GET", QStringLiteral("/api/v1/namespaces/demo/configmaps")).json);
        Reply r = request("POST", QStringLiteral("/api/v1/namespaces/demo/configmaps?dryRun=All"), configMap(QStringLiteral("dry")));
        QCOMPARE(r.status, 201);
        QCOMPARE(request("GET", QStringLiteral("/api/v1/namespaces/demo/configmaps/dry")).status, 404);
        QJsonObject updated = request("GET", QStringLiteral("/api/v1/namespaces/demo/configmaps/a")).json;
        updated.insert(QStringLiteral("data"), QJsonObject{{QStringLiteral("k"), QStringLiteral("dry")}});
        QCOMPARE(request("PUT", QStringLiteral("/api/v1/namespaces/demo/configmaps/a?dryRun=All"), updated).status, 200);
        QCOMPARE(request("DELETE", QStringLiteral("/api/v1/namespaces/demo/configmaps/a?dryRun=All")).status, 200);
        r = request("GET", QStringLiteral("/api/v1/namespaces/demo/configmaps/a"));
        QCOMPARE(r.json.value(QStringLiteral("data")).toObject().value(QStringLiteral("k")).toString(), QStringLiteral("new"));
        QCOMPARE(rvOf(request("GET", QStringLiteral("/api/v1/namespaces/demo/configmaps")).json), before);
    }

    void deleteObjects()
    {
        Reply r = request("DELETE", QStringLiteral("/api/v1/namespaces/demo/configmaps/p0"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value(QStringLiteral("status")).toString(), QStringLiteral("Success"));
        QCOMPARE(r.json.value(QStringLiteral("details")).toObject().value(QStringLiteral("name")).toString(), QStringLiteral("p0"));
        QCOMPARE(request("DELETE", QStringLiteral("/api/v1/namespaces/demo/configmaps/p0")).status, 404);
    }

    void persistsAcrossRestart()
    {
        const QJsonObject before = request("GET", QStringLiteral("/api/v1/namespaces/demo/configmaps/a")).json;
        const QUrl oldUrl = m_sandbox->url();
        m_sandbox.reset();
        startSandbox();
        const Reply r = request("GET", QStringLiteral("/api/v1/namespaces/demo/configmaps/a"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json, before);
        QCOMPARE(request("GET", QStringLiteral("/api/v1/namespaces/demo/configmaps/p0")).status, 404);
        // A new write continues the resourceVersion sequence.
        const Reply created = request("POST", QStringLiteral("/api/v1/namespaces/demo/configmaps"), configMap(QStringLiteral("after")));
        QVERIFY(rvOf(created.json).toULongLong() > rvOf(before).toULongLong());
        Q_UNUSED(oldUrl);
    }

    void namespaceDeletionCascades()
    {
        QCOMPARE(request("DELETE", QStringLiteral("/api/v1/namespaces/demo")).status, 200);
        QCOMPARE(request("GET", QStringLiteral("/api/v1/namespaces/demo")).status, 404);
        QCOMPARE(names(request("GET", QStringLiteral("/api/v1/configmaps")).json), QStringList());
        QCOMPARE(names(request("GET", QStringLiteral("/apis/apps/v1/deployments")).json), QStringList());
        QCOMPARE(request("POST", QStringLiteral("/api/v1/namespaces/demo/configmaps"), configMap(QStringLiteral("a"))).status, 404);
    }

    // Per-write cost with 1,000 objects: journal append + fdatasync vs. a full durable snapshot.
    void writeCost()
    {
        QTemporaryDir dir;
        Result<std::unique_ptr<ObjectStore>> store = ObjectStore::open(dir.path());
        QVERIFY(store.ok());
        QElapsedTimer timer;
        timer.start();
        for (int i = 0; i < 1000; ++i) {
            QList<Mutation> m{Mutation{Mutation::Op::Put, ObjectKey{QStringLiteral("configmaps"), QStringLiteral("ns"), QStringLiteral("cm%1").arg(i)},
                                       configMap(QStringLiteral("cm%1").arg(i), {}, QStringLiteral("ns"))}};
            QVERIFY((*store)->commit(m).ok());
        }
        const double journalMs = double(timer.nsecsElapsed()) / 1e6 / 1000;
        timer.restart();
        for (int i = 0; i < 20; ++i)
            QVERIFY(writeFileDurably(dir.filePath(QStringLiteral("snap")), (*store)->snapshotBytes()).ok());
        const double snapshotMs = double(timer.nsecsElapsed()) / 1e6 / 20;
        qInfo("per write with 1000 objects: journal %.3f ms, full snapshot %.3f ms", journalMs, snapshotMs);
        store->reset();
        Result<std::unique_ptr<ObjectStore>> reopened = ObjectStore::open(dir.path());
        QVERIFY(reopened.ok());
        QCOMPARE((*reopened)->list(QStringLiteral("configmaps")).size(), 1000);
        QCOMPARE((*reopened)->resourceVersion(), quint64(1000));
    }
};

QTEST_GUILESS_MAIN(TestSandboxApi)
#include "tst_sandboxapi.moc"
