#include "YamlFastReader.h"

#include "YamlScalar.h"

#include <QtAlgorithms>
#include <QtEndian>

#include <cstring>

namespace sluice::yaml {
namespace {

// Deeper documents go to libyaml, whose readers enforce kMaxDepth with a message.
constexpr int kMaxFastDepth = 150;
// libyaml refuses a simple key longer than 1024 characters.
constexpr qsizetype kMaxKeyLength = 1000;

// Characters that cannot start a plain scalar (a '-' followed by a space neither).
constexpr auto kIndicators = byteSet("?:,[]{}#&*!|>'\"%@`-");
// What may end a plain scalar in a flow collection, or not be in one.
constexpr auto kFlowScalarStops = byteSet(",[]{}:#");

bool isIndicator(char c)
{
    return kIndicators[static_cast<unsigned char>(c)];
}

} // namespace

FastDocumentReader::FastDocumentReader(const QByteArray &data)
    : m_data(data), m_bytes(data.constData()), m_size(data.size())
{
    m_lines.reserve(64);
    m_events.reserve(128);
}

bool FastDocumentReader::haveLine(int i)
{
    while (int(m_lines.size()) <= i) {
        Line l;
        if (m_lines.empty()) {
            l.start = m_boundary;
            l.number = m_boundaryLine;
            l.charStart = m_boundaryIndex;
        } else {
            const Line &prev = m_lines.back();
            if (prev.end >= m_size)
                return false;
            l.start = prev.end + 1;
            l.number = prev.number + 1;
            l.charStart = prev.charStart + prev.chars + 1;
        }
        if (l.start >= m_size)
            return false;
        // The line's end and its characters in one pass. Only what libyaml takes as printable and
        // not as a line break is read here; tabs and CRs go to libyaml.
        const auto *b = reinterpret_cast<const unsigned char *>(m_bytes);
        qint64 chars = 0;
        qsizetype at = l.start;
        for (;;) {
            for (; at + 8 <= m_size; at += 8, chars += 8) { // eight printable ASCII bytes at a time
                const quint64 w = qFromLittleEndian<quint64>(b + at); // the first byte lowest
                constexpr quint64 kOnes = 0x0101010101010101ULL;
                // A byte < 0x20 or >= 0x7F; the first one flagged is one (borrows and carries go up).
                if (const quint64 flagged = ((w - 0x20 * kOnes) | w | (w + kOnes)) & (0x80 * kOnes)) {
                    const int before = qCountTrailingZeroBits(flagged) / 8;
                    at += before;
                    chars += before;
                    break;
                }
            }
            if (at >= m_size || b[at] == '\n')
                break;
            const unsigned char c = b[at];
            ++chars;
            if (c < 0x80) {
                if (c < 0x20 || c == 0x7F)
                    throw Decline{};
                ++at;
                continue;
            }
            const int width = c >= 0xF8 ? 0 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
            if (width == 0 || at + width > m_size)
                throw Decline{};
            char32_t cp = c & (0x7F >> width);
            for (int k = 1; k < width; ++k) {
                if ((b[at + k] & 0xC0) != 0x80) // a line break too
                    throw Decline{};
                cp = (cp << 6) | (b[at + k] & 0x3F);
            }
            const char32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
            if (cp < least[width] || cp < 0xA0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFEFF || cp == 0xFFFE ||
                cp == 0xFFFF || cp == 0x2028 || cp == 0x2029 || cp > 0x10FFFF)
                throw Decline{};
            l.ascii = false;
            at += width;
        }
        l.end = at;
        l.chars = chars;
        qsizetype p = l.start;
        for (; p + 8 <= l.end; p += 8) { // eight spaces at a time: a CRD's lines are indented deep
            const quint64 notSpace = qFromLittleEndian<quint64>(b + p) ^ 0x2020202020202020ULL;
            if (notSpace) {
                p += qCountTrailingZeroBits(notSpace) / 8; // the first byte that is not a space
                break;
            }
        }
        while (p < l.end && b[p] == ' ')
            ++p;
        l.indent = int(p - l.start);
        l.blank = p == l.end;
        l.comment = !l.blank && b[p] == '#';
        m_lines.push_back(l);
    }
    return true;
}

int FastDocumentReader::nextContent(int from)
{
    for (int i = from; haveLine(i); ++i) {
        const Line &l = m_lines[size_t(i)];
        if (!l.blank && !l.comment)
            return i;
    }
    return -1;
}

bool FastDocumentReader::isDocumentMarker(int i)
{
    const Line &l = line(i);
    if (l.indent != 0 || l.end - l.start < 3)
        return false;
    const char *s = m_bytes + l.start;
    return (std::memcmp(s, "---", 3) == 0 || std::memcmp(s, "...", 3) == 0) && (l.end - l.start == 3 || s[3] == ' ');
}

bool FastDocumentReader::isSequenceEntry(const Line &l) const
{
    const qsizetype p = l.start + l.indent;
    return !l.blank && m_bytes[p] == '-' && (p + 1 == l.end || m_bytes[p + 1] == ' ');
}

// '-', '?' and ':' start a plain scalar when a non-space follows: -1, -Xmx512m, :metric:sum.
bool FastDocumentReader::startsPlain(qsizetype p, qsizetype end) const
{
    const char c = m_bytes[p];
    return (c == '-' || c == '?' || c == ':') && p + 1 < end && m_bytes[p + 1] != ' ';
}

qsizetype FastDocumentReader::skipSpaces(qsizetype p, qsizetype end) const
{
    while (p < end && m_bytes[p] == ' ')
        ++p;
    return p;
}

yaml_mark_t FastDocumentReader::markAt(int li, qsizetype byte) const
{
    const Line &l = m_lines[size_t(li)];
    qint64 column = byte - l.start;
    if (!l.ascii) {
        column = 0;
        for (qsizetype i = l.start; i < byte; ++i)
            column += (static_cast<unsigned char>(m_bytes[i]) & 0xC0) != 0x80;
    }
    yaml_mark_t m{};
    m.index = size_t(l.charStart + column);
    m.line = size_t(l.number);
    m.column = size_t(column);
    return m;
}

yaml_mark_t FastDocumentReader::streamEndMark() const
{
    // libyaml ends the stream on a new line: the line after the last, column 0.
    yaml_mark_t m{};
    if (m_lines.empty()) {
        m.index = size_t(m_boundaryIndex);
        m.line = size_t(m_boundaryLine);
        return m;
    }
    const Line &last = m_lines.back();
    m.index = size_t(last.charStart + last.chars + (last.end < m_size ? 1 : 0));
    m.line = size_t(last.number + 1);
    return m;
}

FastDocumentReader::Where FastDocumentReader::nextToken(int li)
{
    if (li < 0) {
        // A last line of spaces or a comment without a line break: libyaml closes some blocks
        // where that line ends, the rest on the line after.
        if (!m_lines.empty() && m_lines.back().end == m_size && (m_lines.back().blank || m_lines.back().comment))
            throw Decline{};
        return {};
    }
    const Line &l = line(li);
    return {li, l.start + l.indent};
}

void FastDocumentReader::push(yaml_event_type_t type, Where where)
{
    FastEvent e;
    e.type = type;
    e.line = where.line;
    e.at = where.at;
    m_events.push_back(e);
}

void FastDocumentReader::pushScalar(Where where, yaml_scalar_style_t style, qsizetype offset, qsizetype length, bool decoded)
{
    FastEvent e;
    e.type = YAML_SCALAR_EVENT;
    e.line = where.line;
    e.at = where.at;
    e.style = style;
    e.offset = offset;
    e.length = length;
    e.decoded = decoded;
    m_events.push_back(e);
}

void FastDocumentReader::resumeAt(qsizetype boundary, int line, qint64 index)
{
    m_boundary = boundary;
    m_boundaryLine = line;
    m_boundaryIndex = index;
}

// The next document begins at line li, or (-1) the data ends.
void FastDocumentReader::moveBoundaryTo(int li)
{
    if (li < 0) {
        const yaml_mark_t end = streamEndMark();
        resumeAt(m_size, int(end.line), qint64(end.index));
    } else {
        const Line &next = line(li);
        resumeAt(next.start, next.number, next.charStart);
    }
}

FastDocumentReader::Outcome FastDocumentReader::readDocument()
{
    m_events.clear();
    m_arena.resize(0); // keeps its capacity, as the vectors do
    m_lines.clear();
    m_last = -1;
    m_depth = 0;
    try {
        int first = nextContent(0);
        if (first < 0) {
            moveBoundaryTo(-1);
            return Outcome::StreamEnd;
        }
        const Line f = line(first);
        if (isDocumentMarker(first)) {
            if (m_bytes[f.start] == '.')
                throw Decline{};
            requireLineEnd(first, f.start + 3);
            push(YAML_DOCUMENT_START_EVENT, {first, f.start});
            m_events.back().implicit = false;
            m_last = first;
            first = nextContent(first + 1);
            if (first >= 0 && isDocumentMarker(first) && m_bytes[line(first).start] == '.')
                throw Decline{}; // an explicit document end
            if (first < 0 || isDocumentMarker(first)) {
                const Where end = nextToken(first);
                pushScalar(end, YAML_PLAIN_SCALAR_STYLE, 0, 0, false);
                push(YAML_DOCUMENT_END_EVENT, end);
                m_last = first < 0 ? int(m_lines.size()) - 1 : first - 1;
            } else {
                blockNode(first, -1);
            }
        } else {
            if (m_bytes[f.start] == '%')
                throw Decline{}; // a directive
            push(YAML_DOCUMENT_START_EVENT, {first, f.start + f.indent});
            blockNode(first, -1);
        }
        if (m_events.back().type != YAML_DOCUMENT_END_EVENT) {
            const int after = nextContent(m_last + 1);
            if (after >= 0 && !(isDocumentMarker(after) && m_bytes[line(after).start] == '-'))
                throw Decline{};
            push(YAML_DOCUMENT_END_EVENT, nextToken(after));
        }
        // The next document starts at the marker that ended this one, or the data ends.
        moveBoundaryTo(nextContent(m_last + 1));
        return Outcome::Document;
    } catch (const Decline &) {
        m_events.clear();
        m_arena.clear();
        m_lines.clear();
        return Outcome::Declined;
    }
}

void FastDocumentReader::blockNode(int li, int parentIndent)
{
    const Line &l = line(li);
    if (l.indent <= parentIndent)
        throw Decline{};
    const qsizetype at = l.start + l.indent;
    if (isSequenceEntry(l))
        sequence(li, at, l.indent, false);
    else if (keyEnd(li, at) >= 0)
        mapping(li, at, l.indent);
    else
        throw Decline{}; // a scalar on its own line (a root scalar, or a multi-line value)
}

void FastDocumentReader::mapping(int li, qsizetype at, int indent)
{
    if (++m_depth > kMaxFastDepth)
        throw Decline{};
    push(YAML_MAPPING_START_EVENT, {li, at});
    int next;
    for (;;) {
        const qsizetype colon = keyEnd(li, at);
        if (colon < 0 || colon - at > kMaxKeyLength)
            throw Decline{};
        scalarAt(li, at, true);
        value(li, colon + 1, indent, true);
        next = nextContent(m_last + 1);
        if (next < 0 || isDocumentMarker(next))
            break;
        const Line &l = line(next);
        if (l.indent < indent)
            break;
        if (l.indent > indent || isSequenceEntry(l))
            throw Decline{};
        li = next;
        at = l.start + indent;
    }
    push(YAML_MAPPING_END_EVENT, nextToken(next));
    --m_depth;
}

void FastDocumentReader::sequence(int li, qsizetype at, int indent, bool indentless)
{
    if (++m_depth > kMaxFastDepth)
        throw Decline{};
    push(YAML_SEQUENCE_START_EVENT, {li, at});
    int next;
    for (;;) {
        const Line &l = line(li);
        const qsizetype q = skipSpaces(at + 1, l.end);
        if (q < l.end && m_bytes[q] == '-' && (q + 1 == l.end || m_bytes[q + 1] == ' '))
            throw Decline{}; // "- - item"
        if (q < l.end && m_bytes[q] != '#' && keyEnd(li, q) >= 0)
            mapping(li, q, int(q - l.start)); // "- key: value"
        else
            value(li, at + 1, indent, false);
        next = nextContent(m_last + 1);
        if (next < 0 || isDocumentMarker(next))
            break;
        const Line &n = line(next);
        if (n.indent < indent)
            break;
        if (n.indent == indent && isSequenceEntry(n)) {
            li = next;
            at = n.start + indent;
            continue;
        }
        if (n.indent == indent && indentless)
            break; // the next key of the mapping that holds this sequence
        throw Decline{};
    }
    push(YAML_SEQUENCE_END_EVENT, nextToken(next));
    --m_depth;
}

// The value after "key:" or "-" (p is just past the indicator).
void FastDocumentReader::value(int li, qsizetype p, int blockIndent, bool allowIndentless)
{
    const Line &l = line(li);
    if (p < l.end && m_bytes[p] != ' ')
        throw Decline{};
    const qsizetype q = skipSpaces(p, l.end);
    if (q < l.end && m_bytes[q] != '#') {
        inlineValue(li, q, blockIndent);
        return;
    }
    // Nothing more on this line: a nested block, or an empty (null) value.
    m_last = li;
    const int next = nextContent(li + 1);
    if (next >= 0 && !isDocumentMarker(next)) {
        const Line &n = line(next);
        if (n.indent > blockIndent) {
            blockNode(next, blockIndent);
            return;
        }
        if (allowIndentless && n.indent == blockIndent && isSequenceEntry(n)) {
            sequence(next, n.start + n.indent, blockIndent, true);
            return;
        }
    }
    pushScalar({li, p}, YAML_PLAIN_SCALAR_STYLE, 0, 0, false); // null, marked where it would start
}

void FastDocumentReader::inlineValue(int li, qsizetype q, int blockIndent)
{
    const Line &l = line(li);
    const char c = m_bytes[q];
    if (c == '|') {
        literal(li, q, blockIndent);
        return;
    }
    qsizetype end;
    if (c == '\'') {
        end = singleQuotedLines(li, q, blockIndent); // li: the line it closes on
    } else if (c == '"') {
        end = quoted(li, q);
    } else if (c == '[' || c == '{') {
        end = flow(li, q);
    } else if (isIndicator(c) && !startsPlain(q, l.end)) {
        throw Decline{};
    } else {
        end = scalarAt(li, q, false);
        if (skipSpaces(end, l.end) == l.end) { // no comment after it: more-indented lines continue it
            plainContinuation(li, blockIndent);
            return;
        }
    }
    requireLineEnd(li, end);
    requireNoContinuation(li, blockIndent);
}

// The lines that continue the plain scalar just read on line li (go-yaml wraps long values, as
// in CRDs' descriptions), folded into it as libyaml folds them: one line break becomes a space,
// each empty line between two content lines a line break, and each line is trimmed. Declined:
// a continuation line with ": " or " #" (libyaml ends the scalar there), or a comment line.
void FastDocumentReader::plainContinuation(int li, int blockIndent)
{
    m_last = li;
    int emptyLines = 0;
    for (int i = li + 1; haveLine(i); ++i) {
        const Line &l = m_lines[size_t(i)];
        if (l.blank) {
            ++emptyLines;
            continue;
        }
        if (l.indent <= blockIndent || l.comment || isDocumentMarker(i))
            break;
        const qsizetype begin = l.start + l.indent;
        qsizetype end = l.end;
        while (m_bytes[end - 1] == ' ')
            --end;
        if (m_bytes[end - 1] == ':')
            throw Decline{};
        for (qsizetype k = begin; k + 1 < end; ++k) {
            if ((m_bytes[k] == ':' && m_bytes[k + 1] == ' ') || (m_bytes[k] == ' ' && m_bytes[k + 1] == '#'))
                throw Decline{};
        }
        FastEvent &scalar = m_events.back();
        if (!scalar.decoded) { // the first continuation: the value moves to the arena
            const qsizetype offset = m_arena.size();
            m_arena.append(m_bytes + scalar.offset, scalar.length);
            scalar.offset = offset;
            scalar.decoded = true;
        }
        if (emptyLines == 0)
            m_arena += ' ';
        else
            m_arena.append(emptyLines, '\n');
        m_arena.append(m_bytes + begin, end - begin);
        scalar.length = m_arena.size() - scalar.offset;
        emptyLines = 0;
        m_last = i;
    }
    requireNoContinuation(m_last, blockIndent); // a comment line, then more of it
}

// A flow collection that closes on its line ({app: web}, [a, "b"], nested ones), at q; returns
// where it ends. Declined: anything else (a trailing comma, a ':' without a space after it, a
// key without a value, "?", comments, more lines).
qsizetype FastDocumentReader::flow(int li, qsizetype q)
{
    if (++m_depth > kMaxFastDepth)
        throw Decline{};
    const Line &l = line(li);
    const bool isMap = m_bytes[q] == '{';
    const char close = isMap ? '}' : ']';
    push(isMap ? YAML_MAPPING_START_EVENT : YAML_SEQUENCE_START_EVENT, {li, q});
    m_events.back().flow = true;
    qsizetype p = skipSpaces(q + 1, l.end);
    if (p < l.end && m_bytes[p] == close) {
        push(isMap ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT, {li, p});
        --m_depth;
        return p + 1;
    }
    for (;;) {
        if (isMap) {
            if (p >= l.end || m_bytes[p] == '{' || m_bytes[p] == '[')
                throw Decline{};
            p = skipSpaces(flowNode(li, p), l.end);
            if (p + 1 >= l.end || m_bytes[p] != ':' || m_bytes[p + 1] != ' ')
                throw Decline{};
            p = skipSpaces(p + 1, l.end);
        }
        p = skipSpaces(flowNode(li, p), l.end);
        if (p < l.end && m_bytes[p] == ',') {
            p = skipSpaces(p + 1, l.end);
            if (p < l.end && m_bytes[p] == close)
                throw Decline{};
            continue;
        }
        if (p < l.end && m_bytes[p] == close)
            break;
        throw Decline{};
    }
    push(isMap ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT, {li, p});
    --m_depth;
    return p + 1;
}

// A node inside a flow collection: a nested collection, a quoted scalar, or a plain scalar that
// ends at ",[]{}" or ": ".
qsizetype FastDocumentReader::flowNode(int li, qsizetype p)
{
    const Line &l = line(li);
    if (p >= l.end)
        throw Decline{};
    const char c = m_bytes[p];
    if (c == '[' || c == '{')
        return flow(li, p);
    if (c == '"' || c == '\'')
        return quoted(li, p);
    // In flow context '?' and ':' are always indicators; '-' starts a plain scalar before a non-space.
    if (isIndicator(c) && !(c == '-' && startsPlain(p, l.end)))
        throw Decline{};
    qsizetype i = p;
    for (; i < l.end; ++i) {
        const char x = m_bytes[i];
        if (!kFlowScalarStops[static_cast<unsigned char>(x)])
            continue;
        if (x == ',' || x == '[' || x == ']' || x == '{' || x == '}')
            break;
        if (x == ':') {
            if (i + 1 < l.end && m_bytes[i + 1] == ' ')
                break;
            throw Decline{}; // its meaning differs between libyaml versions
        }
        if (x == '#' && m_bytes[i - 1] == ' ')
            throw Decline{};
    }
    if (i >= l.end)
        throw Decline{};
    qsizetype end = i;
    while (end > p && m_bytes[end - 1] == ' ')
        --end;
    pushScalar({li, p}, YAML_PLAIN_SCALAR_STYLE, p, end - p, false);
    return end;
}

// A literal block scalar ("|", "|-", "|+") whose header is at q.
void FastDocumentReader::literal(int li, qsizetype q, int blockIndent)
{
    const Line header = line(li);
    qsizetype p = q + 1;
    char chomp = ' ';
    if (p < header.end && (m_bytes[p] == '-' || m_bytes[p] == '+'))
        chomp = m_bytes[p++];
    if (skipSpaces(p, header.end) != header.end)
        throw Decline{}; // an indentation indicator or a comment
    const int first = li + 1;
    if (!haveLine(first))
        throw Decline{};
    const Line f = line(first);
    if (f.blank || f.indent <= blockIndent)
        throw Decline{}; // leading empty lines, or an empty scalar
    const int indent = f.indent;
    const qsizetype offset = m_arena.size();
    int last = first;
    int empty = 0;
    for (int i = first; haveLine(i); ++i) {
        const Line &l = m_lines[size_t(i)];
        if (l.blank && l.end - l.start <= indent) {
            ++empty;
            continue;
        }
        if (!l.blank && l.indent < indent)
            break;
        // A content line; spaces-only lines longer than the indentation keep their extra spaces.
        if (i != first)
            m_arena.append(1 + empty, '\n');
        empty = 0;
        m_arena.append(m_bytes + l.start + indent, l.end - l.start - indent);
        last = i;
    }
    if (line(last).end >= m_size)
        throw Decline{}; // no line break after the last line
    if (chomp == ' ')
        m_arena += '\n';
    else if (chomp == '+')
        m_arena.append(1 + empty, '\n');
    pushScalar({li, q}, YAML_LITERAL_SCALAR_STYLE, offset, m_arena.size() - offset, true);
    m_last = last;
}

// Where the key starting at `at` ends: its ':' (followed by a space or the line end), or -1 when
// the text at `at` is not a key.
qsizetype FastDocumentReader::keyEnd(int li, qsizetype at)
{
    const Line &l = line(li);
    const char c = m_bytes[at];
    if (c == '"' || c == '\'') {
        qsizetype i = at + 1;
        for (;; ++i) {
            if (i >= l.end)
                return -1;
            if (c == '"' && m_bytes[i] == '\\') {
                ++i;
                continue;
            }
            if (m_bytes[i] == c) {
                if (c == '\'' && i + 1 < l.end && m_bytes[i + 1] == '\'') {
                    ++i;
                    continue;
                }
                break;
            }
        }
        const qsizetype p = skipSpaces(i + 1, l.end);
        return p < l.end && m_bytes[p] == ':' && (p + 1 == l.end || m_bytes[p + 1] == ' ') ? p : -1;
    }
    if (isIndicator(c) && !startsPlain(at, l.end))
        return -1;
    for (qsizetype i = colonOrHash(at, l.end); i < l.end; i = colonOrHash(i + 1, l.end)) {
        if (m_bytes[i] == ':' && (i + 1 == l.end || m_bytes[i + 1] == ' '))
            return i;
        if (m_bytes[i] == '#' && m_bytes[i - 1] == ' ')
            return -1;
    }
    return -1;
}

// Emits the scalar at `at` (a key, or a value already known not to start with an indicator) and
// returns where it ends.
qsizetype FastDocumentReader::scalarAt(int li, qsizetype at, bool key)
{
    const char c = m_bytes[at];
    if (c == '"' || c == '\'')
        return quoted(li, at);
    const Line &l = line(li);
    qsizetype i = colonOrHash(at, l.end);
    for (; i < l.end; i = colonOrHash(i + 1, l.end)) {
        if (m_bytes[i] == ':' && (i + 1 == l.end || m_bytes[i + 1] == ' ')) {
            if (!key)
                throw Decline{}; // "a: b: c" is an error libyaml should report
            break;
        }
        if (i > at && m_bytes[i] == '#' && m_bytes[i - 1] == ' ')
            break;
    }
    qsizetype end = i;
    while (end > at && m_bytes[end - 1] == ' ')
        --end;
    pushScalar({li, at}, YAML_PLAIN_SCALAR_STYLE, at, end - at, false);
    return end;
}

// A single- or double-quoted scalar that closes on its line; emits it, returns the end.
qsizetype FastDocumentReader::quoted(int li, qsizetype q)
{
    const Line &l = line(li);
    const char quote = m_bytes[q];
    const qsizetype begin = q + 1;
    qsizetype segment = begin; // start of the bytes not yet copied (once decoding)
    qsizetype offset = -1;     // in the arena, once an escape was seen
    auto decodeFrom = [&](qsizetype upTo) {
        if (offset < 0)
            offset = m_arena.size();
        m_arena.append(m_bytes + segment, upTo - segment);
    };
    for (qsizetype i = begin;;) {
        if (i >= l.end)
            throw Decline{}; // continues on the next line
        const char c = m_bytes[i];
        if (c == quote && quote == '\'' && i + 1 < l.end && m_bytes[i + 1] == '\'') {
            decodeFrom(i + 1); // keeps one quote
            i += 2;
            segment = i;
            continue;
        }
        if (c == quote) {
            if (offset >= 0) {
                decodeFrom(i);
                pushScalar({li, q}, YAML_SINGLE_QUOTED_SCALAR_STYLE, offset, m_arena.size() - offset, true);
            } else {
                pushScalar({li, q}, YAML_SINGLE_QUOTED_SCALAR_STYLE, begin, i - begin, false);
            }
            if (quote == '"')
                m_events.back().style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
            return i + 1;
        }
        if (c != '\\' || quote != '"') {
            ++i;
            continue;
        }
        decodeFrom(i);
        if (i + 1 >= l.end)
            throw Decline{}; // an escaped line break
        const char e = m_bytes[i + 1];
        i += 2;
        int digits = 0;
        switch (e) {
        case '0': m_arena += '\0'; break;
        case 'a': m_arena += '\a'; break;
        case 'b': m_arena += '\b'; break;
        case 't': m_arena += '\t'; break;
        case 'n': m_arena += '\n'; break;
        case 'v': m_arena += '\v'; break;
        case 'f': m_arena += '\f'; break;
        case 'r': m_arena += '\r'; break;
        case 'e': m_arena += '\x1B'; break;
        case ' ': case '"': case '/': case '\\': m_arena += e; break;
        case 'N': appendUtf8(m_arena, 0x85); break;
        case '_': appendUtf8(m_arena, 0xA0); break;
        case 'L': appendUtf8(m_arena, 0x2028); break;
        case 'P': appendUtf8(m_arena, 0x2029); break;
        case 'x': digits = 2; break;
        case 'u': digits = 4; break;
        case 'U': digits = 8; break;
        default: throw Decline{};
        }
        if (digits) {
            if (i + digits > l.end)
                throw Decline{};
            char32_t cp = 0;
            for (int k = 0; k < digits; ++k) {
                const int v = hexValue(m_bytes[i + k]);
                if (v < 0)
                    throw Decline{};
                cp = (cp << 4) | char32_t(v);
            }
            if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
                throw Decline{};
            appendUtf8(m_arena, cp);
            i += digits;
        }
        segment = i;
    }
}

// A single-quoted value at q that may go on over more-indented lines (go-yaml wraps long quoted
// values); emits it, returns where it ends and sets li to the line it closes on. Folded as
// libyaml folds it: each line trimmed, one line break a space, each empty line a line break.
qsizetype FastDocumentReader::singleQuotedLines(int &li, qsizetype q, int blockIndent)
{
    const Line first = line(li);
    qsizetype close = q + 1;
    while (close < first.end && !(m_bytes[close] == '\'' && (close + 1 == first.end || m_bytes[close + 1] != '\'')))
        close += m_bytes[close] == '\'' ? 2 : 1;
    if (close < first.end)
        return quoted(li, q); // closes on its line: a slice of the input when it can be

    const Where mark{li, q};
    const qsizetype offset = m_arena.size();
    qsizetype i = q + 1;
    for (int current = li;;) {
        const Line l = line(current);
        qsizetype segment = i;
        for (; i < l.end; ++i) {
            if (m_bytes[i] != '\'')
                continue;
            m_arena.append(m_bytes + segment, i - segment);
            if (i + 1 < l.end && m_bytes[i + 1] == '\'') { // '' is one quote
                m_arena += '\'';
                segment = ++i + 1;
                continue;
            }
            pushScalar(mark, YAML_SINGLE_QUOTED_SCALAR_STYLE, offset, m_arena.size() - offset, true);
            li = current;
            return i + 1;
        }
        qsizetype end = l.end; // the line goes on: its trailing spaces are not part of the value
        while (end > segment && m_bytes[end - 1] == ' ')
            --end;
        m_arena.append(m_bytes + segment, end - segment);
        int emptyLines = 0;
        for (++current; line(current).blank; ++current)
            ++emptyLines;
        const Line next = line(current);
        if (next.indent <= blockIndent || isDocumentMarker(current))
            throw Decline{};
        if (emptyLines == 0)
            m_arena += ' ';
        else
            m_arena.append(emptyLines, '\n');
        i = next.start + next.indent;
    }
}

// After a value on line li, only spaces or a comment may follow.
void FastDocumentReader::requireLineEnd(int li, qsizetype p)
{
    const Line &l = line(li);
    const qsizetype q = skipSpaces(p, l.end);
    if (q < l.end && !(m_bytes[q] == '#' && q > p))
        throw Decline{};
}

// A scalar value on line li is complete: no more-indented line continues it.
void FastDocumentReader::requireNoContinuation(int li, int blockIndent)
{
    m_last = li;
    const int next = nextContent(li + 1);
    if (next >= 0 && !isDocumentMarker(next) && line(next).indent > blockIndent)
        throw Decline{};
}

} // namespace sluice::yaml
