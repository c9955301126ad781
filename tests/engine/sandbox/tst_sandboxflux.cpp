// The sandbox's simulated Flux and Argo CD controllers, driven as a user or Sluice drives the
// real ones: the built sluice-sandbox binary, Flux's and Argo CD's real CRDs, a real git
// repository, and the real kubectl for every write and check. A GitRepository resolves the
// local repository, a Kustomization renders and applies it (labels, field manager, inventory,
// postBuild variables), answers reconcile.fluxcd.io/requestedAt, follows a new commit, ignores
// requests while suspended, reports a broken path and prunes; a HelmRelease answers the
// handshake; an Argo CD Application is refreshed and synced by an operation. Fails (never
// skips) when git or kubectl is missing; needs the corpus (SLUICE_CORPUS_DIR).

#include "common/Corpus.h"
#include "common/GitFixture.h"
#include "common/SandboxProcess.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using sluice::test::GitFixture;
using sluice::test::SandboxProcess;

namespace {

const int kTimeoutMs = 60000;

const QByteArray kConfigMap = R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  LOG_LEVEL: ${LEVEL}
  CLUSTER: ${CLUSTER:=unknown}
  VERSION: "1"
)";

const QByteArray kDeployment = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
)";

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

QJsonObject objectAt(const QJsonObject &object, const char *field)
{
    return object.value(QLatin1String(field)).toObject();
}

QJsonObject condition(const QJsonObject &object, const QString &type)
{
    for (const QJsonValue &c : objectAt(object, "status").value(QLatin1String("conditions")).toArray()) {
        if (c.toObject().value(QLatin1String("type")).toString() == type)
            return c.toObject();
    }
    return {};
}

QString statusText(const QJsonObject &object, const char *field)
{
    return objectAt(object, "status").value(QLatin1String(field)).toString();
}

QStringList inventoryIds(const QJsonObject &kustomization)
{
    QStringList ids;
    for (const QJsonValue &e : objectAt(objectAt(kustomization, "status"), "inventory").value(QLatin1String("entries")).toArray())
        ids << e.toObject().value(QLatin1String("id")).toString() + QLatin1Char('@') + e.toObject().value(QLatin1String("v")).toString();
    return ids;
}

// "manager/operation" of every managedFields entry but status writes.
QStringList managers(const QJsonObject &object)
{
    QStringList result;
    for (const QJsonValue &entry : objectAt(object, "metadata").value(QLatin1String("managedFields")).toArray()) {
        const QJsonObject e = entry.toObject();
        if (e.value(QLatin1String("subresource")).toString() != QLatin1String("status"))
            result << e.value(QLatin1String("manager")).toString() + QLatin1Char('/') + e.value(QLatin1String("operation")).toString();
    }
    result.sort();
    return result;
}

} // namespace

class TestSandboxFlux : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    SandboxProcess m_sandbox;
    GitFixture m_repo;
    QStringList m_commits;

    Run kubectl(const QStringList &args, const QByteArray &input = {})
    {
        QProcess p;
        p.start(QStringLiteral("kubectl"), QStringList{QStringLiteral("--kubeconfig"), m_sandbox.kubeconfig(), QStringLiteral("--cache-dir"),
                                                       m_dir.filePath(QStringLiteral("kcache"))} + args);
        if (!input.isEmpty())
            p.write(input);
        p.closeWriteChannel();
        p.waitForFinished(60000);
        Run r{p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(), p.readAllStandardError()};
        return r;
    }

    bool apply(const QByteArray &yaml)
    {
        const Run r = kubectl({QStringLiteral("apply"), QStringLiteral("--server-side"), QStringLiteral("-f"), QStringLiteral("-")}, yaml);
        if (r.exitCode != 0)
            qWarning("kubectl apply failed: %s%s", r.out.constData(), r.err.constData());
        return r.exitCode == 0;
    }

    bool applyFile(const QString &file)
    {
        const Run r = kubectl({QStringLiteral("apply"), QStringLiteral("--server-side"), QStringLiteral("-f"), file});
        if (r.exitCode != 0)
            qWarning("kubectl apply -f %s failed: %s", qPrintable(file), r.err.constData());
        return r.exitCode == 0;
    }

    // `kubectl get <resource> <name> -n <ns> -o json`, managedFields included; empty when absent.
    QJsonObject get(const QString &resource, const QString &name, const QString &ns)
    {
        const Run r = kubectl({QStringLiteral("get"), resource, name, QStringLiteral("-n"), ns, QStringLiteral("-o"), QStringLiteral("json"),
                               QStringLiteral("--show-managed-fields")});
        return r.exitCode == 0 ? QJsonDocument::fromJson(r.out).object() : QJsonObject();
    }

    QJsonObject kustomization(const QString &name = QStringLiteral("apps"))
    {
        return get(QStringLiteral("kustomizations.kustomize.toolkit.fluxcd.io"), name, QStringLiteral("flux-system"));
    }

    QJsonObject application() { return get(QStringLiteral("applications.argoproj.io"), QStringLiteral("guestbook"), QStringLiteral("argocd")); }

    bool annotate(const QString &resource, const QString &name, const QString &ns, const QString &annotation)
    {
        return kubectl({QStringLiteral("annotate"), QStringLiteral("--overwrite"), QStringLiteral("-n"), ns, resource, name, annotation}).exitCode == 0;
    }

    bool mergePatch(const QString &resource, const QString &name, const QString &ns, const QByteArray &patch)
    {
        const Run r = kubectl({QStringLiteral("patch"), QStringLiteral("-n"), ns, resource, name, QStringLiteral("--type"),
                               QStringLiteral("merge"), QStringLiteral("-p"), QString::fromUtf8(patch)});
        if (r.exitCode != 0)
            qWarning("kubectl patch failed: %s", r.err.constData());
        return r.exitCode == 0;
    }

    // The Kustomization is Ready=True with `revision` applied.
    bool appliedRevision(const QString &revision, const QString &name = QStringLiteral("apps"))
    {
        const QJsonObject k = kustomization(name);
        return condition(k, QStringLiteral("Ready")).value(QLatin1String("status")).toString() == QLatin1String("True")
            && statusText(k, "lastAppliedRevision") == revision;
    }

    QString mainRevision(int commit) const { return QStringLiteral("main@sha1:") + m_commits.at(commit); }

    // The document of `file` holding `marker` (a multi-document YAML file split on "---").
    static QByteArray documentWith(const QString &file, const QByteArray &marker)
    {
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly))
            return {};
        const QList<QByteArray> documents = f.readAll().replace("\n---\n", "\n\x1e").split('\x1e');
        for (const QByteArray &doc : documents) {
            if (doc.contains(marker))
                return doc;
        }
        return {};
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(GitFixture::gitAvailable(), "git is required");
        QVERIFY2(!QStandardPaths::findExecutable(QStringLiteral("kubectl")).isEmpty(), "kubectl is required");
        SLUICE_CORPUS_OR_SKIP(corpus, QStringLiteral("flux-crds.yaml"));
        QVERIFY(m_dir.isValid());
        m_repo.setDir(m_dir.filePath(QStringLiteral("repo")));
        QVERIFY(m_repo.init());
        QVERIFY(m_repo.write(QStringLiteral("deploy/configmap.yaml"), kConfigMap));
        QVERIFY(m_repo.write(QStringLiteral("deploy/deployment.yaml"), kDeployment));
        m_commits << m_repo.commitAll(QStringLiteral("settings and web"));

        QVERIFY(m_sandbox.start(QStringLiteral(SLUICE_BINARY_DIR "/app/sluice-sandbox/sluice-sandbox"), m_dir.filePath(QStringLiteral("sandbox")),
                                {QStringLiteral("--controller-delay"), QStringLiteral("100")}));
        QVERIFY(applyFile(corpus + QStringLiteral("/flux-crds.yaml")));
        const QByteArray argoCrd = documentWith(corpus + QStringLiteral("/argocd-install-v3.5.0.yaml"), "name: applications.argoproj.io\nspec:");
        QVERIFY(argoCrd.contains("kind: CustomResourceDefinition"));
        QVERIFY(apply(argoCrd));
        for (const char *ns : {"flux-system", "apps", "argocd", "guestbook"})
            QCOMPARE(kubectl({QStringLiteral("create"), QStringLiteral("namespace"), QLatin1String(ns)}).exitCode, 0);
        QVERIFY(apply("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cluster-vars, namespace: flux-system}\ndata: {CLUSTER: sandbox}\n"));
    }

    void cleanupTestCase() { m_sandbox.stop(); }

    void kustomizationAppliesTheSource()
    {
        QVERIFY(apply(QStringLiteral("apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\n"
                                     "metadata: {name: repo, namespace: flux-system}\n"
                                     "spec: {interval: 1m, url: 'file://%1', ref: {branch: main}}\n"
                                     "---\n"
                                     "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n"
                                     "metadata: {name: apps, namespace: flux-system}\n"
                                     "spec:\n  interval: 10m\n  path: ./deploy\n  prune: true\n  targetNamespace: apps\n"
                                     "  sourceRef: {kind: GitRepository, name: repo}\n"
                                     "  postBuild:\n    substitute: {LEVEL: debug}\n    substituteFrom: [{kind: ConfigMap, name: cluster-vars}]\n")
                          .arg(m_repo.dir())
                          .toUtf8()));
        QTRY_VERIFY_WITH_TIMEOUT(appliedRevision(mainRevision(0)), kTimeoutMs);

        const QJsonObject source = get(QStringLiteral("gitrepositories.source.toolkit.fluxcd.io"), QStringLiteral("repo"), QStringLiteral("flux-system"));
        QCOMPARE(objectAt(objectAt(source, "status"), "artifact").value("revision").toString(), mainRevision(0));
        QCOMPARE(condition(source, QStringLiteral("Ready")).value("message").toString(),
                 QStringLiteral("stored artifact for revision '%1'").arg(mainRevision(0)));
        QCOMPARE(condition(source, QStringLiteral("ArtifactInStorage")).value("status").toString(), QStringLiteral("True"));

        const QJsonObject k = kustomization();
        QCOMPARE(condition(k, QStringLiteral("Ready")).value("reason").toString(), QStringLiteral("ReconciliationSucceeded"));
        QCOMPARE(condition(k, QStringLiteral("Ready")).value("message").toString(), QStringLiteral("Applied revision: ") + mainRevision(0));
        QVERIFY(condition(k, QStringLiteral("Reconciling")).isEmpty());
        QCOMPARE(statusText(k, "lastAttemptedRevision"), mainRevision(0));
        QCOMPARE(objectAt(k, "status").value("observedGeneration").toInteger(), 1);
        QCOMPARE(inventoryIds(k), (QStringList{"apps_settings__ConfigMap@v1", "apps_web_apps_Deployment@v1"}));

        for (const auto &[resource, name] : {std::pair{"configmap", "settings"}, std::pair{"deployment", "web"}}) {
            const QJsonObject object = get(QLatin1String(resource), QLatin1String(name), QStringLiteral("apps"));
            QVERIFY2(!object.isEmpty(), name);
            const QJsonObject labels = objectAt(objectAt(object, "metadata"), "labels");
            QCOMPARE(labels.value("kustomize.toolkit.fluxcd.io/name").toString(), QStringLiteral("apps"));
            QCOMPARE(labels.value("kustomize.toolkit.fluxcd.io/namespace").toString(), QStringLiteral("flux-system"));
            QCOMPARE(managers(object), QStringList{"kustomize-controller/Apply"});
        }
        const QJsonObject data = objectAt(get(QStringLiteral("configmap"), QStringLiteral("settings"), QStringLiteral("apps")), "data");
        QCOMPARE(data.value("LOG_LEVEL").toString(), QStringLiteral("debug"));  // postBuild.substitute
        QCOMPARE(data.value("CLUSTER").toString(), QStringLiteral("sandbox")); // substituteFrom
    }

    void requestedAtIsHandled()
    {
        QVERIFY(annotate(QStringLiteral("kustomization"), QStringLiteral("apps"), QStringLiteral("flux-system"),
                         QStringLiteral("reconcile.fluxcd.io/requestedAt=2026-01-01T10:00:00Z")));
        QTRY_COMPARE_WITH_TIMEOUT(statusText(kustomization(), "lastHandledReconcileAt"), QStringLiteral("2026-01-01T10:00:00Z"), kTimeoutMs);
        QVERIFY(appliedRevision(mainRevision(0)));
    }

    void newCommitMovesTheRevision()
    {
        QVERIFY(m_repo.write(QStringLiteral("deploy/configmap.yaml"), QByteArray(kConfigMap).replace("VERSION: \"1\"", "VERSION: \"2\"")));
        m_commits << m_repo.commitAll(QStringLiteral("settings version 2"));
        // Nothing polls: the new commit is seen when the source is asked to reconcile.
        QVERIFY(annotate(QStringLiteral("gitrepository"), QStringLiteral("repo"), QStringLiteral("flux-system"),
                         QStringLiteral("reconcile.fluxcd.io/requestedAt=2026-01-01T11:00:00Z")));
        QTRY_VERIFY_WITH_TIMEOUT(appliedRevision(mainRevision(1)), kTimeoutMs);
        QCOMPARE(objectAt(get(QStringLiteral("configmap"), QStringLiteral("settings"), QStringLiteral("apps")), "data").value("VERSION").toString(),
                 QStringLiteral("2"));
        const QJsonObject source = get(QStringLiteral("gitrepository"), QStringLiteral("repo"), QStringLiteral("flux-system"));
        QCOMPARE(statusText(source, "lastHandledReconcileAt"), QStringLiteral("2026-01-01T11:00:00Z"));
    }

    void suspendedIgnoresRequests()
    {
        QVERIFY(mergePatch(QStringLiteral("kustomization"), QStringLiteral("apps"), QStringLiteral("flux-system"), R"({"spec":{"suspend":true}})"));
        QVERIFY(annotate(QStringLiteral("kustomization"), QStringLiteral("apps"), QStringLiteral("flux-system"),
                         QStringLiteral("reconcile.fluxcd.io/requestedAt=2026-01-01T12:00:00Z")));
        // A barrier: the source is reconciled in the same pass as the Kustomization, after it.
        QVERIFY(annotate(QStringLiteral("gitrepository"), QStringLiteral("repo"), QStringLiteral("flux-system"),
                         QStringLiteral("reconcile.fluxcd.io/requestedAt=2026-01-01T12:00:01Z")));
        QTRY_COMPARE_WITH_TIMEOUT(statusText(get(QStringLiteral("gitrepository"), QStringLiteral("repo"), QStringLiteral("flux-system")),
                                             "lastHandledReconcileAt"),
                                  QStringLiteral("2026-01-01T12:00:01Z"), kTimeoutMs);
        const QJsonObject suspended = kustomization();
        QCOMPARE(statusText(suspended, "lastHandledReconcileAt"), QStringLiteral("2026-01-01T10:00:00Z"));
        QCOMPARE(objectAt(suspended, "status").value("observedGeneration").toInteger(), 1);

        // Resuming reconciles, and that handles the pending request.
        QVERIFY(mergePatch(QStringLiteral("kustomization"), QStringLiteral("apps"), QStringLiteral("flux-system"), R"({"spec":{"suspend":false}})"));
        QTRY_COMPARE_WITH_TIMEOUT(statusText(kustomization(), "lastHandledReconcileAt"), QStringLiteral("2026-01-01T12:00:00Z"), kTimeoutMs);
        QCOMPARE(objectAt(kustomization(), "status").value("observedGeneration").toInteger(), 3);
    }

    void brokenPathFails()
    {
        QVERIFY(apply("apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n"
                      "metadata: {name: broken, namespace: flux-system}\n"
                      "spec: {interval: 10m, path: ./missing, prune: false, sourceRef: {kind: GitRepository, name: repo}}\n"));
        QTRY_COMPARE_WITH_TIMEOUT(condition(kustomization(QStringLiteral("broken")), QStringLiteral("Ready")).value("status").toString(),
                                  QStringLiteral("False"), kTimeoutMs);
        const QJsonObject k = kustomization(QStringLiteral("broken"));
        QCOMPARE(condition(k, QStringLiteral("Ready")).value("reason").toString(), QStringLiteral("ArtifactFailed"));
        const QString message = condition(k, QStringLiteral("Ready")).value("message").toString();
        QVERIFY2(message.startsWith(QLatin1String("kustomization path not found: ")) && message.contains(QLatin1String("./missing")),
                 qPrintable(message));
        QCOMPARE(statusText(k, "lastAttemptedRevision"), mainRevision(1));
        QVERIFY(statusText(k, "lastAppliedRevision").isEmpty());
        QVERIFY(condition(k, QStringLiteral("Reconciling")).isEmpty());
    }

    void remoteSourceFails()
    {
        QVERIFY(apply("apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\n"
                      "metadata: {name: remote, namespace: flux-system}\n"
                      "spec: {interval: 1m, url: 'https://github.com/acme/fleet', ref: {branch: main}}\n"));
        const auto ready = [&] {
            return condition(get(QStringLiteral("gitrepository"), QStringLiteral("remote"), QStringLiteral("flux-system")), QStringLiteral("Ready"));
        };
        QTRY_COMPARE_WITH_TIMEOUT(ready().value("status").toString(), QStringLiteral("False"), kTimeoutMs);
        QCOMPARE(ready().value("reason").toString(), QStringLiteral("GitOperationFailed"));
        QVERIFY2(ready().value("message").toString().contains(QLatin1String("only read local repositories")),
                 qPrintable(ready().value("message").toString()));
    }

    void pruneDeletesRemovedObjects()
    {
        QVERIFY(QFile::remove(m_repo.dir() + QStringLiteral("/deploy/deployment.yaml")));
        m_commits << m_repo.commitAll(QStringLiteral("no web"));
        QVERIFY(annotate(QStringLiteral("gitrepository"), QStringLiteral("repo"), QStringLiteral("flux-system"),
                         QStringLiteral("reconcile.fluxcd.io/requestedAt=2026-01-01T13:00:00Z")));
        QTRY_VERIFY_WITH_TIMEOUT(appliedRevision(mainRevision(2)), kTimeoutMs);
        QCOMPARE(inventoryIds(kustomization()), QStringList{"apps_settings__ConfigMap@v1"});
        QVERIFY(get(QStringLiteral("deployment"), QStringLiteral("web"), QStringLiteral("apps")).isEmpty());
        QVERIFY(!get(QStringLiteral("configmap"), QStringLiteral("settings"), QStringLiteral("apps")).isEmpty());
    }

    void helmReleaseHandshake()
    {
        QVERIFY(apply("apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\n"
                      "metadata: {name: podinfo, namespace: flux-system}\n"
                      "spec: {interval: 10m, chart: {spec: {chart: podinfo, version: '6.x', sourceRef: {kind: HelmRepository, name: podinfo}}}}\n"));
        const auto release = [&] { return get(QStringLiteral("helmrelease"), QStringLiteral("podinfo"), QStringLiteral("flux-system")); };
        QTRY_COMPARE_WITH_TIMEOUT(condition(release(), QStringLiteral("Ready")).value("status").toString(), QStringLiteral("True"), kTimeoutMs);
        QVERIFY(condition(release(), QStringLiteral("Ready")).value("message").toString().startsWith(QLatin1String("Helm install succeeded")));
        QVERIFY(annotate(QStringLiteral("helmrelease"), QStringLiteral("podinfo"), QStringLiteral("flux-system"),
                         QStringLiteral("reconcile.fluxcd.io/requestedAt=2026-01-01T14:00:00Z")));
        QTRY_COMPARE_WITH_TIMEOUT(statusText(release(), "lastHandledReconcileAt"), QStringLiteral("2026-01-01T14:00:00Z"), kTimeoutMs);
    }

    void argoRefresh()
    {
        QVERIFY(apply(QStringLiteral("apiVersion: argoproj.io/v1alpha1\nkind: Application\n"
                                     "metadata: {name: guestbook, namespace: argocd}\n"
                                     "spec:\n  project: default\n"
                                     "  source: {repoURL: '%1', path: deploy, targetRevision: main}\n"
                                     "  destination: {server: 'https://kubernetes.default.svc', namespace: guestbook}\n")
                          .arg(m_repo.dir())
                          .toUtf8()));
        QTRY_VERIFY_WITH_TIMEOUT(!statusText(application(), "reconciledAt").isEmpty(), kTimeoutMs);
        QVERIFY(annotate(QStringLiteral("application"), QStringLiteral("guestbook"), QStringLiteral("argocd"),
                         QStringLiteral("argocd.argoproj.io/refresh=hard")));
        QTRY_VERIFY_WITH_TIMEOUT(!objectAt(objectAt(application(), "metadata"), "annotations").contains("argocd.argoproj.io/refresh"), kTimeoutMs);
        const QJsonObject sync = objectAt(objectAt(application(), "status"), "sync");
        QCOMPARE(sync.value("revision").toString(), m_commits.at(2));
        QCOMPARE(sync.value("status").toString(), QStringLiteral("OutOfSync"));
        QVERIFY(managers(application()).contains(QStringLiteral("argocd-application-controller/Update")));
    }

    void argoSyncOperation()
    {
        QVERIFY(mergePatch(QStringLiteral("application"), QStringLiteral("guestbook"), QStringLiteral("argocd"),
                           R"({"operation":{"initiatedBy":{"username":"tester"},"sync":{"revision":"main","prune":true,"syncStrategy":{"hook":{}}}}})"));
        const auto phase = [&] { return objectAt(objectAt(application(), "status"), "operationState").value("phase").toString(); };
        QTRY_COMPARE_WITH_TIMEOUT(phase(), QStringLiteral("Succeeded"), kTimeoutMs);
        const QJsonObject app = application();
        QVERIFY(!app.contains("operation"));
        const QJsonObject status = objectAt(app, "status");
        const QJsonObject state = objectAt(status, "operationState");
        QCOMPARE(state.value("message").toString(), QStringLiteral("successfully synced (all tasks run)"));
        QCOMPARE(objectAt(state, "operation").value("initiatedBy").toObject().value("username").toString(), QStringLiteral("tester"));
        QCOMPARE(objectAt(state, "syncResult").value("revision").toString(), m_commits.at(2));
        QVERIFY(!state.value("finishedAt").toString().isEmpty());
        QCOMPARE(objectAt(status, "sync").value("status").toString(), QStringLiteral("Synced"));
        QCOMPARE(objectAt(status, "sync").value("revision").toString(), m_commits.at(2));
        QCOMPARE(objectAt(status, "health").value("status").toString(), QStringLiteral("Healthy"));
        QCOMPARE(status.value("history").toArray().size(), 1);
        QCOMPARE(status.value("history").toArray().first().toObject().value("revision").toString(), m_commits.at(2));

        const QJsonObject settings = get(QStringLiteral("configmap"), QStringLiteral("settings"), QStringLiteral("guestbook"));
        QCOMPARE(objectAt(objectAt(settings, "metadata"), "annotations").value("argocd.argoproj.io/tracking-id").toString(),
                 QStringLiteral("guestbook:/ConfigMap:guestbook/settings"));
        QCOMPARE(managers(settings), QStringList{"argocd-controller/Apply"});
        QCOMPARE(objectAt(settings, "data").value("LOG_LEVEL").toString(), QStringLiteral("${LEVEL}")); // no Flux substitution here

        // A refresh now finds the application in sync.
        QVERIFY(annotate(QStringLiteral("application"), QStringLiteral("guestbook"), QStringLiteral("argocd"),
                         QStringLiteral("argocd.argoproj.io/refresh=normal")));
        QTRY_VERIFY_WITH_TIMEOUT(!objectAt(objectAt(application(), "metadata"), "annotations").contains("argocd.argoproj.io/refresh"), kTimeoutMs);
        QCOMPARE(objectAt(objectAt(application(), "status"), "sync").value("status").toString(), QStringLiteral("Synced"));
    }

    void argoRemoteSourceIsAnError()
    {
        QVERIFY(apply("apiVersion: argoproj.io/v1alpha1\nkind: Application\n"
                      "metadata: {name: remote, namespace: argocd}\n"
                      "spec:\n  project: default\n"
                      "  source: {repoURL: 'https://github.com/acme/fleet', path: deploy, targetRevision: main}\n"
                      "  destination: {server: 'https://kubernetes.default.svc', namespace: guestbook}\n"
                      "operation: {initiatedBy: {username: tester}, sync: {revision: main}}\n"));
        const auto state = [&] {
            return objectAt(objectAt(get(QStringLiteral("application"), QStringLiteral("remote"), QStringLiteral("argocd")), "status"),
                            "operationState");
        };
        QTRY_COMPARE_WITH_TIMEOUT(state().value("phase").toString(), QStringLiteral("Error"), kTimeoutMs);
        QVERIFY2(state().value("message").toString().contains(QLatin1String("only read local repositories")),
                 qPrintable(state().value("message").toString()));
    }
};

QTEST_GUILESS_MAIN(TestSandboxFlux)
#include "tst_sandboxflux.moc"
