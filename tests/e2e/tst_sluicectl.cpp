// sluicectl end to end on the generated demo repository: exit codes, JSON shape, secrets never
// printed, WORKTREE review, commit ranges with object keys.

#include "common/Demo.h"
#include "common/Fleet.h"
#include "common/Processes.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QJsonDocument>
#include <QJsonObject>
#include <QDirIterator>
#include <QProcess>
#include <QScopeGuard>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>
#include <cstring>
#include <optional>
#include <signal.h>

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

} // namespace

class TestSluicectl : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_repo;

    Run sluicectl(const QStringList &args, const QString &workspace = {}, const QString &stdoutFile = {})
    {
        QProcess p;
        if (!stdoutFile.isEmpty())
            p.setStandardOutputFile(stdoutFile);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_CACHE_HOME"), m_dir.filePath("cache"));
        p.setProcessEnvironment(env);
        p.setWorkingDirectory(m_repo);
        QStringList all;
        if (!workspace.isEmpty())
            all << "--workspace" << workspace;
        p.start(QStringLiteral(SLUICE_BINARY_DIR "/app/sluicectl/sluicectl"), all + args);
        p.waitForFinished(120000);
        Run r{p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(), p.readAllStandardError()};
        // The demo's secret values, raw and base64, must never appear in any output.
        for (const QByteArray &secret : {QByteArray("s3cr3t-demo-1"), QByteArray("s3cr3t-demo-2"), QByteArray("demo-token-not-real")}) {
            for (const QByteArray &form : {secret, secret.toBase64()}) {
                if (r.out.contains(form) || r.err.contains(form))
                    qFatal("secret value printed by sluicectl %s", qPrintable(args.join(' ')));
            }
        }
        return r;
    }

    static QJsonObject json(const Run &r)
    {
        return QJsonDocument::fromJson(r.out).object();
    }

    // An executable shell script in the test's directory.
    QString writeScript(const QString &name, const QByteArray &body)
    {
        QFile f(m_dir.filePath(name));
        if (!f.open(QIODevice::WriteOnly))
            return {};
        f.write("#!/bin/sh\n" + body);
        f.close();
        f.setPermissions(f.permissions() | QFileDevice::ExeOwner);
        return f.fileName();
    }

    // A kubeconfig whose current context "x" reaches `server` as user "u", with `plugin` as the
    // user's exec credential plugin when given.
    QString writeKubeconfig(const QString &name, const QString &server, const QString &plugin = {})
    {
        QFile f(m_dir.filePath(name));
        if (!f.open(QIODevice::WriteOnly))
            return {};
        f.write("apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: \"" + server.toUtf8() +
                "\"}\nusers:\n- name: u\n  user: {");
        if (!plugin.isEmpty())
            f.write("exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: " + plugin.toUtf8() + ", interactiveMode: Never}");
        f.write("}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n");
        return f.fileName();
    }

    bool git(const QStringList &args)
    {
        QProcess p;
        p.setWorkingDirectory(m_repo);
        p.start(QStringLiteral("git"), args);
        return p.waitForFinished() && p.exitCode() == 0;
    }

    // The web application's ConfigMap in the demo's work tree, read and written (a test edits it
    // for a WORKTREE review and puts it back).
    QString configMapPath() const { return m_repo + "/apps/web/base/configmap.yaml"; }
    std::optional<QByteArray> readConfigMap() const
    {
        QFile config(configMapPath());
        return config.open(QIODevice::ReadOnly) ? std::optional(config.readAll()) : std::nullopt;
    }
    bool writeConfigMap(const QByteArray &text) const
    {
        QFile config(configMapPath());
        return config.open(QIODevice::WriteOnly) && config.write(text) == text.size();
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_repo = m_dir.filePath("demo");
        const QString error = sluice::test::makeDemo(m_repo);
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }

    // The demo's sandbox, started on demand by the commands that need a cluster, goes with the test.
    void cleanupTestCase() { QCOMPARE(sluicectl({"sandbox", "stop"}).exitCode, 0); }

    void help()
    {
        const Run r = sluicectl({"--help"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("review APP --base REV --head REV"));
    }

    void exitCodes_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("stderrContains");
        QTest::newRow("same revision") << QStringList{"review", "web", "--base", "main", "--head", "main"} << 0 << QString();
        QTest::newRow("another application's commits change nothing here")
            << QStringList{"review", "status", "--base", "deployed", "--head", "main"} << 0 << QString();
        QTest::newRow("differences") << QStringList{"review", "web", "--base", "deployed", "--head", "main"} << 1 << QString();
        QTest::newRow("pull request ref") << QStringList{"review", "web", "--base", "main", "--head", "refs/pull/7/head"} << 1 << QString();
        QTest::newRow("unknown app") << QStringList{"review", "nope", "--base", "main", "--head", "main"} << 2
                                     << QStringLiteral("no application \"nope\"");
        QTest::newRow("unknown revision") << QStringList{"review", "web", "--base", "main", "--head", "no-such-branch"} << 2
                                          << QStringLiteral("unknown revision 'no-such-branch'");
        QTest::newRow("missing --head") << QStringList{"review", "web", "--base", "main"} << 2 << QStringLiteral("--head");
        QTest::newRow("unknown command") << QStringList{"frobnicate"} << 2 << QStringLiteral("unknown command");
        QTest::newRow("bad output format") << QStringList{"render", "web", "-o", "xml"} << 2 << QStringLiteral("-o must be yaml or json");
        QTest::newRow("commits") << QStringList{"commits", "web", "--base", "deployed"} << 0 << QString();
        QTest::newRow("render") << QStringList{"render", "web", "--revision", "v1.0.0"} << 0 << QString();
    }
    void exitCodes()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, stderrContains);
        const Run r = sluicectl(args);
        QVERIFY2(r.exitCode == exitCode, r.err.constData());
        QVERIFY2(r.err.contains(stderrContains.toUtf8()), r.err.constData());
        if (exitCode == 2)
            QVERIFY(r.err.startsWith("error: "));
    }

    // Output that cannot be written whole (a full disk) is an error, whatever the command found,
    // and says so: a review must not end as if it were written, or as "differences" (exit 1).
    void outputToAFullDisk_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("review") << QStringList{"review", "web", "--base", "deployed", "--head", "main"};
        QTest::newRow("review --json") << QStringList{"--json", "review", "web", "--base", "deployed", "--head", "main"};
        QTest::newRow("render") << QStringList{"render", "web", "--revision", "v1.0.0"};
        QTest::newRow("help") << QStringList{"--help"};
        QTest::newRow("history") << QStringList{"history", "web"}; // through out(), a QTextStream
    }
    void outputToAFullDisk()
    {
        QFETCH(QStringList, args);
        if (!QFile::exists(QStringLiteral("/dev/full")))
            QSKIP("this system has no /dev/full");
        const Run r = sluicectl(args, {}, QStringLiteral("/dev/full"));
        QVERIFY2(r.exitCode == 2, r.err.constData());
        QVERIFY2(r.err.startsWith("error: could not write all of the output to standard output"), r.err.constData());
        QVERIFY2(r.err.contains("what was written is incomplete"), r.err.constData());
        QVERIFY2(r.err.contains(" (" + QByteArray(std::strerror(ENOSPC)) + ')'), r.err.constData()); // why, whichever write failed
    }

    void reviewJson()
    {
        const Run r = sluicectl({"--json", "review", "web", "--base", "deployed", "--head", "main"});
        QCOMPARE(r.exitCode, 1);
        const QJsonObject root = json(r);
        const QJsonObject summary = root.value("summary").toObject();
        QCOMPARE(summary.value("changed").toInt(), 2);
        QCOMPARE(summary.value("unchanged").toInt(), 2);
        QCOMPARE(summary.value("added").toInt(), 0);
        const QJsonArray objects = root.value("objects").toArray();
        QCOMPARE(objects.size(), 4);
        QStringList order;
        for (const QJsonValue &v : objects) {
            const QJsonObject o = v.toObject();
            order << o.value("group").toString() + "/" + o.value("kind").toString() + "/" + o.value("name").toString() + ":" +
                         o.value("change").toString();
        }
        QCOMPARE(order, (QStringList{"/ConfigMap/web-config:changed", "/Secret/web-secrets:changed", "/Service/web:unchanged",
                                     "apps/Deployment/web:unchanged"}));
        const QJsonObject config = objects.at(0).toObject();
        QCOMPARE(config.value("version").toString(), QStringLiteral("v1"));
        QCOMPARE(config.value("namespace").toString(), QStringLiteral("shop"));
        const QJsonObject field = config.value("fields").toArray().at(0).toObject();
        QCOMPARE(field.value("path").toString(), QStringLiteral("data.FEATURE_RECOMMENDATIONS"));
        QCOMPARE(field.value("after").toString(), QStringLiteral("\"true\"")); // a string: shown with its YAML type
        QVERIFY(config.value("diff").toString().contains("+  FEATURE_RECOMMENDATIONS: \"true\""));
        const QJsonObject secret = objects.at(1).toObject();
        QVERIFY(secret.value("diff").toString().contains("DATABASE_PASSWORD: \"<secret value #"));
        QCOMPARE(root.value("head").toObject().value("commit").toString().size(), 40);
    }

    void commitsJson()
    {
        const Run r = sluicectl({"--json", "commits", "web", "--base", "v1.0.0~2", "--head", "main"});
        QCOMPARE(r.exitCode, 0);
        const QJsonArray commits = json(r).value("commits").toArray();
        QCOMPARE(commits.size(), 4);
        QStringList summaries;
        QList<int> objectCounts;
        for (const QJsonValue &v : commits) {
            summaries << v.toObject().value("summary").toString();
            objectCounts << int(v.toObject().value("objects").toArray().size());
        }
        QCOMPARE(summaries, (QStringList{"web: rotate database password", "web: add FEATURE_RECOMMENDATIONS flag to config",
                                         "web: scale prod to 4 replicas", "web: bump image to 1.5.0"}));
        QCOMPARE(objectCounts, (QList<int>{1, 1, 1, 1}));
        QCOMPARE(commits.at(0).toObject().value("objects").toArray().at(0).toObject().value("kind").toString(),
                 QStringLiteral("Secret"));
    }

    void commitsOfAnotherApp()
    {
        // The web commits change nothing the status app renders.
        const Run r = sluicectl({"--json", "commits", "status", "--base", "v1.0.0~2", "--head", "main"});
        QCOMPARE(r.exitCode, 0);
        for (const QJsonValue &v : json(r).value("commits").toArray())
            QVERIFY(v.toObject().value("objects").toArray().isEmpty());
    }

    void worktreeReview()
    {
        const std::optional<QByteArray> original = readConfigMap();
        QVERIFY(original);
        QVERIFY(original->contains("LOG_LEVEL: info"));
        QVERIFY(writeConfigMap(QByteArray(*original).replace("LOG_LEVEL: info", "LOG_LEVEL: debug")));
        const Run r = sluicectl({"--json", "review", "web", "--base", "HEAD", "--head", "WORKTREE"});
        QVERIFY(writeConfigMap(*original));
        QCOMPARE(r.exitCode, 1);
        const QJsonArray objects = json(r).value("objects").toArray();
        const QJsonObject changed = objects.at(0).toObject();
        QCOMPARE(changed.value("change").toString(), QStringLiteral("changed"));
        QCOMPARE(changed.value("fields").toArray().at(0).toObject().value("after").toString(), QStringLiteral("debug"));
        // The clone is untouched: nothing staged, HEAD where it was.
        QProcess status;
        status.setWorkingDirectory(m_repo);
        status.start("git", {"status", "--porcelain"});
        status.waitForFinished();
        QCOMPARE(status.readAllStandardOutput(), QByteArray());
    }

    // A long value (a dashboard's JSON) is elided on its field line in the terminal, whole in the
    // object's diff below it and in --json.
    void longFieldValueIsElidedOnItsLine()
    {
        const std::optional<QByteArray> original = readConfigMap();
        QVERIFY(original);
        const QByteArray value = "start-" + QByteArray(5000, 'x') + "-end";
        QVERIFY(writeConfigMap(QByteArray(*original).replace("LOG_LEVEL: info", "LOG_LEVEL: " + value)));
        const Run text = sluicectl({"review", "web", "--base", "HEAD", "--head", "WORKTREE"});
        const Run json = sluicectl({"--json", "review", "web", "--base", "HEAD", "--head", "WORKTREE"});
        QVERIFY(writeConfigMap(*original));
        QCOMPARE(text.exitCode, 1);
        const QByteArrayList lines = text.out.split('\n');
        const auto field = std::find_if(lines.begin(), lines.end(), [](const QByteArray &l) { return l.startsWith("    data.LOG_LEVEL: "); });
        QVERIFY2(field != lines.end(), text.out.left(2000).constData());
        QVERIFY2(field->size() < 400, field->left(400).constData());
        QVERIFY(field->startsWith("    data.LOG_LEVEL: info → start-xxx"));
        QVERIFY(field->contains("more characters") && field->endsWith("xxx-end"));
        QVERIFY(text.out.contains("+  LOG_LEVEL: " + value + "\n"));
        QCOMPARE(json.exitCode, 1);
        const QJsonObject changed = this->json(json).value("objects").toArray().at(0).toObject();
        QCOMPARE(changed.value("fields").toArray().at(0).toObject().value("after").toString(), QString::fromUtf8(value));
    }

    // A multi-line value stays on its field line, its line breaks shown as ↵; --json keeps them.
    void multiLineFieldValueStaysOnItsLine()
    {
        const std::optional<QByteArray> original = readConfigMap();
        QVERIFY(original);
        QVERIFY(original->contains("  LOG_LEVEL: info\n"));
        QVERIFY(writeConfigMap(QByteArray(*original).replace("  LOG_LEVEL: info\n", "  LOG_LEVEL: |\n    one\n    two\n")));
        const Run text = sluicectl({"review", "web", "--base", "HEAD", "--head", "WORKTREE"});
        const Run json = sluicectl({"--json", "review", "web", "--base", "HEAD", "--head", "WORKTREE"});
        QVERIFY(writeConfigMap(*original));
        QCOMPARE(text.exitCode, 1);
        QVERIFY2(text.out.contains("\n    data.LOG_LEVEL: info \u2192 one\u21b5two\u21b5\n"), text.out.constData());
        QCOMPARE(json.exitCode, 1);
        const QJsonObject changed = this->json(json).value("objects").toArray().at(0).toObject();
        QCOMPARE(changed.value("fields").toArray().at(0).toObject().value("after").toString(), QStringLiteral("one\ntwo\n"));
    }

    void malformedManifestInWorktree()
    {
        QFile bad(m_repo + "/apps/status/broken.yaml");
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [oops\n");
        bad.close();
        const Run r = sluicectl({"review", "status", "--base", "HEAD", "--head", "WORKTREE"});
        bad.remove();
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("apps/status/broken.yaml:"), r.err.constData());
    }

    void renderYamlMasksSecrets()
    {
        const Run r = sluicectl({"render", "web"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("kind: Secret"));
        QVERIFY(r.out.contains("DATABASE_PASSWORD: \"<secret value #"));
        QCOMPARE(r.out.count("\n---\n"), 3);
    }

    void clusterCheckAgainstTheSandbox()
    {
        QProcess sandbox;
        sandbox.start(QStringLiteral(SLUICE_BINARY_DIR "/app/sluice-sandbox/sluice-sandbox"),
                      {"--data-dir", m_dir.filePath("sandbox"), "--port", "0", "--kubeconfig-out", m_dir.filePath("sandbox.kubeconfig")});
        QVERIFY(sandbox.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(sandbox.canReadLine(), 20000);
        QVERIFY(sandbox.readLine().startsWith("sluice-sandbox ready: https://127.0.0.1:"));

        const Run ok = sluicectl({"--json", "cluster", "check", "--kubeconfig", m_dir.filePath("sandbox.kubeconfig")});
        QVERIFY2(ok.exitCode == 0, ok.err.constData());
        const QJsonObject check = json(ok);
        QVERIFY(check.value("version").toString().startsWith("v1."));
        QCOMPARE(check.value("context").toString(), QStringLiteral("sluice-sandbox"));
        QVERIFY(check.value("apiGroups").toInt() > 5);
        QCOMPARE(check.value("insecureSkipTlsVerify").toBool(), false);
        // The bearer token is printed nowhere.
        QFile kubeconfig(m_dir.filePath("sandbox.kubeconfig"));
        QVERIFY(kubeconfig.open(QIODevice::ReadOnly));
        const QByteArray text = kubeconfig.readAll();
        const qsizetype at = text.indexOf("token: ");
        QVERIFY(at > 0);
        const QByteArray token = text.mid(at + 7, text.indexOf('\n', at) - at - 7).trimmed();
        QVERIFY(token.size() >= 32);
        QVERIFY(!ok.out.contains(token) && !ok.err.contains(token));

        sandbox.terminate();
        QVERIFY(sandbox.waitForFinished(10000));
        // Stopped: the same check now fails, naming the server and the reason.
        const Run down = sluicectl({"cluster", "check", "--kubeconfig", m_dir.filePath("sandbox.kubeconfig")});
        QCOMPARE(down.exitCode, 2);
        QVERIFY2(down.err.contains("connection refused"), down.err.constData());
        QVERIFY(!down.err.contains(token));
    }

    void clusterCheckTimeout()
    {
        // A server that takes the connection and never answers: one line that says so, no Qt
        // warning ("QIODevice::read (QNetworkReplyHttpImpl): device not open") before it.
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost));
        const QString server = QStringLiteral("http://127.0.0.1:%1").arg(silent.serverPort());
        const Run r = sluicectl({"cluster", "check", "--kubeconfig", writeKubeconfig("silent.kubeconfig", server), "--timeout", "1s"});
        QCOMPARE(r.exitCode, 2);
        QCOMPARE(QString::fromUtf8(r.err),
                 QStringLiteral("error: cluster check of context x: %1 timed out: no answer within 1 s (check the network or raise "
                                "the timeout)\n").arg(server));
    }

    void floodingExecPlugin()
    {
        const QString plugin = writeScript("flooding-plugin.sh", "exec cat /dev/zero\n");
        const Run r = sluicectl({"cluster", "check", "--kubeconfig", writeKubeconfig("flooding.kubeconfig", "https://127.0.0.1:9", plugin)});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("error: cluster check of context x: exec credential plugin " + plugin.toUtf8() +
                                " of user \"u\": flooding-plugin.sh printed more than 1 MiB on stdout"),
                 r.err.constData());
    }

    void interruptedWhileAPluginRuns()
    {
        // Plugins run in process groups of their own, which Ctrl+C at a terminal does not reach:
        // sluicectl, interrupted, ends the plugin and what it started before it ends itself.
        const QString pids = m_dir.filePath("plugin-pids");
        const QString plugin = writeScript("hanging-plugin.sh", "sleep 1000 &\necho $$ $! > '" + pids.toUtf8() + "'\nexec sleep 1000\n");
        QProcess p;
        p.start(QStringLiteral(SLUICE_BINARY_DIR "/app/sluicectl/sluicectl"),
                {"cluster", "check", "--kubeconfig", writeKubeconfig("hanging.kubeconfig", "https://127.0.0.1:9", plugin)});
        QVERIFY(p.waitForStarted());
        QFile written(pids);
        QTRY_VERIFY_WITH_TIMEOUT(written.size() > 0, 10000);
        QVERIFY(written.open(QIODevice::ReadOnly));
        const QList<QByteArray> started = written.readAll().trimmed().split(' '); // the plugin, its child
        QCOMPARE(started.size(), 2);
        const auto cleanup = qScopeGuard([&started] {
            for (const QByteArray &pid : started)
                sluice::test::killIfRunning(pid.toLongLong());
        });
        ::kill(pid_t(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitStatus(), QProcess::CrashExit); // ended by SIGINT, as before
        for (const QByteArray &pid : started)
            QTRY_VERIFY_WITH_TIMEOUT(sluice::test::processGone(pid.toLongLong()), 2000);
    }

    void longInputIsQuotedShort()
    {
        // 100,000 applications, a 10 MB path, a 100,000-character name: an error quotes the start
        // and end of each and a few of a list (such errors once put 104 MB on stderr).
        QByteArray yaml = "apiVersion: sluice.dev/v1alpha1\nkind: Workspace\napplications:\n"
                          "  - {name: long-path, source: {repo: " + m_repo.toUtf8() + ", path: " + QByteArray(10'000'000, 'p') + "}}\n";
        for (int i = 0; i < 100000; ++i)
            yaml += "  - {name: app-" + QByteArray::number(i) + ", source: {repo: .}}\n";
        const QString workspace = m_dir.filePath("huge.yaml");
        QFile f(workspace);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(yaml);
        f.close();

        const Run unknown = sluicectl({"review", QString(100000, QLatin1Char('n')), "--base", "main", "--head", "main"}, workspace);
        QCOMPARE(unknown.exitCode, 2);
        QVERIFY2(unknown.err.size() < 1000, unknown.err.left(1000).constData());
        QVERIFY2(unknown.err.contains("error: no application \"nnnnn"), unknown.err.constData());
        QVERIFY2(unknown.err.contains("(applications: long-path, app-0, app-1, app-2, app-3, app-4, app-5, app-6, app-7, app-8, "
                                      "… (99991 more))"),
                 unknown.err.constData());

        const Run path = sluicectl({"render", "long-path"}, workspace);
        QCOMPARE(path.exitCode, 2);
        QVERIFY2(path.err.size() < 1000, path.err.left(1000).constData());
        QVERIFY2(path.err.contains(" more characters) …pppp"), path.err.constData());
        QVERIFY2(path.err.contains("pppp does not exist at "), path.err.constData());
    }

    void fleetRepository()
    {
        // A Flux and Argo CD repository opened as it is, no sluice.yaml.
        sluice::test::GitFixture fleet(m_dir.filePath("fleet"));
        QVERIFY2(sluice::test::makeFleet(fleet), qPrintable(fleet.lastError()));
        const Run apps = sluicectl({"--repo", fleet.dir(), "apps"});
        QCOMPARE(apps.exitCode, 0);
        QVERIFY2(QString::fromUtf8(apps.out).contains(QRegularExpression("production/apps +Flux Kustomization +production +flux +apps/production")),
                 apps.out.constData());
        QVERIFY(apps.out.contains("Skipped (not rendered from this repository):"));
        QVERIFY(apps.out.contains("Flux Kustomization staging/podinfo (clusters/staging/podinfo.yaml:"));
        const QJsonObject listed = json(sluicectl({"--repo", fleet.dir(), "--json", "apps"}));
        QCOMPARE(listed.value("applications").toArray().size(), 11);
        QCOMPARE(listed.value("skipped").toArray().size(), 2);
        QCOMPARE(sluicectl({"--repo", fleet.dir(), "--workspace", "x.yaml", "apps"}).exitCode, 2); // one or the other
        // Saved as a sluice.yaml, it opens as a workspace with the same applications.
        const QString saved = m_dir.filePath("fleet-sluice.yaml");
        QCOMPARE(sluicectl({"--repo", fleet.dir(), "apps", "--save", saved}).exitCode, 0);
        const QJsonObject reopened = json(sluicectl({"--json", "apps"}, saved));
        QCOMPARE(reopened.value("applications").toArray().size(), 11);
        QCOMPARE(sluicectl({"--repo", fleet.dir(), "apps", "--save", saved}).exitCode, 2); // never over a file

        // A whole cluster's review: an uncommitted change to the shared base shows once, in
        // production's terms.
        QVERIFY(fleet.write("apps/base/web/config.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\n"
                                                       "  namespace: web\ndata:\n  ENV: ${cluster_env}\n  URL: https://www.${domain}/\n"));
        const Run cluster = sluicectl({"--repo", fleet.dir(), "review", "production", "--base", "HEAD", "--head", "WORKTREE"});
        QCOMPARE(cluster.exitCode, 1);
        QVERIFY2(cluster.out.startsWith("Review of cluster production (3 applications)"), cluster.out.constData());
        QVERIFY(cluster.out.contains("+  URL: https://www.production.example.com/"));
        QVERIFY(cluster.out.contains("0 added, 0 removed, 1 changed,"));

        // Compare environments: what staging runs that production does not yet.
        const Run compare = sluicectl({"--repo", fleet.dir(), "--json", "review", "--base-app", "production/apps", "--head-app", "staging/apps"});
        QCOMPARE(compare.exitCode, 1);
        const QJsonObject summary = json(compare).value("summary").toObject();
        QCOMPARE(summary.value("added").toInt(), 1);   // the staging banner
        QCOMPARE(summary.value("removed").toInt(), 3); // podinfo: its HelmRelease, values and Deployment
        QCOMPARE(summary.value("changed").toInt(), 2); // web's ConfigMap and Deployment
        QCOMPARE(json(compare).value("base").toObject().value("revision").toString(), QStringLiteral("production/apps@main"));
        QCOMPARE(sluicectl({"--repo", fleet.dir(), "review", "--base-app", "production/apps"}).exitCode, 2);
    }

    void renderEdges()
    {
        // Issue 13: what renders nothing says so, an application absent at one side is empty
        // there (kustomize too), and a kustomization reaching out of the repository is refused.
        sluice::test::GitFixture repo(m_dir.filePath("edges"));
        QVERIFY(repo.init());
        QVERIFY(repo.write("apps/jsonnet/main.jsonnet", "{}\n"));
        QVERIFY(repo.write("apps/jsonnet/lib.jsonnet", "{}\n"));
        QVERIFY(repo.write("apps/escape/kustomization.yaml", "resources:\n- ../../../../../../../../../../../../etc\n"));
        QVERIFY(repo.symlink("vendor/broken", "/nonexistent/file.yaml"));
        const QString first = repo.commitAll("jsonnet");
        QVERIFY(repo.write("apps/k/kustomization.yaml", "resources: [cm.yaml]\n"));
        QVERIFY(repo.write("apps/k/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: k}\n"));
        repo.commitAll("kustomize app");
        const QString workspace = m_dir.filePath("edges.yaml");
        QFile f(workspace);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("apiVersion: sluice.dev/v1alpha1\nkind: Workspace\napplications:\n"
                "  - {name: jsonnet, source: {repo: " + repo.dir().toUtf8() + ", path: apps/jsonnet}}\n"
                "  - {name: k, source: {repo: " + repo.dir().toUtf8() + ", path: apps/k, renderer: kustomize}}\n"
                "  - {name: escape, source: {repo: " + repo.dir().toUtf8() + ", path: apps/escape}}\n");
        f.close();

        const Run render = sluicectl({"render", "jsonnet"}, workspace);
        QCOMPARE(render.exitCode, 0);
        QVERIFY2(render.err.contains("warning: apps/jsonnet has no objects: 2 .jsonnet files; jsonnet is not supported"), render.err.constData());
        const Run review = sluicectl({"review", "jsonnet", "--base", first, "--head", "main"}, workspace);
        QCOMPARE(review.exitCode, 0);
        QVERIFY2(review.out.contains("warning: jsonnet renders no objects at either revision"), review.out.constData());

        const Run added = sluicectl({"review", "k", "--base", first, "--head", "main", "--stat"}, workspace);
        QCOMPARE(added.exitCode, 1);
        QVERIFY2(added.out.contains("note: k: path apps/k does not exist at base "), added.out.constData());
        QVERIFY2(added.out.contains("1 added, 0 removed"), added.out.constData());
        const Run removed = sluicectl({"review", "k", "--base", "main", "--head", first, "--stat"}, workspace);
        QCOMPARE(removed.exitCode, 1);
        QVERIFY2(removed.out.contains("0 added, 1 removed"), removed.out.constData());

        const Run escape = sluicectl({"render", "escape"}, workspace);
        QCOMPARE(escape.exitCode, 2);
        QVERIFY2(escape.err.contains("render of escape at HEAD ("), escape.err.constData());
        QVERIFY2(escape.err.contains("apps/escape/kustomization.yaml:2: resources entry ../../../../../../../../../../../../etc leaves the repository: refused"),
                 escape.err.constData());
    }

    void fleetWithABrokenSymlink()
    {
        // A broken or absolute symlink the render never reaches (podinfo has one under vendor/)
        // neither hides a Flux repository's applications nor breaks their render.
        sluice::test::GitFixture fleet(m_dir.filePath("linked-fleet"));
        QVERIFY(fleet.init());
        fleet.git({"remote", "add", "origin", QString::fromLatin1(sluice::test::kFleetUrl)});
        QVERIFY(fleet.write("clusters/prod/flux-system/gotk-sync.yaml",
                            sluice::test::gitRepository("flux-system", sluice::test::kFleetUrl) + "---\n" +
                                sluice::test::kustomization("apps", "./apps/web")));
        QVERIFY(fleet.write("apps/web/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web, namespace: default}\n"));
        QVERIFY(fleet.symlink("vendor/broken", "/nonexistent/dir"));
        QVERIFY(fleet.symlink("vendor/etc", "/etc"));
        fleet.commitAll("fleet");
        const Run apps = sluicectl({"--repo", fleet.dir(), "apps"});
        QCOMPARE(apps.exitCode, 0);
        QVERIFY2(!apps.out.contains("Skipped"), apps.out.constData());
        QVERIFY2(apps.out.contains("prod/apps"), apps.out.constData());
        const Run render = sluicectl({"--repo", fleet.dir(), "render", "prod/apps"});
        QCOMPARE(render.exitCode, 0);
        QVERIFY2(render.out.contains("name: web"), render.out.constData());
    }

    void brokenWorkspace()
    {
        const QString path = m_dir.filePath("bad.yaml");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("apiVersion: sluice.dev/v1alpha1\nkind: Workspace\napplications:\n  - name: a\n    sorce: {}\n");
        f.close();
        const Run r = sluicectl({"review", "a", "--base", "main", "--head", "main"}, path);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("bad.yaml:5: unknown key \"sorce\""), r.err.constData());
    }

    // Issue 13 item 5: nothing secret rests on disk. A render with a Secret stays in memory; the
    // whole-review entry holds masks only. Every file under the cache, raw or base64, is clean.
    void cacheHoldsNoSecret()
    {
        const QStringList review{"--json", "review", "web", "--base", "deployed", "--head", "main"};
        const Run first = sluicectl(review);
        QCOMPARE(first.exitCode, 1);
        QCOMPARE(sluicectl({"render", "web"}).exitCode, 0);
        QCOMPARE(sluicectl({"render", "web", "--revision", "deployed", "-o", "json"}).exitCode, 0);
        const Run again = sluicectl(review); // from the whole-review entry
        QCOMPARE(again.out, first.out);
        qsizetype files = 0;
        QDirIterator it(m_dir.filePath("cache"), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile f(it.next());
            if (f.fileName().contains(QStringLiteral("/repos/")) || f.fileName().contains(QStringLiteral("/mirrors/")))
                continue; // a clone of a remote repository holds its files, as the repository does
            QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(f.fileName()));
            const QByteArray bytes = f.readAll();
            ++files;
            for (const QByteArray &secret :
                 {QByteArray("s3cr3t-demo-1"), QByteArray("s3cr3t-demo-2"), QByteArray("demo-token-not-real")}) {
                for (const QByteArray &form : {secret, secret.toBase64()})
                    QVERIFY2(!bytes.contains(form), qPrintable(f.fileName() + " holds " + form));
            }
        }
        QVERIFY(files > 0); // the cache was written (the review entry at least)
    }
};

QTEST_GUILESS_MAIN(TestSluicectl)
#include "tst_sluicectl.moc"
