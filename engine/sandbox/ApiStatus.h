#pragma once

// Kubernetes `Status` responses (kube-api.md §5): the error catalogue and the DELETE success
// body. Pure functions; messages follow k8s.io/apimachinery/pkg/api/errors.

#include "HttpMessage.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QString>

namespace sluice::sandbox {

struct ResourceType;

// A JSON response with `status` and `body`.
HttpResponse jsonResponse(int status, const QJsonObject &body,
                          const QByteArray &contentType = "application/json");
// The same with the body's JSON text already written (json::compact).
HttpResponse jsonTextResponse(int status, QByteArray body);

// A failure Status. `details` may be empty.
HttpResponse statusFailure(int code, const QString &reason, const QString &message,
                           const QJsonObject &details = {});

// `configmaps "x" not found` with details{name, group, kind=plural}.
HttpResponse notFound(const ResourceType &type, const QString &name);
// Unknown path: "the server could not find the requested resource".
HttpResponse pathNotFound();
HttpResponse alreadyExists(const ResourceType &type, const QString &name);
// Optimistic-concurrency conflict for PUT with a stale resourceVersion.
HttpResponse conflict(const ResourceType &type, const QString &name);
// 422: `Kind "name" is invalid: field: message`; `causes` are {reason, message, field}.
HttpResponse invalid(const ResourceType &type, const QString &name, const QJsonArray &causes);
// 422 for a patch whose result does not decode, worded as the API server does (no kind, no
// name; kubectl prints "The request is invalid: patch: …"): ` "" is invalid: patch: Invalid
// value: "<patched object>": <why>`. The quoted object is cut after 1 KiB.
HttpResponse invalidPatch(const QByteArray &patched, const QString &why);
// 400 for a create or replace body that does not decode:
// `Kind in version "v" cannot be handled as a Kind: <why>`.
HttpResponse cannotBeHandled(const ResourceType &type, const QString &why);
HttpResponse badRequest(const QString &message);
HttpResponse methodNotAllowed(const QByteArray &method, const QString &resource);
HttpResponse unauthorized();
HttpResponse unsupportedMediaType(const QByteArray &contentType);
HttpResponse internalError(const QString &message);

// 200 Success Status for a DELETE that removed the object at once.
HttpResponse deleteSuccess(const ResourceType &type, const QString &name, const QString &uid);

// `deployments.apps` / `configmaps`.
QString qualifiedResource(const ResourceType &type);

} // namespace sluice::sandbox
