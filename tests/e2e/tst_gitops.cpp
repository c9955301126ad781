// Applications a GitOps controller owns, end to end: Flux's real CRDs and Argo CD's Application
// CRD served by a fresh sandbox whose simulated controllers answer the handshakes, a real git
// repository, sluicectl as the user runs it, and the real kubectl to check what was written.

#include "common/CliRun.h"
#include "common/Corpus.h"
#include "common/Fleet.h"
#include "common/GitFixture.h"
#include "common/SandboxProcess.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <functional>

using namespace sluice::test;

namespace {

const QByteArray kNamespace = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n";
const QByteArray kConfigMap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\ndata:\n  LOG_LEVEL: info\n";

QByteArray deployment(const QByteArray &image)
{
    return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: web}\n"
           "  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: " +
           image + "\n";
}

// The GitRepository and Kustomization flux bootstrap would write for this repository's app/.
QByteArray fluxObjects(const QString &repo)
{
    return QStringLiteral("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: flux-system\n---\n"
                          "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: gitops\n  namespace: flux-system\n"
                          "spec:\n  interval: 1m\n  url: file://%1\n  ref:\n    branch: main\n---\n"
                          "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: web\n  namespace: flux-system\n"
                          "spec:\n  interval: 10m\n  path: ./app\n  prune: true\n  targetNamespace: demo\n"
                          "  sourceRef:\n    kind: GitRepository\n    name: gitops\n")
        .arg(repo)
        .toUtf8();
}

QByteArray argoApplication(const QString &repo)
{
    return QStringLiteral("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: argocd\n---\n"
                          "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\n  namespace: argocd\n"
                          "spec:\n  project: default\n  source:\n    repoURL: file://%1\n    path: app\n    targetRevision: main\n"
                          "  destination:\n    server: https://kubernetes.default.svc\n    namespace: demo\n"
                          "  syncPolicy:\n    automated:\n      prune: true\n")
        .arg(repo)
        .toUtf8();
}

QJsonObject at(const QJsonObject &object, const QString &path)
{
    QJsonObject current = object;
    for (const QString &part : path.split(QLatin1Char('.')))
        current = current.value(part).toObject();
    return current;
}

QString condition(const QJsonObject &object, const QString &type)
{
    for (const QJsonValue c : at(object, QStringLiteral("status")).value(QLatin1String("conditions")).toArray()) {
        if (c.toObject().value(QLatin1String("type")).toString() == type)
            return c.toObject().value(QLatin1String("status")).toString();
    }
    return {};
}

} // namespace

class TestGitOps : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    GitFixture m_repo;
    SandboxProcess m_sandbox;
    QString m_workspace;
    QString m_head;

    QString path(const QString &rel) const { return m_dir->filePath(rel); }
    Run ctl(const QStringList &args) { return sluicectl(m_workspace, path(QStringLiteral("cache")), args); }
    Run kc(const QStringList &args, const QByteArray &input = {})
    {
        return kubectl(m_sandbox.kubeconfig(), path(QStringLiteral("kcache")), args, input);
    }

    // `kubectl get RESOURCE NAME -n NS -o json`.
    QJsonObject get(const QString &resource, const QString &ns, const QString &name)
    {
        return kc({QStringLiteral("get"), resource, name, QStringLiteral("-n"), ns, QStringLiteral("-o"), QStringLiteral("json")}).json();
    }
    QJsonObject kustomization() { return get(QStringLiteral("kustomizations.kustomize.toolkit.fluxcd.io"), QStringLiteral("flux-system"), QStringLiteral("web")); }
    QJsonObject application() { return get(QStringLiteral("applications.argoproj.io"), QStringLiteral("argocd"), QStringLiteral("web")); }
    QString image()
    {
        const QJsonObject d = get(QStringLiteral("deployment"), QStringLiteral("demo"), QStringLiteral("web"));
        return at(d, QStringLiteral("spec.template.spec")).value(QLatin1String("containers")).toArray().first().toObject().value(QLatin1String("image")).toString();
    }
    QJsonObject appStatus()
    {
        const Run r = ctl({QStringLiteral("--json"), QStringLiteral("status"), QStringLiteral("web")});
        return r.json().value(QLatin1String("applications")).toArray().first().toObject();
    }

    static bool eventually(const std::function<bool()> &condition, int ms = 30000)
    {
        QDeadlineTimer deadline(ms);
        while (!condition()) {
            if (deadline.hasExpired())
                return false;
            QThread::msleep(200);
        }
        return true;
    }

    void writeWorkspace(const QString &controller = {})
    {
        QFile file(m_workspace);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(QStringLiteral("apiVersion: sluice.dev/v1alpha1\nkind: Workspace\nclusters:\n"
                                  "  - {name: test, context: sluice-sandbox, kubeconfig: %1}\napplications:\n"
                                  "  - name: web\n    source: {repo: %2, revision: main, path: app, renderer: plain}\n"
                                  "    destination: {cluster: test, namespace: demo}\n%3")
                       .arg(m_sandbox.kubeconfig(), m_repo.dir(), controller)
                       .toUtf8());
    }

    QString commitImage(const QByteArray &image)
    {
        m_repo.write(QStringLiteral("app/deployment.yaml"), deployment(image));
        return m_repo.commitAll(QStringLiteral("web ") + QString::fromUtf8(image));
    }

    void applyFile(const QString &file)
    {
        const Run r = kc({QStringLiteral("apply"), QStringLiteral("--server-side"), QStringLiteral("-f"), file});
        QVERIFY2(r.exitCode == 0, r.err.constData());
    }

    void applyText(const QByteArray &yaml)
    {
        const Run r = kc({QStringLiteral("apply"), QStringLiteral("--server-side"), QStringLiteral("-f"), QStringLiteral("-")}, yaml);
        QVERIFY2(r.exitCode == 0, r.err.constData());
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
        QVERIFY(m_sandbox.start(QStringLiteral(SLUICE_BINARY_DIR "/app/sluice-sandbox/sluice-sandbox"), path(QStringLiteral("sandbox")),
                                {QStringLiteral("--controller-delay"), QStringLiteral("200")}));
        m_workspace = path(QStringLiteral("sluice.yaml"));
        writeWorkspace();
        QVERIFY(m_repo.write(QStringLiteral("app/namespace.yaml"), kNamespace));
        QVERIFY(m_repo.write(QStringLiteral("app/configmap.yaml"), kConfigMap));
        m_head = commitImage("nginx:1.25");
    }

    void cleanup() { m_sandbox.stop(); }

    void fluxOwnedApplication()
    {
        SLUICE_CORPUS_OR_SKIP(corpus, QStringLiteral("flux-crds.yaml"));
        applyFile(corpus + QStringLiteral("/flux-crds.yaml"));
        applyText(fluxObjects(m_repo.dir()));
        const QString first = m_head;
        QVERIFY2(eventually([&] { return at(kustomization(), QStringLiteral("status")).value(QLatin1String("lastAppliedRevision")).toString()
                                          == QStringLiteral("main@sha1:") + first; }),
                 QJsonDocument(kustomization()).toJson().constData());

        // What Flux applied carries its labels; Sluice sees the owner and Flux's own state.
        const QJsonObject live = get(QStringLiteral("deployment"), QStringLiteral("demo"), QStringLiteral("web"));
        QCOMPARE(at(live, QStringLiteral("metadata.labels")).value(QLatin1String("kustomize.toolkit.fluxcd.io/name")).toString(), QStringLiteral("web"));
        QJsonObject status = appStatus();
        QCOMPARE(status.value(QLatin1String("owner")).toObject().value(QLatin1String("type")).toString(), QStringLiteral("flux"));
        QCOMPARE(status.value(QLatin1String("owner")).toObject().value(QLatin1String("kind")).toString(), QStringLiteral("Kustomization"));
        QCOMPARE(status.value(QLatin1String("owner")).toObject().value(QLatin1String("namespace")).toString(), QStringLiteral("flux-system"));
        QJsonObject controller = status.value(QLatin1String("controller")).toObject();
        QCOMPARE(controller.value(QLatin1String("state")).toString(), QStringLiteral("Reconciled"));
        QCOMPARE(controller.value(QLatin1String("lastAppliedRevision")).toString(), QStringLiteral("main@sha1:") + first);
        QCOMPARE(status.value(QLatin1String("deployedRevision")).toString(), first);
        QCOMPARE(status.value(QLatin1String("sync")).toString(), QStringLiteral("Synced"));
        QCOMPARE(status.value(QLatin1String("pending")).toInt(), 0);

        // A reconcile through Flux while nothing changed: recorded, so a rollback can come back here.
        Run reconciled = ctl({QStringLiteral("reconcile"), QStringLiteral("web")});
        QVERIFY2(reconciled.exitCode == 0, reconciled.err.constData());

        // Pending commits start at what Flux last applied.
        const QString second = commitImage("nginx:1.26");
        status = appStatus();
        QCOMPARE(status.value(QLatin1String("deployedRevision")).toString(), first);
        QCOMPARE(status.value(QLatin1String("pending")).toInt(), 1);
        QCOMPARE(status.value(QLatin1String("pendingCommits")).toArray().first().toObject().value(QLatin1String("id")).toString(), second);

        // Reconcile with the source: the requestedAt handshake on both, and the new commit applied.
        reconciled = ctl({QStringLiteral("reconcile"), QStringLiteral("web"), QStringLiteral("--with-source")});
        QVERIFY2(reconciled.exitCode == 0, reconciled.err.constData());
        QVERIFY(reconciled.out.contains("Reconciled"));
        const QJsonObject ks = kustomization();
        const QString token = at(ks, QStringLiteral("metadata.annotations")).value(QLatin1String("reconcile.fluxcd.io/requestedAt")).toString();
        QVERIFY(!token.isEmpty());
        QCOMPARE(at(ks, QStringLiteral("status")).value(QLatin1String("lastHandledReconcileAt")).toString(), token);
        QCOMPARE(at(ks, QStringLiteral("status")).value(QLatin1String("lastAppliedRevision")).toString(), QStringLiteral("main@sha1:") + second);
        const QJsonObject source = get(QStringLiteral("gitrepositories.source.toolkit.fluxcd.io"), QStringLiteral("flux-system"), QStringLiteral("gitops"));
        QCOMPARE(at(source, QStringLiteral("status")).value(QLatin1String("lastHandledReconcileAt")).toString(),
                 at(source, QStringLiteral("metadata.annotations")).value(QLatin1String("reconcile.fluxcd.io/requestedAt")).toString());
        QCOMPARE(image(), QStringLiteral("nginx:1.26"));
        QCOMPARE(appStatus().value(QLatin1String("pending")).toInt(), 0);

        // A direct sync says Flux will revert it, and the way out.
        Run synced = ctl({QStringLiteral("sync"), QStringLiteral("web"), QStringLiteral("--dry-run")});
        QVERIFY2(synced.exitCode == 0, synced.err.constData());
        QVERIFY2(synced.out.contains("Flux Kustomization flux-system/web owns these objects"), synced.out.constData());
        QVERIFY(synced.out.contains("sluicectl suspend web"));
        QVERIFY(synced.out.contains("sluicectl reconcile web"));

        // Suspend and resume: spec.suspend, the hold while suspended.
        QCOMPARE(ctl({QStringLiteral("suspend"), QStringLiteral("web")}).exitCode, 0);
        QCOMPARE(at(kustomization(), QStringLiteral("spec")).value(QLatin1String("suspend")).toBool(), true);
        status = appStatus();
        QVERIFY(status.value(QLatin1String("controller")).toObject().value(QLatin1String("suspended")).toBool());
        QVERIFY(status.value(QLatin1String("hold")).isObject());
        const Run refused = ctl({QStringLiteral("sync"), QStringLiteral("web")});
        QCOMPARE(refused.exitCode, 2);
        QVERIFY2(refused.err.contains("is suspended"), refused.err.constData());
        const Run suspendedReconcile = ctl({QStringLiteral("reconcile"), QStringLiteral("web")});
        QCOMPARE(suspendedReconcile.exitCode, 2);
        QVERIFY2(suspendedReconcile.err.contains("resume"), suspendedReconcile.err.constData());
        QCOMPARE(ctl({QStringLiteral("resume"), QStringLiteral("web")}).exitCode, 0);
        QCOMPARE(at(kustomization(), QStringLiteral("spec")).value(QLatin1String("suspend")).toBool(), false);
        QVERIFY(appStatus().value(QLatin1String("hold")).isNull());
        // Every action through Flux is in the history every workstation sees, newest first.
        QStringList actions;
        for (const QJsonValue e : ctl({QStringLiteral("--json"), QStringLiteral("history"), QStringLiteral("web")}).json().value(QLatin1String("entries")).toArray())
            actions << e.toObject().value(QLatin1String("action")).toString();
        QCOMPARE(actions, (QStringList{QStringLiteral("reconcile"), QStringLiteral("resume"), QStringLiteral("suspend"),
                                       QStringLiteral("reconcile"), QStringLiteral("reconcile")}));

        // Rollback suspends the Kustomization first (the hold), so Flux does not undo it.
        const Run rolledBack = ctl({QStringLiteral("rollback"), QStringLiteral("web")});
        QVERIFY2(rolledBack.exitCode == 0, rolledBack.out + rolledBack.err);
        QCOMPARE(at(kustomization(), QStringLiteral("spec")).value(QLatin1String("suspend")).toBool(), true);
        QCOMPARE(image(), QStringLiteral("nginx:1.25"));
        status = appStatus();
        QVERIFY(status.value(QLatin1String("hold")).toObject().value(QLatin1String("reason")).toString().contains(QStringLiteral("suspended")));
        // Releasing it hands the application back: resume and reconcile, Flux applies the head.
        const Run released = ctl({QStringLiteral("sync"), QStringLiteral("web"), QStringLiteral("--release-hold")});
        QVERIFY2(released.exitCode == 0, released.out + released.err);
        QCOMPARE(at(kustomization(), QStringLiteral("spec")).value(QLatin1String("suspend")).toBool(), false);
        QCOMPARE(image(), QStringLiteral("nginx:1.26"));
        QVERIFY(appStatus().value(QLatin1String("hold")).isNull());
    }

    void fluxFailureIsShownInFluxWords()
    {
        SLUICE_CORPUS_OR_SKIP(corpus, QStringLiteral("flux-crds.yaml"));
        applyFile(corpus + QStringLiteral("/flux-crds.yaml"));
        writeWorkspace(QStringLiteral("    controller: {kind: Kustomization, namespace: flux-system, name: web}\n"));
        applyText(fluxObjects(m_repo.dir()).replace("path: ./app", "path: ./missing"));
        QVERIFY(eventually([&] { return condition(kustomization(), QStringLiteral("Ready")) == QStringLiteral("False"); }));
        // Named by the workspace: the owner is known though Flux applied nothing.
        const QJsonObject status = appStatus();
        QCOMPARE(status.value(QLatin1String("owner")).toObject().value(QLatin1String("evidence")).toString(), QStringLiteral("controller: in the workspace"));
        QCOMPARE(status.value(QLatin1String("controller")).toObject().value(QLatin1String("state")).toString(), QStringLiteral("Failed"));
        const Run reconciled = ctl({QStringLiteral("reconcile"), QStringLiteral("web")});
        QCOMPARE(reconciled.exitCode, 2);
        QVERIFY2(reconciled.err.contains("Flux Kustomization flux-system/web is Failed"), reconciled.err.constData());
    }

    // Conditions written as a controller left them (kubectl patch --subresource=status): a
    // Reconciling older than an applied Ready is stale; a newer one is a reconcile in progress.
    void staleReconcilingReadsAsReconciled()
    {
        SLUICE_CORPUS_OR_SKIP(corpus, QStringLiteral("flux-crds.yaml"));
        applyFile(corpus + QStringLiteral("/flux-crds.yaml"));
        applyText(fluxObjects(m_repo.dir()));
        QVERIFY(eventually([&] { return condition(kustomization(), QStringLiteral("Ready")) == QStringLiteral("True"); }));
        const auto setConditions = [&](const QString &readyAt, const QString &reconcilingAt) {
            const QString patch = QStringLiteral(
                "{\"status\": {\"conditions\": ["
                "{\"type\": \"Ready\", \"status\": \"True\", \"reason\": \"ReconciliationSucceeded\", \"message\": \"Applied revision: main@sha1:%1\", "
                "\"lastTransitionTime\": \"%2\", \"observedGeneration\": 1},"
                "{\"type\": \"Reconciling\", \"status\": \"True\", \"reason\": \"Progressing\", \"message\": \"Reconciliation in progress\", "
                "\"lastTransitionTime\": \"%3\", \"observedGeneration\": 1}]}}").arg(m_head, readyAt, reconcilingAt);
            const Run r = kc({QStringLiteral("patch"), QStringLiteral("kustomization"), QStringLiteral("web"), QStringLiteral("-n"),
                              QStringLiteral("flux-system"), QStringLiteral("--subresource=status"), QStringLiteral("--type=merge"),
                              QStringLiteral("-p"), patch});
            QVERIFY2(r.exitCode == 0, r.err.constData());
        };
        setConditions(QStringLiteral("2026-11-30T10:05:00Z"), QStringLiteral("2026-11-30T10:00:00Z"));
        QCOMPARE(condition(kustomization(), QStringLiteral("Reconciling")), QStringLiteral("True")); // as written
        QCOMPARE(appStatus().value(QLatin1String("controller")).toObject().value(QLatin1String("state")).toString(), QStringLiteral("Reconciled"));
        setConditions(QStringLiteral("2026-11-30T10:00:00Z"), QStringLiteral("2026-11-30T10:05:00Z"));
        QCOMPARE(appStatus().value(QLatin1String("controller")).toObject().value(QLatin1String("state")).toString(), QStringLiteral("Reconciling"));
        // The status subresource changes the status only, as an API server does.
        const Run specThroughStatus = kc({QStringLiteral("patch"), QStringLiteral("kustomization"), QStringLiteral("web"), QStringLiteral("-n"),
                                          QStringLiteral("flux-system"), QStringLiteral("--subresource=status"), QStringLiteral("--type=merge"),
                                          QStringLiteral("-p"), QStringLiteral("{\"spec\": {\"suspend\": true}}")});
        QVERIFY2(specThroughStatus.exitCode == 0, specThroughStatus.err.constData());
        QCOMPARE(at(kustomization(), QStringLiteral("spec")).value(QLatin1String("suspend")).toBool(), false);
    }

    void argoOwnedApplication()
    {
        SLUICE_CORPUS_OR_SKIP(corpus, QStringLiteral("argocd-install-v3.5.0.yaml"));
        QFile install(corpus + QStringLiteral("/argocd-install-v3.5.0.yaml"));
        QVERIFY(install.open(QIODevice::ReadOnly));
        QByteArray crd; // only the Application CRD of the install manifest
        for (const QString &document : QString::fromUtf8(install.readAll()).split(QStringLiteral("\n---\n"))) {
            if (document.contains(QLatin1String("kind: CustomResourceDefinition")) && document.contains(QLatin1String("name: applications.argoproj.io")))
                crd = document.toUtf8();
        }
        QVERIFY(!crd.isEmpty());
        applyText(crd);
        writeWorkspace(QStringLiteral("    controller: {kind: Application, namespace: argocd, name: web}\n"));
        applyText(argoApplication(m_repo.dir()));

        // Reconcile = refresh, then a sync operation as the Argo CD docs write it.
        const Run reconciled = ctl({QStringLiteral("reconcile"), QStringLiteral("web")});
        QVERIFY2(reconciled.exitCode == 0, reconciled.out + reconciled.err);
        QJsonObject app = application();
        QVERIFY(!app.contains(QLatin1String("operation"))); // taken by the controller
        QVERIFY(!at(app, QStringLiteral("metadata.annotations")).contains(QLatin1String("argocd.argoproj.io/refresh")));
        const QJsonObject operation = at(app, QStringLiteral("status.operationState.operation"));
        QVERIFY(operation.value(QLatin1String("sync")).toObject().value(QLatin1String("syncStrategy")).toObject().contains(QLatin1String("hook")));
        QVERIFY(!operation.value(QLatin1String("initiatedBy")).toObject().value(QLatin1String("username")).toString().isEmpty());
        QCOMPARE(at(app, QStringLiteral("status.operationState")).value(QLatin1String("phase")).toString(), QStringLiteral("Succeeded"));
        const QJsonObject live = get(QStringLiteral("deployment"), QStringLiteral("demo"), QStringLiteral("web"));
        QCOMPARE(at(live, QStringLiteral("metadata.annotations")).value(QLatin1String("argocd.argoproj.io/tracking-id")).toString(),
                 QStringLiteral("web:apps/Deployment:demo/web"));

        // Sluice shows the Application as Argo CD does, found from the live marks too.
        writeWorkspace();
        QJsonObject status = appStatus();
        QCOMPARE(status.value(QLatin1String("owner")).toObject().value(QLatin1String("type")).toString(), QStringLiteral("argocd"));
        QVERIFY(status.value(QLatin1String("owner")).toObject().value(QLatin1String("evidence")).toString().contains(QStringLiteral("tracking-id")));
        QJsonObject controller = status.value(QLatin1String("controller")).toObject();
        QCOMPARE(controller.value(QLatin1String("state")).toString(), QStringLiteral("Synced"));
        QCOMPARE(controller.value(QLatin1String("health")).toString(), QStringLiteral("Healthy"));
        QCOMPARE(status.value(QLatin1String("deployedRevision")).toString(), m_head);
        QCOMPARE(status.value(QLatin1String("sync")).toString(), QStringLiteral("Synced"));

        // A new commit, refreshed: Argo CD says OutOfSync; pending starts at what it deployed.
        const QString second = commitImage("nginx:1.26");
        const Run refreshed = ctl({QStringLiteral("refresh"), QStringLiteral("web")});
        QVERIFY2(refreshed.exitCode == 0, refreshed.out + refreshed.err);
        app = application();
        QVERIFY(!at(app, QStringLiteral("metadata.annotations")).contains(QLatin1String("argocd.argoproj.io/refresh")));
        QCOMPARE(at(app, QStringLiteral("status.sync")).value(QLatin1String("revision")).toString(), second);
        status = appStatus();
        QCOMPARE(status.value(QLatin1String("controller")).toObject().value(QLatin1String("state")).toString(), QStringLiteral("OutOfSync"));
        QCOMPARE(status.value(QLatin1String("deployedRevision")).toString(), m_head);
        QCOMPARE(status.value(QLatin1String("pending")).toInt(), 1);

        // Suspend = automated sync off (its other settings kept); resume turns it back on.
        QCOMPARE(ctl({QStringLiteral("suspend"), QStringLiteral("web")}).exitCode, 0);
        QJsonObject automated = at(application(), QStringLiteral("spec.syncPolicy.automated"));
        QCOMPARE(automated.value(QLatin1String("enabled")).toBool(true), false);
        QCOMPARE(automated.value(QLatin1String("prune")).toBool(), true);
        QCOMPARE(ctl({QStringLiteral("resume"), QStringLiteral("web")}).exitCode, 0);
        QCOMPARE(at(application(), QStringLiteral("spec.syncPolicy.automated")).value(QLatin1String("enabled")).toBool(), true);
    }

    // A Flux repository opened as it is (--repo): its discovered "production/infrastructure" is
    // the Kustomization Flux runs, with Flux's state, and reconciles through it.
    void discoveredFluxApplication()
    {
        SLUICE_CORPUS_OR_SKIP(corpus, QStringLiteral("flux-crds.yaml"));
        GitFixture fleet(path(QStringLiteral("fleet")));
        QVERIFY2(makeFleet(fleet), qPrintable(fleet.lastError()));
        const QString head = fleet.revParse(QStringLiteral("HEAD"));
        applyFile(corpus + QStringLiteral("/flux-crds.yaml"));
        // What bootstrap would have made, its source pointed at the clone (the sandbox reads local ones).
        applyText("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: flux-system\n---\napiVersion: v1\nkind: Namespace\n"
                  "metadata:\n  name: infra\n---\n" + sluice::test::gitRepository("flux-system", "file://" + fleet.dir().toUtf8()) + "---\n" +
                  sluice::test::kustomization("infrastructure", "./infrastructure", "  targetNamespace: infra\n"));
        QVERIFY(eventually([&] { return condition(get(QStringLiteral("kustomizations.kustomize.toolkit.fluxcd.io"), QStringLiteral("flux-system"),
                                                      QStringLiteral("infrastructure")), QStringLiteral("Ready")) == QStringLiteral("True"); }));
        const QStringList repo{QStringLiteral("--repo"), fleet.dir(), QStringLiteral("--cluster-context"), QStringLiteral("production=sluice-sandbox")};
        const auto run = [&](const QStringList &args) { return sluicectlWith(repo + args, path(QStringLiteral("cache")), m_sandbox.kubeconfig()); };
        Run r = run({QStringLiteral("--json"), QStringLiteral("status"), QStringLiteral("production/infrastructure")});
        QVERIFY2(r.exitCode <= 1, r.err.constData());
        const QJsonObject status = r.json().value(QLatin1String("applications")).toArray().first().toObject();
        QCOMPARE(status.value(QLatin1String("owner")).toObject().value(QLatin1String("name")).toString(), QStringLiteral("infrastructure"));
        QCOMPARE(status.value(QLatin1String("controller")).toObject().value(QLatin1String("state")).toString(), QStringLiteral("Reconciled"));
        QCOMPARE(status.value(QLatin1String("deployedRevision")).toString(), head);
        QCOMPARE(status.value(QLatin1String("sync")).toString(), QStringLiteral("Synced"));
        QCOMPARE(status.value(QLatin1String("pending")).toInt(), 0);
        r = run({QStringLiteral("reconcile"), QStringLiteral("production/infrastructure")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        // Its history has a name Kubernetes accepts ("/" is not one).
        QCOMPARE(kc({QStringLiteral("get"), QStringLiteral("configmap"), QStringLiteral("sluice-history-production.infrastructure"),
                     QStringLiteral("-n"), QStringLiteral("infra")}).exitCode, 0);
    }

    void notOwnedByAController()
    {
        const Run r = ctl({QStringLiteral("reconcile"), QStringLiteral("web")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("no Flux or Argo CD object owns"), r.err.constData());
        QVERIFY(r.err.contains("sluicectl sync web"));
    }
};

QTEST_GUILESS_MAIN(TestGitOps)
#include "tst_gitops.moc"
