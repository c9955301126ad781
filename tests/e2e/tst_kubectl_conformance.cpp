// kubectl conformance (issue 4, Tests): every kubectl found — each kubectl.1.NN beside the
// kubectl on PATH, run directly against a sandbox started with --server-minor NN, plus the
// kubectl on PATH itself (the gcloud dispatcher) against a sandbox with the default minor.
//
// The kubectl binaries are the global data rows; every test function is one check, so the
// output is a matrix of check(version) PASS/FAIL lines. Each row gets a fresh sandbox (its own
// data dir, port 0) that its checks share in order; the checks of one row build on each other.
// The CRD check is last and isolated in crdAndCustomObject. Fails (never skips) when kubectl is
// missing. Per-version time spent is printed at the end.

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <map>
#include <memory>

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

// One kubectl binary and the sandbox it talks to. Owned by the test object; the sandbox lives
// until cleanupTestCase.
struct Cluster
{
    QString binary;
    int minor = 0; // the /version minor this kubectl must see; 0 = the sandbox default
    QTemporaryDir dir;
    std::unique_ptr<QProcess> sandbox;
    bool started = false;
    qint64 elapsedMs = 0;
    int runs = 0;
    QByteArray successStderr; // what kubectl runs that exited 0 printed on stderr

    QString path(const QString &name) const { return dir.filePath(name); }
};

QString q(const char *text)
{
    return QString::fromUtf8(text);
}

const QByteArray kAppsYaml = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n"
                             "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\n  namespace: apps\n"
                             "  labels:\n    app: web\ndata:\n  key1: value1\n  key2: value2\n"
                             "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: app-secret\n  namespace: apps\n"
                             "type: Opaque\ndata:\n  password: aHVudGVyMg==\n"
                             "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: apps\nspec:\n"
                             "  selector:\n    app: web\n  ports:\n  - name: http\n    port: 80\n    targetPort: 8080\n";

QByteArray deploymentYaml(int replicas)
{
    return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: apps\nspec:\n"
           "  replicas: " + QByteArray::number(replicas) + "\n  selector:\n    matchLabels:\n      app: web\n  template:\n"
           "    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: nginx\n"
           "        image: nginx:1.25\n        ports:\n        - containerPort: 80\n";
}

const QByteArray kClientSideYaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: csa-config\n  namespace: apps\n"
                                   "data:\n  mode: client-side\n"
                                   "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: csa\n  namespace: apps\nspec:\n"
                                   "  replicas: 1\n  selector:\n    matchLabels:\n      app: csa\n  template:\n    metadata:\n"
                                   "      labels:\n        app: csa\n    spec:\n      containers:\n      - name: nginx\n"
                                   "        image: nginx:1.25\n";

const QByteArray kCrdYaml = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n"
                            "  name: widgets.example.com\nspec:\n  group: example.com\n  scope: Namespaced\n  names:\n"
                            "    plural: widgets\n    singular: widget\n    kind: Widget\n    shortNames:\n    - wd\n"
                            "  versions:\n  - name: v1\n    served: true\n    storage: true\n    schema:\n"
                            "      openAPIV3Schema:\n        type: object\n        properties:\n          spec:\n"
                            "            type: object\n            properties:\n              size:\n"
                            "                type: integer\n              color:\n                type: string\n";

const QByteArray kWidgetYaml = "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w1\n  namespace: default\n"
                               "spec:\n  size: 3\n  color: blue\n";

} // namespace

class TestKubectlConformance : public QObject
{
    Q_OBJECT

private:
    struct Row
    {
        QString name;
        QString binary;
        int minor = 0;
    };
    QList<Row> m_rows;
    std::map<QString, std::unique_ptr<Cluster>> m_clusters;
    QElapsedTimer m_checkTimer;

    // kubectl.1.NN beside the real location of the kubectl on PATH, by minor, then the PATH kubectl.
    static QList<Row> findKubectls()
    {
        QList<Row> rows;
        const QString onPath = QStandardPaths::findExecutable(QStringLiteral("kubectl"));
        if (onPath.isEmpty())
            return rows;
        const QDir dir = QFileInfo(QFileInfo(onPath).canonicalFilePath()).absoluteDir();
        const QRegularExpression versioned(QStringLiteral("^kubectl\\.1\\.(\\d+)$"));
        for (const QString &name : dir.entryList({QStringLiteral("kubectl.1.*")}, QDir::Files | QDir::Executable)) {
            const QRegularExpressionMatch m = versioned.match(name);
            if (m.hasMatch())
                rows.append(Row{name, dir.filePath(name), m.captured(1).toInt()});
        }
        std::sort(rows.begin(), rows.end(), [](const Row &a, const Row &b) { return a.minor < b.minor; });
        rows.append(Row{QStringLiteral("dispatcher"), onPath, 0});
        return rows;
    }

    // The current row's cluster, its sandbox started on first use. Null (with a test failure
    // message logged) when the sandbox cannot start.
    Cluster *cluster()
    {
        QFETCH_GLOBAL(QString, name);
        QFETCH_GLOBAL(QString, binary);
        QFETCH_GLOBAL(int, minor);
        std::unique_ptr<Cluster> &slot = m_clusters[name];
        if (!slot) {
            slot = std::make_unique<Cluster>();
            slot->binary = binary;
            slot->minor = minor;
            slot->started = startSandbox(*slot);
        }
        return slot->started ? slot.get() : nullptr;
    }

    static bool startSandbox(Cluster &c)
    {
        if (!c.dir.isValid())
            return false;
        c.sandbox = std::make_unique<QProcess>();
        c.sandbox->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        // Controller delay 0: a rollout's status is final before the next kubectl starts, so no
        // status write races a diff's GET and its dry-run PATCH.
        QStringList args{QStringLiteral("--data-dir"), c.path(QStringLiteral("data")), QStringLiteral("--port"), QStringLiteral("0"),
                         QStringLiteral("--kubeconfig-out"), c.path(QStringLiteral("kubeconfig")),
                         QStringLiteral("--controller-delay"), QStringLiteral("0")};
        if (c.minor > 0)
            args << QStringLiteral("--server-minor") << QString::number(c.minor);
        c.sandbox->start(QStringLiteral(SLUICE_BINARY_DIR "/app/sluice-sandbox/sluice-sandbox"), args);
        if (!c.sandbox->waitForStarted(10000))
            return false;
        QByteArray out;
        while (!out.contains('\n')) {
            if (!c.sandbox->waitForReadyRead(15000))
                return false;
            out += c.sandbox->readAllStandardOutput();
        }
        if (!out.startsWith("sluice-sandbox ready: https://127.0.0.1:")) {
            qWarning("unexpected ready line: %s", out.constData());
            return false;
        }
        return true;
    }

    QStringList baseArgs(const Cluster &c) const
    {
        return {QStringLiteral("--kubeconfig"), c.path(QStringLiteral("kubeconfig")), QStringLiteral("--cache-dir"),
                c.path(QStringLiteral("cache"))};
    }

    static QProcessEnvironment kubectlEnvironment()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("KUBECTL_EXTERNAL_DIFF"));
        env.remove(QStringLiteral("KUBECONFIG"));
        return env;
    }

    Run kubectl(Cluster &c, const QStringList &args)
    {
        QProcess p;
        p.setProcessEnvironment(kubectlEnvironment());
        p.start(c.binary, baseArgs(c) + args);
        if (!p.waitForFinished(30000)) {
            p.kill();
            p.waitForFinished(5000);
        }
        Run r{p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(), p.readAllStandardError()};
        ++c.runs;
        if (r.exitCode == 0 && !r.err.isEmpty())
            c.successStderr += "kubectl " + args.join(QLatin1Char(' ')).toUtf8() + ":\n" + r.err;
        return r;
    }

    static QString describe(const QStringList &args, const Run &r)
    {
        return QStringLiteral("kubectl %1 -> %2\nstdout:\n%3\nstderr:\n%4")
            .arg(args.join(QLatin1Char(' ')))
            .arg(r.exitCode)
            .arg(QString::fromUtf8(r.out), QString::fromUtf8(r.err));
    }

    static QString writeFile(const Cluster &c, const QString &name, const QByteArray &text)
    {
        QFile file(c.path(name));
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return {};
        file.write(text);
        return file.fileName();
    }

    static bool matches(const QByteArray &text, const QString &pattern)
    {
        return QRegularExpression(pattern, QRegularExpression::MultilineOption).match(QString::fromUtf8(text)).hasMatch();
    }

// Runs kubectl in cluster c, expects `code`, and keeps the result in `r`.
#define KUBECTL_EXPECT(r, c, args, code)                                                                                   \
    do {                                                                                                                   \
        const QStringList kubectlArgs_ = (args);                                                                           \
        r = kubectl(*(c), kubectlArgs_);                                                                                   \
        QVERIFY2(r.exitCode == (code), qPrintable(describe(kubectlArgs_, r)));                                             \
    } while (false)

private slots:
    void initTestCase_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("binary");
        QTest::addColumn<int>("minor");
        for (const Row &row : findKubectls())
            QTest::newRow(qPrintable(row.name)) << row.name << row.binary << row.minor;
    }

    void initTestCase()
    {
        m_rows = findKubectls();
        QVERIFY2(!m_rows.isEmpty(), "kubectl must be on PATH");
        QVERIFY2(QFileInfo(QStringLiteral(SLUICE_BINARY_DIR "/app/sluice-sandbox/sluice-sandbox")).isExecutable(),
                 "build sluice-sandbox first");
        QStringList names;
        for (const Row &row : std::as_const(m_rows))
            names << row.name;
        qInfo("kubectl rows: %s", qPrintable(names.join(QStringLiteral(", "))));
    }

    void init()
    {
        m_checkTimer.start();
    }

    // Charges the check's wall time (sandbox start, kubectl runs, waits) to its kubectl row.
    void cleanup()
    {
        QFETCH_GLOBAL(QString, name);
        if (const auto it = m_clusters.find(name); it != m_clusters.end())
            it->second->elapsedMs += m_checkTimer.elapsed();
    }

    void cleanupTestCase()
    {
        qInfo("per-version wall time of all checks:");
        bool allClean = true;
        for (const Row &row : std::as_const(m_rows)) {
            const auto it = m_clusters.find(row.name);
            if (it == m_clusters.end())
                continue;
            Cluster *c = it->second.get();
            qInfo("  %-14s %3d kubectl runs  %6.1f s", qPrintable(row.name), c->runs, double(c->elapsedMs) / 1000.0);
            if (!c->sandbox || c->sandbox->state() == QProcess::NotRunning)
                continue;
            c->sandbox->terminate(); // SIGTERM: clean shutdown
            allClean &= c->sandbox->waitForFinished(10000) && c->sandbox->exitStatus() == QProcess::NormalExit
                        && c->sandbox->exitCode() == 0;
        }
        QVERIFY2(allClean, "a sandbox did not shut down cleanly on SIGTERM");
    }

    void version()
    {
        Cluster *c = cluster();
        QVERIFY2(c, "the sandbox did not start");
        Run r;
        KUBECTL_EXPECT(r, c, (QStringList{q("version"), q("-o"), q("json")}), 0);
        const QJsonObject doc = QJsonDocument::fromJson(r.out).object();
        const QString serverMinor = doc.value(q("serverVersion")).toObject().value(q("minor")).toString();
        const QString clientMinor = doc.value(q("clientVersion")).toObject().value(q("minor")).toString();
        QVERIFY2(!serverMinor.isEmpty(), r.out.constData());
        if (c->minor > 0)
            QVERIFY2(serverMinor == QString::number(c->minor), r.out.constData());
        // The dispatcher runs the kubectl matching the server's minor ("32+" style minors allowed).
        QVERIFY2(clientMinor == serverMinor || clientMinor == serverMinor + QLatin1Char('+'), r.out.constData());
    }

    void apiResources()
    {
        Cluster *c = cluster();
        QVERIFY2(c, "the sandbox did not start");
        Run r;
        KUBECTL_EXPECT(r, c, (QStringList{q("api-resources")}), 0);
        QVERIFY2(matches(r.out, q("^NAME\\s+SHORTNAMES\\s+APIVERSION\\s+NAMESPACED\\s+KIND$")), r.out.constData());
        QVERIFY2(matches(r.out, q("^deployments\\s+deploy\\s+apps/v1\\s+true\\s+Deployment$")), r.out.constData());
        QVERIFY2(matches(r.out, q("^configmaps\\s+cm\\s+v1\\s+true\\s+ConfigMap$")), r.out.constData());
        QVERIFY2(matches(r.out, q("^namespaces\\s+ns\\s+v1\\s+false\\s+Namespace$")), r.out.constData());
        QVERIFY2(matches(r.out, q("^customresourcedefinitions\\s+crd,crds\\s+apiextensions\\.k8s\\.io/v1\\s+false\\s+"
                                  "CustomResourceDefinition$")),
                 r.out.constData());
        QVERIFY2(r.err.isEmpty(), r.err.constData());
    }

    void createNamespace()
    {
        Cluster *c = cluster();
        QVERIFY2(c, "the sandbox did not start");
        Run r;
        KUBECTL_EXPECT(r, c, (QStringList{q("create"), q("namespace"), q("conformance")}), 0);
        QCOMPARE(r.out, QByteArray("namespace/conformance created\n"));
        KUBECTL_EXPECT(r, c, (QStringList{q("create"), q("namespace"), q("conformance")}), 1);
        QVERIFY2(r.err.contains("Error from server (AlreadyExists): namespaces \"conformance\" already exists"), r.err.constData());
    }

    void serverSideApply()
    {
        // Validation on (no --validate=false): kubectl downloads OpenAPI v3 first (kube-api.md §8.5).
        Cluster *c = cluster();
        QVERIFY2(c, "the sandbox did not start");
        const QString apps = writeFile(*c, q("apps.yaml"), kAppsYaml);
        const QString web = writeFile(*c, q("web.yaml"), deploymentYaml(2));
        const QByteArray expected = "namespace/apps serverside-applied\nconfigmap/app-config serverside-applied\n"
                                    "secret/app-secret serverside-applied\nservice/web serverside-applied\n"
                                    "deployment.apps/web serverside-applied\n";
        for (int round = 0; round < 2; ++round) {
            Run r;
            KUBECTL_EXPECT(r, c, (QStringList{q("apply"), q("--server-side"), q("-f"), apps, q("-f"), web}), 0);
            QCOMPARE(r.out, expected);
            QVERIFY2(r.err.isEmpty(), r.err.constData()); // no validation or OpenAPI warnings
        }
    }

    void applyConflictThenForce()
    {
        Cluster *c = cluster();
        QVERIFY2(c, "the sandbox did not start");
        Run r;
        KUBECTL_EXPECT(r, c, (QStringList{q("patch"), q("deployment"), q("web"), q("-n"), q("apps"), q("--type"), q("merge"), q("-p"),
                                          q("{\"spec\":{\"replicas\":5}}")}),
                       0);
        QCOMPARE(r.out, QByteArray("deployment.apps/web patched\n"));
        const QStringList apply{q("apply"), q("--server-side"), q("-f"), c->path(q("web.yaml"))};
        KUBECTL_EXPECT(r, c, apply, 1);
        QVERIFY2(r.err.contains("Apply failed with 1 conflict: conflict with \"kubectl-patch\""), r.err.constData());
        QVERIFY2(r.err.contains(".spec.replicas"), r.err.constData());
        QVERIFY2(r.err.contains("--force-conflicts"), r.err.constData());
        KUBECTL_EXPECT(r, c, (QStringList{q("get"), q("deployment"), q("web"), q("-n"), q("apps"), q("-o"), q("jsonpath={.spec.replicas}")}),
                       0);
        QCOMPARE(r.out, QByteArray("5"));
        KUBECTL_EXPECT(r, c, apply + QStringList{q("--force-conflicts")}, 0);
        QCOMPARE(r.out, QByteArray("deployment.apps/web serverside-applied\n"));
        KUBECTL_EXPECT(r, c, (QStringList{q("get"), q("deployment"), q("web"), q("-n"), q("apps"), q("-o"), q("jsonpath={.spec.replicas}")}),
                       0);
        QCOMPARE(r.out, QByteArray("2"));
    }

    void clientSideApplyTwice()
    {
        Cluster *c = cluster();
        QVERIFY2(c, "the sandbox did not start");
        const QStringList apply{q("apply"), q("-f"), writeFile(*c, q("csa.yaml"), kClientSideYaml)};
        Run r;
        KUBECTL_EXPECT(r, c, apply, 0);
        QCOMPARE(r.out, QByteArray("configmap/csa-config created\ndeployment.apps/csa created\n"));
        QVERIFY2(r.err.isEmpty(), r.err.constData());
        KUBECTL_EXPECT(r, c, apply, 0);
        QCOMPARE(r.out, QByteArray("configmap/csa-config unchanged\ndeployment.apps/csa unchanged\n"));
        QVERIFY2(r.err.isEmpty(), r.err.constData());
    }

    void getJsonYamlTable()
    {
        Cluster *c = cluster();
        QVERIFY2(c, "the sandbox did not start");
        Run r;
        KUBECTL_EXPECT(r, c, (QStringList{q("get"), q("deployment"), q("web"), q("-n"), q("apps"), q("-o"), q("json")}), 0);
        const QJsonObject web = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(web.value(q("kind")).toString(), q("Deployment"));
        QCOMPARE(web.value(q("apiVersion")).toString(), q("apps/v1"));
        QCOMPARE(web.value(q("metadata")).toObject().value(q("name")).toString(), q("web"));
        QCOMPARE(web.value(q("spec")).toObject().value(q("replicas")).toInt(), 2);

        KUBECTL_EXPECT(r, c, (QStringList{q("get"), q("configmaps"), q("-n"), q("apps"), q("-l"), q("app=web"), q("-o"), q("yaml")}), 0);
        QVERIFY2(r.out.startsWith("apiVersion: v1\nitems:\n- apiVersion: v1\n"), r.out.constData());
        QVERIFY2(matches(r.out, q("^  kind: ConfigMap$")), r.out.constData());
        QVERIFY2(matches(r.out, q("^    name: app-config$")), r.out.constData());
        QVERIFY2(matches(r.out, q("^kind: List$")), r.out.constData());

        // AGE is kubectl's duration (41s, 2m40s, 5m, 3h10m): the objects come from
        // initTestCase, minutes ago in a slow run (under ASan, or a loaded machine).
        const struct
        {
            QStringList args;
            const char *header;
            const char *row;
        } tables[] = {
            {{q("get"), q("deployments"), q("-n"), q("apps")}, "^NAME\\s+READY\\s+UP-TO-DATE\\s+AVAILABLE\\s+AGE$",
             "^web\\s+\\d/2\\s+\\d\\s+\\d\\s+(\\d+[smhd])+$"},
            {{q("get"), q("configmaps"), q("-n"), q("apps")}, "^NAME\\s+DATA\\s+AGE$", "^app-config\\s+2\\s+(\\d+[smhd])+$"},
            {{q("get"), q("secrets"), q("-n"), q("apps")}, "^NAME\\s+TYPE\\s+DATA\\s+AGE$", "^app-secret\\s+Opaque\\s+1\\s+(\\d+[smhd])+$"},
            {{q("get"), q("services"), q("-n"), q("apps")}, "^NAME\\s+TYPE\\s+CLUSTER-IP\\s+EXTERNAL-IP\\s+PORT\\(S\\)\\s+AGE$",
             "^web\\s+ClusterIP\\s+\\S+\\s+<none>\\s+80/TCP\\s+(\\d+[smhd])+$"},
            {{q("get"), q("namespaces")}, "^NAME\\s+STATUS\\s+AGE$", "^apps\\s+Active\\s+(\\d+[smhd])+$"},
            {{q("get"), q("deploy"), q("-A")}, "^NAMESPACE\\s+NAME\\s+READY\\s+UP-TO-DATE\\s+AVAILABLE\\s+AGE$",
             "^apps\\s+web\\s+\\d/2\\s+\\d\\s+\\d\\s+(\\d+[smhd])+$"},
        };
        for (const auto &table : tables) {
            KUBECTL_EXPECT(r, c, table.args, 0);
            const QStringList lines = QString::fromUtf8(r.out).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
            QVERIFY2(QRegularExpression(q(table.header)).match(lines.value(0)).hasMatch(), qPrintable(describe(table.args, r)));
            QVERIFY2(!lines.filter(QRegularExpression(q(table.row))).isEmpty(), qPrintable(describe(table.args, r)));
        }
    }

    void diffServerSide()
    {
        Cluster *c = cluster();
        QVERIFY2(c, "the sandbox did not start");
        const QString changed = writeFile(*c, q("web-4.yaml"), deploymentYaml(4));
        const QStringList diff{q("diff"), q("--server-side"), q("-f"), changed};
        Run r;
        KUBECTL_EXPECT(r, c, diff, 1);
        QVERIFY2(r.out.contains("\n-  replicas: 2\n+  replicas: 4\n"), r.out.constData());
        KUBECTL_EXPECT(r, c, (QStringList{q("apply"), q("--server-side"), q("-f"), changed}), 0);
        QCOMPARE(r.out, QByteArray("deployment.apps/web serverside-applied\n"));
        KUBECTL_EXPECT(r, c, diff, 0);
        QCOMPARE(r.out, QByteArray());
    }

    void watchModifiedAndDeleted()
    {
        Cluster *c = cluster();
        QVERIFY2(c, "the sandbox did not start");
        QProcess watcher;
        watcher.setProcessEnvironment(kubectlEnvironment());
        watcher.start(c->binary, baseArgs(*c) + QStringList{q("get"), q("configmaps"), q("-n"), q("apps"), q("-w"),
                                                            q("--output-watch-events")});
        QVERIFY(watcher.waitForStarted(10000));
        QByteArray out;
        auto waitFor = [&](const char *pattern) {
            return QTest::qWaitFor([&] {
                out += watcher.readAllStandardOutput();
                return matches(out, q(pattern));
            }, 20000);
        };
        QVERIFY2(waitFor("^ADDED\\s+app-config\\s+2\\s"), out.constData());
        QTest::qWait(300); // the WATCH request follows the LIST

        Run r;
        KUBECTL_EXPECT(r, c, (QStringList{q("label"), q("configmap"), q("app-config"), q("-n"), q("apps"), q("touched=yes")}), 0);
        QVERIFY2(waitFor("^MODIFIED\\s+app-config\\s+2\\s"), out.constData());
        KUBECTL_EXPECT(r, c, (QStringList{q("delete"), q("configmap"), q("app-config"), q("-n"), q("apps")}), 0);
        QCOMPARE(r.out, QByteArray("configmap \"app-config\" deleted\n"));
        QVERIFY2(waitFor("^DELETED\\s+app-config\\s+2\\s"), out.constData());
        QCOMPARE(watcher.state(), QProcess::Running); // the stream stays open
        watcher.kill();
        watcher.waitForFinished(5000);
    }

    void deleteObjects()
    {
        Cluster *c = cluster();
        QVERIFY2(c, "the sandbox did not start");
        Run r;
        KUBECTL_EXPECT(r, c, (QStringList{q("delete"), q("-f"), c->path(q("csa.yaml"))}), 0);
        QCOMPARE(r.out, QByteArray("configmap \"csa-config\" deleted\ndeployment.apps \"csa\" deleted\n"));
        KUBECTL_EXPECT(r, c, (QStringList{q("get"), q("configmap"), q("csa-config"), q("-n"), q("apps")}), 1);
        QVERIFY2(r.err.contains("Error from server (NotFound): configmaps \"csa-config\" not found"), r.err.constData());
        KUBECTL_EXPECT(r, c, (QStringList{q("delete"), q("namespace"), q("apps"), q("conformance")}), 0);
        QCOMPARE(r.out, QByteArray("namespace \"apps\" deleted\nnamespace \"conformance\" deleted\n"));
        KUBECTL_EXPECT(r, c, (QStringList{q("get"), q("deployments,configmaps,secrets,services"), q("-n"), q("apps"), q("-o"), q("name")}), 0);
        QCOMPARE(r.out, QByteArray());
    }

    void crdAndCustomObject()
    {
        // Needs CRD serving in the sandbox (issue 4: CRDs). Isolated so its state is visible.
        Cluster *c = cluster();
        QVERIFY2(c, "the sandbox did not start");
        Run r;
        KUBECTL_EXPECT(r, c, (QStringList{q("apply"), q("-f"), writeFile(*c, q("crd.yaml"), kCrdYaml)}), 0);
        QCOMPARE(r.out, QByteArray("customresourcedefinition.apiextensions.k8s.io/widgets.example.com created\n"));
        KUBECTL_EXPECT(r, c, (QStringList{q("wait"), q("--for"), q("condition=established"), q("crd/widgets.example.com"),
                                          q("--timeout=20s")}),
                       0);
        QCOMPARE(r.out, QByteArray("customresourcedefinition.apiextensions.k8s.io/widgets.example.com condition met\n"));

        const QStringList applyWidget{q("apply"), q("-f"), writeFile(*c, q("widget.yaml"), kWidgetYaml)};
        KUBECTL_EXPECT(r, c, applyWidget, 0);
        QCOMPARE(r.out, QByteArray("widget.example.com/w1 created\n"));
        QVERIFY2(r.err.isEmpty(), r.err.constData());
        KUBECTL_EXPECT(r, c, applyWidget, 0);
        QCOMPARE(r.out, QByteArray("widget.example.com/w1 unchanged\n"));

        KUBECTL_EXPECT(r, c, (QStringList{q("get"), q("widgets")}), 0);
        QVERIFY2(matches(r.out, q("^NAME\\s+AGE$")), r.out.constData());
        QVERIFY2(matches(r.out, q("^w1\\s+\\d+s$")), r.out.constData());
        KUBECTL_EXPECT(r, c, (QStringList{q("get"), q("wd"), q("w1"), q("-o"), q("jsonpath={.spec.color}")}), 0);
        QCOMPARE(r.out, QByteArray("blue"));
        KUBECTL_EXPECT(r, c, (QStringList{q("api-resources"), q("--api-group=example.com")}), 0);
        QVERIFY2(matches(r.out, q("^widgets\\s+wd\\s+example\\.com/v1\\s+true\\s+Widget$")), r.out.constData());
        KUBECTL_EXPECT(r, c, (QStringList{q("delete"), q("widget"), q("w1")}), 0);
        QCOMPARE(r.out, QByteArray("widget.example.com \"w1\" deleted\n"));
    }

    // Every successful kubectl run above was quiet on stderr: no deprecation, validation,
    // OpenAPI or discovery warnings for this kubectl version.
    void quietStderr()
    {
        Cluster *c = cluster();
        QVERIFY2(c, "the sandbox did not start");
        QVERIFY2(c->successStderr.isEmpty(), c->successStderr.constData());
    }
};

#undef KUBECTL_EXPECT

QTEST_GUILESS_MAIN(TestKubectlConformance)
#include "tst_kubectl_conformance.moc"
