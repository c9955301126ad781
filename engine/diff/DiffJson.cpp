#include "DiffJson.h"

#include <QIODevice>
#include <QJsonArray>
#include <QJsonDocument>

namespace sluice {

namespace {

QJsonObject objectToJson(const ObjectDiff &o)
{
    const QString version = o.apiVersion.section(QLatin1Char('/'), -1);
    QJsonObject entry{{QStringLiteral("group"), o.key.group},
                      {QStringLiteral("version"), version},
                      {QStringLiteral("kind"), o.key.kind},
                      {QStringLiteral("namespace"), o.key.ns},
                      {QStringLiteral("name"), o.key.name},
                      {QStringLiteral("change"), changeKindName(o.change)}};
    if (!o.baseLocation.isEmpty())
        entry.insert(QStringLiteral("baseSource"), o.baseLocation.toString());
    if (!o.headLocation.isEmpty())
        entry.insert(QStringLiteral("headSource"), o.headLocation.toString());
    if (o.change != ChangeKind::Unchanged) {
        QJsonArray fields;
        for (const FieldChange &f : o.fields) {
            QJsonObject field{{QStringLiteral("path"), f.path}};
            if (isOrderValue(f.before)) // a keyed list's items in another order: "before"/"after" name each order
                field.insert(QStringLiteral("order"), true);
            if (!f.before.isAbsent())
                field.insert(QStringLiteral("before"), fieldValueText(f.before));
            if (!f.after.isAbsent())
                field.insert(QStringLiteral("after"), fieldValueText(f.after));
            fields.append(field);
        }
        entry.insert(QStringLiteral("fields"), fields);
        entry.insert(QStringLiteral("diff"), QString::fromUtf8(o.diff));
    }
    return entry;
}

// Everything but the objects.
QJsonObject headerToJson(const ResourceDiff &diff)
{
    const QJsonObject summary{{QStringLiteral("added"), diff.summary.added},
                              {QStringLiteral("removed"), diff.summary.removed},
                              {QStringLiteral("changed"), diff.summary.changed},
                              {QStringLiteral("unchanged"), diff.summary.unchanged}};
    QJsonObject json{{QStringLiteral("summary"), summary}};
    if (!diff.notes.isEmpty())
        json.insert(QStringLiteral("notes"), QJsonArray::fromStringList(diff.notes));
    return json;
}

} // namespace

QJsonObject diffToJson(const ResourceDiff &diff)
{
    QJsonArray objects;
    forEachObject(diff, [&objects](const ObjectDiff &o) { objects.append(objectToJson(o)); });
    QJsonObject json = headerToJson(diff);
    json.insert(QStringLiteral("objects"), objects);
    return json;
}

void writeDiffJson(QIODevice &out, const ResourceDiff &diff, const QJsonObject &extra)
{
    QJsonObject header = headerToJson(diff);
    for (auto it = extra.begin(); it != extra.end(); ++it)
        header.insert(it.key(), it.value());
    // The header's members, then "objects" written one by one.
    QByteArray text = QJsonDocument(header).toJson(QJsonDocument::Indented);
    text.chop(3); // the closing "\n}\n": the objects follow
    out.write(text);
    out.write(",\n    \"objects\": [");
    bool first = true;
    forEachObject(diff, [&](const ObjectDiff &o) {
        out.write(first ? "\n" : ",\n");
        first = false;
        QByteArray object = QJsonDocument(objectToJson(o)).toJson(QJsonDocument::Indented);
        object.chop(1); // the final newline
        out.write(object.replace("\n", "\n        ").prepend("        "));
    });
    out.write(first ? "]\n}\n" : "\n    ]\n}\n");
}

} // namespace sluice
