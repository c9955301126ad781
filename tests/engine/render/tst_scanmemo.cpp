// The scan memo: what it gives is what a scan of the whole stream gives, wherever the documents it
// remembers stand, and the documents it has seen are not read again.

#include "common/Corpus.h"
#include "render/ScanMemo.h"

#include <QFile>
#include <QTest>

using namespace sluice;

namespace {

// Everything a scan gives, one line per object (with its text) and per CRD scope, or its error.
QString describe(const Result<ScannedManifests> &scanned)
{
    if (!scanned)
        return QStringLiteral("error: ") + scanned.error().toString();
    QStringList lines;
    for (const Resource &r : scanned->resources) {
        lines << QStringLiteral("%1 %2 %3 %4 %5\n%6")
                     .arg(r.key.toString(), r.apiVersion, r.location(), QString::number(r.hash, 16))
                     .arg(int(r.format))
                     .arg(QString::fromUtf8(r.text));
    }
    for (const CrdScope &crd : scanned->crds)
        lines << QStringLiteral("CRD %1 %2 %3").arg(crd.group, crd.kind).arg(crd.clusterScoped);
    return lines.join(QLatin1Char('\n'));
}

QByteArray configMap(const char *name, const char *value = "1")
{
    return QByteArray("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ") + name + "\n  namespace: shop\ndata:\n  v: \"" +
           value + "\"\n";
}

const QByteArray kCrd = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n"
                        "  name: widgets.example.com\nspec:\n  group: example.com\n  scope: Cluster\n"
                        "  names: {kind: Widget, plural: widgets}\n";

// `memo` scans `bytes` as `name` as scanManifests does.
void scansAsTheWholeStream(ScanMemo &memo, const QByteArray &bytes, const QString &name)
{
    QCOMPARE(describe(memo.scan(bytes, name)), describe(scanManifests(bytes, name)));
}

} // namespace

class TestScanMemo : public QObject
{
    Q_OBJECT

private slots:
    void sameAsTheWholeStream_data()
    {
        QTest::addColumn<QByteArray>("stream");
        const QByteArray a = configMap("a"), b = configMap("b"), c = configMap("c");
        QTest::newRow("documents") << a + "---\n" + b + "---\n" + c;
        QTest::newRow("comments before the first marker") << "# generated\n\n---\n" + a + "---\n" + b;
        QTest::newRow("no first marker, a trailing one") << a + "---\n" + b + "---\n";
        QTest::newRow("empty documents") << "---\n---\n" + a + "---\n\n---\n# only a comment\n---\n" + b;
        QTest::newRow("content on the marker line")
            << "--- {apiVersion: v1, kind: ConfigMap, metadata: {name: x}}\n--- # a comment\n" + a + "---\t\n" + b;
        QTest::newRow("a root block scalar, then objects") << "--- |\n  text\n---\n" + a;
        QTest::newRow("lines that start with dashes but are no markers")
            << "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d}\ndata:\n  script: |\n    ---x\n    --- not\n---\n" + a;
        QTest::newRow("CRLF") << QByteArray(a + "---\n" + b).replace("\n", "\r\n");
        QTest::newRow("UTF-8 byte order mark") << "\xEF\xBB\xBF" + a + "---\n" + b;
        QTest::newRow("not ASCII") << configMap("u", "gr\xC3\xBC\xC3\x9F") + "---\n" + configMap("v", "\xE2\x86\x92");
        QTest::newRow("anchors in a document") << "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: e, labels: &l {a: b}}\n"
                                                  "data: {x: y}\nextra: *l\n---\n" + a;
        QTest::newRow("CRD, custom object and a List")
            << kCrd + "---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n---\n"
                      "apiVersion: v1\nkind: List\nitems:\n- " + QByteArray(kCrd).replace("\n", "\n  ").replace("widgets.", "gadgets.")
                   + "\n---\n" + a;
        // Streams not cut (scanned whole): a directive, a document end, other line breaks, UTF-16.
        QTest::newRow("directive") << "%YAML 1.2\n---\n" + a + "---\n" + b;
        QTest::newRow("document end") << a + "...\n---\n" + b;
        QTest::newRow("lone CR") << QByteArray(a + "---\n" + b).replace("\n", "\r");
        QTest::newRow("NEL") << configMap("n", "x\xC2\x85y") + "---\n" + b;
        QTest::newRow("UTF-16") << QByteArray("\xFF\xFE");
        // Errors are the whole stream's.
        QTest::newRow("malformed document") << a + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: [}\n---\n" + b;
        QTest::newRow("object without a name") << a + "---\napiVersion: v1\nkind: ConfigMap\n---\n" + b;
        QTest::newRow("not a mapping") << a + "---\n- 1\n- 2\n";
    }

    // Scanned once (nothing seen yet), again as another file (every document seen), and moved down
    // a stream with other documents (seen documents at other lines, between unseen ones).
    void sameAsTheWholeStream()
    {
        QFETCH(QByteArray, stream);
        ScanMemo memo;
        scansAsTheWholeStream(memo, stream, QStringLiteral("a.yaml"));
        scansAsTheWholeStream(memo, stream, QStringLiteral("b.yaml"));
        scansAsTheWholeStream(memo, stream, QStringLiteral("b.yaml"));
        const QByteArray moved = "# moved\n---\n" + configMap("new1") + "---\n" + stream + "\n---\n" + configMap("new2");
        scansAsTheWholeStream(memo, moved, QStringLiteral("c.yaml"));
    }

    void seenDocumentsAreNotReadAgain()
    {
        const QByteArray a = configMap("a"), b = configMap("b"), c = configMap("c");
        ScanMemo memo;
        scansAsTheWholeStream(memo, a + "---\n" + kCrd + "---\n" + b + "---\n" + c, QStringLiteral("one.yaml"));
        ScanMemo::Counts counts = memo.counts();
        QCOMPARE(counts.documentsRead, 4);
        QCOMPARE(counts.documentHits, 0);
        // Reordered, one changed, one new: only those two are read (together: they stand side by side).
        const QByteArray next = c + "---\n" + configMap("b", "2") + "---\n" + configMap("d") + "---\n" + kCrd + "---\n" + a;
        scansAsTheWholeStream(memo, next, QStringLiteral("two.yaml"));
        counts = memo.counts();
        QCOMPARE(counts.documentsRead, 6);
        QCOMPARE(counts.documentHits, 3);
        QCOMPARE(counts.fileHits, 0);
        // The same file again is known whole.
        scansAsTheWholeStream(memo, next, QStringLiteral("two.yaml"));
        QCOMPARE(memo.counts().fileHits, 1);
        QCOMPARE(memo.counts().documentHits, 3);
    }

    // A memo full forgets what it holds, and a file over a quarter of it is scanned, not kept.
    void boundedMemoStaysRight()
    {
        QByteArray stream;
        for (int i = 0; i < 40; ++i)
            stream += configMap(QByteArray::number(i).prepend("cm").constData()) + "---\n";
        ScanMemo small(4096);
        for (int from = 0; from < 30; from += 3) {
            const QByteArray part = stream.mid(stream.indexOf("apiVersion", from * 90));
            scansAsTheWholeStream(small, part.left(1000), QStringLiteral("part.yaml"));
            scansAsTheWholeStream(small, part, QStringLiteral("whole.yaml"));
        }
        QVERIFY(small.counts().documentHits > 0);
    }

    void sameOnTheCorpus_data()
    {
        QTest::addColumn<QString>("before");
        QTest::addColumn<QString>("after");
        QTest::newRow("kube-prometheus") << "kp-manifests-v0.16.0.yaml" << "kp-manifests-v0.18.0.yaml";
        QTest::newRow("Argo CD") << "argocd-install-v3.4.0.yaml" << "argocd-install-v3.5.0.yaml";
        QTest::newRow("Flux CRDs") << "flux-crds.yaml" << "flux-crds.yaml";
    }

    // A release after another: the documents it kept are not read again, and the objects, lines
    // and CRD scopes are the whole scan's.
    void sameOnTheCorpus()
    {
        QFETCH(QString, before);
        QFETCH(QString, after);
        SLUICE_CORPUS_OR_SKIP(dir, before);
        const auto read = [&dir](const QString &file) {
            QFile f(dir + QLatin1Char('/') + file);
            return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
        };
        const QByteArray first = read(before), second = read(after);
        QVERIFY(!first.isEmpty() && !second.isEmpty());
        ScanMemo memo;
        scansAsTheWholeStream(memo, first, QStringLiteral("manifests.yaml"));
        scansAsTheWholeStream(memo, second, QStringLiteral("release/manifests.yaml"));
        QVERIFY(memo.counts().documentHits > 0);
    }
};

QTEST_GUILESS_MAIN(TestScanMemo)
#include "tst_scanmemo.moc"
