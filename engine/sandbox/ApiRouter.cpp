#include "ApiRouter.h"

#include "ApiStatus.h"
#include "Discovery.h"
#include "OpenApi.h"
#include "TableOutput.h"
#include "WatchHub.h"

#include "core/Log.h"

#include <QJsonArray>

namespace sluice::sandbox {

namespace {

const QByteArray kOpenApiV2Protobuf = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";

// GET /openapi/v2 as protobuf (gnostic openapi_v2.Document): swagger "2.0" and an info block,
// no paths or definitions. kubectl 1.27 and 1.28 need a parseable document before any
// validated apply or create -f (their client-side validator is built from it); it finds no
// schema in it, so validation falls to the server (fieldValidation, learnt from OpenAPI v3)
// and client-side apply falls back to its compiled-in types, as newer kubectl does on a 404.
HttpResponse openApiV2Response(int minor)
{
    const auto field = [](int number, const QByteArray &bytes) {
        return char(number << 3 | 2) + QByteArray(1, char(bytes.size())) + bytes; // length < 128
    };
    const QByteArray info = field(1, "Kubernetes") + field(2, "v1." + QByteArray::number(minor) + ".0-sandbox");
    // kube-openapi answers with ".v1.0": Go's mime parser rejects the "@" of the Accept form.
    return HttpResponse{200, "application/com.github.proto-openapi.spec.v2.v1.0+protobuf", {}, field(1, "2.0") + field(2, info), nullptr};
}

// POST /apis/authentication.k8s.io/v1/selfsubjectreviews (`kubectl auth whoami`): the sandbox's
// one user. Nothing is stored; the request body is not read.
HttpResponse selfSubjectReview(const HttpRequest &request)
{
    if (request.method != "POST")
        return methodNotAllowed(request.method, QStringLiteral("selfsubjectreviews.authentication.k8s.io"));
    // The body (JSON, or protobuf from kubectl) carries nothing the answer depends on.
    const QJsonObject userInfo{{QStringLiteral("username"), QStringLiteral("sluice-sandbox-admin")},
                               {QStringLiteral("groups"), QJsonArray{QStringLiteral("system:masters"),
                                                                     QStringLiteral("system:authenticated")}}};
    return jsonResponse(201, QJsonObject{{QStringLiteral("kind"), QStringLiteral("SelfSubjectReview")},
                                         {QStringLiteral("apiVersion"), QStringLiteral("authentication.k8s.io/v1")},
                                         {QStringLiteral("metadata"), QJsonObject{{QStringLiteral("creationTimestamp"), QJsonValue::Null}}},
                                         {QStringLiteral("status"), QJsonObject{{QStringLiteral("userInfo"), userInfo}}}});
}

} // namespace

ApiRouter::ApiRouter(const ResourceCatalog &catalog, ResourceHandlers &handlers, QByteArray token, int serverMinor)
    : m_catalog(catalog), m_handlers(handlers), m_expectedAuthorization("Bearer " + token), m_serverMinor(serverMinor)
{
}

bool ApiRouter::authorized(const HttpRequest &request) const
{
    const QByteArray given = request.header("authorization");
    if (given.size() != m_expectedAuthorization.size())
        return false;
    unsigned char diff = 0; // constant time in the token's length
    for (qsizetype i = 0; i < given.size(); ++i)
        diff |= static_cast<unsigned char>(given[i] ^ m_expectedAuthorization[i]);
    return diff == 0;
}

std::optional<HttpResponse> ApiRouter::checkHead(const HttpRequest &head) const
{
    if (!authorized(head))
        return unauthorized();
    const bool write = head.method == "POST" || head.method == "PUT" || head.method == "PATCH";
    const qint64 limit = write ? 3 * 1024 * 1024 : 64 * 1024;
    if (head.header("content-length").toLongLong() > limit)
        return statusFailure(413, QStringLiteral("RequestEntityTooLarge"),
                             QStringLiteral("Request entity too large: limit is %1").arg(limit));
    return std::nullopt;
}

bool ApiRouter::isResourceRequest(const HttpRequest &request)
{
    // As handle() routes: /api/v1/<resource…> and /apis/<group>/<version>/<resource…>.
    const QStringList segments = request.path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    if (segments.value(0) == QLatin1String("api"))
        return segments.size() > 2 && segments[1] == QLatin1String("v1");
    return segments.value(0) == QLatin1String("apis") && segments.size() > 3
        && segments[1] != QLatin1String("authentication.k8s.io");
}

HttpResponse ApiRouter::handle(const HttpRequest &request)
{
    HttpResponse response = [&] {
        if (!authorized(request))
            return unauthorized();
        const QStringList segments = request.path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
        const bool isGet = request.method == "GET";
        if (segments == QStringList{QStringLiteral("version")})
            return isGet ? versionResponse(m_serverMinor) : methodNotAllowed(request.method, QStringLiteral("version"));
        if (segments.value(0) == QLatin1String("api")) {
            if (segments.size() == 1)
                return coreDiscovery(m_catalog, request.header("accept"), m_serverAddress);
            if (segments.value(1) != QLatin1String("v1"))
                return pathNotFound();
            if (segments.size() == 2)
                return resourceListDiscovery(m_catalog, QString(), QStringLiteral("v1"));
            return handleResource(request, QString(), QStringLiteral("v1"), segments.mid(2));
        }
        if (segments.value(0) == QLatin1String("apis")) {
            if (segments.size() == 1)
                return groupsDiscovery(m_catalog, request.header("accept"));
            if (segments.size() == 2)
                return groupDiscovery(m_catalog, segments[1]);
            if (segments.size() == 3)
                return resourceListDiscovery(m_catalog, segments[1], segments[2]);
            if (segments[1] == QLatin1String("authentication.k8s.io") && segments[2] == QLatin1String("v1"))
                return segments.size() == 4 && segments[3] == QLatin1String("selfsubjectreviews") ? selfSubjectReview(request)
                                                                                                  : pathNotFound();
            return handleResource(request, segments[1], segments[2], segments.mid(3));
        }
        if (segments.value(0) == QLatin1String("openapi") && segments.value(1) == QLatin1String("v3") && isGet) {
            // kube-api.md §6.5.
            return segments.size() == 2 ? openApiIndexResponse(m_catalog)
                                        : openApiDocumentResponse(m_catalog, segments.mid(2), request);
        }
        if (segments == QStringList{QStringLiteral("openapi"), QStringLiteral("v2")} && isGet
            && request.header("accept").contains(kOpenApiV2Protobuf)) {
            return openApiV2Response(m_serverMinor); // only the protobuf form kubectl <= 1.28 asks for
        }
        return pathNotFound();
    }();
    qCDebug(lcSandbox).noquote() << request.method << request.target << response.status;
    return response;
}

HttpResponse ApiRouter::handleResource(const HttpRequest &request, const QString &group, const QString &version,
                                       const QStringList &rest)
{
    ResourcePath path;
    QString subresource;
    // Routing trap (§2): /api/v1/namespaces/{name}/status|finalize are Namespace subresources.
    const bool namespaceSubresource = group.isEmpty() && rest.size() == 3
        && (rest[2] == QLatin1String("status") || rest[2] == QLatin1String("finalize"));
    const bool namespacedUrl = rest.value(0) == QLatin1String("namespaces") && rest.size() >= 3 && !namespaceSubresource;
    if (namespacedUrl) {
        if (rest.size() > 5)
            return pathNotFound();
        path.type = m_catalog.find(group, version, rest[2]);
        if (!path.type || !path.type->namespaced)
            return pathNotFound();
        path.namespace_ = rest[1];
        path.name = rest.value(3);
        subresource = rest.value(4);
    } else {
        if (rest.size() > 3)
            return pathNotFound();
        path.type = m_catalog.find(group, version, rest[0]);
        if (!path.type)
            return pathNotFound();
        path.name = rest.value(1);
        subresource = rest.value(2);
        if (path.type->namespaced && !path.name.isEmpty())
            return pathNotFound(); // a namespaced item needs its namespace
    }
    const QByteArray &method = request.method;
    if (subresource == QLatin1String("status") && path.type->hasStatusSubresource() && !path.name.isEmpty()) {
        if (method == "GET")
            return m_handlers.get(path);
        if (method == "PATCH")
            return m_handlers.patchStatus(path, request);
        return methodNotAllowed(method, qualifiedResource(*path.type) + QStringLiteral("/status"));
    }
    if (!subresource.isEmpty())
        return pathNotFound(); // later: PUT /status, /scale, namespace /finalize

    const QString resource = qualifiedResource(*path.type);
    if (path.name.isEmpty()) {
        if (method == "GET") {
            const QString watch = request.queryValue(QStringLiteral("watch"));
            if (watch == QLatin1String("true") || watch == QLatin1String("1"))
                return m_watchHub ? m_watchHub->watch(path, request) : methodNotAllowed("WATCH", resource);
            HttpResponse listed = m_handlers.list(path, request);
            return acceptsTable(request.header("accept")) ? toTableResponse(*path.type, listed, includeObjectOf(request)) : listed;
        }
        if (method == "POST" && (!path.type->namespaced || !path.namespace_.isEmpty()))
            return m_handlers.create(path, request);
        return methodNotAllowed(method, resource); // later: deletecollection
    }
    if (method == "GET") {
        HttpResponse got = m_handlers.get(path);
        return acceptsTable(request.header("accept")) ? toTableResponse(*path.type, got, includeObjectOf(request)) : got;
    }
    if (method == "PUT")
        return m_handlers.replace(path, request);
    if (method == "DELETE")
        return m_handlers.remove(path, request);
    if (method == "PATCH")
        return m_handlers.patch(path, request);
    return methodNotAllowed(method, resource);
}

} // namespace sluice::sandbox
