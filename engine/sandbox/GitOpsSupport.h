#pragma once

// Small JSON helpers shared by the simulated Flux and Argo CD controllers. Pure.

#include "ManagedFields.h"
#include "ObjectStore.h"

#include "core/Result.h"

#include <QJsonArray>
#include <QJsonObject>

namespace sluice::sandbox::gitops {

inline QJsonObject objectAt(const QJsonObject &object, const char *field)
{
    return object.value(QLatin1String(field)).toObject();
}

inline QString annotation(const QJsonObject &object, const QString &name)
{
    return objectAt(objectAt(object, "metadata"), "annotations").value(name).toString();
}

inline qint64 generationOf(const QJsonObject &object)
{
    return objectAt(object, "metadata").value(QLatin1String("generation")).toInteger(0);
}

inline ObjectKey keyOf(const QString &resource, const QJsonObject &object)
{
    const QJsonObject metadata = objectAt(object, "metadata");
    return {resource, metadata.value(QLatin1String("namespace")).toString(), metadata.value(QLatin1String("name")).toString()};
}

// `conditions` without the condition `type`.
inline QJsonArray withoutCondition(const QJsonArray &conditions, const QString &type)
{
    QJsonArray out;
    for (const QJsonValue &c : conditions) {
        if (c.toObject().value(QLatin1String("type")).toString() != type)
            out.append(c);
    }
    return out;
}

// `conditions` each stamped with the generation they were written for, as Flux's
// metav1.Conditions carry it.
inline QJsonArray withObservedGeneration(const QJsonArray &conditions, qint64 generation)
{
    QJsonArray out;
    for (const QJsonValue &c : conditions) {
        QJsonObject condition = c.toObject();
        condition.insert(QStringLiteral("observedGeneration"), generation);
        out.append(condition);
    }
    return out;
}

// An error as one status message: its message and the tool's output, bounded (render errors
// quote files of the repository).
inline QString statusMessage(const Error &error)
{
    QString text = error.message;
    if (!error.detail.trimmed().isEmpty())
        text += QStringLiteral(": ") + error.detail.simplified();
    constexpr qsizetype kMax = 2000;
    return text.size() > kMax ? text.left(kMax) + QStringLiteral("…") : text;
}

} // namespace sluice::sandbox::gitops
