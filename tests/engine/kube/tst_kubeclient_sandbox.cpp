// KubeClient against a sandbox over HTTPS: version, discovery summary, CRUD, list with selector
// and pagination, dryRun, and errors mapped for 401/404/409/422 and an unknown CA.

#include "common/TcpEnds.h"
#include "kube/ApiDiscovery.h"
#include "kube/ClusterCheck.h"
#include "kube/KubeClient.h"
#include "sandbox/Sandbox.h"

#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <algorithm>
#include <atomic>
#include <memory>

using namespace sluice;
using namespace sluice::kube;

namespace {

QJsonObject configMap(const QString &name, const QString &app)
{
    return {{"apiVersion", "v1"},
            {"kind", "ConfigMap"},
            {"metadata", QJsonObject{{"name", name}, {"labels", QJsonObject{{"app", app}}}}},
            {"data", QJsonObject{{"k", "v"}}}};
}

} // namespace

class TestKubeClientSandbox : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<sandbox::Sandbox> m_sandbox;
    std::shared_ptr<KubeClient> m_client;
    ResolvedContext m_context;

    static Result<ResolvedContext> contextFrom(const QString &kubeconfig)
    {
        auto config = loadKubeconfigFor(kubeconfig);
        if (!config)
            return config.error();
        return resolveContext(*config);
    }

private slots:
    void initTestCase()
    {
        sandbox::SandboxOptions options;
        options.dataDir = m_dir.filePath("sandbox");
        options.kubeconfigPath = m_dir.filePath("kubeconfig");
        m_sandbox = std::make_unique<sandbox::Sandbox>(options);
        const Status started = m_sandbox->start();
        QVERIFY2(started, started ? "" : qPrintable(started.error().toString()));
        auto context = contextFrom(options.kubeconfigPath);
        QVERIFY2(context, context ? "" : qPrintable(context.error().toString()));
        m_context = *context;
        QVERIFY(m_context.isTls());
        ClientOptions clientOptions;
        clientOptions.retries = 0;
        auto client = KubeClient::create(m_context, clientOptions);
        QVERIFY(client);
        m_client = *client;
    }

    void versionAndCheck()
    {
        auto check = checkCluster(*m_client);
        QVERIFY2(check, check ? "" : qPrintable(check.error().toString()));
        QVERIFY(check->gitVersion.startsWith("v1."));
        QVERIFY(check->apiGroups > 5);
        QVERIFY(check->latencyMs >= 0);
        QVERIFY(!check->insecure);
    }

    // The client's connections send at once: its LowDelayOption was set before the socket had a
    // descriptor, where Qt drops it, so Nagle's algorithm stayed on.
    void connectionsSendWithoutNagleDelay()
    {
        auto check = checkCluster(*m_client);
        QVERIFY2(check, check ? "" : qPrintable(check.error().toString()));
        int clientEnds = 0;
        for (const test::TcpEnd &end : test::connectedTcpEnds()) {
            if (end.peerPort != m_sandbox->url().port())
                continue;
            ++clientEnds;
            QVERIFY(end.noDelay);
        }
        QVERIFY(clientEnds > 0);
    }

    void discovery()
    {
        auto discovery = discover(*m_client);
        QVERIFY2(discovery, discovery ? "" : qPrintable(discovery.error().toString()));
        QVERIFY(discovery->aggregated);
        const auto deployments = discovery->find("apps", "Deployment");
        QVERIFY(deployments);
        QCOMPARE(deployments->resource, QStringLiteral("deployments"));
        QVERIFY(deployments->namespaced);
        QVERIFY(deployments->shortNames.contains("deploy"));
        const auto namespaces = discovery->find("", "Namespace");
        QVERIFY(namespaces);
        QVERIFY(!namespaces->namespaced);
        QCOMPARE(namespaces->path("ignored", "shop").path(), QStringLiteral("/api/v1/namespaces/shop"));
        QVERIFY(!discovery->find("acme.io", "Widget"));
    }

    void createGetListDelete()
    {
        const ResourcePath namespaces{"", "v1", "namespaces", "", ""};
        auto ns = m_client->create(namespaces, {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", QJsonObject{{"name", "kc"}}}});
        QVERIFY2(ns, ns ? "" : qPrintable(ns.error().toString()));
        const ResourcePath configMaps{"", "v1", "configmaps", "kc", ""};
        for (int i = 0; i < 5; ++i) {
            auto created = m_client->create(configMaps, configMap(QStringLiteral("cm-%1").arg(i), i % 2 ? "odd" : "even"));
            QVERIFY2(created, created ? "" : qPrintable(created.error().toString()));
            QVERIFY(!created->value("metadata").toObject().value("uid").toString().isEmpty());
        }
        auto one = m_client->get({"", "v1", "configmaps", "kc", "cm-3"});
        QVERIFY(one);
        QCOMPARE(one->value("data").toObject().value("k").toString(), QStringLiteral("v"));

        auto all = m_client->list(configMaps, {}, 2); // three pages
        QVERIFY2(all, all ? "" : qPrintable(all.error().toString()));
        QCOMPARE(all->size(), 5);
        auto odd = m_client->list(configMaps, "app=odd");
        QVERIFY(odd);
        QCOMPARE(odd->size(), 2);
        auto notEven = m_client->list(configMaps, "app notin (even)", 1);
        QVERIFY(notEven);
        QCOMPARE(notEven->size(), 2);

        // dryRun leaves nothing behind.
        auto dry = m_client->create(configMaps, configMap("dry", "x"), true);
        QVERIFY(dry);
        QVERIFY(!m_client->get({"", "v1", "configmaps", "kc", "dry"}));

        QVERIFY(m_client->remove({"", "v1", "configmaps", "kc", "cm-0"}, QStringLiteral("Background")));
        auto gone = m_client->get({"", "v1", "configmaps", "kc", "cm-0"});
        QVERIFY(!gone);
        QCOMPARE(gone.error().code, 404);
    }

    void applyConflictThenForce()
    {
        const ResourcePath cm{"", "v1", "configmaps", "kc", "shared"};
        QJsonObject mine = configMap("shared", "apply");
        const Status applied = m_client->serverSideApply(cm, mine, false);
        QVERIFY2(applied, applied ? "" : qPrintable(applied.error().toString()));
        // Another manager takes the field with a merge patch.
        auto patched = m_client->send({"PATCH", cm.path() + "?fieldManager=someone-else", "{\"data\":{\"k\":\"theirs\"}}",
                                       "application/merge-patch+json"});
        QVERIFY2(patched, patched ? "" : qPrintable(patched.error().toString()));
        mine.insert("data", QJsonObject{{"k", "mine-again"}});
        auto conflict = m_client->serverSideApply(cm, mine, false);
        QVERIFY(!conflict);
        QCOMPARE(conflict.error().code, 409);
        QVERIFY2(conflict.error().message.contains("conflict with \"someone-else\""), qPrintable(conflict.error().message));
        const Status forcedApply = m_client->serverSideApply(cm, mine, true);
        QVERIFY2(forcedApply, forcedApply ? "" : qPrintable(forcedApply.error().toString()));
        auto forced = m_client->getJson(cm.path());
        QVERIFY2(forced, forced ? "" : qPrintable(forced.error().toString()));
        QCOMPARE(forced->value("data").toObject().value("k").toString(), QStringLiteral("mine-again"));
        bool owned = false;
        for (const QJsonValue &entry : forced->value("metadata").toObject().value("managedFields").toArray())
            owned |= entry.toObject().value("manager").toString() == QLatin1String("sluice");
        QVERIFY(owned);
    }

    void crdThenCustomObject()
    {
        const QJsonObject crd{
            {"apiVersion", "apiextensions.k8s.io/v1"},
            {"kind", "CustomResourceDefinition"},
            {"metadata", QJsonObject{{"name", "gadgets.acme.io"}}},
            {"spec", QJsonObject{{"group", "acme.io"},
                                 {"scope", "Namespaced"},
                                 {"names", QJsonObject{{"plural", "gadgets"}, {"singular", "gadget"}, {"kind", "Gadget"}}},
                                 {"versions", QJsonArray{QJsonObject{{"name", "v1"}, {"served", true}, {"storage", true},
                                                                     {"schema", QJsonObject{{"openAPIV3Schema", QJsonObject{{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", true}}}}}}}}}}};
        DiscoveryCache discovery(m_client);
        QVERIFY(discovery.get()); // cached before the CRD exists
        auto crdResource = discovery.resourceFor("apiextensions.k8s.io", "CustomResourceDefinition");
        QVERIFY(crdResource);
        QVERIFY(m_client->serverSideApply(crdResource->path({}, "gadgets.acme.io"), crd, true));
        QTRY_VERIFY([&] {
            auto got = m_client->get(crdResource->path({}, "gadgets.acme.io"));
            if (!got)
                return false;
            for (const QJsonValue &c : got->value("status").toObject().value("conditions").toArray())
                if (c.toObject().value("type").toString() == QLatin1String("Established") && c.toObject().value("status").toString() == QLatin1String("True"))
                    return true;
            return false;
        }());
        // Unknown in the cached discovery: resourceFor refreshes once and finds it.
        auto gadgets = discovery.resourceFor("acme.io", "Gadget");
        QVERIFY2(gadgets, gadgets ? "" : qPrintable(gadgets.error().toString()));
        QCOMPARE(gadgets->resource, QStringLiteral("gadgets"));
        const QJsonObject gadget{{"apiVersion", "acme.io/v1"}, {"kind", "Gadget"}, {"metadata", QJsonObject{{"name", "g1"}}}, {"spec", QJsonObject{{"size", 3}}}};
        QVERIFY(m_client->serverSideApply(gadgets->path("kc", "g1"), gadget, true));
        auto listed = m_client->list(gadgets->path("kc"));
        QVERIFY(listed);
        QCOMPARE(listed->size(), 1);
        auto missing = discovery.resourceFor("acme.io", "Doohickey");
        QVERIFY(!missing);
        QVERIFY2(missing.error().message.contains("does not serve Doohickey.acme.io"), qPrintable(missing.error().message));
    }

    void errorsAreMapped_data()
    {
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("expected");
        QTest::newRow("404 missing namespace") << 404 << QStringLiteral("not found: namespaces \"nowhere\" not found");
        QTest::newRow("409 already exists") << 409 << QStringLiteral("conflict (AlreadyExists)");
        QTest::newRow("422 invalid name") << 422 << QStringLiteral("invalid object:");
    }
    void errorsAreMapped()
    {
        QFETCH(int, code);
        QFETCH(QString, expected);
        Result<QJsonObject> result = makeError(ErrorCategory::Kube, QString());
        if (code == 404)
            result = m_client->create({"", "v1", "configmaps", "nowhere", ""}, configMap("x", "y"));
        else if (code == 409)
            result = m_client->create({"", "v1", "namespaces", "", ""}, {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", QJsonObject{{"name", "default"}}}});
        else
            result = m_client->create({"", "v1", "configmaps", "default", ""}, configMap("Not_A_Valid_Name", "y"));
        QVERIFY(!result);
        QCOMPARE(result.error().code, code);
        QVERIFY2(result.error().message.contains(expected), qPrintable(result.error().message));
    }

    void wrongTokenIs401WithoutTheToken()
    {
        ResolvedContext wrong = m_context;
        wrong.token = QStringLiteral("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
        auto client = KubeClient::create(wrong);
        QVERIFY(client);
        auto version = (*client)->version();
        QVERIFY(!version);
        QCOMPARE(version.error().code, 401);
        QVERIFY2(version.error().message.contains("unauthorized"), qPrintable(version.error().message));
        QVERIFY(!version.error().toString().contains(wrong.token));
        QVERIFY(!version.error().toString().contains(QString::fromLatin1(m_sandbox->token())));
    }

    // Every client of one kubeconfig user shares its exec plugin's credential, as client-go's
    // do: a window's watches and checks run `aws eks get-token` once, not once a client. Requests
    // refused at once (401) run the plugin again once.
    void execCredentialIsSharedByClients()
    {
        const QString runs = m_dir.filePath("exec-runs");
        QFile plugin(m_dir.filePath("exec-plugin.sh"));
        QVERIFY(plugin.open(QIODevice::WriteOnly));
        // The first run's token is refused; the later ones are the sandbox's.
        plugin.write("#!/bin/sh\necho run >> '" + runs.toUtf8() + "'\n"
                     "if [ \"$(wc -l < '" + runs.toUtf8() + "')\" -eq 1 ]; then t=wrong; else t=" + m_sandbox->token() + "; fi\n"
                     "sleep 0.2\nprintf '{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"kind\":\"ExecCredential\","
                     "\"status\":{\"token\":\"%s\"}}' \"$t\"\n");
        plugin.close();
        plugin.setPermissions(plugin.permissions() | QFileDevice::ExeOwner);
        const auto runCount = [&] {
            QFile f(runs);
            return f.open(QIODevice::ReadOnly) ? f.readAll().count('\n') : 0;
        };

        ResolvedContext context = m_context;
        context.token.clear();
        ExecConfig exec;
        exec.apiVersion = QStringLiteral("client.authentication.k8s.io/v1beta1");
        exec.command = plugin.fileName();
        context.exec = exec;
        std::vector<std::shared_ptr<KubeClient>> clients;
        for (int i = 0; i < 4; ++i) {
            auto client = KubeClient::create(context);
            QVERIFY(client);
            clients.push_back(*client);
        }
        // QThreads, not std::threads: a thread Qt adopts frees its connection's TLS state after
        // OpenSSL has freed that thread's error state, which it then allocates again and leaks.
        std::atomic_int answered = 0;
        std::vector<std::unique_ptr<QThread>> threads;
        for (const auto &client : clients) {
            threads.emplace_back(QThread::create([&answered, client] { answered += bool(client->version()); }));
            threads.back()->start();
        }
        // The sandbox serves on this thread.
        QTRY_VERIFY_WITH_TIMEOUT(std::all_of(threads.begin(), threads.end(), [](const auto &t) { return t->isFinished(); }), 30000);
        QCOMPARE(answered.load(), 4);
        QCOMPARE(runCount(), 2); // the refused token, then the sandbox's, whatever the clients

        auto later = KubeClient::create(context); // a later client: the credential is still there
        QVERIFY(later && (*later)->version());
        QCOMPARE(runCount(), 2);
        context.userName = QStringLiteral("another-user"); // another kubeconfig user runs its own
        auto other = KubeClient::create(context);
        QVERIFY(other && (*other)->version());
        QCOMPARE(runCount(), 3);
    }

    void unknownCaIsRefused()
    {
        // Another sandbox's CA: the handshake fails, so no request (and no token) is ever sent.
        QTemporaryDir other;
        sandbox::SandboxOptions options;
        options.dataDir = other.filePath("sandbox");
        sandbox::Sandbox second(options);
        QVERIFY(second.start());
        ResolvedContext wrongCa = m_context;
        wrongCa.certificateAuthorityData = second.caCertificatePem();
        ClientOptions clientOptions;
        clientOptions.retries = 0;
        auto client = KubeClient::create(wrongCa, clientOptions);
        QVERIFY(client);
        auto version = (*client)->version();
        QVERIFY(!version);
        QCOMPARE(version.error().code, 0);
        QVERIFY2(version.error().message.contains("TLS with"), qPrintable(version.error().message));
    }

    void cancel()
    {
        CancelToken token;
        token.cancel();
        auto version = m_client->version(token);
        QVERIFY(!version);
        QCOMPARE(version.error().category, ErrorCategory::Cancelled);
    }
};

QTEST_GUILESS_MAIN(TestKubeClientSandbox)
#include "tst_kubeclient_sandbox.moc"
