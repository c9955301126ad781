// The real kubectl (the dispatcher on PATH) against the built sluice-sandbox binary: version,
// discovery, get (server-side Table columns), create -f and apply -f with client-side validation
// on (OpenAPI v3), explain, get -w, selectors, delete, and durability across SIGKILL + restart.
// Fails (never skips) when kubectl is missing.

#include "common/Corpus.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

} // namespace

class TestSandboxKubectl : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QProcess *m_sandbox = nullptr;

    QString kubeconfig() const { return m_dir.filePath(QStringLiteral("kubeconfig")); }

    // Starts the binary and waits for its ready line.
    bool startSandbox()
    {
        m_sandbox = new QProcess(this);
        m_sandbox->setProcessChannelMode(QProcess::SeparateChannels);
        m_sandbox->start(QStringLiteral(SLUICE_BINARY_DIR "/app/sluice-sandbox/sluice-sandbox"),
                         {QStringLiteral("--data-dir"), m_dir.filePath(QStringLiteral("data")), QStringLiteral("--port"),
                          QStringLiteral("0"), QStringLiteral("--kubeconfig-out"), kubeconfig(),
                          QStringLiteral("--controller-delay"), QStringLiteral("100")});
        if (!m_sandbox->waitForStarted(10000))
            return false;
        QByteArray out;
        while (!out.contains('\n')) {
            if (!m_sandbox->waitForReadyRead(15000))
                return false;
            out += m_sandbox->readAllStandardOutput();
        }
        const bool ready = QRegularExpression(QStringLiteral(R"(^sluice-sandbox ready: https://127\.0\.0\.1:\d+ kubeconfig=\S+\n$)"))
                               .match(QString::fromUtf8(out))
                               .hasMatch();
        if (!ready)
            qWarning("unexpected ready line: %s", out.constData());
        return ready;
    }

    void killSandbox()
    {
        if (!m_sandbox)
            return;
        ::kill(pid_t(m_sandbox->processId()), SIGKILL);
        m_sandbox->waitForFinished(10000);
        delete m_sandbox;
        m_sandbox = nullptr;
    }

    Run kubectl(const QStringList &args)
    {
        QProcess p;
        p.start(QStringLiteral("kubectl"), QStringList{QStringLiteral("--kubeconfig"), kubeconfig(), QStringLiteral("--cache-dir"),
                                                       m_dir.filePath(QStringLiteral("cache"))} + args);
        p.waitForFinished(60000);
        Run r{p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(), p.readAllStandardError()};
        if (r.exitCode != 0)
            qInfo("kubectl %s -> %d\n%s%s", qPrintable(args.join(' ')), r.exitCode, r.out.constData(), r.err.constData());
        return r;
    }

    QString writeFile(const QString &name, const QByteArray &text)
    {
        QFile file(m_dir.filePath(name));
        if (!file.open(QIODevice::WriteOnly))
            qFatal("cannot write %s", qPrintable(file.fileName()));
        file.write(text);
        return file.fileName();
    }

    // `kubectl get … -o json` of one object, managedFields included.
    QJsonObject getJson(const QString &kind, const QString &name, const QString &ns)
    {
        const Run r = kubectl({QStringLiteral("get"), kind, name, QStringLiteral("-n"), ns, QStringLiteral("-o"), QStringLiteral("json"),
                               QStringLiteral("--show-managed-fields")});
        return QJsonDocument::fromJson(r.out).object();
    }

    // Managers of spec and metadata fields ("kubectl/Apply"), sorted.
    static QStringList managers(const QJsonObject &object)
    {
        QStringList result;
        for (const QJsonValue &entry : object.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("managedFields")).toArray()) {
            const QJsonObject e = entry.toObject();
            if (e.value(QStringLiteral("subresource")).toString() == QLatin1String("status"))
                continue; // the simulated controllers' status writes, as kube-controller-manager's on a real cluster
            result << e.value(QStringLiteral("manager")).toString() + QLatin1Char('/') + e.value(QStringLiteral("operation")).toString();
        }
        result.sort();
        return result;
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(!QStandardPaths::findExecutable(QStringLiteral("kubectl")).isEmpty(), "kubectl must be on PATH");
        QVERIFY(m_dir.isValid());
        QVERIFY(startSandbox());
        QFile config(kubeconfig());
        QVERIFY(config.exists());
        QCOMPARE(int(config.permissions() & (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther)), 0);
    }

    void cleanupTestCase()
    {
        if (m_sandbox) {
            m_sandbox->terminate(); // SIGTERM: clean shutdown
            QVERIFY(m_sandbox->waitForFinished(10000));
            QCOMPARE(m_sandbox->exitStatus(), QProcess::NormalExit);
            QCOMPARE(m_sandbox->exitCode(), 0);
        }
    }

    void version()
    {
        const Run r = kubectl({QStringLiteral("version")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("Server Version: v1."), r.out.constData());
    }

    void apiResources()
    {
        const Run r = kubectl({QStringLiteral("api-resources")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(QRegularExpression(QStringLiteral(R"(\ndeployments\s+deploy\s+apps/v1\s+true\s+Deployment)"))
                     .match(QString::fromUtf8(r.out)).hasMatch(), r.out.constData());
        QVERIFY(r.out.contains("customresourcedefinitions"));
    }

    void getNamespaces()
    {
        const Run r = kubectl({QStringLiteral("get"), QStringLiteral("namespaces")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.startsWith("NAME"), r.out.constData());
        QVERIFY(r.out.contains("\ndefault "));
        QVERIFY(r.out.contains("\nkube-system "));
    }

    void createFromFiles()
    {
        // Validation on: kubectl fetches OpenAPI v3 and sends fieldValidation=Strict (§6.5).
        const QString ns = writeFile(QStringLiteral("ns.yaml"), "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n");
        const QString cm = writeFile(QStringLiteral("cm.yaml"),
                                     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\n  namespace: demo\n"
                                     "  labels:\n    app: x\ndata:\n  key1: value1\n  key2: value2\n");
        Run r = kubectl({QStringLiteral("create"), QStringLiteral("-f"), ns});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out.trimmed(), QByteArray("namespace/demo created"));
        r = kubectl({QStringLiteral("create"), QStringLiteral("-f"), cm});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out.trimmed(), QByteArray("configmap/app-config created"));
        r = kubectl({QStringLiteral("create"), QStringLiteral("-f"), cm});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("Error from server (AlreadyExists): error when creating"), r.err.constData());
        QVERIFY(r.err.contains("configmaps \"app-config\" already exists"));
        const QString other = writeFile(QStringLiteral("other.yaml"),
                                        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n  namespace: demo\n"
                                        "  labels:\n    app: \"y\"\n");
        QCOMPARE(kubectl({QStringLiteral("create"), QStringLiteral("-f"), other}).exitCode, 0);
    }

    // kubectl's generator commands send protobuf bodies (kube-api.md §10): ConfigMaps and
    // Secrets, binary values included, arrive as the JSON path would store them.
    void createGenerators()
    {
        const QString binary = writeFile(QStringLiteral("bin.dat"), QByteArray("bin\0\xff", 5));
        Run r = kubectl({"create", "configmap", "generated", "-n", "demo", "--from-literal=a=b", "--from-file=bin=" + binary});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out.trimmed(), QByteArray("configmap/generated created"));
        const QJsonObject cm = getJson("configmap", "generated", "demo");
        QCOMPARE(cm.value("data").toObject(), (QJsonObject{{"a", "b"}}));
        QCOMPARE(cm.value("binaryData").toObject(), (QJsonObject{{"bin", QString::fromLatin1(QByteArray("bin\0\xff", 5).toBase64())}}));
        r = kubectl({"create", "secret", "generic", "generated", "-n", "demo", "--from-literal=password=hunter2"});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject secret = getJson("secret", "generated", "demo");
        QCOMPARE(secret.value("type").toString(), QStringLiteral("Opaque"));
        QCOMPARE(secret.value("data").toObject(), (QJsonObject{{"password", QString::fromLatin1(QByteArray("hunter2").toBase64())}}));
        r = kubectl({"describe", "secret", "generated", "-n", "demo"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("password:  7 bytes"), r.out.constData());
        r = kubectl({"create", "deployment", "generated", "-n", "demo", "--image=nginx"});
        QCOMPARE(r.exitCode, 1); // its protobuf is not decoded: a clear answer, nothing stored
        QVERIFY2(r.err.contains("not apps/v1 Deployment; send JSON"), r.err.constData());
    }

    void applyWithValidation()
    {
        const QString deploy = writeFile(QStringLiteral("deploy.yaml"),
                                         "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: demo\n"
                                         "spec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: web\n  template:\n"
                                         "    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n"
                                         "      - name: web\n        image: nginx:1.27\n");
        Run r = kubectl({QStringLiteral("apply"), QStringLiteral("-f"), deploy});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out.trimmed(), QByteArray("deployment.apps/web created"));
        QVERIFY2(r.err.isEmpty(), r.err.constData()); // no validation or OpenAPI warnings
        r = kubectl({QStringLiteral("apply"), QStringLiteral("-f"), deploy});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out.trimmed(), QByteArray("deployment.apps/web unchanged"));
        QVERIFY2(r.err.isEmpty(), r.err.constData());
    }

    // Server-side field validation (kube-api.md §6.9): kubectl sends fieldValidation=Strict by
    // default and prints the server's strict decoding error; --validate=warn sends Warn and
    // prints the Warning headers; the unknown field is never stored.
    void applyUnknownField()
    {
        const QString typo = writeFile(QStringLiteral("typo.yaml"),
                                       "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: typo\n  namespace: demo\n"
                                       "spec:\n  replicaz: 2\n  selector:\n    matchLabels:\n      app: typo\n  template:\n"
                                       "    metadata:\n      labels:\n        app: typo\n    spec:\n      containers:\n"
                                       "      - name: web\n        image: nginx:1.27\n");
        Run r = kubectl({QStringLiteral("apply"), QStringLiteral("-f"), typo});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("Error from server (BadRequest)"), r.err.constData());
        QVERIFY2(r.err.contains("strict decoding error: unknown field \"spec.replicaz\""), r.err.constData());
        QCOMPARE(kubectl({QStringLiteral("get"), QStringLiteral("deployment"), QStringLiteral("typo"), QStringLiteral("-n"),
                          QStringLiteral("demo")}).exitCode, 1);

        r = kubectl({QStringLiteral("apply"), QStringLiteral("--validate=warn"), QStringLiteral("-f"), typo});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out.trimmed(), QByteArray("deployment.apps/typo created"));
        QVERIFY2(r.err.contains("Warning: unknown field \"spec.replicaz\""), r.err.constData());
        const QJsonObject stored = getJson(QStringLiteral("deployment"), QStringLiteral("typo"), QStringLiteral("demo"));
        QVERIFY(stored.value(QStringLiteral("spec")).toObject().contains(QStringLiteral("selector")));
        QVERIFY(!stored.value(QStringLiteral("spec")).toObject().contains(QStringLiteral("replicaz")));
        QCOMPARE(kubectl({QStringLiteral("delete"), QStringLiteral("deployment"), QStringLiteral("typo"), QStringLiteral("-n"),
                          QStringLiteral("demo")}).exitCode, 0);
    }

    // kubectl auth whoami (1.28+): a SelfSubjectReview POST.
    void authWhoami()
    {
        Run r = kubectl({QStringLiteral("auth"), QStringLiteral("whoami")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(QRegularExpression(QStringLiteral("Username\\s+sluice-sandbox-admin")).match(QString::fromUtf8(r.out)).hasMatch(),
                 r.out.constData());
        QVERIFY2(r.out.contains("system:masters"), r.out.constData());
        r = kubectl({QStringLiteral("auth"), QStringLiteral("whoami"), QStringLiteral("-o"), QStringLiteral("json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject userInfo = QJsonDocument::fromJson(r.out).object().value(QStringLiteral("status")).toObject()
                                         .value(QStringLiteral("userInfo")).toObject();
        QCOMPARE(userInfo.value(QStringLiteral("username")).toString(), QStringLiteral("sluice-sandbox-admin"));
    }

    void serverSideTableColumns_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("header");
        QTest::addColumn<QString>("row");
        QTest::newRow("deployments") << QStringList{"get", "deployments", "-n", "demo"}
                                     << R"(^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$)" << R"(^web\s+[0-2]/2\s+[0-2]\s+[0-2]\s+\d+s$)";
        QTest::newRow("configmaps") << QStringList{"get", "configmaps", "-n", "demo"} << R"(^NAME\s+DATA\s+AGE$)"
                                    << R"(^app-config\s+2\s+\d+s$)";
        QTest::newRow("namespaces") << QStringList{"get", "namespaces"} << R"(^NAME\s+STATUS\s+AGE$)" << R"(^demo\s+Active\s+\d+s$)";
        QTest::newRow("one object") << QStringList{"get", "configmap", "app-config", "-n", "demo"} << R"(^NAME\s+DATA\s+AGE$)"
                                    << R"(^app-config\s+2\s+\d+s$)";
        QTest::newRow("all namespaces") << QStringList{"get", "deploy", "-A"}
                                        << R"(^NAMESPACE\s+NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$)"
                                        << R"(^demo\s+web\s+[0-2]/2\s+[0-2]\s+[0-2]\s+\d+s$)";
    }
    void serverSideTableColumns()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, header);
        QFETCH(QString, row);
        const Run r = kubectl(args);
        QCOMPARE(r.exitCode, 0);
        const QStringList lines = QString::fromUtf8(r.out).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QVERIFY2(QRegularExpression(header).match(lines.value(0)).hasMatch(), r.out.constData());
        QVERIFY2(!lines.filter(QRegularExpression(row)).isEmpty(), r.out.constData());
    }

    void explain()
    {
        const Run r = kubectl({QStringLiteral("explain"), QStringLiteral("configmap")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(QRegularExpression(QStringLiteral(R"(KIND:\s+ConfigMap\nVERSION:\s+v1)")).match(QString::fromUtf8(r.out)).hasMatch(),
                 r.out.constData());
    }

    void watchConfigMaps()
    {
        // kubectl get -w: LIST (Table) then WATCH from the list's resourceVersion (§8.3).
        QProcess watcher;
        watcher.start(QStringLiteral("kubectl"),
                      {QStringLiteral("--kubeconfig"), kubeconfig(), QStringLiteral("--cache-dir"), m_dir.filePath(QStringLiteral("cache")),
                       QStringLiteral("get"), QStringLiteral("configmaps"), QStringLiteral("-n"), QStringLiteral("demo"), QStringLiteral("-w"),
                       QStringLiteral("--output-watch-events")});
        QVERIFY(watcher.waitForStarted(10000));
        QByteArray out;
        auto waitFor = [&](const QString &pattern) {
            const QRegularExpression re(pattern, QRegularExpression::MultilineOption);
            return QTest::qWaitFor([&] {
                out += watcher.readAllStandardOutput();
                return re.match(QString::fromUtf8(out)).hasMatch();
            }, 30000);
        };
        QVERIFY2(waitFor(QStringLiteral(R"(^ADDED\s+app-config\s+2\s)")), out.constData());
        QTest::qWait(500); // the watch request follows the list

        const QString v1 = writeFile(QStringLiteral("watched.yaml"),
                                     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: watched\n  namespace: demo\ndata:\n  a: \"1\"\n");
        const QString v2 = writeFile(QStringLiteral("watched2.yaml"),
                                     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: watched\n  namespace: demo\ndata:\n  a: \"2\"\n  b: \"3\"\n");
        QCOMPARE(kubectl({QStringLiteral("create"), QStringLiteral("-f"), v1}).exitCode, 0);
        QVERIFY2(waitFor(QStringLiteral(R"(^ADDED\s+watched\s+1\s)")), out.constData());
        QCOMPARE(kubectl({QStringLiteral("replace"), QStringLiteral("-f"), v2}).exitCode, 0);
        QVERIFY2(waitFor(QStringLiteral(R"(^MODIFIED\s+watched\s+2\s)")), out.constData());
        QCOMPARE(kubectl({QStringLiteral("delete"), QStringLiteral("-f"), v2}).exitCode, 0);
        QVERIFY2(waitFor(QStringLiteral(R"(^DELETED\s+watched\s+2\s)")), out.constData());
        // The stream stays open: kubectl would exit 0 if it ended (§6.7).
        QCOMPARE(watcher.state(), QProcess::Running);
        watcher.kill();
        watcher.waitForFinished(10000);
    }

    void watchOneObjectJson()
    {
        // get NAME -w -o json: GET, then WATCH with a field selector from resourceVersion 0.
        QProcess watcher;
        watcher.start(QStringLiteral("kubectl"),
                      {QStringLiteral("--kubeconfig"), kubeconfig(), QStringLiteral("--cache-dir"), m_dir.filePath(QStringLiteral("cache")),
                       QStringLiteral("get"), QStringLiteral("configmap"), QStringLiteral("app-config"), QStringLiteral("-n"),
                       QStringLiteral("demo"), QStringLiteral("-w"), QStringLiteral("--output-watch-events"), QStringLiteral("-o"),
                       QStringLiteral(R"(jsonpath={.type} {.object.metadata.name}{"\n"})")});
        QVERIFY(watcher.waitForStarted(10000));
        QByteArray out;
        QVERIFY2(QTest::qWaitFor([&] { out += watcher.readAllStandardOutput(); return out.contains("ADDED app-config\n"); }, 30000),
                 out.constData());
        QTest::qWait(300);
        QCOMPARE(kubectl({QStringLiteral("label"), QStringLiteral("configmap"), QStringLiteral("other"), QStringLiteral("-n"),
                          QStringLiteral("demo"), QStringLiteral("touched=yes")}).exitCode, 0);
        const QString cm = writeFile(QStringLiteral("cm-changed.yaml"),
                                     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\n  namespace: demo\n"
                                     "  labels:\n    app: x\ndata:\n  key1: changed\n  key2: value2\n");
        QCOMPARE(kubectl({QStringLiteral("replace"), QStringLiteral("-f"), cm}).exitCode, 0);
        QVERIFY2(QTest::qWaitFor([&] { out += watcher.readAllStandardOutput(); return out.contains("MODIFIED app-config\n"); }, 30000),
                 out.constData());
        QVERIFY2(!out.contains("other"), out.constData()); // the field selector filters
        QCOMPARE(watcher.state(), QProcess::Running);
        watcher.kill();
        watcher.waitForFinished(10000);
    }

    void getJson()
    {
        const Run r = kubectl({QStringLiteral("get"), QStringLiteral("configmap"), QStringLiteral("app-config"), QStringLiteral("-n"),
                               QStringLiteral("demo"), QStringLiteral("-o"), QStringLiteral("json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject object = QJsonDocument::fromJson(r.out).object();
        const QJsonObject metadata = object.value(QStringLiteral("metadata")).toObject();
        QCOMPARE(object.value(QStringLiteral("kind")).toString(), QStringLiteral("ConfigMap"));
        QCOMPARE(metadata.value(QStringLiteral("name")).toString(), QStringLiteral("app-config"));
        QCOMPARE(metadata.value(QStringLiteral("namespace")).toString(), QStringLiteral("demo"));
        QVERIFY(!metadata.value(QStringLiteral("uid")).toString().isEmpty());
        QVERIFY(metadata.value(QStringLiteral("resourceVersion")).toString().toULongLong() > 0);
        QVERIFY(metadata.value(QStringLiteral("creationTimestamp")).toString().endsWith(QLatin1Char('Z')));
        QCOMPARE(object.value(QStringLiteral("data")).toObject().value(QStringLiteral("key2")).toString(), QStringLiteral("value2"));
    }

    void getWithSelector()
    {
        Run r = kubectl({QStringLiteral("get"), QStringLiteral("configmaps"), QStringLiteral("-n"), QStringLiteral("demo"),
                         QStringLiteral("-l"), QStringLiteral("app=x")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("app-config"), r.out.constData());
        QVERIFY(!r.out.contains("other"));
        r = kubectl({QStringLiteral("get"), QStringLiteral("configmaps"), QStringLiteral("-A"), QStringLiteral("-l"),
                     QStringLiteral("app in (x,y)"), QStringLiteral("-o"), QStringLiteral("name")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out, QByteArray("configmap/app-config\nconfigmap/other\n"));
    }

    void getMissing()
    {
        const Run r = kubectl({QStringLiteral("get"), QStringLiteral("configmap"), QStringLiteral("nope"), QStringLiteral("-n"),
                               QStringLiteral("demo")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("Error from server (NotFound): configmaps \"nope\" not found"), r.err.constData());
    }

    void deleteConfigMap()
    {
        Run r = kubectl({QStringLiteral("delete"), QStringLiteral("configmap"), QStringLiteral("other"), QStringLiteral("-n"),
                         QStringLiteral("demo")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out.trimmed(), QByteArray("configmap \"other\" deleted"));
        r = kubectl({QStringLiteral("get"), QStringLiteral("configmap"), QStringLiteral("other"), QStringLiteral("-n"), QStringLiteral("demo")});
        QCOMPARE(r.exitCode, 1);
    }

    void survivesSigkill()
    {
        const QString cm = writeFile(QStringLiteral("durable.yaml"),
                                     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: durable\n  namespace: demo\n");
        QCOMPARE(kubectl({QStringLiteral("create"), QStringLiteral("-f"), cm}).exitCode, 0);
        killSandbox();
        QVERIFY(startSandbox()); // same data dir; a new port, the kubeconfig is rewritten
        Run r = kubectl({QStringLiteral("get"), QStringLiteral("configmap"), QStringLiteral("durable"), QStringLiteral("-n"),
                         QStringLiteral("demo"), QStringLiteral("-o"), QStringLiteral("name")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out, QByteArray("configmap/durable\n"));
        r = kubectl({QStringLiteral("get"), QStringLiteral("configmap"), QStringLiteral("app-config"), QStringLiteral("-n"),
                     QStringLiteral("demo"), QStringLiteral("-o"), QStringLiteral("name")});
        QCOMPARE(r.exitCode, 0);
    }

    void createNamespaceProtobuf()
    {
        // kube-api.md §8.4: the body is protobuf (§10).
        Run r = kubectl({QStringLiteral("create"), QStringLiteral("namespace"), QStringLiteral("demo2")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out.trimmed(), QByteArray("namespace/demo2 created"));
        r = kubectl({QStringLiteral("create"), QStringLiteral("namespace"), QStringLiteral("demo2")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("Error from server (AlreadyExists): namespaces \"demo2\" already exists"), r.err.constData());
        const QJsonObject ns = getJson(QStringLiteral("namespace"), QStringLiteral("demo2"), QStringLiteral("default"));
        QCOMPARE(managers(ns), QStringList{QStringLiteral("kubectl-create/Update")});
    }

    void serverSideApply()
    {
        // kube-api.md §8.5. --validate=false: no dependency on OpenAPI (§9); the PATCHes are the same.
        const QByteArray deployment = "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: ssa\nspec:\n"
                                      "  replicas: 2\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n"
                                      "      labels:\n        app: web\n    spec:\n      containers:\n      - name: nginx\n"
                                      "        image: nginx:1.25\n        ports:\n        - containerPort: 80\n";
        writeFile(QStringLiteral("ssa.yaml"), "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ssa\n---\napiVersion: v1\nkind: ConfigMap\n"
                                              "metadata:\n  name: app-config\n  namespace: ssa\ndata:\n  key1: value1\n" + deployment);
        for (int round = 0; round < 2; ++round) {
            const Run r = kubectl({QStringLiteral("apply"), QStringLiteral("--server-side"), QStringLiteral("--validate=false"), QStringLiteral("-f"),
                                   m_dir.filePath(QStringLiteral("ssa.yaml"))});
            QCOMPARE(r.exitCode, 0);
            QCOMPARE(r.out, QByteArray("namespace/ssa serverside-applied\nconfigmap/app-config serverside-applied\n"
                                       "deployment.apps/web serverside-applied\n"));
        }
        const QJsonObject web = getJson(QStringLiteral("deployment"), QStringLiteral("web"), QStringLiteral("ssa"));
        QCOMPARE(managers(web), QStringList{QStringLiteral("kubectl/Apply")});
        QCOMPARE(web.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("generation")).toInt(), 1);
    }

    void applyConflictAndForce()
    {
        // kube-api.md §7.6 with a Deployment.
        Run r = kubectl({QStringLiteral("patch"), QStringLiteral("deployment"), QStringLiteral("web"), QStringLiteral("-n"), QStringLiteral("ssa"),
                         QStringLiteral("--type"), QStringLiteral("merge"), QStringLiteral("-p"), QStringLiteral(R"({"spec":{"replicas":5}})")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out.trimmed(), QByteArray("deployment.apps/web patched"));
        const QStringList applyArgs{QStringLiteral("apply"), QStringLiteral("--server-side"), QStringLiteral("--validate=false"), QStringLiteral("-f"),
                                    m_dir.filePath(QStringLiteral("ssa.yaml"))};
        r = kubectl(applyArgs);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("error: Apply failed with 1 conflict: conflict with \"kubectl-patch\" using apps/v1: .spec.replicas"), r.err.constData());
        QVERIFY(r.err.contains("--force-conflicts"));
        QCOMPARE(getJson(QStringLiteral("deployment"), QStringLiteral("web"), QStringLiteral("ssa")).value(QStringLiteral("spec")).toObject()
                     .value(QStringLiteral("replicas")).toInt(), 5);
        r = kubectl(applyArgs + QStringList{QStringLiteral("--force-conflicts")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("deployment.apps/web serverside-applied"));
        const QJsonObject web = getJson(QStringLiteral("deployment"), QStringLiteral("web"), QStringLiteral("ssa"));
        QCOMPARE(web.value(QStringLiteral("spec")).toObject().value(QStringLiteral("replicas")).toInt(), 2);
        QCOMPARE(managers(web), QStringList{QStringLiteral("kubectl/Apply")}); // kubectl-patch lost its only field
        QCOMPARE(web.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("generation")).toInt(), 3);
    }

    void patchJsonAndStrategic()
    {
        const QStringList patch{QStringLiteral("patch"), QStringLiteral("deployment"), QStringLiteral("web"), QStringLiteral("-n"), QStringLiteral("ssa")};
        Run r = kubectl(patch + QStringList{QStringLiteral("--type"), QStringLiteral("json"), QStringLiteral("-p"),
                                            QStringLiteral(R"([{"op":"replace","path":"/spec/replicas","value":3}])")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out.trimmed(), QByteArray("deployment.apps/web patched"));
        r = kubectl(patch + QStringList{QStringLiteral("--type"), QStringLiteral("json"), QStringLiteral("-p"),
                                        QStringLiteral(R"([{"op":"test","path":"/spec/replicas","value":99}])")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("test operation failed"), r.err.constData());
        r = kubectl(patch + QStringList{QStringLiteral("--type"), QStringLiteral("strategic"), QStringLiteral("-p"),
                                        QStringLiteral(R"({"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.26"}]}}}})")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject web = getJson(QStringLiteral("deployment"), QStringLiteral("web"), QStringLiteral("ssa"));
        const QJsonObject container = web.value(QStringLiteral("spec")).toObject().value(QStringLiteral("template")).toObject()
                                          .value(QStringLiteral("spec")).toObject().value(QStringLiteral("containers")).toArray().first().toObject();
        QCOMPARE(container.value(QStringLiteral("image")).toString(), QStringLiteral("nginx:1.26"));
        QCOMPARE(container.value(QStringLiteral("ports")).toArray().size(), 1); // merged by name, not replaced
        QCOMPARE(web.value(QStringLiteral("spec")).toObject().value(QStringLiteral("replicas")).toInt(), 3);
        QCOMPARE(managers(web), (QStringList{QStringLiteral("kubectl-patch/Update"), QStringLiteral("kubectl/Apply")}));
    }

    void clientSideApplyThenServerSide()
    {
        // kube-api.md §8.6, then §7.7.
        const QString file = writeFile(QStringLiteral("csa.yaml"),
                                       "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: csa\n  namespace: ssa\nspec:\n"
                                       "  replicas: 1\n  selector:\n    matchLabels:\n      app: csa\n  template:\n    metadata:\n"
                                       "      labels:\n        app: csa\n    spec:\n      containers:\n      - name: nginx\n"
                                       "        image: nginx:1.25\n");
        const QStringList applyArgs{QStringLiteral("apply"), QStringLiteral("--validate=false"), QStringLiteral("-f"), file};
        Run r = kubectl(applyArgs);
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out, QByteArray("deployment.apps/csa created\n"));
        r = kubectl(applyArgs);
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out, QByteArray("deployment.apps/csa unchanged\n"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray changed = f.readAll().replace("replicas: 1", "replicas: 3").replace("nginx:1.25", "nginx:1.26");
        f.close();
        writeFile(QStringLiteral("csa.yaml"), changed);
        r = kubectl(applyArgs);
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out, QByteArray("deployment.apps/csa configured\n"));
        QJsonObject csa = getJson(QStringLiteral("deployment"), QStringLiteral("csa"), QStringLiteral("ssa"));
        QCOMPARE(csa.value(QStringLiteral("spec")).toObject().value(QStringLiteral("replicas")).toInt(), 3);
        QCOMPARE(managers(csa), QStringList{QStringLiteral("kubectl-client-side-apply/Update")});

        // The first server-side apply: no conflict (last-applied exemption), then kubectl migrates ownership.
        r = kubectl({QStringLiteral("apply"), QStringLiteral("--server-side"), QStringLiteral("--validate=false"), QStringLiteral("-f"), file});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out, QByteArray("deployment.apps/csa serverside-applied\n"));
        csa = getJson(QStringLiteral("deployment"), QStringLiteral("csa"), QStringLiteral("ssa"));
        QCOMPARE(managers(csa), (QStringList{QStringLiteral("kubectl-last-applied/Apply"), QStringLiteral("kubectl/Apply")}));
    }

    void diffServerSide()
    {
        // kube-api.md §8.7: exit 0 without differences, 1 with them; nothing is written.
        const QString file = m_dir.filePath(QStringLiteral("csa.yaml"));
        Run r = kubectl({QStringLiteral("diff"), QStringLiteral("--server-side"), QStringLiteral("-f"), file});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out, QByteArray());
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray changed = f.readAll().replace("replicas: 3", "replicas: 4");
        f.close();
        writeFile(QStringLiteral("csa-changed.yaml"), changed);
        r = kubectl({QStringLiteral("diff"), QStringLiteral("--server-side"), QStringLiteral("-f"), m_dir.filePath(QStringLiteral("csa-changed.yaml"))});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.out.contains("-  replicas: 3\n+  replicas: 4\n"), r.out.constData());
        QCOMPARE(getJson(QStringLiteral("deployment"), QStringLiteral("csa"), QStringLiteral("ssa")).value(QStringLiteral("spec")).toObject()
                     .value(QStringLiteral("replicas")).toInt(), 3);
    }

    void deleteApplyNamespaces()
    {
        const Run r = kubectl({QStringLiteral("delete"), QStringLiteral("namespace"), QStringLiteral("ssa"), QStringLiteral("demo2")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out, QByteArray("namespace \"ssa\" deleted\nnamespace \"demo2\" deleted\n"));
    }

    void rolloutStatus()
    {
        // The simulated controller (--controller-delay 100) finishes the rollout of web.
        const Run r = kubectl({QStringLiteral("rollout"), QStringLiteral("status"), QStringLiteral("deployment/web"), QStringLiteral("-n"),
                               QStringLiteral("demo"), QStringLiteral("--timeout=30s")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.out.contains("deployment \"web\" successfully rolled out"), r.out.constData());
    }

    void customResourceDefinition()
    {
        const QString crd = writeFile(QStringLiteral("crd.yaml"),
                                      "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n"
                                      "  name: widgets.acme.io\nspec:\n  group: acme.io\n  scope: Namespaced\n  names:\n"
                                      "    plural: widgets\n    singular: widget\n    kind: Widget\n    shortNames: [wd]\n"
                                      "  versions:\n  - name: v1\n    served: true\n    storage: true\n"
                                      "    additionalPrinterColumns:\n    - name: Size\n      type: integer\n      jsonPath: .spec.size\n"
                                      "    schema:\n      openAPIV3Schema:\n        type: object\n        properties:\n"
                                      "          spec:\n            type: object\n            properties:\n"
                                      "              size:\n                type: integer\n");
        Run r = kubectl({QStringLiteral("apply"), QStringLiteral("-f"), crd});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.out.trimmed(), QByteArray("customresourcedefinition.apiextensions.k8s.io/widgets.acme.io created"));
        r = kubectl({QStringLiteral("wait"), QStringLiteral("--for"), QStringLiteral("condition=established"),
                     QStringLiteral("crd/widgets.acme.io"), QStringLiteral("--timeout=30s")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.out.trimmed(), QByteArray("customresourcedefinition.apiextensions.k8s.io/widgets.acme.io condition met"));

        const QString widget = writeFile(QStringLiteral("widget.yaml"),
                                         "apiVersion: acme.io/v1\nkind: Widget\nmetadata:\n  name: w1\n  namespace: demo\n"
                                         "spec:\n  size: 3\n");
        r = kubectl({QStringLiteral("apply"), QStringLiteral("-f"), widget});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.out.trimmed(), QByteArray("widget.acme.io/w1 created"));
        r = kubectl({QStringLiteral("get"), QStringLiteral("widgets"), QStringLiteral("-n"), QStringLiteral("demo")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QStringList lines = QString::fromUtf8(r.out).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QVERIFY2(QRegularExpression(QStringLiteral("^NAME\\s+SIZE\\s+AGE$")).match(lines.value(0)).hasMatch(), r.out.constData());
        QVERIFY2(QRegularExpression(QStringLiteral("^w1\\s+3\\s+\\d+s$")).match(lines.value(1)).hasMatch(), r.out.constData());
        r = kubectl({QStringLiteral("get"), QStringLiteral("wd"), QStringLiteral("w1"), QStringLiteral("-n"), QStringLiteral("demo"),
                     QStringLiteral("-o"), QStringLiteral("jsonpath={.spec.size}")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.out, QByteArray("3"));
    }

    void deleteNamespace()
    {
        const Run r = kubectl({QStringLiteral("delete"), QStringLiteral("namespace"), QStringLiteral("demo")});
        QCOMPARE(r.exitCode, 0);
        const Run left = kubectl({QStringLiteral("get"), QStringLiteral("configmaps"), QStringLiteral("-A"), QStringLiteral("-o"),
                                  QStringLiteral("name")});
        QCOMPARE(left.exitCode, 0);
        QCOMPARE(left.out, QByteArray());
    }

    // The real manifest sets of ../shared/data (SLUICE_CORPUS_DIR): Argo CD's install and kube-prometheus apply as on
    // a real cluster (custom objects need a second pass once their CRDs exist, as kubectl says),
    // with server-side validation on, and their Deployments roll out.
    void realManifestSets_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("ns");
        QTest::addColumn<QString>("deployment");
        QTest::addColumn<bool>("namespaced"); // the file leaves the namespace to `-n`
        QTest::newRow("argo cd v3.5.0") << "argocd-install-v3.5.0.yaml" << "argocd" << "argocd-server" << true;
        QTest::newRow("kube-prometheus v0.18.0") << "kp-manifests-v0.18.0.yaml" << "monitoring" << "grafana" << false;
    }
    void realManifestSets()
    {
        QFETCH(QString, file);
        QFETCH(QString, ns);
        QFETCH(QString, deployment);
        QFETCH(bool, namespaced);
        SLUICE_CORPUS_OR_SKIP(corpus, file);
        const QString path = corpus + QLatin1Char('/') + file;
        QCOMPARE(kubectl({QStringLiteral("create"), QStringLiteral("namespace"), ns}).exitCode, 0);
        QStringList apply{QStringLiteral("apply"), QStringLiteral("--server-side"), QStringLiteral("-f"), path};
        if (namespaced)
            apply << QStringLiteral("-n") << ns;
        kubectl(apply); // CRDs and the rest; custom objects wait for their CRDs
        const Run second = kubectl(apply);
        QCOMPARE(second.exitCode, 0);
        QVERIFY(!second.err.contains("Error"));
        QVERIFY(second.out.contains("serverside-applied"));
        const Run rollout = kubectl({QStringLiteral("rollout"), QStringLiteral("status"), QStringLiteral("-n"), ns,
                                     QStringLiteral("deployment/") + deployment, QStringLiteral("--timeout=60s")});
        QCOMPARE(rollout.exitCode, 0);
    }
};

QTEST_GUILESS_MAIN(TestSandboxKubectl)
#include "tst_sandbox_kubectl.moc"
