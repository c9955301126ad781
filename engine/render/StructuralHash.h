#pragma once

// A 64-bit hash of a YAML/JSON value's structure and content: mapping key order, comments,
// formatting and quoting style do not change it. Computed incrementally from parser events
// (YamlScan) or from a tree (hashJson); both give the same result for the same value.
//
// The same in every process and on every machine (no seeded Qt hash: Qt randomises its seed
// per process): the render cache stores these hashes and later runs compare with them.

#include "CompactTree.h"

#include <QByteArrayView>
#include <QJsonValue>

namespace sluice::hashing {

inline quint64 mix(quint64 x)
{
    // splitmix64 finalizer
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

enum Tag : quint64 { Null = 1, False, True, Number, String, Map, Seq };

// Bytes, 8 at a time read little-endian, through the splitmix64 finalizer; `seed` separates uses.
quint64 hashBytes(QByteArrayView bytes, quint64 seed);
// Not the same function of the bytes as hashBytes: 16 bytes a multiplication, four lanes at once,
// for checksums of large buffers (cache entries, documents), where hashBytes' one chain of
// multiplications is the bound.
quint64 checksum(QByteArrayView bytes, quint64 seed);
quint64 hashString(QByteArrayView utf8);
quint64 hashScalar(const QJsonValue &value); // null, bool, number or string
// A number's hash from the text QByteArray::number(value, 'g', QLocale::FloatingPointShortest) writes.
quint64 hashNumberText(QByteArrayView text);

// Incremental combination. A mapping's entries are summed, so their order does not matter.
inline quint64 mapEntry(quint64 keyHash, quint64 valueHash) { return mix(keyHash * 31 + valueHash); }
inline quint64 seqStep(quint64 acc, quint64 itemHash) { return mix(acc * 0x9e3779b97f4a7c15ULL + itemHash); }
inline quint64 finish(Tag tag, quint64 acc, quint64 count) { return mix(acc ^ (tag << 56) ^ count); }

quint64 hashJson(const QJsonValue &value);
// hashJson(tree.toJson(node)), from the compact tree.
quint64 hashTree(const yaml::CompactTree &tree, yaml::CompactTree::Node node);

} // namespace sluice::hashing
