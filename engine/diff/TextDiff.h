#pragma once

// Line diff (git's histogram diff; Myers' where every common line is frequent) and unified-diff
// output.

#include <QByteArray>
#include <QList>

namespace sluice {

struct DiffLine
{
    enum class Op { Equal, Delete, Insert };
    Op op = Op::Equal;
    int oldLine = 0; // 1-based; 0 for an insert
    int newLine = 0; // 1-based; 0 for a delete
    QByteArray text; // without the newline
};

// Aligns the lines of `before` and `after` (split at '\n'). Deterministic; the lines
// `git diff --histogram` adds and removes.
QList<DiffLine> diffLines(const QByteArray &before, const QByteArray &after);

// `diff -u` style text with `context` lines around changes and @@ hunk headers; empty when
// equal. Labels go on the ---/+++ lines.
QByteArray unifiedDiff(const QByteArray &before, const QByteArray &after, const QByteArray &beforeLabel,
                       const QByteArray &afterLabel, int context = 3);

} // namespace sluice
