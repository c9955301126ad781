#pragma once

// OpenAPI v3 (kube-api.md §6.5): the /openapi/v3 index and one document per group-version.
//
// What kubectl needs: every resource's PATCH operation carries x-kubernetes-group-version-kind
// and a `fieldValidation` query parameter, so `kubectl apply` / `create -f` send
// fieldValidation=Strict and skip client-side validation. The schemas are permissive
// (x-kubernetes-preserve-unknown-fields) and exist so `kubectl explain` finds the kinds.
//
// Caching as kube-openapi's handler3: the index links each document by the SHA-512 of its
// bytes (`?hash=`); a request with the current hash is served `Cache-Control: public,
// immutable`, a stale hash is redirected (301) to the current one, and If-None-Match with the
// ETag gets 304. Pure functions of the catalog; cost: the documents are built per request
// (a few KB each).

#include "HttpMessage.h"
#include "ResourceCatalog.h"

namespace sluice::sandbox {

// The document for `group`/`version` (core: empty group), or an empty QByteArray when the
// catalog has no such group-version.
QByteArray openApiDocument(const ResourceCatalog &catalog, const QString &group, const QString &version);

// GET /openapi/v3
HttpResponse openApiIndexResponse(const ResourceCatalog &catalog);
// GET /openapi/v3/api/v1 or /openapi/v3/apis/G/V; `segments` is the path after "openapi/v3".
HttpResponse openApiDocumentResponse(const ResourceCatalog &catalog, const QStringList &segments, const HttpRequest &request);

} // namespace sluice::sandbox
