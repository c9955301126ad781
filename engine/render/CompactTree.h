#pragma once

// A parsed document held compactly: nodes in one vector, map entries and list items in two
// others, keys and strings as UTF-8 in one buffer. No allocation per node, and no conversion of
// keys and strings to UTF-16 (QJsonObject's trees cost both, in building, comparing, writing and
// freeing them). What a review compares, field-diffs and writes as YAML.
//
// Its values are JSON's, with QJsonValue's meaning: an integer and a double are equal when their
// values are; a map's keys are in QJsonObject's order (sorted) and unique.

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonValue>

#include <optional>
#include <vector>

namespace sluice::yaml {

class CompactTree
{
public:
    enum class Type : quint8 { Null, Bool, Integer, Double, String, Map, Sequence };
    using Node = quint32;

    // A tree of `value` (a map's keys in its order).
    static CompactTree fromJson(const QJsonValue &value);
    QJsonValue toJson(Node node) const;

    Node root() const { return m_root; }
    Type type(Node node) const { return m_nodes[node].type; }
    bool isMap(Node node) const { return type(node) == Type::Map; }
    bool isSequence(Node node) const { return type(node) == Type::Sequence; }
    bool boolean(Node node) const { return m_nodes[node].first != 0; }
    qint64 integer(Node node) const { return m_nodes[node].integer; }
    double number(Node node) const; // an Integer's or a Double's value
    QByteArrayView string(Node node) const { return text(m_nodes[node].first, m_nodes[node].count); }
    // Entries of a map, items of a sequence; 0 for a scalar.
    qsizetype size(Node node) const;
    QByteArrayView key(Node map, qsizetype i) const { return text(entry(map, i).keyOffset, entry(map, i).keyLength); }
    Node value(Node map, qsizetype i) const { return entry(map, i).value; }
    Node item(Node sequence, qsizetype i) const { return m_items[m_nodes[sequence].first + i]; }
    // The entry of `key` in `map`, or -1 (also when `map` is not a map).
    qsizetype indexOf(Node map, QByteArrayView key) const;

    // Deep equality, as QJsonValue's operator== has it.
    bool equal(Node node, const CompactTree &other, Node otherNode) const;

    // Changes, for normalizing and masking. Nodes stay valid; a changed map or list is changed
    // wherever it is used (a tree shares no nodes).
    Node addString(QByteArrayView utf8);
    Node addEmptyMap();
    void setValue(Node map, qsizetype i, Node value) { entry(map, i).value = value; }
    void removeEntry(Node map, qsizetype i);
    void removeItem(Node sequence, qsizetype i);
    // Adds `key` at its place in key order, or replaces its value.
    void insert(Node map, QByteArrayView key, Node value);
    // The map under `key` in `map`; an empty one is put there first when it is absent or not a
    // map (as QJsonObject::value(key).toObject() reads it, written back).
    Node mapAt(Node map, QByteArrayView key);

    // A map's keys are in QJsonObject's order: UTF-16 code units (bytes, for ASCII keys). Keys
    // are valid UTF-8 (ASCII, or written from a QString).
    static bool keyLess(QByteArrayView a, QByteArrayView b);

private:
    friend class CompactTreeBuilder;

    struct NodeData
    {
        Type type = Type::Null;
        quint32 first = 0; // String: text offset; Map: first entry; Sequence: first item; Bool: value
        quint32 count = 0; // String: bytes; Map: entries; Sequence: items
        union {
            qint64 integer = 0;
            double real;
        };
    };
    struct Entry
    {
        quint32 keyOffset = 0;
        quint32 keyLength = 0;
        Node value = 0;
    };

    QByteArrayView text(quint32 offset, quint32 length) const { return QByteArrayView(m_text.data() + offset, length); }
    const Entry &entry(Node map, qsizetype i) const { return m_entries[m_nodes[map].first + i]; }
    Entry &entry(Node map, qsizetype i) { return m_entries[m_nodes[map].first + i]; }
    Node addNode(const NodeData &data);
    quint32 addText(QByteArrayView utf8);
    Node copyJson(const QJsonValue &value);

    std::vector<NodeData> m_nodes;
    std::vector<Entry> m_entries;
    std::vector<Node> m_items;
    std::vector<char> m_text;
    Node m_root = 0;
};

// Builds a CompactTree bottom-up: a collection's children are added before it ends.
class CompactTreeBuilder
{
public:
    void reserve(qsizetype textBytes);
    void addScalar(CompactTree::Type type, qint64 integer = 0, double real = 0);
    void addString(QByteArrayView utf8);
    void beginMap() { m_open.push_back({true, m_staged.size(), false, {}}); }
    void beginSequence() { m_open.push_back({false, m_staged.size(), false, {}}); }
    // The next value's key in the innermost open map.
    void setKey(QByteArrayView utf8);
    // False when a map has a key twice.
    bool end();
    CompactTree take();

private:
    struct Open
    {
        bool isMap = false;
        size_t firstStaged = 0;
        bool haveKey = false;
        CompactTree::Entry pending; // the key of the next value, in a map
    };
    void added(CompactTree::Node node);

    CompactTree m_tree;
    std::vector<Open> m_open;
    std::vector<CompactTree::Entry> m_staged; // children of open collections (an item's key unused)
};

// `node` as compact JSON text, which QJsonDocument reads back as the same value.
QByteArray toJsonText(const CompactTree &tree, CompactTree::Node node);

// The tree of a JSON text, as QJsonDocument::fromJson and fromJson() together build it, read
// directly; nullopt where it leaves the text to them: non-ASCII bytes, numbers with a fraction or
// an exponent or past 64 bits, a key given twice, nesting past 200, and every error.
std::optional<CompactTree> parseCompactJson(QByteArrayView json);

} // namespace sluice::yaml
