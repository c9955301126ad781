#include "YamlTree.h"

#include "YamlEvents.h"
#include "YamlScalar.h"

#include <QHash>
#include <QSet>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtEndian>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include <vector>

namespace sluice::yaml {
namespace {

// A scalar event's style and tag (empty when it has none), as resolveScalar takes them.
ScalarStyle styleOf(const Event &scalar)
{
    switch (scalar.style) {
    case YAML_PLAIN_SCALAR_STYLE: return ScalarStyle::Plain;
    case YAML_LITERAL_SCALAR_STYLE:
    case YAML_FOLDED_SCALAR_STYLE: return ScalarStyle::Block;
    default: return ScalarStyle::Quoted;
    }
}

QByteArrayView tagOf(const Event &scalar)
{
    return scalar.tag ? QByteArrayView(scalar.tag) : QByteArrayView();
}

// The first byte of `s` at or after `from` that is a control character or DEL, or s.size(); eight
// bytes at a time. In each word the first byte flagged is one (borrows only go up from a flagged
// byte), and bytes of 0x80 and above are never flagged.
qsizetype nextControl(QByteArrayView s, qsizetype from)
{
    constexpr quint64 kOnes = 0x0101010101010101ULL, kHigh = 0x80 * kOnes;
    qsizetype i = from;
    for (; i + 8 <= s.size(); i += 8) {
        const quint64 w = qFromLittleEndian<quint64>(s.data() + i); // the first byte lowest
        const quint64 del = w ^ (0x7f * kOnes);
        if (const quint64 flagged = (((w - 0x20 * kOnes) & ~w) | ((del - kOnes) & ~del)) & kHigh)
            return i + qCountTrailingZeroBits(flagged) / 8;
    }
    for (; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c == 0x7f)
            return i;
    }
    return s.size();
}

bool isAscii(QByteArrayView s) // eight bytes at a time: a dashboard's JSON is one long string
{
    qsizetype i = 0;
    quint64 high = 0;
    for (; i + 8 <= s.size(); i += 8)
        high |= qFromUnaligned<quint64>(s.data() + i);
    for (; i < s.size(); ++i)
        high |= static_cast<unsigned char>(s[i]);
    return (high & 0x8080808080808080ULL) == 0;
}

// Whether `s` is UTF-8 that Qt reads without replacing anything (the readers check their input;
// this keeps a tree's strings what QString::fromUtf8 would make of them regardless).
bool isValidUtf8(QByteArrayView s)
{
    return isAscii(s) || QString::fromUtf8(s).toUtf8() == s; // what is not UTF-8 comes back replaced
}

struct Frame
{
    bool isMap = false;
    QJsonObject object;
    QJsonArray array;
    QString key; // the pending key in a map
    yaml_mark_t keyMark{};
    bool haveKey = false;
    QByteArray anchor;
    qint64 expanded = 1; // nodes this collection expands to, aliases included
    yaml_mark_t start{};
};

struct Node
{
    QJsonValue value;
    qint64 expanded = 1;
};

class TreeBuilder
{
public:
    TreeBuilder(const QByteArray &text, const QString &file, int firstLine)
        : m_reader(text, file, firstLine)
    {
    }

    Result<QJsonValue> run()
    {
        int documents = 0;
        std::optional<QJsonValue> root;
        for (;;) {
            if (Status s = m_reader.next(); !s)
                return s.error();
            const Event &e = m_reader.event();
            switch (e.type) {
            case YAML_STREAM_END_EVENT:
                return root.value_or(QJsonValue(QJsonValue::Null));
            case YAML_DOCUMENT_START_EVENT:
                if (++documents > 1)
                    return m_reader.errorAt(m_reader.mark(),
                                            QStringLiteral("expected one document, found more"));
                break;
            case YAML_MAPPING_START_EVENT:
            case YAML_SEQUENCE_START_EVENT: {
                if (int(m_stack.size()) >= kMaxDepth)
                    return m_reader.errorAt(m_reader.mark(),
                                            QStringLiteral("nesting deeper than %1 levels").arg(kMaxDepth));
                Frame f;
                f.isMap = e.type == YAML_MAPPING_START_EVENT;
                if (e.anchor)
                    f.anchor = QByteArray(e.anchor);
                f.start = m_reader.mark();
                m_stack.push_back(std::move(f));
                break;
            }
            case YAML_MAPPING_END_EVENT:
            case YAML_SEQUENCE_END_EVENT: {
                Frame f = std::move(m_stack.back());
                m_stack.pop_back();
                Node node{f.isMap ? QJsonValue(f.object) : QJsonValue(f.array), f.expanded};
                if (!f.anchor.isEmpty())
                    m_anchors.insert(f.anchor, node);
                if (Status s = add(std::move(node), f.start, root); !s)
                    return s.error();
                break;
            }
            case YAML_SCALAR_EVENT: {
                const QByteArrayView value = e.value;
                if (isKeyPosition() && !e.anchor) {
                    setKey(QString::fromUtf8(value), m_reader.mark());
                    break;
                }
                Node node{isKeyPosition() ? QJsonValue(QString::fromUtf8(value)) : resolveScalar(value, styleOf(e), tagOf(e)), 1};
                if (e.anchor)
                    m_anchors.insert(QByteArray(e.anchor), node);
                if (Status s = add(std::move(node), m_reader.mark(), root); !s)
                    return s.error();
                break;
            }
            case YAML_ALIAS_EVENT: {
                const QByteArray name(e.anchor);
                const auto it = m_anchors.constFind(name);
                if (it == m_anchors.constEnd())
                    return m_reader.errorAt(m_reader.mark(),
                                            QStringLiteral("unknown alias *%1").arg(QString::fromUtf8(name)));
                m_aliasExpanded += it->expanded;
                if (m_aliasExpanded > 4 * m_events + kAliasAllowance)
                    return m_reader.errorAt(m_reader.mark(),
                                            QStringLiteral("document contains excessive aliasing (an "
                                                           "alias bomb?): refused"));
                if (Status s = add(*it, m_reader.mark(), root); !s)
                    return s.error();
                break;
            }
            default:
                break;
            }
            ++m_events;
        }
    }

private:
    bool isKeyPosition() const { return !m_stack.empty() && m_stack.back().isMap && !m_stack.back().haveKey; }

    Status add(Node node, const yaml_mark_t &mark, std::optional<QJsonValue> &root)
    {
        if (m_stack.empty()) {
            root = std::move(node.value);
            return {};
        }
        Frame &parent = m_stack.back();
        parent.expanded += node.expanded;
        if (!parent.isMap) {
            parent.array.append(node.value);
            return {};
        }
        if (!parent.haveKey) {
            if (!node.value.isString())
                return m_reader.errorAt(mark, QStringLiteral("a mapping key must be a scalar"));
            setKey(node.value.toString(), mark);
            return {};
        }
        // One search per key: a key seen before leaves the size as it was.
        const qsizetype size = parent.object.size();
        parent.object.insert(parent.key, node.value);
        if (parent.object.size() == size)
            return m_reader.errorAt(parent.keyMark, QStringLiteral("duplicate key \"%1\"").arg(elideMiddle(parent.key)));
        parent.haveKey = false;
        return {};
    }

    void setKey(QString key, const yaml_mark_t &mark)
    {
        Frame &parent = m_stack.back();
        parent.key = std::move(key);
        parent.keyMark = mark;
        parent.haveKey = true;
    }

    EventReader m_reader;
    std::vector<Frame> m_stack;
    QHash<QByteArray, Node> m_anchors;
    qint64 m_events = 0;
    qint64 m_aliasExpanded = 0;
};

// Builds the same tree as TreeBuilder through Qt's JSON reader: the document is written as
// compact JSON text, which QJsonDocument reads in one pass. (QJsonObject::insert makes a temporary
// value of each key and string it adds: building through it took 45% of a parse; this way a
// parse costs a quarter less.) Errors are TreeBuilder's, at the same events. A float JSON cannot
// write (infinity, NaN, -0) and text Qt's reader refuses (not UTF-8) give std::nullopt:
// TreeBuilder builds those.
class JsonTextBuilder
{
public:
    JsonTextBuilder(const QByteArray &text, const QString &file, int firstLine)
        : m_reader(text, file, firstLine)
    {
        m_out.reserve(text.size() + 64);
        m_out += '['; // the document is read as a one-item array: the root may be a scalar
    }

    Result<std::optional<QJsonValue>> run()
    {
        int documents = 0;
        for (;;) {
            if (Status s = m_reader.next(); !s)
                return s.error();
            const Event &e = m_reader.event();
            switch (e.type) {
            case YAML_STREAM_END_EVENT:
                return finish();
            case YAML_DOCUMENT_START_EVENT:
                if (++documents > 1)
                    return m_reader.errorAt(m_reader.mark(), QStringLiteral("expected one document, found more"));
                break;
            case YAML_MAPPING_START_EVENT:
            case YAML_SEQUENCE_START_EVENT: {
                if (int(m_stack.size()) >= kMaxDepth)
                    return m_reader.errorAt(m_reader.mark(), QStringLiteral("nesting deeper than %1 levels").arg(kMaxDepth));
                const bool isMap = e.type == YAML_MAPPING_START_EVENT;
                TextFrame f;
                f.isMap = isMap;
                f.isKey = isKeyPosition();
                f.start = m_reader.mark();
                f.textStart = beginValue();
                if (e.anchor)
                    f.anchor = QByteArray(e.anchor);
                m_out += isMap ? '{' : '[';
                m_stack.push_back(std::move(f));
                break;
            }
            case YAML_MAPPING_END_EVENT:
            case YAML_SEQUENCE_END_EVENT: {
                TextFrame f = std::move(m_stack.back());
                m_stack.pop_back();
                m_out += f.isMap ? '}' : ']';
                if (f.isKey)
                    return m_reader.errorAt(f.start, QStringLiteral("a mapping key must be a scalar"));
                if (!f.anchor.isEmpty())
                    m_anchors.insert(f.anchor, Anchor{m_out.mid(f.textStart), f.expanded, false});
                if (Status s = endValue(f.expanded); !s)
                    return s.error();
                break;
            }
            case YAML_SCALAR_EVENT: {
                const QByteArrayView value = e.value;
                const bool key = isKeyPosition();
                const qsizetype start = beginValue();
                if (key)
                    appendString(value);
                else if (!appendScalar(value, e))
                    return std::optional<QJsonValue>();
                if (e.anchor)
                    m_anchors.insert(QByteArray(e.anchor),
                                     Anchor{m_out.mid(start), 1, m_out.at(start) == '"'});
                if (key) {
                    if (e.anchor)
                        m_stack.back().expanded += 1; // TreeBuilder adds an anchored key as a node
                    setKey(start, m_reader.mark());
                } else if (Status s = endValue(1); !s) {
                    return s.error();
                }
                break;
            }
            case YAML_ALIAS_EVENT: {
                const QByteArray name(e.anchor);
                const auto it = m_anchors.constFind(name);
                if (it == m_anchors.constEnd())
                    return m_reader.errorAt(m_reader.mark(), QStringLiteral("unknown alias *%1").arg(QString::fromUtf8(name)));
                m_aliasExpanded += it->expanded;
                if (m_aliasExpanded > 4 * m_events + kAliasAllowance)
                    return m_reader.errorAt(m_reader.mark(),
                                            QStringLiteral("document contains excessive aliasing (an alias bomb?): refused"));
                const bool key = isKeyPosition();
                if (key && !it->isString)
                    return m_reader.errorAt(m_reader.mark(), QStringLiteral("a mapping key must be a scalar"));
                const qsizetype start = beginValue();
                m_out += it->json;
                if (key) {
                    m_stack.back().expanded += it->expanded;
                    setKey(start, m_reader.mark());
                } else if (Status s = endValue(it->expanded); !s) {
                    return s.error();
                }
                break;
            }
            default:
                break;
            }
            ++m_events;
        }
    }

private:
    static constexpr size_t kListedKeys = 32; // a map's keys are compared one by one up to this many

    struct TextFrame
    {
        bool isMap = false;
        bool isKey = false; // a collection as a mapping key: an error at its end, as TreeBuilder's
        bool haveKey = false;
        bool empty = true;
        qsizetype keyStart = 0; // the pending key's JSON text in m_out
        qsizetype keyEnd = 0;
        yaml_mark_t keyMark{};
        std::vector<std::pair<qsizetype, qsizetype>> keys; // each key's JSON text in m_out, to find duplicates
        QSet<QByteArray> keySet;                            // the same, once a map has kListedKeys keys
        qsizetype textStart = 0;
        QByteArray anchor;
        qint64 expanded = 1;
        yaml_mark_t start{};
    };
    struct Anchor
    {
        QByteArray json;
        qint64 expanded = 1;
        bool isString = false;
    };

    bool isKeyPosition() const { return !m_stack.empty() && m_stack.back().isMap && !m_stack.back().haveKey; }

    // Writes what goes before a value or key (a comma), and returns where the value starts.
    qsizetype beginValue()
    {
        if (!m_stack.empty()) {
            TextFrame &parent = m_stack.back();
            if (!parent.empty && !(parent.isMap && parent.haveKey))
                m_out += ',';
            parent.empty = false;
        }
        return m_out.size();
    }

    void setKey(qsizetype start, const yaml_mark_t &mark)
    {
        TextFrame &parent = m_stack.back();
        parent.keyStart = start;
        parent.keyEnd = m_out.size();
        parent.keyMark = mark;
        parent.haveKey = true;
        m_out += ':';
    }

    // A value is complete: a map's entry is added, its key checked against the map's others.
    Status endValue(qint64 expanded)
    {
        if (m_stack.empty())
            return {};
        TextFrame &parent = m_stack.back();
        parent.expanded += expanded;
        if (!parent.isMap)
            return {};
        const QByteArrayView key(m_out.constData() + parent.keyStart, parent.keyEnd - parent.keyStart);
        bool seen = false;
        if (parent.keys.size() < kListedKeys) {
            for (const auto &[start, end] : parent.keys)
                seen = seen || QByteArrayView(m_out.constData() + start, end - start) == key;
        } else {
            if (parent.keySet.isEmpty()) {
                for (const auto &[start, end] : parent.keys)
                    parent.keySet.insert(m_out.sliced(start, end - start));
            }
            const qsizetype size = parent.keySet.size();
            parent.keySet.insert(key.toByteArray());
            seen = parent.keySet.size() == size;
        }
        if (seen) {
            const QString name = QJsonDocument::fromJson('[' + key.toByteArray() + ']').array().at(0).toString();
            return m_reader.errorAt(parent.keyMark, QStringLiteral("duplicate key \"%1\"").arg(elideMiddle(name)));
        }
        parent.keys.emplace_back(parent.keyStart, parent.keyEnd);
        parent.haveKey = false;
        return {};
    }

    void appendString(QByteArrayView utf8)
    {
        m_out += '"';
        const char *run = utf8.begin(); // bytes written as they are, appended at once
        for (const char *p = utf8.begin(); p != utf8.end(); ++p) {
            const auto c = static_cast<unsigned char>(*p);
            if (c >= 0x20 && c != '"' && c != '\\')
                continue;
            m_out.append(run, p - run);
            run = p + 1;
            if (c == '"' || c == '\\') {
                const char escaped[] = {'\\', char(c)};
                m_out.append(escaped, 2);
            } else {
                static const char hex[] = "0123456789abcdef";
                const char escaped[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf]};
                m_out.append(escaped, 6);
            }
        }
        m_out.append(run, utf8.end() - run);
        m_out += '"';
    }

    // False for a float JSON cannot write.
    bool appendScalar(QByteArrayView value, const Event &e)
    {
        const ScalarStyle style = styleOf(e);
        const QByteArrayView tag = tagOf(e);
        if (tag.isEmpty() && (style != ScalarStyle::Plain || isPlainString(value))) {
            appendString(value);
            return true;
        }
        const QJsonValue v = resolveScalar(value, style, tag);
        switch (v.type()) {
        case QJsonValue::String: appendString(v.toString().toUtf8()); return true;
        case QJsonValue::Bool: m_out += v.toBool() ? "true" : "false"; return true;
        case QJsonValue::Double: {
            const double d = v.toDouble();
            if (!qIsFinite(d) || (d == 0 && std::signbit(d))) // -0 reads back as the integer 0
                return false;
            const qint64 i = v.toInteger(std::numeric_limits<qint64>::min());
            m_out += i != std::numeric_limits<qint64>::min() && double(i) == d ? QByteArray::number(i)
                                                                               : QByteArray::number(d, 'g', QLocale::FloatingPointShortest);
            return true;
        }
        default: m_out += "null"; return true;
        }
    }

    std::optional<QJsonValue> finish()
    {
        if (m_out.size() == 1)
            return QJsonValue(QJsonValue::Null);
        m_out += ']';
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(m_out, &error);
        if (error.error != QJsonParseError::NoError)
            return std::nullopt; // invalid UTF-8: TreeBuilder reads it with replacement characters
        return document.array().at(0);
    }

    EventReader m_reader;
    std::vector<TextFrame> m_stack;
    QHash<QByteArray, Anchor> m_anchors;
    QByteArray m_out;
    qint64 m_events = 0;
    qint64 m_aliasExpanded = 0;
};

// A block-style YAML writer in kubectl's layout (sequences at their key's indentation). Written
// by hand: yaml-cpp's emitter spent most of a large diff's time in its regular expressions.
class Writer
{
public:
    using Node = CompactTree::Node;
    using Type = CompactTree::Type;

    explicit Writer(const CompactTree &tree)
        : m_tree(tree)
    {
    }

    QByteArray take() { return QByteArray(m_out.text.data(), qsizetype(m_out.text.size())); }

    void value(Node v, int indent)
    {
        if (isOpenCollection(v, Type::Map))
            mapping(v, indent, false);
        else if (isOpenCollection(v, Type::Sequence))
            sequence(v, indent, false);
        else
            inlineValue(v, indent), m_out += '\n';
    }

private:
    void spaces(int n) { m_out.text.append(size_t(n), ' '); }

    // A map or sequence with entries: written in block style (empty ones inline: {} and []).
    bool isOpenCollection(Node v, Type type) const { return m_tree.type(v) == type && m_tree.size(v) > 0; }

    // A map's entries; the first one continues the current line when `inlineFirst` ("- key: …").
    void mapping(Node map, int indent, bool inlineFirst)
    {
        for (qsizetype i = 0; i < m_tree.size(map); ++i) {
            if (!(i == 0 && inlineFirst))
                spaces(indent);
            scalarText(m_tree.key(map, i), indent);
            m_out += ':';
            const Node v = m_tree.value(map, i);
            if (isOpenCollection(v, Type::Map)) {
                m_out += '\n';
                mapping(v, indent + 2, false);
            } else if (isOpenCollection(v, Type::Sequence)) {
                m_out += '\n';
                sequence(v, indent, false);
            } else {
                m_out += ' ';
                inlineValue(v, indent + 2);
                m_out += '\n';
            }
        }
    }

    void sequence(Node seq, int indent, bool inlineFirst)
    {
        for (qsizetype i = 0; i < m_tree.size(seq); ++i) {
            if (!(i == 0 && inlineFirst))
                spaces(indent);
            m_out += "- ";
            const Node v = m_tree.item(seq, i);
            if (isOpenCollection(v, Type::Map))
                mapping(v, indent + 2, true);
            else if (isOpenCollection(v, Type::Sequence))
                sequence(v, indent + 2, true);
            else
                inlineValue(v, indent + 2), m_out += '\n';
        }
    }

    // A scalar or an empty collection, without the newline. `indent` is that of block scalar lines.
    void inlineValue(Node v, int indent)
    {
        switch (m_tree.type(v)) {
        case Type::Map: m_out += "{}"; return;
        case Type::Sequence: m_out += "[]"; return;
        case Type::Bool: m_out += m_tree.boolean(v) ? "true" : "false"; return;
        case Type::Integer:
        case Type::Double: {
            // As QJsonValue has it: an integral value in qint64's range as an integer.
            const QJsonValue number = m_tree.type(v) == Type::Integer ? QJsonValue(m_tree.integer(v)) : QJsonValue(m_tree.number(v));
            const double d = number.toDouble();
            const qint64 i = number.toInteger(std::numeric_limits<qint64>::min());
            if (i != std::numeric_limits<qint64>::min() && double(i) == d)
                m_out += QByteArray::number(i);
            else
                m_out += QByteArray::number(d, 'g', QLocale::FloatingPointShortest);
            return;
        }
        case Type::String: scalarText(m_tree.string(v), indent); return;
        case Type::Null: m_out += "null"; return;
        }
    }

    void scalarText(QByteArrayView utf8, int indent)
    {
        if (isPlainSafe(utf8))
            m_out += utf8;
        else if (utf8.contains('\n') && isLiteralSafe(utf8))
            literal(utf8, indent);
        else
            doubleQuoted(utf8);
    }

    static bool isYaml11Word(QByteArrayView s)
    {
        static const char *const kWords[] = {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on",
                                             "On", "ON", "off", "Off", "OFF"};
        return s.size() <= 3 && std::any_of(std::begin(kWords), std::end(kWords), [s](const char *w) { return s == w; });
    }

    static bool isPlainSafe(QByteArrayView s)
    {
        static constexpr auto kUnsafeFirst = byteSet("-?:,[]{}#&*!|>'\"%@`=~");
        static constexpr auto kLookCloser = [] { // control characters, and ':' and '#' (": " and " #")
            std::array<bool, 256> table = byteSet(":#\x7f");
            for (int c = 0; c < 0x20; ++c)
                table[size_t(c)] = true;
            return table;
        }();
        if (s.isEmpty() || s.front() == ' ' || s.back() == ' ' || s.back() == ':' ||
            kUnsafeFirst[static_cast<unsigned char>(s.front())])
            return false;
        for (qsizetype i = 0; i < s.size(); ++i) {
            const auto c = static_cast<unsigned char>(s[i]);
            if (!kLookCloser[c])
                continue;
            if (c < 0x20 || c == 0x7f || (c == ':' && i + 1 < s.size() && s[i + 1] == ' ') || (c == '#' && i > 0 && s[i - 1] == ' '))
                return false;
        }
        // YAML 1.1 readers (go-yaml) take 1_000, 1:20 or 0.5.1-like digit runs for numbers.
        const auto inDigitRun = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == '_' || c == ':' || c == '.'; };
        if (std::isdigit(static_cast<unsigned char>(s.front())) && std::all_of(s.begin(), s.end(), inDigitRun))
            return false;
        return !isYaml11Word(s) && isPlainString(s);
    }

    // A dashboard's JSON, a script: long strings, read eight bytes at a time.
    static bool isLiteralSafe(QByteArrayView s)
    {
        if (s.startsWith(' ') || s.startsWith('\n') || s.endsWith("\n\n") || s.endsWith(' '))
            return false;
        for (qsizetype i = nextControl(s, 0); i < s.size(); i = nextControl(s, i + 1)) {
            if (s[i] != '\n' || s[i - 1] == ' ') // not the first byte: that is no line break
                return false;
        }
        return true;
    }

    void literal(QByteArrayView s, int indent)
    {
        const bool trailingNewline = s.endsWith('\n');
        m_out += trailingNewline ? "|" : "|-";
        const QByteArrayView body = trailingNewline ? s.chopped(1) : s;
        for (qsizetype start = 0;; ) {
            const void *newline = std::memchr(body.data() + start, '\n', size_t(body.size() - start));
            const qsizetype end = newline ? static_cast<const char *>(newline) - body.data() : body.size();
            m_out += '\n';
            if (end > start) {
                spaces(indent);
                m_out += body.sliced(start, end - start);
            }
            if (end == body.size())
                break;
            start = end + 1;
        }
    }

    void doubleQuoted(QByteArrayView s)
    {
        m_out += '"';
        qsizetype run = 0; // the bytes from here on are written as they are, at once
        for (qsizetype i = 0; i < s.size(); ++i) {
            const char c = s[i];
            const auto u = static_cast<unsigned char>(c);
            if (u >= 0x20 && u != 0x7f && c != '"' && c != '\\')
                continue;
            m_out += s.sliced(run, i - run);
            run = i + 1;
            switch (c) {
            case '"': m_out += "\\\""; break;
            case '\\': m_out += "\\\\"; break;
            case '\n': m_out += "\\n"; break;
            case '\t': m_out += "\\t"; break;
            case '\r': m_out += "\\r"; break;
            default: m_out += "\\x" + QByteArray::number(u, 16).rightJustified(2, '0');
            }
        }
        m_out += s.sliced(run);
        m_out += '"';
    }

    // The text written: std::string appends in place, where each QByteArray append was a call
    // and its checks (8% of a review's instructions).
    struct Text
    {
        std::string text;
        Text &operator+=(char c)
        {
            text.push_back(c);
            return *this;
        }
        Text &operator+=(QByteArrayView bytes)
        {
            text.append(bytes.data(), size_t(bytes.size()));
            return *this;
        }
    };

    const CompactTree &m_tree;
    Text m_out;
};

} // namespace

Result<QJsonValue> parseDocument(const QByteArray &text, const QString &file, int firstLine)
{
    auto built = JsonTextBuilder(text, file, firstLine).run();
    if (!built)
        return built.error();
    if (*built)
        return std::move(**built);
    return parseDocumentByNodes(text, file, firstLine);
}

std::optional<CompactTree> parseCompact(const QByteArray &text, const QString &file, int firstLine)
{
    // Builds what JsonTextBuilder writes and Qt's JSON reader reads back, the same way; whatever
    // that takes more than (see the header) goes back to parseDocument.
    EventReader reader(text, file, firstLine);
    CompactTreeBuilder builder;
    builder.reserve(text.size());
    struct Open
    {
        bool isMap = false;
        bool haveKey = false;
    };
    std::vector<Open> open;
    const auto isKeyPosition = [&open] { return !open.empty() && open.back().isMap && !open.back().haveKey; };
    const auto valueAdded = [&open] {
        if (!open.empty())
            open.back().haveKey = false;
    };
    int documents = 0;
    for (;;) {
        if (!reader.next())
            return std::nullopt;
        const Event &e = reader.event();
        switch (e.type) {
        case YAML_STREAM_END_EVENT:
            return builder.take();
        case YAML_DOCUMENT_START_EVENT:
            if (++documents > 1)
                return std::nullopt;
            break;
        case YAML_MAPPING_START_EVENT:
        case YAML_SEQUENCE_START_EVENT: {
            const bool isMap = e.type == YAML_MAPPING_START_EVENT;
            if (e.anchor || isKeyPosition() ||
                int(open.size()) >= kMaxDepth)
                return std::nullopt;
            open.push_back({isMap, false});
            isMap ? builder.beginMap() : builder.beginSequence();
            break;
        }
        case YAML_MAPPING_END_EVENT:
        case YAML_SEQUENCE_END_EVENT:
            open.pop_back();
            if (!builder.end()) // a duplicate key
                return std::nullopt;
            valueAdded();
            break;
        case YAML_SCALAR_EVENT: {
            if (e.anchor)
                return std::nullopt;
            const QByteArrayView value = e.value;
            if (isKeyPosition()) {
                if (!isAscii(value))
                    return std::nullopt;
                builder.setKey(value);
                open.back().haveKey = true;
                break;
            }
            const ScalarStyle style = styleOf(e);
            const QByteArrayView tag = tagOf(e);
            if (tag.isEmpty() && (style != ScalarStyle::Plain || isPlainString(value))) {
                if (!isValidUtf8(value))
                    return std::nullopt;
                builder.addString(value);
            } else {
                const QJsonValue v = resolveScalar(value, style, tag);
                switch (v.type()) {
                case QJsonValue::String: builder.addString(v.toString().toUtf8()); break;
                case QJsonValue::Bool: builder.addScalar(CompactTree::Type::Bool, v.toBool()); break;
                case QJsonValue::Double: {
                    const double d = v.toDouble();
                    if (!qIsFinite(d) || (d == 0 && std::signbit(d)))
                        return std::nullopt;
                    // An integer as JsonTextBuilder writes it; Qt's JSON reader reads an integral
                    // float in qint64's range back as an integer (-2^63 is written as a float).
                    constexpr qint64 kMin = std::numeric_limits<qint64>::min();
                    const qint64 i = v.toInteger(kMin);
                    if ((i != kMin && double(i) == d) || d == double(kMin))
                        builder.addScalar(CompactTree::Type::Integer, i);
                    else
                        builder.addScalar(CompactTree::Type::Double, 0, d);
                    break;
                }
                default: builder.addScalar(CompactTree::Type::Null); break;
                }
            }
            valueAdded();
            break;
        }
        case YAML_ALIAS_EVENT:
            return std::nullopt;
        default:
            break;
        }
    }
}

Result<QJsonValue> parseDocumentByNodes(const QByteArray &text, const QString &file, int firstLine)
{
    return TreeBuilder(text, file, firstLine).run();
}

Status checkNesting(const QByteArray &text, const QString &file)
{
    EventReader reader(text, file);
    int depth = 0;
    for (;;) {
        SLUICE_TRY(reader.next());
        const Event &e = reader.event();
        switch (e.type) {
        case YAML_STREAM_END_EVENT:
            return {};
        case YAML_MAPPING_START_EVENT:
        case YAML_SEQUENCE_START_EVENT:
            if (++depth > kMaxDepth)
                return reader.errorAt(reader.mark(), QStringLiteral("nesting deeper than %1 levels").arg(kMaxDepth));
            break;
        case YAML_MAPPING_END_EVENT:
        case YAML_SEQUENCE_END_EVENT:
            --depth;
            break;
        default:
            break;
        }
    }
}

QByteArray toYaml(const CompactTree &tree, CompactTree::Node node)
{
    Writer writer(tree);
    writer.value(node, 0);
    return writer.take();
}

QByteArray toYaml(const QJsonValue &value)
{
    const CompactTree tree = CompactTree::fromJson(value);
    return toYaml(tree, tree.root());
}

} // namespace sluice::yaml
