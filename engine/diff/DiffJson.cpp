#include "DiffJson.h"

#include <QJsonArray>

namespace sluice {

QJsonObject diffToJson(const ResourceDiff &diff)
{
    QJsonArray objects;
    for (const ObjectDiff &o : diff.objects) {
        const QString version = o.apiVersion.section(QLatin1Char('/'), -1);
        QJsonObject entry{{QStringLiteral("group"), o.key.group},
                          {QStringLiteral("version"), version},
                          {QStringLiteral("kind"), o.key.kind},
                          {QStringLiteral("namespace"), o.key.ns},
                          {QStringLiteral("name"), o.key.name},
                          {QStringLiteral("change"), changeKindName(o.change)}};
        if (!o.baseLocation.isEmpty())
            entry.insert(QStringLiteral("baseSource"), o.baseLocation);
        if (!o.headLocation.isEmpty())
            entry.insert(QStringLiteral("headSource"), o.headLocation);
        if (o.change != ChangeKind::Unchanged) {
            QJsonArray fields;
            for (const FieldChange &f : o.fields) {
                QJsonObject field{{QStringLiteral("path"), f.path}};
                if (!f.before.isUndefined())
                    field.insert(QStringLiteral("before"), fieldValueText(f.before));
                if (!f.after.isUndefined())
                    field.insert(QStringLiteral("after"), fieldValueText(f.after));
                fields.append(field);
            }
            entry.insert(QStringLiteral("fields"), fields);
            entry.insert(QStringLiteral("diff"), QString::fromUtf8(o.diff));
        }
        objects.append(entry);
    }
    const QJsonObject summary{{QStringLiteral("added"), diff.summary.added},
                              {QStringLiteral("removed"), diff.summary.removed},
                              {QStringLiteral("changed"), diff.summary.changed},
                              {QStringLiteral("unchanged"), diff.summary.unchanged}};
    QJsonObject json{{QStringLiteral("summary"), summary}, {QStringLiteral("objects"), objects}};
    if (!diff.notes.isEmpty())
        json.insert(QStringLiteral("notes"), QJsonArray::fromStringList(diff.notes));
    return json;
}

} // namespace sluice
