#pragma once

// Inside one change of a line diff: which deleted line faces which inserted line, and the
// word-level diff of such a pair, for marking the changed words.

#include <QByteArray>
#include <QList>
#include <QStringView>

namespace sluice {

struct WordRange
{
    int start = 0;  // UTF-16 offset in the line
    int length = 0;
};

struct WordDiff
{
    QList<WordRange> before; // differing tokens of the old line, adjacent ones merged
    QList<WordRange> after;  // of the new line
};

// One row of a change: indexes into the deleted and the inserted lines, -1 where the row has
// no line on that side.
struct LinePair
{
    int deleted = -1;
    int inserted = -1;
};

// Aligns the deleted lines of a change with its inserted lines, in order. Lines pair when their
// YAML keys match (indentation and text up to the first ':' or '=', e.g. "  replicas:"), found
// with a diff of the keys; between two such anchors the remaining lines pair up by position.
// So equally long runs of the same keys pair 1:1, and an added key in the middle gets a row of
// its own instead of shifting every pair below it. Cost: one diffLines() over the keys; changes
// of more than 4,000 lines pair by position.
QList<LinePair> pairChangedLines(const QList<QByteArray> &deleted, const QList<QByteArray> &inserted);

// Splits both lines into tokens (runs of letters/digits/underscore, runs of spaces, single
// other characters) and aligns them with diffLines(). Empty when the lines share no token other
// than spaces (a rewritten line is tinted as a whole, not speckled) or when a line is longer
// than 2,000 characters (bounded cost: a pair costs O(tokens × differences)).
WordDiff diffWords(QStringView before, QStringView after);

} // namespace sluice
