#include "YamlHighlighter.h"

#include <QGuiApplication>
#include <QTextDocument>

#ifdef SLUICE_HAVE_KSYNTAXHIGHLIGHTING
#include <KSyntaxHighlighting/Definition>
#include <KSyntaxHighlighting/Repository>
#include <KSyntaxHighlighting/SyntaxHighlighter>
#include <KSyntaxHighlighting/Theme>
#endif

namespace sluice {
namespace {

constexpr int NoBlockScalar = -1;

int skipSpaces(const QString &text, int pos)
{
    while (pos < text.size() && text.at(pos) == u' ')
        ++pos;
    return pos;
}

// A '#' starts a comment at the line start or after a space (not inside `a#b`).
bool isCommentAt(const QString &text, int pos)
{
    return text.at(pos) == u'#' && (pos == 0 || text.at(pos - 1) == u' ' || text.at(pos - 1) == u'\t');
}

// End of a quoted scalar starting at `pos` (one past the closing quote, or the line end).
int quotedEnd(const QString &text, int pos)
{
    const QChar quote = text.at(pos);
    for (int i = pos + 1; i < text.size(); ++i) {
        if (quote == u'"' && text.at(i) == u'\\') {
            ++i;
        } else if (text.at(i) == quote) {
            if (quote == u'\'' && i + 1 < text.size() && text.at(i + 1) == u'\'')
                ++i; // '' is an escaped quote
            else
                return i + 1;
        }
    }
    return int(text.size());
}

bool isDigits(QStringView s)
{
    if (s.isEmpty())
        return false;
    for (QChar c : s) {
        if (!c.isDigit() && c != u'_')
            return false;
    }
    return true;
}

// YAML 1.1/1.2 numbers as Kubernetes YAML has them: 3, -1, 0.5, 1e3, 0x1F, 0o17, .inf, .nan.
bool isNumber(QStringView s)
{
    if (s.startsWith(u'-') || s.startsWith(u'+'))
        s = s.mid(1);
    if (s.isEmpty())
        return false;
    if (s.compare(u".inf", Qt::CaseInsensitive) == 0 || s.compare(u".nan", Qt::CaseInsensitive) == 0)
        return true;
    if (s.size() > 2 && s.at(0) == u'0' && (s.at(1) == u'x' || s.at(1) == u'o')) {
        for (QChar c : s.mid(2)) {
            if (!(c.isDigit() || (s.at(1) == u'x' && QStringView(u"abcdefABCDEF").contains(c))))
                return false;
        }
        return true;
    }
    qsizetype e = s.indexOf(u'e');
    if (e < 0)
        e = s.indexOf(u'E');
    QStringView mantissa = e < 0 ? s : s.first(e);
    if (e >= 0) {
        QStringView exponent = s.mid(e + 1);
        if (exponent.startsWith(u'-') || exponent.startsWith(u'+'))
            exponent = exponent.mid(1);
        if (!isDigits(exponent))
            return false;
    }
    const qsizetype dot = mantissa.indexOf(u'.');
    if (dot < 0)
        return isDigits(mantissa);
    const QStringView whole = mantissa.first(dot), fraction = mantissa.mid(dot + 1);
    return (whole.isEmpty() || isDigits(whole)) && (fraction.isEmpty() || isDigits(fraction)) &&
           !(whole.isEmpty() && fraction.isEmpty());
}

bool isLiteral(QStringView s)
{
    static const char16_t *const literals[] = {u"true", u"false", u"null", u"~", u"yes", u"no", u"on", u"off"};
    for (const char16_t *literal : literals) {
        if (s.compare(QStringView(literal), Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

QTextCharFormat foreground(const QColor &color, bool italic = false)
{
    QTextCharFormat format;
    format.setForeground(color);
    if (italic)
        format.setFontItalic(true);
    return format;
}

} // namespace

bool isDarkPalette(const QPalette &palette)
{
    return palette.color(QPalette::Base).lightness() < 128;
}

YamlHighlighter::YamlHighlighter(QTextDocument *document, const QPalette &palette)
    : QSyntaxHighlighter(document)
{
    setFormats(palette);
}

void YamlHighlighter::setPalette(const QPalette &palette)
{
    setFormats(palette);
    rehighlight();
}

void YamlHighlighter::setFormats(const QPalette &palette)
{
    // Hue sets chosen to stay apart from the red/green of the diff tints.
    if (isDarkPalette(palette)) {
        m_key = foreground(QColor(0x79, 0xc0, 0xff));
        m_string = foreground(QColor(0xe3, 0xb3, 0x41));
        m_number = foreground(QColor(0x56, 0xd4, 0xdd));
        m_literal = foreground(QColor(0xd2, 0xa8, 0xff));
        m_comment = foreground(QColor(0x8b, 0x94, 0x9e), true);
        m_punctuation = foreground(QColor(0x8b, 0x94, 0x9e));
    } else {
        m_key = foreground(QColor(0x05, 0x50, 0xae));
        m_string = foreground(QColor(0x7c, 0x4a, 0x03));
        m_number = foreground(QColor(0x0a, 0x6e, 0x7c));
        m_literal = foreground(QColor(0x82, 0x50, 0xdf));
        m_comment = foreground(QColor(0x6e, 0x77, 0x81), true);
        m_punctuation = foreground(QColor(0x57, 0x60, 0x6a));
    }
}

void YamlHighlighter::highlightBlock(const QString &text)
{
    const int indent = skipSpaces(text, 0);
    const int openerIndent = previousBlockState();
    if (openerIndent >= 0) {
        if (indent == text.size() || indent > openerIndent) { // blank, or block scalar content
            setFormat(indent, int(text.size()) - indent, m_string);
            setCurrentBlockState(openerIndent);
            return;
        }
    }
    setCurrentBlockState(NoBlockScalar);
    if (indent == text.size())
        return;

    QStringView rest = QStringView(text).mid(indent);
    if ((rest.startsWith(u"---") || rest.startsWith(u"...")) && (rest.size() == 3 || rest.at(3) == u' ')) {
        setFormat(indent, 3, m_punctuation);
        highlightValue(text, indent + 3);
        return;
    }
    if (isCommentAt(text, indent)) {
        setFormat(indent, int(text.size()) - indent, m_comment);
        return;
    }

    int pos = indent;
    // Sequence items, possibly nested on one line ("- - a").
    while (pos < text.size() && text.at(pos) == u'-' && (pos + 1 == text.size() || text.at(pos + 1) == u' ')) {
        setFormat(pos, 1, m_punctuation);
        pos = skipSpaces(text, pos + 1);
    }
    if (pos == text.size())
        return;

    // A key: quoted or plain, followed by ':' and a space or the line end.
    int keyEnd = -1;
    if (text.at(pos) == u'"' || text.at(pos) == u'\'') {
        const int end = quotedEnd(text, pos);
        if (end < text.size() && text.at(end) == u':')
            keyEnd = end;
    } else if (text.at(pos) != u'{' && text.at(pos) != u'[' && !isCommentAt(text, pos)) {
        for (int i = pos; i < text.size(); ++i) {
            if (text.at(i) == u':' && (i + 1 == text.size() || text.at(i + 1) == u' ')) {
                keyEnd = i;
                break;
            }
            if (text.at(i) == u'#' && isCommentAt(text, i))
                break;
        }
    }
    if (keyEnd >= 0) {
        setFormat(pos, keyEnd - pos, m_key);
        setFormat(keyEnd, 1, m_punctuation);
        pos = keyEnd + 1;
    }
    highlightValue(text, pos);
}

void YamlHighlighter::highlightValue(const QString &text, int from)
{
    int pos = skipSpaces(text, from);
    // Anchors, aliases and tags before the value.
    while (pos < text.size() && (text.at(pos) == u'&' || text.at(pos) == u'*' || text.at(pos) == u'!')) {
        const int start = pos;
        while (pos < text.size() && text.at(pos) != u' ')
            ++pos;
        setFormat(start, pos - start, m_punctuation);
        pos = skipSpaces(text, pos);
    }
    if (pos >= text.size())
        return;
    if (isCommentAt(text, pos)) {
        setFormat(pos, int(text.size()) - pos, m_comment);
        return;
    }

    const QChar first = text.at(pos);
    int end = pos;
    if (first == u'|' || first == u'>') {
        // Block scalar header: indicator, optional chomping and indentation indicators.
        end = pos + 1;
        while (end < text.size() && (text.at(end) == u'-' || text.at(end) == u'+' || text.at(end).isDigit()))
            ++end;
        const int after = skipSpaces(text, end);
        if (after == text.size() || isCommentAt(text, after)) {
            setFormat(pos, end - pos, m_punctuation);
            if (after < text.size())
                setFormat(after, int(text.size()) - after, m_comment);
            setCurrentBlockState(skipSpaces(text, 0));
            return;
        }
    }
    if (first == u'"' || first == u'\'') {
        end = quotedEnd(text, pos);
        setFormat(pos, end - pos, m_string);
    } else if (first == u'{' || first == u'[') {
        // Flow collections: kubectl only writes `{}` and `[]`; no deeper parsing.
        end = int(text.size());
        setFormat(pos, end - pos, m_punctuation);
        return;
    } else {
        end = pos;
        while (end < text.size() && !(text.at(end) == u'#' && isCommentAt(text, end)))
            ++end;
        int valueEnd = end;
        while (valueEnd > pos && text.at(valueEnd - 1) == u' ')
            --valueEnd;
        const QStringView value = QStringView(text).mid(pos, valueEnd - pos);
        setFormat(pos, valueEnd - pos, isLiteral(value) ? m_literal : isNumber(value) ? m_number : m_string);
    }
    const int comment = skipSpaces(text, end);
    if (comment < text.size() && isCommentAt(text, comment))
        setFormat(comment, int(text.size()) - comment, m_comment);
}

QSyntaxHighlighter *createYamlHighlighter(QTextDocument *document)
{
    return createYamlHighlighter(document, QGuiApplication::palette());
}

#ifdef SLUICE_HAVE_KSYNTAXHIGHLIGHTING
namespace {
// The definitions are loaded once; the repository must outlive every highlighter (GUI thread).
KSyntaxHighlighting::Repository &repository()
{
    static KSyntaxHighlighting::Repository repository;
    return repository;
}
} // namespace

QSyntaxHighlighter *createYamlHighlighter(QTextDocument *document, const QPalette &palette)
{
    KSyntaxHighlighting::Repository &repo = repository();
    const KSyntaxHighlighting::Definition definition = repo.definitionForName(QStringLiteral("YAML"));
    if (!definition.isValid()) // a broken installation: fall back rather than show plain text
        return new YamlHighlighter(document, palette);
    auto *highlighter = new KSyntaxHighlighting::SyntaxHighlighter(document);
    highlighter->setTheme(repo.defaultTheme(isDarkPalette(palette) ? KSyntaxHighlighting::Repository::DarkTheme
                                                                   : KSyntaxHighlighting::Repository::LightTheme));
    highlighter->setDefinition(definition);
    return highlighter;
}

QString highlighterName()
{
    return QStringLiteral("KF6SyntaxHighlighting");
}
#else
QSyntaxHighlighter *createYamlHighlighter(QTextDocument *document, const QPalette &palette)
{
    return new YamlHighlighter(document, palette);
}

QString highlighterName()
{
    return QStringLiteral("built-in");
}
#endif

} // namespace sluice
