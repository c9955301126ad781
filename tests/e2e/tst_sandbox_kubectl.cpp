// The real kubectl (the dispatcher on PATH) against the built sluice-sandbox binary: version,
// discovery, get, create -f, selectors, delete, and durability across SIGKILL + restart.
// Fails (never skips) when kubectl is missing.

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
        // --validate=false: OpenAPI v3 is not served yet (kube-api.md §9).
        const QString ns = writeFile(QStringLiteral("ns.yaml"), "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n");
        const QString cm = writeFile(QStringLiteral("cm.yaml"),
                                     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\n  namespace: demo\n"
                                     "  labels:\n    app: x\ndata:\n  key1: value1\n  key2: value2\n");
        Run r = kubectl({QStringLiteral("create"), QStringLiteral("--validate=false"), QStringLiteral("-f"), ns});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out.trimmed(), QByteArray("namespace/demo created"));
        r = kubectl({QStringLiteral("create"), QStringLiteral("--validate=false"), QStringLiteral("-f"), cm});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out.trimmed(), QByteArray("configmap/app-config created"));
        r = kubectl({QStringLiteral("create"), QStringLiteral("--validate=false"), QStringLiteral("-f"), cm});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("Error from server (AlreadyExists): error when creating"), r.err.constData());
        QVERIFY(r.err.contains("configmaps \"app-config\" already exists"));
        const QString other = writeFile(QStringLiteral("other.yaml"),
                                        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n  namespace: demo\n"
                                        "  labels:\n    app: \"y\"\n");
        QCOMPARE(kubectl({QStringLiteral("create"), QStringLiteral("--validate=false"), QStringLiteral("-f"), other}).exitCode, 0);
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
        QCOMPARE(kubectl({QStringLiteral("create"), QStringLiteral("--validate=false"), QStringLiteral("-f"), cm}).exitCode, 0);
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

    void deleteNamespace()
    {
        const Run r = kubectl({QStringLiteral("delete"), QStringLiteral("namespace"), QStringLiteral("demo")});
        QCOMPARE(r.exitCode, 0);
        const Run left = kubectl({QStringLiteral("get"), QStringLiteral("configmaps"), QStringLiteral("-A"), QStringLiteral("-o"),
                                  QStringLiteral("name")});
        QCOMPARE(left.exitCode, 0);
        QCOMPARE(left.out, QByteArray());
    }
};

QTEST_GUILESS_MAIN(TestSandboxKubectl)
#include "tst_sandbox_kubectl.moc"
