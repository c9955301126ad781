// The markdown report: GitHub-flavoured markdown as a pull-request comment renders it (also
// GitLab and Gitea). Text from the repository goes into code spans, code blocks or <code>
// elements, where neither markdown nor GitHub's @mentions and #references act on it.

#include "Cli.h"
#include "ReportWriter.h"

#include <algorithm>

namespace sluice::cli::report {
namespace {

constexpr int kMaxNotes = 20;
constexpr qsizetype kMaxNoteChars = 300;
constexpr qsizetype kMaxPathChars = 120;

QByteArray utf8(const QString &text)
{
    return text.toUtf8();
}

// The longest run of backticks in `text`.
qsizetype longestBacktickRun(QByteArrayView text)
{
    qsizetype longest = 0, run = 0;
    for (char c : text) {
        run = c == '`' ? run + 1 : 0;
        longest = std::max(longest, run);
    }
    return longest;
}

// `text` as an inline code span on one line: fenced by more backticks than it holds, padded when
// it starts or ends with one, newlines as spaces. In a table cell `|` is escaped as GFM asks
// (inside code spans too).
QByteArray codeSpan(const QString &value, bool inTable = false)
{
    QByteArray text = utf8(value);
    text.replace('\n', ' ').replace('\r', ' ');
    if (inTable)
        text.replace('|', "\\|");
    if (text.isEmpty())
        return {};
    const QByteArray fence(longestBacktickRun(text) + 1, '`');
    const bool pad = text.startsWith('`') || text.endsWith('`') || text.startsWith(' ') || text.endsWith(' ');
    return fence + (pad ? " " : "") + text + (pad ? " " : "") + fence;
}

// Text for an HTML context inside markdown (the <summary> of a <details> block).
QByteArray html(const QString &text)
{
    return utf8(text.toHtmlEscaped()).replace('\'', "&#39;");
}

// Plain text in a markdown line: every ASCII punctuation character that could start markup is
// escaped with a backslash (CommonMark allows it for any of them).
QByteArray inlineText(const QString &text)
{
    QByteArray out;
    for (char c : utf8(text)) {
        if (c == '\n' || c == '\r') {
            out += ' ';
            continue;
        }
        if (QByteArrayView("\\`*_{}[]<>()#+-!|~&$^").contains(c))
            out += '\\';
        out += c;
    }
    return out;
}

class MarkdownWriter final : public ReportWriter
{
public:
    void begin(QByteArray &out, const ReportInput &input, const Truncation &truncation) const override
    {
        out += "### " + inlineText(input.title) + ": " + codeSpan(input.base) + " → " + codeSpan(input.head) + "\n\n";
        out += "**" + utf8(summaryLine(input.diff->summary)) + "**";
        if (!input.diff->summary.hasDifferences())
            out += " · no differences";
        out += "\n\n";
        if (truncation.any()) {
            out += "> [!NOTE]\n> **Cut to fit a comment:** " + utf8(truncationCounts(truncation)) + "; run " +
                   codeSpan(input.rerunCommand) + " locally for the whole review.\n\n";
        }
        const QStringList &notes = input.diff->notes;
        if (!notes.isEmpty()) {
            QByteArray block;
            for (qsizetype i = 0; i < std::min<qsizetype>(notes.size(), kMaxNotes); ++i) {
                const QString &note = notes.at(i);
                block += utf8(elideMiddle(note.startsWith(QLatin1String("warning: ")) ? note : QStringLiteral("note: ") + note,
                                          kMaxNoteChars).replace(QLatin1Char('\n'), QLatin1Char(' '))) + '\n';
            }
            if (notes.size() > kMaxNotes)
                block += "… (" + QByteArray::number(notes.size() - kMaxNotes) + " more notes)\n";
            const QByteArray fence(std::max<qsizetype>(3, longestBacktickRun(block) + 1), '`');
            out += fence + "text\n" + block + fence + "\n\n";
        }
    }

    void tableBegin(QByteArray &out) const override
    {
        out += "| Kind | Namespace | Name | Change | Fields changed |\n| --- | --- | --- | --- | --- |\n";
    }

    void tableRow(QByteArray &out, const ObjectDiff &o, int) const override
    {
        out += "| " + codeSpan(kindName(o.key), true) + " | " +
               (o.key.ns.isEmpty() ? QByteArray("—") : codeSpan(o.key.ns, true)) + " | " + codeSpan(o.key.name, true) +
               " | " + changeMark(o.change) + ' ' + utf8(changeKindName(o.change)) + " | ";
        QByteArrayList paths;
        for (qsizetype i = 0; i < std::min<qsizetype>(o.fields.size(), kTableFieldPaths); ++i)
            paths << codeSpan(elideMiddle(o.fields.at(i).path, kMaxPathChars), true);
        out += paths.join(", ");
        if (o.fields.size() > kTableFieldPaths)
            out += " and " + QByteArray::number(o.fields.size() - kTableFieldPaths) + " more";
        out += " |\n";
    }

    void tableEnd(QByteArray &out, int rowsLeftOut) const override
    {
        if (rowsLeftOut > 0)
            out += "\n… and " + QByteArray::number(rowsLeftOut) + (rowsLeftOut == 1 ? " more object" : " more objects") +
                   " (see the note above).\n";
        out += '\n';
    }

    void objectBegin(QByteArray &out, const ObjectDiff &o, int) const override
    {
        out += "<details><summary>" + changeMark(o.change) + " <code>" + html(o.key.displayName()) + "</code>";
        if (o.change == ChangeKind::Changed)
            out += " (" + QByteArray::number(o.fields.size()) + (o.fields.size() == 1 ? " field)" : " fields)");
        else
            out += ' ' + utf8(changeKindName(o.change));
        // The fence outnumbers any backtick run in the diff, so no line of it can close the block.
        out += "</summary>\n\n" + fence(o) + "diff\n";
    }

    void diffLine(QByteArray &out, QByteArrayView line) const override
    {
        out += line;
        out += '\n';
    }

    void objectEnd(QByteArray &out, const ObjectDiff &o, qsizetype shown, qsizetype total) const override
    {
        out += fence(o) + "\n\n";
        if (shown < total)
            out += "*Diff cut: " + QByteArray::number(shown) + " of " + QByteArray::number(total) + " lines shown.*\n\n";
        out += "</details>\n\n";
    }

    void end(QByteArray &out, const ReportInput &input) const override
    {
        out += "<sub>" + html(input.generator) + "</sub>\n";
    }

    qsizetype minimumDiffCap() const override { return 1200; }
    qsizetype maxLineBytes() const override { return 400; }

private:
    static QByteArray fence(const ObjectDiff &o) { return QByteArray(std::max<qsizetype>(3, longestBacktickRun(o.diff) + 1), '`'); }
};

} // namespace

std::unique_ptr<ReportWriter> markdownWriter()
{
    return std::make_unique<MarkdownWriter>();
}

} // namespace sluice::cli::report
