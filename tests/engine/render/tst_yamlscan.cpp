// Scanning manifest streams: keys, hashes, flattening, and every way input can be bad.

#include "render/Scope.h"
#include "render/StructuralHash.h"
#include "render/YamlScan.h"
#include "render/YamlTree.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QTest>

using namespace sluice;

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
        QTest::newRow("JSON-style flow document") << QByteArray(R"({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}})")
                                                  << QStringList{"/Secret/shop/s"};
    }
    void keysAndScopes()
    {
        QFETCH(QByteArray, text);
        QFETCH(QStringList, keys);
        const ResourceSet set = scopedOrFail(text);
        QStringList actual;
        for (const auto &[key, resource] : set)
            actual << key.toString();
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
        const QByteArray entry = QByteArray("0123456789abcdef").repeated(5) + "-tail"; // lanes and a tail
        QCOMPARE(hashing::checksum(entry, 42), Q_UINT64_C(5582426880057714203));
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
        QTest::newRow("flow vs block") << base << QByteArray(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{"x":"1","y":"hello"}})") << true;
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
