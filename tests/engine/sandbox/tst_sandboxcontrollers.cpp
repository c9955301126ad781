// The sandbox's simulated controllers over real HTTPS, with a 100 ms delay: Deployments,
// StatefulSets, DaemonSets and Jobs move through their status as the real controllers write it
// (observed by GET and by a watch), a spec change is followed, and `failRollouts` leaves a
// rollout stuck with ProgressDeadlineExceeded and fails Jobs.

#include "SandboxTestClient.h"

#include "sandbox/Sandbox.h"

#include <QTemporaryDir>

using namespace sluice;
using namespace sluice::sandbox;
using namespace sluice::sandbox::test;

namespace {

const QString kDeployments = QStringLiteral("/apis/apps/v1/namespaces/default/deployments");
const QString kJobs = QStringLiteral("/apis/batch/v1/namespaces/default/jobs");
const int kTimeoutMs = 10000;

QJsonObject podTemplate()
{
    const QJsonObject container{{"name", "web"}, {"image", "nginx:1.27"}};
    return QJsonObject{{"metadata", QJsonObject{{"labels", QJsonObject{{"app", "web"}}}}},
                       {"spec", QJsonObject{{"containers", QJsonArray{container}}}}};
}

QJsonObject workload(const QString &kind, const QString &name, int replicas)
{
    QJsonObject spec{{"selector", QJsonObject{{"matchLabels", QJsonObject{{"app", "web"}}}}}, {"template", podTemplate()}};
    if (replicas >= 0)
        spec.insert("replicas", replicas);
    return QJsonObject{{"apiVersion", "apps/v1"}, {"kind", kind}, {"metadata", QJsonObject{{"name", name}}}, {"spec", spec}};
}

QJsonObject job(const QString &name, int completions)
{
    QJsonObject templ = podTemplate();
    QJsonObject templSpec = templ.value("spec").toObject();
    templSpec.insert("restartPolicy", "Never");
    templ.insert("spec", templSpec);
    return QJsonObject{{"apiVersion", "batch/v1"},
                       {"kind", "Job"},
                       {"metadata", QJsonObject{{"name", name}}},
                       {"spec", QJsonObject{{"completions", completions}, {"template", templ}}}};
}

qint64 statusInt(const QJsonObject &object, const char *field)
{
    return object.value("status").toObject().value(QLatin1String(field)).toInteger();
}

qint64 generationOf(const QJsonObject &object)
{
    return object.value("metadata").toObject().value("generation").toInteger();
}

} // namespace

class TestSandboxControllers : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Sandbox> m_sandbox;
    SandboxClient m_client;

    void startSandbox(bool failRollouts)
    {
        m_client.nam().clearConnectionCache();
        m_sandbox.reset();
        SandboxOptions options;
        options.dataDir = m_dir.filePath(failRollouts ? QStringLiteral("failing") : QStringLiteral("data"));
        options.controllerDelayMs = 100;
        options.failRollouts = failRollouts;
        m_sandbox = std::make_unique<Sandbox>(options);
        const Status started = m_sandbox->start();
        QVERIFY2(started.ok(), started.ok() ? "" : qPrintable(started.error().toString()));
        m_client.setSandbox(m_sandbox.get());
    }

    QJsonObject get(const QString &path) { return m_client.request("GET", path).json; }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        startSandbox(false);
    }

    void namespaceIsActive()
    {
        QCOMPARE(m_client.request("POST", QStringLiteral("/api/v1/namespaces"),
                                  QJsonObject{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", QJsonObject{{"name", "demo"}}}})
                     .status,
                 201);
        QTRY_COMPARE_WITH_TIMEOUT(get(QStringLiteral("/api/v1/namespaces/demo")).value("status").toObject().value("phase").toString(),
                                  QStringLiteral("Active"), kTimeoutMs);
    }

    void deploymentBecomesAvailable()
    {
        const QString rv = get(kDeployments).value("metadata").toObject().value("resourceVersion").toString();
        WatchReader watch(m_client, kDeployments + QStringLiteral("?watch=true&resourceVersion=") + rv);
        const Reply created = m_client.request("POST", kDeployments, workload("Deployment", "web", 3));
        QCOMPARE(created.status, 201);
        QVERIFY(!created.json.contains("status")); // the controller has not run yet

        const QString web = kDeployments + QStringLiteral("/web");
        QTRY_COMPARE_WITH_TIMEOUT(statusInt(get(web), "readyReplicas"), 3, kTimeoutMs);
        const QJsonObject done = get(web);
        QCOMPARE(statusInt(done, "observedGeneration"), 1);
        QCOMPARE(statusInt(done, "updatedReplicas"), 3);
        QCOMPARE(statusInt(done, "availableReplicas"), 3);
        QCOMPARE(statusInt(done, "replicas"), 3);
        QCOMPARE(conditionOf(done, "Available").value("status").toString(), QStringLiteral("True"));
        QCOMPARE(conditionOf(done, "Available").value("reason").toString(), QStringLiteral("MinimumReplicasAvailable"));
        QCOMPARE(conditionOf(done, "Progressing").value("status").toString(), QStringLiteral("True"));
        QCOMPARE(conditionOf(done, "Progressing").value("reason").toString(), QStringLiteral("NewReplicaSetAvailable"));
        QCOMPARE(done.value("spec").toObject(), created.json.value("spec").toObject());
        QCOMPARE(generationOf(done), 1);
        // The controller's two status writes share one entry, after the creator's, which is kept as it was.
        const QJsonArray createdEntries = created.json.value("metadata").toObject().value("managedFields").toArray();
        const QJsonArray entries = done.value("metadata").toObject().value("managedFields").toArray();
        QCOMPARE(createdEntries.size(), 1);
        QCOMPARE(entries.size(), 2);
        QCOMPARE(entries.at(0).toObject(), createdEntries.at(0).toObject());
        const QJsonObject controllerEntry = entries.at(1).toObject();
        QCOMPARE(controllerEntry.value("manager").toString(), QStringLiteral("sluice-sandbox-controller"));
        QCOMPARE(controllerEntry.value("operation").toString(), QStringLiteral("Update"));
        QCOMPARE(controllerEntry.value("subresource").toString(), QStringLiteral("status"));
        QVERIFY(controllerEntry.value("fieldsV1").toObject().value("f:status").toObject().contains("f:readyReplicas"));

        // The watch saw the object created, then its status written (started, then finished).
        QTRY_VERIFY_WITH_TIMEOUT(watch.summary().size() >= 3, kTimeoutMs);
        QCOMPARE(watch.summary().mid(0, 3), (QStringList{"ADDED web", "MODIFIED web", "MODIFIED web"}));
        const QJsonObject started = watch.events.at(1).value("object").toObject();
        QCOMPARE(statusInt(started, "observedGeneration"), 1);
        QCOMPARE(statusInt(started, "readyReplicas"), 0);
        QCOMPARE(conditionOf(started, "Available").value("status").toString(), QStringLiteral("False"));
        const QJsonObject finished = watch.events.last().value("object").toObject();
        QCOMPARE(statusInt(finished, "readyReplicas"), 3);
        QVERIFY(rv.toLongLong() < finished.value("metadata").toObject().value("resourceVersion").toString().toLongLong());
    }

    void specChangeIsFollowed()
    {
        const QString web = kDeployments + QStringLiteral("/web");
        const Reply patched = m_client.request("PATCH", web, QJsonObject{{"spec", QJsonObject{{"replicas", 5}}}},
                                               "application/merge-patch+json");
        QCOMPARE(patched.status, 200);
        QCOMPARE(generationOf(patched.json), 2);
        QTRY_COMPARE_WITH_TIMEOUT(statusInt(get(web), "observedGeneration"), 2, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(statusInt(get(web), "readyReplicas"), 5, kTimeoutMs);
        QCOMPARE(statusInt(get(web), "updatedReplicas"), 5);
        QCOMPARE(generationOf(get(web)), 2);
    }

    void statefulSetAndDaemonSetBecomeReady()
    {
        const QString sets = QStringLiteral("/apis/apps/v1/namespaces/default/statefulsets");
        QCOMPARE(m_client.request("POST", sets, workload("StatefulSet", "db", -1)).status, 201);
        const QString daemons = QStringLiteral("/apis/apps/v1/namespaces/default/daemonsets");
        QCOMPARE(m_client.request("POST", daemons, workload("DaemonSet", "agent", -1)).status, 201);
        QTRY_COMPARE_WITH_TIMEOUT(statusInt(get(sets + QStringLiteral("/db")), "readyReplicas"), 1, kTimeoutMs);
        const QJsonObject db = get(sets + QStringLiteral("/db"));
        QCOMPARE(db.value("status").toObject().value("currentRevision"), db.value("status").toObject().value("updateRevision"));
        QCOMPARE(statusInt(db, "updatedReplicas"), 1);
        QTRY_COMPARE_WITH_TIMEOUT(statusInt(get(daemons + QStringLiteral("/agent")), "numberReady"), 1, kTimeoutMs);
        const QJsonObject agent = get(daemons + QStringLiteral("/agent"));
        QCOMPARE(statusInt(agent, "desiredNumberScheduled"), 1);
        QCOMPARE(statusInt(agent, "updatedNumberScheduled"), 1);
        QCOMPARE(statusInt(agent, "numberAvailable"), 1);
        QCOMPARE(statusInt(agent, "observedGeneration"), 1);
    }

    void jobCompletes()
    {
        QCOMPARE(m_client.request("POST", kJobs, job("migrate", 2)).status, 201);
        const QString migrate = kJobs + QStringLiteral("/migrate");
        QTRY_COMPARE_WITH_TIMEOUT(conditionOf(get(migrate), "Complete").value("status").toString(), QStringLiteral("True"), kTimeoutMs);
        const QJsonObject done = get(migrate);
        QCOMPARE(statusInt(done, "succeeded"), 2);
        QVERIFY(!done.value("status").toObject().value("completionTime").toString().isEmpty());
        QVERIFY(!done.value("status").toObject().value("startTime").toString().isEmpty());
        QVERIFY(!done.value("status").toObject().contains("active"));
    }

    void failRolloutsLeavesItStuck()
    {
        startSandbox(true);
        QCOMPARE(m_client.request("POST", kDeployments, workload("Deployment", "web", 2)).status, 201);
        const QString web = kDeployments + QStringLiteral("/web");
        QTRY_COMPARE_WITH_TIMEOUT(conditionOf(get(web), "Progressing").value("reason").toString(),
                                  QStringLiteral("ProgressDeadlineExceeded"), kTimeoutMs);
        const QJsonObject stuck = get(web);
        QCOMPARE(conditionOf(stuck, "Progressing").value("status").toString(), QStringLiteral("False"));
        QCOMPARE(conditionOf(stuck, "Available").value("status").toString(), QStringLiteral("False"));
        QCOMPARE(statusInt(stuck, "observedGeneration"), 1);
        QCOMPARE(statusInt(stuck, "readyReplicas"), 0);
        QCOMPARE(statusInt(stuck, "unavailableReplicas"), 2);

        QCOMPARE(m_client.request("POST", kJobs, job("migrate", 1)).status, 201);
        QTRY_COMPARE_WITH_TIMEOUT(conditionOf(get(kJobs + QStringLiteral("/migrate")), "Failed").value("reason").toString(),
                                  QStringLiteral("BackoffLimitExceeded"), kTimeoutMs);
        QVERIFY(conditionOf(get(kJobs + QStringLiteral("/migrate")), "Complete").isEmpty());
    }

    void restartResumesPendingRollouts()
    {
        // A stuck rollout stays stuck; started without failRollouts, the same data finishes it.
        m_client.nam().clearConnectionCache();
        m_sandbox.reset();
        SandboxOptions options;
        options.dataDir = m_dir.filePath(QStringLiteral("failing"));
        options.controllerDelayMs = 100;
        m_sandbox = std::make_unique<Sandbox>(options);
        QVERIFY(m_sandbox->start().ok());
        m_client.setSandbox(m_sandbox.get());
        QTRY_COMPARE_WITH_TIMEOUT(statusInt(get(kDeployments + QStringLiteral("/web")), "readyReplicas"), 2, kTimeoutMs);
        QCOMPARE(conditionOf(get(kDeployments + QStringLiteral("/web")), "Progressing").value("reason").toString(),
                 QStringLiteral("NewReplicaSetAvailable"));
    }

    void cleanupTestCase()
    {
        m_client.nam().clearConnectionCache();
        m_sandbox.reset();
    }
};

QTEST_GUILESS_MAIN(TestSandboxControllers)
#include "tst_sandboxcontrollers.moc"
