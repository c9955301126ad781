#include "CompactTree.h"

#include "YamlScalar.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QLocale>
#include <QString>
#include <QVariant>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <functional>
#include <string>

namespace sluice::yaml {

bool CompactTree::keyLess(QByteArrayView a, QByteArrayView b)
{
    // Equal UTF-8 bytes are equal characters, and the first ASCII byte that differs orders both
    // as it orders UTF-16 (QString's order): only a difference outside ASCII needs QString.
    const qsizetype common = std::min(a.size(), b.size());
    const auto differ = std::mismatch(a.begin(), a.begin() + common, b.begin());
    if (differ.first == a.begin() + common)
        return a.size() < b.size();
    const auto x = static_cast<unsigned char>(*differ.first), y = static_cast<unsigned char>(*differ.second);
    if (x < 0x80 && y < 0x80)
        return x < y;
    return QString::fromUtf8(a) < QString::fromUtf8(b);
}

CompactTree::Node CompactTree::addNode(const NodeData &data)
{
    m_nodes.push_back(data);
    return Node(m_nodes.size() - 1);
}

quint32 CompactTree::addText(QByteArrayView utf8)
{
    const size_t at = m_text.size();
    const std::less<const char *> before;
    const bool own = !before(utf8.data(), m_text.data()) && before(utf8.data(), m_text.data() + at); // a key of this tree's
    const size_t from = own ? size_t(utf8.data() - m_text.data()) : 0;
    m_text.resize(at + size_t(utf8.size())); // may move the text `utf8` is part of
    if (!utf8.isEmpty())
        std::memcpy(m_text.data() + at, own ? m_text.data() + from : utf8.data(), size_t(utf8.size()));
    return quint32(at);
}

CompactTree::Node CompactTree::addString(QByteArrayView utf8)
{
    NodeData d;
    d.type = Type::String;
    d.first = addText(utf8);
    d.count = quint32(utf8.size());
    return addNode(d);
}

CompactTree::Node CompactTree::addEmptyMap()
{
    NodeData d;
    d.type = Type::Map;
    d.first = quint32(m_entries.size());
    return addNode(d);
}

double CompactTree::number(Node node) const
{
    const NodeData &d = m_nodes[node];
    return d.type == Type::Integer ? double(d.integer) : d.real;
}

qsizetype CompactTree::size(Node node) const
{
    const NodeData &d = m_nodes[node];
    return d.type == Type::Map || d.type == Type::Sequence ? qsizetype(d.count) : 0;
}

qsizetype CompactTree::indexOf(Node map, QByteArrayView key) const
{
    if (!isMap(map))
        return -1;
    for (qsizetype i = 0; i < size(map); ++i) {
        if (this->key(map, i) == key)
            return i;
    }
    return -1;
}

void CompactTree::removeEntry(Node map, qsizetype i)
{
    NodeData &d = m_nodes[map];
    const auto first = m_entries.begin() + d.first;
    std::move(first + i + 1, first + d.count, first + i);
    --d.count;
}

void CompactTree::removeItem(Node sequence, qsizetype i)
{
    NodeData &d = m_nodes[sequence];
    const auto first = m_items.begin() + d.first;
    std::move(first + i + 1, first + d.count, first + i);
    --d.count;
}

void CompactTree::insert(Node map, QByteArrayView key, Node value)
{
    if (const qsizetype i = indexOf(map, key); i >= 0) {
        setValue(map, i, value);
        return;
    }
    // The map's entries move to the end of the entry list, with the new one in its place.
    const Entry added{addText(key), quint32(key.size()), value}; // `key` may be this tree's text
    NodeData &d = m_nodes[map];
    const quint32 first = quint32(m_entries.size());
    bool placed = false;
    for (quint32 i = 0; i < d.count; ++i) {
        const Entry old = m_entries[d.first + i];
        if (!placed && keyLess(text(added.keyOffset, added.keyLength), text(old.keyOffset, old.keyLength))) {
            m_entries.push_back(added);
            placed = true;
        }
        m_entries.push_back(old);
    }
    if (!placed)
        m_entries.push_back(added);
    d.first = first;
    ++d.count;
}

CompactTree::Node CompactTree::mapAt(Node map, QByteArrayView key)
{
    if (const qsizetype i = indexOf(map, key); i >= 0 && isMap(value(map, i)))
        return value(map, i);
    const Node empty = addEmptyMap();
    insert(map, key, empty);
    return empty;
}

bool CompactTree::equal(Node node, const CompactTree &other, Node otherNode) const
{
    const NodeData &a = m_nodes[node];
    const NodeData &b = other.m_nodes[otherNode];
    if (a.type != b.type) {
        const auto numeric = [](Type t) { return t == Type::Integer || t == Type::Double; };
        return numeric(a.type) && numeric(b.type) && number(node) == other.number(otherNode);
    }
    switch (a.type) {
    case Type::Null: return true;
    case Type::Bool: return a.first == b.first;
    case Type::Integer: return a.integer == b.integer;
    case Type::Double: return a.real == b.real;
    case Type::String: return string(node) == other.string(otherNode);
    case Type::Map:
        if (a.count != b.count)
            return false;
        for (quint32 i = 0; i < a.count; ++i) {
            if (key(node, i) != other.key(otherNode, i) || !equal(value(node, i), other, other.value(otherNode, i)))
                return false;
        }
        return true;
    case Type::Sequence:
        if (a.count != b.count)
            return false;
        for (quint32 i = 0; i < a.count; ++i) {
            if (!equal(item(node, i), other, other.item(otherNode, i)))
                return false;
        }
        return true;
    }
    return false;
}

CompactTree CompactTree::fromJson(const QJsonValue &value)
{
    CompactTree tree;
    tree.m_root = tree.copyJson(value);
    return tree;
}

CompactTree::Node CompactTree::copyJson(const QJsonValue &value)
{
    NodeData d;
    switch (value.type()) {
    case QJsonValue::Bool:
        d.type = Type::Bool;
        d.first = value.toBool();
        return addNode(d);
    case QJsonValue::Double:
        if (value.toVariant().typeId() == QMetaType::LongLong) {
            d.type = Type::Integer;
            d.integer = value.toInteger();
        } else {
            d.type = Type::Double;
            d.real = value.toDouble();
        }
        return addNode(d);
    case QJsonValue::String:
        return addString(value.toString().toUtf8());
    case QJsonValue::Object: {
        const QJsonObject object = value.toObject();
        std::vector<Entry> entries; // children add entries of their own: this map's go in after them
        entries.reserve(size_t(object.size()));
        for (auto it = object.begin(); it != object.end(); ++it) {
            const QByteArray key = it.key().toUtf8();
            entries.push_back({addText(key), quint32(key.size()), copyJson(it.value())});
        }
        d.type = Type::Map;
        d.first = quint32(m_entries.size());
        d.count = quint32(entries.size());
        m_entries.insert(m_entries.end(), entries.begin(), entries.end());
        return addNode(d);
    }
    case QJsonValue::Array: {
        const QJsonArray array = value.toArray();
        std::vector<Node> items;
        items.reserve(size_t(array.size()));
        for (const QJsonValue &item : array)
            items.push_back(copyJson(item));
        d.type = Type::Sequence;
        d.first = quint32(m_items.size());
        d.count = quint32(items.size());
        m_items.insert(m_items.end(), items.begin(), items.end());
        return addNode(d);
    }
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        break;
    }
    return addNode(d);
}

QJsonValue CompactTree::toJson(Node node) const
{
    switch (type(node)) {
    case Type::Null: return QJsonValue(QJsonValue::Null);
    case Type::Bool: return boolean(node);
    case Type::Integer: return integer(node);
    case Type::Double: return m_nodes[node].real;
    case Type::String: return QString::fromUtf8(string(node));
    case Type::Map: {
        QJsonObject object;
        for (qsizetype i = 0; i < size(node); ++i)
            object.insert(QString::fromUtf8(key(node, i)), toJson(value(node, i)));
        return object;
    }
    case Type::Sequence: {
        QJsonArray array;
        for (qsizetype i = 0; i < size(node); ++i)
            array.append(toJson(item(node, i)));
        return array;
    }
    }
    return {};
}

void CompactTreeBuilder::reserve(qsizetype textBytes)
{
    // A manifest's node for every ~12 bytes, its keys and strings about half of it (measured on the
    // corpus, as an upper bound for most objects).
    m_tree.m_text.reserve(textBytes / 2 + 16);
    m_tree.m_nodes.reserve(size_t(textBytes / 12 + 4));
    m_tree.m_entries.reserve(size_t(textBytes / 16 + 4));
}

void CompactTreeBuilder::addScalar(CompactTree::Type type, qint64 integer, double real)
{
    CompactTree::NodeData d;
    d.type = type;
    if (type == CompactTree::Type::Bool)
        d.first = integer != 0;
    else if (type == CompactTree::Type::Integer)
        d.integer = integer;
    else if (type == CompactTree::Type::Double)
        d.real = real;
    added(m_tree.addNode(d));
}

void CompactTreeBuilder::addString(QByteArrayView utf8)
{
    added(m_tree.addString(utf8));
}

void CompactTreeBuilder::setKey(QByteArrayView utf8)
{
    Open &open = m_open.back();
    open.pending.keyOffset = m_tree.addText(utf8);
    open.pending.keyLength = quint32(utf8.size());
    open.haveKey = true;
}

void CompactTreeBuilder::added(CompactTree::Node node)
{
    if (m_open.empty()) {
        m_tree.m_root = node;
        return;
    }
    Open &open = m_open.back();
    CompactTree::Entry entry = open.pending;
    entry.value = node;
    open.haveKey = false;
    m_staged.push_back(entry);
}

bool CompactTreeBuilder::end()
{
    const Open open = m_open.back();
    m_open.pop_back();
    const auto first = m_staged.begin() + qsizetype(open.firstStaged);
    CompactTree::NodeData d;
    d.count = quint32(m_staged.end() - first);
    if (open.isMap) {
        const CompactTree &tree = m_tree;
        const auto keyOf = [&tree](const CompactTree::Entry &e) { return tree.text(e.keyOffset, e.keyLength); };
        const auto less = [&](const CompactTree::Entry &a, const CompactTree::Entry &b) {
            return CompactTree::keyLess(keyOf(a), keyOf(b));
        };
        // Renderers print keys in order: keys each less than the next are sorted and unique.
        const auto notAfter = [&](const CompactTree::Entry &a, const CompactTree::Entry &b) { return !less(a, b); };
        if (std::adjacent_find(first, m_staged.end(), notAfter) != m_staged.end()) {
            std::sort(first, m_staged.end(), less);
            if (std::adjacent_find(first, m_staged.end(), [&](const CompactTree::Entry &a, const CompactTree::Entry &b) {
                    return keyOf(a) == keyOf(b);
                }) != m_staged.end())
                return false;
        }
        d.type = CompactTree::Type::Map;
        d.first = quint32(m_tree.m_entries.size());
        m_tree.m_entries.insert(m_tree.m_entries.end(), first, m_staged.end());
    } else {
        d.type = CompactTree::Type::Sequence;
        d.first = quint32(m_tree.m_items.size());
        for (auto it = first; it != m_staged.end(); ++it)
            m_tree.m_items.push_back(it->value);
    }
    m_staged.erase(first, m_staged.end());
    added(m_tree.addNode(d));
    return true;
}

CompactTree CompactTreeBuilder::take()
{
    if (m_tree.m_nodes.empty()) // no document: null, as parseDocument has it
        addScalar(CompactTree::Type::Null);
    return std::move(m_tree);
}

} // namespace sluice::yaml

namespace sluice::yaml {
namespace {

// Reads JSON as Sluice and the API server write it (ASCII text, integers) into a builder; false
// for anything else, which QJsonDocument reads instead (non-ASCII bytes, numbers with a fraction
// or an exponent, duplicate keys, errors, deep nesting).
class JsonReader
{
public:
    explicit JsonReader(QByteArrayView json) : m_p(json.data()), m_end(json.data() + json.size()) {}

    bool read(CompactTreeBuilder &out)
    {
        skipSpaces();
        if (m_p == m_end || (*m_p != '{' && *m_p != '[')) // as QJsonDocument: an object or an array
            return false;
        if (!value(out, 0))
            return false;
        skipSpaces();
        return m_p == m_end;
    }

private:
    static constexpr int kMaxDepth = 200;

    void skipSpaces()
    {
        while (m_p < m_end && (*m_p == ' ' || *m_p == '\n' || *m_p == '\r' || *m_p == '\t'))
            ++m_p;
    }

    bool word(QByteArrayView w)
    {
        if (m_end - m_p < w.size() || QByteArrayView(m_p, w.size()) != w)
            return false;
        m_p += w.size();
        return true;
    }

    bool value(CompactTreeBuilder &out, int depth)
    {
        skipSpaces();
        if (m_p == m_end || depth > kMaxDepth)
            return false;
        switch (*m_p) {
        case '{': return collection(out, depth, '}');
        case '[': return collection(out, depth, ']');
        case '"':
            if (!string())
                return false;
            out.addString(QByteArrayView(m_string.data(), qsizetype(m_string.size())));
            return true;
        case 't': out.addScalar(CompactTree::Type::Bool, 1); return word("true");
        case 'f': out.addScalar(CompactTree::Type::Bool, 0); return word("false");
        case 'n': out.addScalar(CompactTree::Type::Null); return word("null");
        default: return integer(out);
        }
    }

    // An object ('}') or an array (']'), at its opening bracket.
    bool collection(CompactTreeBuilder &out, int depth, char close)
    {
        const bool isObject = close == '}';
        ++m_p;
        isObject ? out.beginMap() : out.beginSequence();
        skipSpaces();
        if (m_p < m_end && *m_p == close) {
            ++m_p;
            return out.end();
        }
        for (;;) {
            if (isObject) {
                skipSpaces();
                if (m_p == m_end || *m_p != '"' || !string())
                    return false;
                out.setKey(QByteArrayView(m_string.data(), qsizetype(m_string.size())));
                skipSpaces();
                if (m_p == m_end || *m_p++ != ':')
                    return false;
            }
            if (!value(out, depth + 1))
                return false;
            skipSpaces();
            if (m_p == m_end)
                return false;
            const char c = *m_p++;
            if (c == close)
                return out.end(); // false for a key given twice
            if (c != ',')
                return false;
        }
    }

    bool hex4(char32_t &cp)
    {
        if (m_end - m_p < 4)
            return false;
        cp = 0;
        for (int i = 0; i < 4; ++i) {
            const int v = hexValue(m_p[i]);
            if (v < 0)
                return false;
            cp = (cp << 4) | char32_t(v);
        }
        m_p += 4;
        return true;
    }

    // The string at '"', decoded into m_string.
    bool string()
    {
        m_string.clear();
        const char *segment = ++m_p;
        for (;;) {
            if (m_p == m_end)
                return false;
            const auto c = static_cast<unsigned char>(*m_p);
            if (c == '"') {
                m_string.append(segment, size_t(m_p++ - segment));
                return true;
            }
            if (c < 0x20 || c >= 0x80)
                return false;
            if (c != '\\') {
                ++m_p;
                continue;
            }
            m_string.append(segment, size_t(m_p - segment));
            if (m_end - m_p < 2)
                return false;
            const char e = m_p[1];
            m_p += 2;
            switch (e) {
            case '"': case '\\': case '/': m_string += e; break;
            case 'b': m_string += '\b'; break;
            case 'f': m_string += '\f'; break;
            case 'n': m_string += '\n'; break;
            case 'r': m_string += '\r'; break;
            case 't': m_string += '\t'; break;
            case 'u': {
                char32_t cp = 0, low = 0;
                if (!hex4(cp) || (cp >= 0xDC00 && cp <= 0xDFFF))
                    return false;
                if (cp >= 0xD800 && cp <= 0xDBFF) { // a surrogate pair
                    if (!word("\\u") || !hex4(low) || low < 0xDC00 || low > 0xDFFF)
                        return false;
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                }
                QByteArray utf8;
                appendUtf8(utf8, cp);
                m_string.append(utf8.constData(), size_t(utf8.size()));
                break;
            }
            default: return false;
            }
            segment = m_p;
        }
    }

    bool integer(CompactTreeBuilder &out)
    {
        const char *start = m_p;
        if (m_p < m_end && *m_p == '-')
            ++m_p;
        const char *digits = m_p;
        while (m_p < m_end && *m_p >= '0' && *m_p <= '9')
            ++m_p;
        if (m_p == digits || (*digits == '0' && m_p - digits > 1))
            return false;
        if (m_p < m_end && (*m_p == '.' || *m_p == 'e' || *m_p == 'E'))
            return false; // a double, as QJsonDocument reads it
        qint64 n = 0;
        const auto [end, error] = std::from_chars(start, m_p, n);
        if (error != std::errc() || end != m_p)
            return false; // past 64 bits: a double too
        out.addScalar(CompactTree::Type::Integer, n);
        return true;
    }

    const char *m_p;
    const char *m_end;
    std::string m_string; // appends in place: a dashboard's JSON in a string escapes each quote
};

} // namespace

namespace {

// Into a std::string, which appends in place: a dashboard's JSON in a string has a quote to
// escape every few bytes (a QByteArray append is a call and its checks).
void writeJsonString(QByteArrayView utf8, std::string &out)
{
    const auto append = [&out](QByteArrayView bytes) { out.append(bytes.data(), size_t(bytes.size())); };
    out += '"';
    qsizetype plain = 0; // start of the bytes not yet written, none of them escaped
    for (qsizetype i = 0; i < utf8.size(); ++i) {
        const char c = utf8[i];
        if (c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20)
            continue;
        append(utf8.sliced(plain, i - plain));
        plain = i + 1;
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\r': out += "\\r"; break;
        default: {
            static const char hex[] = "0123456789abcdef";
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 0xF];
        }
        }
    }
    append(utf8.sliced(plain));
    out += '"';
}

void writeJson(const CompactTree &tree, CompactTree::Node node, std::string &out)
{
    using Type = CompactTree::Type;
    switch (tree.type(node)) {
    case Type::Null: out += "null"; return;
    case Type::Bool: out += tree.boolean(node) ? "true" : "false"; return;
    case Type::Integer: out += QByteArray::number(tree.integer(node)).toStdString(); return;
    case Type::Double: out += QByteArray::number(tree.number(node), 'g', QLocale::FloatingPointShortest).toStdString(); return;
    case Type::String: writeJsonString(tree.string(node), out); return;
    case Type::Map:
        out += '{';
        for (qsizetype i = 0; i < tree.size(node); ++i) {
            if (i)
                out += ',';
            writeJsonString(tree.key(node, i), out);
            out += ':';
            writeJson(tree, tree.value(node, i), out);
        }
        out += '}';
        return;
    case Type::Sequence:
        out += '[';
        for (qsizetype i = 0; i < tree.size(node); ++i) {
            if (i)
                out += ',';
            writeJson(tree, tree.item(node, i), out);
        }
        out += ']';
        return;
    }
}

} // namespace

QByteArray toJsonText(const CompactTree &tree, CompactTree::Node node)
{
    std::string out;
    writeJson(tree, node, out);
    return QByteArray(out.data(), qsizetype(out.size()));
}

std::optional<CompactTree> parseCompactJson(QByteArrayView json)
{
    CompactTreeBuilder builder;
    builder.reserve(json.size());
    if (!JsonReader(json).read(builder))
        return std::nullopt;
    return builder.take();
}

} // namespace sluice::yaml
