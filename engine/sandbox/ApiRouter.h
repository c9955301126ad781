#pragma once

// Maps an HTTP request to the sandbox API (kube-api.md §2): bearer-token check, /version,
// discovery, then resource URLs to ResourceHandlers. Thread: the server thread.

#include "HttpMessage.h"
#include "ResourceHandlers.h"

#include <optional>

namespace sluice::sandbox {

class WatchHub;

class ApiRouter
{
public:
    // `token` is the bearer token every request must carry; it is never logged.
    ApiRouter(const ResourceCatalog &catalog, ResourceHandlers &handlers, QByteArray token, int serverMinor);

    void setServerAddress(const QString &hostPort) { m_serverAddress = hostPort; }
    // Serves `?watch=true` collection GETs; without a hub they get 405. Not owned.
    void setWatchHub(WatchHub *hub) { m_watchHub = hub; }
    HttpResponse handle(const HttpRequest &request);
    // Judges a request by its head, before its body is read (HttpServer's HeadCheck): 401
    // without the token, 413 when Content-Length is over the method's cap (3 MiB for writes, as
    // kube-apiserver; 64 KiB for anything else).
    std::optional<HttpResponse> checkHead(const HttpRequest &head) const;
    // Whether handle() serves `request` from the object store (an object, a collection, a
    // watch), rather than /version, discovery or OpenAPI. Pure.
    static bool isResourceRequest(const HttpRequest &request);

private:
    bool authorized(const HttpRequest &request) const;
    HttpResponse handleResource(const HttpRequest &request, const QString &group, const QString &version,
                                const QStringList &rest);

    const ResourceCatalog &m_catalog;
    ResourceHandlers &m_handlers;
    QByteArray m_expectedAuthorization;
    int m_serverMinor;
    QString m_serverAddress;
    WatchHub *m_watchHub = nullptr;
};

} // namespace sluice::sandbox
