// The fast YAML reader gives exactly libyaml's events (types, values, styles, marks) and errors,
// on hand-written edge cases and on every manifest of the corpus, and really reads the block
// style that renderers print itself.

#include "common/Corpus.h"
#include "render/YamlEvents.h"

#include <QDirIterator>

#include <algorithm>
#include <QTest>

using namespace sluice;
using yaml::EventReader;

namespace {

struct Reading
{
    QStringList events; // one line per event, then the error if any
    int fastDocuments = 0;
};

QString describe(const yaml::Event &e, const yaml_mark_t &mark)
{
    static const char *const kNames[] = {"none", "stream-start", "stream-end", "doc-start", "doc-end", "alias",
                                         "scalar", "seq-start", "seq-end", "map-start", "map-end"};
    QString s = QStringLiteral("%1 %2:%3@%4").arg(QLatin1String(kNames[e.type])).arg(mark.line).arg(mark.column).arg(mark.index);
    auto text = [](const char *p) { return p ? QString::fromUtf8(p) : QStringLiteral("-"); };
    switch (e.type) {
    case YAML_DOCUMENT_START_EVENT:
        s += QStringLiteral(" implicit=%1").arg(e.implicit);
        break;
    case YAML_SCALAR_EVENT:
        s += QStringLiteral(" style=%1 anchor=%2 tag=%3 [%4]")
                 .arg(e.style)
                 .arg(text(e.anchor), text(e.tag))
                 .arg(QString::fromUtf8(e.value.toByteArray().toPercentEncoding(" /:.-_")));
        break;
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
        s += QStringLiteral(" flow=%1 anchor=%2 tag=%3").arg(e.flow).arg(text(e.anchor), text(e.tag));
        break;
    case YAML_ALIAS_EVENT:
        s += QStringLiteral(" *%1").arg(text(e.anchor));
        break;
    default:
        break;
    }
    return s;
}

Reading read(const QByteArray &data, EventReader::Engine engine)
{
    Reading r;
    EventReader reader(data, QStringLiteral("in.yaml"), 1, engine);
    for (;;) {
        if (Status s = reader.next(); !s) {
            r.events << QStringLiteral("error: ") + s.error().toString();
            break;
        }
        r.events << describe(reader.event(), reader.mark());
        if (reader.event().type == YAML_STREAM_END_EVENT)
            break;
    }
    r.fastDocuments = reader.fastDocuments();
    return r;
}

// The first difference, for a readable failure.
QString firstDifference(const QStringList &fast, const QStringList &slow)
{
    for (qsizetype i = 0; i < qMax(fast.size(), slow.size()); ++i) {
        const QString a = fast.value(i, QStringLiteral("(nothing)")), b = slow.value(i, QStringLiteral("(nothing)"));
        if (a != b)
            return QStringLiteral("event %1:\n  fast:    %2\n  libyaml: %3").arg(i).arg(a, b);
    }
    return {};
}

// The same events; or, when libyaml fails, the same error (libyaml may fail before events the fast
// reader gives for the documents ahead of a bad byte: libyaml checks its input in blocks).
void compare(const Reading &fast, const Reading &slow, const QString &what = {})
{
    if (slow.events.last().startsWith(QLatin1String("error: ")))
        QCOMPARE(fast.events.last(), slow.events.last());
    else
        QVERIFY2(fast.events == slow.events, qPrintable(what + QLatin1Char('\n') + firstDifference(fast.events, slow.events)));
}

} // namespace

class TestYamlFastReader : public QObject
{
    Q_OBJECT

private slots:
    void sameEventsAsLibyaml_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<int>("fastDocuments"); // -1: not checked

        // Read by the fast reader.
        QTest::newRow("map") << QByteArray("a: b\nc: d\n") << 1;
        QTest::newRow("no final newline") << QByteArray("a: b") << 1;
        QTest::newRow("empty values") << QByteArray("a:\nb:   \nc: # note\nd:\n") << 1;
        QTest::newRow("nested") << QByteArray("a:\n  b:\n    c: d\n  e: f\ng: h\n") << 1;
        QTest::newRow("indentless sequence") << QByteArray("a:\n- x\n- y: 1\n  z: 2\nb: c\n") << 1;
        QTest::newRow("indented sequence") << QByteArray("a:\n  - x\n  -\n  - \n  - k: v\n    l:\n      - m\nb: c\n") << 1;
        QTest::newRow("item on the next line") << QByteArray("- \n  k: v\n-\n  - n\n- last\n") << 1;
        QTest::newRow("root sequence") << QByteArray("- a\n- b: c\n") << 1;
        QTest::newRow("indented root") << QByteArray("  a: b\n  c:\n    - d\n") << 1;
        QTest::newRow("comments") << QByteArray("# head\n\na: b # trailing\n  # indented\n# c\nc: 'x' # q\nd: e#f\n# tail\n") << 1;
        QTest::newRow("documents") << QByteArray("a: b\n---\nc: d\n--- # note\ne: f\n") << 3;
        QTest::newRow("leading marker") << QByteArray("---\na: b\n---\n") << 2;
        QTest::newRow("empty documents") << QByteArray("---\n---\n# only a comment\n---\na: b\n") << 3;
        QTest::newRow("comments only") << QByteArray("# nothing\n\n# here\n") << 0;
        QTest::newRow("empty") << QByteArray("") << 0;
        QTest::newRow("quoted") << QByteArray("a: \"x\\u00e9\\\"y\\n\\t\\\\ \\x41\\U0001F600\\/\"\nb: 'it''s'\n'c': \"d\"\n\"e f\" : g\nh: \"  spaced  \"\n") << 1;
        QTest::newRow("all escapes") << QByteArray("a: \"\\0\\a\\b\\t\\n\\v\\f\\r\\e\\ \\\"\\/\\\\\\N\\_\\L\\P\"\n") << 1;
        QTest::newRow("plain text") << QByteArray("a: http://x:80/y\nb: -1\nc: -Xmx512m\nd: a b  c\ne: x,y]{}\nf: ~\ng: a:b\n") << 1;
        QTest::newRow("empty flow") << QByteArray("a: []\nb: {}\nc:\n- []\n- {} # e\n") << 1;
        QTest::newRow("flow") << QByteArray("a: {app: web, tier: \"back end\"}\nb: [1, -2, 'x y', {c: d}, [e], []]\nc:\n- {name: http, port: 80}\nd: { e: f }  # c\ng: [ h , i ]\n") << 1;
        QTest::newRow("literal") << QByteArray("a: |\n  one\n\n    two\n  three\nb: |-\n  x\n\n\nc: |+\n  y\n\n\nd: e\n") << 1;
        QTest::newRow("literal in sequence") << QByteArray("- |\n  one\n  # not a comment\n- k: |\n    v\n  l: m\n") << 1;
        QTest::newRow("literal at the end") << QByteArray("a: |+\n  x\n\n") << 1;
        QTest::newRow("literal before marker") << QByteArray("a: |\n  x\n---\nb: c\n") << 2;
        QTest::newRow("non-ascii") << QByteArray("d\xC3\xA9j\xC3\xA0: v\xC3\xBC\n\xE2\x82\xAC: '\xF0\x9F\x98\x80'\nx: y\n") << 1;
        QTest::newRow("compact mapping columns") << QByteArray("-   a: b\n    c: d\n-  e\n") << 1;
        QTest::newRow("duplicate keys (the readers' matter)") << QByteArray("a: b\na: c\n") << 1;
        // Plain scalars wrapped onto more-indented lines, as go-yaml writes long descriptions.
        QTest::newRow("multi-line plain") << QByteArray("a: b\n  c\n") << 1;
        QTest::newRow("wrapped description") << QByteArray("spec:\n  description: Operation contains  information about a\n    requested or running\n      operation   \n  type: object\n") << 1;
        QTest::newRow("wrapped sequence item") << QByteArray("args:\n- /bin/cp /a /b && /bin/ln -sf /a\n  /c\n- next\n") << 1;
        QTest::newRow("wrapped with empty lines") << QByteArray("a: one\n\n  two\n   \n\n  three\n\nb: c\n") << 1;
        QTest::newRow("wrapped, indicators inside") << QByteArray("a: x\n  - y\n  \"z\" 'w' [v] {u} a:b c#d | > & * ! %\nb: c\n") << 1;
        QTest::newRow("wrapped non-ascii") << QByteArray("a: caf\xC3\xA9\n  cr\xC3\xA8me\n") << 1;
        QTest::newRow("wrapped at the end without a newline") << QByteArray("a: b\n  c") << 1;
        QTest::newRow("wrapped before a marker") << QByteArray("a: b\n  c\n---\nd: e\n") << 2;
        QTest::newRow("wrapped key of a sequence item") << QByteArray("- k: a\n    b\n  l: c\n") << 1;
        QTest::newRow("wrapped single-quoted") << QByteArray("refresh:\n  description: 'Refresh indicates if the latest revision should\n    be used on retry (default: false)'\n  type: boolean\n") << 1;
        QTest::newRow("wrapped single-quoted corners") << QByteArray("a: 'x''   \n  # y  \n\n   \n  z''' # c\nb: 'v\n  w'\n") << 1;
        QTest::newRow("wrapped single-quoted item") << QByteArray("- 'a\n  b'\n- c\n") << 1;

        // Declined: libyaml reads them (from the declined document on).
        QTest::newRow("anchor and alias") << QByteArray("a: b\n---\nc: &x d\ne: *x\n") << 1;
        QTest::newRow("tag") << QByteArray("a: !!str 1\n") << 0;
        QTest::newRow("multi-line flow") << QByteArray("a: [1,\n  2]\n---\nb: c\n") << 1;
        QTest::newRow("flow corners") << QByteArray("a: [b,]\n---\nc: {d}\n---\ne: {f:g}\n---\nh: [i: j]\n---\nk: [?l]\n---\nm: {\"n\":o}\n---\np: [q] r\n---\ns: [t # u\n  ]\n") << 0;
        QTest::newRow("wrapped after a comment") << QByteArray("a: b # c\n  d\n") << 0;
        QTest::newRow("comment line inside a wrapped value") << QByteArray("a: b\n  c\n# d\n  e\n") << 0;
        QTest::newRow("wrapped line with a comment") << QByteArray("a: b\n  c #d\nf: g\n") << 0;
        QTest::newRow("wrapped line ending in a colon") << QByteArray("a: b\n  c:\n") << 0;
        QTest::newRow("multi-line quoted") << QByteArray("a: \"b\n  c\"\n") << 0;
        QTest::newRow("single-quoted continued at the key's column") << QByteArray("a: 'b\nc'\n") << 0;
        QTest::newRow("text after a wrapped single-quoted value") << QByteArray("a: 'b\n  c' d\n") << 0;
        QTest::newRow("unclosed wrapped single-quoted value") << QByteArray("a: 'b\n  c\n") << 0;
        QTest::newRow("folded") << QByteArray("a: >-\n  b\n  c\n") << 0;
        QTest::newRow("indentation indicator") << QByteArray("a: |2\n   b\n") << 0;
        QTest::newRow("literal leading empty line") << QByteArray("a: |\n\n  b\n") << 0;
        QTest::newRow("literal without a final newline") << QByteArray("a: |\n  b") << 0;
        QTest::newRow("last line spaces") << QByteArray("a:\n  b:\n ") << 0;
        QTest::newRow("last line comment") << QByteArray("a:\n    b: c\n# x") << 0;
        QTest::newRow("tab") << QByteArray("a:\tb\n") << 0;
        QTest::newRow("crlf") << QByteArray("a: b\r\nc: d\r\n") << 0;
        // Lines are checked eight bytes at a time: what stops the fast reader past the first eight.
        QTest::newRow("tab past eight bytes") << QByteArray("abcdefgh: ij\tk\n") << 0;
        QTest::newRow("crlf past eight bytes") << QByteArray("abcdefgh: ijklmnop\r\n") << 0;
        QTest::newRow("DEL past eight bytes") << QByteArray("abcdefgh: ij\x7fk\n") << 0;
        QTest::newRow("non-ascii past eight bytes") << QByteArray("abcdefgh: ijklm caf\xC3\xA9 and more text\n") << 1;
        QTest::newRow("bom") << QByteArray("\xEF\xBB\xBF" "a: b\n---\nc: d\n") << 1;
        QTest::newRow("utf-16") << QByteArray("\xFE\xFF\x00" "a\x00:\x00 \x00" "b\x00\n\x00-\x00-\x00-\x00\n") << 0;
        QTest::newRow("directive") << QByteArray("%YAML 1.1\n---\na: b\n") << 0;
        QTest::newRow("percent in a root scalar") << QByteArray("foo\n%bar\n---\na: b\n") << 0;
        QTest::newRow("directive after a document") << QByteArray("a: !t b\n\n%TAG ! tag:x,2002:\n--- !s\nc: d\n---\ne: f\n") << 1;
        QTest::newRow("explicit end") << QByteArray("a: b\n...\n---\nc: d\n") << 1;
        QTest::newRow("document after an explicit end") << QByteArray("a: b\n...\nc: d\n---\ne: f\n") << 0; // libyaml: an error
        QTest::newRow("complex key") << QByteArray("? a\n: b\n") << 0;
        QTest::newRow("root scalar") << QByteArray("just text\n") << 0;
        QTest::newRow("second document declined") << QByteArray("a: b\n# c\n---\nd: &e f\n---\nf: g\n") << 2;
        QTest::newRow("declined after comments") << QByteArray("# c\n\n---\na: !t b\n---\nc: d\n") << 1;
        QTest::newRow("back to fast after libyaml") << QByteArray("a: &x b\n---\nc: d\n---\ne: *y\n---\nf: \xC3\xA9\n") << 2;

        // Malformed: declined, and libyaml's error names the right line.
        QTest::newRow("value after value") << QByteArray("a: b: c\n") << 0;
        QTest::newRow("bad indent") << QByteArray("a:\n    b: c\n  d: e\n") << 0;
        QTest::newRow("sequence in mapping") << QByteArray("a: b\n- c\n") << 0;
        QTest::newRow("unclosed quote") << QByteArray("a: b\n---\nc: \"d\n") << 1;
        QTest::newRow("bad escape") << QByteArray("a: \"\\q\"\n") << 0;
        QTest::newRow("escaped single quote is unknown") << QByteArray("a: \"\\'\"\n") << 0;
        QTest::newRow("bad byte in a later document") << QByteArray("a: b\n---\nc: \xFF\n") << -1;
        QTest::newRow("bad utf-8") << QByteArray("a: \xC3\x28\n") << 0;
        QTest::newRow("control character") << QByteArray("a: b\x01\n") << 0;
        QTest::newRow("missing colon") << QByteArray("a: b\nc\n") << 0;
        QTest::newRow("error in a later document") << QByteArray("a: b\n---\nc: d\n  e: f\n") << 1;
        QTest::newRow("key inside a wrapped value") << QByteArray("a: b\n  c\n  d: e\n") << 0;
    }

    void sameEventsAsLibyaml()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(int, fastDocuments);
        const Reading fast = read(yaml, EventReader::Engine::Fast);
        const Reading slow = read(yaml, EventReader::Engine::LibyamlOnly);
        compare(fast, slow);
        if (fastDocuments >= 0)
            QCOMPARE(fast.fastDocuments, fastDocuments);
    }

    // Keys, values, ':' and '#' are found eight bytes at a time, and indentation counted so: each at
    // every offset within and across those eight, at a line's end and at the buffer's.
    void colonsHashesAndIndentsAtEveryOffset()
    {
        for (int n = 0; n < 20; ++n) {
            const QByteArray pad(n, 'x'), indent(n, ' ');
            const QList<QByteArray> texts = {
                "k" + pad + ": v" + pad + "\n",                     // a key and a value of each length
                "k" + pad + ": v" + pad,                            // the value at the buffer's end
                "k: v" + pad + " # note\n",                         // a comment after the value
                "k: v" + pad + "#not-a-comment\n",                  // '#' inside a plain scalar
                "k: v" + pad + ":x\n",                              // ':' inside a plain scalar
                "k: v" + pad + ":\n",                               // "a: b:": libyaml's error
                "k" + pad + ":x: v\n",                              // ':' inside a key
                "k" + pad + "#x: v\n",
                "m:\n" + indent + " k" + pad + ": v\n" + indent + " j: w\n", // indented n+1
                "s:\n" + indent + "- k: v" + pad + "\n" + indent + "  j: w\n",
                "k: " + pad + "\n",
            };
            for (const QByteArray &text : texts) {
                compare(read(text, EventReader::Engine::Fast), read(text, EventReader::Engine::LibyamlOnly),
                        QString::fromUtf8(text.toPercentEncoding()));
                if (QTest::currentTestFailed())
                    return;
            }
        }
    }

    // An event's byte offset (what the scanner cuts documents at) is the byte its mark's character
    // index names, whichever reader gave it: documents with characters of two and three bytes,
    // one the fast reader declines (an anchor), the stream's end with and without a last newline.
    void offsetIsTheByteOfTheMark()
    {
        const QByteArray head = "name: café\nnote: \"naïve\" # ünïcode\n---\n"
                                "a: &x été\nb: *x\n---\n"
                                "- 日本\n- {k: ü}\n";
        for (const QByteArray &yaml : {head, head + "- é"}) {
            for (const auto engine : {EventReader::Engine::Fast, EventReader::Engine::LibyamlOnly}) {
                EventReader reader(yaml, QStringLiteral("in.yaml"), 1, engine);
                int events = 0;
                do {
                    QVERIFY(reader.next().ok());
                    const qsizetype index = qsizetype(reader.mark().index);
                    qsizetype byte = 0;
                    for (qsizetype chars = 0; chars < index && byte < yaml.size(); ++chars) {
                        do
                            ++byte;
                        while (byte < yaml.size() && (static_cast<unsigned char>(yaml[byte]) & 0xC0) == 0x80);
                    }
                    QCOMPARE(reader.offset(), byte);
                    ++events;
                } while (reader.event().type != YAML_STREAM_END_EVENT);
                QVERIFY(events > 20);
                if (engine == EventReader::Engine::Fast)
                    QCOMPARE(reader.fastDocuments(), 2);
            }
        }
    }

    // Every manifest of the corpus (kube-prometheus, Argo CD, Flux, …): the same events, and most
    // documents read by the fast reader.
    void corpusGivesTheSameEvents()
    {
        SLUICE_CORPUS_OR_SKIP(dir, QStringLiteral("kp-manifests-v0.18.0.yaml"));
        int files = 0, documents = 0, fastDocuments = 0;
        QDirIterator it(dir, {QStringLiteral("*.yaml"), QStringLiteral("*.yml")}, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            QFile file(path);
            QVERIFY(file.open(QIODevice::ReadOnly));
            const QByteArray data = file.readAll();
            const Reading fast = read(data, EventReader::Engine::Fast);
            const Reading slow = read(data, EventReader::Engine::LibyamlOnly);
            compare(fast, slow, path);
            ++files;
            documents += int(std::count_if(slow.events.begin(), slow.events.end(), [](const QString &e) { return e.startsWith(QLatin1String("doc-start")); }));
            fastDocuments += fast.fastDocuments;
        }
        qInfo("%d files, %d documents, %d read by the fast reader", files, documents, fastDocuments);
        QVERIFY(files > 0);
        QVERIFY2(fastDocuments * 10 >= documents * 9, "fewer than 90% of the corpus documents were read fast");
    }
};

QTEST_GUILESS_MAIN(TestYamlFastReader)
#include "tst_yamlfastreader.moc"
