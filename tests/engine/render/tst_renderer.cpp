// Renderers: plain and kustomize (real kubectl) against golden files; external tool contracts
// (arguments, missing tool, stderr, timeout, cancel); the render cache.

#include "common/Golden.h"
#include "common/Processes.h"
#include "diff/ResourceDiff.h"
#include "diff/SecretMask.h"
#include "render/RenderCache.h"
#include "core/Bytes.h"
#include "render/Renderer.h"
#include "render/YamlTree.h"
#include "core/Process.h"

#include <QDataStream>
#include <QDirIterator>
#include <QFile>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <random>

using namespace sluice;

namespace {

const QString kData = QStringLiteral(SLUICE_TEST_DATA "/render");

// What `sluicectl render` shows: each object's key, source and masked YAML.
QByteArray describe(const ResourceSet &set)
{
    QByteArray out;
    SecretMasker masker;
    for (const Resource &resource : set) {
        out += "# " + resource.key.toString().toUtf8() + " from " + resource.location().toUtf8() + "\n";
        auto tree = displayTree(resource, {}, masker);
        out += tree ? yaml::toYaml(*tree, tree->root()) : ("error: " + tree.error().message.toUtf8() + "\n");
    }
    return out;
}

// Every file below `dir`, hidden ones too, with its bytes, sorted by path (as git::Repository::readFiles).
QList<FileBytes> filesOf(const QString &dir)
{
    QList<FileBytes> files;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        if (f.open(QIODevice::ReadOnly))
            files.append(FileBytes{QDir(dir).relativeFilePath(f.fileName()), f.readAll()});
    }
    std::sort(files.begin(), files.end(), [](const FileBytes &a, const FileBytes &b) { return a.path < b.path; });
    return files;
}

// Writes an executable shell script standing in for an external tool.
QString writeTool(const QTemporaryDir &dir, const QString &name, const QByteArray &body)
{
    const QString path = dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    f.write("#!/bin/sh\n" + body);
    f.close();
    f.setPermissions(f.permissions() | QFileDevice::ExeOwner);
    return path;
}

} // namespace

class TestRenderer : public QObject
{
    Q_OBJECT

private slots:
    void plainGolden()
    {
        RenderOptions options;
        options.defaultNamespace = QStringLiteral("shop");
        QCOMPARE(detectRenderer(kData + "/plain"), RendererKind::Plain);
        auto set = renderDirectory(kData + "/plain", QStringLiteral("apps/status"), options);
        QVERIFY2(set, set ? "" : qPrintable(set.error().toString()));
        QCOMPARE(set->size(), 5);
        SLUICE_COMPARE_GOLDEN(describe(*set), kData + "/plain.expected.yaml");
    }

    void kustomizeGolden()
    {
        QVERIFY2(!findTool(QStringLiteral("kubectl")).isEmpty(), "kubectl is required for this test");
        RenderOptions options;
        options.defaultNamespace = QStringLiteral("ignored-by-kustomize-namespace");
        options.tools.kubectl = QStringLiteral("kubectl");
        QCOMPARE(detectRenderer(kData + "/kustomize/overlays/prod"), RendererKind::Kustomize);
        auto set = renderDirectory(kData + "/kustomize/overlays/prod", QStringLiteral("overlays/prod"), options);
        QVERIFY2(set, set ? "" : qPrintable(set.error().toString()));
        QCOMPARE(set->size(), 2);
        const QByteArray described = describe(*set);
        QVERIFY(!described.contains("kustomize-SECRET-pw"));
        SLUICE_COMPARE_GOLDEN(described, kData + "/kustomize.expected.yaml");
    }

    void kustomizeErrorCarriesStderr()
    {
        QTemporaryDir dir;
        QFile k(dir.filePath("kustomization.yaml"));
        QVERIFY(k.open(QIODevice::WriteOnly));
        k.write("resources:\n  - missing.yaml\n");
        k.close();
        RenderOptions options;
        options.tools.kubectl = QStringLiteral("kubectl");
        auto set = renderDirectory(dir.path(), QStringLiteral("apps/broken"), options);
        QVERIFY(!set);
        QVERIFY2(set.error().message.contains(QStringLiteral("render of apps/broken (kustomize output): kubectl failed")),
                 qPrintable(set.error().message));
        QVERIFY2(set.error().detail.contains(QStringLiteral("missing.yaml")), qPrintable(set.error().detail));
    }

    void missingTools_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("expected");
        QTest::newRow("kustomize") << int(RendererKind::Kustomize) << QStringLiteral("/nonexistent/kustomize does not exist");
        QTest::newRow("helm") << int(RendererKind::Helm) << QStringLiteral("/nonexistent/helm does not exist");
    }
    void missingTools()
    {
        QFETCH(int, kind);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        RenderOptions options;
        options.renderer = RendererKind(kind);
        options.tools = {QStringLiteral("/nonexistent/kustomize"), {}, QStringLiteral("/nonexistent/helm")};
        auto set = renderDirectory(dir.path(), QStringLiteral("app"), options);
        QVERIFY(!set);
        QVERIFY2(set.error().message.contains(expected), qPrintable(set.error().message));
        QCOMPARE(set.error().category, ErrorCategory::Process);
    }

    void helmArguments()
    {
        QTemporaryDir dir;
        const QString log = dir.filePath("args.txt");
        const QString helm = writeTool(dir, "helm",
                                       "echo \"$@\" > '" + log.toUtf8() + "'\n"
                                       "printf 'apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: from-helm\\n'\n");
        QTemporaryDir chart;
        QFile c(chart.filePath("Chart.yaml"));
        QVERIFY(c.open(QIODevice::WriteOnly));
        c.write("apiVersion: v2\nname: web\nversion: 0.1.0\n");
        c.close();
        QCOMPARE(detectRenderer(chart.path()), RendererKind::Helm);
        RenderOptions options;
        options.defaultNamespace = QStringLiteral("shop");
        options.helm = {QStringLiteral("web"), {QStringLiteral("values-prod.yaml"), QStringLiteral("extra.yaml")}};
        options.tools.helm = helm;
        auto set = renderDirectory(chart.path(), QStringLiteral("charts/web"), options);
        QVERIFY2(set, set ? "" : qPrintable(set.error().toString()));
        QVERIFY(set->find({QString(), QStringLiteral("ConfigMap"), QStringLiteral("shop"), QStringLiteral("from-helm")}));
        QFile args(log);
        QVERIFY(args.open(QIODevice::ReadOnly));
        QCOMPARE(args.readAll().trimmed(),
                 QByteArray("template web . --include-crds --namespace shop --values values-prod.yaml --values extra.yaml"));
    }

    // kubectl kustomize and helm template run with Go's collector off until 256 MiB, unless the
    // user set it.
    void goToolsRenderWithTheirHeapBudget_data()
    {
        QTest::addColumn<QByteArray>("userGogc");
        QTest::addColumn<QByteArray>("expected"); // what the tool saw: GOGC/GOMEMLIMIT
        QTest::newRow("default") << QByteArray() << QByteArray("off/256MiB");
        QTest::newRow("the user's GOGC") << QByteArray("200") << QByteArray("200/");
    }
    void goToolsRenderWithTheirHeapBudget()
    {
        QFETCH(QByteArray, userGogc);
        QFETCH(QByteArray, expected);
        const QByteArray saved = qgetenv("GOGC");
        const bool wasSet = qEnvironmentVariableIsSet("GOGC");
        const auto restore = qScopeGuard([&] { wasSet ? qputenv("GOGC", saved) : qunsetenv("GOGC"); });
        userGogc.isEmpty() ? qunsetenv("GOGC") : qputenv("GOGC", userGogc);
        qunsetenv("GOMEMLIMIT");

        QTemporaryDir dir;
        const QByteArray printEnv = "printf 'apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: go\\ndata:\\n  gc: \"%s/%s\"\\n' \"$GOGC\" \"$GOMEMLIMIT\"\n";
        RenderOptions options;
        options.tools = {writeTool(dir, "kustomize", printEnv), {}, writeTool(dir, "helm", printEnv)};
        for (const RendererKind kind : {RendererKind::Kustomize, RendererKind::Helm}) {
            options.renderer = kind;
            auto set = renderDirectory(dir.path(), QStringLiteral("app"), options);
            QVERIFY2(set, set ? "" : qPrintable(set.error().toString()));
            QCOMPARE(set->size(), 1);
            QVERIFY2(set->begin()->text.contains("gc: \"" + expected + "\""), set->begin()->text.constData());
        }
    }

    void helmValuesStayInsideTheRepository_data()
    {
        QTest::addColumn<QString>("values");
        QTest::addColumn<QString>("error"); // empty: accepted
        QTest::newRow("beside the chart") << "../values/prod.yaml" << QString();
        QTest::newRow("up and out") << "../../../../etc/passwd" << "helm values file ../../../../etc/passwd leaves the repository: refused";
        QTest::newRow("absolute") << "/etc/passwd" << "helm values file /etc/passwd is an absolute path, outside the repository: refused";
        QTest::newRow("through a refused symlink") << "../vendor/values.yaml"
                                                   << "helm values file ../vendor/values.yaml goes through the symlink charts/vendor, which points outside";
    }

    void helmValuesStayInsideTheRepository()
    {
        QFETCH(QString, values);
        QFETCH(QString, error);
        QTemporaryDir tools, repo;
        const QString helm = writeTool(tools, "helm", "printf 'apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: from-helm\\n'\n");
        QVERIFY(QDir().mkpath(repo.filePath("charts/web")));
        RenderOptions options;
        options.renderer = RendererKind::Helm;
        options.tools.helm = helm;
        options.helm.valueFiles = {values};
        options.repoRoot = repo.path();
        options.refusedLinks.insert(QStringLiteral("charts/vendor"), QStringLiteral("points outside the repository (/srv): refused"));
        qunsetenv("SLUICE_HELM");
        auto set = renderDirectory(repo.filePath("charts/web"), QStringLiteral("charts/web"), options);
        if (error.isEmpty()) {
            QVERIFY2(set, set ? "" : qPrintable(set.error().toString()));
            return;
        }
        QVERIFY(!set);
        QVERIFY2(set.error().message.contains(error), qPrintable(set.error().message));
    }

    void toolTimeoutAndCancel()
    {
        QTemporaryDir dir;
        const QString slow = writeTool(dir, "kustomize", "sleep 20\n");
        RenderOptions options;
        options.renderer = RendererKind::Kustomize;
        options.tools.kustomize = slow;
        options.timeoutMs = 300;
        QElapsedTimer timer;
        timer.start();
        auto timedOut = renderDirectory(dir.path(), QStringLiteral("app"), options);
        QVERIFY(!timedOut);
        QVERIFY2(timedOut.error().message.contains(QStringLiteral("timed out")), qPrintable(timedOut.error().message));
        QVERIFY(timer.elapsed() < 10000);

        options.timeoutMs = 60000;
        CancelToken token;
        QThread *canceller = QThread::create([token] {
            QThread::msleep(200);
            token.cancel();
        });
        canceller->start();
        timer.restart();
        auto cancelled = renderDirectory(dir.path(), QStringLiteral("app"), options, token);
        canceller->wait();
        delete canceller;
        QVERIFY(!cancelled);
        QCOMPARE(cancelled.error().category, ErrorCategory::Cancelled);
        QVERIFY(timer.elapsed() < 10000);
    }

    void stoppedToolLeavesNoProcess_data()
    {
        QTest::addColumn<bool>("cancelIt");
        QTest::newRow("timeout") << false;
        QTest::newRow("cancel") << true;
    }
    void stoppedToolLeavesNoProcess()
    {
        // A render tool that timed out or was cancelled takes what it started along (helm
        // plugins, post-renderers); those used to live on, orphans of init.
        QFETCH(bool, cancelIt);
        QTemporaryDir dir;
        RenderOptions options;
        options.renderer = RendererKind::Kustomize;
        options.tools.kustomize = writeTool(dir, "kustomize", "sleep 1000 &\necho $! > '" + dir.filePath("child").toUtf8() + "'\nexec sleep 1000\n");
        options.timeoutMs = cancelIt ? 60000 : 300;
        CancelToken token;
        QThread *canceller = QThread::create([token, cancelIt] {
            if (cancelIt) {
                QThread::msleep(300);
                token.cancel();
            }
        });
        canceller->start();
        auto set = renderDirectory(dir.path(), QStringLiteral("app"), options, token);
        canceller->wait();
        delete canceller;
        QVERIFY(!set);
        QFile pidFile(dir.filePath("child"));
        QVERIFY(pidFile.open(QIODevice::ReadOnly));
        const qint64 child = pidFile.readAll().trimmed().toLongLong();
        QVERIFY(child > 0);
        const auto cleanup = qScopeGuard([child] { test::killIfRunning(child); });
        QTRY_VERIFY_WITH_TIMEOUT(test::processGone(child), 2000);
    }

    void toolStderrAndBadOutput()
    {
        QTemporaryDir dir;
        RenderOptions options;
        options.renderer = RendererKind::Kustomize;
        options.tools.kustomize = writeTool(dir, "failing", "echo 'Error: accumulating resources: boom' >&2\nexit 3\n");
        auto failed = renderDirectory(dir.path(), QStringLiteral("app"), options);
        QVERIFY(!failed);
        QCOMPARE(failed.error().code, 3);
        QVERIFY(failed.error().detail.contains(QStringLiteral("accumulating resources: boom")));

        options.tools.kustomize = writeTool(dir, "garbage", "printf 'apiVersion: v1\\nkind: A\\nmetadata: {name: a\\n'\n");
        auto garbage = renderDirectory(dir.path(), QStringLiteral("app"), options);
        QVERIFY(!garbage);
        QVERIFY2(garbage.error().message.startsWith(QStringLiteral("app (kustomize output):")), qPrintable(garbage.error().message));
    }

    // A file another revision had unchanged (same name, same bytes) is not scanned again; a
    // changed one is, and the set is the one a fresh scan gives.
    void plainRendersScanOnlyChangedFiles()
    {
        const auto configMaps = [](const char *value) {
            QByteArray text;
            for (int i = 0; i < 3; ++i)
                text += "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c" + QByteArray::number(i) + "\ndata: {v: \"" +
                        value + "\"}\n---\n";
            return text;
        };
        const auto write = [](const QString &path, const QByteArray &text) {
            QFile f(path);
            return f.open(QIODevice::WriteOnly) && f.write(text) == text.size();
        };
        QTemporaryDir base, head; // two revisions, materialized apart
        for (const QString &dir : {base.path(), head.path()}) {
            QVERIFY(write(dir + "/a.yaml", configMaps("1").replace("name: c", "name: a")));
            QVERIFY(write(dir + "/b.yaml", configMaps("1").replace("name: c", "name: b")));
        }
        QVERIFY(write(head.path() + "/b.yaml", configMaps("2").replace("name: c", "name: b")));
        const QString name = QStringLiteral("apps/memo-%1").arg(QCoreApplication::applicationPid());
        const qint64 before = plainScanMemoHits();
        auto baseSet = renderDirectory(base.path(), name, {});
        QVERIFY(baseSet);
        QCOMPARE(plainScanMemoHits(), before);
        auto headSet = renderDirectory(head.path(), name, {});
        QVERIFY(headSet);
        QCOMPARE(plainScanMemoHits(), before + 1); // a.yaml; b.yaml changed
        QCOMPARE(headSet->size(), 6);
        const ResourceKey b0{{}, QStringLiteral("ConfigMap"), {}, QStringLiteral("b0")};
        QVERIFY(headSet->find(b0)->text.contains("v: \"2\""));
        QVERIFY(baseSet->find(b0)->text.contains("v: \"1\""));
        QCOMPARE(headSet->find(b0)->location(), name + "/b.yaml:1");
        QCOMPARE(headSet->find(b0)->hash == baseSet->find(b0)->hash, false);
    }

    void plainErrorNamesFileAndLine()
    {
        QTemporaryDir dir;
        QDir().mkpath(dir.filePath("sub"));
        QFile f(dir.filePath("sub/bad.yaml"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: [}\n");
        f.close();
        auto set = renderDirectory(dir.path(), QStringLiteral("apps/x"), {});
        QVERIFY(!set);
        QVERIFY2(set.error().message.startsWith(QStringLiteral("apps/x/sub/bad.yaml:8:")), qPrintable(set.error().message));
    }

    void emptyRenderSaysWhatWasFound_data()
    {
        QTest::addColumn<QStringList>("files");
        QTest::addColumn<QString>("note"); // empty: objects, no note
        QTest::newRow("jsonnet") << QStringList{"main.jsonnet", "lib/a.libsonnet", "lib/b.libsonnet", "README.md"}
                                 << "apps/x has no objects: 2 .libsonnet files, 1 .jsonnet file, 1 .md file; jsonnet is not supported";
        QTest::newRow("empty YAML") << QStringList{"a.yaml", ".hidden/b.txt"} << "apps/x has no objects: 1 YAML/JSON file with no object in it";
        QTest::newRow("nothing") << QStringList{} << "apps/x has no objects: no files";
        QTest::newRow("objects") << QStringList{"cm.yaml"} << QString();
    }

    void emptyRenderSaysWhatWasFound()
    {
        QFETCH(QStringList, files);
        QFETCH(QString, note);
        QTemporaryDir dir;
        for (const QString &name : files) {
            QDir().mkpath(QFileInfo(dir.filePath(name)).path());
            QFile f(dir.filePath(name));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(name == "cm.yaml" ? "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n" : name == "a.yaml" ? "---\n# nothing\n" : "{}\n");
        }
        auto set = renderDirectory(dir.path(), QStringLiteral("apps/x"), {});
        QVERIFY2(set, set ? "" : qPrintable(set.error().toString()));
        QCOMPARE(set->notes, note.isEmpty() ? QStringList() : QStringList{note});
        auto fromFiles = renderPlainFiles(filesOf(dir.path()), QStringLiteral("apps/x"), {});
        QVERIFY(fromFiles);
        QCOMPARE(fromFiles->notes, set->notes);
    }

    // Files read from git render as the folder holding them does: which files (YAML or JSON by
    // name in any case, not hidden, top level only when not recursing), in which order, notes.
    void plainFilesRenderAsTheirFolder_data()
    {
        QTest::addColumn<bool>("recurse");
        QTest::newRow("recurse") << true;
        QTest::newRow("top level") << false;
    }

    void plainFilesRenderAsTheirFolder()
    {
        QFETCH(bool, recurse);
        QTemporaryDir dir;
        const auto configMap = [](const char *name) {
            return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + QByteArray(name) + "\n";
        };
        const QList<std::pair<QString, QByteArray>> files{
            {"b.yaml", configMap("b")},
            {"a.yml", configMap("a") + "---\n" + configMap("a2")},
            {"sub/UPPER.YAML", configMap("upper")},
            {"sub/deep/c.json", R"({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}})"},
            {".github/ci.yaml", configMap("hidden-dir")},
            {"sub/.hidden.yaml", configMap("hidden-file")},
            {"notes.txt", configMap("not-yaml")},
            {"yaml", configMap("no-suffix")},
        };
        for (const auto &[name, text] : files) {
            QDir().mkpath(QFileInfo(dir.filePath(name)).path());
            QFile f(dir.filePath(name));
            QVERIFY(f.open(QIODevice::WriteOnly) && f.write(text) == text.size());
        }
        RenderOptions options;
        options.recurse = recurse;
        options.defaultNamespace = QStringLiteral("shop");
        auto folder = renderDirectory(dir.path(), QStringLiteral("apps/x"), options);
        QVERIFY2(folder, folder ? "" : qPrintable(folder.error().toString()));
        QCOMPARE(folder->size(), recurse ? 5 : 3);
        auto read = renderPlainFiles(filesOf(dir.path()), QStringLiteral("apps/x"), options);
        QVERIFY2(read, read ? "" : qPrintable(read.error().toString()));
        QCOMPARE(describe(*read), describe(*folder));
        QCOMPARE(read->notes, folder->notes);
    }

    void onlyRealListsAreFlattened_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QStringList>("keys");
        const QByteArray cm = "{apiVersion: v1, kind: ConfigMap, metadata: {name: a}}";
        QTest::newRow("kind: List") << "l.yaml" << QByteArray("apiVersion: v1\nkind: List\nitems:\n- " + cm + "\n")
                                    << QStringList{"/ConfigMap/shop/a"};
        QTest::newRow("ConfigMapList without a name") << "l.yaml" << QByteArray("apiVersion: v1\nkind: ConfigMapList\nitems:\n- " + cm + "\n")
                                                      << QStringList{"/ConfigMap/shop/a"};
        QTest::newRow("custom AllowList with a name")
            << "a.yaml" << QByteArray("apiVersion: example.com/v1\nkind: AllowList\nmetadata: {name: mine}\nspec: {cidrs: [10.0.0.0/8]}\n")
            << QStringList{"example.com/AllowList/shop/mine"};
        QTest::newRow("custom AllowList with a name, JSON")
            << "a.json" << QByteArray(R"({"apiVersion": "example.com/v1", "kind": "AllowList", "metadata": {"name": "mine"}})")
            << QStringList{"example.com/AllowList/shop/mine"};
        QTest::newRow("custom AllowList with a name and items")
            << "a.yaml" << QByteArray("apiVersion: example.com/v1\nkind: AllowList\nmetadata: {name: mine}\nitems: [a, b]\n")
            << QStringList{"example.com/AllowList/shop/mine"};
    }

    void onlyRealListsAreFlattened()
    {
        QFETCH(QString, file);
        QFETCH(QByteArray, text);
        QFETCH(QStringList, keys);
        QTemporaryDir dir;
        QFile f(dir.filePath(file));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(text);
        f.close();
        RenderOptions options;
        options.defaultNamespace = QStringLiteral("shop");
        auto set = renderDirectory(dir.path(), QStringLiteral("apps/x"), options);
        QVERIFY2(set, set ? "" : qPrintable(set.error().toString()));
        QStringList got;
        for (const Resource &resource : *set)
            got.append(resource.key.toString());
        got.sort();
        QCOMPARE(got, keys);
    }

    void cacheRoundTripOnDisk()
    {
        RenderOptions options;
        options.defaultNamespace = QStringLiteral("shop");
        auto set = renderDirectory(kData + "/plain", QStringLiteral("apps/status"), options);
        QVERIFY(set);
        QTemporaryDir cacheDir;
        const QString key = RenderCache::makeKey("tree-id", options.identity(), {});
        {
            RenderCache cache(cacheDir.path());
            QVERIFY(!cache.find(key));
            cache.store(key, *set);
        }
        RenderCache fresh(cacheDir.path());
        auto loaded = fresh.find(key);
        QVERIFY(loaded);
        QCOMPARE(describe(*loaded), describe(*set));
        QVERIFY(!fresh.find(RenderCache::makeKey("other-tree", options.identity(), {})));
        // Key parts read back are the process's copies (sharedKeyPart), shared with the render's.
        for (const Resource &r : *loaded) {
            const ResourceKey &a = r.key, &b = set->find(r.key)->key;
            QVERIFY(a.kind.constData() == b.kind.constData() && a.ns.constData() == b.ns.constData());
            QVERIFY(a.group.constData() == b.group.constData());
        }
        // Entries are private to the user: they hold rendered Secrets.
        const QStringList files = QDir(cacheDir.path()).entryList(QDir::Files);
        QCOMPARE(files.size(), 1);
        QCOMPARE(QFile(cacheDir.filePath(files.first())).permissions() & (QFileDevice::ReadOther | QFileDevice::ReadGroup),
                 QFileDevice::Permissions());
        // A corrupt entry is a miss, not a crash: cut anywhere, or any word read as all ones (a
        // huge count, length or index).
        const QString path = cacheDir.filePath(files.first());
        QFile entry(path);
        QVERIFY(entry.open(QIODevice::ReadOnly));
        const QByteArray whole = entry.readAll();
        entry.close();
        const auto rewrite = [&path](const QByteArray &bytes) {
            QFile file(path);
            return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(bytes) == bytes.size();
        };
        for (qsizetype cut = 0; cut < whole.size(); cut += qMax<qsizetype>(1, whole.size() / 100)) {
            QVERIFY(rewrite(whole.first(cut)));
            QVERIFY(!RenderCache(cacheDir.path()).find(key));
        }
        for (qsizetype at = 0; at + 4 <= whole.size(); at += qMax<qsizetype>(1, whole.size() / 100)) {
            QByteArray damaged = whole;
            damaged.replace(at, 4, QByteArray(4, '\xff'));
            QVERIFY(rewrite(damaged));
            QVERIFY(!RenderCache(cacheDir.path()).find(key));
        }
        // Entries are not synced to disk: one a crash left with other bytes, which would read as
        // other objects, fails its checksum instead. Here a letter of an object's text.
        const qsizetype letter = whole.indexOf("kind: Deployment") + 6;
        QVERIFY(letter > 6);
        QByteArray changed = whole;
        changed[letter] = 'X';
        QVERIFY(rewrite(changed));
        QVERIFY(!RenderCache(cacheDir.path()).find(key));
        QVERIFY(rewrite(whole));
        QVERIFY(RenderCache(cacheDir.path()).find(key));
        QCOMPARE(QDir(cacheDir.path()).entryList(QDir::Files), files); // no file left beside it
    }

    // A table names a text by one index, whatever copy of it is asked (found by address first).
    void stringTableNamesEachTextOnce()
    {
        StringTable table;
        QList<QString> first, again;
        for (int i = 0; i < 5000; ++i) // the address index grows many times over
            first << QStringLiteral("ns-%1").arg(i);
        for (int i = 0; i < 5000; ++i)
            QCOMPARE(table.id(first[i]), quint32(i));
        for (int i = 0; i < 5000; ++i) {
            again << QStringLiteral("ns-%1").arg(i); // the same texts at other addresses
            QCOMPARE(table.id(again[i]), quint32(i));
            QCOMPARE(table.id(first[i]), quint32(i));
        }
        // A copy of a known text, gone at once, then another text of its size, where malloc
        // would put it were the table not holding the copy: a new text, a new index.
        const QString known(12, QLatin1Char('a'));
        QCOMPARE(table.id(known), quint32(5000));
        for (char c = 'b'; c <= 'z'; ++c) {
            QCOMPARE(table.id(QString(12, QLatin1Char('a'))), quint32(5000));
            QCOMPARE(table.id(QString(12, QLatin1Char(c))), quint32(5000 + c - 'a'));
        }
        QCOMPARE(table.strings().size(), 5026);
        QCOMPARE(table.strings()[4999], QStringLiteral("ns-4999"));
        QCOMPARE(table.strings()[5025], QString(12, QLatin1Char('z')));
    }

    // Cache entries are read as QDataStream wrote them, without a device.
    void streamReaderReadsWhatQDataStreamWrites()
    {
        const QString wide = QStringLiteral(u"gr\u00fc\u00df \u2192 \U0001F680");
        QByteArray bytes;
        {
            QDataStream out(&bytes, QIODevice::WriteOnly);
            out << quint8(7) << quint32(0xdeadbeef) << qint32(-5) << qint64(-1234567890123) << quint64(1) << QString()
                << QString(QLatin1String("")) << wide << QByteArray() << QByteArray("") << QByteArray("bytes")
                << QStringList{QStringLiteral("a"), wide};
        }
        // StreamWriter writes the same bytes, into a buffer or through a sink in blocks.
        const auto writeAll = [&wide](StreamWriter &w) {
            w.u8(7);
            w.u32(0xdeadbeef);
            w.i32(-5);
            w.i64(-1234567890123);
            w.u64(1);
            w.string(QString());
            w.string(QString(QLatin1String("")));
            w.string(wide);
            w.byteArray(QByteArray());
            w.byteArray(QByteArray(""));
            w.byteArray(QByteArray("bytes"));
            w.stringList({QStringLiteral("a"), wide});
        };
        StreamWriter buffered;
        writeAll(buffered);
        QCOMPARE(buffered.take(), bytes);
        QByteArray large(200 * 1024, 'x'), sunk;
        QByteArray expected;
        {
            QDataStream out(&expected, QIODevice::WriteOnly);
            for (int i = 0; i < 12000; ++i) // ~330 KB: the sink's buffer fills more than once
                out << QStringLiteral("name-%1").arg(i) << quint32(i);
            out << large << wide;
        }
        int blocks = 0;
        StreamWriter sinking([&](QByteArrayView block) {
            sunk += block;
            ++blocks;
            return true;
        });
        StreamWriter growing; // the same into a buffer, grown as it goes
        for (StreamWriter *w : {&sinking, &growing}) {
            for (int i = 0; i < 12000; ++i) {
                w->string(QStringLiteral("name-%1").arg(i));
                w->u32(quint32(i));
            }
            w->byteArray(large);
            w->string(wide);
        }
        QVERIFY(sinking.finish());
        QCOMPARE(sunk, expected);
        QVERIFY(blocks >= 4); // not held whole
        QCOMPARE(growing.take(), expected);
        StreamWriter failing([](QByteArrayView) { return false; });
        failing.byteArray(large);
        QVERIFY(!failing.finish());

        StreamReader in(bytes);
        QCOMPARE(in.u8(), quint8(7));
        QCOMPARE(in.u32(), quint32(0xdeadbeef));
        QCOMPARE(in.i32(), qint32(-5));
        QCOMPARE(in.i64(), qint64(-1234567890123));
        QCOMPARE(in.u64(), quint64(1));
        QVERIFY(in.string().isNull());
        const QString empty = in.string();
        QVERIFY(empty.isEmpty() && !empty.isNull());
        QCOMPARE(in.string(), wide);
        QVERIFY(in.slice().isNull());
        const QByteArray emptyBytes = in.slice();
        QVERIFY(emptyBytes.isEmpty() && !emptyBytes.isNull());
        const QByteArray slice = in.slice();
        QCOMPARE(slice, QByteArray("bytes"));
        QVERIFY(slice.constData() > bytes.constData() && slice.constData() < bytes.constData() + bytes.size());
        QStringList list;
        QVERIFY(in.stringList(list));
        QCOMPARE(list, (QStringList{QStringLiteral("a"), wide}));
        QVERIFY(in.ok() && in.atEnd());
        // Past the end: not ok, empty values.
        QCOMPARE(in.u32(), quint32(0));
        QVERIFY(!in.ok());
        // A damaged length or count fails without allocating it.
        QByteArray damaged;
        {
            QDataStream out(&damaged, QIODevice::WriteOnly);
            out << quint32(0x7ffffff0) << quint32(3) << quint32(0x7ffffff0);
        }
        StreamReader hugeString(damaged);
        QVERIFY(hugeString.string().isEmpty() && !hugeString.ok());
        StreamReader oddString(damaged, 4); // 3 bytes of UTF-16
        QVERIFY(oddString.string().isEmpty() && !oddString.ok());
        StreamReader hugeList(damaged, 8);
        QVERIFY(!hugeList.stringList(list) && !hugeList.ok());
        QStringList table{QStringLiteral("x")};
        QString named;
        StreamReader outOfTable(damaged, 4);
        QVERIFY(!outOfTable.tableString(table, named) && !outOfTable.ok());
    }

    // Memory holds the sets used last, within its budget; a set larger than the budget is not
    // held (on disk it still is).
    void cacheMemoryStaysInItsBudget()
    {
        const auto setOf = [](int objects, const QByteArray &tag) {
            ResourceSet set;
            for (int i = 0; i < objects; ++i) {
                Resource r;
                r.key = {QString(), QStringLiteral("ConfigMap"), QStringLiteral("shop"), QStringLiteral("cm-%1").arg(i)};
                r.apiVersion = QStringLiteral("v1");
                r.text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-" + QByteArray::number(i) + "}\ndata: {k: " + tag + "}\n";
                (void)set.insert(std::move(r));
            }
            return set;
        };
        const ResourceSet small = setOf(10, "a"), other = setOf(10, "b"), large = setOf(400, "c");
        RenderCache probe;
        probe.store("small", small);
        const qint64 one = probe.memoryBytes();
        QVERIFY(one > 0);

        // Room for two small sets: storing a third drops the one used longest ago.
        RenderCache memory({}, RenderCache::defaultMaxDiskBytes(), 2 * one + one / 2);
        memory.store("a", small);
        memory.store("b", other);
        QVERIFY(memory.find("a")); // now "b" is the oldest
        memory.store("c", setOf(10, "c"));
        QVERIFY(memory.memoryBytes() <= 2 * one + one / 2);
        QVERIFY(memory.find("a"));
        QVERIFY(memory.find("c"));
        QVERIFY(!memory.find("b"));
        // Too large for memory: not held, and nothing else is dropped for it.
        memory.store("large", large);
        QVERIFY(!memory.find("large"));
        QVERIFY(memory.find("a"));

        QTemporaryDir cacheDir;
        RenderCache disk(cacheDir.path(), RenderCache::defaultMaxDiskBytes(), one);
        disk.store("large", large);
        QCOMPARE(disk.memoryBytes(), qint64(0));
        auto loaded = disk.find("large");
        QVERIFY(loaded);
        QCOMPARE(describe(*loaded), describe(large));
    }

    // Objects' texts are slices of the buffer read: no copy, and changing one changes nothing else.
    void slicesShareTheirBuffer()
    {
        QByteArray buffer("apiVersion: v1\n---\nkind: ConfigMap\n");
        QByteArray slice = sharedSlice(buffer, 19, 15);
        QCOMPARE(slice, QByteArray("kind: ConfigMap"));
        QCOMPARE(slice.constData(), buffer.constData() + 19); // the same bytes
        QByteArray other = sharedSlice(buffer, 0, 15);
        buffer.clear(); // the slices keep the buffer
        slice.append(" x");
        slice[0] = 'K';
        QCOMPARE(slice, QByteArray("Kind: ConfigMap x"));
        QCOMPARE(other, QByteArray("apiVersion: v1\n"));
        static const char raw[] = "not owned";
        const QByteArray notOwned = QByteArray::fromRawData(raw, 9);
        const QByteArray copied = sharedSlice(notOwned, 4, 5);
        QCOMPARE(copied, QByteArray("owned"));
        QVERIFY(copied.constData() != raw + 4);
    }

    // A copy of a set shares its objects until one side changes.
    void resourceSetCopiesAreIndependent()
    {
        ResourceSet first;
        Resource a;
        a.key = {QString(), QStringLiteral("ConfigMap"), QStringLiteral("shop"), QStringLiteral("a")};
        QVERIFY(first.insert(a));
        ResourceSet second = first;
        Resource b = a;
        b.key.name = QStringLiteral("b");
        QVERIFY(second.insert(b));
        QCOMPARE(first.size(), 1);
        QCOMPARE(second.size(), 2);
        QVERIFY(!first.find(b.key));
        QVERIFY(second.find(a.key));
        QVERIFY(!second.insert(a)); // a duplicate, in the copy too
        const ResourceSet empty;
        QVERIFY(empty.isEmpty());
        QVERIFY(empty.begin() == empty.end());
        QVERIFY(!empty.find(a.key));
    }

    // fromList gives the set inserting in list order gives: the same objects in key order, or
    // the same first duplicate; the list it was given is left as it was when shared.
    void resourceSetFromListAgreesWithInserts_data()
    {
        QTest::addColumn<int>("count");
        QTest::addColumn<int>("duplicates");
        QTest::addColumn<bool>("sorted");
        QTest::newRow("shuffled") << 500 << 0 << false;
        QTest::newRow("in key order") << 500 << 0 << true;
        QTest::newRow("one object") << 1 << 0 << false;
        QTest::newRow("empty") << 0 << 0 << false;
        QTest::newRow("shuffled, keys given twice") << 500 << 40 << false;
        QTest::newRow("in key order, keys given twice") << 500 << 40 << true;
    }

    void resourceSetFromListAgreesWithInserts()
    {
        QFETCH(int, count);
        QFETCH(int, duplicates);
        QFETCH(bool, sorted);
        std::mt19937 random(11);
        QList<Resource> list;
        for (int i = 0; i < count; ++i) {
            Resource r;
            r.key = {i % 3 ? QStringLiteral("apps") : QString(), i % 2 ? QStringLiteral("Deployment") : QStringLiteral("ConfigMap"),
                     QStringLiteral("ns-%1").arg(i % 7), QStringLiteral("o-%1").arg(random() % 100000)};
            r.sourceFile = QStringLiteral("f.yaml");
            r.line = i + 1;
            r.text = QByteArray::number(i);
            list.append(r);
        }
        for (int i = 0; i < duplicates; ++i) {
            Resource again = list.at(int(random() % count));
            again.line = count + i + 1;
            list.append(again);
        }
        if (sorted)
            std::stable_sort(list.begin(), list.end(), [](const Resource &a, const Resource &b) { return a.key < b.key; });
        else
            std::shuffle(list.begin(), list.end(), random);

        ResourceSet inserted;
        std::optional<Error> firstError;
        ResourceSet keepFirst;
        for (const Resource &r : std::as_const(list)) {
            if (Status s = inserted.insert(r); !s && !firstError)
                firstError = s.error();
            (void)keepFirst.insert(r);
        }
        QList<int> lines; // of the list as given
        for (const Resource &r : std::as_const(list))
            lines.append(r.line);
        const auto sameObjects = [](const ResourceSet &a, const ResourceSet &b) {
            QCOMPARE(a.size(), b.size());
            for (auto i = a.begin(), j = b.begin(); i != a.end(); ++i, ++j) {
                QCOMPARE(i->key, j->key);
                QCOMPARE(i->line, j->line);
                QCOMPARE(i->text, j->text);
            }
        };

        auto fromList = ResourceSet::fromList(list);
        QCOMPARE(bool(fromList), !firstError);
        if (firstError)
            QCOMPARE(fromList.error().message, firstError->message);
        else
            sameObjects(*fromList, inserted);
        auto kept = ResourceSet::fromList(list, ResourceSet::Duplicates::KeepFirst);
        QVERIFY(kept);
        sameObjects(*kept, keepFirst);
        for (qsizetype i = 0; i < list.size(); ++i) // the caller's list (shared with fromList's) is as it was
            QCOMPARE(list.at(i).line, lines.at(i));
        QList<Resource> own = list;
        own.detach();
        auto moved = ResourceSet::fromList(std::move(own)); // sorted in place
        QCOMPARE(bool(moved), !firstError);
        if (moved)
            sameObjects(*moved, inserted);
    }
};

QTEST_GUILESS_MAIN(TestRenderer)
#include "tst_renderer.moc"
