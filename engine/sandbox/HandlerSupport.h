#pragma once

// Small helpers shared by ResourceHandlers.cpp and PatchHandlers.cpp. Internal to the sandbox.

#include "HttpMessage.h"
#include "ObjectStore.h"
#include "ResourceCatalog.h"

#include <QJsonObject>

namespace sluice::sandbox {

inline QJsonObject metadataOf(const QJsonObject &object)
{
    return object.value(QStringLiteral("metadata")).toObject();
}

inline ObjectKey keyFor(const ResourceType &type, const QString &namespace_, const QString &name)
{
    return ObjectKey{type.storeKey(), type.namespaced ? namespace_ : QString(), name};
}

inline bool isDryRun(const HttpRequest &request)
{
    return request.query.allQueryItemValues(QStringLiteral("dryRun")).contains(QStringLiteral("All"));
}

// Everything but metadata and status: what bumps metadata.generation.
inline QJsonObject desiredState(QJsonObject object)
{
    object.remove(QStringLiteral("metadata"));
    object.remove(QStringLiteral("status"));
    return object;
}

// The manager of an Update (§7.3): the fieldManager parameter, else the User-Agent up to its
// first "/" ("kubectl/v1.32.4 (…)" → "kubectl"), else "unknown".
inline QString updateManagerOf(const HttpRequest &request)
{
    const QString manager = request.queryValue(QStringLiteral("fieldManager"));
    if (!manager.isEmpty())
        return manager;
    const QString agent = QString::fromUtf8(request.header("user-agent")).section(QLatin1Char('/'), 0, 0).trimmed();
    return agent.isEmpty() ? QStringLiteral("unknown") : agent;
}

// The Content-Type without parameters, lowercased.
inline QByteArray mediaTypeOf(const HttpRequest &request)
{
    return request.header("content-type").split(';').first().trimmed().toLower();
}

} // namespace sluice::sandbox
