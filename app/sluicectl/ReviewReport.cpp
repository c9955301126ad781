#include "ReviewReport.h"

#include "ReportWriter.h"

#include <QList>

#include <algorithm>
#include <limits>
#include <numeric>

namespace sluice::cli {

std::optional<ReportFormat> reportFormat(const QString &name)
{
    if (name == QLatin1String("markdown"))
        return ReportFormat::Markdown;
    if (name == QLatin1String("html"))
        return ReportFormat::Html;
    return std::nullopt;
}

namespace report {

QString truncationCounts(const Truncation &t)
{
    QStringList parts;
    if (t.diffsCut > 0)
        parts << (t.diffsCut == 1 ? QStringLiteral("1 diff cut to its first lines")
                                  : QStringLiteral("%1 diffs cut to their first lines").arg(t.diffsCut));
    if (t.diffsLeftOut > 0)
        parts << (t.diffsLeftOut == 1 ? QStringLiteral("1 object's diff left out")
                                      : QStringLiteral("%1 objects' diffs left out").arg(t.diffsLeftOut));
    if (t.rowsLeftOut > 0)
        parts << (t.rowsLeftOut == 1 ? QStringLiteral("1 object not listed")
                                     : QStringLiteral("%1 objects not listed").arg(t.rowsLeftOut));
    return parts.join(QStringLiteral(", "));
}

QByteArray changeMark(ChangeKind kind)
{
    switch (kind) {
    case ChangeKind::Added: return "+";
    case ChangeKind::Removed: return "−";
    case ChangeKind::Changed: return "~";
    case ChangeKind::Unchanged: break;
    }
    return "=";
}

QString kindName(const ResourceKey &key)
{
    return key.group.isEmpty() ? key.kind : key.kind + QLatin1Char('.') + key.group;
}

} // namespace report

namespace {

using report::ReportWriter;
using report::Truncation;

constexpr qsizetype kOpenBlocksUpTo = 20; // objects differing, for the HTML blocks to start open

// `line` when it is at most `max` bytes, else its start (cut on a UTF-8 character boundary)
// and how much was cut.
QByteArray elideLine(QByteArrayView line, qsizetype max)
{
    if (line.size() <= max)
        return line.toByteArray();
    qsizetype cut = max;
    while (cut > 0 && (uchar(line.at(cut)) & 0xC0) == 0x80)
        --cut;
    return line.first(cut).toByteArray() + QByteArray("… (%1 more bytes)").replace("%1", QByteArray::number(line.size() - cut));
}

// The lines of a unified diff, empty ones dropped (as the text review prints them).
QList<QByteArrayView> diffLines(const QByteArray &diff)
{
    QList<QByteArrayView> lines;
    qsizetype start = 0;
    while (start < diff.size()) {
        qsizetype end = diff.indexOf('\n', start);
        if (end < 0)
            end = diff.size();
        if (end > start)
            lines.append(QByteArrayView(diff).sliced(start, end - start));
        start = end + 1;
    }
    return lines;
}

// One object's block as measured: its frame whole or cut, and the rendered size of its first
// k+1 lines at [k].
struct Section
{
    qsizetype frame = 0;
    qsizetype frameCut = 0; // with the longest "cut" note it can carry
    QList<qsizetype> cumulative;

    qsizetype total() const { return cumulative.isEmpty() ? 0 : cumulative.last(); }
    // Lines shown under a cap of `cap` bytes of lines.
    qsizetype linesUnder(qsizetype cap) const
    {
        if (total() <= cap)
            return cumulative.size();
        return std::upper_bound(cumulative.begin(), cumulative.end(), cap) - cumulative.begin();
    }
    qsizetype sizeUnder(qsizetype cap) const
    {
        const qsizetype lines = linesUnder(cap);
        if (lines == cumulative.size())
            return frame + total();
        return frameCut + (lines > 0 ? cumulative.at(lines - 1) : 0);
    }
};

struct Layout
{
    int rows = 0;     // table rows written (from the first)
    int sections = 0; // diffs written (from the first)
    qsizetype cap = std::numeric_limits<qsizetype>::max(); // bytes of rendered lines per diff
    Truncation truncation;
};

template <typename Fn>
qsizetype measured(Fn render)
{
    QByteArray scratch;
    render(scratch);
    return scratch.size();
}

// Where the cap falls: every row and whole diff when they fit; else the highest common cap on
// the diffs' lines that fits (not below the writer's minimum); else that minimum and as many
// diffs from the first as fit. The header is measured with the longest note it may carry, so
// the report written with the real note is never larger than planned.
Layout plan(const ReportWriter &writer, const ReportInput &input, const QList<const ObjectDiff *> &differing, qsizetype limit)
{
    Layout layout;
    const int count = int(differing.size());
    Truncation worst{count, count, count};
    qsizetype fixed = measured([&](QByteArray &out) {
        writer.begin(out, input, worst);
        writer.end(out, input);
    });
    if (count > 0)
        fixed += measured([&](QByteArray &out) {
            writer.tableBegin(out);
            writer.tableEnd(out, count);
        });
    QList<qsizetype> rowSizes;
    for (int i = 0; i < count; ++i)
        rowSizes.append(measured([&](QByteArray &out) { writer.tableRow(out, *differing.at(i), i); }));
    layout.rows = count;
    fixed += std::accumulate(rowSizes.begin(), rowSizes.end(), qsizetype(0));
    while (layout.rows > 0 && fixed > limit)
        fixed -= rowSizes.at(--layout.rows);
    layout.truncation.rowsLeftOut = count - layout.rows;
    if (input.stat)
        return layout;

    QList<Section> sections;
    for (int i = 0; i < layout.rows; ++i) {
        const ObjectDiff &o = *differing.at(i);
        Section s;
        QByteArray scratch;
        qsizetype sum = 0;
        const QList<QByteArrayView> lines = diffLines(o.diff);
        for (QByteArrayView line : lines) {
            scratch.clear();
            writer.diffLine(scratch, elideLine(line, writer.maxLineBytes()));
            sum += scratch.size();
            s.cumulative.append(sum);
        }
        const qsizetype begin = measured([&](QByteArray &out) { writer.objectBegin(out, o, i); });
        s.frame = begin + measured([&](QByteArray &out) { writer.objectEnd(out, o, lines.size(), lines.size()); });
        s.frameCut = begin + measured([&](QByteArray &out) { writer.objectEnd(out, o, lines.size() - 1, lines.size()); });
        sections.append(std::move(s));
    }
    const qsizetype budget = limit - fixed;
    const auto sizeAt = [&](qsizetype cap) {
        qsizetype sum = 0;
        for (const Section &s : std::as_const(sections))
            sum += s.sizeUnder(cap);
        return sum;
    };
    qsizetype longest = 0;
    for (const Section &s : std::as_const(sections))
        longest = std::max(longest, s.total());
    const qsizetype minimum = writer.minimumDiffCap();
    if (sizeAt(longest) <= budget) {
        layout.cap = longest;
    } else if (minimum < longest && sizeAt(minimum) <= budget) {
        qsizetype low = minimum, high = longest; // sizeAt(low) fits, sizeAt(high) does not
        while (high - low > 1) {
            const qsizetype mid = low + (high - low) / 2;
            (sizeAt(mid) <= budget ? low : high) = mid;
        }
        layout.cap = low;
    } else {
        layout.cap = minimum;
    }
    qsizetype used = 0;
    for (const Section &s : std::as_const(sections)) {
        if (used + s.sizeUnder(layout.cap) > budget)
            break;
        used += s.sizeUnder(layout.cap);
        ++layout.sections;
        if (s.linesUnder(layout.cap) < s.cumulative.size())
            ++layout.truncation.diffsCut;
    }
    layout.truncation.diffsLeftOut = layout.rows - layout.sections;
    return layout;
}

} // namespace

QByteArray writeReport(ReportFormat format, const ReportInput &input, qsizetype limit)
{
    QList<const ObjectDiff *> differing;
    for (const ObjectDiff &o : input.diff->objects) {
        if (o.change != ChangeKind::Unchanged)
            differing.append(&o);
    }
    // A short review's blocks start open in a browser; a comment's always start closed.
    const std::unique_ptr<ReportWriter> writer =
        format == ReportFormat::Markdown ? report::markdownWriter() : report::htmlWriter(differing.size() <= kOpenBlocksUpTo);
    if (limit <= 0)
        limit = format == ReportFormat::Markdown ? kMarkdownReportLimit : kHtmlReportLimit;
    const Layout layout = plan(*writer, input, differing, limit);

    QByteArray out;
    out.reserve(std::min(limit, qsizetype(1 << 20)));
    writer->begin(out, input, layout.truncation);
    if (!differing.isEmpty()) {
        writer->tableBegin(out);
        for (int i = 0; i < layout.rows; ++i)
            writer->tableRow(out, *differing.at(i), i);
        writer->tableEnd(out, layout.truncation.rowsLeftOut);
    }
    for (int i = 0; i < layout.sections; ++i) {
        const ObjectDiff &o = *differing.at(i);
        writer->objectBegin(out, o, i);
        const QList<QByteArrayView> lines = diffLines(o.diff);
        qsizetype size = 0, shown = 0;
        QByteArray line;
        for (QByteArrayView text : lines) {
            line.clear();
            writer->diffLine(line, elideLine(text, writer->maxLineBytes()));
            if (size + line.size() > layout.cap)
                break;
            size += line.size();
            out += line;
            ++shown;
        }
        writer->objectEnd(out, o, shown, lines.size());
    }
    writer->end(out, input);
    return out;
}

} // namespace sluice::cli
