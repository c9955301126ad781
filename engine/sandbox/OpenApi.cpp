#include "OpenApi.h"

#include "ApiStatus.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>

#include <algorithm>

namespace sluice::sandbox {

namespace {

QString schemaPackage(const QString &group, const QString &version)
{
    if (group.isEmpty())
        return QStringLiteral("io.k8s.api.core.") + version;
    if (group == QLatin1String("apiextensions.k8s.io"))
        return QStringLiteral("io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.") + version;
    if (!group.endsWith(QLatin1String(".k8s.io")) && group.contains(QLatin1Char('.'))) {
        // A custom group: reversed domain, as apiextensions-apiserver names CRD schemas.
        QStringList parts = group.split(QLatin1Char('.'));
        std::reverse(parts.begin(), parts.end());
        return parts.join(QLatin1Char('.')) + QLatin1Char('.') + version;
    }
    return QStringLiteral("io.k8s.api.") + group.section(QLatin1Char('.'), 0, 0) + QLatin1Char('.') + version;
}

const QString kObjectMeta = QStringLiteral("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");

QJsonObject ref(const QString &schema)
{
    return QJsonObject{{QStringLiteral("$ref"), QStringLiteral("#/components/schemas/") + schema}};
}

QJsonObject parameter(const char *name, const char *in, const char *type, bool required = false)
{
    QJsonObject p{{QStringLiteral("name"), QLatin1String(name)},
                  {QStringLiteral("in"), QLatin1String(in)},
                  {QStringLiteral("schema"), QJsonObject{{QStringLiteral("type"), QLatin1String(type)},
                                                         {QStringLiteral("uniqueItems"), true}}}};
    if (required)
        p.insert(QStringLiteral("required"), true);
    return p;
}

QJsonObject gvk(const ResourceType &type)
{
    return QJsonObject{{QStringLiteral("group"), type.group}, {QStringLiteral("version"), type.version},
                       {QStringLiteral("kind"), type.kind}};
}

QJsonObject okResponse(const QString &schema)
{
    return QJsonObject{{QStringLiteral("200"),
                        QJsonObject{{QStringLiteral("description"), QStringLiteral("OK")},
                                    {QStringLiteral("content"),
                                     QJsonObject{{QStringLiteral("application/json"),
                                                  QJsonObject{{QStringLiteral("schema"), ref(schema)}}}}}}}};
}

// An operation; write operations carry the parameters kubectl's query-parameter verifier
// looks for (fieldValidation above all).
QJsonObject operation(const ResourceType &type, const QString &action, const QString &operationId, const QString &schema)
{
    QJsonArray parameters;
    if (action == QLatin1String("patch") || action == QLatin1String("post") || action == QLatin1String("put")) {
        parameters << parameter("dryRun", "query", "string") << parameter("fieldManager", "query", "string")
                   << parameter("fieldValidation", "query", "string");
        if (action == QLatin1String("patch"))
            parameters << parameter("force", "query", "boolean");
    } else if (action == QLatin1String("list")) {
        for (const char *name : {"continue", "fieldSelector", "labelSelector", "resourceVersion"})
            parameters << parameter(name, "query", "string");
        parameters << parameter("limit", "query", "integer") << parameter("timeoutSeconds", "query", "integer")
                   << parameter("watch", "query", "boolean") << parameter("allowWatchBookmarks", "query", "boolean");
    }
    QJsonObject op{{QStringLiteral("operationId"), operationId},
                   {QStringLiteral("responses"), okResponse(schema)},
                   {QStringLiteral("x-kubernetes-action"), action},
                   {QStringLiteral("x-kubernetes-group-version-kind"), gvk(type)}};
    if (!parameters.isEmpty())
        op.insert(QStringLiteral("parameters"), parameters);
    if (action == QLatin1String("patch")) {
        // No application/strategic-merge-patch+json here on purpose: kubectl's client-side apply
        // would then build its strategic merge patch from these permissive schemas and warn
        // "unable to find api field"; without it, it falls back to its compiled-in types.
        QJsonObject content;
        for (const char *mediaType : {"application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json"})
            content.insert(QLatin1String(mediaType), QJsonObject{{QStringLiteral("schema"), QJsonObject{{QStringLiteral("type"), QStringLiteral("object")}}}});
        op.insert(QStringLiteral("requestBody"), QJsonObject{{QStringLiteral("content"), content}, {QStringLiteral("required"), true}});
    } else if (action == QLatin1String("post") || action == QLatin1String("put")) {
        op.insert(QStringLiteral("requestBody"),
                  QJsonObject{{QStringLiteral("content"), QJsonObject{{QStringLiteral("*/*"), QJsonObject{{QStringLiteral("schema"), ref(schema)}}}}},
                              {QStringLiteral("required"), true}});
    }
    return op;
}

QJsonObject kindSchema(const ResourceType &type)
{
    if (type.isCustom() && !type.schema.isEmpty()) {
        // The CRD's own openAPIV3Schema, tagged with its kind as apiextensions-apiserver does.
        QJsonObject schema = type.schema;
        schema.insert(QStringLiteral("x-kubernetes-group-version-kind"), QJsonArray{gvk(type)});
        return schema;
    }
    const QJsonObject stringType{{QStringLiteral("type"), QStringLiteral("string")}};
    return QJsonObject{
        {QStringLiteral("description"), QStringLiteral("%1 (served by the Sluice sandbox; fields are not validated).").arg(type.kind)},
        {QStringLiteral("type"), QStringLiteral("object")},
        {QStringLiteral("properties"),
         QJsonObject{{QStringLiteral("apiVersion"), QJsonObject{{QStringLiteral("type"), QStringLiteral("string")},
                                                               {QStringLiteral("description"), QStringLiteral("APIVersion defines the versioned schema of this representation of an object.")}}},
                     {QStringLiteral("kind"), QJsonObject{{QStringLiteral("type"), QStringLiteral("string")},
                                                          {QStringLiteral("description"), QStringLiteral("Kind is a string value representing the REST resource this object represents.")}}},
                     {QStringLiteral("metadata"), QJsonObject{{QStringLiteral("allOf"), QJsonArray{ref(kObjectMeta)}},
                                                              {QStringLiteral("default"), QJsonObject()},
                                                              {QStringLiteral("description"), QStringLiteral("Standard object's metadata.")}}}}},
        {QStringLiteral("x-kubernetes-preserve-unknown-fields"), true},
        {QStringLiteral("x-kubernetes-group-version-kind"), QJsonArray{gvk(type)}}};
}

QJsonObject objectMetaSchema()
{
    const QJsonObject string{{QStringLiteral("type"), QStringLiteral("string")}};
    const QJsonObject stringMap{{QStringLiteral("type"), QStringLiteral("object")},
                                {QStringLiteral("additionalProperties"), QJsonObject{{QStringLiteral("type"), QStringLiteral("string")}, {QStringLiteral("default"), QString()}}}};
    return QJsonObject{{QStringLiteral("description"), QStringLiteral("ObjectMeta is metadata that all persisted resources must have.")},
                       {QStringLiteral("type"), QStringLiteral("object")},
                       {QStringLiteral("properties"), QJsonObject{{QStringLiteral("name"), string},
                                                                  {QStringLiteral("namespace"), string},
                                                                  {QStringLiteral("generateName"), string},
                                                                  {QStringLiteral("labels"), stringMap},
                                                                  {QStringLiteral("annotations"), stringMap}}},
                       {QStringLiteral("x-kubernetes-preserve-unknown-fields"), true}};
}

QString prefixOf(const QString &group, const QString &version)
{
    return group.isEmpty() ? QStringLiteral("/api/") + version : QStringLiteral("/apis/%1/%2").arg(group, version);
}

QString documentKey(const QString &group, const QString &version)
{
    return group.isEmpty() ? QStringLiteral("api/") + version : QStringLiteral("apis/%1/%2").arg(group, version);
}

QByteArray hashOf(const QByteArray &document)
{
    return QCryptographicHash::hash(document, QCryptographicHash::Sha512).toHex().toUpper();
}

} // namespace

QByteArray openApiDocument(const ResourceCatalog &catalog, const QString &group, const QString &version)
{
    if (!group.isEmpty() && !catalog.hasGroupVersion(group, version))
        return {};
    if (group.isEmpty() && version != QLatin1String("v1"))
        return {};
    const QString prefix = prefixOf(group, version);
    const QJsonArray nameParam{parameter("name", "path", "string", true)};
    const QJsonArray namespacedParams{parameter("name", "path", "string", true), parameter("namespace", "path", "string", true)};
    QJsonObject paths;
    QJsonObject schemas{{kObjectMeta, objectMetaSchema()}};
    for (const ResourceType &type : catalog.types()) {
        if (type.group != group || type.version != version)
            continue;
        const QString schema = schemaPackage(group, version) + QLatin1Char('.') + type.kind;
        const QString listSchema = schema + QStringLiteral("List");
        schemas.insert(schema, kindSchema(type));
        schemas.insert(listSchema, QJsonObject{{QStringLiteral("type"), QStringLiteral("object")},
                                               {QStringLiteral("x-kubernetes-preserve-unknown-fields"), true},
                                               {QStringLiteral("x-kubernetes-group-version-kind"),
                                                QJsonArray{QJsonObject{{QStringLiteral("group"), group}, {QStringLiteral("version"), version},
                                                                       {QStringLiteral("kind"), type.kind + QStringLiteral("List")}}}}});
        const QString scope = type.namespaced ? QStringLiteral("Namespaced") : QString();
        const QString collection = type.namespaced ? prefix + QStringLiteral("/namespaces/{namespace}/") + type.plural : prefix + QLatin1Char('/') + type.plural;
        const QString item = collection + QStringLiteral("/{name}");
        QJsonObject collectionPath{{QStringLiteral("get"), operation(type, QStringLiteral("list"), QStringLiteral("list%1%2").arg(scope, type.kind), listSchema)},
                                   {QStringLiteral("post"), operation(type, QStringLiteral("post"), QStringLiteral("create%1%2").arg(scope, type.kind), schema)}};
        if (type.namespaced)
            collectionPath.insert(QStringLiteral("parameters"), QJsonArray{parameter("namespace", "path", "string", true)});
        paths.insert(collection, collectionPath);
        paths.insert(item, QJsonObject{{QStringLiteral("parameters"), type.namespaced ? namespacedParams : nameParam},
                                       {QStringLiteral("get"), operation(type, QStringLiteral("get"), QStringLiteral("read%1%2").arg(scope, type.kind), schema)},
                                       {QStringLiteral("put"), operation(type, QStringLiteral("put"), QStringLiteral("replace%1%2").arg(scope, type.kind), schema)},
                                       {QStringLiteral("patch"), operation(type, QStringLiteral("patch"), QStringLiteral("patch%1%2").arg(scope, type.kind), schema)},
                                       {QStringLiteral("delete"), operation(type, QStringLiteral("delete"), QStringLiteral("delete%1%2").arg(scope, type.kind), schema)}});
        if (type.namespaced) {
            paths.insert(prefix + QLatin1Char('/') + type.plural,
                         QJsonObject{{QStringLiteral("get"), operation(type, QStringLiteral("list"), QStringLiteral("list%1ForAllNamespaces").arg(type.kind), listSchema)}});
        }
    }
    const QJsonObject document{{QStringLiteral("openapi"), QStringLiteral("3.0.0")},
                               {QStringLiteral("info"), QJsonObject{{QStringLiteral("title"), QStringLiteral("Kubernetes")},
                                                                    {QStringLiteral("version"), QStringLiteral("v1.32.0")}}},
                               {QStringLiteral("paths"), paths},
                               {QStringLiteral("components"), QJsonObject{{QStringLiteral("schemas"), schemas}}}};
    return QJsonDocument(document).toJson(QJsonDocument::Compact);
}

HttpResponse openApiIndexResponse(const ResourceCatalog &catalog)
{
    QJsonObject paths;
    QList<std::pair<QString, QString>> groupVersions{std::pair(QString(), QStringLiteral("v1"))};
    for (const QString &group : catalog.groups()) {
        for (const QString &version : catalog.versions(group))
            groupVersions.append(std::pair(group, version));
    }
    for (const auto &[group, version] : groupVersions) {
        const QString key = documentKey(group, version);
        const QByteArray hash = hashOf(openApiDocument(catalog, group, version));
        paths.insert(key, QJsonObject{{QStringLiteral("serverRelativeURL"),
                                       QStringLiteral("/openapi/v3/%1?hash=%2").arg(key, QString::fromLatin1(hash))}});
    }
    HttpResponse response = jsonResponse(200, QJsonObject{{QStringLiteral("paths"), paths}});
    response.headers.append({QByteArray("ETag"), '"' + hashOf(response.body) + '"'});
    return response;
}

HttpResponse openApiDocumentResponse(const ResourceCatalog &catalog, const QStringList &segments, const HttpRequest &request)
{
    QString group;
    QString version;
    if (segments.size() == 2 && segments[0] == QLatin1String("api")) {
        version = segments[1];
    } else if (segments.size() == 3 && segments[0] == QLatin1String("apis")) {
        group = segments[1];
        version = segments[2];
    } else {
        return pathNotFound();
    }
    const QByteArray document = openApiDocument(catalog, group, version);
    if (document.isEmpty())
        return pathNotFound();
    const QByteArray hash = hashOf(document);
    const QByteArray etag = '"' + hash + '"';
    HttpResponse response;
    response.headers.append({QByteArray("ETag"), etag});
    const QString requestedHash = request.queryValue(QStringLiteral("hash"));
    if (!requestedHash.isEmpty()) {
        if (requestedHash.toLatin1() != hash) {
            // A stale link: send the client to the current document.
            response.status = 301;
            response.contentType = "text/plain; charset=utf-8";
            response.headers.append({QByteArray("Location"), "/openapi/v3/" + documentKey(group, version).toLatin1() + "?hash=" + hash});
            response.headers.append({QByteArray("Cache-Control"), QByteArray("public, immutable")});
            return response;
        }
        response.headers.append({QByteArray("Cache-Control"), QByteArray("public, immutable")});
        response.headers.append({QByteArray("Expires"), QLocale::c().toString(QDateTime::currentDateTimeUtc().addYears(1),
                                                                  QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'")).toLatin1()});
    }
    if (request.header("if-none-match") == etag) {
        response.status = 304;
        return response;
    }
    response.body = document;
    return response;
}

} // namespace sluice::sandbox
