// The object-keyed diff against golden files, plus the properties each case exists to prove.

#include "common/Golden.h"
#include "diff/DiffJson.h"
#include "diff/ResourceDiff.h"
#include "diff/SecretMask.h"
#include "render/Scope.h"
#include "render/YamlScan.h"
#include "render/YamlTree.h"

#include <QFile>
#include <QJsonArray>
#include <QBuffer>
#include <QJsonDocument>
#include <QTest>

#include <limits>

using namespace sluice;

Q_DECLARE_METATYPE(IgnoreRule)

namespace {

QString caseDir(const QString &name)
{
    return QStringLiteral(SLUICE_TEST_DATA "/diff/") + name;
}

ResourceSet fromText(const QByteArray &yaml)
{
    auto scanned = scanManifests(yaml, QStringLiteral("inline.yaml"));
    if (!scanned)
        return {};
    auto set = scopeResources(*scanned, QStringLiteral("shop"));
    return set ? *set : ResourceSet();
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
                           "spec.template.spec.containers[name=web].ports", // reordered, as the ones below
                           "spec.template.spec.containers[name=web].volumeMounts[mountPath=/cache].readOnly",
                           "spec.template.spec.containers[name=web].volumeMounts",
                           "spec.template.spec.containers[name=sidecar].image",
                           "spec.template.spec.containers[name=init-check]",
                           "spec.template.spec.containers",
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
        // Its objects are the bytes QJsonDocument writes for each, indented two levels.
        QByteArray objects;
        for (const QJsonValue &object : expected.value(QStringLiteral("objects")).toArray()) {
            QByteArray text = QJsonDocument(object.toObject()).toJson(QJsonDocument::Indented);
            text.chop(1);
            objects += (objects.isEmpty() ? "[\n        " : ",\n        ") + text.replace("\n", "\n        ");
        }
        QVERIFY2(streamed.data().contains(objects), streamed.data().constData());
    }

    // Texts written on demand, one object at a time, are the texts a full diff writes, masks
    // included (Secrets' texts are written up front: their masks number across the diff).
    // The two forms of normalizeObject (the compact tree a review compares, the QJsonObject a
    // live object is) give the same object: every golden case's objects with its ignore rules,
    // and the corners (last-applied alone or among others, metadata absent or not a map).
    void normalizedFormsAgree_data() { golden_data(); }
    void normalizedFormsAgree()
    {
        QFETCH(QString, name);
        QFETCH(QList<IgnoreRule>, ignore);
        QList<std::pair<ResourceKey, QJsonObject>> objects;
        for (const char *side : {"/base.yaml", "/head.yaml"}) {
            for (const Resource &resource : load(caseDir(name) + QLatin1String(side))) {
                auto tree = resource.parseTree();
                QVERIFY(tree);
                objects.append({resource.key, *tree});
            }
        }
        const ResourceKey cm{QString(), QStringLiteral("ConfigMap"), QStringLiteral("shop"), QStringLiteral("c")};
        const QString applied = QStringLiteral("kubectl.kubernetes.io/last-applied-configuration");
        const auto withMetadata = [](const QJsonValue &metadata) {
            return QJsonObject{{QStringLiteral("kind"), QStringLiteral("ConfigMap")}, {QStringLiteral("metadata"), metadata},
                               {QStringLiteral("status"), QJsonObject{{QStringLiteral("x"), 1}}}};
        };
        objects.append({cm, withMetadata(QJsonObject{{QStringLiteral("uid"), QStringLiteral("u")},
                                                     {QStringLiteral("annotations"), QJsonObject{{applied, QStringLiteral("{}")}}}})});
        objects.append({cm, withMetadata(QJsonObject{{QStringLiteral("annotations"),
                                                      QJsonObject{{applied, QStringLiteral("{}")}, {QStringLiteral("a"), QStringLiteral("b")}}}})});
        objects.append({cm, withMetadata(QJsonObject{{QStringLiteral("annotations"), QJsonObject()}})});
        objects.append({cm, withMetadata(QStringLiteral("not a map"))});
        objects.append({cm, QJsonObject{{QStringLiteral("kind"), QStringLiteral("ConfigMap")}}});
        for (const auto &[key, object] : objects) {
            auto tree = yaml::CompactTree::fromJson(object);
            normalizeObject(tree, key, ignore);
            QCOMPARE(tree.toJson(tree.root()).toObject(), normalizeObject(object, key, ignore));
        }
    }

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

    // A diff that lets go of the texts it compares is the same diff (as JSON and as stored
    // bytes), though it lists only the objects whose hashes differ; afterwards the objects it
    // compared have no text left (their keys, hashes and locations stay), the unchanged ones
    // keep theirs, and a set shared with another keeps all of its texts.
    void lettingGoOfTextsIsTheSameDiff_data() { golden_data(); }
    void lettingGoOfTextsIsTheSameDiff()
    {
        QFETCH(QString, name);
        QFETCH(QList<IgnoreRule>, ignore);
        const ResourceSet base = load(caseDir(name) + "/base.yaml");
        const ResourceSet head = load(caseDir(name) + "/head.yaml");
        DiffOptions options;
        options.ignore = ignore;
        auto expected = diffResourceSets(base, head, options);
        QVERIFY(expected);

        ResourceSet ownedBase = load(caseDir(name) + "/base.yaml");
        ResourceSet sharedHead = head;
        auto diff = diffResourceSetsLettingGoOfTexts(ownedBase, sharedHead, options);
        QVERIFY(diff);
        QCOMPARE(QJsonDocument(diffToJson(*diff)).toJson(), QJsonDocument(diffToJson(*expected)).toJson());
        // Objects of equal hash are not listed: `unchanged` has them, for every reader.
        QCOMPARE(resourceDiffToBytes(*diff), resourceDiffToBytes(*expected));
        QCOMPARE(allObjects(*diff).size(), expected->objects.size());
        for (const ObjectDiff &o : std::as_const(diff->objects)) {
            const Resource *before = base.find(o.key), *after = head.find(o.key);
            QVERIFY(!before || !after || before->hash != after->hash);
        }
        for (const ObjectDiff &o : std::as_const(diff->objects)) {
            const Resource *before = ownedBase.find(o.key);
            if (!before)
                continue;
            QCOMPARE(before->hash, base.find(o.key)->hash);
            QCOMPARE(before->source(), o.baseLocation);
            const bool compared = !(head.find(o.key) && head.find(o.key)->hash == before->hash);
            QCOMPARE(before->text.isEmpty(), compared);
        }
        for (const Resource &r : sharedHead) // shared with `head`: nothing let go
            QCOMPARE(r.text, head.find(r.key)->text);
    }

    // A diff stored (the review cache) reads back the same, its texts slices of the bytes read;
    // bytes cut short or damaged in their counts and indexes are refused, never a crash.
    // A field value is held as the bytes a stored diff writes, and reads back as the value it was
    // made from: strings (empty too), numbers past a double's precision, other scalars, lists,
    // maps; absent is none of them; bytes of no known form are refused.
    void fieldValueBytesReadBackTheSame()
    {
        const QList<QJsonValue> values{QStringLiteral("web"), QString(), QStringLiteral("say \"hé\"\n"), QJsonValue(qint64(1) << 60),
                                       2.5, true, QJsonValue(QJsonValue::Null), QJsonArray{1, QStringLiteral("a")},
                                       QJsonObject{{QStringLiteral("k"), QJsonArray{}}}};
        for (const QJsonValue &value : values) {
            const FieldValue field(value);
            QVERIFY(!field.isAbsent());
            QCOMPARE(field.toJson(), value);
            const std::optional<FieldValue> read = FieldValue::fromBytes(field.bytes());
            QVERIFY(read);
            QVERIFY(*read == field);
            QVERIFY(!(field == FieldValue()));
        }
        QVERIFY(FieldValue(QJsonValue(QJsonValue::Undefined)).isAbsent());
        QVERIFY(FieldValue::fromBytes(QByteArray())->isAbsent());
        QVERIFY(!FieldValue::fromBytes("x"));
        QVERIFY(!FieldValue::fromBytes("[1"));
        QCOMPARE(fieldValueText(FieldValue(QStringLiteral("true"))), QStringLiteral("\"true\""));
        QCOMPARE(fieldValueText(FieldValue()), QString());
    }

    // A changed field holds the bytes FieldValue makes from the value's QJsonValue, whatever its
    // kind (scalars are made straight from the tree).
    void changedValuesHoldTheirJsonBytes()
    {
        const QList<std::pair<QByteArray, QJsonValue>> values{
            {"web", QStringLiteral("web")},
            {"\"h\u00e9\"", QStringLiteral("h\u00e9")},
            {"\"\"", QString()},
            {"\"8080\"", QStringLiteral("8080")},
            {"8080", 8080},
            {"-5", -5},
            {"0", 0},
            {"1152921504606846976", QJsonValue(qint64(1) << 60)},
            {"-9223372036854775808", QJsonValue(std::numeric_limits<qint64>::min())},
            {"2.5", 2.5},
            {"true", true},
            {"false", false},
            {"null", QJsonValue(QJsonValue::Null)},
            {"{a: 1}", QJsonObject{{QStringLiteral("a"), 1}}},
            {"[1, a]", QJsonArray{1, QStringLiteral("a")}},
        };
        QByteArray before = "v:\n", after = "v:\n";
        for (qsizetype i = 0; i < values.size(); ++i) {
            before += "  f" + QByteArray::number(i) + ": was\n";
            after += "  f" + QByteArray::number(i) + ": " + values[i].first + '\n';
        }
        const auto a = yaml::parseCompact(before, QStringLiteral("before")), b = yaml::parseCompact(after, QStringLiteral("after"));
        QVERIFY(a && b);
        const QList<FieldChange> changes = diffFields(*a, a->root(), *b, b->root());
        QCOMPARE(changes.size(), values.size());
        for (const FieldChange &change : changes) {
            const qsizetype i = change.path.mid(QStringLiteral("v.f").size()).toInt();
            QCOMPARE(change.after.bytes(), FieldValue(values[i].second).bytes());
            QCOMPARE(change.before.bytes(), FieldValue(QJsonValue(QStringLiteral("was"))).bytes());
        }
    }

    // How a field change shows a value: scalars as YAML writes them (only a string a reader would
    // take for another type quoted), lists and maps as compact JSON; the same as UTF-8. Most values
    // are shown straight from their bytes; these pin that they show as the general path did.
    void fieldValueTextShowsValuesAsYamlWrites_data()
    {
        QTest::addColumn<QJsonValue>("value");
        QTest::addColumn<QString>("shown");
        const auto row = [](const char *name, const QJsonValue &value, const QString &shown) {
            QTest::newRow(name) << value << shown;
        };
        row("string", QStringLiteral("web"), QStringLiteral("web"));
        row("string with spaces", QStringLiteral("registry.example.com/app:1.0 x"), QStringLiteral("registry.example.com/app:1.0 x"));
        row("non-ASCII string", QStringLiteral("h\u00e9 \u2192"), QStringLiteral("h\u00e9 \u2192"));
        row("empty string", QString(), QStringLiteral("\"\""));
        row("string true", QStringLiteral("true"), QStringLiteral("\"true\""));
        row("string null", QStringLiteral("null"), QStringLiteral("\"null\""));
        row("string 8080", QStringLiteral("8080"), QStringLiteral("\"8080\""));
        row("string 007", QStringLiteral("007"), QStringLiteral("\"007\""));
        row("string 1.5", QStringLiteral("1.5"), QStringLiteral("\"1.5\""));
        row("string list", QStringLiteral("[a]"), QStringLiteral("\"[a]\""));
        row("string map", QStringLiteral("{a"), QStringLiteral("\"{a\""));
        row("string quoted", QStringLiteral("\"x\""), QStringLiteral("\"\\\"x\\\"\""));
        row("string with a line break", QStringLiteral("a\nb"), QStringLiteral("a\nb")); // a string all the same
        row("string with colon space", QStringLiteral("a: b"), QStringLiteral("a: b"));
        row("integer", 2, QStringLiteral("2"));
        row("zero", 0, QStringLiteral("0"));
        row("negative", -5, QStringLiteral("-5"));
        row("15 digits", QJsonValue(qint64(123456789012345)), QStringLiteral("123456789012345"));
        row("16 digits", QJsonValue(qint64(1234567890123456)), QStringLiteral("1234567890123456"));
        row("past a double", QJsonValue(qint64(1) << 60), QStringLiteral("1152921504606846976"));
        row("double", 2.5, QStringLiteral("2.5"));
        row("true", true, QStringLiteral("true"));
        row("false", false, QStringLiteral("false"));
        row("null", QJsonValue(QJsonValue::Null), QStringLiteral("null"));
        row("list", QJsonArray{1, QStringLiteral("a")}, QStringLiteral("[1,\"a\"]"));
        row("map", QJsonObject{{QStringLiteral("k"), QJsonArray{}}}, QStringLiteral("{\"k\":[]}"));
    }
    void fieldValueTextShowsValuesAsYamlWrites()
    {
        QFETCH(QJsonValue, value);
        QFETCH(QString, shown);
        const FieldValue field(value);
        QCOMPARE(fieldValueText(field), shown);
        QCOMPARE(fieldValueUtf8(field), shown.toUtf8());
        QCOMPARE(fieldValueText(*FieldValue::fromBytes(field.bytes())), shown);
    }

    void storedDiffReadsBackTheSame_data() { golden_data(); }
    void storedDiffReadsBackTheSame()
    {
        QFETCH(QString, name);
        QFETCH(QList<IgnoreRule>, ignore);
        DiffOptions options;
        options.ignore = ignore;
        auto diff = diffResourceSets(load(caseDir(name) + "/base.yaml"), load(caseDir(name) + "/head.yaml"), options);
        QVERIFY(diff);
        const QByteArray bytes = resourceDiffToBytes(*diff);
        const auto read = resourceDiffFromBytes(bytes);
        QVERIFY(read);
        // The changed objects are read at once, the unchanged ones when listed.
        QCOMPARE(read->objects.size(), diff->summary.added + diff->summary.removed + diff->summary.changed);
        QCOMPARE(bool(read->unchanged), diff->summary.unchanged > 0);
        QCOMPARE(QJsonDocument(diffToJson(*read)).toJson(), QJsonDocument(diffToJson(*diff)).toJson());
        QCOMPARE(resourceDiffToBytes(*read), bytes);
        const QList<ObjectDiff> all = allObjects(*read);
        QCOMPARE(all.size(), diff->objects.size());
        for (qsizetype i = 0; i < diff->objects.size(); ++i) {
            const ObjectDiff &expected = diff->objects.at(i), &actual = all.at(i);
            QCOMPARE(actual.key, expected.key);
            QCOMPARE(actual.diff, expected.diff);
            QCOMPARE(actual.beforeYaml, expected.beforeYaml);
            QCOMPARE(actual.afterYaml, expected.afterYaml);
            QCOMPARE(actual.baseLocation.toString(), expected.baseLocation.toString());
            QCOMPARE(actual.headLocation.toString(), expected.headLocation.toString());
            if (!actual.diff.isEmpty()) // a slice: no copy of each text
                QVERIFY(actual.diff.constData() > bytes.constData() && actual.diff.constData() < bytes.constData() + bytes.size());
        }
        for (qsizetype cut = 0; cut < bytes.size(); cut += qMax<qsizetype>(1, bytes.size() / 500))
            QVERIFY(!resourceDiffFromBytes(bytes.first(cut)));
        // Each 32-bit word read as all ones: a huge count, size or index.
        for (qsizetype at = 0; at + 4 <= bytes.size(); at += qMax<qsizetype>(1, bytes.size() / 300)) {
            QByteArray damaged = bytes;
            damaged.replace(at, 4, QByteArray(4, '\xff'));
            (void)resourceDiffFromBytes(damaged);
        }
    }

    // A stored field change reads back with the value and type it had: an integer past 2^53
    // stays that integer (QDataStream would store it as a double), absent stays absent, a string
    // (stored as its bytes) keeps its quotes, line breaks and non-ASCII text, and "" is not absent.
    void storedFieldValuesKeepTheirType()
    {
        const QByteArray base = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\nspec:\n  big: 1152921504606846976\n"
                                "  ratio: 0.5\n  text: '1'\n  flag: true\n  none: null\n  list: [1, b]\n  map: {k: 1}\n  empty: ''\n"
                                "  json: '[1]'\n";
        const QByteArray head = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\nspec:\n  big: 1152921504606846977\n"
                                "  ratio: 0.25\n  text: '2'\n  flag: false\n  none: x\n  list: [2]\n  added: 9007199254740993\n"
                                "  empty: \"say \\\"h\u00e9\\\"\\n{\\\"a\\\": [1]}\\t\"\n  json: \"s\"\n";
        auto diff = diffResourceSets(fromText(base), fromText(head));
        QVERIFY(diff);
        const auto read = resourceDiffFromBytes(resourceDiffToBytes(*diff));
        QVERIFY(read);
        const QList<FieldChange> &expected = diff->objects.at(0).fields;
        const QList<FieldChange> &actual = read->objects.at(0).fields;
        QCOMPARE(actual.size(), expected.size());
        QVERIFY(expected.size() >= 10);
        for (qsizetype i = 0; i < expected.size(); ++i) {
            QCOMPARE(actual[i].path, expected[i].path);
            QCOMPARE(fieldValueText(actual[i].before), fieldValueText(expected[i].before));
            QCOMPARE(fieldValueText(actual[i].after), fieldValueText(expected[i].after));
            QCOMPARE(actual[i].before.isAbsent(), expected[i].before.isAbsent());
            QCOMPARE(actual[i].after.isAbsent(), expected[i].after.isAbsent());
        }
        QCOMPARE(QJsonDocument(diffToJson(*read)).toJson(), QJsonDocument(diffToJson(*diff)).toJson());
        const auto big = std::find_if(actual.begin(), actual.end(), [](const FieldChange &f) { return f.path == QLatin1String("spec.big"); });
        QVERIFY(big != actual.end());
        QCOMPARE(fieldValueText(big->before), QStringLiteral("1152921504606846976"));
        const auto empty = std::find_if(actual.begin(), actual.end(), [](const FieldChange &f) { return f.path == QLatin1String("spec.empty"); });
        QVERIFY(empty != actual.end());
        QVERIFY(empty->before.toJson().isString() && empty->before.toJson().toString().isEmpty());
        QCOMPARE(empty->after.toJson().toString(), QString::fromUtf8("say \"h\u00e9\"\n{\"a\": [1]}\t"));
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

    // Equal structural hashes are unchanged without parsing: the head's texts here differ (and
    // one would not even parse), but carry the base's hashes, so only the shortcut can say
    // "unchanged". A diff that parsed them would report changes or fail.
    void unchangedHashesAreNotParsed()
    {
        const ResourceSet base = load(caseDir("reordered") + "/base.yaml");
        ResourceSet head;
        for (const Resource &resource : base) {
            Resource altered = resource;
            altered.text = resource.key == base.begin()->key ? QByteArray("{ not: [valid") : resource.text + "extra: field\n";
            QVERIFY(head.insert(altered));
        }
        auto diff = diffResourceSets(base, head);
        QVERIFY2(diff, diff ? "" : qPrintable(diff.error().toString()));
        QCOMPARE(diff->summary.unchanged, int(base.size()));
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

    // Issue 13 item 2: masks differ whenever the values differ, whatever their type; a value in
    // `data` (base64) and the same value in `stringData` share a mask; a `data` that is not a
    // map is masked whole. No raw value appears in any output.
    void secretMasksFollowValues_data()
    {
        QTest::addColumn<QByteArray>("before"); // the Secret's body after its metadata
        QTest::addColumn<QByteArray>("after");
        QTest::addColumn<bool>("changed");
        QTest::newRow("list in stringData") << QByteArray("stringData: {k: [SEKRIT-a, SEKRIT-b]}")
                                            << QByteArray("stringData: {k: [SEKRIT-a, SEKRIT-c]}") << true;
        QTest::newRow("map in stringData") << QByteArray("stringData: {k: {x: SEKRIT-1}}")
                                           << QByteArray("stringData: {k: {x: SEKRIT-2}}") << true;
        QTest::newRow("string vs bool") << QByteArray("stringData: {k: \"true\"}") << QByteArray("stringData: {k: true}") << true;
        QTest::newRow("string vs number") << QByteArray("stringData: {k: \"12\"}") << QByteArray("stringData: {k: 12}") << true;
        QTest::newRow("equal lists") << QByteArray("stringData: {k: [SEKRIT-a]}") << QByteArray("stringData: {k: [SEKRIT-a]}")
                                     << false;
        QTest::newRow("data not a map (string)") << QByteArray("data: U0VLUklULW9sZA==") << QByteArray("data: U0VLUklULW5ldw==")
                                                 << true;
        QTest::newRow("data not a map (list)") << QByteArray("data: [SEKRIT-a]") << QByteArray("data: [SEKRIT-b]") << true;
    }
    void secretMasksFollowValues()
    {
        QFETCH(QByteArray, before);
        QFETCH(QByteArray, after);
        QFETCH(bool, changed);
        const QByteArray head = "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n";
        auto diff = diffResourceSets(fromText(head + before + '\n'), fromText(head + after + '\n'));
        QVERIFY2(diff, diff ? "" : qPrintable(diff.error().message));
        QCOMPARE(diff->summary.changed, changed ? 1 : 0);
        QByteArray text = QJsonDocument(diffToJson(*diff)).toJson();
        for (const ObjectDiff &o : diff->objects) {
            text += o.diff + o.beforeYaml + o.afterYaml;
            for (const FieldChange &f : o.fields)
                text += fieldValueText(f.before).toUtf8() + fieldValueText(f.after).toUtf8();
        }
        QVERIFY2(!text.contains("SEKRIT") && !text.contains("U0VLUklU"), text.constData());
        if (changed)
            QVERIFY2(!diff->objects.first().fields.isEmpty(), "a changed Secret names the changed key");
    }

    // The masks `render -o yaml` shows: `data` compared decoded, `stringData` as is, a `data`
    // that is not a map one mask (not dropped, not an empty map).
    void secretDisplayMasks()
    {
        const ResourceSet set = fromText("apiVersion: v1\nkind: Secret\nmetadata: {name: a}\n"
                                         "data: {one: U0VLUklULXNhbWU=, two: U0VLUklULW90aGVy}\n"
                                         "stringData: {three: SEKRIT-same, four: U0VLUklULXNhbWU=}\n"
                                         "---\napiVersion: v1\nkind: Secret\nmetadata: {name: b}\ndata: U0VLUklULXNhbWU=\n"
                                         "---\napiVersion: v1\nkind: Secret\nmetadata: {name: c}\ndata: [x]\n");
        SecretMasker masker;
        QList<QJsonObject> trees;
        for (const Resource &resource : set) {
            auto tree = displayTree(resource, {}, masker);
            QVERIFY(tree);
            trees << tree->toJson(tree->root()).toObject();
        }
        QCOMPARE(trees.size(), 3);
        const QJsonObject data = trees[0].value("data").toObject();
        const QJsonObject stringData = trees[0].value("stringData").toObject();
        QCOMPARE(data.value("one").toString(), stringData.value("three").toString());
        QVERIFY(data.value("one") != data.value("two"));
        QVERIFY(stringData.value("four") != stringData.value("three")); // base64 text in stringData is its own value
        QCOMPARE(trees[1].value("data").toString(), data.value("one").toString()); // decoded, the same value
        QVERIFY(trees[2].value("data").isString());
        QVERIFY(trees[2].value("data").toString().startsWith("<secret value #"));
        QVERIFY(trees[2].value("data") != trees[1].value("data"));
    }

    // Issue 13 item 10: a reorder of a keyed list is a field change naming both orders, and
    // values show their YAML type.
    void reorderAndTypedValues_data()
    {
        QTest::addColumn<QByteArray>("before");
        QTest::addColumn<QByteArray>("after");
        QTest::addColumn<QStringList>("fields"); // "path: before → after"
        const QByteArray deploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n";
        QTest::newRow("initContainers")
            << deploy + "      initContainers: [{name: a, image: x}, {name: b, image: y}]\n"
            << deploy + "      initContainers: [{name: b, image: y}, {name: a, image: x}]\n"
            << QStringList{"spec.template.spec.initContainers: order a,b → order b,a"};
        QTest::newRow("env, one value changed too")
            << deploy + "      containers: [{name: c, env: [{name: A, value: \"1\"}, {name: B, value: $(A)}]}]\n"
            << deploy + "      containers: [{name: c, env: [{name: B, value: $(A)}, {name: A, value: \"2\"}]}]\n"
            << QStringList{"spec.template.spec.containers[name=c].env[name=A].value: \"1\" → \"2\"",
                           "spec.template.spec.containers[name=c].env: order A,B → order B,A"};
        const QByteArray rule = "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: r}\nspec:\n";
        QTest::newRow("PrometheusRule groups, one added")
            << rule + "  groups: [{name: g1, rules: []}, {name: g2, rules: []}]\n"
            << rule + "  groups: [{name: g2, rules: []}, {name: g3, rules: []}, {name: g1, rules: []}]\n"
            << QStringList{"spec.groups[name=g3]:  → {\"name\":\"g3\",\"rules\":[]}", "spec.groups: order g1,g2 → order g2,g3,g1"};
        QTest::newRow("added item, same order") << rule + "  groups: [{name: g1}, {name: g2}]\n"
                                                << rule + "  groups: [{name: g1}, {name: g0}, {name: g2}]\n"
                                                << QStringList{"spec.groups[name=g0]:  → {\"name\":\"g0\"}"};
        const QByteArray cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n";
        QTest::newRow("string vs bool") << cm + "data: {a: \"true\"}\n" << cm + "data: {a: true}\n"
                                        << QStringList{"data.a: \"true\" → true"};
        QTest::newRow("string vs number, null, empty")
            << cm + "data: {a: \"1.5\", b: \"null\", c: \"\", d: x}\n" << cm + "data: {a: 1.5, b: null, c: y, d: \"[x]\"}\n"
            << QStringList{"data.a: \"1.5\" → 1.5", "data.b: \"null\" → null", "data.c: \"\" → y", "data.d: x → \"[x]\""};
    }
    void reorderAndTypedValues()
    {
        QFETCH(QByteArray, before);
        QFETCH(QByteArray, after);
        QFETCH(QStringList, fields);
        auto diff = diffResourceSets(fromText(before), fromText(after));
        QVERIFY2(diff, diff ? "" : qPrintable(diff.error().message));
        QCOMPARE(diff->summary.changed, 1);
        QStringList actual;
        for (const FieldChange &f : diff->objects.first().fields)
            actual << f.path + ": " + fieldValueText(f.before) + " → " + fieldValueText(f.after);
        QCOMPARE(actual, fields);
    }

    // Ignore rules: the namespace filter, RFC 6901 unescaping (~1 is "/", ~0 is "~", in that
    // order) and the `core` alias of the empty group each decide whether a change counts.
    void ignoreRuleMatching_data()
    {
        QTest::addColumn<IgnoreRule>("rule");
        QTest::addColumn<bool>("changed");
        const QStringList annotations{"/metadata/annotations/a~1b", "/metadata/annotations/c~0d",
                                      "/metadata/annotations/e~01f"};
        QTest::newRow("escaped pointers") << IgnoreRule{{}, {}, {}, {}, annotations + QStringList{"/data/x"}} << false;
        QTest::newRow("unescaped pointer misses") << IgnoreRule{{}, {}, {}, {}, {"/metadata/annotations/a/b", "/data/x"}}
                                                  << true;
        QTest::newRow("core group") << IgnoreRule{"core", "ConfigMap", {}, {}, annotations + QStringList{"/data/x"}} << false;
        QTest::newRow("another group") << IgnoreRule{"apps", "ConfigMap", {}, {}, annotations + QStringList{"/data/x"}}
                                       << true;
        QTest::newRow("its namespace") << IgnoreRule{{}, {}, "shop", "c", annotations + QStringList{"/data/x"}} << false;
        QTest::newRow("another namespace") << IgnoreRule{{}, {}, "other", "c", annotations + QStringList{"/data/x"}}
                                           << true;
    }
    void ignoreRuleMatching()
    {
        QFETCH(IgnoreRule, rule);
        QFETCH(bool, changed);
        const QByteArray cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations:\n";
        const ResourceSet base = fromText(cm + "    a/b: \"1\"\n    c~d: \"1\"\n    e~1f: \"1\"\ndata: {x: \"1\"}\n");
        const ResourceSet head = fromText(cm + "    a/b: \"2\"\n    c~d: \"2\"\n    e~1f: \"2\"\ndata: {x: \"2\"}\n");
        DiffOptions options;
        options.ignore = {rule};
        auto diff = diffResourceSets(base, head, options);
        QVERIFY(diff);
        QCOMPARE(diff->summary.changed, changed ? 1 : 0);
    }
};

QTEST_GUILESS_MAIN(TestResourceDiff)
#include "tst_resourcediff.moc"
