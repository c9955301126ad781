#include "ResourceHandlers.h"

#include "ApiStatus.h"
#include "FieldValidation.h"
#include "HandlerSupport.h"
#include "ManagedFields.h"
#include "ProtobufObjects.h"
#include "ServerSideApply.h"
#include "LabelSelector.h"
#include "ObjectValidation.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QUuid>

namespace sluice::sandbox {

namespace {

const QString kMetadata = QStringLiteral("metadata");

QString generateSuffix()
{
    static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
    QString suffix;
    for (int i = 0; i < 5; ++i)
        suffix += QLatin1Char(alphabet[QRandomGenerator::global()->bounded(int(sizeof alphabet) - 1)]);
    return suffix;
}

struct ContinueToken
{
    QString resourceVersion;
    QString namespace_;
    QString name;
};

QString encodeContinue(const ContinueToken &token)
{
    const QJsonObject o{{QStringLiteral("rv"), token.resourceVersion},
                        {QStringLiteral("ns"), token.namespace_},
                        {QStringLiteral("n"), token.name}};
    return QString::fromLatin1(QJsonDocument(o).toJson(QJsonDocument::Compact).toBase64(QByteArray::Base64UrlEncoding));
}

std::optional<ContinueToken> decodeContinue(const QString &text)
{
    const auto decoded = QByteArray::fromBase64Encoding(text.toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return std::nullopt;
    QJsonParseError error;
    const QJsonObject o = QJsonDocument::fromJson(*decoded, &error).object();
    if (error.error != QJsonParseError::NoError || !o.contains(QStringLiteral("n")))
        return std::nullopt;
    return ContinueToken{o.value(QStringLiteral("rv")).toString(), o.value(QStringLiteral("ns")).toString(),
                         o.value(QStringLiteral("n")).toString()};
}

bool isSecret(const ResourceType &type)
{
    return type.group.isEmpty() && type.kind == QLatin1String("Secret");
}

// The API server's conversion and defaulting of a written Secret: each stringData entry is
// stored base64-encoded in data (replacing an entry of the same key), stringData itself is never
// stored, and a Secret without a type is Opaque.
void convertSecret(QJsonObject &secret)
{
    if (secret.value(QStringLiteral("type")).toString().isEmpty())
        secret.insert(QStringLiteral("type"), QStringLiteral("Opaque"));
    const QJsonObject stringData = secret.take(QStringLiteral("stringData")).toObject();
    if (stringData.isEmpty())
        return;
    QJsonObject data = secret.value(QStringLiteral("data")).toObject();
    for (auto it = stringData.begin(); it != stringData.end(); ++it)
        data.insert(it.key(), QString::fromLatin1(it.value().toString().toUtf8().toBase64()));
    secret.insert(QStringLiteral("data"), data);
}

// A write the store refused: 422 for an object it could not read back, else 500.
HttpResponse storeFailure(const Error &error)
{
    if (error.code == 422)
        return statusFailure(422, QStringLiteral("Invalid"), error.message);
    return internalError(error.message);
}

// The DeleteOptions of a DELETE (an empty body is none); a 400 answer when they do not decode.
std::variant<QJsonObject, HttpResponse> deleteOptionsOf(const HttpRequest &request)
{
    if (request.body.trimmed().isEmpty())
        return QJsonObject();
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &error);
    if (error.error != QJsonParseError::NoError)
        return badRequest(QStringLiteral("the DeleteOptions in the request body are not JSON: %1").arg(error.errorString()));
    if (!document.isObject())
        return badRequest(QStringLiteral("json: cannot unmarshal array into Go value of type v1.DeleteOptions"));
    if (std::optional<QString> why = deleteOptionsError(document.object()))
        return badRequest(*why);
    return document.object();
}

} // namespace

std::optional<HttpResponse> resourceVersionParameterError(const HttpRequest &request)
{
    static const QRegularExpression digits(QStringLiteral("^[0-9]+$"));
    const QString text = request.queryValue(QStringLiteral("resourceVersion"));
    bool ok = text.isEmpty();
    if (!ok && digits.match(text).hasMatch())
        text.toULongLong(&ok);
    if (ok)
        return std::nullopt;
    return badRequest(QStringLiteral("resourceVersion: Invalid value: \"%1\": strconv.ParseUint: parsing \"%1\": invalid syntax").arg(text));
}

ResourceHandlers::ResourceHandlers(ObjectStore &store, const ResourceCatalog &catalog)
    : m_store(store), m_catalog(catalog)
{
}

Status ResourceHandlers::seedDefaultNamespaces()
{
    const ResourceType &type = *m_catalog.namespaces();
    QList<Mutation> mutations;
    for (const char *name : {"default", "kube-node-lease", "kube-public", "kube-system"}) {
        const QString n = QString::fromLatin1(name);
        if (namespaceExists(n))
            continue;
        const QJsonObject object{{QStringLiteral("apiVersion"), QStringLiteral("v1")},
                                 {QStringLiteral("kind"), QStringLiteral("Namespace")},
                                 {kMetadata, QJsonObject{{QStringLiteral("name"), n}}}};
        mutations << Mutation{Mutation::Op::Put, keyFor(type, {}, n), prepareForCreate(type, object)};
    }
    return mutations.isEmpty() ? Status() : m_store.commit(mutations);
}

bool ResourceHandlers::namespaceExists(const QString &name) const
{
    return m_store.get(keyFor(*m_catalog.namespaces(), {}, name)).has_value();
}

QJsonObject ResourceHandlers::prepareForCreate(const ResourceType &type, QJsonObject object) const
{
    QJsonObject metadata = metadataOf(object);
    metadata.insert(QStringLiteral("uid"), QUuid::createUuid().toString(QUuid::WithoutBraces));
    metadata.insert(QStringLiteral("creationTimestamp"), timestampNow());
    metadata.remove(QStringLiteral("deletionTimestamp"));
    metadata.remove(QStringLiteral("deletionGracePeriodSeconds"));
    if (type.hasGeneration)
        metadata.insert(QStringLiteral("generation"), 1);
    else
        metadata.remove(QStringLiteral("generation"));
    if (type.hasStatusSubresource())
        object.remove(QStringLiteral("status"));
    if (isSecret(type))
        convertSecret(object);
    if (&type == m_catalog.namespaces()) {
        QJsonObject labels = metadata.value(QStringLiteral("labels")).toObject();
        labels.insert(QStringLiteral("kubernetes.io/metadata.name"), metadata.value(QStringLiteral("name")));
        metadata.insert(QStringLiteral("labels"), labels);
        QJsonObject spec = object.value(QStringLiteral("spec")).toObject();
        if (!spec.contains(QStringLiteral("finalizers")))
            spec.insert(QStringLiteral("finalizers"), QJsonArray{QStringLiteral("kubernetes")});
        object.insert(QStringLiteral("spec"), spec);
        object.insert(QStringLiteral("status"), QJsonObject{{QStringLiteral("phase"), QStringLiteral("Active")}});
    }
    object.insert(kMetadata, metadata);
    return object;
}

std::variant<QJsonObject, HttpResponse> ResourceHandlers::parseBody(const ResourcePath &path, const HttpRequest &request,
                                                                     QStringList &warnings) const
{
    const ResourceType &type = *path.type;
    const QByteArray contentType = mediaTypeOf(request);
    QJsonObject object;
    if (contentType == "application/vnd.kubernetes.protobuf") {
        Result<QJsonObject> decoded = decodeProtobufObject(request.body);
        if (!decoded && decoded.error().code == 415)
            return statusFailure(415, QStringLiteral("UnsupportedMediaType"), decoded.error().message);
        if (!decoded)
            return badRequest(decoded.error().message);
        object = *decoded;
    } else if (!contentType.isEmpty() && contentType != "application/json") {
        return unsupportedMediaType(contentType);
    } else {
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(request.body, &error);
        if (error.error != QJsonParseError::NoError || !document.isObject())
            return badRequest(QStringLiteral("the request body is not a JSON object: %1").arg(error.errorString()));
        object = document.object();
    }
    const QString apiVersion = object.value(QStringLiteral("apiVersion")).toString();
    const QString kind = object.value(QStringLiteral("kind")).toString();
    if (apiVersion != type.groupVersion() || kind != type.kind) {
        return badRequest(QStringLiteral("the object provided is of kind \"%1\" in version \"%2\"; this endpoint "
                                         "accepts %3 in version \"%4\"")
                              .arg(kind, apiVersion, type.kind, type.groupVersion()));
    }
    if (std::optional<HttpResponse> error = decodeObject(type, request, object, warnings, DecodeStyle::Decode))
        return *error;
    QJsonObject metadata = metadataOf(object);
    const QString bodyNamespace = metadata.value(QStringLiteral("namespace")).toString();
    if (type.namespaced) {
        if (!bodyNamespace.isEmpty() && bodyNamespace != path.namespace_)
            return badRequest(QStringLiteral("the namespace of the provided object does not match the namespace sent on the request"));
        metadata.insert(QStringLiteral("namespace"), path.namespace_);
    } else {
        metadata.remove(QStringLiteral("namespace"));
    }
    object.insert(kMetadata, metadata);
    return object;
}

HttpResponse ResourceHandlers::list(const ResourcePath &path, const HttpRequest &request) const
{
    const ResourceType &type = *path.type;
    Result<LabelSelector> labels = LabelSelector::parse(request.queryValue(QStringLiteral("labelSelector")));
    if (!labels)
        return badRequest(labels.error().message);
    Result<FieldSelector> fields = FieldSelector::parse(request.queryValue(QStringLiteral("fieldSelector")));
    if (!fields)
        return badRequest(fields.error().message);
    if (std::optional<HttpResponse> error = resourceVersionParameterError(request))
        return *error;
    bool limitOk = true;
    const QString limitText = request.queryValue(QStringLiteral("limit"));
    const int limit = limitText.isEmpty() ? 0 : limitText.toInt(&limitOk);
    if (!limitOk || limit < 0)
        return badRequest(QStringLiteral("invalid limit \"%1\"").arg(limitText));

    QString listVersion = QString::number(m_store.resourceVersion());
    std::optional<ContinueToken> from;
    if (const QString text = request.queryValue(QStringLiteral("continue")); !text.isEmpty()) {
        from = decodeContinue(text);
        if (!from)
            return badRequest(QStringLiteral("continue key is not valid"));
        // Later: serve the continuation from the snapshot at from->resourceVersion (or 410).
        listVersion = from->resourceVersion;
    }

    QJsonArray items;
    QJsonObject listMetadata;
    int remaining = 0;
    QJsonObject lastReturned;
    for (const QJsonObject &object : m_store.list(type.storeKey(), type.namespaced ? path.namespace_ : QString())) {
        const QJsonObject metadata = metadataOf(object);
        if (from) {
            const auto key = std::pair(metadata.value(QStringLiteral("namespace")).toString(), metadata.value(QStringLiteral("name")).toString());
            if (key <= std::pair(from->namespace_, from->name))
                continue;
        }
        if (!labels->matches(metadata.value(QStringLiteral("labels")).toObject()) || !fields->matches(object))
            continue;
        if (limit > 0 && items.size() >= limit) {
            ++remaining;
            continue;
        }
        items.append(object);
        lastReturned = metadata;
    }
    listMetadata.insert(QStringLiteral("resourceVersion"), listVersion);
    if (remaining > 0) {
        listMetadata.insert(QStringLiteral("continue"),
                            encodeContinue({listVersion, lastReturned.value(QStringLiteral("namespace")).toString(),
                                            lastReturned.value(QStringLiteral("name")).toString()}));
        listMetadata.insert(QStringLiteral("remainingItemCount"), remaining);
    }
    return jsonResponse(200, QJsonObject{{QStringLiteral("kind"), type.kind + QStringLiteral("List")},
                                         {QStringLiteral("apiVersion"), type.groupVersion()},
                                         {kMetadata, listMetadata},
                                         {QStringLiteral("items"), items}});
}

HttpResponse ResourceHandlers::get(const ResourcePath &path) const
{
    const std::optional<QJsonObject> object = m_store.get(keyFor(*path.type, path.namespace_, path.name));
    if (!object)
        return notFound(*path.type, path.name);
    return jsonResponse(200, *object);
}

HttpResponse ResourceHandlers::create(const ResourcePath &path, const HttpRequest &request)
{
    QStringList warnings;
    HttpResponse response = createObject(path, request, warnings);
    return withWarnings(std::move(response), warnings);
}

HttpResponse ResourceHandlers::createObject(const ResourcePath &path, const HttpRequest &request, QStringList &warnings)
{
    const ResourceType &type = *path.type;
    auto parsed = parseBody(path, request, warnings);
    if (auto *error = std::get_if<HttpResponse>(&parsed))
        return *error;
    QJsonObject object = std::get<QJsonObject>(std::move(parsed));
    QJsonObject metadata = metadataOf(object);
    if (type.namespaced && !namespaceExists(path.namespace_))
        return notFound(*m_catalog.namespaces(), path.namespace_);
    if (!metadata.value(QStringLiteral("resourceVersion")).toString().isEmpty())
        return badRequest(QStringLiteral("resourceVersion should not be set on objects to be created"));
    QString name = metadata.value(QStringLiteral("name")).toString();
    const QString generateName = metadata.value(QStringLiteral("generateName")).toString();
    if (name.isEmpty() && !generateName.isEmpty()) {
        for (int attempt = 0; attempt < 8 && (name.isEmpty() || m_store.get(keyFor(type, path.namespace_, name))); ++attempt)
            name = generateName + generateSuffix();
        metadata.insert(QStringLiteral("name"), name);
        object.insert(kMetadata, metadata);
    }
    if (const QJsonArray causes = validateObjectMeta(type, object); !causes.isEmpty())
        return invalid(type, name, causes);
    if (m_store.get(keyFor(type, path.namespace_, name)))
        return alreadyExists(type, name);

    QJsonObject created = prepareForCreate(type, object);
    QJsonObject createdMetadata = metadataOf(created);
    createdMetadata.insert(QStringLiteral("managedFields"),
                           recordUpdate(metadata.value(QStringLiteral("managedFields")).toArray(), QJsonObject(), created,
                                        updateManagerOf(request), type.groupVersion()));
    created.insert(kMetadata, createdMetadata);
    return commitPut(keyFor(type, path.namespace_, name), created, request, 201, true);
}

HttpResponse ResourceHandlers::commitPut(const ObjectKey &key, QJsonObject object, const HttpRequest &request, int status, bool create)
{
    if (isDryRun(request)) {
        if (create) {
            QJsonObject dryMetadata = metadataOf(object);
            dryMetadata.insert(QStringLiteral("resourceVersion"), QString());
            object.insert(kMetadata, dryMetadata);
        }
        return jsonResponse(status, object);
    }
    QList<Mutation> mutations{Mutation{Mutation::Op::Put, key, object}};
    if (Status committed = m_store.commit(mutations); !committed)
        return storeFailure(committed.error());
    return jsonTextResponse(status, mutations.first().json);
}

HttpResponse ResourceHandlers::replace(const ResourcePath &path, const HttpRequest &request)
{
    QStringList warnings;
    HttpResponse response = replaceObject(path, request, warnings);
    return withWarnings(std::move(response), warnings);
}

HttpResponse ResourceHandlers::replaceObject(const ResourcePath &path, const HttpRequest &request, QStringList &warnings)
{
    const ResourceType &type = *path.type;
    auto parsed = parseBody(path, request, warnings);
    if (auto *error = std::get_if<HttpResponse>(&parsed))
        return *error;
    QJsonObject object = std::get<QJsonObject>(std::move(parsed));
    QJsonObject metadata = metadataOf(object);
    const QString bodyName = metadata.value(QStringLiteral("name")).toString();
    if (bodyName != path.name)
        return badRequest(QStringLiteral("the name of the object (%1) does not match the name on the URL (%2)").arg(bodyName, path.name));
    const ObjectKey key = keyFor(type, path.namespace_, path.name);
    const std::optional<QJsonObject> current = m_store.get(key);
    if (!current)
        return notFound(type, path.name);
    const QJsonObject currentMetadata = metadataOf(*current);
    const QString bodyVersion = metadata.value(QStringLiteral("resourceVersion")).toString();
    if (!bodyVersion.isEmpty() && bodyVersion != currentMetadata.value(QStringLiteral("resourceVersion")).toString())
        return conflict(type, path.name);
    if (const QJsonArray causes = validateObjectMeta(type, object); !causes.isEmpty())
        return invalid(type, path.name, causes);

    return finishUpdate(path, request, *current, object);
}

QJsonObject ResourceHandlers::prepareForUpdate(const ResourceType &type, const QJsonObject &current, QJsonObject object) const
{
    const QJsonObject currentMetadata = metadataOf(current);
    QJsonObject metadata = metadataOf(object);
    // Server-owned fields come from the stored object.
    for (const char *field : {"name", "namespace", "uid", "creationTimestamp", "resourceVersion", "generation", "deletionTimestamp"}) {
        const QString f = QString::fromLatin1(field);
        if (currentMetadata.contains(f))
            metadata.insert(f, currentMetadata.value(f));
        else
            metadata.remove(f);
    }
    if (type.hasGeneration && desiredState(object) != desiredState(current))
        metadata.insert(QStringLiteral("generation"), currentMetadata.value(QStringLiteral("generation")).toInteger(1) + 1);
    if (&type == m_catalog.namespaces()) {
        QJsonObject labels = metadata.value(QStringLiteral("labels")).toObject();
        labels.insert(QStringLiteral("kubernetes.io/metadata.name"), currentMetadata.value(QStringLiteral("name")));
        metadata.insert(QStringLiteral("labels"), labels);
    }
    object.insert(kMetadata, metadata);
    if (isSecret(type))
        convertSecret(object);
    if (type.hasStatusSubresource() || &type == m_catalog.namespaces()) {
        if (current.contains(QStringLiteral("status")))
            object.insert(QStringLiteral("status"), current.value(QStringLiteral("status")));
        else
            object.remove(QStringLiteral("status"));
    }
    return object;
}

HttpResponse ResourceHandlers::remove(const ResourcePath &path, const HttpRequest &request)
{
    const ResourceType &type = *path.type;
    auto parsed = deleteOptionsOf(request);
    if (auto *error = std::get_if<HttpResponse>(&parsed))
        return *error;
    const QJsonObject options = std::get<QJsonObject>(std::move(parsed));
    const ObjectKey key = keyFor(type, path.namespace_, path.name);
    const std::optional<QJsonObject> current = m_store.get(key);
    if (!current)
        return notFound(type, path.name);
    const QJsonObject currentMetadata = metadataOf(*current);
    const QJsonObject preconditions = options.value(QStringLiteral("preconditions")).toObject();
    const QString rv = preconditions.value(QStringLiteral("resourceVersion")).toString();
    const QString preconditionUid = preconditions.value(QStringLiteral("uid")).toString();
    if ((!rv.isEmpty() && rv != currentMetadata.value(QStringLiteral("resourceVersion")).toString())
        || (!preconditionUid.isEmpty() && preconditionUid != currentMetadata.value(QStringLiteral("uid")).toString()))
        return conflict(type, path.name);
    const QString uid = currentMetadata.value(QStringLiteral("uid")).toString();
    // kubectl delete --dry-run=server sends dryRun in the DeleteOptions, not the query.
    if (isDryRun(request) || options.value(QStringLiteral("dryRun")).toArray().contains(QStringLiteral("All")))
        return deleteSuccess(type, path.name, uid);

    QList<Mutation> mutations;
    if (&type == m_catalog.namespaces()) {
        // Instant cascade (kube-api.md §6.13 allows it); later: Terminating + async with events.
        for (const ObjectKey &inside : m_store.keysInNamespace(path.name))
            mutations << Mutation{Mutation::Op::Delete, inside, {}};
    }
    mutations << Mutation{Mutation::Op::Delete, key, {}};
    if (Status committed = m_store.commit(mutations); !committed)
        return storeFailure(committed.error());
    return deleteSuccess(type, path.name, uid);
}

} // namespace sluice::sandbox
