// The HTML report: one self-contained file (inline CSS, no script, no external resource) that
// any browser opens, light or dark as the system is. Collapsible blocks are <details>, which
// need no script. Everything quoted is escaped, and the markup is well-formed XML too, so a
// strict parser reads it as a browser does.

#include "Cli.h"
#include "ReportWriter.h"

#include <algorithm>

namespace sluice::cli::report {
namespace {

constexpr int kMaxNotes = 100;
constexpr qsizetype kMaxNoteChars = 2000;
constexpr int kMaxFields = 30;             // field changes listed above a diff
constexpr qsizetype kMaxValueChars = 200;  // of one field value there

const char *const kStyle = R"(
:root { color-scheme: light dark; --fg: #1f2328; --bg: #ffffff; --muted: #59636e; --border: #d1d9e0;
  --panel: #f6f8fa; --add: #dafbe1; --add-fg: #116329; --del: #ffebe9; --del-fg: #a40e26;
  --hunk: #ddf4ff; --hunk-fg: #0550ae; --chg-fg: #9a6700; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9198a1; --border: #3d444d; --panel: #151b23;
    --add: #12261e; --add-fg: #3fb950; --del: #25171c; --del-fg: #f85149; --hunk: #121d2f;
    --hunk-fg: #58a6ff; --chg-fg: #d29922; }
}
body { margin: 0 auto; max-width: 1160px; padding: 20px 24px; color: var(--fg); background: var(--bg);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 12.5px; }
h1 { font-size: 20px; margin: 0 0 2px; }
.revisions { color: var(--muted); margin: 0 0 14px; }
.summary .count { display: inline-block; padding: 1px 10px; margin: 0 2px 4px 0; border: 1px solid var(--border);
  border-radius: 12px; font-weight: 600; }
.added { color: var(--add-fg); } .removed { color: var(--del-fg); } .changed { color: var(--chg-fg); }
.unchanged, .meta, .cut, footer { color: var(--muted); }
.note { border-left: 4px solid var(--hunk-fg); background: var(--hunk); padding: 8px 12px; margin: 12px 0; }
ul.notes { padding-left: 20px; } ul.notes .warning { color: var(--chg-fg); }
table { border-collapse: collapse; width: 100%; margin: 14px 0 18px; }
th, td { border: 1px solid var(--border); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--panel); }
td a { color: inherit; }
details { border: 1px solid var(--border); border-radius: 6px; margin: 10px 0; overflow: hidden; }
summary { cursor: pointer; padding: 6px 10px; background: var(--panel); }
details[open] summary { border-bottom: 1px solid var(--border); }
.mark { display: inline-block; width: 1em; font-weight: 700; text-align: center; }
ul.fields { margin: 6px 0; padding: 0 10px 0 30px; }
pre.diff { margin: 0; overflow-x: auto; }
pre.diff code { display: inline-block; min-width: 100%; box-sizing: border-box; padding: 4px 0; }
pre.diff span { display: block; padding: 0 10px; min-height: 1.4em; }
pre.diff .a { background: var(--add); } pre.diff .d { background: var(--del); }
pre.diff .u { background: var(--hunk); color: var(--hunk-fg); } pre.diff .h { color: var(--muted); font-weight: 600; }
.cut { margin: 0; padding: 4px 10px; border-top: 1px solid var(--border); font-style: italic; }
footer { margin-top: 24px; font-size: 12px; }
)";

// Appends `text` escaped for element content and attribute values; control characters other
// than tab and newline, which neither HTML nor XML wants, become U+FFFD.
void appendEscaped(QByteArray &out, QByteArrayView text)
{
    const auto isPlain = [](char c) {
        return c != '&' && c != '<' && c != '>' && c != '"' && c != '\'' && (uchar(c) >= 0x20 || c == '\t' || c == '\n');
    };
    const char *p = text.data(), *end = p + text.size();
    while (p < end) { // a run of plain bytes at a time: appending a byte at a time cost most of a report
        const char *run = p;
        while (p < end && isPlain(*p))
            ++p;
        out.append(run, p - run);
        if (p == end)
            break;
        switch (*p++) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += "\xEF\xBF\xBD"; // a control character HTML cannot hold
        }
    }
}

QByteArray esc(const QString &text)
{
    QByteArray out;
    appendEscaped(out, text.toUtf8());
    return out;
}

QByteArray code(const QString &text)
{
    return "<code>" + esc(text) + "</code>";
}

const char *changeClass(ChangeKind kind)
{
    switch (kind) {
    case ChangeKind::Added: return "added";
    case ChangeKind::Removed: return "removed";
    case ChangeKind::Changed: return "changed";
    case ChangeKind::Unchanged: break;
    }
    return "unchanged";
}

QByteArray anchor(int index)
{
    return "object-" + QByteArray::number(index + 1);
}

QString shownValue(const FieldValue &value)
{
    return QString::fromUtf8(fieldValueLine(value, kMaxValueChars));
}

class HtmlWriter final : public ReportWriter
{
public:
    explicit HtmlWriter(bool blocksOpen) : m_open(blocksOpen) {}

    void begin(QByteArray &out, const ReportInput &input, const Truncation &truncation) const override
    {
        const DiffSummary &s = input.diff->summary;
        out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n"
               "<meta name=\"generator\" content=\"" + esc(input.generator) + "\" />\n"
               "<title>" + esc(input.title + QStringLiteral(": ") + input.base + QStringLiteral(" → ") + input.head) +
               "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n<header>\n<h1>" + esc(input.title) + "</h1>\n"
               "<p class=\"revisions\">" + code(input.base) + " → " + code(input.head) + "</p>\n</header>\n";
        // The counts of summaryLine() ("2 added, 0 removed, 1 changed, 40 unchanged") as badges.
        out += "<p class=\"summary\">";
        const std::pair<int, const char *> counts[] = {{s.added, "added"}, {s.removed, "removed"}, {s.changed, "changed"},
                                                       {s.unchanged, "unchanged"}};
        for (const auto &[count, name] : counts)
            out += QByteArray("<span class=\"count ") + name + "\">" + QByteArray::number(count) + ' ' + name + "</span> ";
        out += "</p>\n";
        if (!s.hasDifferences())
            out += "<p>No differences.</p>\n";
        if (truncation.any())
            out += "<p class=\"note\"><strong>Cut to size:</strong> " + esc(truncationCounts(truncation)) + "; run " +
                   code(input.rerunCommand) + " locally for the whole review.</p>\n";
        const QStringList &notes = input.diff->notes;
        if (!notes.isEmpty()) {
            out += "<ul class=\"notes\">\n";
            for (qsizetype i = 0; i < std::min<qsizetype>(notes.size(), kMaxNotes); ++i) {
                const bool warning = notes.at(i).startsWith(QLatin1String("warning: "));
                out += QByteArray(warning ? "<li class=\"warning\">" : "<li>") +
                       esc(elideMiddle(warning ? notes.at(i) : QStringLiteral("note: ") + notes.at(i), kMaxNoteChars)) + "</li>\n";
            }
            if (notes.size() > kMaxNotes)
                out += "<li>… (" + QByteArray::number(notes.size() - kMaxNotes) + " more notes)</li>\n";
            out += "</ul>\n";
        }
    }

    void tableBegin(QByteArray &out) const override
    {
        out += "<table>\n<thead><tr><th>Kind</th><th>Namespace</th><th>Name</th><th>Change</th><th>Fields changed</th></tr></thead>\n"
               "<tbody>\n";
    }

    void tableRow(QByteArray &out, const ObjectDiff &o, int index) const override
    {
        out += "<tr><td>" + esc(kindName(o.key)) + "</td><td>" + (o.key.ns.isEmpty() ? QByteArray("—") : esc(o.key.ns)) +
               "</td><td><a href=\"#" + anchor(index) + "\">" + esc(o.key.name) + "</a></td><td class=\"" +
               changeClass(o.change) + "\">" + changeMark(o.change) + ' ' + esc(changeKindName(o.change)) + "</td><td>";
        QByteArrayList paths;
        for (qsizetype i = 0; i < std::min<qsizetype>(o.fields.size(), kTableFieldPaths); ++i)
            paths << code(elideMiddle(o.fields.at(i).path, kMaxQuotedChars));
        out += paths.join(", ");
        if (o.fields.size() > kTableFieldPaths)
            out += " and " + QByteArray::number(o.fields.size() - kTableFieldPaths) + " more";
        out += "</td></tr>\n";
    }

    void tableEnd(QByteArray &out, int rowsLeftOut) const override
    {
        out += "</tbody>\n</table>\n";
        if (rowsLeftOut > 0)
            out += "<p class=\"cut\">… and " + QByteArray::number(rowsLeftOut) +
                   (rowsLeftOut == 1 ? " more object" : " more objects") + " (see the note above).</p>\n";
    }

    void objectBegin(QByteArray &out, const ObjectDiff &o, int index) const override
    {
        out += "<details id=\"" + anchor(index) + (m_open ? "\" open=\"open\">" : "\">") + "<summary><span class=\"mark " +
               changeClass(o.change) + "\">" + changeMark(o.change) + "</span> " + code(o.key.displayName()) +
               " <span class=\"meta\">";
        QStringList meta;
        if (o.change == ChangeKind::Changed)
            meta << QStringLiteral("%1 field%2").arg(o.fields.size()).arg(o.fields.size() == 1 ? "" : "s");
        else
            meta << changeKindName(o.change);
        const QString location = (o.change == ChangeKind::Removed ? o.baseLocation : o.headLocation).toString();
        if (!location.isEmpty())
            meta << elideMiddle(location);
        out += esc(meta.join(QStringLiteral(" · "))) + "</span></summary>\n";
        if (!o.fields.isEmpty()) {
            out += "<ul class=\"fields\">\n";
            for (qsizetype i = 0; i < std::min<qsizetype>(o.fields.size(), kMaxFields); ++i) {
                const FieldChange &f = o.fields.at(i);
                out += "<li>" + code(elideMiddle(f.path)) + ": " + code(shownValue(f.before)) + " → " + code(shownValue(f.after)) +
                       "</li>\n";
            }
            if (o.fields.size() > kMaxFields)
                out += "<li>… and " + QByteArray::number(o.fields.size() - kMaxFields) + " more</li>\n";
            out += "</ul>\n";
        }
        out += "<pre class=\"diff\"><code>";
    }

    void diffLine(QByteArray &out, QByteArrayView line) const override
    {
        const char *cls = "c";
        if (line.startsWith("+++") || line.startsWith("---"))
            cls = "h";
        else if (line.startsWith('+'))
            cls = "a";
        else if (line.startsWith('-'))
            cls = "d";
        else if (line.startsWith('@'))
            cls = "u";
        out += "<span class=\"";
        out += cls;
        out += "\">";
        appendEscaped(out, line);
        out += "</span>";
    }

    void objectEnd(QByteArray &out, const ObjectDiff &, qsizetype shown, qsizetype total) const override
    {
        out += "</code></pre>\n";
        if (shown < total)
            out += "<p class=\"cut\">Diff cut: " + QByteArray::number(shown) + " of " + QByteArray::number(total) +
                   " lines shown.</p>\n";
        out += "</details>\n";
    }

    void end(QByteArray &out, const ReportInput &input) const override
    {
        out += "<footer>" + esc(input.generator) + "</footer>\n</body>\n</html>\n";
    }

    qsizetype minimumDiffCap() const override { return 256 * 1024; }
    qsizetype maxLineBytes() const override { return 16 * 1024; }

private:
    bool m_open = false;
};

} // namespace

std::unique_ptr<ReportWriter> htmlWriter(bool blocksOpen)
{
    return std::make_unique<HtmlWriter>(blocksOpen);
}

} // namespace sluice::cli::report
