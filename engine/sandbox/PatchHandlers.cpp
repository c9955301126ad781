// ResourceHandlers' PATCH (kube-api.md §6.11, §6.12) and the shared tail of every update:
// preconditions, server-owned metadata, managedFields (§7.3) and the no-op rule (§4.1).

#include "ResourceHandlers.h"

#include "ApiStatus.h"
#include "FieldValidation.h"
#include "HandlerSupport.h"
#include "JsonPatch.h"
#include "ManagedFields.h"
#include "ObjectValidation.h"
#include "ServerSideApply.h"
#include "StatusUpdate.h"

#include "render/CompactTree.h"
#include "render/YamlTree.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace sluice::sandbox {

namespace {

const QString kManagedFields = QStringLiteral("managedFields");

QJsonObject withoutManagedFields(QJsonObject object)
{
    QJsonObject metadata = metadataOf(object);
    metadata.remove(kManagedFields);
    object.insert(QStringLiteral("metadata"), metadata);
    return object;
}

// A write that changes neither content nor ownership keeps the stored object (and its
// resourceVersion); managedFields timestamps alone do not count.
bool isNoOp(const QJsonObject &current, const QJsonObject &updated)
{
    return withoutManagedFields(current) == withoutManagedFields(updated)
        && sameOwnership(parseManagedFields(metadataOf(current).value(kManagedFields).toArray()),
                         parseManagedFields(metadataOf(updated).value(kManagedFields).toArray()));
}

void setManagedFields(QJsonObject &object, const QJsonArray &managedFields)
{
    QJsonObject metadata = metadataOf(object);
    if (managedFields.isEmpty())
        metadata.remove(kManagedFields);
    else
        metadata.insert(kManagedFields, managedFields);
    object.insert(QStringLiteral("metadata"), metadata);
}

HttpResponse patchError(const Error &error)
{
    if (error.code == 422)
        return statusFailure(422, QStringLiteral("Invalid"), error.message);
    return badRequest(error.message);
}

// Checks that a written object still names the URL's kind, object and namespace.
// `current` with the patch `body` of `mediaType` (merge, JSON or strategic merge patch) applied,
// into `patched`; or the error answer.
std::optional<HttpResponse> applyPatchBody(const QJsonObject &current, const QByteArray &body, const QByteArray &mediaType,
                                           QJsonObject &patched)
{
    const bool json = mediaType == "application/json-patch+json";
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError || (json ? !document.isArray() : !document.isObject()))
        return badRequest(QStringLiteral("the patch is not a JSON %1: %2").arg(json ? QStringLiteral("array") : QStringLiteral("object"),
                                                                                 parseError.errorString()));
    if (mediaType == "application/merge-patch+json") {
        patched = applyMergePatch(current, document.object()).toObject();
    } else if (json) {
        Result<QJsonValue> result = applyJsonPatch(current, document.array());
        if (!result)
            return patchError(result.error());
        if (!result->isObject())
            return badRequest(QStringLiteral("the JSON patch does not leave an object"));
        patched = result->toObject();
    } else {
        Result<QJsonObject> result = applyStrategicMergePatch(current, document.object());
        if (!result)
            return patchError(result.error());
        patched = *result;
    }
    return std::nullopt;
}

std::optional<HttpResponse> identityError(const ResourcePath &path, const QJsonObject &object)
{
    const ResourceType &type = *path.type;
    const QString apiVersion = object.value(QStringLiteral("apiVersion")).toString();
    const QString kind = object.value(QStringLiteral("kind")).toString();
    if (apiVersion != type.groupVersion() || kind != type.kind) {
        return badRequest(QStringLiteral("the object provided is of kind \"%1\" in version \"%2\"; this endpoint "
                                         "accepts %3 in version \"%4\"").arg(kind, apiVersion, type.kind, type.groupVersion()));
    }
    const QJsonObject metadata = metadataOf(object);
    const QString name = metadata.value(QStringLiteral("name")).toString();
    if (name != path.name)
        return badRequest(QStringLiteral("the name of the object (%1) does not match the name on the URL (%2)").arg(name, path.name));
    const QString ns = metadata.value(QStringLiteral("namespace")).toString();
    if (type.namespaced && !ns.isEmpty() && ns != path.namespace_)
        return badRequest(QStringLiteral("the namespace of the provided object does not match the namespace sent on the request"));
    return std::nullopt;
}

} // namespace

HttpResponse ResourceHandlers::finishUpdate(const ResourcePath &path, const HttpRequest &request, const QJsonObject &current,
                                            QJsonObject object)
{
    const ResourceType &type = *path.type;
    if (std::optional<HttpResponse> error = identityError(path, object))
        return *error;
    const QJsonObject metadata = metadataOf(object);
    const QJsonObject currentMetadata = metadataOf(current);
    const QString bodyVersion = metadata.value(QStringLiteral("resourceVersion")).toString();
    if (!bodyVersion.isEmpty() && bodyVersion != currentMetadata.value(QStringLiteral("resourceVersion")).toString())
        return conflict(type, path.name);
    if (const QJsonArray causes = validateObjectMeta(type, object); !causes.isEmpty())
        return invalid(type, path.name, causes);

    // §7.3 step 1: managedFields the client changed become the base set.
    const QJsonValue bodyManaged = metadata.value(kManagedFields);
    const QJsonArray base = metadata.contains(kManagedFields) && bodyManaged != currentMetadata.value(kManagedFields)
        ? bodyManaged.toArray()
        : currentMetadata.value(kManagedFields).toArray();
    object = prepareForUpdate(type, current, object);
    if (const QJsonArray causes = validateImmutableFields(type, current, object); !causes.isEmpty())
        return invalid(type, path.name, causes);
    setManagedFields(object, recordUpdate(base, current, object, updateManagerOf(request), type.groupVersion()));
    if (isNoOp(current, object))
        return jsonResponse(200, current);
    return commitPut(keyFor(type, path.namespace_, path.name), object, request, 200, false);
}

HttpResponse ResourceHandlers::patch(const ResourcePath &path, const HttpRequest &request)
{
    QStringList warnings;
    HttpResponse response = patchObject(path, request, warnings);
    return withWarnings(std::move(response), warnings);
}

HttpResponse ResourceHandlers::patchObject(const ResourcePath &path, const HttpRequest &request, QStringList &warnings)
{
    const ResourceType &type = *path.type;
    const QByteArray mediaType = mediaTypeOf(request);
    if (mediaType == "application/apply-patch+yaml")
        return applyPatch(path, request, warnings);
    const bool merge = mediaType == "application/merge-patch+json";
    const bool json = mediaType == "application/json-patch+json";
    const bool strategic = mediaType == "application/strategic-merge-patch+json";
    if (!merge && !json && !strategic) {
        return statusFailure(415, QStringLiteral("UnsupportedMediaType"),
                             QStringLiteral("the body of the request was in an unknown format - accepted media types include: "
                                            "application/json-patch+json, application/merge-patch+json, "
                                            "application/apply-patch+yaml, application/strategic-merge-patch+json"));
    }
    const std::optional<QJsonObject> current = m_store.get(keyFor(type, path.namespace_, path.name));
    if (!current)
        return notFound(type, path.name);
    QJsonObject patched;
    if (std::optional<HttpResponse> error = applyPatchBody(*current, request.body, mediaType, patched))
        return *error;
    if (std::optional<HttpResponse> error = decodeObject(type, request, patched, warnings, DecodeStyle::Patch))
        return *error;
    return finishUpdate(path, request, *current, patched);
}

HttpResponse ResourceHandlers::patchStatus(const ResourcePath &path, const HttpRequest &request)
{
    const ResourceType &type = *path.type;
    const QByteArray mediaType = mediaTypeOf(request);
    const bool json = mediaType == "application/json-patch+json";
    if (mediaType != "application/merge-patch+json" && !json)
        return statusFailure(415, QStringLiteral("UnsupportedMediaType"),
                             QStringLiteral("the sandbox patches the status subresource with application/merge-patch+json or "
                                            "application/json-patch+json"));
    const ObjectKey key = keyFor(type, path.namespace_, path.name);
    const std::optional<QJsonObject> current = m_store.get(key);
    if (!current)
        return notFound(type, path.name);
    QJsonObject patched;
    if (std::optional<HttpResponse> error = applyPatchBody(*current, request.body, mediaType, patched))
        return *error;
    const QString manager = request.queryValue(QStringLiteral("fieldManager"));
    if (Status written = writeStatus(m_store, key, patched.value(QStringLiteral("status")).toObject(),
                                     manager.isEmpty() ? QStringLiteral("kubectl-patch") : manager);
        !written)
        return statusFailure(500, QStringLiteral("InternalError"), written.error().message);
    return jsonResponse(200, *m_store.get(key));
}

// An apply body is YAML, and clients (kubectl, Sluice) send JSON, which is YAML too: JSON the
// compact JSON reader accepts is read by Qt's JSON reader, several times cheaper (both build the
// same value then; Qt's builds a QJsonObject in one go, where converting the compact tree inserted
// member by member, 2.5x the cost). What the compact reader leaves to others (a key given twice,
// which the YAML reader refuses and Qt's would not, non-ASCII text, fractions, errors) goes to the
// YAML reader, whose errors name the line.
namespace {
Result<QJsonValue> applyBody(const QByteArray &body)
{
    if (body.trimmed().startsWith('{') && yaml::parseCompactJson(body))
        return QJsonValue(QJsonDocument::fromJson(body).object());
    return yaml::parseDocument(body, QStringLiteral("the apply request body"));
}
} // namespace

HttpResponse ResourceHandlers::applyPatch(const ResourcePath &path, const HttpRequest &request, QStringList &warnings)
{
    const ResourceType &type = *path.type;
    const QString manager = request.queryValue(QStringLiteral("fieldManager"));
    if (manager.isEmpty())
        return badRequest(QStringLiteral("PATCH requests with the apply content type require fieldManager to be set"));
    const bool force = request.queryValue(QStringLiteral("force")) == QLatin1String("true");
    Result<QJsonValue> parsed = applyBody(request.body);
    if (!parsed)
        return badRequest(parsed.error().message);
    if (!parsed->isObject())
        return badRequest(QStringLiteral("the apply request body must be a mapping (an object)"));
    QJsonObject applied = withoutNulls(*parsed).toObject();
    if (std::optional<HttpResponse> error = decodeObject(type, request, applied, warnings, DecodeStyle::Apply))
        return *error;
    if (std::optional<HttpResponse> error = identityError(path, applied))
        return *error;
    if (metadataOf(applied).contains(kManagedFields))
        return badRequest(QStringLiteral("metadata.managedFields must be nil in an apply request"));
    if (type.hasStatusSubresource())
        applied.remove(QStringLiteral("status")); // written through /status only

    const ObjectKey key = keyFor(type, path.namespace_, path.name);
    const std::optional<QJsonObject> current = m_store.get(key);
    if (!current) {
        if (type.namespaced && !namespaceExists(path.namespace_))
            return notFound(*m_catalog.namespaces(), path.namespace_);
        QJsonObject object = applied;
        QJsonObject metadata = metadataOf(object);
        if (!metadata.value(QStringLiteral("resourceVersion")).toString().isEmpty())
            return badRequest(QStringLiteral("resourceVersion should not be set on objects to be created"));
        if (type.namespaced)
            metadata.insert(QStringLiteral("namespace"), path.namespace_);
        object.insert(QStringLiteral("metadata"), metadata);
        if (const QJsonArray causes = validateObjectMeta(type, object); !causes.isEmpty())
            return invalid(type, path.name, causes);
        QJsonObject created = prepareForCreate(type, object);
        setManagedFields(created, managedFieldsForApplyCreate(applied, manager, type.groupVersion()));
        return commitPut(key, created, request, 201, true);
    }
    const QString bodyVersion = metadataOf(applied).value(QStringLiteral("resourceVersion")).toString();
    if (!bodyVersion.isEmpty() && bodyVersion != metadataOf(*current).value(QStringLiteral("resourceVersion")).toString())
        return conflict(type, path.name);
    ApplyOutcome outcome = serverSideApply(*current, applied, manager, type.groupVersion(), force);
    if (!outcome.conflicts.isEmpty())
        return applyConflictResponse(outcome.conflicts);
    QJsonObject object = prepareForUpdate(type, *current, outcome.object);
    if (const QJsonArray causes = validateImmutableFields(type, *current, object); !causes.isEmpty())
        return invalid(type, path.name, causes);
    if (isNoOp(*current, object))
        return jsonResponse(200, *current);
    return commitPut(key, object, request, 200, false);
}

} // namespace sluice::sandbox
