#pragma once

// The two formats behind writeReport (ReviewReport.h). A writer renders the parts the planner
// in ReviewReport.cpp measures and lays out; it decides nothing about size. Internal to
// sluicectl; every function appends to `out`.

#include "ReviewReport.h"

#include <QByteArrayView>

#include <memory>

namespace sluice::cli::report {

// What the size cap left out, for the note at the top of a report.
struct Truncation
{
    int diffsCut = 0;     // diffs shown up to a line only
    int diffsLeftOut = 0; // objects in the table whose diff is not shown
    int rowsLeftOut = 0;  // objects not even in the table (the table alone was too large)
    bool any() const { return diffsCut + diffsLeftOut + rowsLeftOut > 0; }
};

// "2 diffs cut to their first lines, 3 objects' diffs left out": plain text, no user input.
QString truncationCounts(const Truncation &truncation);

// "Deployment.apps" (the kind as the text review names it), "—" for no namespace, the fields
// column's first paths: shared so both formats say the same.
QString kindName(const ResourceKey &key);
inline constexpr int kTableFieldPaths = 3;
// "+", "−", "~" or "=", as the text review marks an object.
QByteArray changeMark(ChangeKind kind); // paths listed in the table; "and N more" after

class ReportWriter
{
public:
    virtual ~ReportWriter() = default;

    // Title, revisions, summary counts, the truncation note when `truncation.any()`, and the
    // review's notes.
    virtual void begin(QByteArray &out, const ReportInput &input, const Truncation &truncation) const = 0;
    virtual void tableBegin(QByteArray &out) const = 0;
    virtual void tableRow(QByteArray &out, const ObjectDiff &object, int index) const = 0;
    virtual void tableEnd(QByteArray &out, int rowsLeftOut) const = 0;
    // The collapsible block of one object up to its first diff line (`index` as in tableRow).
    virtual void objectBegin(QByteArray &out, const ObjectDiff &object, int index) const = 0;
    // One line of the object's unified diff, without its newline (maybe elided, see maxLineBytes).
    virtual void diffLine(QByteArray &out, QByteArrayView line) const = 0;
    // Closes the block; when `shown` < `total` lines, says the diff was cut.
    virtual void objectEnd(QByteArray &out, const ObjectDiff &object, qsizetype shown, qsizetype total) const = 0;
    virtual void end(QByteArray &out, const ReportInput &input) const = 0;

    // Diffs are not cut below this many bytes of rendered lines: when even that does not fit,
    // whole diffs are left out instead (a few lines of every object help nobody).
    virtual qsizetype minimumDiffCap() const = 0;
    // A longer diff line is shown up to here, then "… (N more bytes)".
    virtual qsizetype maxLineBytes() const = 0;
};

std::unique_ptr<ReportWriter> markdownWriter();
// `blocksOpen`: each object's block starts open (a short review), else closed.
std::unique_ptr<ReportWriter> htmlWriter(bool blocksOpen);

} // namespace sluice::cli::report
