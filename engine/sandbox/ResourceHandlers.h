#pragma once

// CRUD on stored objects (kube-api.md §4, §6.6, §6.8–6.10, §6.13): LIST with selectors and
// pagination, GET, POST create, PUT replace, DELETE, dryRun=All, server-maintained metadata.
//
// PATCH in the four types of §6.11/§6.12 lives in PatchHandlers.cpp; every write records
// managedFields (§7.3, §7.4).
//
// Thread: the sandbox's server thread only. Every write goes through ObjectStore::commit; in
// the running sandbox it is staged, and the HttpServer holds the answer until the group flush
// has made it durable (ObjectStore.h). Bodies are JSON, or protobuf for Namespace (§10).

#include "HttpMessage.h"
#include "ObjectStore.h"
#include "ResourceCatalog.h"

#include <optional>

namespace sluice::sandbox {

// A parsed resource URL. `namespace_` is empty for cluster-scoped types and for an
// all-namespaces collection of a namespaced type.
struct ResourcePath
{
    const ResourceType *type = nullptr;
    QString namespace_;
    QString name; // empty: the collection
};

// The `resourceVersion` query parameter of a list or watch: empty, or the decimal number the
// store's versions are; anything else is a 400 answer, in the API server's wording.
std::optional<HttpResponse> resourceVersionParameterError(const HttpRequest &request);

class ResourceHandlers
{
public:
    ResourceHandlers(ObjectStore &store, const ResourceCatalog &catalog);

    // Creates default, kube-system, kube-public and kube-node-lease when missing.
    Status seedDefaultNamespaces();

    HttpResponse list(const ResourcePath &path, const HttpRequest &request) const;
    HttpResponse get(const ResourcePath &path) const;
    HttpResponse create(const ResourcePath &path, const HttpRequest &request);
    HttpResponse replace(const ResourcePath &path, const HttpRequest &request);
    HttpResponse remove(const ResourcePath &path, const HttpRequest &request);
    // Merge, JSON, strategic-merge patch and server-side apply, by Content-Type.
    HttpResponse patch(const ResourcePath &path, const HttpRequest &request);
    // PATCH .../status (merge or JSON patch): only the patched object's status is kept, written
    // as an Update of the status subresource by the request's fieldManager (default
    // kubectl-patch), as `kubectl patch --subresource=status` expects.
    HttpResponse patchStatus(const ResourcePath &path, const HttpRequest &request);

private:
    // Parses and checks a write body against the URL; returns the object or an error response.
    // Unknown fields are dropped per fieldValidation; Warn appends their warnings to `warnings`.
    std::variant<QJsonObject, HttpResponse> parseBody(const ResourcePath &path, const HttpRequest &request,
                                                      QStringList &warnings) const;
    HttpResponse createObject(const ResourcePath &path, const HttpRequest &request, QStringList &warnings);
    HttpResponse replaceObject(const ResourcePath &path, const HttpRequest &request, QStringList &warnings);
    HttpResponse patchObject(const ResourcePath &path, const HttpRequest &request, QStringList &warnings);
    bool namespaceExists(const QString &name) const;
    // Server defaults for a new object (uid, timestamps, generation, Namespace status …).
    QJsonObject prepareForCreate(const ResourceType &type, QJsonObject object) const;
    // Carries server-owned metadata and status over from `current`, bumps generation on a
    // desired-state change and keeps the Namespace label (§4.1).
    QJsonObject prepareForUpdate(const ResourceType &type, const QJsonObject &current, QJsonObject object) const;
    // Checks the patched object's identity and resourceVersion precondition, records the
    // Update in managedFields, then commits (or not, for dryRun or a no-op) and answers 200.
    HttpResponse finishUpdate(const ResourcePath &path, const HttpRequest &request, const QJsonObject &current,
                              QJsonObject object);
    HttpResponse applyPatch(const ResourcePath &path, const HttpRequest &request, QStringList &warnings);
    // Commits a single Put; `status` on success. Honours dryRun (a create answers rv "").
    HttpResponse commitPut(const ObjectKey &key, QJsonObject object, const HttpRequest &request, int status, bool create);

    ObjectStore &m_store;
    const ResourceCatalog &m_catalog;
};

} // namespace sluice::sandbox
