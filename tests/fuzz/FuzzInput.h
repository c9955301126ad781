#pragma once

// Shared by the libFuzzer harnesses (tests/fuzz): the input as Qt types, and a split of one input
// into two parts (a target and a patch) at the first newline.

#include <QByteArray>
#include <QJsonDocument>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>

namespace sluice::fuzz {

inline QByteArray bytesOf(const uint8_t *data, size_t size)
{
    return QByteArray(reinterpret_cast<const char *>(data), qsizetype(size));
}

// The two JSON documents of "TARGET\nPATCH", when both parse.
inline std::optional<std::pair<QJsonDocument, QJsonDocument>> twoJsonDocuments(const uint8_t *data, size_t size)
{
    const QByteArray input = bytesOf(data, size);
    const qsizetype split = input.indexOf('\n');
    if (split < 0)
        return std::nullopt;
    QJsonParseError first;
    QJsonParseError second;
    const QJsonDocument target = QJsonDocument::fromJson(input.left(split), &first);
    const QJsonDocument patch = QJsonDocument::fromJson(input.mid(split + 1), &second);
    if (first.error != QJsonParseError::NoError || second.error != QJsonParseError::NoError)
        return std::nullopt;
    return std::pair{target, patch};
}

} // namespace sluice::fuzz
