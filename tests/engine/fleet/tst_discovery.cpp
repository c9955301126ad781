// Opening a fleet repository with no sluice.yaml: a Flux layout (clusters/<env>, apps/base +
// overlays, infrastructure/, postBuild substitutions from a ConfigMap, a generated kustomization,
// a remote GitRepository that is skipped) and Argo CD Applications (an app-of-apps, a plain
// directory read without its sub-folders, another repository's app that is skipped). Each
// discovered application renders as Flux would; checked object by object against
// `kubectl kustomize` of the same folder with the variables put in by the test.

#include "common/Fleet.h"
#include "core/Process.h"
#include "fleet/Discovery.h"
#include "git/Repository.h"
#include "render/RenderCache.h"
#include "render/YamlScan.h"
#include "review/SourceRenderer.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace sluice;
using namespace sluice::fleet;
using sluice::test::GitFixture;

namespace {

// What Sluice should render, found independently: kubectl kustomize of the folder, with the
// variables written in by plain text replacement.
QMap<QString, quint64> expectedObjects(const QString &dir, const QMap<QByteArray, QByteArray> &variables)
{
    QProcess p;
    p.start(QStringLiteral("kubectl"), {QStringLiteral("kustomize"), QStringLiteral("--load-restrictor"),
                                        QStringLiteral("LoadRestrictionsNone"), dir});
    p.waitForFinished(60000);
    QByteArray out = p.readAllStandardOutput();
    for (auto it = variables.begin(); it != variables.end(); ++it)
        out.replace("${" + it.key() + "}", it.value());
    QMap<QString, quint64> objects;
    auto scanned = scanManifests(out, QStringLiteral("expected"));
    for (const Resource &r : scanned.value().resources)
        objects.insert(r.key.toString(), r.hash);
    return objects;
}

QMap<QString, quint64> objectsOf(const ResourceSet &set)
{
    QMap<QString, quint64> objects;
    for (const Resource &r : set)
        objects.insert(r.key.toString(), r.hash);
    return objects;
}

const DiscoveredApp *appNamed(const Fleet &fleet, const QString &name)
{
    for (const DiscoveredApp &app : fleet.apps) {
        if (app.config.name == name)
            return &app;
    }
    return nullptr;
}

} // namespace

class TestDiscovery : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    GitFixture m_git;

    Result<ResourceSet> render(const Fleet &fleet, const QString &name)
    {
        auto repo = git::Repository::open(m_git.dir());
        RenderCache cache;
        SourceRenderer renderer(cache);
        const Workspace ws = fleet.workspace();
        const ApplicationConfig *app = ws.application(name);
        if (!app)
            return makeError(ErrorCategory::Workspace, QStringLiteral("no application ") + name);
        return renderer.render(*repo, *repo->resolve(app->revision), *app);
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(GitFixture::gitAvailable(), "git is required");
        m_git.setDir(m_dir.filePath(QStringLiteral("fleet")));
        QVERIFY2(test::makeFleet(m_git), qPrintable(m_git.lastError()));
    }

    void discoversFluxAndArgoApplications()
    {
        auto fleet = discoverFleet(m_git.dir());
        QVERIFY2(fleet, fleet ? "" : qPrintable(fleet.error().toString()));
        QStringList names;
        for (const DiscoveredApp &app : fleet->apps)
            names << app.config.name;
        QCOMPARE(names, (QStringList{"guestbook", "podinfo-edge", "production/apps", "production/flux-system", "production/infrastructure", "root",
                                     "staging/apps", "staging/apps-artifact", "staging/flux-system", "staging/infrastructure", "web-edge"}));
        QCOMPARE(fleet->clusters, (QStringList{"edge", "in-cluster", "production", "staging"}));

        const DiscoveredApp *apps = appNamed(*fleet, "production/apps");
        QCOMPARE(apps->kind, QStringLiteral("Flux Kustomization"));
        QCOMPARE(apps->cluster, QStringLiteral("production"));
        QCOMPARE(apps->declaredAt, QStringLiteral("clusters/production/apps.yaml:1"));
        QCOMPARE(apps->config.path, QStringLiteral("apps/production"));
        QCOMPARE(apps->config.revision, QStringLiteral("main"));
        QCOMPARE(apps->config.render.renderer, RendererKind::Flux);
        QCOMPARE(apps->dependsOn, QStringList{"flux-system/infrastructure"});
        QCOMPARE(apps->config.render.flux.variables.value("cluster_env"), QStringLiteral("production"));
        QCOMPARE(apps->config.render.flux.variables.value("replicas"), QStringLiteral("3"));
        QVERIFY(apps->config.prune);
        QCOMPARE(appNamed(*fleet, "production/infrastructure")->destination, QStringLiteral("infra"));

        const DiscoveredApp *guestbook = appNamed(*fleet, "guestbook");
        QCOMPARE(guestbook->kind, QStringLiteral("Argo CD Application"));
        QCOMPARE(guestbook->cluster, QStringLiteral("edge"));
        QCOMPARE(guestbook->config.ns, QStringLiteral("guestbook"));
        QCOMPARE(guestbook->config.render.recurse, false);
        QCOMPARE(appNamed(*fleet, "root")->cluster, QStringLiteral("in-cluster"));

        // What cannot be rendered from here is listed with why.
        QCOMPARE(fleet->skipped.size(), 2);
        QCOMPARE(fleet->skipped.at(0).what, QStringLiteral("Argo CD Application external"));
        QVERIFY(fleet->skipped.at(0).reason.contains(QLatin1String("another repository, https://github.com/other/repo")));
        QCOMPARE(fleet->skipped.at(1).what, QStringLiteral("Flux Kustomization staging/podinfo"));
        QCOMPARE(fleet->skipped.at(1).declaredAt, QStringLiteral("clusters/staging/podinfo.yaml:12"));
        QVERIFY2(fleet->skipped.at(1).reason.contains(QLatin1String("https://github.com/stefanprodan/podinfo, not this repository")),
                 qPrintable(fleet->skipped.at(1).reason));
    }

    void rendersAsFluxWould()
    {
        auto fleet = discoverFleet(m_git.dir());
        QVERIFY(fleet);
        // An overlay with images, substitutions from the ConfigMap and the inline map.
        auto production = render(*fleet, "production/apps");
        QVERIFY2(production, production ? "" : qPrintable(production.error().toString()));
        // Flux's build of the folder, then the HelmRelease's chart with its merged values.
        QMap<QString, quint64> expected = expectedObjects(m_git.dir() + "/apps/production",
                                                          {{"replicas:=1", "3"}, {"cluster_env", "production"}, {"domain", "production.example.com"}});
        QTemporaryDir values;
        QFile merged(values.filePath("values.yaml"));
        QVERIFY(merged.open(QIODevice::WriteOnly));
        merged.write("replicaCount: 4\nmessage: hello production\n"); // valuesFrom in order (the cluster's last), then spec.values
        merged.close();
        QProcess helm;
        helm.start(toolsDirectory() + "/helm", {"template", "podinfo", m_git.dir() + "/charts/podinfo", "--namespace", "podinfo",
                                                "--values", merged.fileName()});
        QVERIFY(helm.waitForFinished(60000));
        auto helmObjects = scanManifests(helm.readAllStandardOutput(), "helm");
        QVERIFY(helmObjects);
        for (const Resource &r : helmObjects->resources) {
            if (r.key.kind != QLatin1String("Pod")) { // the test hook is left out
                ResourceKey k = r.key;
                k.ns = QStringLiteral("podinfo");
                expected.insert(k.toString(), r.hash);
            }
        }
        QCOMPARE(objectsOf(*production), expected);
        const Resource *podinfo = production->find({QStringLiteral("apps"), QStringLiteral("Deployment"), QStringLiteral("podinfo"),
                                                   QStringLiteral("podinfo")});
        QVERIFY(podinfo);
        QVERIFY2(podinfo->text.contains("hello production") && podinfo->text.contains("replicas: 4"), podinfo->text.constData());
        QVERIFY(podinfo->location().startsWith(QLatin1String("HelmRelease podinfo/podinfo")));
        QVERIFY(production->notes.join('\n').contains(QLatin1String("left out Pod podinfo/podinfo-test (a helm test hook")));
        const Resource *config = production->find({{}, QStringLiteral("ConfigMap"), QStringLiteral("web"), QStringLiteral("web-config")});
        QVERIFY(config);
        QVERIFY(config->text.contains("https://production.example.com/"));

        // A folder without kustomization.yaml: generated (its files, and a sub-folder with its
        // own kustomization as one resource); an object that opts out keeps ${...}.
        auto staging = render(*fleet, "staging/apps");
        QVERIFY2(staging, staging ? "" : qPrintable(staging.error().toString()));
        QCOMPARE(staging->size(), 3);
        const Resource *banner = staging->find({{}, QStringLiteral("ConfigMap"), QStringLiteral("web"), QStringLiteral("staging-banner")});
        QVERIFY(banner);
        QVERIFY(banner->text.contains("${not_substituted}"));
        const Resource *deployment = staging->find({QStringLiteral("apps"), QStringLiteral("Deployment"), QStringLiteral("web"), QStringLiteral("web")});
        QVERIFY(deployment);
        QVERIFY2(deployment->text.contains("replicas: 1"), deployment->text.constData());

        // The ExternalArtifact the ArtifactGenerator makes holds the same files in another layout:
        // the same objects (the banner's ${...} aside, which opts out either way).
        auto artifact = render(*fleet, "staging/apps-artifact");
        QVERIFY2(artifact, artifact ? "" : qPrintable(artifact.error().toString()));
        QCOMPARE(objectsOf(*artifact), objectsOf(*staging));
        QCOMPARE(appNamed(*fleet, "staging/apps-artifact")->config.render.flux.artifactPath, QStringLiteral("staging"));

        // targetNamespace moves every namespaced object.
        auto infrastructure = render(*fleet, "production/infrastructure");
        QVERIFY2(infrastructure, infrastructure ? "" : qPrintable(infrastructure.error().toString()));
        QVERIFY(infrastructure->find({{}, QStringLiteral("Service"), QStringLiteral("infra"), QStringLiteral("ingress")}));

        // An Argo CD helm source: valueFiles, then valuesObject (which wins over values).
        auto argoPodinfo = render(*fleet, "podinfo-edge");
        QVERIFY2(argoPodinfo, argoPodinfo ? "" : qPrintable(argoPodinfo.error().toString()));
        const Resource *edge = argoPodinfo->find({QStringLiteral("apps"), QStringLiteral("Deployment"), QStringLiteral("podinfo"),
                                              QStringLiteral("podinfo-edge")});
        QVERIFY(edge);
        QVERIFY2(edge->text.contains("from-argo") && edge->text.contains("replicas: 1"), edge->text.constData());

        // Argo CD's kustomize options edit the kustomization it builds.
        auto webEdge = render(*fleet, "web-edge");
        QVERIFY2(webEdge, webEdge ? "" : qPrintable(webEdge.error().toString()));
        const Resource *edgeWeb = webEdge->find({QStringLiteral("apps"), QStringLiteral("Deployment"), QStringLiteral("web"),
                                                 QStringLiteral("edge-web")});
        QVERIFY(edgeWeb);
        QVERIFY2(edgeWeb->text.contains("ghcr.io/acme/web:2.0.0") && edgeWeb->text.contains("team: web"), edgeWeb->text.constData());

        // Argo CD's plain directory does not read sub-folders.
        auto guestbook = render(*fleet, "guestbook");
        QVERIFY2(guestbook, guestbook ? "" : qPrintable(guestbook.error().toString()));
        QCOMPARE(guestbook->size(), 1);
        QVERIFY(guestbook->find({{}, QStringLiteral("ConfigMap"), QStringLiteral("guestbook"), QStringLiteral("ui")}));
    }

    void workspaceMapsClustersToContexts()
    {
        auto fleet = discoverFleet(m_git.dir());
        QVERIFY(fleet);
        const Workspace ws = fleet->workspace({{QStringLiteral("production"), QStringLiteral("kind-prod")}});
        QCOMPARE(ws.clusters.size(), 1);
        QCOMPARE(ws.cluster("production")->context, QStringLiteral("kind-prod"));
        QCOMPARE(ws.application("production/apps")->cluster, QStringLiteral("production"));
        QCOMPARE(ws.application("staging/apps")->cluster, QString()); // no context chosen: offline only
    }

    void savedAsWorkspaceRendersTheSame()
    {
        // The discovered set written as sluice.yaml (in the clone) parses back to the same
        // applications with the same render options.
        auto fleet = discoverFleet(m_git.dir());
        QVERIFY(fleet);
        const Workspace discovered = fleet->workspace({{QStringLiteral("production"), QStringLiteral("prod-admin")}});
        const QByteArray text = workspaceYaml(discovered, m_git.dir());
        auto parsed = parseWorkspace(text, m_git.dir() + "/sluice.yaml", m_git.dir());
        QVERIFY2(parsed, parsed ? "" : qPrintable(parsed.error().toString() + "\n" + QString::fromUtf8(text)));
        QCOMPARE(parsed->applications.size(), discovered.applications.size());
        QCOMPARE(parsed->cluster("production")->context, QStringLiteral("prod-admin"));
        for (const ApplicationConfig &before : discovered.applications) {
            const ApplicationConfig *after = parsed->application(before.name);
            QVERIFY2(after, qPrintable(before.name));
            QCOMPARE(after->repoPath, before.repoPath);
            QCOMPARE(after->revision, before.revision);
            QCOMPARE(after->path, before.path);
            QCOMPARE(after->cluster, before.cluster);
            QCOMPARE(after->ns, before.ns);
            QCOMPARE(after->prune, before.prune);
            QCOMPARE(after->render.identity(), before.render.identity());
        }
        // And renders the same: the Flux application with a HelmRelease and substitutions.
        Fleet saved = *fleet;
        for (DiscoveredApp &app : saved.apps)
            app.config = *parsed->application(app.config.name);
        auto again = render(saved, "production/apps");
        auto original = render(*fleet, "production/apps");
        QVERIFY(again && original);
        QCOMPARE(objectsOf(*again), objectsOf(*original));
    }

    void notAFleet()
    {
        QTemporaryDir dir;
        GitFixture plain(dir.path());
        QVERIFY(plain.init());
        QVERIFY(plain.write("README.md", "nothing here\n"));
        QVERIFY(!plain.commitAll("readme").isEmpty());
        auto fleet = discoverFleet(dir.path());
        QVERIFY(!fleet);
        QVERIFY2(fleet.error().message.contains(QLatin1String("no Flux Kustomization or Argo CD Application")),
                 qPrintable(fleet.error().message));
        auto missing = discoverFleet(dir.filePath(QStringLiteral("nope")));
        QVERIFY(!missing);
    }
};

QTEST_GUILESS_MAIN(TestDiscovery)
#include "tst_discovery.moc"
