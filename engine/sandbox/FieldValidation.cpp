#include "FieldValidation.h"

#include "ApiStatus.h"
#include "ResourceCatalog.h"

#include <QHash>
#include <QJsonArray>
#include <QMutex>

#include <initializer_list>

namespace sluice::sandbox {

namespace {

const QString kProperties = QStringLiteral("properties");
const QString kItems = QStringLiteral("items");
const QString kAdditional = QStringLiteral("additionalProperties");
const QString kPreserve = QStringLiteral("x-kubernetes-preserve-unknown-fields");
const QString kEmbedded = QStringLiteral("x-kubernetes-embedded-resource");

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

QJsonObject listOf(const QJsonObject &items)
{
    return QJsonObject{{kItems, items}};
}

QJsonObject objectMeta()
{
    return fields({"name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation",
                   "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations",
                   "ownerReferences", "finalizers", "managedFields"});
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
        return fields({"data", "binaryData", "immutable"});
    if (kind == QLatin1String("Secret"))
        return fields({"data", "stringData", "type", "immutable"});
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

QString childPath(const QString &path, const QString &key)
{
    return path.isEmpty() ? key : path + QLatin1Char('.') + key;
}

QJsonValue prune(const QJsonValue &value, const QJsonObject &schema, const QString &path, QStringList &unknown)
{
    if (value.isObject()) {
        QJsonObject object = value.toObject();
        const bool preserve = schema.value(kPreserve).toBool();
        const bool checked = schema.contains(kProperties) && !preserve;
        QJsonObject properties = schema.value(kProperties).toObject();
        if (schema.value(kEmbedded).toBool() && checked) {
            for (const char *name : {"apiVersion", "kind"})
                properties.insert(QString::fromLatin1(name), properties.value(QString::fromLatin1(name)).toObject());
            properties.insert(QStringLiteral("metadata"), objectMeta());
        }
        const QJsonValue additional = schema.value(kAdditional);
        const QStringList keys = object.keys();
        for (const QString &key : keys) {
            const QString child = childPath(path, key);
            if (properties.contains(key)) {
                object.insert(key, prune(object.value(key), properties.value(key).toObject(), child, unknown));
            } else if (checked && !additional.isObject() && additional != QJsonValue(true)) {
                unknown.append(child);
                object.remove(key);
            } else if (additional.isObject()) {
                object.insert(key, prune(object.value(key), additional.toObject(), child, unknown));
            }
        }
        return object;
    }
    if (value.isArray() && schema.value(kItems).isObject()) {
        QJsonArray array = value.toArray();
        const QJsonObject items = schema.value(kItems).toObject();
        for (qsizetype i = 0; i < array.size(); ++i)
            array[i] = prune(array.at(i), items, path + QStringLiteral("[%1]").arg(i), unknown);
        return array;
    }
    return value;
}

QString quoted(const QString &text)
{
    QString escaped = text;
    escaped.replace(QLatin1Char('\\'), QStringLiteral("\\\\")).replace(QLatin1Char('"'), QStringLiteral("\\\""));
    return QLatin1Char('"') + escaped + QLatin1Char('"');
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

QStringList dropUnknownFields(const ResourceType &type, QJsonObject &object)
{
    QStringList unknown;
    object = prune(object, knownFieldSchema(type), QString(), unknown).toObject();
    return unknown;
}

std::optional<HttpResponse> enforceFieldValidation(const ResourceType &type, const HttpRequest &request,
                                                   QJsonObject &object, QStringList &warnings, UnknownFieldStyle style)
{
    auto directive = fieldValidationOf(request);
    if (auto *error = std::get_if<HttpResponse>(&directive))
        return *error;
    const QStringList unknown = dropUnknownFields(type, object);
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
    if (style == UnknownFieldStyle::Apply) {
        for (const QString &path : unknown)
            parts.append(QStringLiteral(".%1: field not declared in schema").arg(path));
        return badRequest(parts.join(QStringLiteral(", ")));
    }
    for (const QString &path : unknown)
        parts.append(QStringLiteral("unknown field %1").arg(quoted(path)));
    const QString decoding = QStringLiteral("strict decoding error: ") + parts.join(QStringLiteral(", "));
    if (style == UnknownFieldStyle::Patch)
        return badRequest(decoding);
    return badRequest(QStringLiteral("%1 in version \"%2\" cannot be handled as a %1: %3").arg(type.kind, type.version, decoding));
}

HttpResponse withWarnings(HttpResponse response, const QStringList &warnings)
{
    for (const QString &warning : warnings)
        response.headers.append({"Warning", "299 - " + quoted(warning).toUtf8()});
    return response;
}

} // namespace sluice::sandbox
