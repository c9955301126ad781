#pragma once

// Server-side Table output (kube-api.md §6.6): the meta.k8s.io/v1 Table kubectl asks for in
// human-readable `get`, with the columns a real 1.32 server prints for the common kinds and a
// server-rendered Age. Pure functions apart from reading the clock where `now` is defaulted.

#include "HttpMessage.h"
#include "ResourceCatalog.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>

namespace sluice::sandbox {

inline constexpr char kTableContentType[] = "application/json;as=Table;v=v1;g=meta.k8s.io";

// What rows[].object carries (the `includeObject` query parameter; default Metadata).
enum class IncludeObject { None, Metadata, Object };

// True when one of the media ranges in `accept` is the meta.k8s.io/v1 Table.
bool acceptsTable(const QByteArray &accept);
IncludeObject includeObjectOf(const HttpRequest &request);

// kubectl-style short duration ("45s", "5m", "3h", "2d", "2y30d").
QString humanDuration(qint64 seconds);

// A Table of `objects` (full objects of `type`) at list resourceVersion `resourceVersion`.
QJsonObject makeTable(const ResourceType &type, const QList<QJsonObject> &objects, const QString &resourceVersion,
                      IncludeObject include, const QDateTime &now = QDateTime::currentDateTimeUtc());

// Turns a 200 JSON list or single-object response of `type` into a Table response (same
// resourceVersion and continue token); any other response is returned unchanged.
HttpResponse toTableResponse(const ResourceType &type, const HttpResponse &json, IncludeObject include);

} // namespace sluice::sandbox
