#include "JsonText.h"

#include <QJsonValue>
#include <QtEndian>
#include <QVariant>

#include <cmath>
#include <cstring>

namespace sluice::json {

namespace {

constexpr double kMaxPreciseInteger = double(quint64(1) << 53);

// The bytes a UTF-16 unit `c` (and, for a surrogate pair, the next) takes in a JSON string.
inline int encodedSize(char16_t c, const char16_t *next, const char16_t *end)
{
    if (c < 0x80) {
        if (c >= 0x20 && c != '"' && c != '\\')
            return 1;
        return c == '"' || c == '\\' || c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t' ? 2 : 6;
    }
    if (c < 0x800)
        return 2;
    if (QChar::isHighSurrogate(c) && next < end && QChar::isLowSurrogate(*next))
        return 4;
    return 3;
}


// Whether a UTF-16 unit is written as its own byte: printable ASCII (DEL too) but '"' and '\\'.
inline bool isPlain(char16_t c)
{
    return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

// isPlain for the four units of `w` at once. Each is below 0x80 when the first test passes, so
// adding to or flipping a unit never carries into the next: bit 7 of a unit plus 0x60 says it is
// 0x20 or more, of (unit ^ c) plus 0x7F that it is not c.
inline bool plainUnits(quint64 w)
{
    constexpr quint64 kUnits = 0x0001000100010001ULL, kBit7 = 0x80 * kUnits;
    if (w & (0xFF80 * kUnits))
        return false;
    const quint64 notControl = w + 0x60 * kUnits;
    const quint64 notQuote = (w ^ ('"' * kUnits)) + 0x7F * kUnits;
    const quint64 notBackslash = (w ^ ('\\' * kUnits)) + 0x7F * kUnits;
    return (notControl & notQuote & notBackslash & kBit7) == kBit7;
}

// The end of the run of bytes at `p` that isPlain takes as they are, eight at a time first (the
// test of plainUnits for eight bytes: each below 0x80, then 0x20 or more, not '"', not '\\').
inline const char *plainRunEnd(const char *p, const char *end)
{
    constexpr quint64 kBytes = 0x0101010101010101ULL, kBit7 = 0x80 * kBytes;
    for (; end - p >= 8; p += 8) {
        const quint64 w = qFromUnaligned<quint64>(p);
        const quint64 notControl = w + 0x60 * kBytes;
        const quint64 notQuote = (w ^ ('"' * kBytes)) + 0x7F * kBytes;
        const quint64 notBackslash = (w ^ ('\\' * kBytes)) + 0x7F * kBytes;
        if ((w & kBit7) || (notControl & notQuote & notBackslash & kBit7) != kBit7)
            break;
    }
    while (p < end && isPlain(char16_t(uchar(*p))))
        ++p;
    return p;
}

// An ASCII character that isPlain is not, escaped as QJsonDocument escapes it, written at `o`;
// returns the end.
inline char *escapeAscii(char16_t c, char *o)
{
    static const char hex[] = "0123456789abcdef";
    *o++ = '\\';
    switch (c) {
    case '"': *o++ = '"'; break;
    case '\\': *o++ = '\\'; break;
    case '\b': *o++ = 'b'; break;
    case '\f': *o++ = 'f'; break;
    case '\n': *o++ = 'n'; break;
    case '\r': *o++ = 'r'; break;
    case '\t': *o++ = 't'; break;
    default:
        *o++ = 'u';
        *o++ = '0';
        *o++ = '0';
        *o++ = hex[c >> 4];
        *o++ = hex[c & 0xF];
    }
    return o;
}

// A double as QJsonDocument writes it: an integral value up to 2^53 as an integer, others in the
// shortest form that reads back the same, and "null" for what JSON cannot hold.
void appendDouble(double d, QByteArray &out)
{
    if (!std::isfinite(d)) {
        out += "null";
        return;
    }
    const double magnitude = std::abs(d);
    if (magnitude <= kMaxPreciseInteger && magnitude == std::floor(magnitude)) {
        if (d < 0)
            out += '-';
        out += QByteArray::number(quint64(magnitude));
        return;
    }
    out += QByteArray::number(d, 'g', QLocale::FloatingPointShortest);
}

template<typename Value>
void appendValue(const Value &value, QByteArray &out)
{
    switch (value.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        out += "null";
        return;
    case QJsonValue::Bool:
        out += value.toBool() ? "true" : "false";
        return;
    case QJsonValue::Double: {
        const double d = value.toDouble();
        if (std::abs(d) >= kMaxPreciseInteger) { // an integer stored as one keeps all its digits
            const QVariant exact = value.toVariant();
            if (exact.typeId() == QMetaType::LongLong) {
                out += QByteArray::number(exact.toLongLong());
                return;
            }
        }
        appendDouble(d, out);
        return;
    }
    case QJsonValue::String:
        appendString(value.toString(), out);
        return;
    case QJsonValue::Array:
        appendCompact(value.toArray(), out);
        return;
    case QJsonValue::Object:
        appendCompact(value.toObject(), out);
        return;
    }
}

} // namespace

// `text` as a JSON string: '"', '\\' and control characters escaped as QJsonDocument escapes
// them, the rest as UTF-8 (a lone surrogate as U+FFFD, as QString::toUtf8 writes it). Measured
// first, then written through a pointer into exactly that room.
void appendString(const QString &text, QByteArray &out)
{
    const char16_t *begin = reinterpret_cast<const char16_t *>(text.constData());
    const char16_t *end = begin + text.size();
    // The leading run of units written as they are, four at a time: most strings are only that.
    const char16_t *plainEnd = begin;
    while (end - plainEnd >= 4 && plainUnits(qFromLittleEndian<quint64>(plainEnd)))
        plainEnd += 4;
    while (plainEnd < end && isPlain(*plainEnd))
        ++plainEnd;
    qsizetype size = 2 + (plainEnd - begin);
    for (const char16_t *p = plainEnd; p < end;) {
        const int n = encodedSize(*p, p + 1, end);
        size += n;
        p += n == 4 ? 2 : 1;
    }
    const qsizetype start = out.size();
    out.resize(start + size);
    char *o = out.data() + start;
    *o++ = '"';
    const char16_t *p = begin;
    for (; plainEnd - p >= 4; p += 4, o += 4) { // each unit's low byte
        const quint64 w = qFromLittleEndian<quint64>(p);
        qToLittleEndian(quint32((w & 0xFF) | (w >> 8 & 0xFF00) | (w >> 16 & 0xFF0000) | (w >> 24 & 0xFF000000)), o);
    }
    while (p < plainEnd)
        *o++ = char(*p++);
    while (p < end) {
        const char16_t c = *p++;
        if (c < 0x80) {
            if (isPlain(c))
                *o++ = char(c);
            else
                o = escapeAscii(c, o);
        } else if (c < 0x800) {
            *o++ = char(0xC0 | (c >> 6));
            *o++ = char(0x80 | (c & 0x3F));
        } else if (QChar::isHighSurrogate(c) && p < end && QChar::isLowSurrogate(*p)) {
            const char32_t cp = QChar::surrogateToUcs4(c, *p++);
            *o++ = char(0xF0 | (cp >> 18));
            *o++ = char(0x80 | ((cp >> 12) & 0x3F));
            *o++ = char(0x80 | ((cp >> 6) & 0x3F));
            *o++ = char(0x80 | (cp & 0x3F));
        } else {
            const char16_t u = QChar::isSurrogate(c) ? char16_t(0xFFFD) : c;
            *o++ = char(0xE0 | (u >> 12));
            *o++ = char(0x80 | ((u >> 6) & 0x3F));
            *o++ = char(0x80 | (u & 0x3F));
        }
    }
    *o++ = '"';
    Q_ASSERT(o == out.constData() + out.size());
}

void appendUtf8String(QByteArrayView utf8, QByteArray &out)
{
    const char *begin = utf8.data(), *end = begin + utf8.size();
    // Measured first (a run of plain bytes at a time, a byte that is not ASCII sending the text
    // to appendString: QString replaces a sequence that is not UTF-8, as its callers saw it),
    // then written through a pointer into exactly that room.
    qsizetype size = 2;
    for (const char *p = begin; p < end; ++p) {
        const char *run = plainRunEnd(p, end);
        size += run - p;
        if (run == end)
            break;
        if (uchar(*run) >= 0x80) {
            appendString(QString::fromUtf8(utf8), out);
            return;
        }
        size += encodedSize(char16_t(*run), nullptr, nullptr); // ASCII: no surrogate follows
        p = run;
    }
    const qsizetype start = out.size();
    out.resize(start + size);
    char *o = out.data() + start;
    *o++ = '"';
    for (const char *p = begin; p < end; ++p) {
        const char *run = plainRunEnd(p, end);
        std::memcpy(o, p, size_t(run - p));
        o += run - p;
        if (run == end)
            break;
        o = escapeAscii(char16_t(*run), o);
        p = run;
    }
    *o++ = '"';
    Q_ASSERT(o == out.constData() + out.size());
}

void appendCompact(const QJsonObject &object, QByteArray &out)
{
    out += '{';
    bool first = true;
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        if (!first)
            out += ',';
        first = false;
        appendString(it.key(), out);
        out += ':';
        appendValue(it.value(), out);
    }
    out += '}';
}

void appendCompact(const QJsonValue &value, QByteArray &out)
{
    appendValue(value, out);
}

void appendCompact(const QJsonArray &array, QByteArray &out)
{
    out += '[';
    bool first = true;
    for (auto it = array.constBegin(); it != array.constEnd(); ++it) {
        if (!first)
            out += ',';
        first = false;
        appendValue(*it, out);
    }
    out += ']';
}

} // namespace sluice::json
