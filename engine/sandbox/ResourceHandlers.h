#pragma once

// CRUD on stored objects (kube-api.md §4, §6.6, §6.8–6.10, §6.13): LIST with selectors and
// pagination, GET, POST create, PUT replace, DELETE, dryRun=All, server-maintained metadata.
//
// Thread: the sandbox's server thread only. Every write is durable (ObjectStore::commit)
// before its response is returned. Bodies are JSON only for now; later: protobuf Namespace
// bodies (§10), PATCH and server-side apply with managedFields (§7), watch events.

#include "HttpMessage.h"
#include "ObjectStore.h"
#include "ResourceCatalog.h"

namespace sluice::sandbox {

// A parsed resource URL. `namespace_` is empty for cluster-scoped types and for an
// all-namespaces collection of a namespaced type.
struct ResourcePath
{
    const ResourceType *type = nullptr;
    QString namespace_;
    QString name; // empty: the collection
};

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

private:
    // Parses and checks a write body against the URL; returns the object or an error response.
    std::variant<QJsonObject, HttpResponse> parseBody(const ResourcePath &path, const HttpRequest &request) const;
    bool namespaceExists(const QString &name) const;
    // Server defaults for a new object (uid, timestamps, generation, Namespace status …).
    QJsonObject prepareForCreate(const ResourceType &type, QJsonObject object) const;

    ObjectStore &m_store;
    const ResourceCatalog &m_catalog;
};

} // namespace sluice::sandbox
