#include "CustomResources.h"

#include "HandlerSupport.h"
#include "StatusUpdate.h"

#include "core/Log.h"

#include <QJsonArray>
#include <QTimer>

namespace sluice::sandbox {

namespace {

const QString kMetadata = QStringLiteral("metadata");
const QString kSpec = QStringLiteral("spec");

QStringList stringList(const QJsonValue &value)
{
    QStringList result;
    for (const QJsonValue &v : value.toArray())
        result << v.toString();
    return result;
}

QJsonObject cause(const QString &message, const QString &field, const char *reason = "FieldValueInvalid")
{
    return QJsonObject{{QStringLiteral("reason"), QLatin1String(reason)}, {QStringLiteral("message"), message},
                       {QStringLiteral("field"), field}};
}

// spec.names with the server defaults (singular = lowercase kind, listKind = kind + "List").
QJsonObject defaultedNames(const QJsonObject &spec)
{
    QJsonObject names = spec.value(QStringLiteral("names")).toObject();
    const QString kind = names.value(QStringLiteral("kind")).toString();
    if (names.value(QStringLiteral("singular")).toString().isEmpty())
        names.insert(QStringLiteral("singular"), kind.toLower());
    if (names.value(QStringLiteral("listKind")).toString().isEmpty())
        names.insert(QStringLiteral("listKind"), kind + QStringLiteral("List"));
    return names;
}

const QStringList kVerbs{QStringLiteral("delete"), QStringLiteral("deletecollection"), QStringLiteral("get"),
                         QStringLiteral("list"), QStringLiteral("patch"), QStringLiteral("create"),
                         QStringLiteral("update"), QStringLiteral("watch")};

} // namespace

QJsonArray validateCustomResourceDefinition(const QJsonObject &crd)
{
    QJsonArray causes;
    const QJsonObject spec = crd.value(kSpec).toObject();
    const QJsonObject names = spec.value(QStringLiteral("names")).toObject();
    const QString group = spec.value(QStringLiteral("group")).toString();
    const QString plural = names.value(QStringLiteral("plural")).toString();
    const QString name = crd.value(kMetadata).toObject().value(QStringLiteral("name")).toString();
    if (group.isEmpty())
        causes.append(cause(QStringLiteral("Required value"), QStringLiteral("spec.group"), "FieldValueRequired"));
    if (plural.isEmpty())
        causes.append(cause(QStringLiteral("Required value"), QStringLiteral("spec.names.plural"), "FieldValueRequired"));
    if (names.value(QStringLiteral("kind")).toString().isEmpty())
        causes.append(cause(QStringLiteral("Required value"), QStringLiteral("spec.names.kind"), "FieldValueRequired"));
    if (name != plural + QLatin1Char('.') + group)
        causes.append(cause(QStringLiteral("Invalid value: \"%1\": must be spec.names.plural+\".\"+spec.group").arg(name),
                            QStringLiteral("metadata.name")));
    const QString scope = spec.value(QStringLiteral("scope")).toString();
    if (scope != QLatin1String("Namespaced") && scope != QLatin1String("Cluster"))
        causes.append(cause(QStringLiteral("Unsupported value: \"%1\": supported values: \"Cluster\", \"Namespaced\"").arg(scope),
                            QStringLiteral("spec.scope"), "FieldValueNotSupported"));
    bool served = false;
    for (const QJsonValue &version : spec.value(QStringLiteral("versions")).toArray())
        served |= version.toObject().value(QStringLiteral("served")).toBool();
    if (!served)
        causes.append(cause(QStringLiteral("Invalid value: must have at least one served version"), QStringLiteral("spec.versions")));
    return causes;
}

QList<ResourceType> customResourceTypes(const QJsonObject &crd)
{
    const QJsonObject spec = crd.value(kSpec).toObject();
    const QJsonObject names = defaultedNames(spec);
    QList<ResourceType> types;
    for (const QJsonValue &versionValue : spec.value(QStringLiteral("versions")).toArray()) {
        const QJsonObject version = versionValue.toObject();
        if (!version.value(QStringLiteral("served")).toBool())
            continue;
        ResourceType t;
        t.group = spec.value(QStringLiteral("group")).toString();
        t.version = version.value(QStringLiteral("name")).toString();
        t.kind = names.value(QStringLiteral("kind")).toString();
        t.plural = names.value(QStringLiteral("plural")).toString();
        t.singular = names.value(QStringLiteral("singular")).toString();
        t.namespaced = spec.value(QStringLiteral("scope")).toString() != QLatin1String("Cluster");
        t.verbs = kVerbs;
        t.shortNames = stringList(names.value(QStringLiteral("shortNames")));
        t.categories = stringList(names.value(QStringLiteral("categories")));
        const QJsonObject subresources = version.value(QStringLiteral("subresources")).toObject();
        if (subresources.contains(QStringLiteral("scale")))
            t.subresources << QStringLiteral("scale");
        if (subresources.contains(QStringLiteral("status")))
            t.subresources << QStringLiteral("status");
        t.hasGeneration = true; // custom objects always carry metadata.generation
        for (const QJsonValue &columnValue : version.value(QStringLiteral("additionalPrinterColumns")).toArray()) {
            const QJsonObject c = columnValue.toObject();
            t.printerColumns.append(PrinterColumn{c.value(QStringLiteral("name")).toString(), c.value(QStringLiteral("type")).toString(),
                                                  c.value(QStringLiteral("jsonPath")).toString(),
                                                  c.value(QStringLiteral("description")).toString(),
                                                  c.value(QStringLiteral("priority")).toInt()});
        }
        t.schema = version.value(QStringLiteral("schema")).toObject().value(QStringLiteral("openAPIV3Schema")).toObject();
        if (!t.version.isEmpty())
            types.append(t);
    }
    return types;
}

QJsonObject acceptedDefinitionStatus(const QJsonObject &crd)
{
    const QJsonObject spec = crd.value(kSpec).toObject();
    QJsonObject status = crd.value(QStringLiteral("status")).toObject();
    QJsonArray conditions = status.value(QStringLiteral("conditions")).toArray();
    conditions = withCondition(conditions, QStringLiteral("NamesAccepted"), QStringLiteral("True"), QStringLiteral("NoConflicts"),
                               QStringLiteral("no conflicts found"));
    conditions = withCondition(conditions, QStringLiteral("Established"), QStringLiteral("True"),
                               QStringLiteral("InitialNamesAccepted"), QStringLiteral("the initial names have been accepted"));
    status.insert(QStringLiteral("conditions"), conditions);
    status.insert(QStringLiteral("acceptedNames"), defaultedNames(spec));
    QJsonArray stored = status.value(QStringLiteral("storedVersions")).toArray();
    for (const QJsonValue &versionValue : spec.value(QStringLiteral("versions")).toArray()) {
        const QJsonObject version = versionValue.toObject();
        const QJsonValue name = version.value(QStringLiteral("name"));
        if (version.value(QStringLiteral("storage")).toBool() && !stored.contains(name))
            stored.append(name);
    }
    status.insert(QStringLiteral("storedVersions"), stored);
    return status;
}

CustomResources::CustomResources(ObjectStore &store, ResourceCatalog &catalog, QObject *parent)
    : QObject(parent), m_store(store), m_catalog(catalog)
{
    m_store.addChangeListener([this](const ChangeEvent &event) { onChange(event); });
}

void CustomResources::registerStored()
{
    for (const QJsonObject &crd : m_store.list(kCustomResourceDefinitions)) {
        const QString name = crd.value(kMetadata).toObject().value(QStringLiteral("name")).toString();
        if (!validateCustomResourceDefinition(crd).isEmpty())
            continue;
        m_catalog.registerCustom(name, customResourceTypes(crd));
        m_pendingStatus.insert(name);
    }
    if (!m_pendingStatus.isEmpty())
        scheduleReconcile();
}

void CustomResources::onChange(const ChangeEvent &event)
{
    if (event.resource != kCustomResourceDefinitions)
        return;
    const QString name = event.object.value(kMetadata).toObject().value(QStringLiteral("name")).toString();
    if (event.type == ChangeEvent::Type::Deleted) {
        m_catalog.unregisterCustom(name);
        m_pendingStatus.remove(name);
        m_pendingCleanup.insert(name);
    } else if (validateCustomResourceDefinition(event.object).isEmpty()) {
        // A status-only write (ours included) changes nothing that is served.
        if (event.previous.isEmpty() || desiredState(event.previous) != desiredState(event.object))
            m_catalog.registerCustom(name, customResourceTypes(event.object));
        m_pendingStatus.insert(name);
    }
    scheduleReconcile();
}

void CustomResources::scheduleReconcile()
{
    if (m_scheduled)
        return;
    m_scheduled = true;
    QTimer::singleShot(0, this, &CustomResources::reconcile);
}

void CustomResources::reconcile()
{
    m_scheduled = false;
    const QSet<QString> cleanup = std::exchange(m_pendingCleanup, {});
    for (const QString &name : cleanup) {
        // The CRD name is the store key of its objects (`plural.group`). A CRD created again
        // under the same name before this ran keeps them, as a real server would not; rare.
        if (m_catalog.findByStoreKey(name))
            continue;
        QList<Mutation> deletes;
        for (const QJsonObject &object : m_store.list(name)) {
            const QJsonObject metadata = object.value(kMetadata).toObject();
            deletes.append(Mutation{Mutation::Op::Delete,
                                    ObjectKey{name, metadata.value(QStringLiteral("namespace")).toString(),
                                              metadata.value(QStringLiteral("name")).toString()},
                                    {}});
        }
        if (deletes.isEmpty())
            continue;
        if (Status deleted = m_store.commit(deletes); !deleted)
            qCWarning(lcSandbox).noquote() << "removing the objects of deleted CRD" << name << "failed:" << deleted.error().message;
    }
    const QSet<QString> pending = std::exchange(m_pendingStatus, {});
    for (const QString &name : pending) {
        const ObjectKey key{kCustomResourceDefinitions, QString(), name};
        const std::optional<QJsonObject> crd = m_store.get(key);
        if (!crd)
            continue;
        if (Status written = writeStatus(m_store, key, acceptedDefinitionStatus(*crd), QStringLiteral("kube-apiserver")); !written)
            qCWarning(lcSandbox).noquote() << "accepting CRD" << name << "failed:" << written.error().message;
    }
}

} // namespace sluice::sandbox
