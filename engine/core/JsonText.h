#pragma once

// Compact JSON text of Qt's JSON values: the same bytes as QJsonDocument::toJson(Compact), written
// several times cheaper (values are looked at through references into their containers, strings
// written as UTF-8 straight into the output). The sandbox writes every stored object and every
// answer with it.

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>

namespace sluice::json {

void appendCompact(const QJsonObject &object, QByteArray &out);
void appendCompact(const QJsonArray &array, QByteArray &out);
void appendCompact(const QJsonValue &value, QByteArray &out); // a scalar too
// `text` as a JSON string literal, quotes included.
void appendString(const QString &text, QByteArray &out);
// The same for UTF-8 text (what appendString writes for QString::fromUtf8(utf8)): ASCII is
// escaped in place, without the trip to UTF-16 and back.
void appendUtf8String(QByteArrayView utf8, QByteArray &out);

inline QByteArray compact(const QJsonObject &object)
{
    QByteArray out;
    appendCompact(object, out);
    return out;
}

inline QByteArray compact(const QJsonArray &array)
{
    QByteArray out;
    appendCompact(array, out);
    return out;
}

inline QByteArray compact(const QJsonValue &value)
{
    QByteArray out;
    appendCompact(value, out);
    return out;
}

} // namespace sluice::json
