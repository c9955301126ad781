#pragma once

// How a YAML scalar becomes a JSON value: the YAML 1.2 core schema, as Kubernetes reads it.

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonValue>

#include <array>
#include <string_view>

namespace sluice::yaml {

enum class ScalarStyle { Plain, Quoted, Block };

// Resolves a scalar. Plain scalars become null, bool, integer or float when they match the core
// schema's patterns; everything else (and every quoted or block scalar, and the `!!str` tag) is
// a string. `tag` is the explicit tag or empty. Pure; cheap.
QJsonValue resolveScalar(QByteArrayView value, ScalarStyle style, QByteArrayView tag = {});

// Whether a plain scalar `value` is a string (resolveScalar(value, Plain).isString()), without
// building the value.
bool isPlainString(QByteArrayView value);

// Appends code point `cp` as UTF-8 (for escapes in quoted YAML and JSON strings).
void appendUtf8(QByteArray &out, char32_t cp);
// The value of a hex digit, or -1.
int hexValue(char c);

// A table of the bytes in `bytes`: a byte tested against a set in one step.
constexpr std::array<bool, 256> byteSet(std::string_view bytes)
{
    std::array<bool, 256> table{};
    for (const char c : bytes)
        table[static_cast<unsigned char>(c)] = true;
    return table;
}

} // namespace sluice::yaml
