#include "DiffView.h"

#include "DiffEditor.h"
#include "WordDiff.h"
#include "YamlHighlighter.h"
#include "diff/TextDiff.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QEvent>
#include <QGuiApplication>
#include <QLabel>
#include <QScrollBar>
#include <QSplitter>
#include <QStackedWidget>
#include <QSyntaxHighlighter>
#include <QTextBlock>
#include <QVBoxLayout>

namespace sluice {
namespace {

using Op = DiffLine::Op;
using Kind = GutterRow::Kind;

// Word diffs stop after this many line pairs: a reformatted 20,000-line object is tinted by
// line only past that point, which keeps setTexts() bounded.
constexpr int MaxWordDiffPairs = 4000;
// Lines shown above a change when navigating to it.
constexpr int ContextAboveChange = 3;

struct Change
{
    int first = 0; // diff line index of the first changed line
    int last = 0;  // one past the last
    int firstRow = 0; // its first side-by-side row (an added line may precede the first deleted)
};

// A changed word: the diff line it is in and its range in that line's text.
struct WordMark
{
    int line = 0;
    WordRange range;
};

// One row of the side-by-side layout: diff line indexes, -1 for a filler row.
struct SideBySideRow
{
    int left = -1;
    int right = -1;
};

Kind kindOf(Op op)
{
    return op == Op::Delete ? Kind::Deleted : op == Op::Insert ? Kind::Inserted : Kind::Equal;
}

QLabel *makeHeader(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setTextFormat(Qt::PlainText);
    label->setContentsMargins(4, 2, 4, 2);
    QFont font = label->font();
    font.setBold(true);
    label->setFont(font);
    return label;
}

// Selection covering blocks [first, last] of `document`, for a full-width tint. It includes
// the last block's paragraph separator, or an empty last block would not be painted; at the
// end of the document, where there is no separator, see applySelections().
QTextCursor blockRange(QTextDocument *document, int first, int last)
{
    QTextCursor cursor(document->findBlockByNumber(first));
    const QTextBlock end = document->findBlockByNumber(last);
    cursor.setPosition(qMin(end.position() + end.length(), document->characterCount() - 1),
                       QTextCursor::KeepAnchor);
    return cursor;
}

} // namespace

struct DiffView::Private : QObject
{
    explicit Private(DiffView *view) : q(view) {}

    void buildWidgets();
    void computeDiff(const QByteArray &before, const QByteArray &after);
    void ensureBuilt(Mode forMode);
    void buildUnified();
    void buildSideBySide();
    void applySelections(DiffEditor *editor, const QList<std::pair<int, WordRange>> &words);
    void applyPalette();
    void showCurrentChange();
    int rowOfChange(int change) const;
    bool eventFilter(QObject *watched, QEvent *event) override;

    DiffView *q;
    QStackedWidget *m_stack = nullptr;
    QLabel *m_message = nullptr;
    QWidget *m_unifiedPage = nullptr;
    QLabel *m_unifiedHeader = nullptr;
    DiffEditor *m_unified = nullptr;
    QWidget *m_sideBySidePage = nullptr;
    QLabel *m_beforeHeader = nullptr;
    QLabel *m_afterHeader = nullptr;
    DiffEditor *m_before = nullptr;
    DiffEditor *m_after = nullptr;
    QList<QSyntaxHighlighter *> m_highlighters;
    DiffColors m_colors;
    bool m_dark = false;

    Mode m_mode = Mode::Unified;
    QString m_messageText;
    bool m_showingDiff = false;
    bool m_unifiedBuilt = false;
    bool m_sideBySideBuilt = false;
    int m_current = -1;

    QList<DiffLine> m_lines;
    QStringList m_texts; // m_lines' texts as QString, built once per setTexts()
    QList<Change> m_changes;
    QList<WordMark> m_words;
    QList<SideBySideRow> m_rows;
    QList<int> m_rowOfLine; // side-by-side row of each diff line
};

void DiffView::Private::buildWidgets()
{
    m_stack = new QStackedWidget(q);
    auto *layout = new QVBoxLayout(q);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_stack);

    m_message = new QLabel(m_stack);
    m_message->setAlignment(Qt::AlignCenter);
    m_message->setWordWrap(true);
    m_message->setTextFormat(Qt::PlainText);
    m_message->setForegroundRole(QPalette::PlaceholderText);
    m_stack->addWidget(m_message);

    m_unifiedPage = new QWidget(m_stack);
    auto *unifiedLayout = new QVBoxLayout(m_unifiedPage);
    unifiedLayout->setContentsMargins(0, 0, 0, 0);
    unifiedLayout->setSpacing(0);
    m_unifiedHeader = makeHeader(m_unifiedPage);
    m_unified = new DiffEditor(DiffEditor::Numbers::Both, m_unifiedPage);
    m_unified->setAccessibleName(tr("Unified diff"));
    unifiedLayout->addWidget(m_unifiedHeader);
    unifiedLayout->addWidget(m_unified);
    m_stack->addWidget(m_unifiedPage);

    m_sideBySidePage = new QWidget(m_stack);
    auto *sideLayout = new QVBoxLayout(m_sideBySidePage);
    sideLayout->setContentsMargins(0, 0, 0, 0);
    auto *splitter = new QSplitter(Qt::Horizontal, m_sideBySidePage);
    splitter->setChildrenCollapsible(false);
    sideLayout->addWidget(splitter);
    const auto addSide = [splitter](QLabel *&header, DiffEditor *&editor, DiffEditor::Numbers numbers,
                                    const QString &name) {
        auto *side = new QWidget(splitter);
        auto *layout = new QVBoxLayout(side);
        layout->setContentsMargins(0, 0, 0, 0);
        layout->setSpacing(0);
        header = makeHeader(side);
        editor = new DiffEditor(numbers, side);
        editor->setAccessibleName(name);
        layout->addWidget(header);
        layout->addWidget(editor);
        splitter->addWidget(side);
    };
    addSide(m_beforeHeader, m_before, DiffEditor::Numbers::Old, tr("Diff, before"));
    addSide(m_afterHeader, m_after, DiffEditor::Numbers::New, tr("Diff, after"));
    m_stack->addWidget(m_sideBySidePage);

    // Both sides have the same rows, so equal scroll values show the same rows.
    const auto sync = [this](QScrollBar *a, QScrollBar *b) {
        connect(a, &QScrollBar::valueChanged, this, [b](int value) { b->setValue(value); });
        connect(b, &QScrollBar::valueChanged, this, [a](int value) { a->setValue(value); });
    };
    sync(m_before->verticalScrollBar(), m_after->verticalScrollBar());
    sync(m_before->horizontalScrollBar(), m_after->horizontalScrollBar());
    // One vertical scroll bar, at the right edge, serves both sides.
    m_before->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

    for (DiffEditor *editor : {m_unified, m_before, m_after})
        editor->setTabChangesFocus(true);
    q->setFocusProxy(m_unified);
}

void DiffView::Private::computeDiff(const QByteArray &before, const QByteArray &after)
{
    m_lines = diffLines(before, after);
    m_texts.clear();
    m_texts.reserve(m_lines.size());
    for (const DiffLine &line : std::as_const(m_lines))
        m_texts.append(QString::fromUtf8(line.text));
    m_changes.clear();
    m_words.clear();
    m_rows.clear();
    m_rows.reserve(m_lines.size());
    m_rowOfLine.resize(m_lines.size());

    const int count = int(m_lines.size());
    int pairs = 0;
    for (int i = 0; i < count;) {
        if (m_lines.at(i).op == Op::Equal) {
            m_rowOfLine[i] = int(m_rows.size());
            m_rows.append({i, i});
            ++i;
            continue;
        }
        // diffLines() puts every deleted line of a change before its inserted lines.
        const int first = i;
        while (i < count && m_lines.at(i).op == Op::Delete)
            ++i;
        const int deleted = i - first;
        while (i < count && m_lines.at(i).op == Op::Insert)
            ++i;
        m_changes.append({first, i, int(m_rows.size())});

        // Side by side, paired lines face each other; word marks compare the same pairs.
        QList<QByteArray> deletedTexts, insertedTexts;
        for (int k = first; k < first + deleted; ++k)
            deletedTexts.append(m_lines.at(k).text);
        for (int k = first + deleted; k < i; ++k)
            insertedTexts.append(m_lines.at(k).text);
        for (const LinePair &pair : pairChangedLines(deletedTexts, insertedTexts)) {
            const int left = pair.deleted >= 0 ? first + pair.deleted : -1;
            const int right = pair.inserted >= 0 ? first + deleted + pair.inserted : -1;
            if (left >= 0)
                m_rowOfLine[left] = int(m_rows.size());
            if (right >= 0)
                m_rowOfLine[right] = int(m_rows.size());
            m_rows.append({left, right});
            if (left >= 0 && right >= 0 && pairs++ < MaxWordDiffPairs) {
                const WordDiff words = diffWords(m_texts.at(left), m_texts.at(right));
                for (const WordRange &range : words.before)
                    m_words.append({left, range});
                for (const WordRange &range : words.after)
                    m_words.append({right, range});
            }
        }
    }
}

void DiffView::Private::ensureBuilt(Mode forMode)
{
    if (forMode == Mode::Unified && !m_unifiedBuilt) {
        buildUnified();
        m_unifiedBuilt = true;
    } else if (forMode == Mode::SideBySide && !m_sideBySideBuilt) {
        buildSideBySide();
        m_sideBySideBuilt = true;
    }
}

void DiffView::Private::buildUnified()
{
    QList<GutterRow> rows;
    rows.reserve(m_lines.size());
    for (const DiffLine &line : std::as_const(m_lines))
        rows.append({kindOf(line.op), line.oldLine, line.newLine});
    m_unified->setRows(std::move(rows));
    // The old selections' cursors would be adjusted on every inserted block: drop them first.
    m_unified->setExtraSelections({});
    m_unified->setPlainText(m_texts.join(u'\n'));

    QList<std::pair<int, WordRange>> words;
    words.reserve(m_words.size());
    for (const WordMark &mark : std::as_const(m_words))
        words.append({mark.line, mark.range});
    applySelections(m_unified, words);
}

void DiffView::Private::buildSideBySide()
{
    QStringList left, right;
    QList<GutterRow> leftRows, rightRows;
    left.reserve(m_rows.size());
    right.reserve(m_rows.size());
    leftRows.reserve(m_rows.size());
    rightRows.reserve(m_rows.size());
    for (const SideBySideRow &row : std::as_const(m_rows)) {
        const bool equal = row.left >= 0 && row.left == row.right;
        if (row.left >= 0) {
            left.append(m_texts.at(row.left));
            leftRows.append({equal ? Kind::Equal : Kind::Deleted, m_lines.at(row.left).oldLine, 0});
        } else {
            left.append(QString());
            leftRows.append({Kind::Filler, 0, 0});
        }
        if (row.right >= 0) {
            right.append(m_texts.at(row.right));
            rightRows.append({equal ? Kind::Equal : Kind::Inserted, 0, m_lines.at(row.right).newLine});
        } else {
            right.append(QString());
            rightRows.append({Kind::Filler, 0, 0});
        }
    }
    m_before->setRows(std::move(leftRows));
    m_after->setRows(std::move(rightRows));
    m_before->setExtraSelections({});
    m_after->setExtraSelections({});
    m_before->setPlainText(left.join(u'\n'));
    m_after->setPlainText(right.join(u'\n'));

    QList<std::pair<int, WordRange>> leftWords, rightWords;
    for (const WordMark &mark : std::as_const(m_words)) {
        const bool deleted = m_lines.at(mark.line).op == Op::Delete;
        (deleted ? leftWords : rightWords).append({m_rowOfLine.at(mark.line), mark.range});
    }
    applySelections(m_before, leftWords);
    applySelections(m_after, rightWords);
}

// Line tints first (one selection per run of equally tinted rows, so a 20,000-line added
// object costs one selection, not 20,000), then the word marks painted over them.
void DiffView::Private::applySelections(DiffEditor *editor, const QList<std::pair<int, WordRange>> &words)
{
    QTextDocument *document = editor->document();
    const QList<GutterRow> &rows = editor->rows();
    QList<QTextEdit::ExtraSelection> selections;
    const int count = int(rows.size());
    for (int i = 0; i < count;) {
        const Kind kind = rows.at(i).kind;
        int last = i;
        while (last + 1 < count && rows.at(last + 1).kind == kind)
            ++last;
        if (kind != Kind::Equal) {
            QTextEdit::ExtraSelection selection;
            selection.format.setProperty(QTextFormat::FullWidthSelection, true);
            if (kind == Kind::Filler)
                selection.format.setBackground(QBrush(m_colors.filler, Qt::BDiagPattern));
            else
                selection.format.setBackground(kind == Kind::Deleted ? m_colors.deletedLine : m_colors.insertedLine);
            selection.cursor = blockRange(document, i, last);
            selections.append(selection);
            const QTextBlock lastBlock = document->findBlockByNumber(last);
            if (last > i && lastBlock.length() == 1 && !lastBlock.next().isValid()) {
                // An empty last block: a full-width selection without a selection marks it.
                selection.cursor = QTextCursor(lastBlock);
                selections.append(selection);
            }
        }
        i = last + 1;
    }
    for (const auto &[row, range] : words) {
        QTextEdit::ExtraSelection selection;
        const bool deleted = rows.at(row).kind == Kind::Deleted;
        selection.format.setBackground(deleted ? m_colors.deletedWord : m_colors.insertedWord);
        const int start = document->findBlockByNumber(row).position() + range.start;
        selection.cursor = QTextCursor(document);
        selection.cursor.setPosition(start);
        selection.cursor.setPosition(start + range.length, QTextCursor::KeepAnchor);
        selections.append(selection);
    }
    editor->setExtraSelections(selections);
}

// Colours follow the palette; the highlighters are recreated because KSyntaxHighlighting
// switches themes, not colours. A highlighter made for a non-empty document highlights on the
// next event-loop turn (QSyntaxHighlighter's delayed rehighlight), so the text is plain for
// one turn after a palette switch.
void DiffView::Private::applyPalette()
{
    const QPalette palette = q->palette();
    m_colors = DiffColors::forPalette(palette);
    m_dark = isDarkPalette(palette);
    qDeleteAll(m_highlighters);
    m_highlighters.clear();
    for (DiffEditor *editor : {m_unified, m_before, m_after}) {
        editor->setColors(m_colors);
        m_highlighters.append(createYamlHighlighter(editor->document(), palette));
    }
    m_unifiedBuilt = m_sideBySideBuilt = false;
    if (m_showingDiff)
        ensureBuilt(m_mode);
}

bool DiffView::Private::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == q && event->type() == QEvent::PaletteChange) {
        const QPalette palette = q->palette();
        if (DiffColors::forPalette(palette).deletedLine != m_colors.deletedLine ||
            isDarkPalette(palette) != m_dark)
            applyPalette();
    }
    return false;
}

int DiffView::Private::rowOfChange(int change) const
{
    const Change &c = m_changes.at(change);
    return m_mode == Mode::Unified ? c.first : c.firstRow;
}

void DiffView::Private::showCurrentChange()
{
    if (m_current < 0 || m_current >= m_changes.size())
        return;
    const int row = rowOfChange(m_current);
    for (QPlainTextEdit *editor : q->editors()) {
        editor->setTextCursor(QTextCursor(editor->document()->findBlockByNumber(row)));
        // A few lines of context above the change; the other side follows through the sync.
        editor->verticalScrollBar()->setValue(qMax(0, row - ContextAboveChange));
    }
}

DiffView::DiffView(QWidget *parent) : QWidget(parent), d(std::make_unique<Private>(this))
{
    d->buildWidgets();
    d->applyPalette();
    installEventFilter(d.get());

    auto *next = new QAction(tr("Next Change"), this);
    next->setObjectName(QStringLiteral("nextChange"));
    next->setShortcuts({QKeySequence(Qt::Key_F7), QKeySequence(Qt::ALT | Qt::Key_Down)});
    next->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(next, &QAction::triggered, this, &DiffView::nextChange);
    addAction(next);
    auto *previous = new QAction(tr("Previous Change"), this);
    previous->setObjectName(QStringLiteral("previousChange"));
    previous->setShortcuts({QKeySequence(Qt::SHIFT | Qt::Key_F7), QKeySequence(Qt::ALT | Qt::Key_Up)});
    previous->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(previous, &QAction::triggered, this, &DiffView::previousChange);
    addAction(previous);

    showMessage(QString());
}

DiffView::~DiffView() = default;

// Cost: one line diff, word diffs of up to MaxWordDiffPairs line pairs, and one setPlainText
// (plus highlighting) per editor of the current mode; the other mode is built when shown.
// Emits currentChangeChanged(-1, changeCount()).
void DiffView::setTexts(const QByteArray &before, const QByteArray &after, const QString &beforeLabel,
                        const QString &afterLabel)
{
    d->computeDiff(before, after);
    d->m_messageText.clear();
    d->m_showingDiff = true;
    d->m_current = -1;
    d->m_unifiedBuilt = d->m_sideBySideBuilt = false;

    d->m_beforeHeader->setText(beforeLabel);
    d->m_afterHeader->setText(afterLabel);
    const bool labelled = !beforeLabel.isEmpty() || !afterLabel.isEmpty();
    d->m_unifiedHeader->setText(labelled ? tr("%1  →  %2").arg(beforeLabel, afterLabel) : QString());
    for (QLabel *header : {d->m_unifiedHeader, d->m_beforeHeader, d->m_afterHeader})
        header->setVisible(labelled);

    d->ensureBuilt(d->m_mode);
    d->m_stack->setCurrentWidget(d->m_mode == Mode::Unified ? d->m_unifiedPage : d->m_sideBySidePage);
    emit currentChangeChanged(-1, changeCount());
}

// Drops the diff (and its memory); emits currentChangeChanged(-1, 0).
void DiffView::showMessage(const QString &message)
{
    d->m_messageText = message;
    d->m_showingDiff = false;
    d->m_current = -1;
    d->m_lines.clear();
    d->m_texts.clear();
    d->m_changes.clear();
    d->m_words.clear();
    d->m_rows.clear();
    d->m_rowOfLine.clear();
    for (DiffEditor *editor : {d->m_unified, d->m_before, d->m_after}) {
        editor->clear();
        editor->setRows({});
        editor->setExtraSelections({});
    }
    d->m_unifiedBuilt = d->m_sideBySideBuilt = true; // nothing to build
    d->m_message->setText(message);
    d->m_stack->setCurrentWidget(d->m_message);
    emit currentChangeChanged(-1, 0);
}

void DiffView::setMode(Mode mode)
{
    if (mode == d->m_mode)
        return;
    d->m_mode = mode;
    setFocusProxy(mode == Mode::Unified ? d->m_unified : d->m_before);
    if (d->m_showingDiff) {
        QWidget *page = mode == Mode::Unified ? d->m_unifiedPage : d->m_sideBySidePage;
        const bool hadFocus = d->m_stack->currentWidget()->isAncestorOf(QApplication::focusWidget());
        d->ensureBuilt(mode);
        d->m_stack->setCurrentWidget(page);
        if (hadFocus)
            editors().constFirst()->setFocus();
        d->showCurrentChange();
    }
    emit modeChanged(mode);
}

DiffView::Mode DiffView::mode() const
{
    return d->m_mode;
}

int DiffView::changeCount() const
{
    return int(d->m_changes.size());
}

int DiffView::currentChange() const
{
    return d->m_current;
}

QString DiffView::message() const
{
    return d->m_showingDiff ? QString() : d->m_messageText;
}

QString DiffView::unifiedText() const
{
    if (!d->m_showingDiff)
        return {};
    QString text;
    qsizetype size = 0;
    for (const QString &line : std::as_const(d->m_texts))
        size += line.size() + 2;
    text.reserve(size);
    for (qsizetype i = 0; i < d->m_lines.size(); ++i) {
        const Op op = d->m_lines.at(i).op;
        text += op == Op::Delete ? u'-' : op == Op::Insert ? u'+' : u' ';
        text += d->m_texts.at(i);
        text += u'\n';
    }
    return text;
}

QList<QPlainTextEdit *> DiffView::editors() const
{
    if (d->m_mode == Mode::Unified)
        return {d->m_unified};
    return {d->m_before, d->m_after};
}

void DiffView::setF7Shortcuts(bool enabled)
{
    for (auto [name, f7] : {std::pair{"nextChange", QKeySequence(Qt::Key_F7)}, std::pair{"previousChange", QKeySequence(Qt::SHIFT | Qt::Key_F7)}}) {
        auto *action = findChild<QAction *>(QLatin1String(name), Qt::FindDirectChildrenOnly);
        QList<QKeySequence> keys = action->shortcuts();
        keys.removeAll(f7);
        if (enabled)
            keys.prepend(f7);
        action->setShortcuts(keys);
    }
}

void DiffView::nextChange()
{
    const int count = changeCount();
    if (count == 0)
        return;
    d->m_current = (d->m_current + 1) % count;
    d->showCurrentChange();
    emit currentChangeChanged(d->m_current, count);
}

void DiffView::previousChange()
{
    const int count = changeCount();
    if (count == 0)
        return;
    d->m_current = d->m_current <= 0 ? count - 1 : d->m_current - 1;
    d->showCurrentChange();
    emit currentChangeChanged(d->m_current, count);
}

void DiffView::copyAll()
{
    QGuiApplication::clipboard()->setText(unifiedText());
}

void DiffView::toggleMode()
{
    setMode(d->m_mode == Mode::Unified ? Mode::SideBySide : Mode::Unified);
}

} // namespace sluice
