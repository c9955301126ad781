// sluice.yaml parsing and validation: every error names file:line.

#include "workspace/Workspace.h"

#include <QTest>

using namespace sluice;

class TestWorkspace : public QObject
{
    Q_OBJECT

private slots:
    void valid()
    {
        const QByteArray text = 
            "apiVersion: sluice.dev/v1alpha1\n"
            "kind: Workspace\n"
            "clusters:\n"
            "  - name: sandbox\n"
            "    sandbox: {dataDir: .sluice/sandbox}\n"
            "  - name: prod\n"
            "    context: do-nyc1-prod\n"
            "    protected: true\n"
            "applications:\n"
            "  - name: web\n"
            "    source:\n"
            "      repo: .\n"
            "      revision: main\n"
            "      path: apps/web/overlays/prod\n"
            "      renderer: auto\n"
            "      helm: {releaseName: web, valueFiles: [values-prod.yaml]}\n"
            "    destination: {cluster: prod, namespace: web}\n"
            "    sync: {prune: true, historyLimit: 50}\n"
            "    ignore:\n"
            "      - {group: apps, kind: Deployment, name: web, jsonPointers: [/spec/replicas]}\n"
            "  - name: remote\n"
            "    source: {repo: \"https://git.example.com/acme/infra.git\", path: apps/api, renderer: kustomize}\n"
            "  - name: ingress\n"
            "    source:\n"
            "      repo: .\n"
            "      path: values/ingress\n"
            "      helm: {repo: \"https://kubernetes.github.io/ingress-nginx\", chart: ingress-nginx, version: 4.11.3}\n";
        auto ws = parseWorkspace(text, QStringLiteral("/ws/sluice.yaml"), QStringLiteral("/ws"));
        QVERIFY2(ws, ws ? "" : qPrintable(ws.error().message));
        QCOMPARE(ws->clusters.size(), 2);
        QVERIFY(ws->cluster("sandbox")->sandbox);
        QCOMPARE(ws->cluster("sandbox")->sandboxDataDir, QStringLiteral("/ws/.sluice/sandbox"));
        QCOMPARE(ws->cluster("prod")->context, QStringLiteral("do-nyc1-prod"));
        QVERIFY(ws->cluster("prod")->isProtected);
        QVERIFY(!ws->cluster("sandbox")->isProtected);
        const ApplicationConfig *web = ws->application("web");
        QVERIFY(web);
        QCOMPARE(web->repoPath, QStringLiteral("/ws"));
        QCOMPARE(web->revision, QStringLiteral("main"));
        QCOMPARE(web->path, QStringLiteral("apps/web/overlays/prod"));
        QCOMPARE(web->render.renderer, RendererKind::Auto);
        QCOMPARE(web->render.helm.valueFiles, QStringList{"values-prod.yaml"});
        QCOMPARE(web->render.defaultNamespace, QStringLiteral("web"));
        QCOMPARE(web->prune, true);
        QCOMPARE(web->historyLimit, 50);
        QCOMPARE(web->ignore.size(), 1);
        QCOMPARE(web->ignore.first().jsonPointers, QStringList{"/spec/replicas"});
        QCOMPARE(web->line, 10);
        QCOMPARE(ws->application("remote")->historyLimit, 20);
        const HelmOptions &ingress = ws->application("ingress")->render.helm;
        QCOMPARE(ingress.repo, QStringLiteral("https://kubernetes.github.io/ingress-nginx"));
        QCOMPARE(ingress.chart, QStringLiteral("ingress-nginx"));
        QCOMPARE(ingress.version, QStringLiteral("4.11.3"));
        const ApplicationConfig *remote = ws->application("remote");
        QVERIFY(remote->repoPath.isEmpty());
        QCOMPARE(remote->revision, QStringLiteral("HEAD"));
        QCOMPARE(remote->render.renderer, RendererKind::Kustomize);
    }

    void invalid_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("expected");
        const QByteArray head = "apiVersion: sluice.dev/v1alpha1\nkind: Workspace\n";
        QTest::newRow("malformed") << QByteArray("apiVersion: [\n") << QStringLiteral("sluice.yaml:2:1: malformed YAML");
        QTest::newRow("empty") << QByteArray("") << QStringLiteral("the workspace file is empty");
        QTest::newRow("wrong apiVersion") << QByteArray("apiVersion: v2\nkind: Workspace\n") << QStringLiteral("sluice.yaml:1: unsupported apiVersion");
        QTest::newRow("wrong kind") << QByteArray("apiVersion: sluice.dev/v1alpha1\nkind: Other\n") << QStringLiteral("sluice.yaml:2: kind must be Workspace");
        QTest::newRow("unknown top-level key") << head + "clusterz: []\n" << QStringLiteral("sluice.yaml:3: unknown key \"clusterz\"");
        QTest::newRow("unknown application key")
            << head + "applications:\n  - name: a\n    source: {repo: .}\n    destinaton: {}\n" << QStringLiteral("sluice.yaml:6: unknown key \"destinaton\"");
        QTest::newRow("missing source") << head + "applications:\n  - name: a\n" << QStringLiteral("sluice.yaml:4: application \"a\" has no \"source\"");
        QTest::newRow("missing repo") << head + "applications:\n  - name: a\n    source: {path: x}\n" << QStringLiteral("sluice.yaml:5: missing required key \"repo\"");
        QTest::newRow("wrong type") << head + "applications:\n  - name: a\n    source: {repo: .}\n    sync: {prune: maybe}\n"
                                    << QStringLiteral("sluice.yaml:6: \"prune\" must be true or false");
        QTest::newRow("history limit not a number") << head + "applications:\n  - name: a\n    source: {repo: .}\n    sync: {historyLimit: lots}\n"
                                                    << QStringLiteral("sluice.yaml:6: \"historyLimit\" must be a whole number from 1 to 1000");
        QTest::newRow("protected not a boolean") << head + "clusters:\n  - {name: c, context: x, protected: yes-ish}\n"
                                                 << QStringLiteral("\"protected\" must be true or false");
        QTest::newRow("repo not a string") << head + "applications:\n  - name: a\n    source:\n      repo: [x]\n"
                                           << QStringLiteral("sluice.yaml:6: \"repo\" must be a string");
        QTest::newRow("helm chart without repo") << head + "applications:\n  - name: a\n    source:\n      repo: .\n      helm: {chart: web}\n"
                                                 << QStringLiteral("sluice.yaml:7: helm needs both \"repo\" and \"chart\"");
        QTest::newRow("bad renderer") << head + "applications:\n  - name: a\n    source: {repo: ., renderer: jsonnet}\n"
                                      << QStringLiteral("unknown renderer \"jsonnet\"");
        QTest::newRow("duplicate application")
            << head + "applications:\n  - name: a\n    source: {repo: .}\n  - name: a\n    source: {repo: .}\n"
            << QStringLiteral("sluice.yaml:6: duplicate application name \"a\"");
        QTest::newRow("duplicate cluster") << head + "clusters:\n  - {name: c, context: x}\n  - {name: c, context: y}\n"
                                           << QStringLiteral("sluice.yaml:5: duplicate cluster name \"c\"");
        QTest::newRow("unknown cluster")
            << head + "applications:\n  - name: a\n    source: {repo: .}\n    destination: {cluster: nope}\n"
            << QStringLiteral("sluice.yaml:6: application \"a\" names unknown cluster \"nope\"");
        QTest::newRow("cluster needs context or sandbox") << head + "clusters:\n  - {name: c}\n"
                                                          << QStringLiteral("sluice.yaml:4: cluster \"c\" needs exactly one");
        QTest::newRow("path escapes repo") << head + "applications:\n  - name: a\n    source: {repo: ., path: ../x}\n"
                                           << QStringLiteral("\"path\" must stay inside the repository");
        QTest::newRow("ignore without pointers")
            << head + "applications:\n  - name: a\n    source: {repo: .}\n    ignore:\n      - {kind: Deployment}\n"
            << QStringLiteral("sluice.yaml:7: an ignore rule needs \"jsonPointers\"");
        QTest::newRow("pointer syntax")
            << head + "applications:\n  - name: a\n    source: {repo: .}\n    ignore:\n      - {kind: D, jsonPointers: [spec]}\n"
            << QStringLiteral("must start with \"/\"");
        // yaml-cpp stops at its own depth limit with "bad file" at the end of the text.
        QTest::newRow("100,000 deep on one line")
            << head + "applications:\n  - name: a\n    source: " + QByteArray(100000, '[') + QByteArray(100000, ']') + "\n"
            << QStringLiteral("sluice.yaml:5:210: nesting deeper than 200 levels");
        QTest::newRow("100,000 deep, a line each")
            << head + "applications:\n  - name: a\n    source:\n" + QByteArray("      [\n").repeated(100000) +
                   QByteArray("      ]\n").repeated(100000)
            << QStringLiteral("sluice.yaml:203:7: nesting deeper than 200 levels");
    }
    void invalid()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, expected);
        auto ws = parseWorkspace(text, QStringLiteral("sluice.yaml"), QStringLiteral("/ws"));
        QVERIFY(!ws);
        QVERIFY2(ws.error().message.contains(expected), qPrintable(ws.error().message));
        QCOMPARE(ws.error().category, ErrorCategory::Workspace);
    }

    void longInputIsElided_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("expected");
        const QByteArray head = "apiVersion: sluice.dev/v1alpha1\nkind: Workspace\n";
        const QByteArray huge(10'000'000, 'x');
        QTest::newRow("unknown key") << head + "? " + huge + "\n: 1\n" << QStringLiteral("sluice.yaml:3: unknown key \"xxx");
        QTest::newRow("duplicate application")
            << head + "applications:\n  - {name: " + huge + ", source: {repo: .}}\n  - {name: " + huge + ", source: {repo: .}}\n"
            << QStringLiteral("sluice.yaml:5: duplicate application name \"xxx");
        QTest::newRow("path outside")
            << head + "applications:\n  - {name: a, source: {repo: ., path: ../" + huge + "}}\n"
            << QStringLiteral("sluice.yaml:4: \"path\" must stay inside the repository: ../xxx");
    }
    void longInputIsElided()
    {
        // A message quotes the start and end of what it names, never all 10 MB of it.
        QFETCH(QByteArray, text);
        QFETCH(QString, expected);
        auto ws = parseWorkspace(text, QStringLiteral("sluice.yaml"), QStringLiteral("/ws"));
        QVERIFY(!ws);
        const QString message = ws.error().message;
        QVERIFY2(message.size() < 400, qPrintable(message.left(400)));
        QVERIFY2(message.startsWith(expected), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral(" more characters) …")), qPrintable(message));
    }

    void missingFile()
    {
        auto ws = loadWorkspace(QStringLiteral("/nonexistent/sluice.yaml"));
        QVERIFY(!ws);
        QVERIFY(ws.error().message.contains(QStringLiteral("cannot open workspace /nonexistent/sluice.yaml")));
    }

    // Issue 13 item 3: yaml-cpp keeps the first of two equal keys and reads one document; both
    // would pass silently. They are errors naming file:line.
    void duplicatesAndDocuments_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("expected");
        const QByteArray head = "apiVersion: sluice.dev/v1alpha1\nkind: Workspace\n";
        const QByteArray app = "applications:\n  - name: a\n    source:\n      repo: .\n      path: one\n";
        QTest::newRow("second path") << head + app + "      path: two\n" << QStringLiteral("sluice.yaml:8:7: duplicate key \"path\"");
        QTest::newRow("second applications block")
            << head + app + "applications:\n  - {name: b, source: {repo: .}}\n"
            << QStringLiteral("sluice.yaml:8:1: duplicate key \"applications\"");
        QTest::newRow("duplicate in a flow map") << head + "clusters:\n  - {name: c, context: x, context: y}\n"
                                                 << QStringLiteral("sluice.yaml:4:27: duplicate key \"context\"");
        QTest::newRow("second document") << head + app + "---\n" + head + "applications: []\n"
                                         << QStringLiteral("sluice.yaml:8:1: expected one document, found more");
        QTest::newRow("empty second document") << head + app + "---\n"
                                               << QStringLiteral("sluice.yaml:8:1: expected one document, found more");
    }
    void duplicatesAndDocuments()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, expected);
        auto ws = parseWorkspace(text, QStringLiteral("sluice.yaml"), QStringLiteral("/ws"));
        QVERIFY(!ws);
        QVERIFY2(ws.error().message.startsWith(expected), qPrintable(ws.error().message));
        QCOMPARE(ws.error().category, ErrorCategory::Workspace);
    }

    void duplicateLongKeyIsElided()
    {
        const QByteArray huge(1'000'000, 'x');
        auto ws = parseWorkspace("apiVersion: sluice.dev/v1alpha1\nkind: Workspace\n? " + huge + "\n: 1\n? " + huge + "\n: 2\n",
                                 QStringLiteral("sluice.yaml"), QStringLiteral("/ws"));
        QVERIFY(!ws);
        QVERIFY2(ws.error().message.size() < 400, qPrintable(ws.error().message.left(400)));
        QVERIFY2(ws.error().message.startsWith(QStringLiteral("sluice.yaml:5:3: duplicate key \"xxx")),
                 qPrintable(ws.error().message.left(400)));
    }
};

QTEST_GUILESS_MAIN(TestWorkspace)
#include "tst_workspace.moc"
