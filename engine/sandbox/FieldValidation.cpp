#include "FieldValidation.h"

#include "ApiStatus.h"
#include "ResourceCatalog.h"

#include "core/JsonText.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMutex>

#include <initializer_list>

namespace sluice::sandbox {

namespace {

const QString kProperties = QStringLiteral("properties");
const QString kItems = QStringLiteral("items");
const QString kAdditional = QStringLiteral("additionalProperties");
const QString kPreserve = QStringLiteral("x-kubernetes-preserve-unknown-fields");
const QString kEmbedded = QStringLiteral("x-kubernetes-embedded-resource");
// Type annotations for the decode check (built-in schemas only): a field the API server decodes
// into this Go type, and an object node it decodes into this Go struct.
const QString kGoType = QStringLiteral("x-go-type");
const QString kGoStruct = QStringLiteral("x-go-struct");

// {properties: {f: {} …}}: an object whose listed fields accept anything below them.
QJsonObject fields(std::initializer_list<const char *> names)
{
    QJsonObject properties;
    for (const char *name : names)
        properties.insert(QString::fromLatin1(name), QJsonObject());
    return QJsonObject{{kProperties, properties}};
}

// `schema` with field `name` described by `sub`.
QJsonObject with(QJsonObject schema, const char *name, const QJsonObject &sub)
{
    QJsonObject properties = schema.value(kProperties).toObject();
    properties.insert(QString::fromLatin1(name), sub);
    schema.insert(kProperties, properties);
    return schema;
}

// `schema` with each listed field decoded into its Go type: string, bool, int64, []T, map[string]T,
// []uint8 (base64 text), or a named string type ("v1.SecretType").
QJsonObject withTypes(QJsonObject schema, std::initializer_list<std::pair<const char *, const char *>> goTypes)
{
    for (const auto &[name, goType] : goTypes)
        schema = with(schema, name, QJsonObject{{kGoType, QString::fromLatin1(goType)}});
    return schema;
}

QJsonObject goStruct(QJsonObject schema, const char *name)
{
    schema.insert(kGoStruct, QString::fromLatin1(name));
    return schema;
}

QJsonObject listOf(const QJsonObject &items)
{
    return QJsonObject{{kItems, items}};
}

QJsonObject objectMeta()
{
    const QJsonObject meta = withTypes(fields({"creationTimestamp", "deletionTimestamp", "ownerReferences", "managedFields"}),
                                       {{"name", "string"}, {"generateName", "string"}, {"namespace", "string"},
                                        {"selfLink", "string"}, {"uid", "types.UID"}, {"resourceVersion", "string"},
                                        {"generation", "int64"}, {"deletionGracePeriodSeconds", "int64"},
                                        {"labels", "map[string]string"}, {"annotations", "map[string]string"},
                                        {"finalizers", "[]string"}});
    return goStruct(meta, "v1.ObjectMeta");
}

QJsonObject container()
{
    return fields({"name", "image", "command", "args", "workingDir", "ports", "envFrom", "env", "resources",
                   "resizePolicy", "restartPolicy", "volumeMounts", "volumeDevices", "livenessProbe", "readinessProbe",
                   "startupProbe", "lifecycle", "terminationMessagePath", "terminationMessagePolicy", "imagePullPolicy",
                   "securityContext", "stdin", "stdinOnce", "tty"});
}

QJsonObject podSpec()
{
    QJsonObject spec = fields({"volumes", "initContainers", "containers", "ephemeralContainers", "restartPolicy",
                               "terminationGracePeriodSeconds", "activeDeadlineSeconds", "dnsPolicy", "nodeSelector",
                               "serviceAccountName", "serviceAccount", "automountServiceAccountToken", "nodeName",
                               "hostNetwork", "hostPID", "hostIPC", "shareProcessNamespace", "securityContext",
                               "imagePullSecrets", "hostname", "subdomain", "affinity", "schedulerName", "tolerations",
                               "hostAliases", "priorityClassName", "priority", "dnsConfig", "readinessGates",
                               "runtimeClassName", "enableServiceLinks", "preemptionPolicy", "overhead",
                               "topologySpreadConstraints", "setHostnameAsFQDN", "os", "hostUsers", "schedulingGates",
                               "resourceClaims", "resources"});
    spec = with(spec, "containers", listOf(container()));
    spec = with(spec, "initContainers", listOf(container()));
    return spec;
}

QJsonObject podTemplate()
{
    return with(with(fields({"metadata", "spec"}), "metadata", objectMeta()), "spec", podSpec());
}

QJsonObject jobSpec()
{
    QJsonObject spec = fields({"parallelism", "completions", "activeDeadlineSeconds", "podFailurePolicy", "successPolicy",
                               "backoffLimit", "backoffLimitPerIndex", "maxFailedIndexes", "selector", "manualSelector",
                               "template", "ttlSecondsAfterFinished", "completionMode", "suspend",
                               "podReplacementPolicy", "managedBy"});
    return with(spec, "template", podTemplate());
}

// The top-level fields besides apiVersion, kind and metadata, with what is known below them.
QJsonObject builtinRoot(const QString &kind)
{
    const auto specStatus = [](const QJsonObject &spec) { return with(fields({"spec", "status"}), "spec", spec); };
    if (kind == QLatin1String("Namespace"))
        return specStatus(fields({"finalizers"}));
    if (kind == QLatin1String("ConfigMap"))
        return withTypes(fields({}), {{"data", "map[string]string"}, {"binaryData", "map[string][]uint8"}, {"immutable", "bool"}});
    if (kind == QLatin1String("Secret")) {
        return withTypes(fields({}), {{"data", "map[string][]uint8"}, {"stringData", "map[string]string"},
                                      {"type", "v1.SecretType"}, {"immutable", "bool"}});
    }
    if (kind == QLatin1String("ServiceAccount"))
        return fields({"secrets", "imagePullSecrets", "automountServiceAccountToken"});
    if (kind == QLatin1String("Event"))
        return fields({"involvedObject", "reason", "message", "source", "firstTimestamp", "lastTimestamp", "count", "type",
                       "eventTime", "series", "action", "related", "reportingComponent", "reportingInstance"});
    if (kind == QLatin1String("Role"))
        return fields({"rules"});
    if (kind == QLatin1String("ClusterRole"))
        return fields({"rules", "aggregationRule"});
    if (kind == QLatin1String("RoleBinding") || kind == QLatin1String("ClusterRoleBinding"))
        return fields({"subjects", "roleRef"});
    if (kind == QLatin1String("Pod"))
        return specStatus(podSpec());
    if (kind == QLatin1String("Service")) {
        return specStatus(fields({"ports", "selector", "clusterIP", "clusterIPs", "type", "externalIPs", "sessionAffinity",
                                  "loadBalancerIP", "loadBalancerSourceRanges", "externalName", "externalTrafficPolicy",
                                  "healthCheckNodePort", "publishNotReadyAddresses", "sessionAffinityConfig",
                                  "ipFamilies", "ipFamilyPolicy", "allocateLoadBalancerNodePorts", "loadBalancerClass",
                                  "internalTrafficPolicy", "trafficDistribution"}));
    }
    if (kind == QLatin1String("PersistentVolumeClaim")) {
        return specStatus(fields({"accessModes", "selector", "resources", "volumeName", "storageClassName", "volumeMode",
                                  "dataSource", "dataSourceRef", "volumeAttributesClassName"}));
    }
    if (kind == QLatin1String("Deployment")) {
        return specStatus(with(fields({"replicas", "selector", "template", "strategy", "minReadySeconds",
                                       "revisionHistoryLimit", "paused", "progressDeadlineSeconds"}),
                               "template", podTemplate()));
    }
    if (kind == QLatin1String("StatefulSet")) {
        return specStatus(with(fields({"replicas", "selector", "template", "volumeClaimTemplates", "serviceName",
                                       "podManagementPolicy", "updateStrategy", "revisionHistoryLimit", "minReadySeconds",
                                       "persistentVolumeClaimRetentionPolicy", "ordinals"}),
                               "template", podTemplate()));
    }
    if (kind == QLatin1String("DaemonSet")) {
        return specStatus(with(fields({"selector", "template", "updateStrategy", "minReadySeconds", "revisionHistoryLimit"}),
                               "template", podTemplate()));
    }
    if (kind == QLatin1String("ReplicaSet"))
        return specStatus(with(fields({"replicas", "minReadySeconds", "selector", "template"}), "template", podTemplate()));
    if (kind == QLatin1String("Job"))
        return specStatus(jobSpec());
    if (kind == QLatin1String("CronJob")) {
        const QJsonObject jobTemplate = with(with(fields({"metadata", "spec"}), "metadata", objectMeta()), "spec", jobSpec());
        return specStatus(with(fields({"schedule", "timeZone", "startingDeadlineSeconds", "concurrencyPolicy", "suspend",
                                       "jobTemplate", "successfulJobsHistoryLimit", "failedJobsHistoryLimit"}),
                               "jobTemplate", jobTemplate));
    }
    if (kind == QLatin1String("Ingress"))
        return specStatus(fields({"ingressClassName", "defaultBackend", "tls", "rules"}));
    if (kind == QLatin1String("PodDisruptionBudget"))
        return specStatus(fields({"minAvailable", "selector", "maxUnavailable", "unhealthyPodEvictionPolicy"}));
    if (kind == QLatin1String("CustomResourceDefinition"))
        return specStatus(fields({"group", "names", "scope", "versions", "conversion", "preserveUnknownFields"}));
    return QJsonObject(); // unknown built-in kind: accept everything
}

// Adds apiVersion, kind and metadata (ObjectMeta) to a root schema that lists properties.
QJsonObject withTypeAndObjectMeta(QJsonObject root)
{
    if (!root.contains(kProperties))
        return root;
    root = with(root, "apiVersion", QJsonObject());
    root = with(root, "kind", QJsonObject());
    return with(root, "metadata", objectMeta());
}

// A step of the path to a pruned field, built into text only for an unknown field.
struct PrunePath
{
    const PrunePath *parent = nullptr;
    QStringView key;     // of a map entry or field; or
    qsizetype index = -1; // of a list item

    QString text() const
    {
        const QString base = parent ? parent->text() : QString();
        if (index >= 0)
            return base + QStringLiteral("[%1]").arg(index);
        return base.isEmpty() ? key.toString() : base + QLatin1Char('.') + key.toString();
    }
};

// `value` without the fields its schema does not know (their paths appended to `unknown`), or
// nothing when it has none: most objects are only looked at, not copied.
template<typename Value>
std::optional<QJsonValue> pruned(const Value &value, const QJsonObject &schema, const PrunePath *path, QStringList &unknown)
{
    const auto composite = [](const auto &v) { return v.isObject() || v.isArray(); };
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        const bool preserve = schema.value(kPreserve).toBool();
        const bool checked = schema.contains(kProperties) && !preserve;
        QJsonObject properties = schema.value(kProperties).toObject();
        if (schema.value(kEmbedded).toBool() && checked) {
            for (const char *name : {"apiVersion", "kind"})
                properties.insert(QString::fromLatin1(name), properties.value(QString::fromLatin1(name)).toObject());
            properties.insert(QStringLiteral("metadata"), objectMeta());
        }
        const QJsonValue additional = schema.value(kAdditional);
        const bool dropUnknown = checked && !additional.isObject() && additional != QJsonValue(true);
        std::optional<QJsonObject> result; // a copy, made at the first change
        for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
            const QString key = it.key();
            const PrunePath step{path, key};
            std::optional<QJsonValue> child;
            if (const auto property = properties.constFind(key); property != properties.constEnd()) {
                if (composite(it.value()))
                    child = pruned(it.value(), (*property).toObject(), &step, unknown);
            } else if (dropUnknown) {
                unknown.append(step.text());
                if (!result)
                    result = object;
                result->remove(key);
                continue;
            } else if (additional.isObject() && composite(it.value())) {
                child = pruned(it.value(), additional.toObject(), &step, unknown);
            }
            if (child) {
                if (!result)
                    result = object;
                result->insert(key, *child);
            }
        }
        return result ? std::optional<QJsonValue>(*result) : std::nullopt;
    }
    if (value.isArray() && schema.value(kItems).isObject()) {
        const QJsonArray array = value.toArray();
        const QJsonObject items = schema.value(kItems).toObject();
        std::optional<QJsonArray> result;
        qsizetype i = 0;
        for (auto it = array.constBegin(); it != array.constEnd(); ++it, ++i) {
            if (!composite(*it))
                continue;
            const PrunePath step{path, {}, i};
            if (std::optional<QJsonValue> item = pruned(*it, items, &step, unknown)) {
                if (!result)
                    result = array;
                (*result)[i] = *item;
            }
        }
        return result ? std::optional<QJsonValue>(*result) : std::nullopt;
    }
    return std::nullopt;
}

QString quoted(const QString &text)
{
    QString escaped = text;
    escaped.replace(QLatin1Char('\\'), QStringLiteral("\\\\")).replace(QLatin1Char('"'), QStringLiteral("\\\""));
    return QLatin1Char('"') + escaped + QLatin1Char('"');
}

// Where the decoder is: the innermost Go struct and the path of JSON field names through structs
// (encoding/json's "Go struct field ObjectMeta.metadata.labels"), and the full path with map keys
// and list indices (structured-merge-diff's ".metadata.labels.a", for server-side apply). A chain
// of steps, each pointing to its parent on the caller's stack: the texts are built only for an
// error.
struct DecodePosition
{
    enum class Step { Root, Field, Key, Index };
    const DecodePosition *parent = nullptr;
    Step step = Step::Root;
    QStringView name;  // a Field's or Key's
    qsizetype i = 0;   // an Index's
    QString goStruct;  // set where a Go struct starts

    static DecodePosition root(const QString &goStruct) { return {nullptr, Step::Root, {}, 0, goStruct}; }
    DecodePosition field(QStringView n) const { return {this, Step::Field, n, 0, {}}; }
    DecodePosition key(QStringView n) const { return {this, Step::Key, n, 0, {}}; }
    DecodePosition index(qsizetype n) const { return {this, Step::Index, {}, n, {}}; }

    QString path() const
    {
        const QString base = parent ? parent->path() : QString();
        switch (step) {
        case Step::Root: return base;
        case Step::Field:
        case Step::Key: return base + QLatin1Char('.') + name.toString();
        case Step::Index: return base + QStringLiteral("[%1]").arg(i);
        }
        return base;
    }
    QString goField() const
    {
        const QString base = parent ? parent->goField() : QString();
        if (step != Step::Field)
            return base;
        return base.isEmpty() ? name.toString() : base + QLatin1Char('.') + name.toString();
    }
    QString innermostStruct() const
    {
        for (const DecodePosition *at = this; at; at = at->parent) {
            if (!at->goStruct.isEmpty())
                return at->goStruct;
        }
        return {};
    }
};

QString jsonKind(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Bool: return QStringLiteral("bool");
    case QJsonValue::Double: return QStringLiteral("number");
    case QJsonValue::String: return QStringLiteral("string");
    case QJsonValue::Array: return QStringLiteral("array");
    case QJsonValue::Object: return QStringLiteral("object");
    default: return QStringLiteral("null");
    }
}

// The error for `value`, of a JSON type `goType` cannot hold. `schemaType` is what
// structured-merge-diff calls the expected type, for server-side apply.
QString mismatch(const QJsonValue &value, const QString &goType, const char *schemaType, const DecodePosition &at, DecodeStyle style)
{
    if (style == DecodeStyle::Apply) {
        QString got = QString::fromUtf8(json::compact(value));
        if (got.size() > 64)
            got = got.left(64) + QStringLiteral("...");
        return QStringLiteral("%1: expected %2, got %3").arg(at.path(), QLatin1String(schemaType), got);
    }
    return QStringLiteral("json: cannot unmarshal %1 into Go struct field %2.%3 of type %4")
        .arg(jsonKind(value), at.innermostStruct(), at.goField(), goType);
}

// Go's base64.StdEncoding.Decode (what encoding/json uses for []byte): the input byte its
// CorruptInputError names, or -1 when `text` decodes. Padding is required; \r and \n are skipped.
qsizetype illegalBase64Offset(const QByteArray &text)
{
    const auto inAlphabet = [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
    };
    const auto isNewline = [](char c) { return c == '\n' || c == '\r'; };
    const auto skipNewlines = [&](qsizetype i) {
        while (i < text.size() && isNewline(text[i]))
            ++i;
        return i;
    };
    qsizetype i = 0;
    while (true) {
        for (int j = 0; j < 4; ++j) { // one quantum of four characters
            if (i == text.size())
                return j == 0 ? -1 : i - j;
            const char c = text[i++];
            if (inAlphabet(c))
                continue;
            if (isNewline(c)) {
                --j;
                continue;
            }
            if (c != '=' || j < 2)
                return i - 1;
            if (j == 2) { // a second '=' must follow
                i = skipNewlines(i);
                if (i == text.size())
                    return i;
                if (text[i++] != '=')
                    return i - 2;
            }
            i = skipNewlines(i);
            return i < text.size() ? i : -1; // nothing may follow the padding
        }
    }
}

// The first value under `at` that does not decode into `goType`, or nullopt; null decodes into
// anything. `Value` is a QJsonValue or a reference into a container (not copied out).
template<typename Value>
std::optional<QString> goTypeError(const Value &value, const QString &goType, const DecodePosition &at, DecodeStyle style)
{
    if (value.isNull())
        return std::nullopt;
    if (goType.startsWith(QLatin1String("map[string]"))) {
        if (!value.isObject())
            return mismatch(value, goType, "map", at, style);
        const QString element = goType.mid(int(qstrlen("map[string]")));
        const QJsonObject map = value.toObject();
        for (auto it = map.constBegin(); it != map.constEnd(); ++it) {
            const QString key = it.key();
            if (std::optional<QString> error = goTypeError(it.value(), element, at.key(key), style))
                return error;
        }
        return std::nullopt;
    }
    if (goType == QLatin1String("[]uint8")) {
        if (!value.isString())
            return mismatch(value, goType, "string", at, style);
        const qsizetype offset = illegalBase64Offset(value.toString().toUtf8());
        if (offset < 0)
            return std::nullopt;
        const QString why = QStringLiteral("illegal base64 data at input byte %1").arg(offset);
        return style == DecodeStyle::Apply ? at.path() + QStringLiteral(": ") + why : why;
    }
    if (goType.startsWith(QLatin1String("[]"))) {
        if (!value.isArray())
            return mismatch(value, goType, "list", at, style);
        const QString element = goType.mid(2);
        const QJsonArray list = value.toArray();
        qsizetype i = 0;
        for (auto it = list.constBegin(); it != list.constEnd(); ++it, ++i) {
            if (std::optional<QString> error = goTypeError(*it, element, at.index(i), style))
                return error;
        }
        return std::nullopt;
    }
    if (goType == QLatin1String("bool"))
        return value.isBool() ? std::nullopt : std::optional(mismatch(value, goType, "boolean", at, style));
    if (goType.startsWith(QLatin1String("int")))
        return value.isDouble() ? std::nullopt : std::optional(mismatch(value, goType, "numeric (int or float)", at, style));
    return value.isString() ? std::nullopt : std::optional(mismatch(value, goType, "string", at, style));
}

// The first field of `value` whose JSON type its x-go-type or x-go-struct annotation rejects.
template<typename Value>
std::optional<QString> typeError(const Value &value, const QJsonObject &schema, DecodePosition at, DecodeStyle style)
{
    if (const QString goType = schema.value(kGoType).toString(); !goType.isEmpty())
        return goTypeError(value, goType, at, style);
    if (const QString structType = schema.value(kGoStruct).toString(); !structType.isEmpty()) {
        if (!value.isObject() && !value.isNull())
            return mismatch(value, structType, "map", at, style);
        at.goStruct = structType.section(QLatin1Char('.'), -1);
    }
    if (value.isObject()) {
        const QJsonObject properties = schema.value(kProperties).toObject();
        const QJsonObject object = value.toObject();
        for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
            const QString key = it.key();
            const auto property = properties.constFind(key);
            if (property == properties.constEnd())
                continue;
            if (std::optional<QString> error = typeError(it.value(), (*property).toObject(), at.field(key), style))
                return error;
        }
    } else if (value.isArray() && schema.value(kItems).isObject()) {
        const QJsonObject items = schema.value(kItems).toObject();
        const QJsonArray list = value.toArray();
        qsizetype i = 0;
        for (auto it = list.constBegin(); it != list.constEnd(); ++it, ++i) {
            if (std::optional<QString> error = typeError(*it, items, at.index(i), style))
                return error;
        }
    }
    return std::nullopt;
}

// meta/v1 DeleteOptions, the body of a DELETE.
QJsonObject deleteOptionsSchema()
{
    const QJsonObject preconditions = goStruct(withTypes(fields({}), {{"uid", "types.UID"}, {"resourceVersion", "string"}}),
                                               "v1.Preconditions");
    return with(withTypes(fields({"apiVersion", "kind"}), {{"gracePeriodSeconds", "int64"}, {"orphanDependents", "bool"},
                                                          {"propagationPolicy", "v1.DeletionPropagation"}, {"dryRun", "[]string"}}),
                "preconditions", preconditions);
}

// The answer to a body whose field `why` names does not decode, worded per request kind.
HttpResponse undecodableResponse(const ResourceType &type, const QJsonObject &object, const QString &why, DecodeStyle style)
{
    switch (style) {
    case DecodeStyle::Decode:
        return cannotBeHandled(type, why);
    case DecodeStyle::Patch:
        return invalidPatch(QJsonDocument(object).toJson(QJsonDocument::Compact), why);
    case DecodeStyle::Apply:
        break;
    }
    return badRequest(why);
}

} // namespace

std::variant<FieldValidation, HttpResponse> fieldValidationOf(const HttpRequest &request)
{
    const QString value = request.queryValue(QStringLiteral("fieldValidation"));
    if (value.isEmpty() || value == QLatin1String("Warn"))
        return FieldValidation::Warn;
    if (value == QLatin1String("Strict"))
        return FieldValidation::Strict;
    if (value == QLatin1String("Ignore"))
        return FieldValidation::Ignore;
    return badRequest(QStringLiteral("fieldValidation: Unsupported value: %1: supported values: \"Ignore\", \"Strict\", \"Warn\"")
                          .arg(quoted(value)));
}

QJsonObject knownFieldSchema(const ResourceType &type)
{
    if (type.isCustom()) {
        if (type.schema.value(kPreserve).toBool())
            return QJsonObject();
        return withTypeAndObjectMeta(type.schema);
    }
    static QMutex mutex;
    static QHash<QString, QJsonObject> cache;
    const QMutexLocker locker(&mutex);
    auto it = cache.constFind(type.kind);
    if (it == cache.constEnd())
        it = cache.insert(type.kind, withTypeAndObjectMeta(builtinRoot(type.kind)));
    return *it;
}

std::optional<HttpResponse> decodeObject(const ResourceType &type, const HttpRequest &request, QJsonObject &object,
                                         QStringList &warnings, DecodeStyle style)
{
    auto directive = fieldValidationOf(request);
    if (auto *error = std::get_if<HttpResponse>(&directive))
        return *error;
    const QJsonObject schema = knownFieldSchema(type);
    if (std::optional<QString> error = typeError(QJsonValue(object), schema, DecodePosition::root(type.kind), style))
        return undecodableResponse(type, object, *error, style);
    QStringList unknown;
    if (std::optional<QJsonValue> known = pruned(QJsonValue(object), schema, nullptr, unknown))
        object = known->toObject();
    if (unknown.isEmpty())
        return std::nullopt;
    switch (std::get<FieldValidation>(directive)) {
    case FieldValidation::Ignore:
        return std::nullopt;
    case FieldValidation::Warn:
        for (const QString &path : unknown)
            warnings.append(QStringLiteral("unknown field %1").arg(quoted(path)));
        return std::nullopt;
    case FieldValidation::Strict:
        break;
    }
    QStringList parts;
    if (style == DecodeStyle::Apply) {
        for (const QString &path : unknown)
            parts.append(QStringLiteral(".%1: field not declared in schema").arg(path));
        return badRequest(parts.join(QStringLiteral(", ")));
    }
    for (const QString &path : unknown)
        parts.append(QStringLiteral("unknown field %1").arg(quoted(path)));
    const QString decoding = QStringLiteral("strict decoding error: ") + parts.join(QStringLiteral(", "));
    if (style == DecodeStyle::Patch)
        return badRequest(decoding);
    return cannotBeHandled(type, decoding);
}

std::optional<QString> deleteOptionsError(const QJsonObject &options)
{
    return typeError(QJsonValue(options), deleteOptionsSchema(), DecodePosition::root(QStringLiteral("DeleteOptions")), DecodeStyle::Decode);
}

HttpResponse withWarnings(HttpResponse response, const QStringList &warnings)
{
    for (const QString &warning : warnings)
        response.headers.append({"Warning", "299 - " + quoted(warning).toUtf8()});
    return response;
}

} // namespace sluice::sandbox
