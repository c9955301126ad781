// Who owns an application's objects (Flux, Argo CD, Sluice) and the controller's state in its
// own words: the pure parsers of engine/sync/Controller.h.

#include "sync/Controller.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace sluice;
using namespace sluice::sync;

namespace {

QJsonObject object(const QByteArray &json)
{
    return QJsonDocument::fromJson(json).object();
}

QJsonObject withMetadata(const QJsonObject &labels, const QJsonObject &annotations = {})
{
    return {{QStringLiteral("metadata"), QJsonObject{{QStringLiteral("labels"), labels}, {QStringLiteral("annotations"), annotations}}}};
}

QJsonObject condition(const QString &type, const QString &status, const QString &time, int generation = 1,
                      const QString &reason = QStringLiteral("Reason"), const QString &message = {})
{
    return {{QStringLiteral("type"), type}, {QStringLiteral("status"), status}, {QStringLiteral("lastTransitionTime"), time},
            {QStringLiteral("observedGeneration"), generation}, {QStringLiteral("reason"), reason}, {QStringLiteral("message"), message}};
}

QJsonObject kustomization(const QJsonArray &conditions, bool suspend = false)
{
    return {{QStringLiteral("metadata"), QJsonObject{{QStringLiteral("name"), QStringLiteral("apps")}, {QStringLiteral("generation"), 3}}},
            {QStringLiteral("spec"), QJsonObject{{QStringLiteral("suspend"), suspend},
                                                 {QStringLiteral("sourceRef"), QJsonObject{{QStringLiteral("kind"), QStringLiteral("GitRepository")},
                                                                                           {QStringLiteral("name"), QStringLiteral("flux-system")}}}}},
            {QStringLiteral("status"), QJsonObject{{QStringLiteral("conditions"), conditions},
                                                   {QStringLiteral("lastAppliedRevision"), QStringLiteral("main@sha1:0123456789abcdef0123456789abcdef01234567")}}}};
}

const QByteArray kArgoApplication = R"({
          "spec": {"source": {"repoURL": "ssh:\/\/example.com\/gitops.git", "path": "guestbook", "targetRevision": "main"},
                   "syncPolicy": {"automated": {"prune": true, "enabled": false}}},
          "status": {"sync": {"status": "OutOfSync", "revision": "fedcba9876543210fedcba9876543210fedcba98"},
                     "history": [{"id": 1, "revision": "1111111111111111111111111111111111111111"},
                                 {"id": 2, "revision": "0123456789abcdef0123456789abcdef01234567"}],
                     "health": {"status": "Degraded"},
                     "operationState": {"phase": "Failed", "message": "one or more objects failed to apply"},
                     "conditions": [{"type": "SyncError", "message": "Failed sync attempt: one or more objects failed"}]}})";

const QByteArray kAutomated = R"({"spec": {"syncPolicy": {"automated": {}}}})";

const Owner kApps{Owner::Type::Flux, QStringLiteral("Kustomization"), QStringLiteral("flux-system"), QStringLiteral("apps"), {}};

} // namespace

class TestController : public QObject
{
    Q_OBJECT

private slots:
    void ownerFromFluxLabels()
    {
        const Owner owner = ownerOfObject(withMetadata({{kFluxKustomizationName, QStringLiteral("apps")},
                                                        {kFluxKustomizationNamespace, QStringLiteral("flux-system")}}),
                                          QStringLiteral("Deployment shop/web"));
        QCOMPARE(owner.type, Owner::Type::Flux);
        QCOMPARE(owner.describe(), QStringLiteral("Flux Kustomization flux-system/apps"));
        QCOMPARE(owner.evidence, QStringLiteral("label kustomize.toolkit.fluxcd.io/name on Deployment shop/web"));
        QCOMPARE(owner.path().path(), QStringLiteral("/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/apps"));

        const Owner release = ownerOfObject(withMetadata({{kFluxHelmReleaseName, QStringLiteral("podinfo")},
                                                          {kFluxHelmReleaseNamespace, QStringLiteral("apps")}}));
        QCOMPARE(release.describe(), QStringLiteral("Flux HelmRelease apps/podinfo"));
        QCOMPARE(release.path().resource, QStringLiteral("helmreleases"));

        // A release's objects applied by a Kustomization: the Kustomization is the application.
        const Owner both = ownerOfObject(withMetadata({{kFluxHelmReleaseName, QStringLiteral("podinfo")},
                                                       {kFluxKustomizationName, QStringLiteral("apps")},
                                                       {kFluxKustomizationNamespace, QStringLiteral("flux-system")}}));
        QCOMPARE(both, kApps);
    }

    void ownerFromArgoMarks()
    {
        const Owner tracked = ownerOfObject(withMetadata({}, {{kArgoTrackingId, QStringLiteral("guestbook:apps/Deployment:default/web")}}));
        QCOMPARE(tracked.type, Owner::Type::ArgoCD);
        QCOMPARE(tracked.describe(), QStringLiteral("Argo CD Application argocd/guestbook"));
        QCOMPARE(tracked.path().path(), QStringLiteral("/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/guestbook"));
        // An Application outside Argo CD's namespace is "<namespace>_<name>" in the tracking id.
        const Owner anyNamespace = ownerOfObject(withMetadata({}, {{kArgoTrackingId, QStringLiteral("team-a_guestbook:/Service:team-a/web")}}));
        QCOMPARE(anyNamespace.ns, QStringLiteral("team-a"));
        QCOMPARE(anyNamespace.name, QStringLiteral("guestbook"));
        const Owner labelled = ownerOfObject(withMetadata({{kArgoInstanceLabel, QStringLiteral("guestbook")}}));
        QCOMPARE(labelled, tracked);
        QCOMPARE(ownerOfObject(withMetadata({{QStringLiteral("app"), QStringLiteral("web")}})).type, Owner::Type::None);
    }

    void ownerOfAnApplication()
    {
        const ResourceKey web{QStringLiteral("apps"), QStringLiteral("Deployment"), QStringLiteral("shop"), QStringLiteral("web")};
        const ResourceKey config{QString(), QStringLiteral("ConfigMap"), QStringLiteral("shop"), QStringLiteral("web")};
        std::map<ResourceKey, QJsonObject> live{{config, withMetadata({{QStringLiteral("sluice.dev/app"), QStringLiteral("shop")}})}};
        QCOMPARE(ownerOfObjects(live, QStringLiteral("shop")).type, Owner::Type::Sluice);
        QCOMPARE(ownerOfObjects(live, QStringLiteral("other")).type, Owner::Type::None);

        live[web] = withMetadata({{kFluxKustomizationName, QStringLiteral("apps")}, {kFluxKustomizationNamespace, QStringLiteral("flux-system")}});
        live[config] = withMetadata({{kFluxKustomizationName, QStringLiteral("infra")}, {kFluxKustomizationNamespace, QStringLiteral("flux-system")}});
        QStringList others;
        const Owner owner = ownerOfObjects(live, QStringLiteral("shop"), &others);
        QCOMPARE(owner.name, QStringLiteral("infra")); // the first in key order (ConfigMap < Deployment.apps)
        QCOMPARE(others, QStringList{QStringLiteral("Flux Kustomization flux-system/apps")});
    }

    void fluxStateFromConditions_data()
    {
        QTest::addColumn<QJsonArray>("conditions");
        QTest::addColumn<QString>("state");
        QTest::addColumn<QString>("message");
        const QString t1 = QStringLiteral("2026-11-30T10:00:00Z"), t2 = QStringLiteral("2026-11-30T10:05:00Z");
        QTest::newRow("applied") << QJsonArray{condition(QStringLiteral("Ready"), QStringLiteral("True"), t1, 3, QStringLiteral("ReconciliationSucceeded"), QStringLiteral("Applied revision: main@sha1:0123456"))}
                                 << QStringLiteral("Reconciled") << QStringLiteral("Applied revision: main@sha1:0123456");
        QTest::newRow("ready false wins") << QJsonArray{condition(QStringLiteral("Reconciling"), QStringLiteral("True"), t2, 3),
                                                        condition(QStringLiteral("Ready"), QStringLiteral("False"), t2, 3, QStringLiteral("BuildFailed"), QStringLiteral("kustomization path not found"))}
                                          << QStringLiteral("Failed") << QStringLiteral("kustomization path not found");
        QTest::newRow("stalled") << QJsonArray{condition(QStringLiteral("Stalled"), QStringLiteral("True"), t2, 3, QStringLiteral("InvalidPath"), QStringLiteral("stuck")),
                                               condition(QStringLiteral("Ready"), QStringLiteral("Unknown"), t2, 3)}
                                 << QStringLiteral("Stalled") << QStringLiteral("stuck");
        QTest::newRow("in progress") << QJsonArray{condition(QStringLiteral("Reconciling"), QStringLiteral("True"), t2, 3, QStringLiteral("Progressing"), QStringLiteral("Reconciliation in progress")),
                                                   condition(QStringLiteral("Ready"), QStringLiteral("Unknown"), t2, 3)}
                                     << QStringLiteral("Reconciling") << QStringLiteral("Reconciliation in progress");
        QTest::newRow("new reconcile after ready") << QJsonArray{condition(QStringLiteral("Ready"), QStringLiteral("True"), t1, 3),
                                                                 condition(QStringLiteral("Reconciling"), QStringLiteral("True"), t2, 3, QStringLiteral("Progressing"), QStringLiteral("again"))}
                                                   << QStringLiteral("Reconciling") << QStringLiteral("again");
        QTest::newRow("stale reconciling, older time") << QJsonArray{condition(QStringLiteral("Reconciling"), QStringLiteral("True"), t1, 3, QStringLiteral("Progressing"), QStringLiteral("left over")),
                                                                     condition(QStringLiteral("Ready"), QStringLiteral("True"), t2, 3, QStringLiteral("ReconciliationSucceeded"), QStringLiteral("Applied"))}
                                                       << QStringLiteral("Reconciled") << QStringLiteral("Applied");
        QTest::newRow("stale reconciling, older generation") << QJsonArray{condition(QStringLiteral("Reconciling"), QStringLiteral("True"), t2, 2),
                                                                           condition(QStringLiteral("Ready"), QStringLiteral("True"), t1, 3, QStringLiteral("ReconciliationSucceeded"), QStringLiteral("Applied"))}
                                                             << QStringLiteral("Reconciled") << QStringLiteral("Applied");
        QTest::newRow("no conditions") << QJsonArray() << QStringLiteral("Unknown") << QString();
    }

    void fluxStateFromConditions()
    {
        QFETCH(QJsonArray, conditions);
        QFETCH(QString, state);
        QFETCH(QString, message);
        const ControllerState parsed = fluxState(kApps, kustomization(conditions));
        QCOMPARE(parsed.state, state);
        QCOMPARE(parsed.message, message);
        QVERIFY(!parsed.suspended);
    }

    void fluxRevisionSourceAndSuspend()
    {
        const ControllerState state = fluxState(kApps, kustomization({}, true));
        QVERIFY(state.suspended);
        QCOMPARE(state.deployedCommit(), QStringLiteral("0123456789abcdef0123456789abcdef01234567"));
        QCOMPARE(state.source, QStringLiteral("GitRepository flux-system/flux-system")); // the namespace defaults to the object's
        QCOMPARE(state.sourcePath.resource, QStringLiteral("gitrepositories"));
        QVERIFY(state.describe().contains(QStringLiteral("suspended")));
        ControllerState other;
        for (const QString &revision : {QStringLiteral("sha1:0123456789abcdef0123456789abcdef01234567"),
                                        QStringLiteral("0123456789abcdef0123456789abcdef01234567")}) {
            other.lastAppliedRevision = revision;
            QCOMPARE(other.deployedCommit(), QStringLiteral("0123456789abcdef0123456789abcdef01234567"));
        }
        other.lastAppliedRevision = QStringLiteral("6.5.0"); // a HelmRelease's chart version is no commit
        QCOMPARE(other.deployedCommit(), QString());
    }

    void argoStateAsArgoShowsIt()
    {
        const Owner owner{Owner::Type::ArgoCD, QStringLiteral("Application"), QStringLiteral("argocd"), QStringLiteral("guestbook"), {}};
        const QJsonObject app = object(kArgoApplication);
        const ControllerState state = argoState(owner, app);
        QCOMPARE(state.state, QStringLiteral("OutOfSync"));
        QCOMPARE(state.health, QStringLiteral("Degraded"));
        QCOMPARE(state.operationPhase, QStringLiteral("Failed"));
        QCOMPARE(state.reason, QStringLiteral("SyncError"));
        QCOMPARE(state.message, QStringLiteral("Failed sync attempt: one or more objects failed"));
        QVERIFY(state.suspended); // automated sync disabled
        QCOMPARE(state.deployedCommit(), QStringLiteral("0123456789abcdef0123456789abcdef01234567"));
        QCOMPARE(state.source, QStringLiteral("ssh://example.com/gitops.git@main guestbook"));
        const QJsonObject json = state.toJson();
        QCOMPARE(json.value(QLatin1String("health")).toString(), QStringLiteral("Degraded"));
        QCOMPARE(json.value(QLatin1String("operationPhase")).toString(), QStringLiteral("Failed"));
        QVERIFY(!argoState(owner, object(kAutomated)).suspended);
        QCOMPARE(argoState(owner, object("{}")).state, QStringLiteral("Unknown"));
    }

    void revertWarningSaysTheWayOut()
    {
        const QString flux = controllerRevertWarning(kApps, QStringLiteral("prod/apps"));
        QVERIFY(flux.contains(QStringLiteral("reverts")));
        QVERIFY(flux.contains(QStringLiteral("sluicectl suspend prod/apps")));
        QVERIFY(flux.contains(QStringLiteral("sluicectl reconcile prod/apps")));
        QVERIFY(controllerRevertWarning(Owner{}, QStringLiteral("web")).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestController)
#include "tst_controller.moc"
