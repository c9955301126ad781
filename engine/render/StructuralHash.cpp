#include "StructuralHash.h"

#include <QHashFunctions>
#include <QJsonArray>
#include <QJsonObject>

namespace sluice::hashing {

quint64 hashString(QByteArrayView utf8)
{
    return mix(quint64(qHashBits(utf8.data(), size_t(utf8.size()), 0x5bd1e995)) ^ (quint64(String) << 56));
}

quint64 hashScalar(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Bool:
        return mix(value.toBool() ? True : False);
    case QJsonValue::Double: {
        const QByteArray text = QByteArray::number(value.toDouble(), 'g', QLocale::FloatingPointShortest);
        return mix(quint64(qHashBits(text.constData(), size_t(text.size()), 7)) ^ (quint64(Number) << 56));
    }
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

} // namespace sluice::hashing
