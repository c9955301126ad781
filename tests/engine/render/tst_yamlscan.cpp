// Scanning manifest streams: keys, hashes, flattening, and every way input can be bad.

#include "common/Corpus.h"
#include "render/Scope.h"
#include "render/StructuralHash.h"
#include "render/YamlScan.h"
#include "render/YamlScalar.h"
#include "render/YamlTree.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace sluice;

// Both tree builders give the same value (the same YAML, the same hash) or the same error.
static void sameTrees(const QByteArray &text)
{
    const auto viaJson = yaml::parseDocument(text, QStringLiteral("t.yaml"), 3);
    const auto byNodes = yaml::parseDocumentByNodes(text, QStringLiteral("t.yaml"), 3);
    QCOMPARE(bool(viaJson), bool(byNodes));
    if (!viaJson) {
        QCOMPARE(viaJson.error().message, byNodes.error().message);
        return;
    }
    QCOMPARE(yaml::toYaml(*viaJson), yaml::toYaml(*byNodes));
    QCOMPARE(hashing::hashJson(*viaJson), hashing::hashJson(*byNodes));
    if (!text.contains("nan")) // NaN is not equal to itself
        QCOMPARE(*viaJson, *byNodes);
}

// What the compact reader reads is the tree parseDocument builds (it leaves the rest to it).
// Returns whether it read the text.
static bool sameCompactTree(const QByteArray &text)
{
    const auto compact = yaml::parseCompact(text, QStringLiteral("t.yaml"), 3);
    if (!compact)
        return false;
    const auto viaJson = yaml::parseDocument(text, QStringLiteral("t.yaml"), 3);
    [&] {
        QVERIFY2(viaJson, "the compact reader read what parseDocument refuses");
        QCOMPARE(compact->toJson(compact->root()), *viaJson);
        QCOMPARE(yaml::toYaml(*compact, compact->root()), yaml::toYaml(*viaJson));
        const auto converted = yaml::CompactTree::fromJson(*viaJson);
        QVERIFY(converted.equal(converted.root(), *compact, compact->root()));
        QCOMPARE(yaml::toYaml(converted, converted.root()), yaml::toYaml(*compact, compact->root()));
    }();
    return true;
}

// Node by node, types included (equal() has an integer equal to the double of its value).
static bool sameNodes(const yaml::CompactTree &a, yaml::CompactTree::Node x, const yaml::CompactTree &b, yaml::CompactTree::Node y)
{
    using Type = yaml::CompactTree::Type;
    if (a.type(x) != b.type(y) || a.size(x) != b.size(y))
        return false;
    switch (a.type(x)) {
    case Type::Null: return true;
    case Type::Bool: return a.boolean(x) == b.boolean(y);
    case Type::Integer: return a.integer(x) == b.integer(y);
    case Type::Double: return a.number(x) == b.number(y);
    case Type::String: return a.string(x) == b.string(y);
    case Type::Map:
        for (qsizetype i = 0; i < a.size(x); ++i) {
            if (a.key(x, i) != b.key(y, i) || !sameNodes(a, a.value(x, i), b, b.value(y, i)))
                return false;
        }
        return true;
    case Type::Sequence:
        for (qsizetype i = 0; i < a.size(x); ++i) {
            if (!sameNodes(a, a.item(x, i), b, b.item(y, i)))
                return false;
        }
        return true;
    }
    return false;
}

// What the JSON reader reads is QJsonDocument's tree, converted. Returns whether it read the text.
static bool sameCompactJson(const QByteArray &text)
{
    const auto compact = yaml::parseCompactJson(text);
    if (!compact)
        return false;
    [&] {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(text, &error);
        QVERIFY2(error.error == QJsonParseError::NoError, "the JSON reader read what QJsonDocument refuses");
        const auto converted = yaml::CompactTree::fromJson(doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object()));
        QVERIFY(sameNodes(*compact, compact->root(), converted, converted.root()));
    }();
    return true;
}

class TestYamlScan : public QObject
{
    Q_OBJECT

private:
    static ResourceSet scopedOrFail(const QByteArray &text, const QString &ns = QStringLiteral("shop"))
    {
        auto scanned = scanManifests(text, QStringLiteral("in.yaml"));
        if (!scanned)
            qWarning() << scanned.error().toString();
        if (!scanned)
            return {};
        auto set = scopeResources(*scanned, ns);
        if (!set)
            qWarning() << set.error().toString();
        return set ? *set : ResourceSet();
    }

    static quint64 hashOf(const QByteArray &text)
    {
        auto scanned = scanManifests(text, QStringLiteral("in.yaml"));
        if (!scanned || scanned->resources.size() != 1)
            return 0;
        return scanned->resources.first().hash;
    }

private slots:
    void keysAndScopes_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QStringList>("keys");
        QTest::newRow("defaulted namespace") << QByteArray("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n")
                                             << QStringList{"/ConfigMap/shop/a"};
        QTest::newRow("explicit namespace") << QByteArray("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: prod}\n")
                                            << QStringList{"apps/Deployment/prod/web"};
        QTest::newRow("cluster-scoped drops namespace")
            << QByteArray("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: r\n  namespace: x\n")
            << QStringList{"rbac.authorization.k8s.io/ClusterRole//r"};
        QTest::newRow("multi-document, empty documents skipped")
            << QByteArray("---\n# only a comment\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n---\n---\n"
                          "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n...\n")
            << QStringList{"/Namespace//shop", "/Service/shop/web"};
        QTest::newRow("List flattened")
            << QByteArray("apiVersion: v1\nkind: ConfigMapList\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n"
                          "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: b, namespace: other}\n")
            << QStringList{"/ConfigMap/other/b", "/ConfigMap/shop/a"};
        QTest::newRow("CRD declares a cluster-scoped kind")
            << QByteArray("apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: widgets.acme.io}\n"
                          "spec:\n  group: acme.io\n  scope: Cluster\n  names: {kind: Widget, plural: widgets}\n---\n"
                          "apiVersion: acme.io/v1\nkind: Widget\nmetadata: {name: w}\n---\n"
                          "apiVersion: acme.io/v1\nkind: Gadget\nmetadata: {name: g}\n")
            << QStringList{"acme.io/Gadget/shop/g", "acme.io/Widget//w",
                           "apiextensions.k8s.io/CustomResourceDefinition//widgets.acme.io"};
        QTest::newRow("JSON-style flow document") << QByteArray("{\"apiVersion\": \"v1\", \"kind\": \"Secret\", \"metadata\": {\"name\": \"s\"}}")
                                                  << QStringList{"/Secret/shop/s"};
    }
    void keysAndScopes()
    {
        QFETCH(QByteArray, text);
        QFETCH(QStringList, keys);
        const ResourceSet set = scopedOrFail(text);
        QStringList actual;
        for (const Resource &resource : set)
            actual << resource.key.toString();
        QCOMPARE(actual, keys);
    }

    void sourceLines()
    {
        const QByteArray text = "# header\napiVersion: v1\nkind: A\nmetadata: {name: a}\n---\n\napiVersion: v1\nkind: B\nmetadata: {name: b}\n";
        auto scanned = scanManifests(text, QStringLiteral("dir/f.yaml"));
        QVERIFY(scanned);
        QCOMPARE(scanned->resources.size(), 2);
        QCOMPARE(scanned->resources[0].location(), QStringLiteral("dir/f.yaml:2"));
        QCOMPARE(scanned->resources[1].location(), QStringLiteral("dir/f.yaml:7"));
        QVERIFY(scanned->resources[1].text.startsWith("apiVersion: v1\nkind: B"));
        auto tree = scanned->resources[1].parseTree();
        QVERIFY(tree);
        QCOMPARE(tree->value("kind").toString(), QStringLiteral("B"));
    }

    // libyaml counts characters; object texts are sliced by bytes.
    void nonAsciiTextSlicesByBytes()
    {
        const QByteArray text = "apiVersion: v1\nkind: A\nmetadata: {name: a}\ndata: {d: \"gr\xc3\xbc\xc3\x9f \xe2\x86\x92 \xf0\x9f\x9a\x80\"}\n---\n"
                                "apiVersion: v1\nkind: B\nmetadata: {name: b}\n";
        auto scanned = scanManifests(text, QStringLiteral("u.yaml"));
        QVERIFY(scanned);
        QCOMPARE(scanned->resources.size(), 2);
        QVERIFY(scanned->resources[0].text.endsWith("\xf0\x9f\x9a\x80\"}\n"));
        QCOMPARE(scanned->resources[1].text, QByteArray("apiVersion: v1\nkind: B\nmetadata: {name: b}\n"));
        auto tree = scanned->resources[0].parseTree();
        QVERIFY(tree);
        QCOMPARE(tree->value("data").toObject().value("d").toString(), QString::fromUtf8("gr\xc3\xbc\xc3\x9f \xe2\x86\x92 \xf0\x9f\x9a\x80"));

        // Characters are counted eight ASCII bytes at a time: wide characters at every offset of
        // long lines, and documents after them.
        QList<QByteArray> documents;
        for (int shift = 0; shift < 9; ++shift) {
            documents << "apiVersion: v1\nkind: C\nmetadata:\n  name: c" + QByteArray::number(shift) + "\n  annotations:\n    note: " +
                             QByteArray(shift, 'x') + "\xc3\xa9 abcdefghijklmnopqrstuvwxyz \xe2\x86\x92\xf0\x9f\x9a\x80 0123456789abcdef\n";
        }
        auto many = scanManifests(documents.join("---\n"), QStringLiteral("many.yaml"));
        QVERIFY(many);
        QCOMPARE(many->resources.size(), documents.size());
        for (int i = 0; i < documents.size(); ++i)
            QCOMPARE(many->resources[i].text, documents[i]);
    }

    // Pinned: the render cache stores these hashes and later processes (and other machines)
    // compare with them, so they must never depend on a per-process seed.
    void hashIsTheSameInEveryProcess()
    {
        const QByteArray object = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web, namespace: shop}\n"
                                  "data: {LOG_LEVEL: info, replicas: 3, enabled: true, empty: null}\n";
        QCOMPARE(hashOf(object), Q_UINT64_C(12258978944265515062));
        QCOMPARE(hashing::hashString("metadata"), Q_UINT64_C(3337620466590267025));
        QCOMPARE(hashing::hashBytes("0123456789abcdef-tail", 42), Q_UINT64_C(16450359113518111324));
        const QByteArray entry = QByteArray("0123456789abcdef").repeated(5) + "-tail"; // lanes, 16 bytes, a tail
        QCOMPARE(hashing::checksum(entry, 42), Q_UINT64_C(13785105768168899680));
        // A multiplication takes two words: swapped, they are another checksum.
        const QByteArray swapped = entry.mid(8, 8) + entry.left(8) + entry.mid(16);
        QVERIFY(hashing::checksum(swapped, 42) != hashing::checksum(entry, 42));
        QByteArray flipped = entry;
        for (qsizetype i = 0; i < entry.size(); ++i) {
            flipped[i] = char(entry[i] ^ 1);
            QVERIFY(hashing::checksum(flipped, 42) != hashing::checksum(entry, 42));
            flipped[i] = entry[i];
        }
    }

    void hashIgnoresFormatting_data()
    {
        QTest::addColumn<QByteArray>("a");
        QTest::addColumn<QByteArray>("b");
        QTest::addColumn<bool>("equal");
        const QByteArray base = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: '1'\n  y: hello\n";
        QTest::newRow("identical") << base << base << true;
        QTest::newRow("comments and blank lines")
            << base << QByteArray("# c\napiVersion: v1 # trailing\nkind: ConfigMap\n\nmetadata:\n  name: a\ndata:\n  x: '1'\n  y: hello\n") << true;
        QTest::newRow("key order") << base << QByteArray("kind: ConfigMap\ndata:\n  y: hello\n  x: '1'\nmetadata: {name: a}\napiVersion: v1\n") << true;
        QTest::newRow("quoting style") << base << QByteArray("apiVersion: \"v1\"\nkind: ConfigMap\nmetadata:\n  name: \"a\"\ndata:\n  x: \"1\"\n  y: 'hello'\n") << true;
        QTest::newRow("flow vs block") << base << QByteArray("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\"},\"data\":{\"x\":\"1\",\"y\":\"hello\"}}") << true;
        QTest::newRow("value changed") << base << QByteArray("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: '1'\n  y: hellO\n") << false;
        QTest::newRow("string vs int") << QByteArray("apiVersion: v1\nkind: A\nmetadata: {name: a}\nspec: {n: '1'}\n")
                                       << QByteArray("apiVersion: v1\nkind: A\nmetadata: {name: a}\nspec: {n: 1}\n") << false;
        QTest::newRow("int spellings") << QByteArray("apiVersion: v1\nkind: A\nmetadata: {name: a}\nspec: {n: 0x10}\n")
                                       << QByteArray("apiVersion: v1\nkind: A\nmetadata: {name: a}\nspec: {n: 16}\n") << true;
        QTest::newRow("list order matters") << QByteArray("apiVersion: v1\nkind: A\nmetadata: {name: a}\nspec: {l: [1, 2]}\n")
                                            << QByteArray("apiVersion: v1\nkind: A\nmetadata: {name: a}\nspec: {l: [2, 1]}\n") << false;
        QTest::newRow("moved value between keys") << QByteArray("apiVersion: v1\nkind: A\nmetadata: {name: a}\nspec: {p: x, q: y}\n")
                                                  << QByteArray("apiVersion: v1\nkind: A\nmetadata: {name: a}\nspec: {p: y, q: x}\n") << false;
    }
    void hashIgnoresFormatting()
    {
        QFETCH(QByteArray, a);
        QFETCH(QByteArray, b);
        QFETCH(bool, equal);
        const quint64 ha = hashOf(a);
        const quint64 hb = hashOf(b);
        QVERIFY(ha != 0 && hb != 0);
        QCOMPARE(ha == hb, equal);
    }

    void errors_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("malformed") << QByteArray("apiVersion: v1\nkind: A\nmetadata:\n  name: a\n   bad: [\n") << QStringLiteral("f.yaml:5:");
        QTest::newRow("no name") << QByteArray("apiVersion: v1\nkind: A\nmetadata: {}\n") << QStringLiteral("f.yaml:1: object has no metadata.name");
        QTest::newRow("no kind") << QByteArray("---\napiVersion: v1\nmetadata: {name: a}\n") << QStringLiteral("f.yaml:2: object has no kind");
        QTest::newRow("no apiVersion") << QByteArray("kind: A\nmetadata: {name: a}\n") << QStringLiteral("f.yaml:1: object has no apiVersion");
        QTest::newRow("not a mapping") << QByteArray("- a\n- b\n") << QStringLiteral("f.yaml:1: document is not a Kubernetes object");
        QTest::newRow("duplicate key") << QByteArray("apiVersion: v1\nkind: A\nmetadata:\n  name: a\n  name: b\n") << QStringLiteral("f.yaml:5:3: duplicate key \"name\"");
        QTest::newRow("unknown alias") << QByteArray("apiVersion: v1\nkind: A\nmetadata: {name: *x}\n") << QStringLiteral("unknown alias");
        QTest::newRow("too deep") << (QByteArray("apiVersion: v1\nkind: A\nmetadata: {name: a}\nspec: ") + QByteArray(1000, '[') + QByteArray(1000, ']') + "\n")
                                  << QStringLiteral("nesting deeper than");
    }
    void errors()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, expected);
        auto scanned = scanManifests(text, QStringLiteral("f.yaml"));
        QVERIFY(!scanned);
        QVERIFY2(scanned.error().message.contains(expected), qPrintable(scanned.error().message));
        QCOMPARE(scanned.error().category, ErrorCategory::Yaml);
    }

    void duplicateObjectsAcrossDocuments()
    {
        auto scanned = scanManifests("apiVersion: v1\nkind: A\nmetadata: {name: a}\n---\napiVersion: v1\nkind: A\nmetadata: {name: a, namespace: shop}\n",
                                     QStringLiteral("f.yaml"));
        QVERIFY(scanned);
        auto set = scopeResources(*scanned, QStringLiteral("shop"));
        QVERIFY(!set);
        QVERIFY2(set.error().message.contains(QStringLiteral("duplicate object A shop/a: f.yaml:1 and f.yaml:5")),
                 qPrintable(set.error().message));
    }

    // "Billion laughs": each level doubles; expanded it would be 2^40 nodes.
    void aliasBombIsBounded()
    {
        QByteArray text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\nx0: &a0 [lol, lol]\n";
        for (int i = 1; i < 40; ++i)
            text += QByteArray("x") + QByteArray::number(i) + ": &a" + QByteArray::number(i) + " [*a" + QByteArray::number(i - 1) +
                    ", *a" + QByteArray::number(i - 1) + "]\n";
        QElapsedTimer timer;
        timer.start();
        auto scanned = scanManifests(text, QStringLiteral("bomb.yaml"));
        QVERIFY(!scanned);
        QVERIFY2(scanned.error().message.contains(QStringLiteral("excessive aliasing")), qPrintable(scanned.error().message));
        auto tree = yaml::parseDocument(text, QStringLiteral("bomb.yaml"));
        QVERIFY(!tree);
        QVERIFY(tree.error().message.contains(QStringLiteral("bomb.yaml:")));
        qInfo() << "alias bomb refused in" << timer.elapsed() << "ms";
    }

    void modestAliasesAreFine()
    {
        const QByteArray text = "apiVersion: v1\nkind: A\nmetadata: {name: a, labels: &l {app: web}}\nspec:\n  selector: *l\n";
        auto scanned = scanManifests(text, QStringLiteral("f.yaml"));
        QVERIFY(scanned);
        auto tree = scanned->resources.first().parseTree();
        QVERIFY(tree);
        QCOMPARE(tree->value("spec").toObject().value("selector").toObject().value("app").toString(), QStringLiteral("web"));
        // Same object written without aliases hashes the same.
        QCOMPARE(scanned->resources.first().hash,
                 hashOf("apiVersion: v1\nkind: A\nmetadata: {name: a, labels: {app: web}}\nspec:\n  selector: {app: web}\n"));
    }

    void largeDocument()
    {
        // A 50 MB ConfigMap: many keys with long values.
        QByteArray text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n";
        const QByteArray value(1000, 'x');
        for (int i = 0; text.size() < 50 * 1024 * 1024; ++i)
            text += "  key" + QByteArray::number(i) + ": " + value + "\n";
        QElapsedTimer timer;
        timer.start();
        auto scanned = scanManifests(text, QStringLiteral("big.yaml"));
        QVERIFY2(scanned, scanned ? "" : qPrintable(scanned.error().message));
        QCOMPARE(scanned->resources.size(), 1);
        QCOMPARE(scanned->resources.first().text.size(), text.size());
        qInfo() << "50 MB document scanned in" << timer.elapsed() << "ms";
    }

    // A stream of 8 MiB or more is scanned in parts at once, cut at its document markers: the same
    // objects, lines, texts, hashes and CRD scopes in the same order as one pass (a stream that
    // ends with "..." cannot be cut: it is read in one pass), and an error in any part names the
    // line one pass names.
    void largeStreamScannedInPartsAsInOnePass()
    {
        QByteArray text = "# a comment before the first document\n";
        for (int i = 0; text.size() < 12 * 1024 * 1024; ++i) {
            const QByteArray n = QByteArray::number(i);
            switch (i % 5) {
            case 0:
                text += "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-" + n + ", namespace: ns}\ndata:\n  k: \"" + n + "\"\n";
                break;
            case 1:
                text += "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Service, metadata: {name: svc-" + n + "}}\n"
                        "- {apiVersion: v1, kind: Secret, metadata: {name: s-" + n + "}, stringData: {a: b}}\n";
                break;
            case 2:
                text += "# only a comment: an empty document\n";
                break;
            case 3:
                text += "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: w" + n +
                        ".example.com}\nspec:\n  group: example.com\n  names: {kind: W" + n + "}\n  scope: Cluster\n";
                break;
            default:
                text += "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d-" + n + "\nspec:\n  template:\n    spec:\n"
                        "      containers:\n      - name: main\n        args: |\n          --- not a marker: indented\n          x\n";
            }
            text += i % 7 == 0 ? "--- # a marker with a comment\n" : "---\n";
        }
        auto parts = scanManifests(text, QStringLiteral("big.yaml"), 3);
        auto onePass = scanManifests(text + "...\n", QStringLiteral("big.yaml"), 3);
        QVERIFY2(parts, parts ? "" : qPrintable(parts.error().toString()));
        QVERIFY2(onePass, onePass ? "" : qPrintable(onePass.error().toString()));
        QVERIFY(parts->resources.size() > 50000);
        QCOMPARE(parts->resources.size(), onePass->resources.size());
        for (qsizetype i = 0; i < parts->resources.size(); ++i) {
            const Resource &a = parts->resources.at(i), &b = onePass->resources.at(i);
            QCOMPARE(a.key, b.key);
            QCOMPARE(a.location(), b.location());
            QCOMPARE(a.apiVersion, b.apiVersion);
            QCOMPARE(a.hash, b.hash);
            QCOMPARE(a.text, b.text);
        }
        QCOMPARE(parts->crds.size(), onePass->crds.size());
        QVERIFY(!parts->crds.isEmpty());
        for (qsizetype i = 0; i < parts->crds.size(); ++i)
            QCOMPARE(parts->crds.at(i).kind, onePass->crds.at(i).kind);

        const qsizetype middle = text.indexOf("kind: ConfigMap", text.size() / 2 + 1000);
        text.insert(middle, "kind: [unclosed\n");
        auto broken = scanManifests(text, QStringLiteral("big.yaml"), 3);
        auto brokenOnePass = scanManifests(text + "...\n", QStringLiteral("big.yaml"), 3);
        QVERIFY(!broken && !brokenOnePass);
        QCOMPARE(broken.error().toString(), brokenOnePass.error().toString());
        QVERIFY2(broken.error().toString().contains(QStringLiteral("big.yaml:%1:").arg(text.left(middle).count('\n') + 3 + 1)),
                 qPrintable(broken.error().toString()));
    }

    void scalarsResolveLikeKubernetes()
    {
        auto tree = yaml::parseDocument("a: 1\nb: '1'\nc: true\nd: ~\ne: 1.5\nf: yes\ng: 0o17\nh: =\ni: !!str 12\n", QStringLiteral("s.yaml"));
        QVERIFY(tree);
        const QJsonObject o = tree->toObject();
        QVERIFY(o.value("a").isDouble());
        QCOMPARE(o.value("a").toInteger(), 1);
        QCOMPARE(o.value("b").toString(), QStringLiteral("1"));
        QCOMPARE(o.value("c").toBool(), true);
        QVERIFY(o.value("d").isNull());
        QCOMPARE(o.value("e").toDouble(), 1.5);
        QCOMPARE(o.value("f").toString(), QStringLiteral("yes")); // YAML 1.2: not a bool
        QCOMPARE(o.value("g").toInteger(), 15);
        QCOMPARE(o.value("h").toString(), QStringLiteral("="));
        QCOMPARE(o.value("i").toString(), QStringLiteral("12"));
    }

    // parseDocument (through JSON text) and parseDocumentByNodes build the same value, or fail
    // with the same error, for every kind of scalar, tag, anchor, key and mistake.
    void treeBuildersAgree_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("numbers") << QByteArray("a: 1\nb: 1.0\nc: 1e3\nd: 9007199254740993\ne: -9223372036854775808\nf: 0x1f\n"
                                               "g: 0o17\nh: +12\ni: 1.5e-7\nj: 1e400\nk: 0.1\nl: -3\n");
        QTest::newRow("floats JSON cannot hold") << QByteArray("a: .inf\nb: -.Inf\nc: .nan\nd: -0.0\ne: 1\n");
        QTest::newRow("strings") << QByteArray("a: \"q\\\"uote\\\\back\\ttab\\u0001ctl \\u00e9\"\nb: 'it''s'\nc: |\n  line1\n  line2\n"
                                               "d: \xc3\xbcn\xc3\xaf\ne: ''\nf: \"\\0nul\"\ng: >\n  folded\n  text\n");
        QTest::newRow("tags") << QByteArray("a: !!str 123\nb: !!int \"7\"\nc: !custom 5\nd: !!null ''\ne: !!binary aGk=\nf: !!float 2\n");
        QTest::newRow("nulls and bools") << QByteArray("a: ~\nb: null\nc:\nd: true\ne: False\nf: yes\ng: NULL\n");
        QTest::newRow("anchors") << QByteArray("base: &b {x: 1, y: [1, 2, {z: q}]}\nother: *b\nlist: [*b, *b]\nk: &kk key\n*kk : v\n"
                                               "&ak anchored: 1\nagain: *ak\n");
        QTest::newRow("alias of a map as a key") << QByteArray("m: &m {a: 1}\n*m : x\n");
        QTest::newRow("a sequence as a key") << QByteArray("? [a, b]\n: v\n");
        QTest::newRow("duplicate key") << QByteArray("a: 1\nb: 2\na: 3\n");
        QByteArray many;
        for (int i = 0; i < 40; ++i)
            many += "k" + QByteArray::number(i) + ": " + QByteArray::number(i) + "\n";
        QTest::newRow("many keys") << many;
        QTest::newRow("duplicate among many keys") << many + "k3: again\n";
        QTest::newRow("duplicate through an alias") << QByteArray("k: &x a\na: 1\n*x : 2\n");
        QTest::newRow("duplicate through an anchored key, then a mistake") << QByteArray("{&x a: 1, b: 2, *x : 3, ]\n");
        QTest::newRow("an anchored key's alias as a value") << QByteArray("{&x a: 1, b: *x}\n");
        QTest::newRow("error inside a key first") << QByteArray("? {a: 1, a: 2}\n: v\n");
        QTest::newRow("unknown alias") << QByteArray("a: *nope\n");
        QTest::newRow("scalar root") << QByteArray("hello\n");
        QTest::newRow("sequence root") << QByteArray("- 1\n- a\n- {b: [c]}\n");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("empty document") << QByteArray("---\n");
        QTest::newRow("comment only") << QByteArray("# only a comment\n");
        QTest::newRow("two documents") << QByteArray("a: 1\n---\nb: 2\n");
        QTest::newRow("too deep") << QByteArray("a: ") + QByteArray(201, '[') + QByteArray(201, ']') + "\n";
        QTest::newRow("odd keys") << QByteArray("\"a\\\"b\": 1\n\"\": 2\n\"1\": 3\n? |\n  block key\n: 4\n");
        QTest::newRow("not UTF-8") << QByteArray("a: b\xff\xfe\n");
        QTest::newRow("malformed") << QByteArray("a: [1, 2\n");
        QTest::newRow("json") << QByteArray("{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [{\"a\": 1.5, \"b\": null, \"c\": \"\\u00e9\"}]}");
    }

    void treeBuildersAgree()
    {
        QFETCH(QByteArray, text);
        sameTrees(text);
        sameCompactTree(text);
    }

    void compactReaderReadsWhatRenderersPrint_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<bool>("read"); // false: left to parseDocument
        const auto row = [](const char *name, const QByteArray &text, bool read) { QTest::newRow(name) << text << read; };
        row("object", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels: {app: web}\nspec:\n"
                      "  replicas: 2\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.25\n"
                      "        ports:\n        - containerPort: 80\n        env: []\n", true);
        row("numbers", "a: 1\nb: 1.0\nc: 1e3\nd: 9007199254740993\ne: -9223372036854775808\nf: 0x1f\ng: 1e400\nh: 0.1\n", true);
        row("strings", "a: \"q\\\"uote\\ttab \\u00e9\"\nb: 'it''s'\nc: |\n  line1\n  line2\nd: \xc3\xbcn\xc3\xaf\ne: ''\n", true);
        row("tags", "a: !!str 123\nb: !!int \"7\"\nc: !custom 5\nd: !!null ''\n", true);
        row("keys that read as other types", "1: a\ntrue: b\nnull: c\n\"q\": d\n", true);
        row("empty collections", "a: {}\nb: []\nc: [{}, []]\n", true);
        row("empty document", "", true);
        row("root scalar", "text\n", true);
        row("anchor", "a: &x 1\nb: 2\n", false);
        row("alias", "a: &x {k: v}\nb: *x\n", false);
        row("key not ASCII", "\xc3\xa9: 1\n", false);
        row("duplicate key", "a: 1\nb: 2\na: 3\n", false);
        row("infinity", "a: .inf\n", false);
        row("minus zero (a QJsonValue holds it as 0)", "a: -0.0\n", true);
        row("collection as a key", "? [a]\n: 1\n", false);
        row("two documents", "a: 1\n---\nb: 2\n", false);
        row("malformed", "a: [1\n", false);
    }

    void compactReaderReadsWhatRenderersPrint()
    {
        QFETCH(QByteArray, text);
        QFETCH(bool, read);
        QCOMPARE(sameCompactTree(text), read);
    }

    // A List's items as the tree of the list has them: each item's JSON text reads back as the
    // item, and its hash is hashJson's of it (through the compact tree, or parseDocument's).
    void listItemsKeepTheirValues_data()
    {
        QTest::addColumn<QByteArray>("text");
        const QByteArray head = "apiVersion: v1\nkind: List\nitems:\n";
        QTest::newRow("values") << head + "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a, namespace: x, labels: {b: '1', a: \"2\"}}\n"
                                          "  data: {q: \"quote \\\" and \\\\ and \\t tab\", n: \"line\\nbreak\\u0001\", u: caf\xC3\xA9, e: ''}\n"
                                          "  spec: {i: 42, d: 1.5, big: 1e300, neg: -0.25, t: true, z: null, l: [1, [], {}], m: {}}\n"
                                          "- apiVersion: acme.io/v1\n  kind: Widget\n  metadata: {name: w}\n";
        QTest::newRow("a CRD") << head + "- apiVersion: apiextensions.k8s.io/v1\n  kind: CustomResourceDefinition\n  metadata: {name: widgets.acme.io}\n"
                                         "  spec: {group: acme.io, names: {kind: Widget}, scope: Cluster}\n";
        QTest::newRow("anchors (parseDocument)") << head + "- &o\n  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n  data: {k: &v x, j: *v}\n";
        QTest::newRow("empty") << head;
        QTest::newRow("no items") << QByteArray("apiVersion: v1\nkind: List\nitems: 3\n");
    }

    void listItemsKeepTheirValues()
    {
        QFETCH(QByteArray, text);
        auto scanned = scanManifests(text, QStringLiteral("l.yaml"));
        QVERIFY2(scanned, scanned ? "" : qPrintable(scanned.error().toString()));
        const auto tree = yaml::parseDocument(text, QStringLiteral("l.yaml"));
        QVERIFY(tree);
        const QJsonArray items = tree->toObject().value(QLatin1String("items")).toArray();
        QCOMPARE(scanned->resources.size(), items.size());
        for (qsizetype i = 0; i < items.size(); ++i) {
            const Resource &r = scanned->resources.at(i);
            QCOMPARE(r.format, Resource::Format::Json);
            QCOMPARE(QJsonDocument::fromJson(r.text).object(), items.at(i).toObject());
            QCOMPARE(r.hash, hashing::hashJson(items.at(i)));
            const auto compact = yaml::CompactTree::fromJson(items.at(i));
            QCOMPARE(hashing::hashTree(compact, compact.root()), r.hash);
        }
        QCOMPARE(scanned->crds.size(), qsizetype(text.contains("CustomResourceDefinition") ? 1 : 0));
        if (!scanned->crds.isEmpty()) {
            QCOMPARE(scanned->crds.first().group, QStringLiteral("acme.io"));
            QCOMPARE(scanned->crds.first().kind, QStringLiteral("Widget"));
            QVERIFY(scanned->crds.first().clusterScoped);
        }
    }

    // What the JSON reader reads is the tree QJsonDocument and CompactTree::fromJson build, types
    // included; it leaves the rest to them.
    void compactJsonReaderReadsWhatQJsonDocumentReads_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<bool>("read");
        const auto row = [](const char *name, const QByteArray &text, bool read) { QTest::newRow(name) << text << read; };
        row("object", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\",\"labels\":{\"z\":\"1\",\"a\":\"2\"}}}", true);
        row("every type", "{\"s\":\"x\",\"i\":42,\"n\":-7,\"z\":0,\"mz\":-0,\"t\":true,\"f\":false,\"u\":null,\"l\":[1,\"a\",[],{}],\"e\":{}}", true);
        row("spaces", " \n\t{ \"a\" :\r\n [ 1 , 2 ] , \"b\" : { } }\n ", true);
        row("escapes", "{\"a\":\"q\\\"b\\\\s\\/n\\nt\\tr\\rb\\bf\\f\",\"u\":\"\\u00e9\\u20ac\\ud83d\\ude00\\u0000\"}", true);
        row("64-bit integers", "{\"max\":9223372036854775807,\"min\":-9223372036854775808}", true);
        row("array at the root", "[{\"a\":1},2]", true);
        row("keys in UTF-16 order", "{\"b\":1,\"B\":2,\"a\":3,\"_\":4,\"aa\":5,\"\":6}", true);
        // Left to QJsonDocument.
        row("double", "{\"a\":1.5}", false);
        row("exponent", "{\"a\":1e3}", false);
        row("past 64 bits", "{\"a\":9223372036854775808}", false);
        row("raw UTF-8", "{\"a\":\"caf\xC3\xA9\"}", false);
        row("duplicate key", "{\"a\":1,\"a\":2}", false);
        row("lone surrogate", "{\"a\":\"\\ud83d\"}", false);
        row("low surrogate first", "{\"a\":\"\\ude00\\ud83d\"}", false);
        row("control character", "{\"a\":\"x\ty\"}", false);
        row("bad escape", "{\"a\":\"\\q\"}", false);
        row("leading zero", "{\"a\":01}", false);
        row("trailing comma", "{\"a\":1,}", false);
        row("missing colon", "{\"a\" 1}", false);
        row("unterminated", "{\"a\":\"b", false);
        row("trailing text", "{\"a\":1} x", false);
        row("scalar at the root", "\"a\"", false);
        row("bad word", "{\"a\":tru}", false);
        row("empty", "", false);
        QByteArray deep;
        for (int i = 0; i < 300; ++i)
            deep += "[";
        for (int i = 0; i < 300; ++i)
            deep += "]";
        row("deep", deep, false);
    }

    void compactJsonReaderReadsWhatQJsonDocumentReads()
    {
        QFETCH(QByteArray, text);
        QFETCH(bool, read);
        QCOMPARE(sameCompactJson(text), read);
    }

    // Changes as normalizing and masking make them keep a map's keys in order; equality is
    // QJsonValue's.
    void compactTreeChanges()
    {
        using yaml::CompactTree;
        const QJsonObject object{{QStringLiteral("b"), 1}, {QStringLiteral("d"), QJsonArray{1, 2, 3}}, {QStringLiteral("f"), true}};
        CompactTree tree = CompactTree::fromJson(object);
        const CompactTree::Node root = tree.root();
        tree.insert(root, "e", tree.addString("x"));
        tree.insert(root, "a", tree.addEmptyMap());
        tree.insert(root, "g", tree.addString("z"));
        tree.insert(root, "b", tree.addString("replaced"));
        tree.removeItem(tree.value(root, tree.indexOf(root, "d")), 1);
        tree.removeEntry(root, tree.indexOf(root, "f"));
        QCOMPARE(tree.toJson(root),
                 QJsonValue(QJsonObject{{QStringLiteral("a"), QJsonObject()}, {QStringLiteral("b"), QStringLiteral("replaced")},
                                        {QStringLiteral("d"), QJsonArray{1, 3}}, {QStringLiteral("e"), QStringLiteral("x")},
                                        {QStringLiteral("g"), QStringLiteral("z")}}));
        QCOMPARE(yaml::toYaml(tree, root), QByteArray("a: {}\nb: replaced\nd:\n- 1\n- 3\ne: x\ng: z\n"));
        QCOMPARE(tree.indexOf(root, "f"), -1);

        // An integer equals the double of its value; types keep apart otherwise.
        const auto same = [](const QJsonValue &a, const QJsonValue &b) {
            const CompactTree x = CompactTree::fromJson(a), y = CompactTree::fromJson(b);
            return x.equal(x.root(), y, y.root());
        };
        QVERIFY(same(QJsonValue(qint64(3)), QJsonValue(3.0)));
        QVERIFY(!same(QJsonValue(qint64(3)), QJsonValue(3.5)));
        QVERIFY(!same(QJsonValue(QStringLiteral("3")), QJsonValue(qint64(3))));
        QVERIFY(!same(QJsonValue(QJsonValue::Null), QJsonValue(false)));
        QVERIFY(!same(QJsonObject{{QStringLiteral("a"), 1}}, QJsonObject{{QStringLiteral("b"), 1}}));
        QVERIFY(!same(QJsonArray{1, 2}, QJsonArray{1, 2, 3}));
        // A large integer stays an integer (2^60 written as such, not as a double).
        const CompactTree big = CompactTree::fromJson(QJsonObject{{QStringLiteral("big"), qint64(1) << 60}});
        QCOMPARE(yaml::toYaml(big, big.root()), QByteArray("big: 1152921504606846976\n"));
        QCOMPARE(big.type(big.value(big.root(), 0)), CompactTree::Type::Integer);
    }

    // A tree's keys are in QString's order (UTF-16 units, as QJsonObject keeps them), which is
    // not UTF-8's where a character past U+FFFF meets one from U+E000 to U+FFFF.
    void compactKeysInQStringOrder()
    {
        const QStringList keys{QString(), QStringLiteral("a"), QStringLiteral("ab"), QStringLiteral("b"), QStringLiteral("B"),
                               QStringLiteral("a\u00e9"), QStringLiteral("a\u00e9z"), QStringLiteral("ae"),
                               QStringLiteral("\uE000"), QStringLiteral("\uFFFD"), QStringLiteral("\U0001F600"),
                               QStringLiteral("x\uFF21"), QStringLiteral("x\U00010000"), QStringLiteral("x~"), QStringLiteral("x\u007f")};
        for (const QString &a : keys) {
            for (const QString &b : keys)
                QVERIFY2(yaml::CompactTree::keyLess(a.toUtf8(), b.toUtf8()) == (a < b), qPrintable(a + QStringLiteral(" < ") + b));
        }
        // Keys given out of order are put in order; a key given twice is refused.
        yaml::CompactTreeBuilder builder;
        builder.beginMap();
        for (const char *key : {"b", "\xef\xbc\xa1", "a", "\xf0\x9f\x98\x80"}) { // U+FF21 and U+1F600
            builder.setKey(key);
            builder.addString("v");
        }
        QVERIFY(builder.end());
        const yaml::CompactTree tree = builder.take();
        QStringList order;
        for (qsizetype i = 0; i < tree.size(tree.root()); ++i)
            order.append(QString::fromUtf8(tree.key(tree.root(), i)));
        QCOMPARE(order, (QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("\U0001F600"), QStringLiteral("\uFF21")}));
        yaml::CompactTreeBuilder twice;
        twice.beginMap();
        for (const char *key : {"a", "c", "a"}) {
            twice.setKey(key);
            twice.addString("v");
        }
        QVERIFY(!twice.end());
    }

    // The scan hashes each scalar as the tree it resolves to: strings that start as a null, bool
    // or number would ("ns-1", "true-ish", "100m", "0x1G", ".5x"), and those that are one.
    void scanHashIsTheTreesHash()
    {
        QByteArray data;
        const char *values[] = {"ns-1", "tier", "true-ish", "True", "false", "FALSE", "null", "Null", "~", "",
                                "100m", "128Mi", "8080", "-3", "+7", "0x1F", "0x1G", "0o17", "1.5", ".5", ".5x", "1e3",
                                "1e", ".inf", "-.Inf", ".nan", "f00", "n", "\"8080\"", "'true'", "é-ns", "!!str 12",
                                "!!int \"12\"", "2024-01-01", "1_000", "0.0.1", "0", "00", "007", "9", "10000",
                                "99999", "100000", "120000", "1000000", "-0", "65535x"};
        int i = 0;
        for (const char *v : values)
            data += "  k" + QByteArray::number(i++) + ": " + v + "\n";
        for (const QByteArray &style : {QByteArray("block"), QByteArray("flow")}) {
            QByteArray text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n" + data;
            if (style == "flow")
                text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {" +
                       data.trimmed().replace("\n  ", ", ").replace("\n", "") + "}\n";
            const auto scanned = scanManifests(text, QStringLiteral("s.yaml"));
            QVERIFY2(scanned, scanned ? "" : qPrintable(scanned.error().toString()));
            const Resource &r = scanned->resources.first();
            const auto tree = r.parseCompactTree();
            QVERIFY(tree);
            QCOMPARE(r.hash, hashing::hashTree(*tree, tree->root()));
            QCOMPARE(r.hash, hashing::hashJson(*r.parseTree()));
        }
    }

    // isPlainString is what resolveScalar makes of a plain scalar, without building it: every
    // keyword, number and their neighbours (each prefix, one letter more, other cases).
    void plainStringIsWhatResolvesToAString()
    {
        QList<QByteArray> values;
        for (const char *v : {"null", "Null", "NULL", "~", "true", "True", "TRUE", "false", "False", "FALSE", "0x1F", "0o17",
                              "-12", "+12", "1.5", "-.5", "+.5e3", ".inf", "-.Inf", "+.INF", ".nan", ".NaN", "1e3", "1E-3",
                              "ns-1", "tier", "nul", "nulls", "trUe", "yes", "on", "0x", "0xG", "1_000", "1.2.3", "--",
                              "- a", ".", "..", "+", "-", "12a", "100m", "128Mi", "2024-01-01", "é", "n", "t", "f"}) {
            const QByteArray value(v);
            values << value << value + "x" << value + "0";
            for (qsizetype n = 1; n < value.size(); ++n)
                values << value.left(n);
        }
        for (const QByteArray &v : std::as_const(values)) {
            const bool isString = yaml::resolveScalar(v, yaml::ScalarStyle::Plain).isString();
            QVERIFY2(yaml::isPlainString(v) == isString, v.constData());
        }
    }

    // The same over every object of the real manifest sets.
    void treeBuildersAgreeOnTheCorpus_data()
    {
        QTest::addColumn<QString>("file");
        for (const char *file : {"kp-manifests-v0.18.0.yaml", "argocd-install-v3.5.0.yaml", "flux-crds.yaml"})
            QTest::newRow(file) << QString::fromLatin1(file);
    }

    void treeBuildersAgreeOnTheCorpus()
    {
        QFETCH(QString, file);
        SLUICE_CORPUS_OR_SKIP(dir, file);
        QFile f(dir + QLatin1Char('/') + file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        auto scanned = scanManifests(f.readAll(), file);
        QVERIFY2(scanned, scanned ? "" : qPrintable(scanned.error().toString()));
        QVERIFY(!scanned->resources.isEmpty());
        qsizetype compact = 0;
        for (const Resource &r : std::as_const(scanned->resources)) {
            sameTrees(r.text);
            compact += sameCompactTree(r.text);
            if (r.format == Resource::Format::Json)
                QVERIFY2(sameCompactJson(r.text), qPrintable(r.key.displayName() + QStringLiteral(" is not read by the JSON reader")));
            const auto compact = r.parseCompactTree();
            QVERIFY(compact);
            QCOMPARE(hashing::hashTree(*compact, compact->root()), hashing::hashJson(*r.parseTree()));
            QCOMPARE(r.hash, hashing::hashTree(*compact, compact->root()));
            if (QTest::currentTestFailed())
                return;
        }
        // Renderers print no anchors and no keys outside ASCII: the compact reader reads them all.
        QVERIFY2(compact == scanned->resources.size(),
                 qPrintable(QStringLiteral("%1 of %2 read compactly").arg(compact).arg(scanned->resources.size())));
    }

    // How the writer prints a string value: plain only where every YAML reader (1.1 ones too) takes
    // it back as the same string; a literal block for lines; else double-quoted.
    void writerQuotesWhatReadsBackOtherwise_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<QByteArray>("written");
        const auto row = [](const char *name, const QString &value, const QByteArray &written) {
            QTest::newRow(name) << value << written;
        };
        row("plain", QStringLiteral("web-1"), "web-1");
        row("colon inside", QStringLiteral("a:b"), "a:b");
        row("hash inside", QStringLiteral("a#b"), "a#b");
        row("not ASCII", QStringLiteral(u"café über"), QStringLiteral(u"café über").toUtf8());
        row("version", QStringLiteral("v1.2.3"), "v1.2.3");
        row("empty", QString(), "\"\"");
        row("core bool", QStringLiteral("true"), "\"true\"");
        row("YAML 1.1 bool", QStringLiteral("yes"), "\"yes\"");
        row("YAML 1.1 short bool", QStringLiteral("N"), "\"N\"");
        row("core int", QStringLiteral("8080"), "\"8080\"");
        row("YAML 1.1 int", QStringLiteral("1_000"), "\"1_000\"");
        row("YAML 1.1 sexagesimal", QStringLiteral("1:20"), "\"1:20\"");
        row("digit run", QStringLiteral("10.5.1"), "\"10.5.1\"");
        row("null word", QStringLiteral("null"), "\"null\"");
        row("colon space", QStringLiteral("key: value"), "\"key: value\"");
        row("space hash", QStringLiteral("a #comment"), "\"a #comment\"");
        row("trailing colon", QStringLiteral("a:"), "\"a:\"");
        row("leading space", QStringLiteral(" a"), "\" a\"");
        row("indicator", QStringLiteral("-x"), "\"-x\"");
        row("tab", QStringLiteral("a\tb"), "\"a\\tb\"");
        row("control", QStringLiteral(u"a\u0001b"), "\"a\\x01b\"");
        row("lines", QStringLiteral("one\ntwo\n"), "|\n  one\n  two");
        row("lines without the last newline", QStringLiteral("one\ntwo"), "|-\n  one\n  two");
        row("lines with trailing spaces", QStringLiteral("one \ntwo"), "\"one \\ntwo\"");
    }

    void writerQuotesWhatReadsBackOtherwise()
    {
        QFETCH(QString, value);
        QFETCH(QByteArray, written);
        const QByteArray emitted = yaml::toYaml(QJsonObject{{QStringLiteral("k"), value}});
        QCOMPARE(emitted, "k: " + written + '\n');
        auto back = yaml::parseDocument(emitted, QStringLiteral("emitted"));
        QVERIFY2(back, qPrintable(emitted));
        QCOMPARE(back->toObject().value(QStringLiteral("k")), QJsonValue(value));
        // The same as a key.
        const QByteArray asKey = yaml::toYaml(QJsonObject{{value, 1}});
        if (!written.startsWith('|'))
            QCOMPARE(asKey, written + ": 1\n");
    }

    // Long strings are read eight bytes at a time for what keeps them from a literal block: a
    // control character, DEL, a space before a line break, at every offset within and across
    // those eight; non-ASCII bytes, quotes and backslashes keep the block. Each reads back.
    void writerFindsWhatQuotesALongStringAtEveryOffset()
    {
        const QByteArray lines = "first line\nsecond line, longer\nthird\n";
        const QList<std::pair<QByteArray, bool>> inserts = {
            {"\x01", false}, {"\x1f", false}, {"\x7f", false}, {" \n", false}, {"\t", false},
            {"\xc3\xa9", true}, {"\xe2\x82\xac", true}, {"\"", true}, {"\\", true}, {"~", true}};
        for (const auto &[insert, literal] : inserts) {
            for (int at = 0; at <= lines.size(); ++at) {
                const QString value = QString::fromUtf8(lines.left(at) + insert + lines.mid(at));
                const QByteArray emitted = yaml::toYaml(QJsonObject{{QStringLiteral("k"), value}});
                const QString what = QString::fromUtf8(insert.toPercentEncoding()) + QStringLiteral(" at %1: ").arg(at) +
                                     QString::fromUtf8(emitted);
                QVERIFY2(emitted.startsWith(literal ? "k: |" : "k: \""), qPrintable(what));
                auto back = yaml::parseDocument(emitted, QStringLiteral("emitted"));
                QVERIFY2(back && back->toObject().value(QStringLiteral("k")) == QJsonValue(value), qPrintable(what));
            }
        }
    }

    void yamlRoundTrip()
    {
        const QByteArray text = "b: '1'\na: [x, {k: 'true'}]\nc: \"line1\\nline2\\n\"\nd: ''\ne: null\nf: 2.5\ng: 7\n";
        auto tree = yaml::parseDocument(text, QStringLiteral("r.yaml"));
        QVERIFY(tree);
        const QByteArray emitted = yaml::toYaml(*tree);
        auto again = yaml::parseDocument(emitted, QStringLiteral("emitted"));
        QVERIFY2(again, qPrintable(emitted));
        QCOMPARE(*again, *tree);
        QVERIFY2(emitted.startsWith("a:\n"), emitted.constData()); // sorted keys
    }
};

QTEST_GUILESS_MAIN(TestYamlScan)
#include "tst_yamlscan.moc"
