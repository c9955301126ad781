#pragma once

// A fast reader for the block-style YAML that renderers print (kubectl, kustomize, Helm,
// go-yaml): for each document it gives exactly the events libyaml would, marks included, and it
// declines any document outside that subset (anchors, tags, flow collections over several lines,
// multi-line double-quoted scalars, folded block scalars, tabs, directives, …) without
// consuming it, so the caller reads that document with libyaml. It never reports a YAML error:
// anything malformed is outside the subset. Internal to engine/render (see EventReader).
//
// Why: libyaml allocates every token and event and reads one character at a time; this reads
// lines, and a scalar's value is a slice of the input unless it has escapes.

#include <QByteArray>
#include <QtAlgorithms>
#include <QtEndian>

#include <yaml.h>

#include <vector>

namespace sluice::yaml {

// An event's mark is kept as the line and byte it is at, and made a libyaml mark only when asked
// (markOf): most events are never asked for theirs.
struct FastEvent
{
    yaml_event_type_t type = YAML_NO_EVENT;
    yaml_scalar_style_t style = YAML_ANY_SCALAR_STYLE; // scalars
    bool flow = false;     // collections: [] or {}
    bool implicit = true;  // document start
    bool decoded = false;  // the value is in the reader's arena, else in the input
    int line = 0;          // of the mark, within the document's lines; -1: the stream's end
    qsizetype at = 0;      // the mark's byte
    qsizetype offset = 0;  // of the value
    qsizetype length = 0;
};

class FastDocumentReader
{
public:
    // `data` must outlive the reader.
    explicit FastDocumentReader(const QByteArray &data);

    enum class Outcome { Document, StreamEnd, Declined };
    // Reads the next document's events (document start to document end), replacing the previous
    // ones. Declined: nothing was consumed; boundary() is where that document begins.
    Outcome readDocument();
    const std::vector<FastEvent> &events() const { return m_events; }
    const char *valueData(const FastEvent &e) const { return (e.decoded ? m_arena.constData() : m_bytes) + e.offset; }
    // The libyaml mark of an event of the document just read.
    yaml_mark_t markOf(const FastEvent &e) const { return e.line < 0 ? streamEndMark() : markAt(e.line, e.at); }

    // Where the next document begins: its byte offset (a line start), and its line and character
    // index as libyaml counts them.
    qsizetype boundary() const { return m_boundary; }
    int boundaryLine() const { return m_boundaryLine; }
    qint64 boundaryIndex() const { return m_boundaryIndex; }
    yaml_mark_t streamEndMark() const;
    // Reads on from a document marker at `boundary` (libyaml read the documents before it).
    void resumeAt(qsizetype boundary, int line, qint64 index);

private:
    struct Line
    {
        qsizetype start = 0; // first byte
        qsizetype end = 0;   // the '\n' or the end of the data
        int number = 0;      // 0-based
        qint64 charStart = 0;
        qint64 chars = 0;    // characters on the line, without the '\n'
        bool ascii = true;
        int indent = 0;
        bool blank = true;   // spaces only
        bool comment = false;
    };
    struct Decline
    {
    };
    struct Where // a mark before it is made one
    {
        int line = -1; // -1: the stream's end
        qsizetype at = 0;
    };

    void moveBoundaryTo(int li);

    // Lines of the current document, read on demand. A reference holds until the next line is
    // read (m_lines grows): copy a line kept across a call that may read on.
    const Line &line(int i) // inline: called for nearly every line several times
    {
        if (size_t(i) >= m_lines.size() && !haveLine(i))
            throw Decline{};
        return m_lines[size_t(i)];
    }
    bool haveLine(int i);
    int nextContent(int from);
    bool isDocumentMarker(int i);
    yaml_mark_t markAt(int li, qsizetype byte) const; // li: a line read
    Where nextToken(int li);

    void push(yaml_event_type_t type, Where where);
    void pushScalar(Where where, yaml_scalar_style_t style, qsizetype offset, qsizetype length, bool decoded);

    void blockNode(int li, int parentIndent);
    void mapping(int li, qsizetype at, int indent);
    void sequence(int li, qsizetype at, int indent, bool indentless);
    void value(int li, qsizetype p, int blockIndent, bool allowIndentless);
    void inlineValue(int li, qsizetype q, int blockIndent);
    void plainContinuation(int li, int blockIndent);
    void literal(int li, qsizetype q, int blockIndent);
    qsizetype flow(int li, qsizetype q);
    qsizetype flowNode(int li, qsizetype p);
    qsizetype keyEnd(int li, qsizetype at);
    // The first ':' or '#' in [from, end), or end; eight bytes at a time (descriptions are long
    // plain scalars), read past `end` where the buffer goes on. Inline: called for every scalar.
    qsizetype colonOrHash(qsizetype from, qsizetype end) const
    {
        constexpr quint64 kOnes = 0x0101010101010101ULL, kHigh = 0x80 * kOnes;
        const auto zeroBytes = [](quint64 v) { return (v - kOnes) & ~v & kHigh; }; // exact up to the first
        qsizetype i = from;
        for (; i < end && i + 8 <= m_size; i += 8) {
            const quint64 w = qFromLittleEndian<quint64>(m_bytes + i);
            if (const quint64 found = zeroBytes(w ^ (':' * kOnes)) | zeroBytes(w ^ ('#' * kOnes)))
                return qMin(end, i + qCountTrailingZeroBits(found) / 8);
        }
        while (i < end && m_bytes[i] != ':' && m_bytes[i] != '#')
            ++i;
        return qMin(i, end);
    }
    qsizetype scalarAt(int li, qsizetype at, bool key);
    qsizetype quoted(int li, qsizetype q);
    qsizetype singleQuotedLines(int &li, qsizetype q, int blockIndent);
    void requireLineEnd(int li, qsizetype p);
    void requireNoContinuation(int li, int blockIndent);
    bool isSequenceEntry(const Line &l) const;
    bool startsPlain(qsizetype p, qsizetype end) const;
    qsizetype skipSpaces(qsizetype p, qsizetype end) const;

    const QByteArray &m_data;
    const char *m_bytes;
    qsizetype m_size;
    std::vector<FastEvent> m_events;
    QByteArray m_arena;
    std::vector<Line> m_lines;
    int m_last = 0;  // the last line the parse consumed
    int m_depth = 0;
    qsizetype m_boundary = 0;
    int m_boundaryLine = 0;
    qint64 m_boundaryIndex = 0;
    qint64 m_totalChars = -1;
};

} // namespace sluice::yaml
