#include "ServerSideApply.h"

#include "ApiStatus.h"

#include "core/JsonText.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <map>

namespace sluice::sandbox {

namespace {

const QString kLastApplied = QStringLiteral("kubectl.kubernetes.io/last-applied-configuration");

bool startsWith(const FieldPath &path, const FieldPath &prefix)
{
    return path.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), path.begin());
}

bool ownsPathOrBelow(const ManagedFieldsEntry &entry, const FieldPath &path)
{
    // Descendants sort right after their prefix.
    const auto it = entry.fields.lower_bound(path);
    return it != entry.fields.end() && startsWith(*it, path);
}

// Deep merge of an applied value into a live one (§7.4 step 6): maps merge, associative lists
// merge by key (applied order, then the other live items), everything else is replaced.
QJsonValue mergeApplied(const QJsonValue &live, const QJsonValue &applied, const QString &field, int depth)
{
    if (depth > 64)
        return applied;
    if (applied.isObject() && live.isObject()) {
        const QJsonObject a = applied.toObject();
        const bool atomic = field == QLatin1String("selector")
            && (a.contains(QStringLiteral("matchLabels")) || a.contains(QStringLiteral("matchExpressions")));
        if (atomic)
            return applied;
        QJsonObject result = live.toObject();
        for (auto it = a.begin(); it != a.end(); ++it)
            result.insert(it.key(), mergeApplied(result.value(it.key()), it.value(), it.key(), depth + 1));
        return result;
    }
    if (applied.isArray() && live.isArray()) {
        const QJsonArray a = applied.toArray();
        bool keyed = !a.isEmpty();
        for (const QJsonValue &item : a)
            keyed = keyed && associativeKey(field, item).has_value();
        if (!keyed)
            return applied;
        QJsonArray result;
        QJsonArray rest = live.toArray();
        for (const QJsonValue &item : a) {
            const QJsonObject key = *associativeKey(field, item);
            QJsonValue merged = item;
            for (qsizetype i = 0; i < rest.size(); ++i) {
                if (associativeKey(field, rest.at(i)) == key) {
                    merged = mergeApplied(rest.at(i), item, QString(), depth + 1);
                    rest.removeAt(i);
                    break;
                }
            }
            result.append(merged);
        }
        for (const QJsonValue &item : rest)
            result.append(item);
        return result;
    }
    return applied;
}

std::optional<QJsonObject> lastAppliedOf(const QJsonObject &live)
{
    const QJsonObject annotations = live.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("annotations")).toObject();
    if (!annotations.contains(kLastApplied))
        return std::nullopt;
    const QJsonDocument document = QJsonDocument::fromJson(annotations.value(kLastApplied).toString().toUtf8());
    if (!document.isObject())
        return std::nullopt;
    return document.object();
}

QString managerText(const ManagedFieldsEntry &entry)
{
    QString text = QLatin1Char('"') + entry.manager + QLatin1Char('"');
    if (!entry.subresource.isEmpty())
        text += QStringLiteral(" with subresource \"%1\"").arg(entry.subresource);
    if (entry.operation == QLatin1String("Update"))
        text += QStringLiteral(" using ") + entry.apiVersion;
    return text;
}

} // namespace

namespace {
template<typename Value>
bool holdsNull(const Value &value)
{
    if (value.isNull())
        return true;
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
            if (holdsNull(it.value()))
                return true;
        }
    } else if (value.isArray()) {
        const QJsonArray array = value.toArray();
        for (auto it = array.constBegin(); it != array.constEnd(); ++it) {
            if (holdsNull(*it))
                return true;
        }
    }
    return false;
}
} // namespace

QJsonValue withoutNulls(const QJsonValue &value)
{
    if (!holdsNull(value)) // the usual case: looked at, not copied
        return value;
    if (value.isObject()) {
        QJsonObject result;
        const QJsonObject o = value.toObject();
        for (auto it = o.begin(); it != o.end(); ++it) {
            if (!it.value().isNull())
                result.insert(it.key(), withoutNulls(it.value()));
        }
        return result;
    }
    if (value.isArray()) {
        QJsonArray result;
        for (const QJsonValue &item : value.toArray())
            result.append(withoutNulls(item));
        return result;
    }
    return value;
}

ApplyOutcome serverSideApply(const QJsonObject &live, const QJsonObject &applied, const QString &manager,
                             const QString &apiVersion, bool force)
{
    QJsonObject metadata = live.value(QStringLiteral("metadata")).toObject();
    QList<ManagedFieldsEntry> entries = parseManagedFields(metadata.value(QStringLiteral("managedFields")).toArray());
    const ManagedFieldsEntry self{manager, QStringLiteral("Apply"), apiVersion, timestampNow(), {}, fieldSetOf(applied)};
    const auto selfIt = std::find_if(entries.begin(), entries.end(), [&](const ManagedFieldsEntry &e) { return e.sameIdentity(self); });
    const qsizetype selfIndex = selfIt == entries.end() ? -1 : selfIt - entries.begin();
    const FieldSet previous = selfIndex >= 0 ? entries[selfIndex].fields : FieldSet();

    const std::optional<QJsonObject> lastApplied = manager == QLatin1String("kubectl") ? lastAppliedOf(live) : std::nullopt;
    const FieldSet lastAppliedSet = lastApplied ? fieldSetOf(*lastApplied) : FieldSet();

    ApplyOutcome outcome;
    QList<ApplyConflict> taken; // exempted or forced: ownership moves to `manager`
    for (qsizetype i = 0; i < entries.size(); ++i) {
        if (i == selfIndex)
            continue;
        for (const FieldPath &path : self.fields) {
            if (!entries[i].fields.count(path) || isItemPath(path))
                continue;
            const std::optional<QJsonValue> liveValue = valueAtPath(live, path);
            if (!liveValue || liveValue == valueAtPath(applied, path))
                continue;
            if (lastApplied && lastAppliedSet.count(path) && valueAtPath(*lastApplied, path) == liveValue) {
                taken << ApplyConflict{entries[i], path};
                continue;
            }
            outcome.conflicts << ApplyConflict{entries[i], path};
        }
    }
    if (!outcome.conflicts.isEmpty() && !force)
        return outcome;
    taken += outcome.conflicts;
    outcome.conflicts.clear();
    for (const ApplyConflict &moved : taken) {
        for (ManagedFieldsEntry &entry : entries) {
            if (entry.sameIdentity(moved.owner) && entry.apiVersion == moved.owner.apiVersion)
                entry.fields.erase(moved.path);
        }
    }

    // Fields this manager no longer applies go, deepest first, unless another entry owns them.
    std::vector<FieldPath> dropped;
    std::set_difference(previous.begin(), previous.end(), self.fields.begin(), self.fields.end(), std::back_inserter(dropped));
    std::stable_sort(dropped.begin(), dropped.end(), [](const FieldPath &a, const FieldPath &b) { return a.size() > b.size(); });
    QJsonObject result = live;
    for (const FieldPath &path : dropped) {
        bool ownedElsewhere = false;
        for (qsizetype i = 0; i < entries.size() && !ownedElsewhere; ++i)
            ownedElsewhere = i != selfIndex && ownsPathOrBelow(entries[i], path);
        if (!ownedElsewhere && !ownsPathOrBelow(self, path))
            removePath(result, path);
    }
    result = mergeApplied(result, applied, QString(), 0).toObject();

    if (selfIndex >= 0)
        entries[selfIndex] = self;
    else
        entries << self;
    metadata = result.value(QStringLiteral("metadata")).toObject();
    metadata.insert(QStringLiteral("managedFields"), serializeManagedFields(entries));
    if (lastApplied) { // the last-applied updater: keep client-side apply's view current
        QJsonObject annotations = metadata.value(QStringLiteral("annotations")).toObject();
        annotations.insert(kLastApplied, QString::fromUtf8(json::compact(applied)) + QLatin1Char('\n'));
        metadata.insert(QStringLiteral("annotations"), annotations);
    }
    result.insert(QStringLiteral("metadata"), metadata);
    outcome.object = result;
    return outcome;
}

QJsonArray managedFieldsForApplyCreate(const QJsonObject &applied, const QString &manager, const QString &apiVersion)
{
    return serializeManagedFields({ManagedFieldsEntry{manager, QStringLiteral("Apply"), apiVersion, timestampNow(), {},
                                                      fieldSetOf(applied)}});
}

QJsonArray recordUpdate(const QJsonArray &base, const QJsonObject &before, const QJsonObject &after,
                        const QString &manager, const QString &apiVersion)
{
    QList<ManagedFieldsEntry> entries = parseManagedFields(base);
    const FieldSet oldSet = fieldSetOf(before);
    const FieldSet newSet = fieldSetOf(after);
    FieldSet changed;
    for (const FieldPath &path : newSet) {
        const bool differs = isItemPath(path) ? !oldSet.count(path) : valueAtPath(before, path) != valueAtPath(after, path);
        if (differs)
            changed.insert(path);
    }
    FieldSet removed;
    std::set_difference(oldSet.begin(), oldSet.end(), newSet.begin(), newSet.end(), std::inserter(removed, removed.end()));
    const ManagedFieldsEntry self{manager, QStringLiteral("Update"), apiVersion, timestampNow(), {}, {}};
    bool found = false;
    for (ManagedFieldsEntry &entry : entries) {
        for (const FieldPath &path : removed)
            entry.fields.erase(path);
        if (entry.sameIdentity(self)) {
            found = true;
            entry.fields.insert(changed.begin(), changed.end());
            if (!changed.empty())
                entry.time = self.time;
        } else {
            for (const FieldPath &path : changed)
                entry.fields.erase(path);
        }
    }
    if (!found && !changed.empty()) {
        ManagedFieldsEntry entry = self;
        entry.fields = changed;
        entries << entry;
    }
    return serializeManagedFields(entries);
}

HttpResponse applyConflictResponse(const QList<ApplyConflict> &conflicts)
{
    QJsonArray causes;
    std::map<QString, QStringList> byManager; // sorted by the manager's text
    for (const ApplyConflict &c : conflicts) {
        const QString who = managerText(c.owner);
        causes.append(QJsonObject{{QStringLiteral("reason"), QStringLiteral("FieldManagerConflict")},
                                  {QStringLiteral("message"), QStringLiteral("conflict with ") + who},
                                  {QStringLiteral("field"), pathString(c.path)}});
        byManager[who] << pathString(c.path);
    }
    QString message;
    if (conflicts.size() == 1) {
        message = QStringLiteral("Apply failed with 1 conflict: conflict with %1: %2")
                      .arg(managerText(conflicts.first().owner), pathString(conflicts.first().path));
    } else {
        QStringList lines;
        for (const auto &[who, paths] : byManager) {
            lines << QStringLiteral("conflicts with %1:").arg(who);
            for (const QString &path : paths)
                lines << QStringLiteral("- ") + path;
        }
        message = QStringLiteral("Apply failed with %1 conflicts: %2").arg(conflicts.size()).arg(lines.join(QLatin1Char('\n')));
    }
    return statusFailure(409, QStringLiteral("Conflict"), message, QJsonObject{{QStringLiteral("causes"), causes}});
}

} // namespace sluice::sandbox
