#include "SecretMask.h"

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

QJsonObject SecretMasker::mask(QJsonObject secret)
{
    for (const char *field : {"data", "stringData"}) {
        const QString name = QLatin1String(field);
        if (!secret.contains(name))
            continue;
        const QJsonValue value = secret.value(name);
        if (!value.isObject()) {
            secret.insert(name, maskFor(value.toVariant().toString().toUtf8()));
            continue;
        }
        QJsonObject entries = value.toObject();
        const bool base64 = name == QLatin1String("data");
        for (auto it = entries.begin(); it != entries.end(); ++it) {
            const QByteArray raw = it.value().toVariant().toString().toUtf8();
            it.value() = maskFor(base64 ? QByteArray::fromBase64(raw) : raw);
        }
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
