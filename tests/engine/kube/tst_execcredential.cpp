// Exec credential plugins: the KUBERNETES_EXEC_INFO input, ExecCredential parsing, running a
// plugin (a shell script in a QTemporaryDir), failures, timeouts and the expiry cache.
// No token may ever appear in an Error.

#include "kube/ExecCredential.h"

#include "common/Processes.h"
#include "core/Process.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <atomic>
#include <thread>
#include <vector>

#include <sys/resource.h>

using namespace sluice;
using namespace sluice::kube;

namespace {

const QString kV1 = QStringLiteral("client.authentication.k8s.io/v1");
const QString kV1beta1 = QStringLiteral("client.authentication.k8s.io/v1beta1");
const QString kSecret = QStringLiteral("SECRET-TOKEN-4242");

// A plugin script in its own directory; it can record its runs and its input there.
class Plugin
{
public:
    // `body` runs under /bin/sh with $D set to the plugin's directory.
    explicit Plugin(const QByteArray &body)
    {
        m_path = m_dir.filePath(QStringLiteral("plugin.sh"));
        QFile file(m_path);
        if (file.open(QIODevice::WriteOnly)) {
            file.write("#!/bin/sh\nD='" + m_dir.path().toUtf8() + "'\necho run >> \"$D/runs\"\n" + body);
            file.close();
        }
        file.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    }

    QString path() const { return m_path; }
    QString file(const QString &name) const { return m_dir.filePath(name); }

    int runs() const
    {
        QFile file(this->file(QStringLiteral("runs")));
        if (!file.open(QIODevice::ReadOnly))
            return 0;
        return file.readAll().count('\n');
    }

    QByteArray read(const QString &name) const
    {
        QFile file(this->file(name));
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

    ExecPluginRun run(const QString &apiVersion = kV1beta1) const
    {
        ExecPluginRun run;
        run.config.apiVersion = apiVersion;
        run.config.command = m_path;
        run.config.interactiveMode = QStringLiteral("Never");
        run.userName = QStringLiteral("tester");
        run.timeoutMs = 10000;
        return run;
    }

private:
    QTemporaryDir m_dir;
    QString m_path;
};

// Shell that prints an ExecCredential; $n (the run number) and $exp are available.
QByteArray printCredential(const QString &apiVersion, const QByteArray &status)
{
    return "n=$(wc -l < \"$D/runs\" | tr -d ' ')\n"
           "cat <<JSON\n"
           "{\"apiVersion\":\"" + apiVersion.toUtf8() + "\",\"kind\":\"ExecCredential\",\"status\":{" + status + "}}\n"
           "JSON\n";
}

QByteArray tokenStatus(const QString &token)
{
    return "\"token\":\"" + token.toUtf8() + "\"";
}

QJsonObject parseObject(const QByteArray &json)
{
    return QJsonDocument::fromJson(json).object();
}

// This process's peak resident memory so far, in KiB.
long peakMemoryKiB()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

void verifyNoSecret(const Error &error)
{
    QVERIFY2(!error.toString().contains(kSecret), qPrintable(error.toString()));
}

struct ParseRow
{
    QByteArray output;
    QString apiVersion;
    QString error; // empty = success
    QString token;
    bool hasCert = false;
    QString expiration; // ISO in UTC, empty = none
};

} // namespace

Q_DECLARE_METATYPE(ParseRow)

class TestExecCredential : public QObject
{
    Q_OBJECT

private slots:
    // ---- pure parts -----------------------------------------------------------------------

    void execInfo()
    {
        ExecPluginRun run;
        run.config.apiVersion = kV1;
        run.config.command = QStringLiteral("p");
        run.cluster.server = QStringLiteral("https://k.example.com:6443");
        run.cluster.certificateAuthorityData = "CA-PEM";
        run.cluster.insecureSkipTlsVerify = false;
        run.cluster.tlsServerName = QStringLiteral("k.internal");

        const QJsonObject plain = parseObject(execInfoJson(run));
        QCOMPARE(plain.value("apiVersion").toString(), kV1);
        QCOMPARE(plain.value("kind").toString(), QStringLiteral("ExecCredential"));
        QCOMPARE(plain.value("spec").toObject(), (QJsonObject{{"interactive", false}}));

        run.config.provideClusterInfo = true;
        const QJsonObject cluster = parseObject(execInfoJson(run)).value("spec").toObject().value("cluster").toObject();
        QCOMPARE(cluster, (QJsonObject{{"server", "https://k.example.com:6443"},
                                       {"certificate-authority-data", QString::fromLatin1(QByteArray("CA-PEM").toBase64())},
                                       {"tls-server-name", "k.internal"}}));
        run.cluster.insecureSkipTlsVerify = true;
        run.cluster.certificateAuthorityData.clear();
        run.cluster.tlsServerName.clear();
        run.cluster.proxyUrl = QStringLiteral("http://proxy:3128");
        const QJsonObject insecure = parseObject(execInfoJson(run)).value("spec").toObject().value("cluster").toObject();
        QCOMPARE(insecure, (QJsonObject{{"server", "https://k.example.com:6443"},
                                        {"insecure-skip-tls-verify", true},
                                        {"proxy-url", "http://proxy:3128"}}));
    }

    void execClusterFromContext()
    {
        ResolvedContext context;
        context.server = QStringLiteral("https://s");
        context.certificateAuthorityData = "ca";
        context.tlsServerName = QStringLiteral("n");
        context.token = kSecret;
        const ExecCluster cluster = execClusterFor(context);
        QCOMPARE(cluster.server, context.server);
        QCOMPARE(cluster.certificateAuthorityData, QByteArray("ca"));
        QCOMPARE(cluster.tlsServerName, QStringLiteral("n"));
    }

    void parse_data()
    {
        QTest::addColumn<ParseRow>("row");
        const auto cred = [](const QString &api, const QByteArray &status) {
            return "{\"apiVersion\":\"" + api.toUtf8() + "\",\"kind\":\"ExecCredential\",\"status\":{" + status + "}}";
        };
        const QByteArray tok = "\"token\":\"" + kSecret.toUtf8() + "\"";
        QTest::newRow("v1 token") << ParseRow{cred(kV1, tok), kV1, {}, kSecret, false, {}};
        QTest::newRow("v1beta1 token, expiry")
            << ParseRow{cred(kV1beta1, tok + ",\"expirationTimestamp\":\"2030-01-02T03:04:05Z\""), kV1beta1, {},
                        kSecret, false, "2030-01-02T03:04:05Z"};
        QTest::newRow("expiry with offset and nanoseconds")
            << ParseRow{cred(kV1, tok + ",\"expirationTimestamp\":\"2030-01-02T05:04:05.123456789+02:00\""), kV1, {},
                        kSecret, false, "2030-01-02T03:04:05.123Z"};
        QTest::newRow("cert and key")
            << ParseRow{cred(kV1, "\"clientCertificateData\":\"CERT\",\"clientKeyData\":\"KEY\""), kV1, {}, {}, true, {}};
        QTest::newRow("extra fields ignored")
            << ParseRow{"{\"apiVersion\":\"" + kV1.toUtf8() + "\",\"kind\":\"ExecCredential\",\"spec\":{\"interactive\":false},"
                        "\"status\":{" + tok + ",\"future\":1}}", kV1, {}, kSecret, false, {}};

        const auto error = [](const char *name, const QByteArray &output, const QString &api, const char *expected) {
            QTest::newRow(name) << ParseRow{output, api, QString::fromUtf8(expected), {}, false, {}};
        };
        error("not JSON", "token=" + kSecret.toUtf8(), kV1, "exec credential plugin p did not print an ExecCredential JSON object");
        error("empty output", "", kV1, "did not print an ExecCredential JSON object");
        error("JSON array", "[1]", kV1, "did not print an ExecCredential JSON object on stdout (not an object");
        error("no apiVersion", "{\"kind\":\"ExecCredential\",\"status\":{" + tok + "}}", kV1, "returned an ExecCredential without apiVersion");
        error("apiVersion mismatch", cred(kV1beta1, tok), kV1,
              "exec credential plugin p is configured to use API version client.authentication.k8s.io/v1, but it "
              "returned version client.authentication.k8s.io/v1beta1");
        error("wrong kind", "{\"apiVersion\":\"" + kV1.toUtf8() + "\",\"kind\":\"Secret\",\"status\":{" + tok + "}}", kV1,
              "kind is not ExecCredential");
        error("no status", "{\"apiVersion\":\"" + kV1.toUtf8() + "\",\"kind\":\"ExecCredential\"}", kV1, "did not return a status field");
        error("empty status", cred(kV1, ""), kV1, "did not return a token or a client certificate and key");
        error("only cert", cred(kV1, tok + ",\"clientCertificateData\":\"C\""), kV1, "only a client certificate or only a key");
        error("only key", cred(kV1, "\"clientKeyData\":\"" + kSecret.toUtf8() + "\""), kV1, "only a client certificate or only a key");
        error("token not a string", cred(kV1, "\"token\":42"), kV1, "status.token is not a string");
        error("bad timestamp", cred(kV1, tok + ",\"expirationTimestamp\":\"tomorrow\""), kV1, "not an RFC 3339 time");
        error("timestamp without zone", cred(kV1, tok + ",\"expirationTimestamp\":\"2030-01-02T03:04:05\""), kV1,
              "not an RFC 3339 time");
    }
    void parse()
    {
        QFETCH(ParseRow, row);
        auto parsed = parseExecCredential(row.output, row.apiVersion, QStringLiteral("p"));
        if (!row.error.isEmpty()) {
            QVERIFY(!parsed);
            QVERIFY2(parsed.error().message.contains(row.error), qPrintable(parsed.error().message));
            QCOMPARE(parsed.error().category, ErrorCategory::Kube);
            verifyNoSecret(parsed.error());
            return;
        }
        QVERIFY2(parsed, parsed ? "" : qPrintable(parsed.error().message));
        QCOMPARE(parsed->token, row.token);
        QCOMPARE(!parsed->clientCertificateData.isEmpty(), row.hasCert);
        QCOMPARE(!parsed->clientKeyData.isEmpty(), row.hasCert);
        QCOMPARE(parsed->expiration.has_value(), !row.expiration.isEmpty());
        if (parsed->expiration)
            QCOMPARE(*parsed->expiration, QDateTime::fromString(row.expiration, Qt::ISODateWithMs));
    }

    // ---- running plugins ------------------------------------------------------------------

    void runPlugin_data()
    {
        QTest::addColumn<QString>("apiVersion");
        QTest::addColumn<QString>("interactiveMode");
        QTest::newRow("v1") << kV1 << "Never";
        QTest::newRow("v1 IfAvailable") << kV1 << "IfAvailable";
        QTest::newRow("v1beta1") << kV1beta1 << "Never";
        QTest::newRow("v1beta1 without interactiveMode") << kV1beta1 << "";
    }
    void runPlugin()
    {
        QFETCH(QString, apiVersion);
        QFETCH(QString, interactiveMode);
        Plugin plugin("printf '%s' \"$KUBERNETES_EXEC_INFO\" > \"$D/exec-info.json\"\n"
                      "printf '%s' \"$*\" > \"$D/args\"\n" +
                      printCredential(apiVersion, tokenStatus(kSecret)));
        ExecPluginRun run = plugin.run(apiVersion);
        run.config.interactiveMode = interactiveMode;
        run.config.args = QStringList{"get-token", "--cluster=prod", "two words"};
        auto credential = runExecPlugin(run);
        QVERIFY2(credential, credential ? "" : qPrintable(credential.error().toString()));
        QCOMPARE(credential->token, kSecret);
        QVERIFY(!credential->expiration);
        QCOMPARE(plugin.runs(), 1);
        QCOMPARE(plugin.read("args"), QByteArray("get-token --cluster=prod two words"));

        const QJsonObject info = parseObject(plugin.read("exec-info.json"));
        QCOMPARE(info.value("apiVersion").toString(), apiVersion);
        QCOMPARE(info.value("kind").toString(), QStringLiteral("ExecCredential"));
        QCOMPARE(info.value("spec").toObject().value("interactive"), QJsonValue(false));
        QVERIFY(!info.value("spec").toObject().contains("cluster")); // provideClusterInfo is off
    }

    void environmentPassed()
    {
        qputenv("SLUICE_TEST_INHERITED", "from-parent");
        Plugin plugin("printf '%s|%s|%s' \"$FOO\" \"$WITH_EQUALS\" \"$SLUICE_TEST_INHERITED\" > \"$D/env\"\n" +
                      printCredential(kV1beta1, tokenStatus("t")));
        ExecPluginRun run = plugin.run();
        run.config.env = {{"FOO", "bar baz"}, {"WITH_EQUALS", "a=b=c"}};
        auto credential = runExecPlugin(run);
        qunsetenv("SLUICE_TEST_INHERITED");
        QVERIFY2(credential, credential ? "" : qPrintable(credential.error().toString()));
        QCOMPARE(plugin.read("env"), QByteArray("bar baz|a=b=c|from-parent"));
    }

    void provideClusterInfo()
    {
        Plugin plugin("printf '%s' \"$KUBERNETES_EXEC_INFO\" > \"$D/exec-info.json\"\n" +
                      printCredential(kV1, tokenStatus("t")));
        ExecPluginRun run = plugin.run(kV1);
        run.config.provideClusterInfo = true;
        run.cluster.server = QStringLiteral("https://203.0.113.7");
        run.cluster.certificateAuthorityData = "-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n";
        run.cluster.tlsServerName = QStringLiteral("api.internal");
        auto credential = runExecPlugin(run);
        QVERIFY2(credential, credential ? "" : qPrintable(credential.error().toString()));
        const QJsonObject cluster =
            parseObject(plugin.read("exec-info.json")).value("spec").toObject().value("cluster").toObject();
        QCOMPARE(cluster.value("server").toString(), QStringLiteral("https://203.0.113.7"));
        QCOMPARE(QByteArray::fromBase64(cluster.value("certificate-authority-data").toString().toLatin1()),
                 run.cluster.certificateAuthorityData);
        QCOMPARE(cluster.value("tls-server-name").toString(), QStringLiteral("api.internal"));
        QVERIFY(!cluster.contains("insecure-skip-tls-verify"));
    }

    void certificateCredential()
    {
        Plugin plugin(printCredential(kV1, "\"clientCertificateData\":\"-----BEGIN CERTIFICATE-----\\nC\\n-----END CERTIFICATE-----\","
                                           "\"clientKeyData\":\"-----BEGIN PRIVATE KEY-----\\nK\\n-----END PRIVATE KEY-----\""));
        auto credential = runExecPlugin(plugin.run(kV1));
        QVERIFY2(credential, credential ? "" : qPrintable(credential.error().toString()));
        QVERIFY(credential->token.isEmpty());
        QCOMPARE(credential->clientCertificateData, QByteArray("-----BEGIN CERTIFICATE-----\nC\n-----END CERTIFICATE-----"));
        QCOMPARE(credential->clientKeyData, QByteArray("-----BEGIN PRIVATE KEY-----\nK\n-----END PRIVATE KEY-----"));
    }

    void apiVersionMismatch()
    {
        Plugin plugin(printCredential(kV1beta1, tokenStatus(kSecret)));
        auto credential = runExecPlugin(plugin.run(kV1));
        QVERIFY(!credential);
        QVERIFY2(credential.error().message.contains(QStringLiteral("is configured to use API version %1, but it returned version %2")
                                                         .arg(kV1, kV1beta1)),
                 qPrintable(credential.error().message));
        QVERIFY(credential.error().message.contains(plugin.path()));
        verifyNoSecret(credential.error());
    }

    void nonJsonOutput()
    {
        Plugin plugin("echo 'Bearer " + kSecret.toUtf8() + "'\n");
        auto credential = runExecPlugin(plugin.run());
        QVERIFY(!credential);
        QVERIFY2(credential.error().message.contains(QStringLiteral("exec credential plugin %1 did not print an ExecCredential JSON object")
                                                         .arg(plugin.path())),
                 qPrintable(credential.error().message));
        verifyNoSecret(credential.error());
    }

    void failingPlugin()
    {
        Plugin plugin("echo '" + kSecret.toUtf8() + "'\necho 'error: no credentials found for profile work' >&2\nexit 1\n");
        ExecPluginRun run = plugin.run();
        run.config.installHint = QStringLiteral("Install the plugin from https://example.com/plugin");
        auto credential = runExecPlugin(run);
        QVERIFY(!credential);
        const Error &error = credential.error();
        QCOMPARE(error.category, ErrorCategory::Kube);
        QCOMPARE(error.code, 1);
        QCOMPARE(error.message, QStringLiteral("exec credential plugin %1 of user \"tester\" failed with exit code 1").arg(plugin.path()));
        QVERIFY2(error.detail.contains(QStringLiteral("error: no credentials found for profile work")), qPrintable(error.detail));
        QVERIFY2(error.detail.contains(run.config.installHint), qPrintable(error.detail));
        verifyNoSecret(error);
    }

    void timeout()
    {
        Plugin plugin("echo '" + kSecret.toUtf8() + "'\nexec sleep 10\n");
        ExecPluginRun run = plugin.run();
        run.timeoutMs = 500;
        QElapsedTimer timer;
        timer.start();
        auto credential = runExecPlugin(run);
        QVERIFY(!credential);
        QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
        QVERIFY2(credential.error().message.contains(QStringLiteral("of user \"tester\" timed out after 500 ms")),
                 qPrintable(credential.error().message));
        verifyNoSecret(credential.error());
    }

    void cancel()
    {
        Plugin plugin("exec sleep 10\n");
        CancelToken token;
        std::thread canceller([token] {
            QThread::msleep(200);
            token.cancel();
        });
        QElapsedTimer timer;
        timer.start();
        auto credential = runExecPlugin(plugin.run(), token);
        canceller.join();
        QVERIFY(!credential);
        QCOMPARE(credential.error().category, ErrorCategory::Cancelled);
        QVERIFY(timer.elapsed() < 5000);
    }

    void outputCap_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("stream");
        QTest::newRow("stdout") << QByteArray("exec cat /dev/zero\n") << "stdout";
        QTest::newRow("stderr") << QByteArray("exec cat /dev/zero >&2\n") << "stderr";
    }
    void outputCap()
    {
        // A plugin that prints without end is stopped at the cap, at once, having cost a cap's
        // worth of memory (it used to be read until the timeout: 8.7 GB in 30 s).
        QFETCH(QByteArray, body);
        QFETCH(QString, stream);
        Plugin plugin(body);
        ExecPluginRun run = plugin.run();
        run.timeoutMs = 3000;
        const long peakBefore = peakMemoryKiB();
        QElapsedTimer timer;
        timer.start();
        auto credential = runExecPlugin(run);
        QVERIFY(!credential);
        QVERIFY2(timer.elapsed() < 2000, qPrintable(QString::number(timer.elapsed())));
        QCOMPARE(credential.error().message,
                 QStringLiteral("exec credential plugin %1 of user \"tester\": plugin.sh printed more than 1 MiB on %2, "
                                "more than Sluice reads from it, and was stopped: run it by hand to see what it prints")
                     .arg(plugin.path(), stream));
        const long grewKiB = peakMemoryKiB() - peakBefore;
        QVERIFY2(grewKiB < 32 * 1024, qPrintable(QStringLiteral("peak memory grew by %1 KiB").arg(grewKiB)));
    }

    void stoppedPluginLeavesNoProcess_data()
    {
        QTest::addColumn<bool>("cancelIt");
        QTest::newRow("timeout") << false;
        QTest::newRow("cancel") << true;
    }
    void stoppedPluginLeavesNoProcess()
    {
        // What a plugin started goes with it (it used to live on, an orphan of init).
        QFETCH(bool, cancelIt);
        Plugin plugin("sleep 1000 &\necho $! > \"$D/child\"\nexec sleep 1000\n");
        ExecPluginRun run = plugin.run();
        run.timeoutMs = cancelIt ? 60000 : 500;
        CancelToken token;
        std::thread canceller([token, cancelIt] {
            if (cancelIt) {
                QThread::msleep(300);
                token.cancel();
            }
        });
        auto credential = runExecPlugin(run, token);
        canceller.join();
        QVERIFY(!credential);
        QCOMPARE(credential.error().category, cancelIt ? ErrorCategory::Cancelled : ErrorCategory::Kube);
        const qint64 child = plugin.read("child").trimmed().toLongLong();
        QVERIFY(child > 0);
        const auto cleanup = qScopeGuard([child] { test::killIfRunning(child); });
        QTRY_VERIFY_WITH_TIMEOUT(test::processGone(child), 2000);
    }

    void notFound_data()
    {
        QTest::addColumn<QString>("command");
        QTest::newRow("PATH name") << "sluice-test-no-such-plugin";
        QTest::newRow("absolute path") << "/nonexistent/bin/plugin";
    }
    void notFound()
    {
        QFETCH(QString, command);
        ExecPluginRun run;
        run.config.apiVersion = kV1beta1;
        run.config.command = command;
        run.config.installHint = QStringLiteral("brew install the-plugin");
        run.userName = QStringLiteral("u");
        auto credential = runExecPlugin(run);
        QVERIFY(!credential);
        QCOMPARE(credential.error().message,
                 QStringLiteral("exec credential plugin %1 of user \"u\": executable %1 not found").arg(command));
        QCOMPARE(credential.error().detail, run.config.installHint);
    }

    void configErrors_data()
    {
        QTest::addColumn<QString>("apiVersion");
        QTest::addColumn<QString>("interactiveMode");
        QTest::addColumn<QString>("expected");
        QTest::newRow("v1 needs interactiveMode") << kV1 << "" << "exec plugin config for v1 needs interactiveMode";
        QTest::newRow("Always cannot be served") << kV1 << "Always" << "needs interactiveMode Always";
        QTest::newRow("unknown apiVersion") << "client.authentication.k8s.io/v1alpha1" << "Never" << "is not supported";
    }
    void configErrors()
    {
        QFETCH(QString, apiVersion);
        QFETCH(QString, interactiveMode);
        QFETCH(QString, expected);
        Plugin plugin(printCredential(apiVersion, tokenStatus("t")));
        ExecPluginRun run = plugin.run(apiVersion);
        run.config.interactiveMode = interactiveMode;
        auto credential = runExecPlugin(run);
        QVERIFY(!credential);
        QVERIFY2(credential.error().message.contains(expected), qPrintable(credential.error().message));
        QCOMPARE(plugin.runs(), 0); // refused before running, as kubectl does
    }

    // ---- the cache ------------------------------------------------------------------------

    void cacheServesUntilExpiry()
    {
        Plugin plugin("exp=$(date -u -d '+2 seconds' +%Y-%m-%dT%H:%M:%SZ)\n" +
                      printCredential(kV1, "\"token\":\"tok-$n\",\"expirationTimestamp\":\"$exp\""));
        ExecCredentialCache cache(plugin.run(kV1), /*expirySkewMs=*/0);
        auto first = cache.credential();
        QVERIFY2(first, first ? "" : qPrintable(first.error().toString()));
        QCOMPARE(first->token, QStringLiteral("tok-1"));
        QVERIFY(first->expiration);
        auto second = cache.credential();
        QVERIFY(second);
        QCOMPARE(second->token, QStringLiteral("tok-1"));
        QCOMPARE(plugin.runs(), 1); // served from the cache

        QThread::msleep(2100); // past the expiry (which has whole seconds)
        auto third = cache.credential();
        QVERIFY(third);
        QCOMPARE(third->token, QStringLiteral("tok-2"));
        QCOMPARE(plugin.runs(), 2);

        cache.invalidate(*first); // an older credential rejected: the cached one stays
        QCOMPARE(cache.credential()->token, QStringLiteral("tok-2"));
        cache.invalidate(*third); // e.g. after a 401
        auto fourth = cache.credential();
        QVERIFY(fourth);
        QCOMPARE(fourth->token, QStringLiteral("tok-3"));
        QCOMPARE(plugin.runs(), 3);
    }

    void cacheSkew()
    {
        // With the default 10 s skew, a credential expiring in 5 s is already stale.
        Plugin plugin("exp=$(date -u -d '+5 seconds' +%Y-%m-%dT%H:%M:%SZ)\n" +
                      printCredential(kV1, "\"token\":\"tok-$n\",\"expirationTimestamp\":\"$exp\""));
        ExecCredentialCache cache(plugin.run(kV1));
        QVERIFY(cache.credential());
        QVERIFY(cache.credential());
        QCOMPARE(plugin.runs(), 2);
    }

    void cacheWithoutExpiry()
    {
        Plugin plugin(printCredential(kV1beta1, "\"token\":\"tok-$n\""));
        ExecCredentialCache cache(plugin.run());
        for (int i = 0; i < 3; ++i)
            QCOMPARE(cache.credential()->token, QStringLiteral("tok-1"));
        QCOMPARE(plugin.runs(), 1);
        cache.invalidate(*cache.credential());
        QCOMPARE(cache.credential()->token, QStringLiteral("tok-2"));
        QCOMPARE(plugin.runs(), 2);
    }

    void cacheDoesNotKeepFailures()
    {
        Plugin plugin("if [ \"$(wc -l < \"$D/runs\")\" -eq 1 ]; then echo 'first run fails' >&2; exit 3; fi\n" +
                      printCredential(kV1beta1, "\"token\":\"tok-$n\""));
        ExecCredentialCache cache(plugin.run());
        auto first = cache.credential();
        QVERIFY(!first);
        QCOMPARE(first.error().code, 3);
        auto second = cache.credential();
        QVERIFY2(second, second ? "" : qPrintable(second.error().toString()));
        QCOMPARE(second->token, QStringLiteral("tok-2"));
    }

    void cacheConcurrentCallersShareOneRun()
    {
        Plugin plugin("sleep 0.3\n" + printCredential(kV1beta1, "\"token\":\"tok-$n\""));
        ExecCredentialCache cache(plugin.run());
        std::vector<std::thread> threads;
        std::atomic_int ok = 0;
        for (int i = 0; i < 4; ++i) {
            threads.emplace_back([&cache, &ok] {
                auto credential = cache.credential();
                if (credential && credential->token == QLatin1String("tok-1"))
                    ++ok;
            });
        }
        for (auto &thread : threads)
            thread.join();
        QCOMPARE(ok.load(), 4);
        QCOMPARE(plugin.runs(), 1);
    }

    // ---- a real plugin --------------------------------------------------------------------

    void gkeGcloudAuthPluginFailsClearly()
    {
        // Installed with the gcloud SDK; without gcloud credentials it exits non-zero. The test
        // must fail, not skip, when the plugin is missing.
        const QString command = QStringLiteral("gke-gcloud-auth-plugin");
        QVERIFY2(!findTool(command).isEmpty(), "gke-gcloud-auth-plugin is not on PATH");
        ExecPluginRun run;
        run.config.apiVersion = kV1beta1;
        run.config.command = command;
        run.config.provideClusterInfo = true;
        run.config.installHint = QStringLiteral("Install gke-gcloud-auth-plugin for use with kubectl");
        run.cluster.server = QStringLiteral("https://203.0.113.1");
        run.userName = QStringLiteral("gke_project_zone_cluster");
        run.timeoutMs = 60000;
        auto credential = runExecPlugin(run);
        QVERIFY2(!credential, "gke-gcloud-auth-plugin unexpectedly returned a credential");
        const Error &error = credential.error();
        QCOMPARE(error.category, ErrorCategory::Kube);
        QVERIFY2(error.message.startsWith(QStringLiteral("exec credential plugin gke-gcloud-auth-plugin of user "
                                                         "\"gke_project_zone_cluster\" failed with exit code ")),
                 qPrintable(error.toString()));
        QVERIFY(error.code != 0);
        QVERIFY2(!error.detail.trimmed().isEmpty(), "the plugin's stderr belongs in the detail");
        QVERIFY(error.detail.contains(run.config.installHint));
    }
};

QTEST_GUILESS_MAIN(TestExecCredential)
#include "tst_execcredential.moc"
