// Review and pending commits on real repositories: renders through the cache, kustomize bases
// outside the application path, an application that did not exist at the base, WORKTREE.

#include "common/GitFixture.h"
#include "core/Heap.h"
#include "diff/DiffJson.h"
#include "review/KustomizeInputs.h"
#include "review/Review.h"

#include <QFile>
#include <QJsonDocument>
#include <QScopeGuard>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QProcess>
#include <QTest>

using namespace sluice;
using sluice::test::GitFixture;

namespace {

QByteArray configMap(const char *name, const char *value)
{
    return QByteArray("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ") + name + "\ndata:\n  value: \"" + value + "\"\n";
}

ApplicationConfig application(const QString &repo, const QString &path, RendererKind renderer = RendererKind::Auto)
{
    ApplicationConfig app;
    app.name = QStringLiteral("app");
    app.repo = repo;
    app.repoPath = repo;
    app.path = path;
    app.ns = QStringLiteral("shop");
    app.render.renderer = renderer;
    app.render.defaultNamespace = app.ns;
    return app;
}

// Every object alike, those a large review leaves out of its list (ResourceDiff::unchanged) too.
void sameDiff(const ResourceDiff &actualDiff, const ResourceDiff &expectedDiff)
{
    QCOMPARE(actualDiff.summary.changed, expectedDiff.summary.changed);
    const QList<ObjectDiff> actual = allObjects(actualDiff), expected = allObjects(expectedDiff);
    QCOMPARE(actual.size(), expected.size());
    for (qsizetype i = 0; i < expected.size(); ++i) {
        const ObjectDiff &a = actual.at(i), &e = expected.at(i);
        QCOMPARE(a.key, e.key);
        QCOMPARE(a.change, e.change);
        QCOMPARE(a.diff, e.diff);
        QCOMPARE(a.beforeYaml, e.beforeYaml);
        QCOMPARE(a.afterYaml, e.afterYaml);
        QCOMPARE(a.baseLocation.toString(), e.baseLocation.toString());
        QCOMPARE(a.headLocation.toString(), e.headLocation.toString());
        QCOMPARE(a.fields.size(), e.fields.size());
        for (qsizetype f = 0; f < e.fields.size(); ++f) {
            QCOMPARE(a.fields.at(f).path, e.fields.at(f).path);
            QCOMPARE(a.fields.at(f).before, e.fields.at(f).before);
            QCOMPARE(a.fields.at(f).after, e.fields.at(f).after);
        }
    }
}

QStringList keysOf(const QList<ResourceKey> &keys)
{
    QStringList out;
    for (const ResourceKey &k : keys)
        out << k.displayName();
    return out;
}

} // namespace

class TestReview : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    GitFixture m_git;
    QStringList m_commits; // oldest first

private slots:
    void initTestCase()
    {
        QVERIFY2(GitFixture::gitAvailable(), "git is required");
        m_git.setDir(m_dir.filePath("repo"));
        QVERIFY(m_git.init());
        // 0: no application yet
        QVERIFY(m_git.write("README.md", "infra\n"));
        m_commits << m_git.commitAll("readme");
        // 1: a plain app and a kustomize overlay whose base lives outside its path
        QVERIFY(m_git.write("apps/plain/cm.yaml", configMap("a", "1") + "---\n" + configMap("b", "1")));
        QVERIFY(m_git.write("base/kustomization.yaml", "resources: [cm.yaml]\n"));
        QVERIFY(m_git.write("base/cm.yaml", configMap("from-base", "1")));
        QVERIFY(m_git.write("overlays/prod/kustomization.yaml", "namespace: prod\nresources: [../../base]\n"));
        m_commits << m_git.commitAll("add apps");
        // 2: change one object of the plain app
        QVERIFY(m_git.write("apps/plain/cm.yaml", configMap("a", "2") + "---\n" + configMap("b", "1")));
        m_commits << m_git.commitAll("plain: a=2");
        // 3: reformat only (comments, quoting, order): no object changes
        QVERIFY(m_git.write("apps/plain/cm.yaml", "# reformatted\n" + configMap("b", "1") + "---\n" +
                                                       "kind: ConfigMap\napiVersion: v1\ndata: {value: '2'}\nmetadata: {name: a}\n"));
        m_commits << m_git.commitAll("plain: reformat");
        // 4: change the kustomize base only
        QVERIFY(m_git.write("base/cm.yaml", configMap("from-base", "2")));
        m_commits << m_git.commitAll("base: value 2");
    }

    void baseBeforeTheApplicationExisted()
    {
        auto repo = git::Repository::open(m_git.dir());
        QVERIFY(repo);
        RenderCache cache;
        SourceRenderer renderer(cache);
        auto review = reviewRevisions(*repo, renderer, application(m_git.dir(), "apps/plain"), m_commits[0], "HEAD");
        QVERIFY2(review, review ? "" : qPrintable(review.error().toString()));
        QCOMPARE(review->diff.summary.added, 2);
        QCOMPARE(review->diff.summary.changed + review->diff.summary.removed + review->diff.summary.unchanged, 0);
        QVERIFY2(review->diff.notes.contains(QStringLiteral("app: path apps/plain does not exist at base %1: nothing to render there")
                                                 .arg(m_commits[0].left(7))),
                 qPrintable(review->diff.notes.join('\n')));
        // A head without the path is everything removed, with a note saying why.
        auto removed = reviewRevisions(*repo, renderer, application(m_git.dir(), "apps/plain"), "HEAD", m_commits[0]);
        QVERIFY2(removed, removed ? "" : qPrintable(removed.error().toString()));
        QCOMPARE(removed->diff.summary.removed, 2);
        QVERIFY2(removed->diff.notes.join('\n').contains("apps/plain does not exist at head "), qPrintable(removed->diff.notes.join('\n')));
        // A path at neither side renders nothing there: a warning, not an error.
        auto missing = reviewRevisions(*repo, renderer, application(m_git.dir(), "apps/nope"), m_commits[0], "HEAD");
        QVERIFY2(missing, missing ? "" : qPrintable(missing.error().toString()));
        QVERIFY2(missing->diff.notes.contains("warning: app renders no objects at either revision"), qPrintable(missing->diff.notes.join('\n')));
        // A single commit follows the same rule (Pending commits and Review agree).
        auto commit = reviewCommit(*repo, renderer, application(m_git.dir(), "apps/plain"), m_commits[0]);
        QVERIFY2(commit, commit ? "" : qPrintable(commit.error().toString()));
        QVERIFY(commit->diff.notes.contains("warning: app renders no objects at either revision"));
        auto added = reviewCommit(*repo, renderer, application(m_git.dir(), "apps/plain"), m_commits[1]);
        QVERIFY2(added, added ? "" : qPrintable(added.error().toString()));
        QCOMPARE(added->diff.summary.added, 2);
    }

    void compareEnvironmentsAcrossNamespaces()
    {
        // Two environments that differ in namespace and one value: only the value differs.
        QTemporaryDir dir;
        GitFixture git(dir.path());
        QVERIFY(git.init());
        for (const QByteArray &env : {QByteArray("prod"), QByteArray("staging")}) {
            QVERIFY(git.write("envs/" + env + "/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: " + env +
                                                              "\ndata:\n  replicas: \"" + (env == "prod" ? "3" : "1") + "\"\n"));
            QVERIFY(git.write("envs/" + env + "/sa.yaml", "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n  namespace: " + env + "\n"));
        }
        QVERIFY(git.write("envs/staging/new.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: preview\n  namespace: staging\n"));
        QVERIFY(!git.commitAll("environments").isEmpty());
        auto repo = git::Repository::open(dir.path());
        QVERIFY(repo);
        RenderCache cache;
        SourceRenderer renderer(cache);
        ApplicationConfig prod = application(dir.path(), "envs/prod");
        prod.name = QStringLiteral("prod");
        ApplicationConfig staging = application(dir.path(), "envs/staging");
        staging.name = QStringLiteral("staging");
        auto compared = compareApplications(*repo, renderer, prod, "HEAD", staging, "HEAD");
        QVERIFY2(compared, compared ? "" : qPrintable(compared.error().toString()));
        QCOMPARE(compared->diff.summary.added, 1);
        QCOMPARE(compared->diff.summary.removed, 0);
        QCOMPARE(compared->diff.summary.changed, 1);
        QCOMPARE(compared->diff.summary.unchanged, 1);
        for (const ObjectDiff &o : compared->diff.objects) {
            if (o.change != ChangeKind::Changed)
                continue;
            QCOMPARE(o.key.name, QStringLiteral("settings"));
            QCOMPARE(o.fields.size(), 1); // data.replicas; the namespace is not a difference
            QCOMPARE(o.fields.first().path, QStringLiteral("data.replicas"));
        }
        QCOMPARE(compared->base.spec, QStringLiteral("prod@HEAD"));
    }

    // A review of manifests larger than kLargeInputBytes renders one side after the other, the
    // first one's texts set aside on disk, keeps only the texts it compares (the renders' buffers
    // go before the diff) and lists only the objects whose hashes differ: the same diff as of the
    // sets rendered whole, object for object, as JSON and as the review cache's bytes. Changed,
    // added and removed objects, a Secret (masked, its text never set aside), unchanged ones.
    void largeReviewKeepsTheTextsItCompares()
    {
        QTemporaryDir dir;
        GitFixture git(dir.path());
        QVERIFY(git.init());
        const auto object = [](int i, bool head) {
            const QByteArray n = QByteArray::number(i);
            if (i % 1000 == 7)
                return "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s-" + n + "\nstringData:\n  token: " +
                       (head ? "rotated" : "first") + "\n";
            return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-" + n + "\n  labels: {tier: backend, shard: \"" + n +
                   "\"}\ndata:\n  endpoint: https://api.example.com/v1/" + n + "\n  level: " + (head && i % 50 == 0 ? "debug" : "info") +
                   "\n  padding: " + QByteArray(160, 'x') + "\n";
        };
        QByteArray base, head;
        for (int i = 0; base.size() + head.size() < kLargeInputBytes + (1 << 20); ++i) {
            if (i % 997 != 3)
                base += object(i, false) + "---\n";
            if (i % 991 != 5)
                head += object(i, true) + "---\n";
        }
        QVERIFY(git.write("app/all.yaml", base));
        const QString baseCommit = git.commitAll("base");
        QVERIFY(git.write("app/all.yaml", head));
        const QString headCommit = git.commitAll("head");
        base.clear();
        head.clear();

        auto repo = git::Repository::open(dir.path());
        QVERIFY(repo);
        RenderCache cache(QString(), RenderCache::defaultMaxDiskBytes(), 0); // holds no set: texts can go
        SourceRenderer renderer(cache);
        const ApplicationConfig app = application(dir.path(), "app");
        auto review = reviewRevisions(*repo, renderer, app, baseCommit, headCommit, {}, DiffTexts::Unified);
        QVERIFY2(review, review ? "" : qPrintable(review.error().toString()));

        DiffOptions options;
        options.withSides = false;
        options.baseLabel = review->base.displayName().toUtf8();
        options.headLabel = review->head.displayName().toUtf8();
        auto baseSet = renderer.render(*repo, review->base, app);
        auto headSet = renderer.render(*repo, review->head, app);
        QVERIFY(baseSet && headSet);
        auto whole = diffResourceSets(*baseSet, *headSet, options);
        QVERIFY(whole);
        QVERIFY(whole->summary.changed > 1000);
        QVERIFY(whole->summary.added > 10 && whole->summary.removed > 10);
        sameDiff(review->diff, *whole);
        QCOMPARE(review->diff.summary.unchanged, whole->summary.unchanged);
        QCOMPARE(review->diff.summary.added, whole->summary.added);
        QCOMPARE(review->diff.summary.removed, whole->summary.removed);
        QVERIFY(review->diff.unchanged);
        QVERIFY(review->diff.objects.size() < whole->objects.size() / 2);
        for (const ObjectDiff &o : std::as_const(review->diff.objects)) { // only those that may differ
            const Resource *before = baseSet->find(o.key), *after = headSet->find(o.key);
            QVERIFY(!before || !after || before->hash != after->hash);
        }
        QCOMPARE(QJsonDocument(diffToJson(review->diff)).toJson(), QJsonDocument(diffToJson(*whole)).toJson());
        QCOMPARE(resourceDiffToBytes(review->diff), resourceDiffToBytes(*whole));
    }

    // What a plain render reads, weighed without reading it: the manifests' bytes (not a README,
    // not a sub-folder's when the application does not recurse), the same once a render has kept it
    // and from another process, another for another tree, the working tree's as it is now; 0 for
    // a tool's render.
    void plainInputBytesAreTheManifestsBytes()
    {
        QTemporaryDir dir;
        GitFixture git(dir.path());
        QVERIFY(git.init());
        const QByteArray a = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n";
        const QByteArray c = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {k: v}\n";
        QVERIFY(git.write("app/a.yaml", a) && git.write("app/README.md", "# notes\n") && git.write("app/sub/c.yaml", c));
        const QString first = git.commitAll("first");
        QVERIFY(git.write("app/a.yaml", a + "data: {x: y}\n"));
        const QString second = git.commitAll("second");
        QVERIFY(git.write("kust/kustomization.yaml", "resources: []\n"));
        git.commitAll("third");
        auto repo = git::Repository::open(dir.path());
        QVERIFY(repo);
        QTemporaryDir cacheDir;
        const ApplicationConfig app = application(dir.path(), "app"); // recurses, as Flux reads a path
        ApplicationConfig flat = app;
        flat.render.recurse = false;
        const auto bytes = [&](const ApplicationConfig &config, const QString &spec) {
            RenderCache cache(cacheDir.path()); // each time another, as another process
            SourceRenderer renderer(cache);
            auto rev = repo->resolve(spec);
            auto weighed = rev ? renderer.plainInputBytes(*repo, *rev, config) : Result<qint64>(rev.error());
            return weighed ? *weighed : qint64(-1);
        };
        QCOMPARE(bytes(app, first), qint64(a.size() + c.size()));
        QCOMPARE(bytes(flat, first), qint64(a.size()));
        {
            RenderCache cache(cacheDir.path());
            SourceRenderer renderer(cache);
            auto rendered = renderer.render(*repo, *repo->resolve(second), app);
            QVERIFY(rendered);
        }
        QCOMPARE(bytes(app, second), qint64(a.size() + 13 + c.size()));
        QCOMPARE(bytes(app, first), qint64(a.size() + c.size()));
        QCOMPARE(bytes(flat, second), qint64(a.size() + 13));
        QCOMPARE(bytes(application(dir.path(), "kust"), QStringLiteral("HEAD")), qint64(0));
        // The working tree is weighed each time: its files change under it.
        for (const QByteArray &edited : {a + "# edited\n", a}) {
            QVERIFY(git.write("app/a.yaml", edited));
            QCOMPARE(bytes(flat, git::kWorktree), qint64(edited.size()));
        }
    }

    // A render's key names the tool that renders it: another kustomize (another path, or the same
    // file changed between two jobs) is another key. A renderer (one job) finds each tool once.
    void cacheKeyNamesTheTool()
    {
        QTemporaryDir tools;
        const auto tool = [&](const char *name, const QByteArray &script) {
            const QString path = tools.filePath(name);
            QFile f(path);
            if (!f.open(QIODevice::WriteOnly) || f.write("#!/bin/sh\n" + script) < 0)
                return QString();
            f.close();
            f.setPermissions(f.permissions() | QFileDevice::ExeOwner);
            return path;
        };
        const QString first = tool("kustomize-a", "exit 0\n"), second = tool("kustomize-b", "exit 0\n");
        QVERIFY(!first.isEmpty() && !second.isEmpty());
        auto repo = git::Repository::open(m_git.dir());
        QVERIFY(repo);
        auto head = repo->resolve(m_commits.last());
        QVERIFY(head);
        ApplicationConfig app = application(m_git.dir(), "overlays/prod", RendererKind::Kustomize);
        app.render.tools.kustomize = first;
        ApplicationConfig other = app;
        other.render.tools.kustomize = second;
        RenderCache cache;
        SourceRenderer renderer(cache);
        const auto keyA = renderer.cacheKey(*repo, *head, app);
        const auto keyB = renderer.cacheKey(*repo, *head, other);
        QVERIFY(keyA && keyB);
        QVERIFY(*keyA != *keyB);
        QCOMPARE(*renderer.cacheKey(*repo, *head, app), *keyA);
        QVERIFY(!tool("kustomize-a", "# upgraded\nexit 0\n").isEmpty());
        SourceRenderer nextJob(cache);
        const auto upgraded = nextJob.cacheKey(*repo, *head, app);
        QVERIFY(upgraded);
        QVERIFY(*upgraded != *keyA);
    }

    void pendingCommitsWithKeys()
    {
        auto repo = git::Repository::open(m_git.dir());
        QVERIFY(repo);
        RenderCache cache;
        SourceRenderer renderer(cache);
        auto plain = pendingCommitChanges(*repo, renderer, application(m_git.dir(), "apps/plain"), m_commits[0], "HEAD", false);
        QVERIFY2(plain, plain ? "" : qPrintable(plain.error().toString()));
        QCOMPARE(plain->size(), 4);
        QCOMPARE(plain->at(0).commit.summary, QStringLiteral("base: value 2"));
        QCOMPARE(keysOf(plain->at(0).changedKeys), QStringList());
        QCOMPARE(keysOf(plain->at(1).changedKeys), QStringList()); // reformat only
        QCOMPARE(keysOf(plain->at(2).changedKeys), QStringList{"ConfigMap shop/a"});
        QCOMPARE(keysOf(plain->at(3).changedKeys), (QStringList{"ConfigMap shop/a", "ConfigMap shop/b"}));

        auto overlay = pendingCommitChanges(*repo, renderer, application(m_git.dir(), "overlays/prod"), m_commits[1], "HEAD", false);
        QVERIFY2(overlay, overlay ? "" : qPrintable(overlay.error().toString()));
        QCOMPARE(overlay->size(), 3);
        // The base lives outside the overlay's path, and its change still counts.
        QCOMPARE(keysOf(overlay->at(0).changedKeys), QStringList{"ConfigMap prod/from-base"});
        QCOMPARE(keysOf(overlay->at(1).changedKeys), QStringList());
        QCOMPARE(keysOf(overlay->at(2).changedKeys), QStringList());

        // No base (an application never synced): the whole history, the first commit included.
        auto all = pendingCommitChanges(*repo, renderer, application(m_git.dir(), "apps/plain"), QString(), "HEAD", false);
        QVERIFY2(all, all ? "" : qPrintable(all.error().toString()));
        QCOMPARE(all->size(), plain->size() + 1);
        QCOMPARE(all->last().commit.id, m_commits[0]);
        for (qsizetype i = 0; i < plain->size(); ++i)
            QCOMPARE(keysOf(all->at(i).changedKeys), keysOf(plain->at(i).changedKeys));
        QVERIFY(all->last().error.isEmpty());
    }

    // Commits render on several threads; the listener hears each in list order (newest first),
    // once, as soon as it and every newer one are known, and the list is the same as the calls.
    void pendingCommitsArriveInOrder()
    {
        auto repo = git::Repository::open(m_git.dir());
        QVERIFY(repo);
        RenderCache cache;
        SourceRenderer renderer(cache);
        QStringList heard;
        QList<QStringList> heardKeys;
        auto commits = pendingCommitChanges(*repo, renderer, application(m_git.dir(), "overlays/prod"), m_commits[0], "HEAD", false, {},
                                            [&](const CommitChanges &c) {
                                                heard << c.commit.id;
                                                heardKeys << keysOf(c.changedKeys);
                                            });
        QVERIFY(commits);
        QCOMPARE(heard.size(), commits->size());
        for (qsizetype i = 0; i < commits->size(); ++i) {
            QCOMPARE(heard.at(i), commits->at(i).commit.id);
            QCOMPARE(heardKeys.at(i), keysOf(commits->at(i).changedKeys));
        }
        QCOMPARE(heard.last(), m_commits[1]); // oldest last
        QCOMPARE(heardKeys.last(), QStringList{"ConfigMap prod/from-base"}); // the overlay appears
    }

    void secondRenderComesFromTheCache()
    {
        auto repo = git::Repository::open(m_git.dir());
        QVERIFY(repo);
        QTemporaryDir cacheDir;
        RenderCache cache(cacheDir.path());
        SourceRenderer renderer(cache);
        const ApplicationConfig app = application(m_git.dir(), "overlays/prod");
        auto head = repo->resolve("HEAD");
        QVERIFY(head);
        // kubectl through a wrapper that counts its runs (the same file for both renders, so the
        // tool's identity in the key does not change).
        QTemporaryDir bin;
        QFile wrapper(bin.filePath("kubectl"));
        QVERIFY(wrapper.open(QIODevice::WriteOnly));
        wrapper.write("#!/bin/sh\necho run >> '" + bin.filePath("runs").toUtf8() + "'\nexec '" +
                      QStandardPaths::findExecutable("kubectl").toUtf8() + "' \"$@\"\n");
        wrapper.close();
        QVERIFY(wrapper.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
        const QByteArray path = qgetenv("PATH");
        qputenv("PATH", bin.path().toUtf8() + ':' + path);
        const auto restorePath = qScopeGuard([&] { qputenv("PATH", path); });
        const auto runs = [&] {
            QFile file(bin.filePath("runs"));
            return file.open(QIODevice::ReadOnly) ? file.readAll().count('\n') : 0;
        };
        auto key = renderer.cacheKey(*repo, *head, app);
        QVERIFY(key);
        QVERIFY(!cache.find(*key));
        QElapsedTimer timer;
        timer.start();
        auto first = renderer.render(*repo, *head, app);
        const qint64 coldNs = timer.nsecsElapsed();
        QVERIFY(first);
        const qsizetype runsAfterFirst = runs();
        QVERIFY(runsAfterFirst > 0);
        QVERIFY(cache.find(*key));
        // A fresh cache over the same directory (a second sluicectl run) finds it on disk.
        RenderCache again(cacheDir.path());
        QVERIFY(again.find(*key));
        QCOMPARE(again.find(*key)->size(), first->size());
        // Kustomize reads outside its path, so its key follows the root tree: the previous
        // commit (another root tree) has another key.
        auto previous = repo->resolve("HEAD~1");
        auto previousKey = renderer.cacheKey(*repo, *previous, app);
        QVERIFY(previousKey && *previousKey != *key);
        timer.restart();
        auto cached = renderer.render(*repo, *head, app);
        const qint64 cachedNs = timer.nsecsElapsed();
        qInfo() << "kustomize render cold" << coldNs / 1000 << "us, cached" << cachedNs / 1000 << "us";
        QVERIFY2(cached, cached ? "" : qPrintable(cached.error().toString()));
        QCOMPARE(runs(), runsAfterFirst); // no kustomize ran: the cache answered
        QCOMPARE(cached->size(), first->size());
    }

    // The cache another process wrote (sluicectl here) is read by this one, and its objects'
    // structural hashes are the ones this process computes: the hash is the same in every
    // process, so a review of cached revisions does not parse every object again.
    void cacheWrittenByAnotherProcessMatches()
    {
        QTemporaryDir dir;
        const QString workspace = dir.filePath("sluice.yaml");
        QFile file(workspace);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QStringLiteral("apiVersion: sluice.dev/v1alpha1\nkind: Workspace\napplications:\n"
                                  "  - name: app\n    source: {repo: %1, revision: HEAD, path: apps/plain, renderer: plain}\n"
                                  "    destination: {namespace: shop}\n").arg(m_git.dir()).toUtf8());
        file.close();
        QProcess sluicectl;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_CACHE_HOME"), dir.filePath("cache"));
        sluicectl.setProcessEnvironment(env);
        sluicectl.start(QStringLiteral(SLUICE_BINARY_DIR "/app/sluicectl/sluicectl"), {"--workspace", workspace, "render", "app"});
        QVERIFY(sluicectl.waitForFinished(60000));
        QVERIFY2(sluicectl.exitCode() == 0, sluicectl.readAllStandardError().constData());

        auto loaded = loadWorkspace(workspace);
        QVERIFY(loaded);
        const ApplicationConfig &app = loaded->applications.first();
        auto repo = git::Repository::open(m_git.dir());
        QVERIFY(repo);
        auto head = repo->resolve("HEAD");
        QVERIFY(head);
        RenderCache written(dir.filePath("cache/sluice/render"));
        auto key = SourceRenderer(written).cacheKey(*repo, *head, app);
        QVERIFY(key);
        const std::optional<ResourceSet> cached = written.find(*key);
        QVERIFY2(cached, "the entry sluicectl wrote is not found");
        RenderCache memory;
        auto fresh = SourceRenderer(memory).render(*repo, *head, app);
        QVERIFY(fresh);
        QCOMPARE(cached->size(), fresh->size());
        QVERIFY(cached->size() > 0);
        for (const Resource &resource : *fresh)
            QCOMPARE(cached->find(resource.key)->hash, resource.hash);
    }

    // A kustomize render is keyed by what the build can reach: a commit elsewhere in the
    // repository keeps the key (no render), one to a reached file changes it; what cannot be
    // followed for sure (a remote resource, a symlink) keys on the whole repository.
    void kustomizeKeyFollowsWhatItReaches()
    {
        QTemporaryDir dir;
        GitFixture git(dir.filePath("repo"));
        QVERIFY(git.init());
        QVERIFY(git.write("base/kustomization.yaml", "resources: [cm.yaml]\n"));
        QVERIFY(git.write("base/cm.yaml", configMap("base", "1")));
        QVERIFY(git.write("overlay/kustomization.yaml",
                          "namespace: prod\nresources: [../base]\ncomponents: [../components/labels]\n"
                          "configMapGenerator:\n  - name: settings\n    files: [app.properties]\n"));
        QVERIFY(git.write("overlay/app.properties", "mode=1\n"));
        QVERIFY(git.write("components/labels/kustomization.yaml",
                          "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n  - path: label.yaml\n"));
        QVERIFY(git.write("components/labels/label.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: base\n  labels: {tier: web}\n"));
        QVERIFY(git.write("unrelated/notes.md", "1\n"));
        git.commitAll("initial");
        auto repo = git::Repository::open(git.dir());
        QVERIFY(repo);
        RenderCache cache;
        SourceRenderer renderer(cache);
        const ApplicationConfig app = application(git.dir(), "overlay", RendererKind::Kustomize);
        const auto keyAt = [&](const QString &commit) {
            auto rev = repo->resolve(commit);
            auto key = rev ? renderer.cacheKey(*repo, *rev, app) : Result<QString>(rev.error());
            return key ? *key : QString();
        };
        const auto commitAndKey = [&](const QString &file, const QByteArray &content) {
            git.write(file, content);
            return keyAt(git.commitAll(file));
        };
        const QString first = keyAt("HEAD");
        QVERIFY(first.contains(QLatin1String("reach:")));
        QCOMPARE(commitAndKey("unrelated/notes.md", "2\n"), first); // not reached: same render, not rendered again
        const QString patched = commitAndKey("components/labels/label.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: base\n  labels: {tier: api}\n");
        QVERIFY(patched != first);
        const QString configured = commitAndKey("overlay/app.properties", "mode=2\n");
        QVERIFY(configured != patched);
        const QString based = commitAndKey("base/cm.yaml", configMap("base", "2"));
        QVERIFY(based != configured);
        // The pending commits of that history: the unrelated one changes nothing, the others do.
        auto commits = pendingCommitChanges(*repo, renderer, app, "HEAD~4", "HEAD", false);
        QVERIFY(commits);
        QCOMPARE(commits->size(), 4);
        QCOMPARE(keysOf(commits->at(3).changedKeys), QStringList()); // unrelated/notes.md
        for (int i = 0; i < 3; ++i)
            QVERIFY2(!commits->at(i).changedKeys.isEmpty(), qPrintable(commits->at(i).commit.summary + commits->at(i).error));

        // A symlink in a reached directory: the whole repository is the input again.
        QVERIFY(git.symlink("base/link.yaml", "cm.yaml"));
        const QString linked = keyAt(git.commitAll("link"));
        QVERIFY(!linked.contains(QLatin1String("reach:")));
        QVERIFY(commitAndKey("unrelated/notes.md", "3\n") != linked);
        // So is a remote resource.
        QVERIFY(git.write("base/link.yaml", configMap("link", "1")));
        QVERIFY(git.write("overlay/kustomization.yaml", "resources: [../base, https://github.com/acme/app//deploy?ref=v1]\n"));
        QVERIFY(!keyAt(git.commitAll("remote")).contains(QLatin1String("reach:")));
    }

    // A local chart's values files outside the kustomization are inputs too; a chart fetched
    // from a chart repository is not known to Git: the whole repository keys it.
    void kustomizeHelmChartInputs()
    {
        QTemporaryDir dir;
        GitFixture git(dir.filePath("repo"));
        QVERIFY(git.init());
        QVERIFY(git.write("app/kustomization.yaml",
                          "helmCharts:\n  - name: web\n    releaseName: web\n    additionalValuesFiles: [../values/prod.yaml]\n"));
        QVERIFY(git.write("values/prod.yaml", "replicas: 2\n"));
        git.commitAll("chart");
        auto repo = git::Repository::open(git.dir());
        QVERIFY(repo);
        const auto inputsAt = [&] { return kustomizeInputs(*repo, *repo->resolve("HEAD"), "app"); };
        const auto first = inputsAt();
        QVERIFY(first);
        QCOMPARE(first->files, QStringList{"values/prod.yaml"});
        QVERIFY(git.write("values/prod.yaml", "replicas: 3\n"));
        git.commitAll("values");
        QVERIFY(inputsAt() && inputsAt()->id != first->id);
        QVERIFY(git.write("app/kustomization.yaml", "helmCharts:\n  - name: web\n    repo: https://charts.example.com\n"));
        git.commitAll("remote chart");
        QVERIFY(!inputsAt());
    }

    // Without texts (a --stat, an object list): the same objects and counts, no YAML built.
    void reviewWithoutTexts()
    {
        auto repo = git::Repository::open(m_git.dir());
        QVERIFY(repo);
        RenderCache cache;
        SourceRenderer renderer(cache);
        const ApplicationConfig app = application(m_git.dir(), "apps/plain");
        auto full = reviewRevisions(*repo, renderer, app, m_commits[1], m_commits[2]);
        auto listed = reviewRevisions(*repo, renderer, app, m_commits[1], m_commits[2], {}, DiffTexts::None);
        QVERIFY(full && listed);
        QCOMPARE(listed->diff.summary.changed, full->diff.summary.changed);
        QCOMPARE(listed->diff.objects.size(), full->diff.objects.size());
        for (qsizetype i = 0; i < full->diff.objects.size(); ++i) {
            QCOMPARE(listed->diff.objects.at(i).change, full->diff.objects.at(i).change);
            QVERIFY(listed->diff.objects.at(i).diff.isEmpty() && listed->diff.objects.at(i).afterYaml.isEmpty());
        }
        QVERIFY(!full->diff.objects.first().diff.isEmpty()); // "a" changed: the full review has its text
    }

    // A review asked again is read back whole from the disk cache: no render runs (no render
    // entry is written again). Other options (no texts, other ignore rules) are other entries,
    // and a damaged entry is a miss, not a wrong answer.
    void sameReviewAgainIsReadWhole()
    {
        auto repo = git::Repository::open(m_git.dir());
        QVERIFY(repo);
        QTemporaryDir cacheDir;
        ApplicationConfig app = application(m_git.dir(), "overlays/prod");
        const auto review = [&](bool withText = true) {
            RenderCache cache(cacheDir.path()); // a new process, as far as the cache can tell
            SourceRenderer renderer(cache);
            return reviewRevisions(*repo, renderer, app, m_commits[3], m_commits[4], {}, withText ? DiffTexts::UnifiedAndSides : DiffTexts::None);
        };
        const auto files = [&](const char *pattern) { return QDir(cacheDir.path()).entryList({pattern}, QDir::Files); };
        auto first = review();
        QVERIFY2(first, first ? "" : qPrintable(first.error().toString()));
        QCOMPARE(first->diff.summary.changed, 1);
        QCOMPARE(files("*.dat").size(), 1);
        for (const QString &f : files("*.set"))
            QVERIFY(QFile::remove(cacheDir.filePath(f)));

        auto again = review();
        QVERIFY(again);
        QVERIFY2(files("*.set").isEmpty(), "the review asked again rendered");
        QCOMPARE(again->head.commitId, first->head.commitId);
        sameDiff(again->diff, first->diff);
        if (QTest::currentTestFailed())
            return;

        auto listed = review(false);
        QVERIFY(listed);
        QVERIFY(listed->diff.objects.first().diff.isEmpty());
        app.ignore.append(IgnoreRule{{}, QStringLiteral("ConfigMap"), {}, {}, {QStringLiteral("/data/value")}});
        auto ignoring = review();
        QVERIFY(ignoring);
        QCOMPARE(ignoring->diff.summary.changed, 0);
        QCOMPARE(files("*.dat").size(), 3);

        // A flipped byte in the middle of a stored text (the damage a stream format cannot see).
        app.ignore.clear();
        const QByteArray text = first->diff.objects.first().afterYaml;
        QVERIFY(!text.isEmpty());
        qsizetype damagedFiles = 0;
        for (const QString &f : files("*.dat")) {
            QFile damaged(cacheDir.filePath(f));
            QVERIFY(damaged.open(QIODevice::ReadWrite));
            const qsizetype at = damaged.readAll().indexOf(text);
            if (at < 0)
                continue;
            damaged.seek(at + text.size() / 2);
            damaged.write("#");
            ++damagedFiles;
        }
        QCOMPARE(damagedFiles, 1);
        auto recomputed = review();
        QVERIFY(recomputed);
        sameDiff(recomputed->diff, first->diff);
    }

    // A data entry is written as its value is (in blocks, never whole in memory) and read back
    // as those bytes; one cut short is a miss.
    void dataEntryIsWrittenAsItGoes()
    {
        QTemporaryDir dir;
        QByteArray expected;
        {
            RenderCache cache(dir.path());
            cache.storeData(QStringLiteral("review"), [&expected](StreamWriter &out) {
                for (int i = 0; i < 20000; ++i) { // ~300 KiB: several blocks
                    const QByteArray piece = QByteArray::number(i) + QByteArray(i % 23, char('a' + i % 26));
                    out.raw(piece);
                    expected += piece;
                }
            });
        }
        QVERIFY(expected.size() > 4 * 64 * 1024);
        RenderCache cache(dir.path());
        const auto read = cache.findData(QStringLiteral("review"));
        QVERIFY(read);
        QCOMPARE(read->size(), expected.size());
        QVERIFY(*read == expected);
        QVERIFY(!cache.findData(QStringLiteral("other")));

        const QStringList files = QDir(dir.path()).entryList({QStringLiteral("*.dat")}, QDir::Files);
        QCOMPARE(files.size(), 1);
        QFile entry(dir.filePath(files.first()));
        QVERIFY(entry.resize(entry.size() - 100));
        QVERIFY(!RenderCache(dir.path()).findData(QStringLiteral("review")));
    }

    // The disk cache stays under its size: the entries least recently used go first, and
    // reading an entry counts as using it.
    void diskCacheKeepsUnderItsSize()
    {
        QTemporaryDir dir;
        const QByteArray kilobyte(1024, 'x');
        const auto age = [&](const QString &key, int secondsAgo) {
            for (const QString &f : QDir(dir.path()).entryList(QDir::Files)) {
                QFile file(dir.filePath(f));
                QVERIFY(file.open(QIODevice::ReadWrite));
                if (file.readAll().contains(key.toUtf8()))
                    QVERIFY(file.setFileTime(QDateTime::currentDateTimeUtc().addSecs(-secondsAgo), QFileDevice::FileModificationTime));
            }
        };
        {
            RenderCache cache(dir.path(), 5 * 1024);
            for (int i = 0; i < 4; ++i)
                cache.storeData(QStringLiteral("entry-%1").arg(i), kilobyte);
        } // 4 KiB: all kept
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 4);
        for (int i = 0; i < 4; ++i)
            age(QStringLiteral("entry-%1").arg(i), 100 - i); // entry-0 the oldest
        {
            RenderCache cache(dir.path(), 5 * 1024);
            QVERIFY(cache.findData(QStringLiteral("entry-0"))); // used: now the newest
            cache.storeData(QStringLiteral("entry-4"), kilobyte);
            cache.storeData(QStringLiteral("entry-5"), kilobyte);
        }
        RenderCache after(dir.path());
        QVERIFY(after.findData(QStringLiteral("entry-0")));
        QVERIFY(!after.findData(QStringLiteral("entry-1")));
        QVERIFY(!after.findData(QStringLiteral("entry-2")));
        for (const char *kept : {"entry-3", "entry-4", "entry-5"})
            QVERIFY2(after.findData(QString::fromLatin1(kept)), kept);
    }

    void absentPathIsEmptyForEveryRenderer_data()
    {
        QTest::addColumn<int>("renderer");
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("objects");
        QTest::newRow("auto") << int(RendererKind::Auto) << "overlays/prod" << 1;
        QTest::newRow("plain") << int(RendererKind::Plain) << "apps/plain" << 2;
        QTest::newRow("kustomize") << int(RendererKind::Kustomize) << "overlays/prod" << 1;
    }

    void absentPathIsEmptyForEveryRenderer()
    {
        // Both paths exist from commit 1 on: at commit 0 they are absent, whatever renders them.
        QFETCH(int, renderer);
        QFETCH(QString, path);
        QFETCH(int, objects);
        auto repo = git::Repository::open(m_git.dir());
        QVERIFY(repo);
        RenderCache cache;
        SourceRenderer renderer_(cache);
        const ApplicationConfig app = application(m_git.dir(), path, RendererKind(renderer));
        auto added = reviewRevisions(*repo, renderer_, app, m_commits[0], m_commits[1]);
        QVERIFY2(added, added ? "" : qPrintable(added.error().toString()));
        QCOMPARE(added->diff.summary.added, objects);
        QVERIFY2(added->diff.notes.join('\n').contains("app: path " + path + " does not exist at base "), qPrintable(added->diff.notes.join('\n')));
        auto removed = reviewRevisions(*repo, renderer_, app, m_commits[1], m_commits[0]);
        QVERIFY2(removed, removed ? "" : qPrintable(removed.error().toString()));
        QCOMPARE(removed->diff.summary.removed, objects);
        auto commit = reviewCommit(*repo, renderer_, app, m_commits[0]);
        QVERIFY2(commit, commit ? "" : qPrintable(commit.error().toString()));
        QCOMPARE(commit->diff.objects.size(), 0);
        // The same path rendered alone at a revision without it is an error naming the application
        // and the revision, and a render failing at one side names that side.
        auto alone = renderer_.render(*repo, *repo->resolve(m_commits[0]), app);
        QVERIFY(!alone);
        QVERIFY2(alone.error().message.startsWith(QStringLiteral("render of app at %1").arg(m_commits[0].left(7))), qPrintable(alone.error().message));
    }

    void renderErrorNamesTheSide()
    {
        GitFixture fixture(m_dir.filePath("sides"));
        QVERIFY(fixture.init());
        QVERIFY(fixture.write("app/kustomization.yaml", "resources: [cm.yaml]\n"));
        QVERIFY(fixture.write("app/cm.yaml", configMap("x", "1")));
        const QString good = fixture.commitAll("good");
        QVERIFY(fixture.write("app/kustomization.yaml", "resources: [missing.yaml]\n"));
        const QString bad = fixture.commitAll("bad");
        auto repo = git::Repository::open(fixture.dir());
        QVERIFY(repo);
        RenderCache cache;
        SourceRenderer renderer(cache);
        const ApplicationConfig app = application(fixture.dir(), "app");
        auto atHead = reviewRevisions(*repo, renderer, app, good, bad);
        QVERIFY(!atHead);
        QVERIFY2(atHead.error().message.startsWith(QStringLiteral("head: render of app at %1").arg(bad.left(7))), qPrintable(atHead.error().message));
        auto atBase = reviewRevisions(*repo, renderer, app, bad, good);
        QVERIFY(!atBase);
        QVERIFY2(atBase.error().message.startsWith(QStringLiteral("base: render of app at %1").arg(bad.left(7))), qPrintable(atBase.error().message));
    }

    void kustomizeReadsNothingOutsideTheRepository_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("revision");
        QTest::addColumn<QString>("error"); // empty: renders the ConfigMap "inside"
        const QString ups = QStringLiteral("../").repeated(20);
        const QString outside = m_dir.filePath("outside").mid(1); // no leading slash
        QTest::newRow("resource up and out") << "apps/esc" << "HEAD"
                                             << "apps/esc/kustomization.yaml:3: resources entry " + ups + outside + " leaves the repository: refused";
        QTest::newRow("resource absolute") << "apps/abs" << "HEAD"
                                           << "apps/abs/kustomization.yaml:1: resources entry /" + outside + " is an absolute path";
        QTest::newRow("base's generator file") << "apps/gen" << "HEAD"
                                               << "base-out/kustomization.yaml:2: configMapGenerator entry " + ups + "etc/hostname leaves the repository";
        QTest::newRow("patch file") << "apps/patch" << "HEAD" << "apps/patch/kustomization.yaml:3: patches entry ../../../x.yaml leaves the repository";
        QTest::newRow("component") << "apps/comp" << "HEAD" << "apps/comp/kustomization.yaml:1: components entry ../../.. leaves the repository";
        QTest::newRow("through an absolute symlink") << "apps/vialink" << "HEAD"
                                                     << "apps/vialink/kustomization.yaml:1: resources entry ../../vendor/abs goes through "
                                                        "the symlink vendor/abs, which points outside the repository (/etc): refused";
        // Broken and absolute symlinks elsewhere do not matter (the tree is copied whole here:
        // a symlink in the application's own folder, or the worktree).
        QTest::newRow("unrelated links, commit") << "apps/ok" << "HEAD" << QString();
        QTest::newRow("unrelated links, worktree") << "apps/ok" << QString(git::kWorktree) << QString();
    }

    void kustomizeReadsNothingOutsideTheRepository()
    {
        QFETCH(QString, path);
        QFETCH(QString, revision);
        QFETCH(QString, error);
        GitFixture fixture(m_dir.filePath("escape"));
        if (!QFileInfo::exists(fixture.dir())) {
            const QString ups = QStringLiteral("../").repeated(20);
            const QString outside = m_dir.filePath("outside").mid(1);
            QDir().mkpath(m_dir.filePath("outside"));
            QFile k(m_dir.filePath("outside/kustomization.yaml")), cm(m_dir.filePath("outside/cm.yaml"));
            QVERIFY(k.open(QIODevice::WriteOnly) && cm.open(QIODevice::WriteOnly));
            k.write("resources: [cm.yaml]\n");
            cm.write(configMap("outside-secret", "1"));
            k.close();
            cm.close();
            QVERIFY(fixture.init());
            QVERIFY(fixture.write("base/kustomization.yaml", "resources: [cm.yaml]\n"));
            QVERIFY(fixture.write("base/cm.yaml", configMap("inside", "1")));
            QVERIFY(fixture.write("apps/esc/kustomization.yaml", ("# escapes\nresources:\n- " + ups + outside + "\n").toUtf8()));
            QVERIFY(fixture.write("apps/abs/kustomization.yaml", ("resources: [/" + outside + "]\n").toUtf8()));
            QVERIFY(fixture.write("apps/gen/kustomization.yaml", "resources: [../../base-out]\n"));
            QVERIFY(fixture.write("base-out/kustomization.yaml",
                                  ("configMapGenerator:\n- {name: g, files: [" + ups + "etc/hostname]}\n").toUtf8()));
            QVERIFY(fixture.write("apps/patch/kustomization.yaml", "resources: [../../base]\npatches:\n- path: ../../../x.yaml\n"));
            QVERIFY(fixture.write("apps/comp/kustomization.yaml", "components: [../../..]\nresources: [../../base]\n"));
            QVERIFY(fixture.write("apps/vialink/kustomization.yaml", "resources: [../../vendor/abs]\n"));
            QVERIFY(fixture.write("apps/ok/kustomization.yaml", "resources: [../../base]\n"));
            QVERIFY(fixture.symlink("apps/ok/here", "../../base"));
            QVERIFY(fixture.symlink("vendor/abs", "/etc"));
            QVERIFY(fixture.symlink("other/dangling", "nope/missing.yaml"));
            QVERIFY(fixture.symlink("other/up", "../../outside"));
            fixture.commitAll("kustomizations");
        }
        auto repo = git::Repository::open(fixture.dir());
        QVERIFY(repo);
        auto rev = repo->resolve(revision);
        QVERIFY(rev);
        RenderCache cache;
        SourceRenderer renderer(cache);
        auto set = renderer.render(*repo, *rev, application(fixture.dir(), path, RendererKind::Kustomize));
        if (error.isEmpty()) {
            QVERIFY2(set, set ? "" : qPrintable(set.error().toString()));
            QCOMPARE(set->size(), 1);
            QCOMPARE(set->begin()->key.name, QStringLiteral("inside"));
            return;
        }
        QVERIFY(!set);
        QVERIFY2(set.error().message.contains(error), qPrintable(set.error().message));
        QVERIFY2(set.error().message.startsWith("render of app at "), qPrintable(set.error().message));
    }

    void worktree()
    {
        QVERIFY(m_git.write("apps/plain/new.yaml", configMap("c", "1")));
        auto repo = git::Repository::open(m_git.dir());
        QVERIFY(repo);
        RenderCache cache;
        SourceRenderer renderer(cache);
        auto review = reviewRevisions(*repo, renderer, application(m_git.dir(), "apps/plain"), "HEAD", git::kWorktree);
        QFile::remove(m_git.dir() + "/apps/plain/new.yaml");
        QVERIFY2(review, review ? "" : qPrintable(review.error().toString()));
        QCOMPARE(review->diff.summary.added, 1);
        QCOMPARE(review->diff.objects.at(2).key.name, QStringLiteral("c"));
        QCOMPARE(review->diff.objects.at(2).headLocation.toString(), QStringLiteral("apps/plain/new.yaml:1"));
    }
};

QTEST_GUILESS_MAIN(TestReview)
#include "tst_review.moc"
