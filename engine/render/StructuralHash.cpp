#include "StructuralHash.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QtEndian>

#include <cstring>

namespace sluice::hashing {

quint64 hashBytes(QByteArrayView bytes, quint64 seed)
{
    const char *p = bytes.data();
    qsizetype n = bytes.size();
    quint64 h = mix(seed ^ (quint64(n) * 0x9e3779b97f4a7c15ULL));
    while (n >= 8) {
        h = mix(h ^ qFromLittleEndian<quint64>(p));
        p += 8;
        n -= 8;
    }
    unsigned char tail[8] = {};
    std::memcpy(tail, p, size_t(n));
    return mix(h ^ qFromLittleEndian<quint64>(tail) ^ (quint64(n) << 59));
}

namespace {

// The two halves of the 128-bit product, folded (wyhash's "mum"): 16 bytes mixed by one
// multiplication.
inline quint64 fold(quint64 a, quint64 b)
{
    const unsigned __int128 product = static_cast<unsigned __int128>(a) * b;
    return quint64(product) ^ quint64(product >> 64);
}

inline quint64 word(const char *p)
{
    return qFromLittleEndian<quint64>(p);
}

// wyhash's constants: a multiplier is 0 only where 8 bytes of input equal one, which no ASCII text
// does (each has bytes above 0x7F).
constexpr quint64 kLane[4] = {0xa0761d6478bd642fULL, 0xe7037ed1a0b428dbULL, 0x8ebc6af09c88c6e3ULL,
                              0x589965cc75374cc3ULL};

} // namespace

quint64 checksum(QByteArrayView bytes, quint64 seed)
{
    const char *p = bytes.data();
    qsizetype n = bytes.size();
    quint64 lanes[4] = {mix(seed), mix(seed + 1), mix(seed + 2), mix(seed + 3)};
    while (n >= 64) { // four lanes of 16 bytes: no lane waits for another's multiplication
        for (int i = 0; i < 4; ++i)
            lanes[i] = fold(word(p + 16 * i) ^ lanes[i], word(p + 16 * i + 8) ^ kLane[i]);
        p += 64;
        n -= 64;
    }
    quint64 h = mix(seed ^ quint64(bytes.size()));
    for (int i = 0; i < 4; ++i)
        h = fold(h ^ lanes[i], kLane[i]);
    for (; n >= 16; p += 16, n -= 16)
        h = fold(word(p) ^ h, word(p + 8) ^ kLane[0]);
    char tail[16] = {};
    std::memcpy(tail, p, size_t(n));
    return mix(fold(word(tail) ^ h, word(tail + 8) ^ kLane[1]) ^ quint64(n));
}

quint64 hashString(QByteArrayView utf8)
{
    return mix(hashBytes(utf8, 0x5bd1e995) ^ (quint64(String) << 56));
}

quint64 hashNumberText(QByteArrayView text)
{
    return mix(hashBytes(text, 7) ^ (quint64(Number) << 56));
}

quint64 hashScalar(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Bool:
        return mix(value.toBool() ? True : False);
    case QJsonValue::Double:
        return hashNumberText(QByteArray::number(value.toDouble(), 'g', QLocale::FloatingPointShortest));
    case QJsonValue::String:
        return hashString(value.toString().toUtf8());
    default:
        return mix(Null);
    }
}

quint64 hashJson(const QJsonValue &value)
{
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        quint64 acc = 0;
        for (auto it = object.begin(); it != object.end(); ++it)
            acc += mapEntry(hashString(it.key().toUtf8()), hashJson(it.value()));
        return finish(Map, acc, quint64(object.size()));
    }
    if (value.isArray()) {
        const QJsonArray array = value.toArray();
        quint64 acc = 0;
        for (const QJsonValue &item : array)
            acc = seqStep(acc, hashJson(item));
        return finish(Seq, acc, quint64(array.size()));
    }
    return hashScalar(value);
}

quint64 hashTree(const yaml::CompactTree &tree, yaml::CompactTree::Node node)
{
    using Type = yaml::CompactTree::Type;
    quint64 acc = 0;
    switch (tree.type(node)) {
    case Type::Map:
        for (qsizetype i = 0; i < tree.size(node); ++i)
            acc += mapEntry(hashString(tree.key(node, i)), hashTree(tree, tree.value(node, i)));
        return finish(Map, acc, quint64(tree.size(node)));
    case Type::Sequence:
        for (qsizetype i = 0; i < tree.size(node); ++i)
            acc = seqStep(acc, hashTree(tree, tree.item(node, i)));
        return finish(Seq, acc, quint64(tree.size(node)));
    case Type::Bool:
        return mix(tree.boolean(node) ? True : False);
    case Type::Integer:
    case Type::Double:
        return hashNumberText(QByteArray::number(tree.number(node), 'g', QLocale::FloatingPointShortest));
    case Type::String:
        return hashString(tree.string(node));
    case Type::Null:
        break;
    }
    return mix(Null);
}

} // namespace sluice::hashing
