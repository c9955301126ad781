#include "ApiStatus.h"

#include "ResourceCatalog.h"

#include "core/JsonText.h"

#include <QJsonDocument>

namespace sluice::sandbox {

namespace {

QJsonObject statusObject(const QString &status)
{
    return QJsonObject{{QStringLiteral("kind"), QStringLiteral("Status")},
                       {QStringLiteral("apiVersion"), QStringLiteral("v1")},
                       {QStringLiteral("metadata"), QJsonObject()},
                       {QStringLiteral("status"), status}};
}

QJsonObject details(const ResourceType &type, const QString &name, const QString &kind)
{
    return QJsonObject{{QStringLiteral("name"), name},
                       {QStringLiteral("group"), type.group},
                       {QStringLiteral("kind"), kind}};
}

} // namespace

QString qualifiedResource(const ResourceType &type)
{
    return type.group.isEmpty() ? type.plural : type.plural + QLatin1Char('.') + type.group;
}

HttpResponse jsonResponse(int status, const QJsonObject &body, const QByteArray &contentType)
{
    HttpResponse response = jsonTextResponse(status, json::compact(body));
    response.contentType = contentType;
    return response;
}

HttpResponse jsonTextResponse(int status, QByteArray body)
{
    HttpResponse response;
    response.status = status;
    response.body = std::move(body);
    return response;
}

HttpResponse statusFailure(int code, const QString &reason, const QString &message, const QJsonObject &details)
{
    QJsonObject body = statusObject(QStringLiteral("Failure"));
    body.insert(QStringLiteral("message"), message);
    body.insert(QStringLiteral("reason"), reason);
    if (!details.isEmpty())
        body.insert(QStringLiteral("details"), details);
    body.insert(QStringLiteral("code"), code);
    return jsonResponse(code, body);
}

HttpResponse notFound(const ResourceType &type, const QString &name)
{
    return statusFailure(404, QStringLiteral("NotFound"),
                         QStringLiteral("%1 \"%2\" not found").arg(qualifiedResource(type), name),
                         details(type, name, type.plural));
}

HttpResponse pathNotFound()
{
    return statusFailure(404, QStringLiteral("NotFound"), QStringLiteral("the server could not find the requested resource"),
                         QJsonObject());
}

HttpResponse alreadyExists(const ResourceType &type, const QString &name)
{
    return statusFailure(409, QStringLiteral("AlreadyExists"),
                         QStringLiteral("%1 \"%2\" already exists").arg(qualifiedResource(type), name),
                         details(type, name, type.plural));
}

HttpResponse conflict(const ResourceType &type, const QString &name)
{
    return statusFailure(409, QStringLiteral("Conflict"),
                         QStringLiteral("Operation cannot be fulfilled on %1 \"%2\": the object has been modified; "
                                        "please apply your changes to the latest version and try again")
                             .arg(qualifiedResource(type), name),
                         details(type, name, type.plural));
}

namespace {

// 422 with `details` (which gains `causes`): `<kind> "<name>" is invalid: <field: message, …>`.
HttpResponse invalidStatus(const QString &kind, const QString &name, QJsonObject details, const QJsonArray &causes)
{
    QStringList parts;
    for (const QJsonValue &cause : causes) {
        const QJsonObject c = cause.toObject();
        parts << c.value(QStringLiteral("field")).toString() + QStringLiteral(": ") + c.value(QStringLiteral("message")).toString();
    }
    details.insert(QStringLiteral("causes"), causes);
    const QString list = parts.size() == 1 ? parts.first() : QLatin1Char('[') + parts.join(QStringLiteral(", ")) + QLatin1Char(']');
    return statusFailure(422, QStringLiteral("Invalid"), QStringLiteral("%1 \"%2\" is invalid: %3").arg(kind, name, list), details);
}

} // namespace

HttpResponse invalid(const ResourceType &type, const QString &name, const QJsonArray &causes)
{
    return invalidStatus(type.kind, name, details(type, name, type.kind), causes);
}

HttpResponse invalidPatch(const QByteArray &patched, const QString &why)
{
    constexpr qsizetype kMaxQuoted = 1024; // the message quotes the whole patched object
    QString value = QString::fromUtf8(patched.left(kMaxQuoted));
    if (patched.size() > kMaxQuoted)
        value += QStringLiteral("...");
    const QString quoted = QString::fromUtf8(json::compact(value));
    const QJsonObject cause{{QStringLiteral("reason"), QStringLiteral("FieldValueInvalid")},
                            {QStringLiteral("message"), QStringLiteral("Invalid value: %1: %2").arg(quoted, why)},
                            {QStringLiteral("field"), QStringLiteral("patch")}};
    return invalidStatus(QString(), QString(), QJsonObject(), QJsonArray{cause});
}

HttpResponse cannotBeHandled(const ResourceType &type, const QString &why)
{
    return badRequest(QStringLiteral("%1 in version \"%2\" cannot be handled as a %1: %3").arg(type.kind, type.version, why));
}

HttpResponse badRequest(const QString &message)
{
    return statusFailure(400, QStringLiteral("BadRequest"), message);
}

HttpResponse methodNotAllowed(const QByteArray &method, const QString &resource)
{
    return statusFailure(405, QStringLiteral("MethodNotAllowed"),
                         QStringLiteral("%1 is not supported on resources of kind \"%2\"").arg(QString::fromLatin1(method), resource));
}

HttpResponse unauthorized()
{
    return statusFailure(401, QStringLiteral("Unauthorized"), QStringLiteral("Unauthorized"));
}

HttpResponse unsupportedMediaType(const QByteArray &contentType)
{
    return statusFailure(415, QStringLiteral("UnsupportedMediaType"),
                         QStringLiteral("the body of the request was in an unknown format - accepted media types include: "
                                        "application/json (got %1)").arg(QString::fromLatin1(contentType)));
}

HttpResponse internalError(const QString &message)
{
    return statusFailure(500, QStringLiteral("InternalError"), QStringLiteral("Internal error occurred: %1").arg(message));
}

HttpResponse deleteSuccess(const ResourceType &type, const QString &name, const QString &uid)
{
    QJsonObject body = statusObject(QStringLiteral("Success"));
    QJsonObject d = details(type, name, type.plural);
    d.insert(QStringLiteral("uid"), uid);
    body.insert(QStringLiteral("details"), d);
    return jsonResponse(200, body);
}

} // namespace sluice::sandbox
