// watchCollection against a sandbox: initial ADDED from the list, live changes, and a dropped
// connection (the sandbox restarted, its watch history gone) resumed through a 410 re-list; a
// first list during an outage retried, a refused one not; cancel while waiting to retry.

#include "kube/KubeClient.h"
#include "kube/Watch.h"
#include "sandbox/Sandbox.h"

#include <QMutex>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <atomic>
#include <memory>

using namespace sluice;
using namespace sluice::kube;

namespace {

QJsonObject configMap(const QString &name, const QString &value)
{
    return {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", QJsonObject{{"name", name}}}, {"data", QJsonObject{{"k", value}}}};
}

sandbox::SandboxOptions sandboxIn(const QTemporaryDir &dir)
{
    sandbox::SandboxOptions options;
    options.dataDir = dir.filePath("sandbox");
    options.kubeconfigPath = dir.filePath("kubeconfig");
    return options;
}

// Starts and stops a sandbox: its kubeconfig stays, its port (returned) refuses connections.
quint16 stoppedSandbox(const sandbox::SandboxOptions &options)
{
    sandbox::Sandbox sandbox(options);
    if (!sandbox.start())
        qFatal("the sandbox did not start");
    return quint16(sandbox.url().port());
}

std::shared_ptr<KubeClient> clientFor(const QString &kubeconfig, int retries = 3)
{
    auto config = loadKubeconfigFor(kubeconfig);
    if (!config)
        return nullptr;
    auto context = resolveContext(*config);
    if (!context)
        return nullptr;
    ClientOptions options;
    options.retries = retries;
    auto client = KubeClient::create(*context, options);
    return client ? *client : nullptr;
}

// watchCollection on a thread of its own, cancelled and waited for when this goes.
struct WatchThread
{
    CancelToken cancel;
    Status result;
    std::unique_ptr<QThread> thread;

    WatchThread(KubeClient &client, const ResourcePath &collection, const WatchOptions &options,
                const std::function<bool(const WatchEvent &)> &sink)
        : thread(QThread::create([this, &client, collection, options, sink] { result = watchCollection(client, collection, options, sink, cancel); }))
    {
        thread->start();
    }
    ~WatchThread()
    {
        cancel.cancel();
        thread->wait();
    }
    bool ended(int timeoutMs) const { return QTest::qWaitFor([&] { return thread->isFinished(); }, timeoutMs); }
};

} // namespace

class TestKubeWatch : public QObject
{
    Q_OBJECT

private:
    QMutex m_mutex;
    QStringList m_events; // "TYPE name"

    QStringList events()
    {
        QMutexLocker lock(&m_mutex);
        return m_events;
    }

private slots:
    void watchAcrossARestart()
    {
        QTemporaryDir dir;
        sandbox::SandboxOptions options;
        options.dataDir = dir.filePath("sandbox");
        options.kubeconfigPath = dir.filePath("kubeconfig");
        auto first = std::make_unique<sandbox::Sandbox>(options);
        QVERIFY(first->start());
        options.port = quint16(first->url().port());

        auto config = loadKubeconfigFor(options.kubeconfigPath);
        QVERIFY(config);
        auto context = resolveContext(*config);
        QVERIFY(context);
        ClientOptions clientOptions;
        clientOptions.retries = 0;
        auto client = KubeClient::create(*context, clientOptions);
        QVERIFY(client);
        KubeClient &kube = **client;

        QVERIFY(kube.create({"", "v1", "namespaces", "", ""}, {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", QJsonObject{{"name", "w"}}}}));
        QVERIFY(kube.create({"", "v1", "configmaps", "w", ""}, configMap("a", "1")));

        CancelToken cancel;
        Status result;
        WatchOptions watchOptions;
        watchOptions.timeoutSeconds = 30;
        watchOptions.reconnectDelayMs = 50;
        QThread *watcher = QThread::create([&] {
            result = watchCollection(kube, {"", "v1", "configmaps", "w", ""}, watchOptions,
                                     [this](const WatchEvent &e) {
                                         QMutexLocker lock(&m_mutex);
                                         m_events << e.type + " " + e.object.value("metadata").toObject().value("name").toString();
                                         return !m_events.contains("ADDED c");
                                     },
                                     cancel);
        });
        watcher->start();
        QTRY_COMPARE(events(), QStringList{"ADDED a"});

        QVERIFY(kube.create({"", "v1", "configmaps", "w", ""}, configMap("b", "1")));
        QTRY_VERIFY(events().contains("ADDED b"));
        QVERIFY(kube.serverSideApply({"", "v1", "configmaps", "w", "a"}, configMap("a", "2"), true));
        QTRY_VERIFY(events().contains("MODIFIED a"));

        // Drop every connection: the sandbox restarts on the same port without its watch history.
        first->stop();
        first.reset();
        QTest::qWait(300); // the watcher is now reconnecting to a closed port
        sandbox::Sandbox second(options);
        QVERIFY(second.start());
        QVERIFY(kube.remove({"", "v1", "configmaps", "w", "b"}));
        QVERIFY(kube.create({"", "v1", "configmaps", "w", ""}, configMap("c", "1")));

        QTRY_VERIFY_WITH_TIMEOUT(watcher->isFinished(), 20000);
        watcher->wait();
        delete watcher;
        QVERIFY2(result, result ? "" : qPrintable(result.error().toString()));
        const QStringList seen = events();
        QVERIFY2(seen.contains("DELETED b"), qPrintable(seen.join(", ")));
        QVERIFY(seen.contains("ADDED c"));
        QCOMPARE(seen.count("ADDED a"), 1); // the re-list does not repeat what was known
    }

    // The first list retried while the cluster does not answer, as a dropped connection is: a
    // watch started during an outage (or a restart) begins once the cluster is back.
    void firstListWaitsForTheCluster()
    {
        QTemporaryDir dir;
        sandbox::SandboxOptions options = sandboxIn(dir);
        options.port = stoppedSandbox(options);
        auto client = clientFor(options.kubeconfigPath, 0);
        QVERIFY(client);
        WatchOptions watchOptions;
        watchOptions.reconnectDelayMs = 50;
        watchOptions.maxReconnectDelayMs = 200;
        WatchThread watch(*client, {"", "v1", "namespaces", "", ""}, watchOptions,
                          [](const WatchEvent &e) { return e.object.value("metadata").toObject().value("name") != QLatin1String("late"); });
        QTest::qWait(500); // a few failed lists
        QVERIFY(!watch.thread->isFinished());
        sandbox::Sandbox second(options);
        QVERIFY(second.start());
        QVERIFY(client->create({"", "v1", "namespaces", "", ""}, {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", QJsonObject{{"name", "late"}}}}));
        QVERIFY2(watch.ended(20000), "the watch never saw the namespace created once the cluster was back");
        QVERIFY2(watch.result, watch.result ? "" : qPrintable(watch.result.error().toString()));
    }

    // The watch says when the cluster stops answering and when it answers again, once each
    // however many reconnects fail between: what tells a window its status is out of date.
    void answeringIsReported()
    {
        QTemporaryDir dir;
        sandbox::SandboxOptions options = sandboxIn(dir);
        auto first = std::make_unique<sandbox::Sandbox>(options);
        QVERIFY(first->start());
        options.port = quint16(first->url().port());
        auto client = clientFor(options.kubeconfigPath, 0);
        QVERIFY(client);
        QMutex mutex;
        QStringList heard;
        const auto said = [&] {
            QMutexLocker lock(&mutex);
            return heard;
        };
        WatchOptions watchOptions;
        watchOptions.reconnectDelayMs = 50;
        watchOptions.maxReconnectDelayMs = 100;
        watchOptions.onAnswering = [&](const Status &status) {
            QMutexLocker lock(&mutex);
            heard << (status ? QStringLiteral("answering") : QStringLiteral("lost: ") + status.error().message);
        };
        std::atomic<bool> listed = false;
        WatchThread watch(*client, {"", "v1", "namespaces", "", ""}, watchOptions, [&](const WatchEvent &) {
            listed = true;
            return true;
        });
        QTRY_VERIFY(listed);
        QTest::qWait(200);
        QVERIFY(said().isEmpty()); // answering from the start: nothing to say

        first.reset(); // stopped: its port refuses connections
        QTRY_COMPARE(said().size(), 1);
        QVERIFY2(said().first().contains("connection refused"), qPrintable(said().first()));
        QTest::qWait(500); // several reconnects fail
        QCOMPARE(said().size(), 1);

        sandbox::Sandbox second(options);
        QVERIFY(second.start());
        QTRY_COMPARE(said().size(), 2);
        QCOMPARE(said().last(), QStringLiteral("answering"));
    }

    // A refusal is the answer: not retried.
    void refusedListIsAnError()
    {
        QTemporaryDir dir;
        const sandbox::SandboxOptions options = sandboxIn(dir);
        sandbox::Sandbox sandbox(options);
        QVERIFY(sandbox.start());
        auto client = clientFor(options.kubeconfigPath);
        QVERIFY(client);
        WatchThread watch(*client, {"example.com", "v1", "widgets", "", ""}, {}, [](const WatchEvent &) { return true; });
        QVERIFY2(watch.ended(20000), "a collection the server does not serve was listed again and again");
        QVERIFY(!watch.result);
        QCOMPARE(watch.result.error().code, 404);
    }

    // Cancel ends the wait before a retry, however long it was to be.
    void cancelEndsTheWaitToRetry()
    {
        QTemporaryDir dir;
        const sandbox::SandboxOptions options = sandboxIn(dir);
        (void)stoppedSandbox(options);
        auto client = clientFor(options.kubeconfigPath, 0);
        QVERIFY(client);
        WatchOptions watchOptions;
        watchOptions.reconnectDelayMs = watchOptions.maxReconnectDelayMs = 3600 * 1000;
        WatchThread watch(*client, {"", "v1", "namespaces", "", ""}, watchOptions, [](const WatchEvent &) { return true; });
        QTest::qWait(300); // the first list has failed: waiting an hour to retry
        QVERIFY(!watch.thread->isFinished());
        watch.cancel.cancel();
        QVERIFY2(watch.ended(20000), "cancel did not end the wait to retry");
        QVERIFY(!watch.result);
        QCOMPARE(watch.result.error().category, ErrorCategory::Cancelled);
    }

    void cancelStopsTheWatch()
    {
        QTemporaryDir dir;
        const sandbox::SandboxOptions options = sandboxIn(dir);
        sandbox::Sandbox sandbox(options);
        QVERIFY(sandbox.start());
        auto client = clientFor(options.kubeconfigPath);
        QVERIFY(client);
        WatchThread watch(*client, {"", "v1", "namespaces", "", ""}, {}, [](const WatchEvent &) { return true; });
        QTest::qWait(300);
        watch.cancel.cancel();
        QVERIFY(watch.ended(10000));
        QVERIFY(!watch.result);
        QCOMPARE(watch.result.error().category, ErrorCategory::Cancelled);
    }
};

QTEST_GUILESS_MAIN(TestKubeWatch)
#include "tst_kubewatch.moc"
