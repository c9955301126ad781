#include "DiffEditor.h"

#include <QEvent>
#include <QFontDatabase>
#include <QPaintEvent>
#include <QPainter>
#include <QTextBlock>

namespace sluice {
namespace {

QColor mix(const QColor &a, const QColor &b, qreal t)
{
    return QColor::fromRgbF(float(a.redF() * (1 - t) + b.redF() * t), float(a.greenF() * (1 - t) + b.greenF() * t),
                            float(a.blueF() * (1 - t) + b.blueF() * t));
}

int digits(int n)
{
    int count = 1;
    while (n >= 10)
        n /= 10, ++count;
    return count;
}

constexpr int GutterPadding = 4; // pixels left and right of the numbers

} // namespace

DiffColors DiffColors::forPalette(const QPalette &palette)
{
    const QColor base = palette.color(QPalette::Base);
    const QColor text = palette.color(QPalette::Text);
    const bool dark = base.lightness() < 128;
    // Dark bases need more of the hue for the same visible tint.
    const QColor red = dark ? QColor(0xf8, 0x51, 0x49) : QColor(0xcf, 0x22, 0x2e);
    const QColor green = dark ? QColor(0x2e, 0xa0, 0x43) : QColor(0x1a, 0x7f, 0x37);
    const qreal line = dark ? 0.20 : 0.11;
    const qreal word = dark ? 0.55 : 0.32;
    DiffColors colors;
    colors.deletedLine = mix(base, red, line);
    colors.insertedLine = mix(base, green, line);
    colors.deletedWord = mix(base, red, word);
    colors.insertedWord = mix(base, green, word);
    colors.filler = mix(base, text, dark ? 0.16 : 0.12);
    colors.gutterText = mix(base, text, 0.5);
    colors.gutterBackground = mix(base, text, 0.04);
    return colors;
}

// The gutter is a child of the editor laid over its left viewport margin; the editor paints it.
class DiffEditor::Gutter : public QWidget
{
public:
    explicit Gutter(DiffEditor *editor) : QWidget(editor), m_editor(editor) {}
    QSize sizeHint() const override { return {m_editor->gutterWidth(), 0}; }

protected:
    void paintEvent(QPaintEvent *event) override { m_editor->paintGutter(event); }

private:
    DiffEditor *m_editor;
};

DiffEditor::DiffEditor(Numbers numbers, QWidget *parent)
    : QPlainTextEdit(parent), m_numbers(numbers), m_colors(DiffColors::forPalette(palette()))
{
    setReadOnly(true);
    // A caret for keyboard users (and for "put the cursor on the change"); no editing.
    setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    setUndoRedoEnabled(false);
    // Wrapping would break the row alignment between the two sides.
    setLineWrapMode(QPlainTextEdit::NoWrap);
    m_gutter = new Gutter(this); // before setFont(): FontChange lays the gutter out
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    connect(this, &QPlainTextEdit::updateRequest, this, [this](const QRect &rect, int dy) {
        if (dy)
            m_gutter->scroll(0, dy);
        else
            m_gutter->update(0, rect.y(), m_gutter->width(), rect.height());
    });
    updateGutterGeometry();
}

void DiffEditor::setRows(QList<GutterRow> rows)
{
    m_rows = std::move(rows);
    int maxOld = 0, maxNew = 0;
    for (const GutterRow &row : std::as_const(m_rows)) {
        maxOld = qMax(maxOld, row.oldLine);
        maxNew = qMax(maxNew, row.newLine);
    }
    m_oldDigits = digits(maxOld);
    m_newDigits = digits(maxNew);
    updateGutterGeometry();
    m_gutter->update();
}

void DiffEditor::setColors(const DiffColors &colors)
{
    m_colors = colors;
    m_gutter->update();
}

int DiffEditor::gutterWidth() const
{
    const int digit = fontMetrics().horizontalAdvance(QLatin1Char('9'));
    switch (m_numbers) {
    case Numbers::Old:
        return 2 * GutterPadding + digit * qMax(2, m_oldDigits);
    case Numbers::New:
        return 2 * GutterPadding + digit * qMax(2, m_newDigits);
    case Numbers::Both:
        // "old new -": two number columns, then the marker, which keeps the kind of a line
        // readable without colour.
        return 4 * GutterPadding + digit * (qMax(2, m_oldDigits) + qMax(2, m_newDigits) + 1);
    }
    return 0;
}

void DiffEditor::updateGutterGeometry()
{
    setViewportMargins(gutterWidth(), 0, 0, 0);
    const QRect contents = contentsRect();
    m_gutter->setGeometry(QRect(contents.left(), contents.top(), gutterWidth(), contents.height()));
}

void DiffEditor::resizeEvent(QResizeEvent *event)
{
    QPlainTextEdit::resizeEvent(event);
    updateGutterGeometry();
}

void DiffEditor::changeEvent(QEvent *event)
{
    QPlainTextEdit::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        updateGutterGeometry();
}

void DiffEditor::paintGutter(QPaintEvent *event)
{
    QPainter painter(m_gutter);
    painter.fillRect(event->rect(), m_colors.gutterBackground);
    painter.setFont(font());
    const int digit = fontMetrics().horizontalAdvance(QLatin1Char('9'));
    const int oldWidth = digit * qMax(2, m_oldDigits);
    const int newWidth = digit * qMax(2, m_newDigits);
    const int width = m_gutter->width();

    QTextBlock block = firstVisibleBlock();
    qreal top = blockBoundingGeometry(block).translated(contentOffset()).top();
    while (block.isValid() && top <= event->rect().bottom()) {
        const qreal height = blockBoundingRect(block).height();
        const int number = block.blockNumber();
        if (block.isVisible() && number < m_rows.size() && top + height >= event->rect().top()) {
            const GutterRow &row = m_rows.at(number);
            const QRectF rect(0, top, width, height);
            if (row.kind == GutterRow::Kind::Deleted)
                painter.fillRect(rect, m_colors.deletedLine);
            else if (row.kind == GutterRow::Kind::Inserted)
                painter.fillRect(rect, m_colors.insertedLine);
            painter.setPen(m_colors.gutterText);
            const auto drawNumber = [&](int line, qreal x, int columnWidth) {
                if (line > 0)
                    painter.drawText(QRectF(x, top, columnWidth, height), Qt::AlignRight | Qt::AlignVCenter,
                                     QString::number(line));
            };
            switch (m_numbers) {
            case Numbers::Old:
                drawNumber(row.oldLine, GutterPadding, oldWidth);
                break;
            case Numbers::New:
                drawNumber(row.newLine, GutterPadding, newWidth);
                break;
            case Numbers::Both: {
                drawNumber(row.oldLine, GutterPadding, oldWidth);
                drawNumber(row.newLine, 2 * GutterPadding + oldWidth, newWidth);
                const QChar marker = row.kind == GutterRow::Kind::Deleted    ? u'-'
                                     : row.kind == GutterRow::Kind::Inserted ? u'+'
                                                                             : u' ';
                painter.setPen(palette().color(QPalette::Text));
                painter.drawText(QRectF(3 * GutterPadding + oldWidth + newWidth, top, digit, height),
                                 Qt::AlignCenter, QString(marker));
                break;
            }
            }
        }
        top += height;
        block = block.next();
    }
}

} // namespace sluice
