#include "CompactTree.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QVariant>

#include <algorithm>

namespace sluice::yaml {

namespace {

bool isAscii(QByteArrayView s)
{
    return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

} // namespace

bool CompactTree::keyLess(QByteArrayView a, QByteArrayView b)
{
    if (isAscii(a) && isAscii(b))
        return a.compare(b) < 0;
    return QString::fromUtf8(a) < QString::fromUtf8(b);
}

CompactTree::Node CompactTree::addNode(const NodeData &data)
{
    m_nodes.push_back(data);
    return Node(m_nodes.size() - 1);
}

quint32 CompactTree::addText(QByteArrayView utf8)
{
    const quint32 offset = quint32(m_text.size());
    m_text.append(utf8);
    return offset;
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
        std::sort(first, m_staged.end(), [&](const CompactTree::Entry &a, const CompactTree::Entry &b) {
            return CompactTree::keyLess(keyOf(a), keyOf(b));
        });
        if (std::adjacent_find(first, m_staged.end(), [&](const CompactTree::Entry &a, const CompactTree::Entry &b) {
                return keyOf(a) == keyOf(b);
            }) != m_staged.end())
            return false;
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
