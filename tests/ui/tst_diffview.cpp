// DiffView: modes, alignment, navigation (slots and keys), messages, copy, tints and word marks,
// the YAML highlighter's block scalars, and the load time of a large object. Offscreen.

#include "DiffView.h"
#include "YamlHighlighter.h"

#include <QClipboard>
#include <QElapsedTimer>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QTest>
#include <QTextBlock>

using sluice::DiffView;

namespace {

const QByteArray deployedYaml = "apiVersion: apps/v1\n"
                                "kind: Deployment\n"
                                "metadata:\n"
                                "  name: web\n"
                                "spec:\n"
                                "  replicas: 2\n"               // line 6
                                "  template:\n"
                                "    spec:\n"
                                "      containers:\n"
                                "      - image: nginx:1.25\n"  // line 10
                                "        name: web\n";
const QByteArray repoYaml = "apiVersion: apps/v1\n"
                            "kind: Deployment\n"
                            "metadata:\n"
                            "  name: web\n"
                            "spec:\n"
                            "  replicas: 3\n"
                            "  template:\n"
                            "    spec:\n"
                            "      containers:\n"
                            "      - image: nginx:1.27\n"
                            "        name: web\n"
                            "        ports:\n"
                            "        - containerPort: 80\n";

QList<QTextEdit::ExtraSelection> selectionsInBlock(QPlainTextEdit *editor, int blockNumber, bool fullWidth)
{
    const QTextBlock block = editor->document()->findBlockByNumber(blockNumber);
    QList<QTextEdit::ExtraSelection> found;
    for (const QTextEdit::ExtraSelection &selection : editor->extraSelections()) {
        if (selection.format.boolProperty(QTextFormat::FullWidthSelection) != fullWidth)
            continue;
        // As QPlainTextEdit paints them: a selection marks the blocks it overlaps, a bare
        // full-width cursor its block.
        const int start = selection.cursor.selectionStart(), end = selection.cursor.selectionEnd();
        if (selection.cursor.hasSelection() ? start < block.position() + block.length() && end > block.position()
                                            : block.contains(selection.cursor.position()))
            found.append(selection);
    }
    return found;
}

QByteArray largeObject(int lines, int changeEvery)
{
    QByteArray out = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n";
    for (int i = 0; i < lines - 5; ++i) {
        out += "  key" + QByteArray::number(i) + ": value-" +
               QByteArray::number(changeEvery > 0 && i % changeEvery == 0 ? i * 7 + 1 : i) + '\n';
    }
    return out;
}

} // namespace

class TestDiffView : public QObject
{
    Q_OBJECT

private slots:
    void modesAndEditors();
    void sideBySideIsAligned();
    void navigationWraps();
    void keysMoveBetweenChanges();
    void addedAndRemovedObjects();
    void messages();
    void unifiedTextAndCopy();
    void changedLinesAreTinted();
    void changedWordIsMarked();
    void addedKeyGetsItsOwnRow();
    void blockScalarIsString();
    void largeObjectLoads();
};

void TestDiffView::modesAndEditors()
{
    DiffView view;
    view.setMode(DiffView::Mode::Unified);
    view.setTexts(deployedYaml, repoYaml, QStringLiteral("deployed (b37c9c8)"), QStringLiteral("HEAD"));
    QCOMPARE(view.changeCount(), 3);
    QCOMPARE(view.currentChange(), -1);
    QCOMPARE(view.editors().size(), 1);
    QCOMPARE(view.editors().constFirst()->accessibleName(), QStringLiteral("Unified diff"));

    QSignalSpy modeSpy(&view, &DiffView::modeChanged);
    view.toggleMode();
    QCOMPARE(view.mode(), DiffView::Mode::SideBySide);
    QCOMPARE(modeSpy.size(), 1);
    QCOMPARE(modeSpy.at(0).at(0).value<DiffView::Mode>(), DiffView::Mode::SideBySide);
    const QList<QPlainTextEdit *> editors = view.editors();
    QCOMPARE(editors.size(), 2);
    QCOMPARE(editors.at(0)->accessibleName(), QStringLiteral("Diff, before"));
    QCOMPARE(editors.at(1)->accessibleName(), QStringLiteral("Diff, after"));

    view.setMode(DiffView::Mode::SideBySide); // no change, no signal
    QCOMPARE(modeSpy.size(), 1);
    view.toggleMode();
    QCOMPARE(view.mode(), DiffView::Mode::Unified);
    QCOMPARE(modeSpy.size(), 2);
    QCOMPARE(view.editors().size(), 1);
}

void TestDiffView::sideBySideIsAligned()
{
    DiffView view;
    view.setMode(DiffView::Mode::SideBySide);
    view.setTexts(deployedYaml, repoYaml, {}, {});
    const QList<QPlainTextEdit *> editors = view.editors();
    QCOMPARE(editors.at(0)->blockCount(), editors.at(1)->blockCount());
    QCOMPARE(editors.at(1)->blockCount(), 13);
    // Row by row: equal lines face each other, the changed replicas line faces its new value,
    // the added ports lines face filler.
    const QStringList left = editors.at(0)->toPlainText().split(u'\n');
    const QStringList right = editors.at(1)->toPlainText().split(u'\n');
    QCOMPARE(left.at(5), QStringLiteral("  replicas: 2"));
    QCOMPARE(right.at(5), QStringLiteral("  replicas: 3"));
    QCOMPARE(left.at(10), right.at(10));
    QCOMPARE(left.at(11), QString());
    QCOMPARE(right.at(11), QStringLiteral("        ports:"));
}

void TestDiffView::navigationWraps()
{
    DiffView view;
    view.setMode(DiffView::Mode::Unified);
    view.setTexts(deployedYaml, repoYaml, {}, {});
    QSignalSpy spy(&view, &DiffView::currentChangeChanged);
    QPlainTextEdit *editor = view.editors().constFirst();

    // Unified rows: replicas -/+ at 5-6, image -/+ at 10-11, ports + at 13-14.
    const int firstRows[] = {5, 10, 13};
    for (int i = 0; i < 3; ++i) {
        view.nextChange();
        QCOMPARE(view.currentChange(), i);
        QCOMPARE(editor->textCursor().blockNumber(), firstRows[i]);
    }
    view.nextChange();
    QCOMPARE(view.currentChange(), 0);
    view.previousChange();
    QCOMPARE(view.currentChange(), 2);
    view.previousChange();
    QCOMPARE(view.currentChange(), 1);

    QCOMPARE(spy.size(), 6);
    QCOMPARE(spy.at(3).at(0).toInt(), 0); // wrapped forward
    QCOMPARE(spy.at(4).at(0).toInt(), 2); // wrapped backward
    for (const QList<QVariant> &arguments : std::as_const(spy))
        QCOMPARE(arguments.at(1).toInt(), 3);

    // The current change survives a mode switch; side by side both sides move to its row.
    view.setMode(DiffView::Mode::SideBySide);
    for (QPlainTextEdit *side : view.editors())
        QCOMPARE(side->textCursor().blockNumber(), 9);
}

void TestDiffView::keysMoveBetweenChanges()
{
    DiffView view;
    view.resize(600, 300);
    view.setTexts(deployedYaml, repoYaml, {}, {});
    view.show();
    view.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&view));
    QPlainTextEdit *editor = view.editors().constFirst();
    editor->setFocus();
    QTRY_VERIFY(editor->hasFocus());

    QTest::keyClick(editor, Qt::Key_F7);
    QCOMPARE(view.currentChange(), 0);
    QTest::keyClick(editor, Qt::Key_F7);
    QCOMPARE(view.currentChange(), 1);
    QTest::keyClick(editor, Qt::Key_F7, Qt::ShiftModifier);
    QCOMPARE(view.currentChange(), 0);
    QTest::keyClick(editor, Qt::Key_Up, Qt::AltModifier);
    QCOMPARE(view.currentChange(), 2);
    QTest::keyClick(editor, Qt::Key_Down, Qt::AltModifier);
    QCOMPARE(view.currentChange(), 0);
}

void TestDiffView::addedAndRemovedObjects()
{
    DiffView view;
    view.setMode(DiffView::Mode::SideBySide);
    view.setTexts({}, repoYaml, {}, QStringLiteral("HEAD"));
    QCOMPARE(view.changeCount(), 1);
    QList<QPlainTextEdit *> editors = view.editors();
    QCOMPARE(editors.at(0)->blockCount(), 13);
    QCOMPARE(editors.at(1)->blockCount(), 13);
    QVERIFY(editors.at(0)->toPlainText().trimmed().isEmpty());
    for (const QString &line : view.unifiedText().split(u'\n', Qt::SkipEmptyParts))
        QVERIFY2(line.startsWith(u'+'), qPrintable(line));

    view.setTexts(deployedYaml, {}, QStringLiteral("deployed"), {});
    QCOMPARE(view.changeCount(), 1);
    editors = view.editors();
    QCOMPARE(editors.at(0)->blockCount(), editors.at(1)->blockCount());
    QVERIFY(editors.at(1)->toPlainText().trimmed().isEmpty());
    for (const QString &line : view.unifiedText().split(u'\n', Qt::SkipEmptyParts))
        QVERIFY2(line.startsWith(u'-'), qPrintable(line));
    view.nextChange();
    QCOMPARE(view.currentChange(), 0);
}

void TestDiffView::messages()
{
    DiffView view;
    QSignalSpy spy(&view, &DiffView::currentChangeChanged);
    view.showMessage(QStringLiteral("Select an object"));
    QCOMPARE(view.message(), QStringLiteral("Select an object"));
    QCOMPARE(view.changeCount(), 0);
    QCOMPARE(view.unifiedText(), QString());
    view.nextChange(); // nothing to go to
    QCOMPARE(view.currentChange(), -1);

    view.setTexts(deployedYaml, repoYaml, {}, {});
    QCOMPARE(view.message(), QString());
    QCOMPARE(view.changeCount(), 3);
    QCOMPARE(spy.last().at(0).toInt(), -1);
    QCOMPARE(spy.last().at(1).toInt(), 3);

    view.showMessage(QStringLiteral("No changes"));
    QCOMPARE(view.message(), QStringLiteral("No changes"));
    QCOMPARE(view.changeCount(), 0);
}

void TestDiffView::unifiedTextAndCopy()
{
    DiffView view;
    view.setTexts(deployedYaml, repoYaml, {}, {});
    const QString text = view.unifiedText();
    QVERIFY(text.startsWith(QStringLiteral(" apiVersion: apps/v1\n kind: Deployment\n")));
    QVERIFY(text.contains(QStringLiteral("\n-  replicas: 2\n+  replicas: 3\n")));
    QVERIFY(text.contains(QStringLiteral("\n+        - containerPort: 80\n")));
    QCOMPARE(text.count(u'\n'), 15);

    view.copyAll();
    QCOMPARE(QGuiApplication::clipboard()->text(), text);
}

void TestDiffView::changedLinesAreTinted()
{
    DiffView view;
    view.setMode(DiffView::Mode::Unified);
    view.setTexts(deployedYaml, repoYaml, {}, {});
    QPlainTextEdit *editor = view.editors().constFirst();
    QCOMPARE(selectionsInBlock(editor, 5, true).size(), 1);  // -  replicas: 2
    QCOMPARE(selectionsInBlock(editor, 6, true).size(), 1);  // +  replicas: 3
    QCOMPARE(selectionsInBlock(editor, 14, true).size(), 1); // +  - containerPort: 80
    QVERIFY(selectionsInBlock(editor, 0, true).isEmpty());
    QVERIFY(selectionsInBlock(editor, 12, true).isEmpty()); // name: web, unchanged
    // Deleted and inserted lines get different tints.
    QVERIFY(selectionsInBlock(editor, 5, true).constFirst().format.background() !=
            selectionsInBlock(editor, 6, true).constFirst().format.background());
}

void TestDiffView::changedWordIsMarked()
{
    DiffView view;
    view.setMode(DiffView::Mode::Unified);
    view.setTexts(deployedYaml, repoYaml, {}, {});
    QPlainTextEdit *editor = view.editors().constFirst();
    QList<QTextEdit::ExtraSelection> words = selectionsInBlock(editor, 5, false);
    QCOMPARE(words.size(), 1);
    QCOMPARE(words.constFirst().cursor.selectedText(), QStringLiteral("2"));
    words = selectionsInBlock(editor, 6, false);
    QCOMPARE(words.size(), 1);
    QCOMPARE(words.constFirst().cursor.selectedText(), QStringLiteral("3"));
    words = selectionsInBlock(editor, 11, false); // - image: nginx:1.27
    QCOMPARE(words.size(), 1);
    QCOMPARE(words.constFirst().cursor.selectedText(), QStringLiteral("27"));
    QVERIFY(selectionsInBlock(editor, 13, false).isEmpty()); // an added line has no pair

    view.setMode(DiffView::Mode::SideBySide);
    words = selectionsInBlock(view.editors().at(1), 5, false);
    QCOMPARE(words.size(), 1);
    QCOMPARE(words.constFirst().cursor.selectedText(), QStringLiteral("3"));
    words = selectionsInBlock(view.editors().at(0), 5, false);
    QCOMPARE(words.size(), 1);
    QCOMPARE(words.constFirst().cursor.selectedText(), QStringLiteral("2"));
}

void TestDiffView::addedKeyGetsItsOwnRow()
{
    // Two lines changed and three added in one change: the image lines still face each other.
    DiffView view;
    view.setMode(DiffView::Mode::SideBySide);
    view.setTexts("- --log-level=info\nimage: web:1.25\nname: web\n",
                  "- --log-level=debug\nenv:\n- name: DEBUG\nimage: web:1.26\nname: web\n", {}, {});
    QCOMPARE(view.changeCount(), 1);
    const QList<QPlainTextEdit *> editors = view.editors();
    QCOMPARE(editors.at(0)->toPlainText(), QStringLiteral("- --log-level=info\n\n\nimage: web:1.25\nname: web"));
    QCOMPARE(editors.at(1)->toPlainText(),
             QStringLiteral("- --log-level=debug\nenv:\n- name: DEBUG\nimage: web:1.26\nname: web"));
    QList<QTextEdit::ExtraSelection> words = selectionsInBlock(editors.at(1), 3, false);
    QCOMPARE(words.size(), 1);
    QCOMPARE(words.constFirst().cursor.selectedText(), QStringLiteral("26"));
    words = selectionsInBlock(editors.at(1), 0, false);
    QCOMPARE(words.size(), 1);
    QCOMPARE(words.constFirst().cursor.selectedText(), QStringLiteral("debug"));
    QVERIFY(selectionsInBlock(editors.at(1), 1, false).isEmpty()); // env: has no counterpart
    // The filler rows on the left are tinted, including the last one.
    QCOMPARE(selectionsInBlock(editors.at(0), 1, true).size(), 1);
    QCOMPARE(selectionsInBlock(editors.at(0), 2, true).size(), 1);

    // A change whose first row is an added line: navigation goes to that row.
    view.setTexts("image: web:1.25\nname: web\n", "env:\nimage: web:1.26\nname: web\n", {}, {});
    QCOMPARE(editors.at(0)->toPlainText(), QStringLiteral("\nimage: web:1.25\nname: web"));
    view.nextChange();
    QCOMPARE(editors.at(0)->textCursor().blockNumber(), 0);
    QCOMPARE(editors.at(1)->textCursor().blockNumber(), 0);
}

void TestDiffView::blockScalarIsString()
{
    if (sluice::highlighterName() != QLatin1String("built-in"))
        QSKIP("checks Sluice's own highlighter");
    // A document highlights once it has a layout, as an editor's document does.
    QPlainTextEdit editor;
    QTextDocument &document = *editor.document();
    sluice::YamlHighlighter highlighter(&document, editor.palette());
    editor.setPlainText(QStringLiteral("data:\n"
                                         "  script: |-\n"
                                         "    name: not-a-key\n"
                                         "\n"
                                         "    # not a comment\n"
                                         "  replicas: 3 # a comment\n"
                                         "  enabled: true\n"
                                         "  name: 'quoted'"));
    const auto formatAt = [&document](int blockNumber, int position) {
        const QTextBlock block = document.findBlockByNumber(blockNumber);
        for (const QTextLayout::FormatRange &range : block.layout()->formats()) {
            if (position >= range.start && position < range.start + range.length)
                return range.format;
        }
        return QTextCharFormat();
    };
    const QColor key = formatAt(1, 2).foreground().color();
    const QColor string = formatAt(7, 8).foreground().color();
    QVERIFY(key != string);
    QCOMPARE(formatAt(2, 4).foreground().color(), string);  // "name" inside the block scalar
    QCOMPARE(formatAt(4, 4).foreground().color(), string);  // "#" inside the block scalar
    QCOMPARE(formatAt(5, 2).foreground().color(), key);     // block scalar ended
    QVERIFY(formatAt(5, 12).foreground().color() != string); // the number
    QVERIFY(formatAt(5, 15).fontItalic());                   // the comment
    QVERIFY(formatAt(6, 11).foreground().color() != string); // true
}

void TestDiffView::largeObjectLoads()
{
    const QByteArray before = largeObject(20000, 0);
    const QByteArray after = largeObject(20000, 250);
    DiffView view;
    view.resize(900, 500);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));

    QElapsedTimer timer;
    timer.start();
    view.setMode(DiffView::Mode::SideBySide);
    view.setTexts(before, after, {}, {});
    qInfo("20,000 lines, %d changes, side by side: %lld ms", view.changeCount(), timer.restart());
    QCOMPARE(view.editors().at(0)->blockCount(), view.editors().at(1)->blockCount());
    QCOMPARE(view.changeCount(), 80);
    view.setMode(DiffView::Mode::Unified);
    qInfo("switch to unified: %lld ms", timer.restart());
    view.setTexts({}, after, {}, {});
    qInfo("20,000 lines added, unified: %lld ms", timer.restart());
    QCOMPARE(view.editors().constFirst()->blockCount(), 20000);
    view.previousChange();
    view.grab();
    qInfo("navigate and paint: %lld ms", timer.restart());
}

QTEST_MAIN(TestDiffView)
#include "tst_diffview.moc"
