// The object-keyed diff against golden files, plus the properties each case exists to prove.

#include "common/Golden.h"
#include "diff/DiffJson.h"
#include "diff/ResourceDiff.h"
#include "diff/SecretMask.h"
#include "render/Scope.h"
#include "render/YamlScan.h"

#include <QFile>
#include <QJsonArray>
#include <QBuffer>
#include <QJsonDocument>
#include <QTest>

using namespace sluice;

namespace {

QString caseDir(const QString &name)
{
    return QStringLiteral(SLUICE_TEST_DATA "/diff/") + name;
}

ResourceSet load(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    auto scanned = scanManifests(f.readAll(), QFileInfo(path).fileName());
    if (!scanned)
        return {};
    auto set = scopeResources(*scanned, QStringLiteral("shop"));
    return set ? *set : ResourceSet();
}

} // namespace

class TestResourceDiff : public QObject
{
    Q_OBJECT

private slots:
    void golden_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QList<IgnoreRule>>("ignore");
        QTest::addColumn<QList<int>>("summary"); // added, removed, changed, unchanged
        QTest::addColumn<QStringList>("paths");  // field paths of changed objects, in order
        QTest::newRow("a reordered file is no change") << "reordered" << QList<IgnoreRule>{} << QList<int>{0, 0, 0, 2} << QStringList{};
        QTest::newRow("a text-only edit is no change") << "text-only" << QList<IgnoreRule>{} << QList<int>{0, 0, 0, 1} << QStringList{};
        QTest::newRow("list items matched by merge key")
            << "merge-keys" << QList<IgnoreRule>{} << QList<int>{0, 0, 1, 0}
            << QStringList{"spec.template.spec.containers[name=web].image",
                           "spec.template.spec.containers[name=web].ports[containerPort=8080,protocol=TCP].name",
                           "spec.template.spec.containers[name=web].volumeMounts[mountPath=/cache].readOnly",
                           "spec.template.spec.containers[name=sidecar].image",
                           "spec.template.spec.containers[name=init-check]",
                           "spec.template.spec.tolerations[0].effect"};
        QTest::newRow("secrets masked") << "secrets" << QList<IgnoreRule>{} << QList<int>{0, 0, 1, 0}
                                        << QStringList{"data.COPY_OF_TOKEN", "data.DATABASE_PASSWORD"};
        QTest::newRow("ignore rules and status")
            << "ignore-rules"
            << QList<IgnoreRule>{{QStringLiteral("apps"), QStringLiteral("Deployment"), {}, {}, {QStringLiteral("/spec/replicas")}},
                                 {{}, {}, {}, QStringLiteral("web"), {QStringLiteral("/metadata/annotations/owner")}}}
            << QList<int>{0, 0, 0, 2} << QStringList{};
        QTest::newRow("added and removed") << "added-removed" << QList<IgnoreRule>{} << QList<int>{1, 1, 0, 1} << QStringList{};
    }
    void golden()
    {
        QFETCH(QString, name);
        QFETCH(QList<IgnoreRule>, ignore);
        QFETCH(QList<int>, summary);
        QFETCH(QStringList, paths);
        const ResourceSet base = load(caseDir(name) + "/base.yaml");
        const ResourceSet head = load(caseDir(name) + "/head.yaml");
        QVERIFY(!base.isEmpty() && !head.isEmpty());
        DiffOptions options;
        options.ignore = ignore;
        auto diff = diffResourceSets(base, head, options);
        QVERIFY2(diff, diff ? "" : qPrintable(diff.error().message));
        QCOMPARE((QList<int>{diff->summary.added, diff->summary.removed, diff->summary.changed, diff->summary.unchanged}),
                 summary);
        QStringList actualPaths;
        for (const ObjectDiff &o : diff->objects) {
            for (const FieldChange &f : o.fields)
                actualPaths << f.path;
        }
        if (actualPaths != paths)
            qInfo() << "field paths:" << actualPaths;
        QCOMPARE(actualPaths, paths);
        const QByteArray json = QJsonDocument(diffToJson(*diff)).toJson(QJsonDocument::Indented);
        SLUICE_COMPARE_GOLDEN(json, caseDir(name) + "/expected.json");
        // Written object by object (sluicectl review --json), it is the same document.
        QBuffer streamed;
        QVERIFY(streamed.open(QIODevice::WriteOnly));
        const QJsonObject extra{{QStringLiteral("base"), QJsonObject{{QStringLiteral("revision"), QStringLiteral("main")}}}};
        writeDiffJson(streamed, *diff, extra);
        QJsonParseError error;
        const QJsonDocument parsed = QJsonDocument::fromJson(streamed.data(), &error);
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString() + "\n" + streamed.data()));
        QJsonObject expected = diffToJson(*diff);
        expected.insert(QStringLiteral("base"), extra.value(QStringLiteral("base")));
        QCOMPARE(parsed.object(), expected);
    }

    // Texts written on demand, one object at a time, are the texts a full diff writes, masks
    // included (Secrets' texts are written up front: their masks number across the diff).
    void textsOnDemand_data() { golden_data(); }
    void textsOnDemand()
    {
        QFETCH(QString, name);
        QFETCH(QList<IgnoreRule>, ignore);
        const ResourceSet base = load(caseDir(name) + "/base.yaml");
        const ResourceSet head = load(caseDir(name) + "/head.yaml");
        DiffOptions options;
        options.ignore = ignore;
        auto full = diffResourceSets(base, head, options);
        options.withText = false;
        options.withSecretTexts = true;
        auto onDemand = diffResourceSets(base, head, options);
        QVERIFY(full && onDemand);
        onDemand->source = std::make_shared<const DiffSource>(DiffSource{base, head, options});
        QCOMPARE(onDemand->objects.size(), full->objects.size());
        for (qsizetype i = 0; i < full->objects.size(); ++i) {
            const ObjectDiff &expected = full->objects.at(i), &lazy = onDemand->objects.at(i);
            QCOMPARE(lazy.change, expected.change);
            if (!SecretMasker::appliesTo(lazy.key))
                QVERIFY(lazy.diff.isEmpty() && lazy.afterYaml.isEmpty());
            auto texts = objectTexts(*onDemand, lazy);
            QVERIFY(texts);
            QCOMPARE(texts->diff, expected.diff);
            QCOMPARE(texts->beforeYaml, expected.beforeYaml);
            QCOMPARE(texts->afterYaml, expected.afterYaml);
        }
    }

    // No byte of any secret value, raw or base64, appears in any output.
    void secretValuesNeverAppear()
    {
        const ResourceSet base = load(caseDir("secrets") + "/base.yaml");
        const ResourceSet head = load(caseDir("secrets") + "/head.yaml");
        auto diff = diffResourceSets(base, head);
        QVERIFY(diff);
        const QByteArray json = QJsonDocument(diffToJson(*diff)).toJson();
        QByteArray text;
        for (const ObjectDiff &o : diff->objects) {
            text += o.diff;
            for (const FieldChange &f : o.fields)
                text += fieldValueText(f.before).toUtf8() + fieldValueText(f.after).toUtf8();
        }
        for (const QByteArray &secret : {QByteArray("hunter2-old"), QByteArray("hunter2-new"), QByteArray("tok-SECRET-same"),
                                         QByteArray("plain-SECRET-extra")}) {
            for (const QByteArray &form : {secret, secret.toBase64()}) {
                QVERIFY2(!json.contains(form), form.constData());
                QVERIFY2(!text.contains(form), form.constData());
            }
        }
        QVERIFY(!json.contains("SECRET"));
        // Equal values share a mask, different values do not.
        const ObjectDiff &secret = diff->objects.first();
        QVERIFY(secret.diff.contains(" API_TOKEN: \"<secret value #1>\""));
        QVERIFY(secret.diff.contains("+  COPY_OF_TOKEN: \"<secret value #1>\""));
        QVERIFY(secret.diff.contains("-  DATABASE_PASSWORD: \"<secret value #2>\""));
        QVERIFY(secret.diff.contains("+  DATABASE_PASSWORD: \"<secret value #4>\""));
    }

    void unchangedHashesAreNotParsed()
    {
        // Both sides carry the same malformed-for-the-tree-builder text only if parsed; equal
        // hashes must short-circuit. A document whose tree parse would fail cannot be built by
        // the scanner, so check instead that unchanged objects have no fields and no text.
        const ResourceSet set = load(caseDir("reordered") + "/base.yaml");
        auto diff = diffResourceSets(set, set);
        QVERIFY(diff);
        for (const ObjectDiff &o : diff->objects) {
            QCOMPARE(o.change, ChangeKind::Unchanged);
            QVERIFY(o.diff.isEmpty());
        }
    }

    void cancel()
    {
        const ResourceSet base = load(caseDir("merge-keys") + "/base.yaml");
        const ResourceSet head = load(caseDir("merge-keys") + "/head.yaml");
        CancelToken token;
        token.cancel();
        auto diff = diffResourceSets(base, head, {}, token);
        QVERIFY(!diff);
        QCOMPARE(diff.error().category, ErrorCategory::Cancelled);
    }
};

QTEST_GUILESS_MAIN(TestResourceDiff)
#include "tst_resourcediff.moc"
