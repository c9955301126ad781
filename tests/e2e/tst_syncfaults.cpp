// sluicectl sync against a sandbox that injects faults (--inject-faults 0.1, several seeds): a
// 100-object application synced from nothing, or changed (updates, creates, prunes) after a sync
// without faults. Each run either completes or names every failed object with its cause and
// exits non-zero; and history never records a result that did not happen: the cluster is read
// afterwards by the real kubectl, as a peer would, through the same sandbox restarted without
// faults. With the client's default retries a run that fails is rare (a request must fail four
// times), so some rows allow one retry only, where failing runs are likely too.

#include "common/CliRun.h"
#include "common/GitFixture.h"
#include "common/SandboxProcess.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using sluice::test::GitFixture;
using sluice::test::Run;
using sluice::test::SandboxProcess;

namespace {

const QString kSandboxBinary = QStringLiteral(SLUICE_BINARY_DIR "/app/sluice-sandbox/sluice-sandbox");
const QString kRate = QStringLiteral("0.1");

// What each object of the application holds at `version` (1 or 2), by "Kind/name": ConfigMap
// data, Secret data, a Deployment's image, a Service's port. 100 objects with the Namespace at
// version 1; version 2 changes 20 ConfigMaps, 5 Secrets and 5 images, drops 10 ConfigMaps
// (pruned) and adds 5.
QMap<QString, QJsonValue> desiredAt(int version)
{
    QMap<QString, QJsonValue> desired;
    desired.insert(QStringLiteral("Namespace/demo"), QJsonValue());
    for (int i = 0; i < 60 + (version == 2 ? 5 : 0); ++i) {
        if (version == 2 && i >= 50 && i < 60)
            continue;
        const int at = version == 2 && (i < 20 || i >= 60) ? 2 : 1;
        desired.insert(QStringLiteral("ConfigMap/cm-%1").arg(i), QJsonObject{{"value", QStringLiteral("v%1-%2").arg(at).arg(i)}});
    }
    for (int i = 0; i < 20; ++i) {
        const int at = version == 2 && i < 5 ? 2 : 1;
        desired.insert(QStringLiteral("Secret/secret-%1").arg(i),
                       QJsonObject{{"token", QString::fromLatin1(QStringLiteral("s%1-%2").arg(at).arg(i).toLatin1().toBase64())}});
    }
    for (int i = 0; i < 10; ++i)
        desired.insert(QStringLiteral("Deployment/web-%1").arg(i), version == 2 && i < 5 ? "nginx:1.27" : "nginx:1.25");
    for (int i = 0; i < 9; ++i)
        desired.insert(QStringLiteral("Service/svc-%1").arg(i), 8000 + i);
    return desired;
}

QByteArray manifestOf(const QString &key, const QJsonValue &payload)
{
    const QByteArray kind = key.section(QLatin1Char('/'), 0, 0).toUtf8();
    const QByteArray name = key.section(QLatin1Char('/'), 1).toUtf8();
    const QByteArray head = (kind == "Deployment" ? "apiVersion: apps/v1" : "apiVersion: v1") + QByteArray("\nkind: ") + kind +
                            "\nmetadata:\n  name: " + name + "\n";
    if (kind == "Namespace")
        return head;
    if (kind == "ConfigMap" || kind == "Secret") {
        const QJsonObject data = payload.toObject();
        return head + "data:\n  " + data.begin().key().toUtf8() + ": " + data.begin().value().toString().toUtf8() + "\n";
    }
    if (kind == "Service")
        return head + "spec:\n  selector: {app: " + name + "}\n  ports: [{port: " + QByteArray::number(payload.toInt()) + "}]\n";
    return head + "spec:\n  replicas: 1\n  selector: {matchLabels: {app: " + name + "}}\n  template:\n    metadata: {labels: {app: " +
           name + "}}\n    spec:\n      containers: [{name: web, image: \"" + payload.toString().toUtf8() + "\"}]\n";
}

// The payload desiredAt() describes, read from a live object.
QJsonValue payloadOf(const QJsonObject &object)
{
    const QString kind = object.value("kind").toString();
    if (kind == QLatin1String("ConfigMap") || kind == QLatin1String("Secret"))
        return object.value("data");
    if (kind == QLatin1String("Deployment"))
        return object["spec"]["template"]["spec"]["containers"][0]["image"];
    if (kind == QLatin1String("Service"))
        return object["spec"]["ports"][0]["port"];
    return QJsonValue();
}

struct SyncRun
{
    Run run;
    QString revision;
    qint64 ms = 0;
    int faults = 0; // injected while it ran
};

} // namespace

class TestSyncFaults : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    GitFixture m_repo;
    SandboxProcess m_sandbox;
    QString m_workspace;
    int m_completed = 0;
    int m_failed = 0;

    QString path(const QString &rel) const { return m_dir->filePath(rel); }

    void startSandbox(const QStringList &faults)
    {
        m_sandbox.stop();
        QVERIFY(m_sandbox.start(kSandboxBinary, path("sandbox"), QStringList{"--controller-delay", "200"} + faults));
    }

    int injectedSoFar() const
    {
        QFile log(path("sandbox/sandbox.log"));
        return log.open(QIODevice::ReadOnly) ? int(log.readAll().count("injected fault:")) : 0;
    }

    void commitVersion(int version)
    {
        QDir(m_repo.dir() + "/app").removeRecursively();
        const QMap<QString, QJsonValue> desired = desiredAt(version);
        for (auto it = desired.begin(); it != desired.end(); ++it)
            QVERIFY(m_repo.write("app/" + QString(it.key()).replace('/', '-').toLower() + ".yaml", manifestOf(it.key(), it.value())));
        QVERIFY(!m_repo.commitAll(QStringLiteral("version %1").arg(version)).isEmpty());
    }

    SyncRun sync(const QStringList &extra, int retries = -1)
    {
        const int before = injectedSoFar();
        QElapsedTimer clock;
        clock.start();
        SyncRun r;
        r.revision = m_repo.revParse("main");
        QStringList args{"--json", "--request-timeout", "500ms", "sync", "web", "--timeout", "20s"};
        if (retries >= 0)
            args = QStringList{"--request-retries", QString::number(retries)} + args;
        r.run = sluice::test::sluicectl(m_workspace, path("cache"), args + extra);
        r.ms = clock.elapsed();
        r.faults = injectedSoFar() - before;
        return r;
    }

    QJsonArray liveItems()
    {
        const Run got = sluice::test::kubectl(m_sandbox.kubeconfig(), path("kcache"),
                                              {"get", "namespaces,configmaps,secrets,deployments,services", "-A", "-l", "sluice.dev/app=web",
                                               "-o", "json"});
        if (got.exitCode != 0)
            qWarning().noquote() << "kubectl get failed:" << got.err;
        return got.json().value("items").toArray();
    }

    QJsonArray historyEntries()
    {
        const Run got = sluice::test::kubectl(m_sandbox.kubeconfig(), path("kcache"),
                                              {"get", "configmap", "sluice-history-web", "-n", "demo", "-o", "json", "--ignore-not-found"});
        const QJsonObject configMap = got.json();
        return QJsonDocument::fromJson(configMap["data"]["entries"].toString().toUtf8()).array();
    }

    // Restarts the sandbox without faults and checks `r` (a sync to `version`) against what
    // kubectl reads from it.
    void verify(const SyncRun &r, int version)
    {
        const QJsonObject out = r.run.json();
        const QJsonArray objects = out.value("objects").toArray();
        // The run's own report: success is complete, a failure names each failed object and why.
        if (r.run.exitCode == 0) {
            QCOMPARE(out.value("result").toString(), QStringLiteral("Succeeded"));
            QCOMPARE(out.value("failed").toInt(), 0);
        } else if (!objects.isEmpty()) {
            QCOMPARE(r.run.exitCode, 1);
            int failed = 0;
            for (const QJsonValue &o : objects) {
                if (o["outcome"].toString() == QLatin1String("failed")) {
                    // Named, with why: a request that kept failing when retried, never one fault.
                    ++failed;
                    QVERIFY2(!o["name"].toString().isEmpty() && o["message"].toString().contains("attempts"), qPrintable(r.run.out));
                }
            }
            QCOMPARE(failed, out.value("failed").toInt());
            QVERIFY2(failed > 0 || out.value("notAttempted").toInt() > 0 || out.value("timedOut").toBool()
                         || out.value("health").toString() != QLatin1String("Healthy"),
                     qPrintable(r.run.out));
        } else {
            // Stopped before or after applying: only by a request that kept failing when retried
            // (one in 10,000 at this rate), never by one fault.
            QCOMPARE(r.run.exitCode, 2);
            QVERIFY2(r.run.err.startsWith("error: ") && r.run.err.contains("attempts"), r.run.err);
        }

        startSandbox({});
        const QMap<QString, QJsonValue> desired = desiredAt(version);
        QMap<QString, QJsonValue> live;
        for (const QJsonValue &item : liveItems())
            live.insert(item["kind"].toString() + '/' + item["metadata"]["name"].toString(), payloadOf(item.toObject()));
        const auto atDesired = [&](const QString &key) { return live.contains(key) && live.value(key) == desired.value(key); };

        // What the run reported applied or pruned happened.
        for (const QJsonValue &o : objects) {
            const QString key = o["kind"].toString() + '/' + o["name"].toString();
            if (o["outcome"].toString() == QLatin1String("applied"))
                QVERIFY2(atDesired(key), qPrintable(key + " was reported applied but is not live at its desired state"));
            if (o["outcome"].toString() == QLatin1String("pruned"))
                QVERIFY2(!live.contains(key), qPrintable(key + " was reported pruned but is live"));
        }

        // History: at most one entry for this revision, as the run reported it; one that says
        // Succeeded means every object is at its desired state and nothing stale is left.
        QList<QJsonObject> entries;
        for (const QJsonValue &e : historyEntries()) {
            if (e["revision"].toString() == r.revision)
                entries.append(e.toObject());
        }
        QVERIFY2(entries.size() <= 1, qPrintable(QStringLiteral("%1 history entries for one sync").arg(entries.size())));
        if (out.contains("historyId")) {
            QCOMPARE(entries.size(), 1);
            const QJsonObject &entry = entries.first();
            QCOMPARE(entry["id"].toInt(), out["historyId"].toInt());
            for (const char *field : {"result", "applied", "pruned", "failed"})
                QCOMPARE(entry[field], out[field]);
        }
        if (!entries.isEmpty() && entries.first()["result"].toString() == QLatin1String("Succeeded")) {
            for (auto it = desired.begin(); it != desired.end(); ++it)
                QVERIFY2(atDesired(it.key()), qPrintable(it.key() + " is not at its desired state, yet history says the sync succeeded"));
            for (auto it = live.begin(); it != live.end(); ++it)
                QVERIFY2(desired.contains(it.key()), qPrintable(it.key() + " was to be pruned, yet history says the sync succeeded"));
        }
    }

    static QString describe(const SyncRun &r)
    {
        const QJsonObject out = r.run.json();
        const QString result = out.contains("result")
                                   ? QStringLiteral("%1 (%2 applied, %3 pruned, %4 failed)").arg(out["result"].toString()).arg(out["applied"].toInt())
                                         .arg(out["pruned"].toInt()).arg(out["failed"].toInt())
                                   : QString::fromUtf8(r.run.err.trimmed().left(160));
        return QStringLiteral("exit %1 in %2 s, %3 faults: %4").arg(r.run.exitCode).arg(r.ms / 1000.0, 0, 'f', 1).arg(r.faults).arg(result);
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(GitFixture::gitAvailable(), "git is required");
        QVERIFY2(!QStandardPaths::findExecutable("kubectl").isEmpty(), "kubectl is required");
        qputenv("QT_LOGGING_RULES", "sluice.sandbox.info=true"); // the sandbox logs each fault it injects
    }

    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_repo.setDir(path("repo"));
        QVERIFY(m_repo.init());
        m_workspace = path("sluice.yaml");
        QFile file(m_workspace);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QStringLiteral("apiVersion: sluice.dev/v1alpha1\nkind: Workspace\nclusters:\n"
                                  "  - {name: test, context: sluice-sandbox, kubeconfig: %1}\napplications:\n"
                                  "  - name: web\n    source: {repo: %2, revision: main, path: app, renderer: plain}\n"
                                  "    destination: {cluster: test, namespace: demo}\n")
                       .arg(path("sandbox/kubeconfig"), m_repo.dir())
                       .toUtf8());
    }

    void cleanup() { m_sandbox.stop(); }

    void syncUnderFaults_data()
    {
        QTest::addColumn<int>("seed");
        QTest::addColumn<bool>("update"); // from version 1, synced without faults, to version 2 with prune
        QTest::addColumn<int>("retries"); // -1: the client's default
        QTest::newRow("from nothing, seed 1") << 1 << false << -1;
        QTest::newRow("from nothing, seed 2") << 2 << false << -1;
        QTest::newRow("update and prune, seed 3") << 3 << true << -1;
        QTest::newRow("update and prune, seed 4") << 4 << true << -1;
        QTest::newRow("from nothing, one retry, seed 5") << 5 << false << 1;
        QTest::newRow("update and prune, one retry, seed 6") << 6 << true << 1;
        QTest::newRow("from nothing, one retry, seed 7") << 7 << false << 1;
        QTest::newRow("update and prune, one retry, seed 8") << 8 << true << 1;
    }

    void syncUnderFaults()
    {
        QFETCH(int, seed);
        QFETCH(bool, update);
        QFETCH(int, retries);
        if (update) {
            startSandbox({});
            commitVersion(1);
            const SyncRun setup = sync({});
            QVERIFY2(setup.run.exitCode == 0, setup.run.out + setup.run.err);
        }
        startSandbox({"--inject-faults", kRate, "--fault-seed", QString::number(seed)});
        commitVersion(update ? 2 : 1);
        const SyncRun r = sync(update ? QStringList{"--prune"} : QStringList(), retries);
        qInfo().noquote() << describe(r);
        (r.run.exitCode == 0 ? m_completed : m_failed) += 1;
        verify(r, update ? 2 : 1);
    }

    void cleanupTestCase() { qInfo() << "runs completed:" << m_completed << "failed and said so:" << m_failed; }
};

QTEST_GUILESS_MAIN(TestSyncFaults)
#include "tst_syncfaults.moc"
