// Strategic merge patch (kube-api.md §6.12): the subset documented in JsonPatch.h.

#include "JsonPatch.h"

#include <QJsonArray>

namespace sluice::sandbox {

namespace {

constexpr int kMaxDepth = 100; // hostile nesting stops here with 400

const QString kPatchDirective = QStringLiteral("$patch");
const QString kRetainKeys = QStringLiteral("$retainKeys");
const QString kSetElementOrder = QStringLiteral("$setElementOrder/");
const QString kDeleteFromPrimitiveList = QStringLiteral("$deleteFromPrimitiveList/");

Error patchError(const QString &message)
{
    return makeError(ErrorCategory::Kube, message, {}, 400);
}

// The patch merge key of the list `field` (built-in types), or empty for a list that is
// replaced. `ports` is keyed by containerPort in containers and by port in Services.
QString mergeKeyFor(const QString &field, const QJsonArray &live, const QJsonArray &patch)
{
    static const QStringList byName{QStringLiteral("containers"), QStringLiteral("initContainers"),
                                    QStringLiteral("ephemeralContainers"), QStringLiteral("env"),
                                    QStringLiteral("volumes"), QStringLiteral("imagePullSecrets")};
    if (byName.contains(field))
        return QStringLiteral("name");
    if (field == QLatin1String("volumeMounts"))
        return QStringLiteral("mountPath");
    if (field == QLatin1String("ports")) {
        for (const QJsonArray &items : {patch, live}) {
            for (const QJsonValue &item : items) {
                if (item.toObject().contains(QStringLiteral("containerPort")))
                    return QStringLiteral("containerPort");
            }
        }
        return QStringLiteral("port");
    }
    return {};
}

Result<QJsonObject> mergeObject(QJsonObject live, const QJsonObject &patch, int depth);

Result<QJsonArray> mergeList(const QString &field, const QJsonArray &live, const QJsonArray &patch, int depth)
{
    QJsonArray items;
    bool replaceList = false;
    for (const QJsonValue &item : patch) {
        const QJsonObject o = item.toObject();
        if (item.isObject() && o.size() == 1 && o.value(kPatchDirective).toString() == QLatin1String("replace"))
            replaceList = true;
        else
            items.append(item);
    }
    const QString key = mergeKeyFor(field, live, items);
    bool keyed = !key.isEmpty() && !replaceList;
    for (const QJsonValue &item : items)
        keyed = keyed && item.isObject() && item.toObject().contains(key);
    if (!keyed)
        return items;
    QJsonArray result = live;
    for (const QJsonValue &item : items) {
        const QJsonObject patchItem = item.toObject();
        const QJsonValue keyValue = patchItem.value(key);
        qsizetype found = -1;
        for (qsizetype i = 0; i < result.size() && found < 0; ++i) {
            if (result.at(i).toObject().value(key) == keyValue)
                found = i;
        }
        if (patchItem.value(kPatchDirective).toString() == QLatin1String("delete")) {
            if (found >= 0)
                result.removeAt(found);
            continue;
        }
        Result<QJsonObject> merged = mergeObject(found >= 0 ? result.at(found).toObject() : QJsonObject(), patchItem, depth + 1);
        if (!merged)
            return merged.error();
        if (found >= 0)
            result.replace(found, *merged);
        else
            result.append(*merged);
    }
    return result;
}

Result<QJsonObject> mergeObject(QJsonObject live, const QJsonObject &patch, int depth)
{
    if (depth > kMaxDepth)
        return patchError(QStringLiteral("the strategic merge patch is nested too deeply"));
    const QString directive = patch.value(kPatchDirective).toString();
    if (!directive.isEmpty() && directive != QLatin1String("replace") && directive != QLatin1String("delete")
        && directive != QLatin1String("merge"))
        return patchError(QStringLiteral("unknown strategic merge patch directive \"%1\"").arg(directive));
    if (directive == QLatin1String("replace"))
        live = QJsonObject();
    for (auto it = patch.begin(); it != patch.end(); ++it) {
        const QString &key = it.key();
        if (key == kPatchDirective || key == kRetainKeys || key.startsWith(kSetElementOrder))
            continue;
        if (key.startsWith(kDeleteFromPrimitiveList)) {
            const QString field = key.mid(kDeleteFromPrimitiveList.size());
            QJsonArray kept;
            for (const QJsonValue &v : live.value(field).toArray()) {
                if (!it.value().toArray().contains(v))
                    kept.append(v);
            }
            live.insert(field, kept);
            continue;
        }
        const QJsonValue &value = it.value();
        if (value.isNull()) {
            live.remove(key);
        } else if (value.isObject()) {
            const QJsonObject child = value.toObject();
            if (child.value(kPatchDirective).toString() == QLatin1String("delete")) {
                live.remove(key);
                continue;
            }
            Result<QJsonObject> merged = mergeObject(live.value(key).toObject(), child, depth + 1);
            if (!merged)
                return merged;
            live.insert(key, *merged);
        } else if (value.isArray()) {
            Result<QJsonArray> merged = mergeList(key, live.value(key).toArray(), value.toArray(), depth + 1);
            if (!merged)
                return merged.error();
            live.insert(key, *merged);
        } else {
            live.insert(key, value);
        }
    }
    if (patch.contains(kRetainKeys)) {
        const QJsonArray retain = patch.value(kRetainKeys).toArray();
        for (const QString &key : live.keys()) {
            if (!retain.contains(QJsonValue(key)))
                live.remove(key);
        }
    }
    return live;
}

} // namespace

Result<QJsonObject> applyStrategicMergePatch(const QJsonObject &target, const QJsonObject &patch)
{
    return mergeObject(target, patch, 0);
}

} // namespace sluice::sandbox
