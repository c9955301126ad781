// The helm renderer with the real helm 3 and helm 4 (scripts/deps.sh installs both into the
// tools directory as `helm` and `helm4`; a missing one fails these tests): charts made by
// `helm create`, values files, a dependency in charts/, a chart that fails to render, the
// test hooks a release never deploys, and charts from a chart repository (served here, then
// rendered offline from the chart cache).

#include "common/StaticHttpServer.h"
#include "core/Process.h"
#include "diff/ResourceDiff.h"
#include "render/Renderer.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace sluice;

namespace {

QString helmBinary(const QString &name)
{
    return toolsDirectory() + QLatin1Char('/') + name;
}

bool write(const QString &path, const QByteArray &text)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(text) == text.size();
}

// Runs helm itself (to create charts); its output on failure.
QString runHelm(const QString &helm, const QStringList &args, const QString &dir)
{
    QProcess p;
    p.setWorkingDirectory(dir);
    p.start(helm, args);
    if (!p.waitForFinished(60000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return QStringLiteral("helm %1 failed: %2").arg(args.join(QLatin1Char(' ')), QString::fromUtf8(p.readAllStandardError()));
    return {};
}

ResourceKey key(const QString &group, const QString &kind, const QString &name)
{
    return {group, kind, QStringLiteral("shop"), name};
}

QJsonObject tree(const ResourceSet &set, const ResourceKey &k)
{
    const Resource *resource = set.find(k);
    return resource ? resource->parseTree().value() : QJsonObject();
}

} // namespace

class TestHelm : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    // A chart from `helm create web` with the given helm, rendered as release "web" into "shop".
    RenderOptions options(const QString &helm) const
    {
        RenderOptions o;
        o.renderer = RendererKind::Helm;
        o.defaultNamespace = QStringLiteral("shop");
        o.helm.releaseName = QStringLiteral("web");
        o.tools.helm = helm;
        return o;
    }

private slots:
    void initTestCase_data()
    {
        QTest::addColumn<QString>("helm");
        QTest::addColumn<QString>("version");
        QTest::newRow("helm 3") << helmBinary(QStringLiteral("helm")) << QStringLiteral("v3.");
        QTest::newRow("helm 4") << helmBinary(QStringLiteral("helm4")) << QStringLiteral("v4.");
    }

    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        for (const QString &name : {QStringLiteral("helm"), QStringLiteral("helm4")})
            QVERIFY2(QFileInfo(helmBinary(name)).isExecutable(),
                     qPrintable(QStringLiteral("%1 is missing: run scripts/deps.sh").arg(helmBinary(name))));
    }

    void versionNamesTheHelm()
    {
        QFETCH_GLOBAL(QString, helm);
        QFETCH_GLOBAL(QString, version);
        ToolPaths tools;
        tools.helm = helm;
        auto described = describeRenderTool(RendererKind::Helm, tools);
        QVERIFY2(described, described ? "" : qPrintable(described.error().toString()));
        QVERIFY2(described->startsWith(QStringLiteral("helm ") + version), qPrintable(*described));
        QVERIFY2(described->endsWith(QStringLiteral("(%1)").arg(helm)), qPrintable(*described));
    }

    void createdChartLeavesOutItsTestHook()
    {
        QFETCH_GLOBAL(QString, helm);
        QTemporaryDir dir;
        QCOMPARE(runHelm(helm, {QStringLiteral("create"), QStringLiteral("web")}, dir.path()), QString());
        const QString chart = dir.filePath(QStringLiteral("web"));
        auto set = renderDirectory(chart, QStringLiteral("charts/web"), options(helm));
        QVERIFY2(set, set ? "" : qPrintable(set.error().toString()));
        // What `helm create` templates, less templates/tests/test-connection.yaml.
        QStringList keys;
        for (const Resource &resource : *set)
            keys << resource.key.displayName();
        QCOMPARE(keys, (QStringList{"Service shop/web", "ServiceAccount shop/web", "Deployment.apps shop/web"}));
        QCOMPARE(set->notes.size(), 1);
        QVERIFY2(set->notes.first().contains(QLatin1String("Pod shop/web-test-connection")), qPrintable(set->notes.first()));
        QVERIFY(set->notes.first().contains(QLatin1String("helm test hook")));
        const QJsonObject deployment = tree(*set, key(QStringLiteral("apps"), QStringLiteral("Deployment"), QStringLiteral("web")));
        QCOMPARE(deployment.value("spec").toObject().value("replicas").toInt(), 1);
        QCOMPARE(deployment.value("metadata").toObject().value("labels").toObject().value("app.kubernetes.io/managed-by").toString(),
                 QStringLiteral("Helm"));

        // The note travels into a diff, once, whichever side had it.
        auto diff = diffResourceSets(*set, *set, {});
        QVERIFY(diff);
        QCOMPARE(diff->notes, set->notes);
    }

    void valuesFilesInOrder()
    {
        QFETCH_GLOBAL(QString, helm);
        QTemporaryDir dir;
        QCOMPARE(runHelm(helm, {QStringLiteral("create"), QStringLiteral("web")}, dir.path()), QString());
        const QString chart = dir.filePath(QStringLiteral("web"));
        QVERIFY(write(chart + "/values-prod.yaml", "replicaCount: 3\nimage:\n  tag: \"1.25.0\"\n"));
        QVERIFY(write(chart + "/values-canary.yaml", "replicaCount: 4\n")); // later files win
        RenderOptions o = options(helm);
        o.helm.valueFiles = {QStringLiteral("values-prod.yaml"), QStringLiteral("values-canary.yaml")};
        auto set = renderDirectory(chart, QStringLiteral("charts/web"), o);
        QVERIFY2(set, set ? "" : qPrintable(set.error().toString()));
        const QJsonObject spec = tree(*set, key(QStringLiteral("apps"), QStringLiteral("Deployment"), QStringLiteral("web")))
                                     .value("spec").toObject();
        QCOMPARE(spec.value("replicas").toInt(), 4);
        const QJsonObject container = spec.value("template").toObject().value("spec").toObject().value("containers").toArray().at(0).toObject();
        QCOMPARE(container.value("image").toString(), QStringLiteral("nginx:1.25.0"));
    }

    void dependencyInChartsFolder()
    {
        QFETCH_GLOBAL(QString, helm);
        QTemporaryDir dir;
        const QString chart = dir.filePath(QStringLiteral("web"));
        QVERIFY(write(chart + "/Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.1.0\n"
                                             "dependencies:\n  - name: cache\n    version: 0.2.0\n"));
        QVERIFY(write(chart + "/values.yaml", "cache:\n  size: 64Mi\n"));
        QVERIFY(write(chart + "/templates/cm.yaml",
                      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-settings\ndata:\n  mode: web\n"));
        QVERIFY(write(chart + "/charts/cache/Chart.yaml", "apiVersion: v2\nname: cache\nversion: 0.2.0\n"));
        QVERIFY(write(chart + "/charts/cache/values.yaml", "size: 16Mi\n"));
        QVERIFY(write(chart + "/charts/cache/templates/cm.yaml",
                      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cache\ndata:\n"
                      "  size: {{ .Values.size | quote }}\n"));
        auto set = renderDirectory(chart, QStringLiteral("charts/web"), options(helm));
        QVERIFY2(set, set ? "" : qPrintable(set.error().toString()));
        QCOMPARE(set->size(), 2);
        const QJsonObject cache = tree(*set, key({}, QStringLiteral("ConfigMap"), QStringLiteral("web-cache")));
        QCOMPARE(cache.value("data").toObject().value("size").toString(), QStringLiteral("64Mi")); // the parent's values win
        QCOMPARE(cache.value("metadata").toObject().value("namespace").toString(), QStringLiteral("shop"));
    }

    void chartFromARepositoryThenOffline()
    {
        QFETCH_GLOBAL(QString, helm);
        QTemporaryDir dir;
        qputenv("XDG_CACHE_HOME", dir.filePath(QStringLiteral("cache")).toUtf8()); // a cold chart cache
        // A chart repository: `helm package` output and its index.yaml, over HTTP.
        const QString chart = dir.filePath(QStringLiteral("src/web"));
        QVERIFY(write(chart + "/Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.3.0\n"));
        QVERIFY(write(chart + "/values.yaml", "mode: dev\n"));
        QVERIFY(write(chart + "/templates/cm.yaml",
                      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-settings\ndata:\n"
                      "  mode: {{ .Values.mode }}\n"));
        const QString repo = dir.filePath(QStringLiteral("repo"));
        QVERIFY(QDir().mkpath(repo));
        QCOMPARE(runHelm(helm, {QStringLiteral("package"), chart, QStringLiteral("--destination"), repo}, dir.path()), QString());
        test::StaticHttpServer server(repo);
        QCOMPARE(runHelm(helm, {QStringLiteral("repo"), QStringLiteral("index"), repo, QStringLiteral("--url"), server.url()}, dir.path()),
                 QString());

        // The application's path holds only its values.
        const QString values = dir.filePath(QStringLiteral("git/values/web"));
        QVERIFY(write(values + "/values-prod.yaml", "mode: prod\n"));
        RenderOptions o = options(helm);
        o.helm.repo = server.url();
        o.helm.chart = QStringLiteral("web");
        o.helm.version = QStringLiteral("0.3.0");
        o.helm.valueFiles = {QStringLiteral("values-prod.yaml")};
        auto set = renderDirectory(values, QStringLiteral("values/web"), o);
        QVERIFY2(set, set ? "" : qPrintable(set.error().toString()));
        QCOMPARE(tree(*set, key({}, QStringLiteral("ConfigMap"), QStringLiteral("web-settings"))).value("data").toObject().value("mode").toString(),
                 QStringLiteral("prod"));
        QVERIFY(server.requests() >= 2); // index.yaml and the chart

        // A version the repository does not have: helm's words.
        RenderOptions missing = o;
        missing.helm.version = QStringLiteral("9.9.9");
        auto absent = renderDirectory(values, QStringLiteral("values/web"), missing);
        QVERIFY(!absent);
        QVERIFY2(absent.error().toString().contains(QLatin1String("9.9.9")), qPrintable(absent.error().toString()));

        // Fetched once, it renders with the repository down.
        server.stop();
        auto offline = renderDirectory(values, QStringLiteral("values/web"), o);
        QVERIFY2(offline, offline ? "" : qPrintable(offline.error().toString()));
        QCOMPARE(offline->size(), set->size());

        // OCI is said plainly, before helm runs.
        RenderOptions oci = o;
        oci.helm.repo = QStringLiteral("oci://ghcr.io/acme/charts");
        auto notYet = renderDirectory(values, QStringLiteral("values/web"), oci);
        QVERIFY(!notYet);
        QVERIFY2(notYet.error().message.contains(QLatin1String("OCI chart references are not supported yet")),
                 qPrintable(notYet.error().message));
        qunsetenv("XDG_CACHE_HOME");
    }

    void failingChartSaysFileAndLine()
    {
        QFETCH_GLOBAL(QString, helm);
        QTemporaryDir dir;
        QCOMPARE(runHelm(helm, {QStringLiteral("create"), QStringLiteral("web")}, dir.path()), QString());
        const QString chart = dir.filePath(QStringLiteral("web"));
        QVERIFY(write(chart + "/templates/bad.yaml",
                      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\ndata:\n  x: {{ .Values.missing.field }}\n"));
        auto set = renderDirectory(chart, QStringLiteral("charts/web"), options(helm));
        QVERIFY(!set);
        QCOMPARE(set.error().category, ErrorCategory::Process);
        QVERIFY2(set.error().message.contains(QLatin1String("charts/web")), qPrintable(set.error().message));
        // helm's own message, with the template's file:line:column.
        QVERIFY2(set.error().detail.contains(QLatin1String("web/templates/bad.yaml:6:15")), qPrintable(set.error().detail));
        QVERIFY2(set.error().detail.contains(QLatin1String("nil pointer")), qPrintable(set.error().detail));
    }
};

QTEST_GUILESS_MAIN(TestHelm)
#include "tst_helm.moc"
