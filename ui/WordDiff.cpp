#include "WordDiff.h"

#include "diff/TextDiff.h"

namespace sluice {
namespace {

constexpr int MaxLineLength = 2000;
// Key alignment costs O(lines × differences); past this size a change pairs by position.
constexpr int MaxKeyAlignedLines = 4000;

bool isWordChar(QChar c)
{
    return c.isLetterOrNumber() || c == u'_';
}

QList<WordRange> tokenize(QStringView line)
{
    QList<WordRange> tokens;
    int i = 0;
    const int size = int(line.size());
    while (i < size) {
        const int start = i;
        const QChar c = line.at(i);
        if (isWordChar(c)) {
            while (i < size && isWordChar(line.at(i)))
                ++i;
        } else if (c.isSpace()) {
            while (i < size && line.at(i).isSpace())
                ++i;
        } else {
            ++i;
            if (c.isHighSurrogate() && i < size && line.at(i).isLowSurrogate())
                ++i;
        }
        tokens.append({start, i - start});
    }
    return tokens;
}

// One token a line: tokens never contain '\n' (the lines come from a line split).
QByteArray joinTokens(QStringView line, const QList<WordRange> &tokens)
{
    QByteArray joined;
    joined.reserve(line.size() + tokens.size());
    for (const WordRange &token : tokens) {
        joined += line.mid(token.start, token.length).toUtf8();
        joined += '\n';
    }
    return joined;
}

void appendMerged(QList<WordRange> &ranges, const WordRange &token)
{
    if (!ranges.isEmpty() && ranges.last().start + ranges.last().length == token.start)
        ranges.last().length += token.length;
    else
        ranges.append(token);
}

// "  image:" for "  image: nginx", "- --log-level=" for "- --log-level=info"; else the line.
QByteArray pairingKey(const QByteArray &line)
{
    for (qsizetype i = 0; i < line.size(); ++i) {
        if (line.at(i) == ':' || line.at(i) == '=')
            return line.first(i + 1);
    }
    return line;
}

QByteArray joinKeys(const QList<QByteArray> &lines)
{
    QByteArray joined;
    for (const QByteArray &line : lines) {
        joined += pairingKey(line);
        joined += '\n';
    }
    return joined;
}

} // namespace

QList<LinePair> pairChangedLines(const QList<QByteArray> &deleted, const QList<QByteArray> &inserted)
{
    QList<LinePair> rows;
    rows.reserve(qMax(deleted.size(), inserted.size()));
    if (deleted.isEmpty() || inserted.isEmpty() || deleted.size() + inserted.size() > MaxKeyAlignedLines) {
        for (int k = 0; k < qMax(deleted.size(), inserted.size()); ++k)
            rows.append({k < deleted.size() ? k : -1, k < inserted.size() ? k : -1});
        return rows;
    }
    // Unmatched lines since the last anchor, paired by position when the next anchor (or the end)
    // is reached.
    int gapDeleted = 0, gapInserted = 0, nextDeleted = 0, nextInserted = 0;
    const auto flushGap = [&] {
        for (int k = 0; k < qMax(gapDeleted, gapInserted); ++k)
            rows.append({k < gapDeleted ? nextDeleted + k : -1, k < gapInserted ? nextInserted + k : -1});
        nextDeleted += gapDeleted;
        nextInserted += gapInserted;
        gapDeleted = gapInserted = 0;
    };
    for (const DiffLine &op : diffLines(joinKeys(deleted), joinKeys(inserted))) {
        switch (op.op) {
        case DiffLine::Op::Equal:
            flushGap();
            rows.append({nextDeleted++, nextInserted++});
            break;
        case DiffLine::Op::Delete:
            ++gapDeleted;
            break;
        case DiffLine::Op::Insert:
            ++gapInserted;
            break;
        }
    }
    flushGap();
    return rows;
}

WordDiff diffWords(QStringView before, QStringView after)
{
    if (before.size() > MaxLineLength || after.size() > MaxLineLength)
        return {};
    const QList<WordRange> oldTokens = tokenize(before);
    const QList<WordRange> newTokens = tokenize(after);
    const QList<DiffLine> ops = diffLines(joinTokens(before, oldTokens), joinTokens(after, newTokens));

    WordDiff result;
    bool sharesText = false;
    for (const DiffLine &op : ops) {
        switch (op.op) {
        case DiffLine::Op::Equal:
            sharesText = sharesText || !op.text.trimmed().isEmpty();
            break;
        case DiffLine::Op::Delete:
            appendMerged(result.before, oldTokens.at(op.oldLine - 1));
            break;
        case DiffLine::Op::Insert:
            appendMerged(result.after, newTokens.at(op.newLine - 1));
            break;
        }
    }
    if (!sharesText)
        return {};
    return result;
}

} // namespace sluice
