#include "SecretMask.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace sluice {

bool SecretMasker::appliesTo(const ResourceKey &key)
{
    return key.group.isEmpty() && key.kind == QLatin1String("Secret");
}

QString SecretMasker::maskFor(const QByteArray &value)
{
    auto it = m_ids.constFind(value);
    if (it == m_ids.constEnd())
        it = m_ids.insert(value, int(m_ids.size()) + 1);
    return QStringLiteral("<secret value #%1>").arg(*it);
}

QByteArray SecretMasker::identity(const QJsonValue &value, bool base64)
{
    // Strings by their bytes (`data` decoded, so a value in `data` and the same value in
    // `stringData` share a mask); anything else (a list, a map, a number: not what the API
    // server accepts, but a manifest may hold it) by its type and compact JSON. The prefixes keep
    // the two kinds apart: "true" and true differ.
    if (value.isString()) {
        const QByteArray raw = value.toString().toUtf8();
        return 's' + (base64 ? QByteArray::fromBase64(raw) : raw);
    }
    return 'j' + QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
}

QJsonObject SecretMasker::mask(QJsonObject secret)
{
    for (const char *field : {"data", "stringData"}) {
        const QString name = QLatin1String(field);
        if (!secret.contains(name))
            continue;
        const QJsonValue value = secret.value(name);
        const bool base64 = name == QLatin1String("data");
        if (!value.isObject()) {
            // Not a map of keys (malformed): the whole value is one secret.
            secret.insert(name, maskFor(identity(value, base64)));
            continue;
        }
        QJsonObject entries = value.toObject();
        for (auto it = entries.begin(); it != entries.end(); ++it)
            it.value() = maskFor(identity(it.value(), base64));
        secret.insert(name, entries);
    }
    // The last-applied annotation holds the whole object, values included.
    QJsonObject metadata = secret.value(QLatin1String("metadata")).toObject();
    if (metadata.contains(QLatin1String("annotations"))) {
        QJsonObject annotations = metadata.value(QLatin1String("annotations")).toObject();
        annotations.remove(QLatin1String("kubectl.kubernetes.io/last-applied-configuration"));
        if (annotations.isEmpty())
            metadata.remove(QLatin1String("annotations"));
        else
            metadata.insert(QLatin1String("annotations"), annotations);
        secret.insert(QLatin1String("metadata"), metadata);
    }
    return secret;
}

} // namespace sluice
