#include "ObjectValidation.h"

#include "CustomResources.h"
#include "ResourceCatalog.h"

#include "core/JsonText.h"

#include <QJsonDocument>
#include <QRegularExpression>

namespace sluice::sandbox {

namespace {

QJsonObject cause(const QString &reason, const QString &message, const QString &field)
{
    return QJsonObject{{QStringLiteral("reason"), reason}, {QStringLiteral("message"), message}, {QStringLiteral("field"), field}};
}

} // namespace

QJsonArray validateObjectMeta(const ResourceType &type, const QJsonObject &object)
{
    static const QRegularExpression label(QStringLiteral("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"));
    static const QRegularExpression subdomain(QStringLiteral("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"));
    const QJsonObject metadata = object.value(QStringLiteral("metadata")).toObject();
    const QString name = metadata.value(QStringLiteral("name")).toString();
    QJsonArray causes;
    if (name.isEmpty()) {
        causes.append(cause(QStringLiteral("FieldValueRequired"), QStringLiteral("Required value: name or generateName is required"),
                            QStringLiteral("metadata.name")));
        return causes;
    }
    // RBAC objects ("system:aggregate-to-view") and custom resources only need a valid path
    // segment, as on a real API server.
    if (type.group == QLatin1String("rbac.authorization.k8s.io") || !type.definition.isEmpty()) {
        if (name == QLatin1String(".") || name == QLatin1String("..") || name.contains(QLatin1Char('/')) ||
            name.contains(QLatin1Char('%')))
            causes.append(cause(QStringLiteral("FieldValueInvalid"),
                                QStringLiteral("Invalid value: \"%1\": may not be '.' or '..', and may not contain '/' or '%'").arg(name),
                                QStringLiteral("metadata.name")));
        return causes;
    }
    const bool isLabel = type.plural == QLatin1String("namespaces") && type.group.isEmpty();
    const bool ok = isLabel ? (name.size() <= 63 && label.match(name).hasMatch())
                            : (name.size() <= 253 && subdomain.match(name).hasMatch());
    if (!ok) {
        const QString why = isLabel
            ? QStringLiteral("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
                             "start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for "
                             "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")
            : QStringLiteral("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                             "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
                             "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
        causes.append(cause(QStringLiteral("FieldValueInvalid"), QStringLiteral("Invalid value: \"%1\": %2").arg(name, why),
                            QStringLiteral("metadata.name")));
    }
    if (type.storeKey() == kCustomResourceDefinitions) {
        for (const QJsonValue &c : validateCustomResourceDefinition(object))
            causes.append(c);
    }
    return causes;
}

QJsonArray validateImmutableFields(const ResourceType &type, const QJsonObject &current, const QJsonObject &updated)
{
    QJsonArray causes;
    auto immutable = [&](const QString &path, const QJsonValue &before, const QJsonValue &after, const QString &suffix = {}) {
        if (before != after)
            causes.append(cause(QStringLiteral("FieldValueInvalid"),
                                QStringLiteral("Invalid value: %1: field is immutable%2")
                                    .arg(QString::fromUtf8(json::compact(after)), suffix),
                                path));
    };
    const QJsonObject specBefore = current.value(QStringLiteral("spec")).toObject();
    const QJsonObject specAfter = updated.value(QStringLiteral("spec")).toObject();
    const QString &kind = type.kind;
    if (type.group == QLatin1String("apps") &&
        (kind == QLatin1String("Deployment") || kind == QLatin1String("StatefulSet") || kind == QLatin1String("DaemonSet") ||
         kind == QLatin1String("ReplicaSet")))
        immutable(QStringLiteral("spec.selector"), specBefore.value(QStringLiteral("selector")), specAfter.value(QStringLiteral("selector")));
    if (type.group == QLatin1String("batch") && kind == QLatin1String("Job")) {
        immutable(QStringLiteral("spec.selector"), specBefore.value(QStringLiteral("selector")), specAfter.value(QStringLiteral("selector")));
        immutable(QStringLiteral("spec.template"), specBefore.value(QStringLiteral("template")), specAfter.value(QStringLiteral("template")));
    }
    if (type.group.isEmpty() && kind == QLatin1String("Service") && !specBefore.value(QStringLiteral("clusterIP")).toString().isEmpty() &&
        specAfter.contains(QStringLiteral("clusterIP")))
        immutable(QStringLiteral("spec.clusterIP"), specBefore.value(QStringLiteral("clusterIP")), specAfter.value(QStringLiteral("clusterIP")));
    if (type.group.isEmpty() && (kind == QLatin1String("ConfigMap") || kind == QLatin1String("Secret")) &&
        current.value(QStringLiteral("immutable")).toBool()) {
        for (const char *field : {"data", "binaryData", "immutable"})
            immutable(QLatin1String(field), current.value(QLatin1String(field)), updated.value(QLatin1String(field)),
                      QStringLiteral(" when `immutable` is set"));
    }
    return causes;
}

} // namespace sluice::sandbox
