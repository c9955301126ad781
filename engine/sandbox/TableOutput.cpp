#include "TableOutput.h"

#include "core/JsonText.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

#include <functional>

namespace sluice::sandbox {

namespace {

const QString kMetadata = QStringLiteral("metadata");

struct Column
{
    QString name;
    QString type; // string, integer, number, boolean, date
    QString format;
    QString description;
    int priority = 0;
};

using CellFunction = std::function<QJsonValue(const QJsonObject &object, const QDateTime &now)>;

struct Printer
{
    QList<Column> columns;
    QList<CellFunction> cells; // one per column
};

QJsonObject objectAt(const QJsonObject &object, std::initializer_list<const char *> path)
{
    QJsonObject current = object;
    for (const char *key : path)
        current = current.value(QLatin1String(key)).toObject();
    return current;
}

qint64 intAt(const QJsonObject &object, const char *key, qint64 fallback = 0)
{
    return object.value(QLatin1String(key)).toInteger(fallback);
}

QString stringOr(const QJsonObject &object, const char *key, const QString &fallback)
{
    const QString value = object.value(QLatin1String(key)).toString();
    return value.isEmpty() ? fallback : value;
}

QJsonValue nameCell(const QJsonObject &object, const QDateTime &)
{
    return object.value(kMetadata).toObject().value(QStringLiteral("name"));
}

QJsonValue ageCell(const QJsonObject &object, const QDateTime &now)
{
    const QDateTime created = QDateTime::fromString(object.value(kMetadata).toObject().value(QStringLiteral("creationTimestamp")).toString(),
                                                    Qt::ISODate);
    if (!created.isValid())
        return QStringLiteral("<unknown>");
    return humanDuration(created.secsTo(now));
}

int keyCount(const QJsonObject &object, std::initializer_list<const char *> fields)
{
    QSet<QString> keys;
    for (const char *field : fields) {
        for (const QString &key : object.value(QLatin1String(field)).toObject().keys())
            keys.insert(key);
    }
    return int(keys.size());
}

Column nameColumn()
{
    return {QStringLiteral("Name"), QStringLiteral("string"), QStringLiteral("name"),
            QStringLiteral("Name must be unique within a namespace. More info: "
                           "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names")};
}

Column ageColumn()
{
    return {QStringLiteral("Age"), QStringLiteral("string"), QString(),
            QStringLiteral("CreationTimestamp is a timestamp representing the server time when this object was created.")};
}

Column column(const char *name, const char *type, const char *description)
{
    return {QLatin1String(name), QLatin1String(type), QString(), QLatin1String(description)};
}

QString servicePorts(const QJsonObject &spec)
{
    QStringList ports;
    for (const QJsonValue &value : spec.value(QStringLiteral("ports")).toArray()) {
        const QJsonObject port = value.toObject();
        QString text = QString::number(intAt(port, "port"));
        if (const qint64 nodePort = intAt(port, "nodePort"); nodePort > 0)
            text += QLatin1Char(':') + QString::number(nodePort);
        ports << text + QLatin1Char('/') + stringOr(port, "protocol", QStringLiteral("TCP"));
    }
    return ports.isEmpty() ? QStringLiteral("<none>") : ports.join(QLatin1Char(','));
}

QString serviceExternalIp(const QJsonObject &service)
{
    const QJsonObject spec = service.value(QStringLiteral("spec")).toObject();
    const QString type = stringOr(spec, "type", QStringLiteral("ClusterIP"));
    QStringList ips;
    for (const QJsonValue &ip : spec.value(QStringLiteral("externalIPs")).toArray())
        ips << ip.toString();
    if (type == QLatin1String("ExternalName"))
        return spec.value(QStringLiteral("externalName")).toString();
    if (type == QLatin1String("LoadBalancer")) {
        for (const QJsonValue &ingress : objectAt(service, {"status", "loadBalancer"}).value(QStringLiteral("ingress")).toArray()) {
            const QJsonObject i = ingress.toObject();
            ips << stringOr(i, "ip", i.value(QStringLiteral("hostname")).toString());
        }
        if (ips.isEmpty())
            return QStringLiteral("<pending>");
    }
    return ips.isEmpty() ? QStringLiteral("<none>") : ips.join(QLatin1Char(','));
}

// Columns as k8s.io/kubernetes/pkg/printers/internalversion prints them (the wide-only ones
// are left out).
// The value at a simple JSONPath (`.status.replicas`); null when absent or not simple.
QJsonValue valueAtJsonPath(const QJsonObject &object, const QString &jsonPath)
{
    if (!jsonPath.startsWith(QLatin1Char('.')))
        return QJsonValue::Null;
    QJsonValue node = object;
    for (const QString &key : jsonPath.mid(1).split(QLatin1Char('.'))) {
        if (!node.isObject() || key.isEmpty())
            return QJsonValue::Null;
        node = node.toObject().value(key);
    }
    return node.isUndefined() ? QJsonValue(QJsonValue::Null) : node;
}

// A custom resource: Name, the CRD's additionalPrinterColumns, Age (as apiextensions-apiserver).
Printer customPrinter(const ResourceType &type)
{
    Printer p;
    p.columns << nameColumn();
    p.cells << nameCell;
    bool hasAge = false;
    for (const PrinterColumn &c : type.printerColumns) {
        p.columns << Column{c.name, c.type, QString(), c.description, c.priority};
        const QString jsonPath = c.jsonPath;
        if (c.type == QLatin1String("date")) {
            // The server shows dates as ages ("5m"), as apiextensions-apiserver does.
            p.cells << [jsonPath](const QJsonObject &o, const QDateTime &now) -> QJsonValue {
                const QDateTime when = QDateTime::fromString(valueAtJsonPath(o, jsonPath).toString(), Qt::ISODate);
                return when.isValid() ? QJsonValue(humanDuration(when.secsTo(now))) : QJsonValue(QStringLiteral("<unknown>"));
            };
        } else {
            p.cells << [jsonPath](const QJsonObject &o, const QDateTime &) { return valueAtJsonPath(o, jsonPath); };
        }
        hasAge |= jsonPath == QLatin1String(".metadata.creationTimestamp");
    }
    if (!hasAge) {
        p.columns << ageColumn();
        p.cells << ageCell;
    }
    return p;
}

Printer printerFor(const ResourceType &type)
{
    if (type.isCustom())
        return customPrinter(type);
    Printer p;
    p.columns << nameColumn();
    p.cells << nameCell;
    const QString key = type.storeKey();
    if (key == QLatin1String("namespaces")) {
        p.columns << column("Status", "string", "The status of the namespace");
        p.cells << [](const QJsonObject &o, const QDateTime &) -> QJsonValue {
            return stringOr(o.value(QStringLiteral("status")).toObject(), "phase", QStringLiteral("Active"));
        };
    } else if (key == QLatin1String("configmaps")) {
        p.columns << column("Data", "integer", "Number of data entries");
        p.cells << [](const QJsonObject &o, const QDateTime &) -> QJsonValue { return keyCount(o, {"data", "binaryData"}); };
    } else if (key == QLatin1String("secrets")) {
        p.columns << column("Type", "string", "The type of the secret") << column("Data", "integer", "Number of data entries");
        p.cells << [](const QJsonObject &o, const QDateTime &) -> QJsonValue { return stringOr(o, "type", QStringLiteral("Opaque")); }
                << [](const QJsonObject &o, const QDateTime &) -> QJsonValue { return keyCount(o, {"data", "stringData"}); };
    } else if (key == QLatin1String("services")) {
        p.columns << column("Type", "string", "The type of the service") << column("Cluster-IP", "string", "The IP of the service")
                  << column("External-IP", "string", "The external IPs of the service")
                  << column("Port(s)", "string", "The ports of the service");
        p.cells << [](const QJsonObject &o, const QDateTime &) -> QJsonValue {
            return stringOr(o.value(QStringLiteral("spec")).toObject(), "type", QStringLiteral("ClusterIP"));
        } << [](const QJsonObject &o, const QDateTime &) -> QJsonValue {
            return stringOr(o.value(QStringLiteral("spec")).toObject(), "clusterIP", QStringLiteral("<none>"));
        } << [](const QJsonObject &o, const QDateTime &) -> QJsonValue { return serviceExternalIp(o); }
                << [](const QJsonObject &o, const QDateTime &) -> QJsonValue { return servicePorts(o.value(QStringLiteral("spec")).toObject()); };
    } else if (key == QLatin1String("deployments.apps")) {
        p.columns << column("Ready", "string", "Number of the pod with ready state")
                  << column("Up-to-date", "string", "Total number of non-terminated pods targeted by this deployment that have the desired template spec.")
                  << column("Available", "string", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.");
        p.cells << [](const QJsonObject &o, const QDateTime &) -> QJsonValue {
            const qint64 desired = intAt(o.value(QStringLiteral("spec")).toObject(), "replicas", 1);
            return QStringLiteral("%1/%2").arg(intAt(o.value(QStringLiteral("status")).toObject(), "readyReplicas")).arg(desired);
        } << [](const QJsonObject &o, const QDateTime &) -> QJsonValue {
            return intAt(o.value(QStringLiteral("status")).toObject(), "updatedReplicas");
        } << [](const QJsonObject &o, const QDateTime &) -> QJsonValue {
            return intAt(o.value(QStringLiteral("status")).toObject(), "availableReplicas");
        };
    } else if (key == QLatin1String("pods")) {
        p.columns << column("Ready", "string", "The aggregate readiness state of this pod for accepting traffic.")
                  << column("Status", "string", "The aggregate status of the containers in this pod.")
                  << column("Restarts", "string", "The number of times the containers in this pod have been restarted.");
        p.cells << [](const QJsonObject &o, const QDateTime &) -> QJsonValue {
            int ready = 0;
            for (const QJsonValue &s : o.value(QStringLiteral("status")).toObject().value(QStringLiteral("containerStatuses")).toArray())
                ready += s.toObject().value(QStringLiteral("ready")).toBool() ? 1 : 0;
            const qsizetype total = o.value(QStringLiteral("spec")).toObject().value(QStringLiteral("containers")).toArray().size();
            return QStringLiteral("%1/%2").arg(ready).arg(total);
        } << [](const QJsonObject &o, const QDateTime &) -> QJsonValue {
            if (o.value(kMetadata).toObject().contains(QStringLiteral("deletionTimestamp")))
                return QStringLiteral("Terminating");
            const QJsonObject status = o.value(QStringLiteral("status")).toObject();
            return stringOr(status, "reason", stringOr(status, "phase", QStringLiteral("Pending")));
        } << [](const QJsonObject &o, const QDateTime &) -> QJsonValue {
            qint64 restarts = 0;
            for (const QJsonValue &s : o.value(QStringLiteral("status")).toObject().value(QStringLiteral("containerStatuses")).toArray())
                restarts += intAt(s.toObject(), "restartCount");
            return QString::number(restarts);
        };
    }
    p.columns << ageColumn();
    p.cells << ageCell;
    return p;
}

QJsonObject rowObject(const QJsonObject &object, IncludeObject include)
{
    if (include == IncludeObject::Object)
        return object;
    return QJsonObject{{QStringLiteral("kind"), QStringLiteral("PartialObjectMetadata")},
                       {QStringLiteral("apiVersion"), QStringLiteral("meta.k8s.io/v1")},
                       {kMetadata, object.value(kMetadata)}};
}

} // namespace

bool acceptsTable(const QByteArray &accept)
{
    for (const QByteArray &range : accept.split(',')) {
        QSet<QByteArray> parameters;
        const QList<QByteArray> parts = range.split(';');
        if (parts.first().trimmed().toLower() != "application/json")
            continue;
        for (qsizetype i = 1; i < parts.size(); ++i)
            parameters.insert(parts[i].trimmed());
        if (parameters.contains("as=Table") && parameters.contains("v=v1") && parameters.contains("g=meta.k8s.io"))
            return true;
    }
    return false;
}

IncludeObject includeObjectOf(const HttpRequest &request)
{
    const QString value = request.queryValue(QStringLiteral("includeObject"));
    if (value == QLatin1String("None"))
        return IncludeObject::None;
    if (value == QLatin1String("Object"))
        return IncludeObject::Object;
    return IncludeObject::Metadata;
}

QString humanDuration(qint64 seconds)
{
    // k8s.io/apimachinery/pkg/util/duration.HumanDuration
    if (seconds < -1)
        return QStringLiteral("<invalid>");
    if (seconds < 0)
        return QStringLiteral("0s");
    if (seconds < 60 * 2)
        return QStringLiteral("%1s").arg(seconds);
    const qint64 minutes = seconds / 60;
    if (minutes < 10) {
        const qint64 s = seconds % 60;
        return s == 0 ? QStringLiteral("%1m").arg(minutes) : QStringLiteral("%1m%2s").arg(minutes).arg(s);
    }
    if (minutes < 60 * 3)
        return QStringLiteral("%1m").arg(minutes);
    const qint64 hours = seconds / 3600;
    if (hours < 8) {
        const qint64 m = minutes % 60;
        return m == 0 ? QStringLiteral("%1h").arg(hours) : QStringLiteral("%1h%2m").arg(hours).arg(m);
    }
    if (hours < 48)
        return QStringLiteral("%1h").arg(hours);
    if (hours < 24 * 8) {
        const qint64 h = hours % 24;
        return h == 0 ? QStringLiteral("%1d").arg(hours / 24) : QStringLiteral("%1d%2h").arg(hours / 24).arg(h);
    }
    if (hours < 24 * 365 * 2)
        return QStringLiteral("%1d").arg(hours / 24);
    if (hours < 24 * 365 * 8) {
        const qint64 days = (hours / 24) % 365;
        return days == 0 ? QStringLiteral("%1y").arg(hours / 24 / 365) : QStringLiteral("%1y%2d").arg(hours / 24 / 365).arg(days);
    }
    return QStringLiteral("%1y").arg(hours / 24 / 365);
}

QJsonObject makeTable(const ResourceType &type, const QList<QJsonObject> &objects, const QString &resourceVersion,
                      IncludeObject include, const QDateTime &now)
{
    const Printer printer = printerFor(type);
    QJsonArray columns;
    for (const Column &c : printer.columns) {
        columns.append(QJsonObject{{QStringLiteral("name"), c.name}, {QStringLiteral("type"), c.type},
                                   {QStringLiteral("format"), c.format}, {QStringLiteral("description"), c.description},
                                   {QStringLiteral("priority"), c.priority}});
    }
    QJsonArray rows;
    for (const QJsonObject &object : objects) {
        QJsonArray cells;
        for (const CellFunction &cell : printer.cells)
            cells.append(cell(object, now));
        QJsonObject row{{QStringLiteral("cells"), cells}};
        if (include != IncludeObject::None)
            row.insert(QStringLiteral("object"), rowObject(object, include));
        rows.append(row);
    }
    return QJsonObject{{QStringLiteral("kind"), QStringLiteral("Table")},
                       {QStringLiteral("apiVersion"), QStringLiteral("meta.k8s.io/v1")},
                       {kMetadata, QJsonObject{{QStringLiteral("resourceVersion"), resourceVersion}}},
                       {QStringLiteral("columnDefinitions"), columns},
                       {QStringLiteral("rows"), rows}};
}

HttpResponse toTableResponse(const ResourceType &type, const HttpResponse &json, IncludeObject include)
{
    if (json.status != 200 || json.stream || !json.contentType.startsWith("application/json"))
        return json;
    const QJsonObject body = QJsonDocument::fromJson(json.body).object();
    if (body.value(QStringLiteral("kind")).toString() == QLatin1String("Status"))
        return json;
    QJsonObject table;
    if (body.contains(QStringLiteral("items"))) {
        QList<QJsonObject> objects;
        for (const QJsonValue &item : body.value(QStringLiteral("items")).toArray()) {
            QJsonObject object = item.toObject();
            // List items may omit kind/apiVersion; PartialObjectMetadata does not need them.
            objects << object;
        }
        const QJsonObject listMetadata = body.value(kMetadata).toObject();
        table = makeTable(type, objects, listMetadata.value(QStringLiteral("resourceVersion")).toString(), include);
        QJsonObject metadata = table.value(kMetadata).toObject();
        for (const char *field : {"continue", "remainingItemCount"}) {
            if (listMetadata.contains(QLatin1String(field)))
                metadata.insert(QLatin1String(field), listMetadata.value(QLatin1String(field)));
        }
        table.insert(kMetadata, metadata);
    } else {
        table = makeTable(type, {body}, body.value(kMetadata).toObject().value(QStringLiteral("resourceVersion")).toString(), include);
    }
    HttpResponse response = json;
    response.contentType = kTableContentType;
    response.body = json::compact(table);
    return response;
}

} // namespace sluice::sandbox
