#pragma once

// One text pane of the diff view: a read-only, non-wrapping QPlainTextEdit with a line-number
// gutter (the Qt "code editor" pattern). Internal to DiffView.

#include <QColor>
#include <QList>
#include <QPlainTextEdit>

namespace sluice {

// Row colours for the diff, derived from a palette (light or dark): blends of the base colour
// with red/green so they keep the palette's contrast with the text.
struct DiffColors
{
    QColor deletedLine;
    QColor insertedLine;
    QColor deletedWord;
    QColor insertedWord;
    QColor filler;       // the hatch on rows that exist only on the other side
    QColor gutterText;
    QColor gutterBackground;

    static DiffColors forPalette(const QPalette &palette);
};

// What the gutter shows for one block of the editor's document.
struct GutterRow
{
    enum class Kind : quint8 { Equal, Deleted, Inserted, Filler };
    Kind kind = Kind::Equal;
    int oldLine = 0; // 1-based; 0 for none
    int newLine = 0;
};

class DiffEditor : public QPlainTextEdit
{
    Q_OBJECT

public:
    // Which line numbers the gutter shows: one side's, or both plus a -/+ marker (unified).
    enum class Numbers { Old, New, Both };

    explicit DiffEditor(Numbers numbers, QWidget *parent = nullptr);

    // One row per block, in block order; rows past the end show nothing.
    void setRows(QList<GutterRow> rows);
    const QList<GutterRow> &rows() const { return m_rows; }
    void setColors(const DiffColors &colors);

protected:
    void resizeEvent(QResizeEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    class Gutter;
    friend class Gutter;

    int gutterWidth() const;
    void updateGutterGeometry();
    void paintGutter(QPaintEvent *event);

    Numbers m_numbers;
    QList<GutterRow> m_rows;
    DiffColors m_colors;
    int m_oldDigits = 1;
    int m_newDigits = 1;
    QWidget *m_gutter = nullptr;
};

} // namespace sluice
