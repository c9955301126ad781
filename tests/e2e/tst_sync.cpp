// The reconcile loop end to end: sluicectl status / diff / sync / history / rollback against a
// fresh sluice-sandbox per test, on a real git repository, checked with the real kubectl.

#include "common/Corpus.h"
#include "common/GitFixture.h"
#include "common/SandboxProcess.h"
#include "sync/Cluster.h"
#include "sync/History.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QLockFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>
#include <QtConcurrent/QtConcurrentRun>

#include <mutex>

using sluice::test::GitFixture;
using sluice::test::SandboxProcess;

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
};

const QByteArray kNamespace = R"(apiVersion: v1
kind: Namespace
metadata:
  name: demo
)";

const QByteArray kConfigMap = R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
data:
  LOG_LEVEL: info
)";

// A secret value that must never be printed.
const QByteArray kSecret = R"(apiVersion: v1
kind: Secret
metadata:
  name: web-secrets
type: Opaque
data:
  PASSWORD: aHVudGVyMi1uZXZlci1wcmludGVk
)";

QByteArray deployment(const QByteArray &image)
{
    return R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app.kubernetes.io/managed-by: Helm
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: )" + image + "\n";
}

} // namespace

class TestSync : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    GitFixture m_repo;
    SandboxProcess m_sandbox;
    QString m_workspace;

    QString path(const QString &rel) const { return m_dir->filePath(rel); }

    void writeWorkspace(bool prune = false, const QString &clusterBlock = {})
    {
        const QString cluster = clusterBlock.isEmpty()
                                    ? QStringLiteral("{name: test, context: sluice-sandbox, kubeconfig: %1}").arg(m_sandbox.kubeconfig())
                                    : clusterBlock;
        QFile file(m_workspace);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(QStringLiteral("apiVersion: sluice.dev/v1alpha1\nkind: Workspace\nclusters:\n  - %1\napplications:\n"
                                  "  - name: web\n    source: {repo: %2, revision: main, path: app, renderer: plain}\n"
                                  "    destination: {cluster: test, namespace: demo}\n    sync: {prune: %3}\n")
                       .arg(cluster, m_repo.dir(), prune ? QStringLiteral("true") : QStringLiteral("false"))
                       .toUtf8());
    }

    Run sluicectl(const QStringList &args)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_CACHE_HOME"), path(QStringLiteral("cache")));
        env.insert(QStringLiteral("SLUICE_SANDBOX_BIN"), QStringLiteral(SLUICE_BINARY_DIR "/app/sluice-sandbox/sluice-sandbox"));
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(SLUICE_BINARY_DIR "/app/sluicectl/sluicectl"), QStringList{QStringLiteral("--workspace"), m_workspace} + args);
        const bool finished = p.waitForFinished(180000);
        Run r{p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(), p.readAllStandardError()};
        if (r.exitCode == -1) // say how, for a failure seen once in CI and not reproduced since
            qWarning().noquote() << "sluicectl" << args.join(' ') << (finished ? "crashed:" : "did not finish:") << p.errorString()
                                 << "exit" << p.exitCode() << "stderr:" << r.err;
        for (const QByteArray &secret : {QByteArray("hunter2-never-printed"), QByteArray("aHVudGVyMi1uZXZlci1wcmludGVk")}) {
            if (r.out.contains(secret) || r.err.contains(secret))
                qFatal("a secret value was printed by sluicectl %s", qPrintable(args.join(' ')));
        }
        return r;
    }

    Run kubectl(const QStringList &args)
    {
        QProcess p;
        p.start(QStringLiteral("kubectl"), QStringList{QStringLiteral("--kubeconfig"), m_sandbox.kubeconfig(), QStringLiteral("--cache-dir"),
                                                       path(QStringLiteral("kcache"))} + args);
        p.waitForFinished(60000);
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(), p.readAllStandardError()};
    }

    bool exists(const QString &resource, const QString &name)
    {
        return kubectl({QStringLiteral("get"), QStringLiteral("-n"), QStringLiteral("demo"), resource, name}).exitCode == 0;
    }

    static QJsonObject resourceIn(const QJsonObject &status, const QString &key)
    {
        for (const QJsonValue &app : status.value(QLatin1String("applications")).toArray()) {
            for (const QJsonValue &r : app.toObject().value(QLatin1String("resources")).toArray()) {
                if (r.toObject().value(QLatin1String("key")).toString() == key)
                    return r.toObject();
            }
        }
        return {};
    }

    static QJsonObject app(const QJsonObject &status) { return status.value(QLatin1String("applications")).toArray().first().toObject(); }

    QJsonObject history()
    {
        const Run r = sluicectl({QStringLiteral("--json"), QStringLiteral("history"), QStringLiteral("web")});
        return r.json();
    }

    // The repository with all four objects committed on main.
    void commitApp(const QByteArray &image = "nginx:1.25")
    {
        QVERIFY(m_repo.write(QStringLiteral("app/namespace.yaml"), kNamespace));
        QVERIFY(m_repo.write(QStringLiteral("app/configmap.yaml"), kConfigMap));
        QVERIFY(m_repo.write(QStringLiteral("app/secret.yaml"), kSecret));
        QVERIFY(m_repo.write(QStringLiteral("app/deployment.yaml"), deployment(image)));
        m_repo.commitAll(QStringLiteral("web ") + QString::fromUtf8(image));
    }

    void startSandbox(const QStringList &extra = {})
    {
        QVERIFY(m_sandbox.start(QStringLiteral(SLUICE_BINARY_DIR "/app/sluice-sandbox/sluice-sandbox"), path(QStringLiteral("sandbox")),
                                QStringList{QStringLiteral("--controller-delay"), QStringLiteral("300")} + extra));
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(GitFixture::gitAvailable(), "git is required");
        QVERIFY2(!QStandardPaths::findExecutable(QStringLiteral("kubectl")).isEmpty(), "kubectl is required");
    }

    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_repo.setDir(path(QStringLiteral("repo")));
        QVERIFY(m_repo.init());
        m_workspace = path(QStringLiteral("sluice.yaml"));
        if (QByteArray(QTest::currentTestFunction()) != "failedRolloutIsDegraded")
            startSandbox();
        writeWorkspace();
        commitApp();
    }

    void cleanup() { m_sandbox.stop(); }

    void statusBeforeAndAfterSync()
    {
        Run before = sluicectl({QStringLiteral("--json"), QStringLiteral("status"), QStringLiteral("web")});
        QCOMPARE(before.exitCode, 1);
        QCOMPARE(app(before.json()).value(QLatin1String("sync")).toString(), QStringLiteral("OutOfSync"));
        QCOMPARE(resourceIn(before.json(), QStringLiteral("apps/Deployment/demo/web")).value(QLatin1String("health")).toString(),
                 QStringLiteral("Missing"));

        Run sync = sluicectl({QStringLiteral("--json"), QStringLiteral("sync"), QStringLiteral("web"), QStringLiteral("--timeout"), QStringLiteral("60s")});
        QVERIFY2(sync.exitCode == 0, sync.out + sync.err);
        QCOMPARE(sync.json().value(QLatin1String("result")).toString(), QStringLiteral("Succeeded"));
        QCOMPARE(sync.json().value(QLatin1String("applied")).toInt(), 4);
        QCOMPARE(sync.json().value(QLatin1String("health")).toString(), QStringLiteral("Healthy"));

        Run after = sluicectl({QStringLiteral("--json"), QStringLiteral("status")});
        QVERIFY2(after.exitCode == 0, after.out + after.err);
        const QJsonObject web = app(after.json());
        QCOMPARE(web.value(QLatin1String("sync")).toString(), QStringLiteral("Synced"));
        QCOMPARE(web.value(QLatin1String("health")).toString(), QStringLiteral("Healthy"));
        QCOMPARE(web.value(QLatin1String("deployedRevision")).toString(), m_repo.revParse(QStringLiteral("main")));
        QCOMPARE(web.value(QLatin1String("pending")).toInt(), 0);

        // The tracking label was added, no other label changed.
        const Run labels = kubectl({QStringLiteral("get"), QStringLiteral("-n"), QStringLiteral("demo"), QStringLiteral("deployment"),
                                    QStringLiteral("web"), QStringLiteral("-o"), QStringLiteral("jsonpath={.metadata.labels}")});
        const QJsonObject live = QJsonDocument::fromJson(labels.out).object();
        QCOMPARE(live.value(QLatin1String("sluice.dev/app")).toString(), QStringLiteral("web"));
        QCOMPARE(live.value(QLatin1String("app.kubernetes.io/managed-by")).toString(), QStringLiteral("Helm"));

        // kubectl agrees that the cluster matches the manifests as applied.
        const Run render = sluicectl({QStringLiteral("render"), QStringLiteral("web"), QStringLiteral("-o"), QStringLiteral("json")});
        QCOMPARE(render.exitCode, 0);
        QJsonObject list = QJsonDocument::fromJson(render.out).object();
        QJsonArray items;
        for (const QJsonValue &item : list.value(QLatin1String("items")).toArray()) {
            QJsonObject object = item.toObject();
            if (object.value(QLatin1String("kind")).toString() == QLatin1String("Secret"))
                continue; // rendered masked; its real value is what the cluster holds
            QJsonObject metadata = object.value(QLatin1String("metadata")).toObject();
            QJsonObject l = metadata.value(QLatin1String("labels")).toObject();
            l.insert(QStringLiteral("sluice.dev/app"), QStringLiteral("web"));
            metadata.insert(QStringLiteral("labels"), l);
            object.insert(QStringLiteral("metadata"), metadata);
            items.append(object);
        }
        list.insert(QStringLiteral("items"), items);
        QFile manifests(path(QStringLiteral("applied.json")));
        QVERIFY(manifests.open(QIODevice::WriteOnly));
        manifests.write(QJsonDocument(list).toJson());
        manifests.close();
        const Run diff = kubectl({QStringLiteral("diff"), QStringLiteral("--server-side"), QStringLiteral("--field-manager"),
                                  QStringLiteral("sluice"), QStringLiteral("--force-conflicts"), QStringLiteral("-f"), manifests.fileName()});
        QVERIFY2(diff.exitCode == 0, diff.out + diff.err);
    }

    void liveDiffShowsChangesMasked()
    {
        QCOMPARE(sluicectl({QStringLiteral("sync"), QStringLiteral("web"), QStringLiteral("--no-wait")}).exitCode, 0);
        QVERIFY(m_repo.write(QStringLiteral("app/secret.yaml"), QByteArray(kSecret).replace("aHVudGVyMi1uZXZlci1wcmludGVk", "b3RoZXI=")));
        QVERIFY(m_repo.write(QStringLiteral("app/deployment.yaml"), deployment("nginx:1.27")));
        m_repo.commitAll(QStringLiteral("bump"));
        Run diff = sluicectl({QStringLiteral("--json"), QStringLiteral("diff"), QStringLiteral("web")});
        QCOMPARE(diff.exitCode, 1);
        QCOMPARE(diff.json().value(QLatin1String("summary")).toObject().value(QLatin1String("changed")).toInt(), 2);
        for (const QJsonValue &o : diff.json().value(QLatin1String("objects")).toArray()) {
            const QJsonObject object = o.toObject();
            if (object.value(QLatin1String("kind")).toString() == QLatin1String("Deployment")) {
                QCOMPARE(object.value(QLatin1String("action")).toString(), QStringLiteral("update"));
                QCOMPARE(object.value(QLatin1String("fields")).toArray().first().toObject().value(QLatin1String("after")).toString(),
                         QStringLiteral("nginx:1.27"));
            }
            if (object.value(QLatin1String("kind")).toString() == QLatin1String("Secret"))
                QVERIFY(object.value(QLatin1String("diff")).toString().contains(QLatin1String("<secret value #")));
        }
        // Text output says the same; the status counts the pending commit.
        QCOMPARE(sluicectl({QStringLiteral("diff"), QStringLiteral("web")}).exitCode, 1);
        const QJsonObject status = app(sluicectl({QStringLiteral("--json"), QStringLiteral("status")}).json());
        QCOMPARE(status.value(QLatin1String("pending")).toInt(), 1);
    }

    void driftIsDetectedAndTakenOver()
    {
        QCOMPARE(sluicectl({QStringLiteral("sync"), QStringLiteral("web"), QStringLiteral("--timeout"), QStringLiteral("60s")}).exitCode, 0);
        QCOMPARE(sluicectl({QStringLiteral("status")}).exitCode, 0); // remembered as in sync
        // Someone edits the live object by hand: a new resourceVersion and another field manager.
        const Run patch = kubectl({QStringLiteral("patch"), QStringLiteral("-n"), QStringLiteral("demo"), QStringLiteral("configmap"),
                                   QStringLiteral("web-config"), QStringLiteral("-p"), QStringLiteral(R"({"data":{"LOG_LEVEL":"debug"}})")});
        QVERIFY2(patch.exitCode == 0, patch.err);
        Run diff = sluicectl({QStringLiteral("--json"), QStringLiteral("diff"), QStringLiteral("web")});
        QCOMPARE(diff.exitCode, 1);
        bool found = false;
        for (const QJsonValue &o : diff.json().value(QLatin1String("objects")).toArray()) {
            const QJsonObject object = o.toObject();
            if (object.value(QLatin1String("name")).toString() != QLatin1String("web-config"))
                continue;
            found = true;
            QCOMPARE(object.value(QLatin1String("sync")).toString(), QStringLiteral("OutOfSync"));
            QCOMPARE(object.value(QLatin1String("fields")).toArray().first().toObject().value(QLatin1String("before")).toString(), QStringLiteral("debug"));
            QCOMPARE(object.value(QLatin1String("takeovers")).toArray().first().toString(), QStringLiteral("takes .data.LOG_LEVEL from kubectl-patch"));
        }
        QVERIFY(found);
        Run sync = sluicectl({QStringLiteral("sync"), QStringLiteral("web"), QStringLiteral("--no-wait")});
        QVERIFY2(sync.out.contains("takes .data.LOG_LEVEL from kubectl-patch"), sync.out);
        const Run value = kubectl({QStringLiteral("get"), QStringLiteral("-n"), QStringLiteral("demo"), QStringLiteral("configmap"),
                                   QStringLiteral("web-config"), QStringLiteral("-o"), QStringLiteral("jsonpath={.data.LOG_LEVEL}")});
        QCOMPARE(value.out, QByteArray("info"));
        QCOMPARE(sluicectl({QStringLiteral("diff"), QStringLiteral("web")}).exitCode, 0);
    }

    void customResourceDefinitionThenItsObjects()
    {
        // A CRD and an object of its kind in one sync, with a wave putting a ConfigMap last.
        const QByteArray crd = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.acme.io\n"
                               "spec:\n  group: acme.io\n  scope: Namespaced\n  names: {plural: widgets, singular: widget, kind: Widget}\n"
                               "  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n"
                               "          type: object\n          x-kubernetes-preserve-unknown-fields: true\n";
        QVERIFY(m_repo.write(QStringLiteral("app/crd.yaml"), crd));
        QVERIFY(m_repo.write(QStringLiteral("app/widget.yaml"), "apiVersion: acme.io/v1\nkind: Widget\nmetadata:\n  name: gadget\nspec:\n  size: 3\n"));
        QVERIFY(m_repo.write(QStringLiteral("app/late.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: late\n  annotations:\n"
                                                               "    argocd.argoproj.io/sync-wave: \"5\"\ndata: {a: b}\n"));
        m_repo.commitAll(QStringLiteral("widgets"));
        const QJsonObject before = sluicectl({QStringLiteral("--json"), QStringLiteral("status")}).json();
        const QJsonObject widget = resourceIn(before, QStringLiteral("acme.io/Widget/demo/gadget"));
        QCOMPARE(widget.value(QLatin1String("sync")).toString(), QStringLiteral("OutOfSync")); // served once its CRD is applied

        Run sync = sluicectl({QStringLiteral("--json"), QStringLiteral("sync"), QStringLiteral("web"), QStringLiteral("--timeout"), QStringLiteral("60s")});
        QVERIFY2(sync.exitCode == 0, sync.out + sync.err);
        QStringList order;
        for (const QJsonValue &o : sync.json().value(QLatin1String("objects")).toArray())
            order << o.toObject().value(QLatin1String("kind")).toString() + QLatin1Char('/') + o.toObject().value(QLatin1String("name")).toString();
        QCOMPARE(order, (QStringList{QStringLiteral("Namespace/demo"), QStringLiteral("CustomResourceDefinition/widgets.acme.io"),
                                     QStringLiteral("Secret/web-secrets"), QStringLiteral("ConfigMap/web-config"),
                                     QStringLiteral("Deployment/web"), QStringLiteral("Widget/gadget"), QStringLiteral("ConfigMap/late")}));
        QCOMPARE(kubectl({QStringLiteral("get"), QStringLiteral("-n"), QStringLiteral("demo"), QStringLiteral("widgets.acme.io"), QStringLiteral("gadget"),
                          QStringLiteral("-o"), QStringLiteral("jsonpath={.spec.size}")}).out, QByteArray("3"));
        QCOMPARE(sluicectl({QStringLiteral("status")}).exitCode, 0);
    }

    void immutableChangeReplaces()
    {
        QCOMPARE(sluicectl({QStringLiteral("sync"), QStringLiteral("web"), QStringLiteral("--no-wait")}).exitCode, 0);
        const auto uid = [this] {
            return kubectl({QStringLiteral("get"), QStringLiteral("-n"), QStringLiteral("demo"), QStringLiteral("deployment"), QStringLiteral("web"),
                            QStringLiteral("-o"), QStringLiteral("jsonpath={.metadata.uid}")}).out;
        };
        const QByteArray before = uid();
        QVERIFY(m_repo.write(QStringLiteral("app/deployment.yaml"), deployment("nginx:1.25").replace("app: web}", "app: web-v2}")));
        m_repo.commitAll(QStringLiteral("new selector"));
        Run diff = sluicectl({QStringLiteral("--json"), QStringLiteral("diff"), QStringLiteral("web")});
        QCOMPARE(diff.exitCode, 1);
        bool replace = false;
        for (const QJsonValue &o : diff.json().value(QLatin1String("objects")).toArray())
            replace = replace || o.toObject().value(QLatin1String("replace")).toBool();
        QVERIFY2(replace, diff.out);
        Run sync = sluicectl({QStringLiteral("sync"), QStringLiteral("web"), QStringLiteral("--timeout"), QStringLiteral("60s")});
        QVERIFY2(sync.exitCode == 0, sync.out + sync.err);
        QVERIFY2(sync.out.contains("replace  Deployment.apps demo/web"), sync.out);
        QVERIFY(uid() != before);
        QCOMPARE(sluicectl({QStringLiteral("status")}).exitCode, 0);
    }

    // A real manifest set (SLUICE_CORPUS_DIR, ../shared/data): Argo CD's install.yaml at v3.4.0, then the upgrade
    // to v3.5.0, where 10 of its 59 objects differ.
    void corpusArgoCdUpgrade()
    {
        SLUICE_CORPUS_OR_SKIP(corpus, QStringLiteral("argocd-install-v3.4.0.yaml"));
        const auto install = [&](const QString &version) {
            QFile in(corpus + QStringLiteral("/argocd-install-v%1.yaml").arg(version));
            QVERIFY(in.open(QIODevice::ReadOnly));
            QVERIFY(m_repo.write(QStringLiteral("app/argocd-install.yaml"), in.readAll()));
            m_repo.commitAll(QStringLiteral("argocd ") + version);
        };
        for (const char *file : {"namespace.yaml", "configmap.yaml", "secret.yaml", "deployment.yaml"})
            QFile::remove(m_repo.dir() + QStringLiteral("/app/") + QLatin1String(file));
        install(QStringLiteral("3.4.0"));
        Run first = sluicectl({QStringLiteral("--json"), QStringLiteral("sync"), QStringLiteral("web"), QStringLiteral("--timeout"), QStringLiteral("60s")});
        QVERIFY2(first.exitCode == 0, first.out.left(3000) + first.err);
        QCOMPARE(first.json().value(QLatin1String("applied")).toInt(), 59);
        QCOMPARE(sluicectl({QStringLiteral("status")}).exitCode, 0);

        install(QStringLiteral("3.5.0"));
        Run diff = sluicectl({QStringLiteral("--json"), QStringLiteral("diff"), QStringLiteral("web")});
        QCOMPARE(diff.exitCode, 1);
        const QJsonObject summary = diff.json().value(QLatin1String("summary")).toObject();
        QCOMPARE(summary.value(QLatin1String("changed")).toInt(), 10);
        QCOMPARE(summary.value(QLatin1String("added")).toInt() + summary.value(QLatin1String("removed")).toInt(), 0);
        Run second = sluicectl({QStringLiteral("--json"), QStringLiteral("sync"), QStringLiteral("web"), QStringLiteral("--timeout"), QStringLiteral("60s")});
        QVERIFY2(second.exitCode == 0, second.out.left(3000) + second.err);
        QCOMPARE(second.json().value(QLatin1String("applied")).toInt(), 10);
        QCOMPARE(sluicectl({QStringLiteral("diff"), QStringLiteral("web")}).exitCode, 0);
    }

    void protectedClusterNeedsTheNameTyped()
    {
        writeWorkspace(false, QStringLiteral("{name: test, context: sluice-sandbox, kubeconfig: %1, protected: true}").arg(m_sandbox.kubeconfig()));
        Run refused = sluicectl({QStringLiteral("sync"), QStringLiteral("web")});
        QCOMPARE(refused.exitCode, 2);
        QVERIFY2(refused.err.contains("cluster test (context sluice-sandbox) is protected") && refused.err.contains("--confirm web") &&
                     refused.err.contains("namespace demo"),
                 refused.err);
        QVERIFY(!exists(QStringLiteral("configmap"), QStringLiteral("web-config")));
        QCOMPARE(sluicectl({QStringLiteral("sync"), QStringLiteral("web"), QStringLiteral("--confirm"), QStringLiteral("wbe")}).exitCode, 2);
        QCOMPARE(sluicectl({QStringLiteral("sync"), QStringLiteral("web"), QStringLiteral("--dry-run")}).exitCode, 0); // changes nothing
        QCOMPARE(sluicectl({QStringLiteral("sync"), QStringLiteral("web"), QStringLiteral("--no-wait"), QStringLiteral("--confirm"), QStringLiteral("web")}).exitCode, 0);
        QVERIFY(exists(QStringLiteral("configmap"), QStringLiteral("web-config")));
        QCOMPARE(sluicectl({QStringLiteral("rollback"), QStringLiteral("web")}).exitCode, 2);
    }

    void pruneOffThenOn()
    {
        QCOMPARE(sluicectl({QStringLiteral("sync"), QStringLiteral("web"), QStringLiteral("--no-wait")}).exitCode, 0);
        QVERIFY(QFile::remove(m_repo.dir() + QStringLiteral("/app/configmap.yaml")));
        m_repo.commitAll(QStringLiteral("drop the config"));
        const QJsonObject status = sluicectl({QStringLiteral("--json"), QStringLiteral("status")}).json();
        QCOMPARE(resourceIn(status, QStringLiteral("/ConfigMap/demo/web-config")).value(QLatin1String("sync")).toString(), QStringLiteral("OutOfSync"));

        Run noPrune = sluicectl({QStringLiteral("sync"), QStringLiteral("web"), QStringLiteral("--no-wait")});
        QCOMPARE(noPrune.exitCode, 0);
        QVERIFY2(noPrune.out.contains("1 would be pruned (prune is off)"), noPrune.out);
        QVERIFY(exists(QStringLiteral("configmap"), QStringLiteral("web-config")));

        Run prune = sluicectl({QStringLiteral("--json"), QStringLiteral("sync"), QStringLiteral("web"), QStringLiteral("--prune"), QStringLiteral("--no-wait")});
        QVERIFY2(prune.exitCode == 0, prune.out + prune.err);
        QCOMPARE(prune.json().value(QLatin1String("pruned")).toInt(), 1);
        QVERIFY(!exists(QStringLiteral("configmap"), QStringLiteral("web-config")));
        QVERIFY(exists(QStringLiteral("deployment"), QStringLiteral("web")));
    }

    void selectiveSync()
    {
        Run only = sluicectl({QStringLiteral("--json"), QStringLiteral("sync"), QStringLiteral("web"), QStringLiteral("--only"),
                              QStringLiteral("/Namespace//demo"), QStringLiteral("--only"), QStringLiteral("core/ConfigMap/demo/web-config")});
        QVERIFY2(only.exitCode == 0, only.out + only.err);
        QCOMPARE(only.json().value(QLatin1String("applied")).toInt(), 2);
        QVERIFY(exists(QStringLiteral("configmap"), QStringLiteral("web-config")));
        QVERIFY(!exists(QStringLiteral("deployment"), QStringLiteral("web")));
        QVERIFY(!exists(QStringLiteral("secret"), QStringLiteral("web-secrets")));
        QCOMPARE(sluicectl({QStringLiteral("sync"), QStringLiteral("web"), QStringLiteral("--only"), QStringLiteral("nonsense")}).exitCode, 2);
    }

    void dryRunChangesNothing()
    {
        Run dry = sluicectl({QStringLiteral("--json"), QStringLiteral("sync"), QStringLiteral("web"), QStringLiteral("--dry-run")});
        QVERIFY2(dry.exitCode == 0, dry.out + dry.err);
        QCOMPARE(dry.json().value(QLatin1String("dryRun")).toBool(), true);
        QCOMPARE(dry.json().value(QLatin1String("applied")).toInt(), 4);
        const Run namespaces = kubectl({QStringLiteral("get"), QStringLiteral("namespace"), QStringLiteral("demo")});
        QVERIFY2(namespaces.exitCode != 0 && namespaces.err.contains("NotFound"), namespaces.out + namespaces.err);
        const Run all = kubectl({QStringLiteral("get"), QStringLiteral("configmaps,secrets,deployments,leases"), QStringLiteral("-A"),
                                 QStringLiteral("-l"), QStringLiteral("sluice.dev/app=web")});
        QCOMPARE(all.exitCode, 0);
        QVERIFY2(!all.out.contains("web"), all.out);
        QCOMPARE(sluicectl({QStringLiteral("--json"), QStringLiteral("status")}).exitCode, 1);
    }

    void failedRolloutIsDegraded()
    {
        startSandbox({QStringLiteral("--fail-rollouts")});
        writeWorkspace();
        Run sync = sluicectl({QStringLiteral("--json"), QStringLiteral("sync"), QStringLiteral("web"), QStringLiteral("--timeout"), QStringLiteral("60s")});
        QCOMPARE(sync.exitCode, 1);
        QCOMPARE(sync.json().value(QLatin1String("result")).toString(), QStringLiteral("Succeeded")); // applied, then did not become healthy
        QCOMPARE(sync.json().value(QLatin1String("health")).toString(), QStringLiteral("Degraded"));
        const QJsonObject status = sluicectl({QStringLiteral("--json"), QStringLiteral("status")}).json();
        const QJsonObject web = resourceIn(status, QStringLiteral("apps/Deployment/demo/web"));
        QCOMPARE(web.value(QLatin1String("health")).toString(), QStringLiteral("Degraded"));
        QVERIFY2(web.value(QLatin1String("healthMessage")).toString().contains(QLatin1String("ProgressDeadlineExceeded")) ||
                     web.value(QLatin1String("healthMessage")).toString().contains(QLatin1String("progress deadline")),
                 qPrintable(web.value(QLatin1String("healthMessage")).toString()));
        QCOMPARE(app(status).value(QLatin1String("health")).toString(), QStringLiteral("Degraded"));
    }

    void halfFailedSyncIsPartial()
    {
        // The server rejects an invalid name (422); ConfigMaps go before the Deployment.
        QVERIFY(m_repo.write(QStringLiteral("app/bad.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\ndata: {a: b}\n"));
        m_repo.commitAll(QStringLiteral("a bad object"));
        Run sync = sluicectl({QStringLiteral("--json"), QStringLiteral("sync"), QStringLiteral("web")});
        QCOMPARE(sync.exitCode, 1);
        const QJsonObject result = sync.json();
        QCOMPARE(result.value(QLatin1String("result")).toString(), QStringLiteral("Partial"));
        QStringList failed;
        QStringList notAttempted;
        for (const QJsonValue &o : result.value(QLatin1String("objects")).toArray()) {
            const QJsonObject object = o.toObject();
            if (object.value(QLatin1String("outcome")).toString() == QLatin1String("failed"))
                failed << object.value(QLatin1String("name")).toString() + QLatin1Char(' ') + object.value(QLatin1String("message")).toString();
            if (object.value(QLatin1String("outcome")).toString() == QLatin1String("not attempted"))
                notAttempted << object.value(QLatin1String("name")).toString();
        }
        QCOMPARE(failed.size(), 1);
        QVERIFY2(failed.first().startsWith(QLatin1String("Bad_Name ")) && failed.first().contains(QLatin1String("invalid")), qPrintable(failed.first()));
        QCOMPARE(notAttempted, QStringList{QStringLiteral("web")}); // the Deployment comes after ConfigMaps
        QVERIFY(!exists(QStringLiteral("deployment"), QStringLiteral("web")));

        const QJsonObject entry = history().value(QLatin1String("entries")).toArray().first().toObject();
        QCOMPARE(entry.value(QLatin1String("result")).toString(), QStringLiteral("Partial"));
        QCOMPARE(entry.value(QLatin1String("failed")).toInt(), 1);
        QVERIFY(entry.value(QLatin1String("message")).toString().contains(QLatin1String("ConfigMap demo/Bad_Name")));
        const QJsonObject status = app(sluicectl({QStringLiteral("--json"), QStringLiteral("status")}).json());
        QCOMPARE(status.value(QLatin1String("deployedRevision")).toString(), QString()); // a Partial sync deploys nothing
    }

    void concurrentSyncIsRefusedByTheLease()
    {
        // The first sync waits for a slow rollout while holding the lease.
        m_sandbox.stop();
        QVERIFY(m_sandbox.start(QStringLiteral(SLUICE_BINARY_DIR "/app/sluice-sandbox/sluice-sandbox"), path(QStringLiteral("sandbox")),
                                {QStringLiteral("--controller-delay"), QStringLiteral("4000")}));
        writeWorkspace();
        auto first = QtConcurrent::run([this] { return sluicectl({QStringLiteral("sync"), QStringLiteral("web"), QStringLiteral("--timeout"), QStringLiteral("60s")}); });
        QTRY_VERIFY_WITH_TIMEOUT(kubectl({QStringLiteral("get"), QStringLiteral("lease"), QStringLiteral("-n"), QStringLiteral("demo"),
                                          QStringLiteral("sluice-web"), QStringLiteral("-o"), QStringLiteral("jsonpath={.spec.holderIdentity}")})
                                     .out.contains("pid"),
                                 20000);
        Run second = sluicectl({QStringLiteral("sync"), QStringLiteral("web")});
        QCOMPARE(second.exitCode, 2);
        QVERIFY2(QRegularExpression(QStringLiteral("web is being synced by \\S+@\\S+ \\(pid \\d+\\) since ")).match(QString::fromUtf8(second.err)).hasMatch(),
                 second.err);
        const Run firstRun = first.result();
        QVERIFY2(firstRun.exitCode == 0, firstRun.out + firstRun.err);
        // Released: a third sync goes through.
        const Run third = sluicectl({QStringLiteral("sync"), QStringLiteral("web"), QStringLiteral("--no-wait")});
        QVERIFY2(third.exitCode == 0, qPrintable(QStringLiteral("exit %1\n%2%3").arg(third.exitCode).arg(QString::fromUtf8(third.out), QString::fromUtf8(third.err))));
    }

    sluice::Result<sluice::sync::ClusterConnection> connectToSandbox() const
    {
        const sluice::ClusterConfig cluster{QStringLiteral("test"), QStringLiteral("sluice-sandbox"), m_sandbox.kubeconfig(), false, {}};
        return sluice::sync::connectCluster(cluster);
    }

    void historyUnderConcurrentWriters()
    {
        QCOMPARE(sluicectl({QStringLiteral("sync"), QStringLiteral("web"), QStringLiteral("--only"), QStringLiteral("/Namespace//demo")}).exitCode, 0);
        auto connection = connectToSandbox();
        QVERIFY2(connection, qPrintable(connection ? QString() : connection.error().message));
        constexpr int writers = 8;
        constexpr int each = 3;
        QList<QFuture<bool>> futures;
        for (int w = 0; w < writers; ++w) {
            futures << QtConcurrent::run([&, w] {
                bool ok = true;
                for (int i = 0; i < each; ++i) {
                    sluice::sync::HistoryEntry entry;
                    entry.action = QStringLiteral("sync");
                    entry.revision = QStringLiteral("writer-%1-%2").arg(w).arg(i);
                    entry.result = QStringLiteral("Succeeded");
                    ok = ok && sluice::sync::appendHistory(*connection, QStringLiteral("web"), QStringLiteral("demo"), 100, entry).ok();
                }
                return ok;
            });
        }
        QList<bool> written; // every writer finished before anything is checked (they use `connection`)
        for (auto &f : futures)
            written << f.result();
        QVERIFY(!written.contains(false));
        auto history = sluice::sync::readHistory(*connection, QStringLiteral("web"), QStringLiteral("demo"));
        QVERIFY(history);
        QCOMPARE(history->entries.size(), writers * each + 1);
        QSet<int> ids;
        QSet<QString> revisions;
        for (const auto &e : history->entries) {
            ids.insert(e.id);
            revisions.insert(e.revision);
        }
        QCOMPARE(ids.size(), writers * each + 1);
        QCOMPARE(revisions.size(), writers * each + 1);
        for (qsizetype i = 1; i < history->entries.size(); ++i)
            QVERIFY(history->entries.at(i - 1).id > history->entries.at(i).id); // newest first
        // Bounded: a limit keeps the newest.
        auto bounded = sluice::sync::updateHistory(*connection, QStringLiteral("web"), QStringLiteral("demo"), 5, [](sluice::sync::History &) {});
        QVERIFY(bounded);
        QCOMPARE(bounded->entries.size(), 5);
        QCOMPARE(bounded->entries.first().id, writers * each + 1);
    }

    // An append retried after its write landed unanswered (a 409 then, KubeClient.h) finds its
    // entry there: a sync is recorded once. Another result, or another start time (to the
    // millisecond), is another entry.
    void historyEntryRecordedOnce()
    {
        QCOMPARE(sluicectl({QStringLiteral("sync"), QStringLiteral("web"), QStringLiteral("--only"), QStringLiteral("/Namespace//demo")}).exitCode, 0);
        auto connection = connectToSandbox();
        QVERIFY2(connection, qPrintable(connection ? QString() : connection.error().message));
        sluice::sync::HistoryEntry entry;
        entry.action = QStringLiteral("sync");
        entry.revision = m_repo.revParse(QStringLiteral("main"));
        entry.time = QDateTime::fromString(QStringLiteral("2026-12-02T10:00:00.000Z"), Qt::ISODateWithMs);
        entry.result = QStringLiteral("Succeeded");
        entry.applied = 4;
        const auto append = [&] { return sluice::sync::appendHistory(*connection, QStringLiteral("web"), QStringLiteral("demo"), 10, entry); };
        auto first = append();
        QVERIFY(first);
        auto again = append();
        QVERIFY(again);
        QCOMPARE(again->id, first->id);
        entry.result = QStringLiteral("Partial");
        auto other = append();
        QVERIFY(other);
        QCOMPARE(other->id, first->id + 1);
        // Two syncs alike in all but a start a millisecond apart are two entries, not one.
        entry.time = entry.time.addMSecs(1);
        auto next = append();
        QVERIFY(next);
        QCOMPARE(next->id, other->id + 1);
        auto history = sluice::sync::readHistory(*connection, QStringLiteral("web"), QStringLiteral("demo"));
        QVERIFY(history);
        QCOMPARE(history->entries.size(), 4); // with the namespace's sync
        QCOMPARE(history->entries.first().time, entry.time);
    }

    void rollbackHoldAndRelease()
    {
        const QString first = m_repo.revParse(QStringLiteral("main"));
        QCOMPARE(sluicectl({QStringLiteral("sync"), QStringLiteral("web"), QStringLiteral("--no-wait")}).exitCode, 0);
        QVERIFY(m_repo.write(QStringLiteral("app/deployment.yaml"), deployment("nginx:1.27-broken")));
        const QString second = m_repo.commitAll(QStringLiteral("a bad release"));
        QCOMPARE(sluicectl({QStringLiteral("sync"), QStringLiteral("web"), QStringLiteral("--no-wait")}).exitCode, 0);

        Run rollback = sluicectl({QStringLiteral("--json"), QStringLiteral("rollback"), QStringLiteral("web"), QStringLiteral("--timeout"), QStringLiteral("60s")});
        QVERIFY2(rollback.exitCode == 0, rollback.out + rollback.err);
        QCOMPARE(rollback.json().value(QLatin1String("revision")).toString(), first);
        const Run image = kubectl({QStringLiteral("get"), QStringLiteral("-n"), QStringLiteral("demo"), QStringLiteral("deployment"), QStringLiteral("web"),
                                   QStringLiteral("-o"), QStringLiteral("jsonpath={.spec.template.spec.containers[0].image}")});
        QCOMPARE(image.out, QByteArray("nginx:1.25"));

        const QJsonObject status = app(sluicectl({QStringLiteral("--json"), QStringLiteral("status")}).json());
        QCOMPARE(status.value(QLatin1String("deployedRevision")).toString(), first);
        QCOMPARE(status.value(QLatin1String("hold")).toObject().value(QLatin1String("revision")).toString(), first);
        QCOMPARE(status.value(QLatin1String("pending")).toInt(), 1);
        QVERIFY(sluicectl({QStringLiteral("status")}).out.contains("held at " + first.left(7).toUtf8() + " by "));

        Run refused = sluicectl({QStringLiteral("sync"), QStringLiteral("web")});
        QCOMPARE(refused.exitCode, 2);
        QVERIFY2(refused.err.contains("held at " + first.left(7).toUtf8()) && refused.err.contains("--release-hold"), refused.err);
        QCOMPARE(sluicectl({QStringLiteral("sync"), QStringLiteral("web"), QStringLiteral("--dry-run")}).exitCode, 2);

        Run released = sluicectl({QStringLiteral("--json"), QStringLiteral("sync"), QStringLiteral("web"), QStringLiteral("--release-hold"), QStringLiteral("--no-wait")});
        QVERIFY2(released.exitCode == 0, released.out + released.err);
        QCOMPARE(released.json().value(QLatin1String("revision")).toString(), second);
        const QJsonObject h = history();
        QVERIFY(h.value(QLatin1String("hold")).isNull());
        QStringList actions;
        for (const QJsonValue &e : h.value(QLatin1String("entries")).toArray())
            actions << e.toObject().value(QLatin1String("action")).toString();
        const QStringList expected{QStringLiteral("sync"), QStringLiteral("release"), QStringLiteral("hold"), QStringLiteral("rollback"),
                                   QStringLiteral("sync"), QStringLiteral("sync")};
        QVERIFY2(actions == expected, QJsonDocument(h).toJson().constData());
        // --to names an entry explicitly; an unknown one is a clear error.
        Run unknown = sluicectl({QStringLiteral("rollback"), QStringLiteral("web"), QStringLiteral("--to"), QStringLiteral("99")});
        QCOMPARE(unknown.exitCode, 2);
        QVERIFY(unknown.err.contains("no history entry #99"));
    }

    void gitRevertBranch()
    {
        QVERIFY(m_repo.write(QStringLiteral("app/configmap.yaml"), QByteArray(kConfigMap).replace("info", "debug")));
        const QString bad = m_repo.commitAll(QStringLiteral("debug logging"));
        QVERIFY(m_repo.write(QStringLiteral("app/deployment.yaml"), deployment("nginx:uncommitted"))); // the user's own edit
        const QString statusBefore = m_repo.git({QStringLiteral("status"), QStringLiteral("--porcelain")});
        Run preview = sluicectl({QStringLiteral("--json"), QStringLiteral("rollback"), QStringLiteral("web"), QStringLiteral("--git-revert"), bad,
                                 QStringLiteral("--dry-run")});
        QVERIFY2(preview.exitCode == 0, preview.out + preview.err);
        QVERIFY(preview.json().value(QLatin1String("preview")).toBool());
        QCOMPARE(preview.json().value(QLatin1String("summary")).toObject().value(QLatin1String("changed")).toInt(), 1);
        bool exists = true;
        m_repo.git({QStringLiteral("rev-parse"), QStringLiteral("--verify"), QStringLiteral("-q"), QStringLiteral("refs/heads/sluice/revert-") + bad.left(7)}, &exists);
        QVERIFY2(!exists, "a preview created the branch");
        Run revert = sluicectl({QStringLiteral("--json"), QStringLiteral("rollback"), QStringLiteral("web"), QStringLiteral("--git-revert"), bad});
        QVERIFY2(revert.exitCode == 0, revert.out + revert.err);
        const QString branch = revert.json().value(QLatin1String("branch")).toString();
        QCOMPARE(branch, QStringLiteral("sluice/revert-") + bad.left(7));
        QCOMPARE(m_repo.git({QStringLiteral("show"), branch + QStringLiteral(":app/configmap.yaml")}).toUtf8() + '\n', kConfigMap);
        QCOMPARE(m_repo.git({QStringLiteral("rev-parse"), branch + QStringLiteral("~1")}), bad);
        QCOMPARE(revert.json().value(QLatin1String("summary")).toObject().value(QLatin1String("changed")).toInt(), 1);
        // The working tree, index and current branch are untouched.
        QCOMPARE(m_repo.git({QStringLiteral("status"), QStringLiteral("--porcelain")}), statusBefore);
        QCOMPARE(m_repo.git({QStringLiteral("rev-parse"), QStringLiteral("--abbrev-ref"), QStringLiteral("HEAD")}), QStringLiteral("main"));
        QCOMPARE(m_repo.revParse(QStringLiteral("main")), bad);
    }

    void sandboxStartedOnDemand()
    {
        m_sandbox.stop();
        const QString dataDir = path(QStringLiteral("ondemand"));
        writeWorkspace(false, QStringLiteral("{name: test, sandbox: {dataDir: %1}}").arg(dataDir));
        QCOMPARE(sluicectl({QStringLiteral("sandbox"), QStringLiteral("status")}).exitCode, 1);
        Run status = sluicectl({QStringLiteral("--json"), QStringLiteral("status")});
        QCOMPARE(status.exitCode, 1);
        QCOMPARE(app(status.json()).value(QLatin1String("sync")).toString(), QStringLiteral("OutOfSync"));
        const QJsonObject running = sluicectl({QStringLiteral("--json"), QStringLiteral("sandbox"), QStringLiteral("status")}).json();
        QVERIFY(running.value(QLatin1String("running")).toBool());
        QCOMPARE(sluicectl({QStringLiteral("sync"), QStringLiteral("web"), QStringLiteral("--no-wait")}).exitCode, 0);
        QCOMPARE(sluicectl({QStringLiteral("sandbox"), QStringLiteral("stop")}).exitCode, 0);
        QCOMPARE(sluicectl({QStringLiteral("sandbox"), QStringLiteral("status")}).exitCode, 1);
        // Started again on the same data: the objects are still there.
        QCOMPARE(sluicectl({QStringLiteral("sandbox"), QStringLiteral("start")}).exitCode, 0);
        const QJsonObject after = app(sluicectl({QStringLiteral("--json"), QStringLiteral("status")}).json());
        QCOMPARE(after.value(QLatin1String("sync")).toString(), QStringLiteral("Synced"));
        QCOMPARE(sluicectl({QStringLiteral("sandbox"), QStringLiteral("stop")}).exitCode, 0);
    }

    // A sandbox that is stopping has closed its port and not exited yet: a status check that a
    // window's lost watches brought then took it for running, failed to reach it, and nothing
    // started another. ensureSandbox waits for it to go and starts one. The stopping sandbox here
    // is a process named sluice-sandbox with the data directory in its arguments (as a real one
    // has), which exits after 1.5 s, and its log's address is a closed port.
    void stoppingSandboxIsWaitedFor()
    {
        const QString dataDir = path(QStringLiteral("stopping"));
        QVERIFY(QDir().mkpath(dataDir));
        qputenv("SLUICE_SANDBOX_BIN", SLUICE_BINARY_DIR "/app/sluice-sandbox/sluice-sandbox");
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost));
        const QString closedUrl = QStringLiteral("https://127.0.0.1:%1").arg(closed.serverPort());
        closed.close();
        QFile log(dataDir + QStringLiteral("/sandbox.log"));
        QVERIFY(log.open(QIODevice::WriteOnly));
        log.write("sluice-sandbox ready: " + closedUrl.toUtf8() + " kubeconfig=" + dataDir.toUtf8() + "/kubeconfig\n");
        log.close();
        qint64 pid = 0;
        QVERIFY(QProcess::startDetached(QStringLiteral("bash"), {"-c", "exec -a \"$0\" find \"$1\" -maxdepth 0 -exec sleep 1.5 ';'",
                                                                 path(QStringLiteral("sluice-sandbox")), QDir::cleanPath(dataDir)},
                                        {}, &pid));
        QFile pidFile(dataDir + QStringLiteral("/sandbox.pid"));
        QVERIFY(pidFile.open(QIODevice::WriteOnly));
        pidFile.write(QByteArray::number(pid));
        pidFile.close();
        QTRY_VERIFY(sluice::sync::sandboxState(dataDir).running); // the stand-in, once it has exec'd
        QCOMPARE(sluice::sync::sandboxState(dataDir).url, closedUrl);

        auto started = sluice::sync::ensureSandbox(dataDir);
        QVERIFY2(started, started ? "" : qPrintable(started.error().toString()));
        QVERIFY(started->startedNow);
        QVERIFY(started->url != closedUrl);
        QVERIFY(started->pid != pid);
        QVERIFY(sluice::sync::stopSandbox(dataDir));
    }

    // A start while `sluicectl sandbox stop` waits for the old sandbox to exit: the stop removed
    // the pid file after the exit, the new sandbox's, and the next start then failed ("the data
    // directory is in use") while the new one ran on, unknown (seen in the window: its watches
    // noticed the stop at once and checked again). The start now waits for the stop to end.
    void startDuringAStopKeepsItsSandbox()
    {
        const QString dataDir = path(QStringLiteral("restarting"));
        qputenv("SLUICE_SANDBOX_BIN", SLUICE_BINARY_DIR "/app/sluice-sandbox/sluice-sandbox");
        auto first = sluice::sync::ensureSandbox(dataDir);
        QVERIFY2(first, first ? "" : qPrintable(first.error().toString()));
        auto stopping = QtConcurrent::run([&] { return sluice::sync::stopSandbox(dataDir); });
        const auto refused = [port = quint16(QUrl(first->url).port())] {
            QTcpSocket probe;
            probe.connectToHost(QStringLiteral("127.0.0.1"), port);
            return !probe.waitForConnected(1000);
        };
        QTRY_VERIFY_WITH_TIMEOUT(refused(), 10000); // the old one has closed its port: it is stopping
        auto second = sluice::sync::ensureSandbox(dataDir);
        QVERIFY2(second, second ? "" : qPrintable(second.error().toString()));
        stopping.waitForFinished();
        QVERIFY(stopping.result());
        QVERIFY(second->startedNow);
        const sluice::sync::SandboxState now = sluice::sync::sandboxState(dataDir);
        QVERIFY2(now.running && now.pid == second->pid, "the stop removed the new sandbox's pid file");
        auto third = sluice::sync::ensureSandbox(dataDir);
        QVERIFY2(third, third ? "" : qPrintable(third.error().toString()));
        QCOMPARE(third->pid, second->pid);
        QVERIFY(sluice::sync::stopSandbox(dataDir));
    }

    // Every start in this process is told to the handler the window installs (its status bar
    // says it), whichever job started it; a sandbox found running is not, nor one started once
    // the handler is cleared.
    void sandboxStartsAreTold()
    {
        const QString dataDir = path(QStringLiteral("told"));
        qputenv("SLUICE_SANDBOX_BIN", SLUICE_BINARY_DIR "/app/sluice-sandbox/sluice-sandbox");
        std::mutex mutex;
        QStringList told;
        sluice::sync::setSandboxStartedHandler([&](const QString &dir, const QString &url) {
            std::lock_guard lock(mutex);
            told << dir + QLatin1Char(' ') + url;
        });
        const auto clear = qScopeGuard([&] {
            sluice::sync::setSandboxStartedHandler({});
            (void)sluice::sync::stopSandbox(dataDir);
        });
        auto first = sluice::sync::ensureSandbox(dataDir);
        QVERIFY2(first, first ? "" : qPrintable(first.error().toString()));
        QCOMPARE(told, QStringList{QDir::cleanPath(dataDir) + QLatin1Char(' ') + first->url});
        QVERIFY(sluice::sync::ensureSandbox(dataDir)); // running: nothing to tell
        QCOMPARE(told.size(), 1);
        QVERIFY(sluice::sync::stopSandbox(dataDir));
        sluice::sync::setSandboxStartedHandler({});
        QVERIFY(sluice::sync::ensureSandbox(dataDir));
        QCOMPARE(told.size(), 1);
    }

    // Quitting the window cancels a sandbox start: it gives up at once, whether it waits for another
    // starter's lock or has not started the process yet, and starts nothing nobody waits for.
    void sandboxStartIsCancellable()
    {
        const QString dataDir = path(QStringLiteral("cancelled"));
        QVERIFY(QDir().mkpath(dataDir));
        qputenv("SLUICE_SANDBOX_BIN", SLUICE_BINARY_DIR "/app/sluice-sandbox/sluice-sandbox");
        sluice::CancelToken cancelled;
        cancelled.cancel();
        auto before = sluice::sync::ensureSandbox(dataDir, cancelled);
        QVERIFY(!before);
        QCOMPARE(before.error().category, sluice::ErrorCategory::Cancelled);
        QVERIFY2(!QFile::exists(dataDir + QStringLiteral("/sandbox.log")), "a sandbox process was started");

        QLockFile otherStarter(dataDir + QStringLiteral("/start.lock"));
        QVERIFY(otherStarter.tryLock(0));
        sluice::CancelToken quit;
        QElapsedTimer clock;
        clock.start();
        auto waiting = QtConcurrent::run([&] { return sluice::sync::ensureSandbox(dataDir, quit); });
        QTest::qWait(200);
        QVERIFY(!waiting.isFinished()); // it waits for the other starter
        quit.cancel();
        waiting.waitForFinished();
        QVERIFY2(clock.elapsed() < 10000, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(waiting.result().error().category, sluice::ErrorCategory::Cancelled);
        QVERIFY(!QFile::exists(dataDir + QStringLiteral("/sandbox.log")));
    }

    void clusterErrorsAreClear()
    {
        // Unreachable: the sandbox is gone, the kubeconfig still points at its port.
        m_sandbox.stop();
        Run down = sluicectl({QStringLiteral("status"), QStringLiteral("web")});
        QCOMPARE(down.exitCode, 2);
        QVERIFY2(down.err.contains("cluster test (context sluice-sandbox): ") && down.err.contains("connection refused") &&
                     down.err.contains("is the cluster running"),
                 down.err);
        // Unauthorized: a wrong token.
        startSandbox();
        QFile config(m_sandbox.kubeconfig());
        QVERIFY(config.open(QIODevice::ReadOnly));
        QByteArray text = config.readAll();
        config.close();
        text = QRegularExpression(QStringLiteral("token: \\S+")).match(QString::fromUtf8(text)).hasMatch()
                   ? QString::fromUtf8(text).replace(QRegularExpression(QStringLiteral("token: \\S+")), QStringLiteral("token: wrong")).toUtf8()
                   : text;
        QVERIFY(config.open(QIODevice::WriteOnly | QIODevice::Truncate));
        config.write(text);
        config.close();
        Run denied = sluicectl({QStringLiteral("sync"), QStringLiteral("web")});
        QCOMPARE(denied.exitCode, 2);
        QVERIFY2(denied.err.contains("unauthorized"), denied.err);
        QVERIFY(!denied.err.contains("wrong"));
    }
};

QTEST_GUILESS_MAIN(TestSync)
#include "tst_sync.moc"
