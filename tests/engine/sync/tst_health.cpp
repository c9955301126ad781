// Health assessment of live objects: one fixture per rule branch (objects as the API server returns
// them, in tests/data/health), the order of states, and the names round trip.

#include "sync/Health.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QTest>

using namespace sluice::sync;

namespace {

QString fixturePath(const QString &name)
{
    return QStringLiteral(SLUICE_TEST_DATA "/health/") + name + QStringLiteral(".json");
}

// The fixture as an object; an empty object (and a warning) when it is missing or malformed.
QJsonObject loadFixture(const QString &name)
{
    QFile file(fixturePath(name));
    if (!file.open(QIODevice::ReadOnly)) {
        qWarning("cannot open %s", qPrintable(file.fileName()));
        return {};
    }
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError || !document.isObject()) {
        qWarning("%s: %s", qPrintable(file.fileName()), qPrintable(error.errorString()));
        return {};
    }
    return document.object();
}

struct HealthRow
{
    const char *fixture;
    const char *state;   // healthName() of the expected state
    const char *message; // substring of the expected message
};

// Every fixture in tests/data/health has exactly one row (see everyFixtureHasARow).
const HealthRow kRows[] = {
    // apps/Deployment
    {"deployment-healthy", "Healthy", "3/3 replicas available"},
    {"deployment-paused", "Suspended", "rollout paused"},
    {"deployment-progress-deadline", "Degraded", "rollout stuck: ProgressDeadlineExceeded: ReplicaSet \"web-5f7b8d6c4"},
    {"deployment-not-observed", "Progressing", "waiting for rollout to be observed"},
    {"deployment-updating", "Progressing", "2/3 new replicas updated"},
    {"deployment-old-replicas", "Progressing", "1 old replicas pending termination"},
    {"deployment-unavailable", "Progressing", "1/3 updated replicas available"},
    {"deployment-deleting", "Progressing", "being deleted, waiting for finalizers: foregroundDeletion"},
    // apps/StatefulSet
    {"statefulset-healthy", "Healthy", "3/3 replicas ready at revision db-7c9d8f6b5"},
    {"statefulset-not-observed", "Progressing", "waiting for rollout to be observed"},
    {"statefulset-not-ready", "Progressing", "1/3 replicas ready"},
    {"statefulset-rolling", "Progressing", "1/3 new replicas updated"},
    {"statefulset-revision-pending", "Progressing", "rolling update: 3/4 pods at revision db-5b6c7d8e9"},
    {"statefulset-ondelete", "Healthy", "3/3 replicas ready; OnDelete: 1/3 on the new revision"},
    {"statefulset-partition-progressing", "Progressing", "partitioned rollout: 0/1 new replicas updated"},
    {"statefulset-partition-complete", "Healthy", "partitioned rollout complete: 1 new replicas updated, 2 held back"},
    // apps/DaemonSet
    {"daemonset-healthy", "Healthy", "3/3 pods available"},
    {"daemonset-not-observed", "Progressing", "waiting for rollout to be observed"},
    {"daemonset-updating", "Progressing", "1/3 new pods updated"},
    {"daemonset-unavailable", "Progressing", "2/3 pods available"},
    {"daemonset-ondelete", "Healthy", "3/3 pods available; OnDelete: 1/3 on the new template"},
    // apps/ReplicaSet
    {"replicaset-healthy", "Healthy", "3/3 replicas available"},
    {"replicaset-not-observed", "Progressing", "waiting for rollout to be observed"},
    {"replicaset-progressing", "Progressing", "1/3 replicas available"},
    {"replicaset-failure", "Degraded", "FailedCreate: pods \"web-6d8f7c9b5d-7xk2q\" is forbidden: exceeded quota"},
    // batch/Job, batch/CronJob
    {"job-complete", "Healthy", "completed at 2025-06-02T09:32:44Z"},
    {"job-success-criteria-met", "Healthy", "completed"},
    {"job-failed", "Degraded", "failed: BackoffLimitExceeded: Job has reached the specified backoff limit"},
    {"job-suspended", "Suspended", "job suspended"},
    {"job-running", "Progressing", "running: 1 active, 0 succeeded, 0 failed"},
    {"cronjob-healthy", "Healthy", "last scheduled at 2025-06-02T00:00:00Z"},
    {"cronjob-never-run", "Healthy", "not scheduled yet"},
    {"cronjob-suspended", "Suspended", "schedule suspended"},
    // core Pod
    {"pod-running-ready", "Healthy", "running and ready"},
    {"pod-running-not-ready", "Progressing", "running, not ready: containers with unready status: [web]"},
    {"pod-pending-unschedulable", "Progressing", "pending: Unschedulable: 0/3 nodes are available: 3 Insufficient cpu"},
    {"pod-crashloop", "Degraded", "container \"web\": CrashLoopBackOff: back-off 5m0s restarting failed container=web"},
    {"pod-imagepullbackoff", "Degraded", "container \"web\": ImagePullBackOff: Back-off pulling image"},
    {"pod-init-errimagepull", "Degraded", "container \"migrate\": ErrImagePull: failed to pull and unpack image"},
    {"pod-config-error", "Degraded", "container \"web\": CreateContainerConfigError: secret \"web-env\" not found"},
    {"pod-succeeded", "Healthy", "completed"},
    {"pod-failed", "Degraded", "container \"migrate\" exited with code 2"},
    {"pod-evicted", "Degraded", "Evicted: The node was low on resource: memory."},
    {"pod-job-running", "Progressing", "running to completion"},
    // core PersistentVolumeClaim, Service, Namespace
    {"pvc-bound", "Healthy", "bound to volume pvc-"},
    {"pvc-pending", "Progressing", "waiting for a volume to be bound"},
    {"pvc-lost", "Degraded", "bound volume pvc-"},
    {"service-clusterip", "Healthy", "type ClusterIP"},
    {"service-lb-pending", "Progressing", "waiting for a load balancer address"},
    {"service-lb-ready", "Healthy", "load balancer at 203.0.113.10"},
    {"namespace-active", "Healthy", "active"},
    {"namespace-terminating", "Progressing", "being deleted"},
    // networking.k8s.io/Ingress
    {"ingress-ready", "Healthy", "load balancer at a1b2c3d4e5f6-1234567890.eu-central-1.elb.amazonaws.com"},
    {"ingress-pending", "Progressing", "waiting for a load balancer address"},
    // apiextensions.k8s.io/CustomResourceDefinition
    {"crd-established", "Healthy", "established"},
    {"crd-names-conflict", "Degraded", "names not accepted: PluralConflict: \"widgets\" is already in use"},
    {"crd-installing", "Progressing", "waiting to be established: Installing"},
    // apiregistration.k8s.io/APIService
    {"apiservice-available", "Healthy", "available"},
    {"apiservice-unavailable", "Degraded", "unavailable: MissingEndpoints: endpoints for service/metrics-server"},
    {"apiservice-no-condition", "Progressing", "waiting for availability to be reported"},
    // autoscaling/HorizontalPodAutoscaler (v2)
    {"hpa-healthy", "Healthy", "3 replicas (desired 3)"},
    {"hpa-failed-get-metrics", "Degraded", "cannot compute replicas: FailedGetResourceMetric: the HPA was unable"},
    {"hpa-unable-to-scale", "Degraded", "cannot scale: FailedGetScale: the HPA controller was unable"},
    {"hpa-scaling-disabled", "Healthy", "0 replicas (desired 0)"},
    {"hpa-no-conditions", "Progressing", "waiting for the autoscaler to report"},
    // Ready-condition objects: Flux, cert-manager
    {"kustomization-ready", "Healthy", "Applied revision: main@sha1:0a1b2c3d"},
    {"kustomization-progressing", "Progressing", "Progressing: Running health checks for revision main@sha1:9f8e"},
    {"kustomization-failed", "Degraded", "BuildFailed: kustomize build failed: accumulating resources"},
    {"kustomization-health-check-failed", "Degraded", "HealthCheckFailed: health check failed after 5m0.012s"},
    {"kustomization-dependency-not-ready", "Progressing", "DependencyNotReady: dependency 'flux-system/infra"},
    {"kustomization-suspended", "Suspended", "reconciliation suspended"},
    {"kustomization-not-observed", "Progressing", "waiting for the controller to observe generation 2"},
    {"helmrelease-stalled", "Degraded", "stalled: RetriesExceeded: Failed to install after 4 attempt(s)"},
    {"gitrepository-new", "Progressing", "waiting for the controller to report Ready"},
    {"certificate-ready", "Healthy", "Certificate is up to date and has not expired"},
    {"certificate-not-observed", "Progressing", "waiting for the controller to observe generation 2"},
    // no rule
    {"configmap", "None", "no health rule for ConfigMap"},
};

// The documented order, best to worst, written out independently of the enum's declaration.
const QList<HealthState> kBestToWorst{HealthState::Healthy,  HealthState::Suspended, HealthState::Progressing,
                                      HealthState::Missing,  HealthState::Degraded,  HealthState::Unknown};

} // namespace

Q_DECLARE_METATYPE(HealthRow)
Q_DECLARE_METATYPE(sluice::sync::HealthState)

class TestHealth : public QObject
{
    Q_OBJECT

private slots:
    void assess_data()
    {
        QTest::addColumn<HealthRow>("row");
        for (const HealthRow &row : kRows)
            QTest::newRow(row.fixture) << row;
    }
    void assess()
    {
        QFETCH(HealthRow, row);
        const QJsonObject live = loadFixture(QString::fromUtf8(row.fixture));
        QVERIFY(!live.isEmpty());
        const Health health = assessHealth(live);
        const QString got = healthName(health.state) + QStringLiteral(": ") + health.message;
        QVERIFY2(parseHealthName(QString::fromUtf8(row.state)), row.state); // a typo in the table is no pass
        QVERIFY2(healthName(health.state) == QLatin1String(row.state), qPrintable(got));
        QVERIFY2(health.message.contains(QString::fromUtf8(row.message)), qPrintable(got));
    }

    // A fixture without a row would be a rule branch nobody checks; a row without a fixture fails above.
    void everyFixtureHasARow()
    {
        QSet<QString> rows;
        for (const HealthRow &row : kRows) {
            const QString name = QString::fromUtf8(row.fixture);
            QVERIFY2(!rows.contains(name), row.fixture); // one row per fixture
            rows.insert(name);
        }
        const QDir dir(QStringLiteral(SLUICE_TEST_DATA "/health"));
        const QStringList files = dir.entryList({QStringLiteral("*.json")}, QDir::Files);
        QVERIFY(!files.isEmpty());
        for (const QString &file : files)
            QVERIFY2(rows.contains(file.chopped(5)), qPrintable(file));
    }

    // Group and kind together select the rule: a "Deployment" of another API group is not apps'.
    void ruleMatchesGroupAndKind()
    {
        QJsonObject live = loadFixture(QStringLiteral("deployment-healthy"));
        QVERIFY(!live.isEmpty());
        live.insert(QStringLiteral("apiVersion"), QStringLiteral("rollouts.example.com/v1"));
        const Health foreign = assessHealth(live);
        QCOMPARE(foreign.state, HealthState::None);
        QCOMPARE(foreign.message, QStringLiteral("no health rule for Deployment"));

        live.insert(QStringLiteral("apiVersion"), QStringLiteral("v1")); // the core group has no Deployment
        QCOMPARE(assessHealth(live).state, HealthState::None);
        QCOMPARE(assessHealth(QJsonObject()).state, HealthState::None);
    }

    // The Namespace rule on its own, without the deletionTimestamp that precedes it in practice.
    void namespacePhaseTerminating()
    {
        QJsonObject live = loadFixture(QStringLiteral("namespace-terminating"));
        QJsonObject metadata = live.value(QStringLiteral("metadata")).toObject();
        QVERIFY(metadata.contains(QStringLiteral("deletionTimestamp")));
        metadata.remove(QStringLiteral("deletionTimestamp"));
        live.insert(QStringLiteral("metadata"), metadata);
        QCOMPARE(assessHealth(live).state, HealthState::Progressing);
    }

    // Text quoted from the object is capped: a controller message can be any length.
    void quotedTextIsClipped()
    {
        QJsonObject live = loadFixture(QStringLiteral("replicaset-failure"));
        QJsonObject status = live.value(QStringLiteral("status")).toObject();
        QJsonArray conditions = status.value(QStringLiteral("conditions")).toArray();
        QVERIFY(!conditions.isEmpty());
        QJsonObject failure = conditions.first().toObject();
        failure.insert(QStringLiteral("message"), QString(100000, QLatin1Char('x')));
        conditions.replace(0, failure);
        status.insert(QStringLiteral("conditions"), conditions);
        live.insert(QStringLiteral("status"), status);
        const Health health = assessHealth(live);
        QCOMPARE(health.state, HealthState::Degraded);
        QVERIFY(health.message.startsWith(QStringLiteral("FailedCreate: xxx")));
        QVERIFY2(health.message.size() < 400, qPrintable(QString::number(health.message.size())));
        QVERIFY(health.message.endsWith(QChar(0x2026)));
    }

    void worseOfTwo_data()
    {
        QTest::addColumn<HealthState>("a");
        QTest::addColumn<HealthState>("b");
        QTest::addColumn<HealthState>("worse");
        using enum HealthState;
        QTest::newRow("healthy, degraded") << Healthy << Degraded << Degraded;
        QTest::newRow("suspended beats healthy") << Suspended << Healthy << Suspended;
        QTest::newRow("progressing beats suspended") << Suspended << Progressing << Progressing;
        QTest::newRow("missing beats progressing") << Missing << Progressing << Missing;
        QTest::newRow("degraded beats missing") << Missing << Degraded << Degraded;
        QTest::newRow("unknown is worst") << Degraded << Unknown << Unknown;
        QTest::newRow("none never wins (left)") << None << Healthy << Healthy;
        QTest::newRow("none never wins (right)") << Unknown << None << Unknown;
        QTest::newRow("none and none") << None << None << None;
        QTest::newRow("same") << Progressing << Progressing << Progressing;
    }
    void worseOfTwo()
    {
        QFETCH(HealthState, a);
        QFETCH(HealthState, b);
        QFETCH(HealthState, worse);
        QCOMPARE(worseHealth(a, b), worse);
        QCOMPARE(worseHealth(b, a), worse);
    }

    // Every pair against the written-out order; folding gives an application's health.
    void worseHealthFollowsOrder()
    {
        for (qsizetype i = 0; i < kBestToWorst.size(); ++i) {
            for (qsizetype j = 0; j < kBestToWorst.size(); ++j)
                QCOMPARE(worseHealth(kBestToWorst[i], kBestToWorst[j]), kBestToWorst[qMax(i, j)]);
        }
        HealthState app = HealthState::None;
        for (HealthState child : {HealthState::Healthy, HealthState::None, HealthState::Progressing})
            app = worseHealth(app, child);
        QCOMPARE(app, HealthState::Progressing);
    }

    void names()
    {
        const QStringList expected{QStringLiteral("Healthy"), QStringLiteral("Suspended"),
                                   QStringLiteral("Progressing"), QStringLiteral("Missing"),
                                   QStringLiteral("Degraded"), QStringLiteral("Unknown")};
        for (qsizetype i = 0; i < kBestToWorst.size(); ++i) {
            QCOMPARE(healthName(kBestToWorst[i]), expected[i]);
            QCOMPARE(parseHealthName(expected[i]), std::optional<HealthState>(kBestToWorst[i]));
        }
        QCOMPARE(healthName(HealthState::None), QStringLiteral("None"));
        QCOMPARE(parseHealthName(QStringLiteral("None")), std::optional<HealthState>(HealthState::None));
        QVERIFY(!parseHealthName(QStringLiteral("healthy"))); // names are exact
        QVERIFY(!parseHealthName(QStringLiteral("Healthy ")));
        QVERIFY(!parseHealthName(QString()));
    }
};

QTEST_GUILESS_MAIN(TestHealth)
#include "tst_health.moc"
