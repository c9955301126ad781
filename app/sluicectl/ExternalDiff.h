#pragma once

// A review opened in the user's diff program, as `kubectl diff` does with KUBECTL_EXTERNAL_DIFF:
// two temporary directories `base/` and `head/` hold one file per object that differs (its
// normalised, masked YAML; an added object only under head/, a removed one only under base/),
// and the program runs with them as its last two arguments.

#include "review/Review.h"

#include <QString>
#include <QStringList>

namespace sluice::cli {

// `command` split on whitespace, as kubectl splits KUBECTL_EXTERNAL_DIFF: the program, then
// its arguments (no quoting: a program that needs more is a script).
QStringList splitDiffCommand(const QString &command);

// The file an object is written to in both directories, kubectl's name for it with ".yaml":
// "apps.v1.Deployment.shop.web.yaml", "v1.Namespace..shop.yaml" (no namespace). Characters
// other than letters, digits and ._:@+=,- become '_'; a name past 200 bytes keeps its start and
// a hash of the whole. Pure.
QString diffFileName(const ObjectDiff &object);

// Writes the directories, runs `command` on them with the terminal as its stdin, stdout and
// stderr, waits for it (however long: a window stays open until the user closes it), removes
// the directories and returns review's exit code: 1 when objects differ, 0 when none do (the
// program is then not run). The program's own exit code is not the result (diff exits 1 and
// meld 0 for the same differences); one above 1 is reported on stderr. Errors, exit 2: the
// program is not found or does not start, it crashes, or a file cannot be written. The objects'
// texts must include each side (DiffTexts::UnifiedAndSides).
// While the program runs, Ctrl+C (SIGINT) and SIGQUIT reach it alone, as with system(3), so its
// directories are removed when it ends.
int openInDiffTool(const ReviewResult &review, const QString &command);

} // namespace sluice::cli
