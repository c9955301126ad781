#pragma once

// YAML highlighting for the diff view: Sluice's own QSyntaxHighlighter for the YAML Sluice
// shows (normalized, kubectl layout), or KSyntaxHighlighting's "YAML" definition when the
// build found KF6SyntaxHighlighting.

#include <QPalette>
#include <QSyntaxHighlighter>
#include <QTextCharFormat>

class QTextDocument;

namespace sluice {

// Highlights keys, `- ` items, quoted and plain strings, numbers, true/false/null, comments,
// `---` and block scalars (`|`, `|-`, `>`…): the lines after the indicator that are indented
// deeper than the indicator's line are string content, whatever they contain. Empty lines keep
// a block scalar open (diff filler lines are empty). Foreground colours only, picked from a
// hue set for light or dark palettes, so line tints drawn behind the text stay visible.
// Cost: one linear scan per line, no regular expressions; a 20,000-line document highlights in
// a few tens of milliseconds (QSyntaxHighlighter highlights the whole document on load).
class YamlHighlighter : public QSyntaxHighlighter
{
    Q_OBJECT

public:
    explicit YamlHighlighter(QTextDocument *document, const QPalette &palette = QPalette());

    // Recomputes the colours for `palette` (light or dark base) and rehighlights.
    void setPalette(const QPalette &palette);

protected:
    void highlightBlock(const QString &text) override;

private:
    // Block state: -1 outside block scalars, else the indentation of the line that opened the
    // block scalar (content lines are indented deeper).
    void highlightValue(const QString &text, int from);
    void setFormats(const QPalette &palette);

    QTextCharFormat m_key;
    QTextCharFormat m_string;
    QTextCharFormat m_number;
    QTextCharFormat m_literal; // true, false, null, ~
    QTextCharFormat m_comment;
    QTextCharFormat m_punctuation; // `- `, `---`, `|`, anchors and tags
};

// True when `palette`'s base colour is dark: the dark hue set and the dark theme are used.
bool isDarkPalette(const QPalette &palette);

// The YAML highlighter for `document` (parented to it), with colours for `palette`
// (the application palette when omitted). KSyntaxHighlighting's when available, else
// YamlHighlighter. Recreate it when the palette changes between light and dark.
QSyntaxHighlighter *createYamlHighlighter(QTextDocument *document);
QSyntaxHighlighter *createYamlHighlighter(QTextDocument *document, const QPalette &palette);

// "KF6SyntaxHighlighting" or "built-in": which highlighter createYamlHighlighter() makes.
QString highlighterName();

} // namespace sluice
