#pragma once

// A review as a report a CI job posts on a pull request (`review --output markdown|html`):
// the summary counts, a table of the objects that differ, and each object's unified diff in a
// collapsible block. Pure functions of a ResourceDiff whose texts are already masked (Secrets
// show "<secret value #N>", never a value); everything quoted from the repository (names,
// paths, diff lines, notes) is escaped for the format, so no object can break out of its cell,
// code block or element.
//
// A report is capped in size: first each long diff is cut to its first lines (the same cap for
// every diff that needs one, as high as the room allows), then, when even short diffs do not
// fit, whole diffs are left out from the end; the summary and the table always stay, and a note
// at the top says what was left out and which command shows everything. Cost: linear in the
// diff texts; the report itself is at most `limit` bytes.

#include "diff/ResourceDiff.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace sluice::cli {

enum class ReportFormat { Markdown, Html };

// "markdown" or "html"; nullopt for anything else.
std::optional<ReportFormat> reportFormat(const QString &name);

// GitHub refuses a comment body over 65,536 characters. A markdown report stays within this
// many UTF-8 bytes (each character is at least one), with room for a line a CI step may add.
inline constexpr qsizetype kMarkdownReportLimit = 65000;
// The HTML report is a file a browser opens, not a comment: its cap only keeps it openable.
inline constexpr qsizetype kHtmlReportLimit = 32 * 1024 * 1024;

struct ReportInput
{
    QString title;                      // "Review of web", "Compare production/apps → staging/apps"
    QString base;                       // "deployed (b37c9c8)"
    QString head;                       // "main (4f2a0c1)"
    const ResourceDiff *diff = nullptr; // not owned; must outlive the call
    bool stat = false;                  // summary and table only, no diffs
    QString rerunCommand;               // the review as a shell command, for the truncation note
    QString generator;                  // "sluicectl 0.4.0", in the footer
};

// The whole report; `limit` 0 means the format's own cap above.
QByteArray writeReport(ReportFormat format, const ReportInput &input, qsizetype limit = 0);

} // namespace sluice::cli
