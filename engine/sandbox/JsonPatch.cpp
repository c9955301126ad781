#include "JsonPatch.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QStringList>

namespace sluice::sandbox {

namespace {

enum class Edit { Add, Replace, Remove };

Error patchError(int httpCode, const QString &message)
{
    return makeError(ErrorCategory::Kube, message, {}, httpCode);
}

// "/a/b~1c" → {"a", "b/c"}; "" is the whole document.
Result<QStringList> parsePointer(const QString &pointer)
{
    if (pointer.isEmpty())
        return QStringList();
    if (!pointer.startsWith(QLatin1Char('/')))
        return patchError(400, QStringLiteral("invalid JSON pointer \"%1\": it must start with \"/\"").arg(pointer));
    QStringList tokens = pointer.mid(1).split(QLatin1Char('/'));
    for (QString &token : tokens)
        token.replace(QStringLiteral("~1"), QStringLiteral("/")).replace(QStringLiteral("~0"), QStringLiteral("~"));
    return tokens;
}

// An array index token: digits without a leading zero. -1 when it is not one.
qsizetype arrayIndex(const QString &token)
{
    if (token.isEmpty() || (token.size() > 1 && token.startsWith(QLatin1Char('0'))) || token.size() > 9)
        return -1;
    bool ok = false;
    const qsizetype index = token.toLongLong(&ok);
    return ok && index >= 0 ? index : -1;
}

std::optional<QJsonValue> valueAt(const QJsonValue &root, const QStringList &tokens)
{
    QJsonValue node = root;
    for (const QString &token : tokens) {
        if (node.isObject()) {
            const QJsonObject object = node.toObject();
            if (!object.contains(token))
                return std::nullopt;
            node = object.value(token);
        } else if (node.isArray()) {
            const QJsonArray array = node.toArray();
            const qsizetype index = arrayIndex(token);
            if (index < 0 || index >= array.size())
                return std::nullopt;
            node = array.at(index);
        } else {
            return std::nullopt;
        }
    }
    return node;
}

QString pointerText(const QStringList &tokens)
{
    return tokens.isEmpty() ? QString() : QLatin1Char('/') + tokens.join(QLatin1Char('/'));
}

// Applies one edit at `tokens[depth…]` below `node`; returns the new node.
Result<QJsonValue> editAt(const QJsonValue &node, const QStringList &tokens, qsizetype depth, Edit edit, const QJsonValue &value)
{
    const QString missing = QStringLiteral("the path \"%1\" does not exist").arg(pointerText(tokens));
    if (depth == tokens.size()) {
        if (edit == Edit::Remove)
            return patchError(422, QStringLiteral("cannot remove the whole document"));
        return value;
    }
    const QString &token = tokens[depth];
    const bool last = depth == tokens.size() - 1;
    if (node.isObject()) {
        QJsonObject object = node.toObject();
        if (!last) {
            if (!object.contains(token))
                return patchError(422, missing);
            Result<QJsonValue> child = editAt(object.value(token), tokens, depth + 1, edit, value);
            if (!child)
                return child;
            object.insert(token, *child);
            return QJsonValue(object);
        }
        if (edit != Edit::Add && !object.contains(token))
            return patchError(422, missing);
        if (edit == Edit::Remove)
            object.remove(token);
        else
            object.insert(token, value);
        return QJsonValue(object);
    }
    if (node.isArray()) {
        QJsonArray array = node.toArray();
        const bool append = last && edit == Edit::Add && token == QLatin1String("-");
        const qsizetype index = append ? array.size() : arrayIndex(token);
        const qsizetype limit = last && edit == Edit::Add ? array.size() : array.size() - 1;
        if (index < 0 || index > limit)
            return patchError(422, missing);
        if (!last) {
            Result<QJsonValue> child = editAt(array.at(index), tokens, depth + 1, edit, value);
            if (!child)
                return child;
            array.replace(index, *child);
        } else if (edit == Edit::Add) {
            array.insert(index, value);
        } else if (edit == Edit::Replace) {
            array.replace(index, value);
        } else {
            array.removeAt(index);
        }
        return QJsonValue(array);
    }
    return patchError(422, missing);
}

Result<QJsonValue> applyOperation(const QJsonValue &document, const QJsonObject &operation)
{
    const QString op = operation.value(QStringLiteral("op")).toString();
    Result<QStringList> path = parsePointer(operation.value(QStringLiteral("path")).toString());
    if (!path)
        return path.error();
    if (!operation.contains(QStringLiteral("path")))
        return patchError(400, QStringLiteral("the JSON patch operation \"%1\" has no \"path\"").arg(op));
    const bool needsValue = op == QLatin1String("add") || op == QLatin1String("replace") || op == QLatin1String("test");
    if (needsValue && !operation.contains(QStringLiteral("value")))
        return patchError(400, QStringLiteral("the JSON patch operation \"%1\" has no \"value\"").arg(op));
    const QJsonValue value = operation.value(QStringLiteral("value"));
    if (op == QLatin1String("add"))
        return editAt(document, *path, 0, Edit::Add, value);
    if (op == QLatin1String("replace")) {
        if (!valueAt(document, *path))
            return patchError(422, QStringLiteral("the path \"%1\" does not exist").arg(pointerText(*path)));
        return editAt(document, *path, 0, Edit::Replace, value);
    }
    if (op == QLatin1String("remove"))
        return editAt(document, *path, 0, Edit::Remove, {});
    if (op == QLatin1String("test")) {
        const std::optional<QJsonValue> actual = valueAt(document, *path);
        if (!actual || *actual != value)
            return patchError(422, QStringLiteral("the JSON patch test operation failed at \"%1\"").arg(pointerText(*path)));
        return document;
    }
    if (op == QLatin1String("move") || op == QLatin1String("copy")) {
        Result<QStringList> from = parsePointer(operation.value(QStringLiteral("from")).toString());
        if (!from)
            return from.error();
        const std::optional<QJsonValue> moved = valueAt(document, *from);
        if (!moved)
            return patchError(422, QStringLiteral("the path \"%1\" does not exist").arg(pointerText(*from)));
        QJsonValue result = document;
        if (op == QLatin1String("move")) {
            if (path->size() > from->size() && path->mid(0, from->size()) == *from)
                return patchError(422, QStringLiteral("cannot move \"%1\" into itself").arg(pointerText(*from)));
            Result<QJsonValue> removed = editAt(document, *from, 0, Edit::Remove, {});
            if (!removed)
                return removed;
            result = *removed;
        }
        return editAt(result, *path, 0, Edit::Add, *moved);
    }
    return patchError(400, QStringLiteral("unknown JSON patch operation \"%1\"").arg(op));
}

} // namespace

QJsonValue applyMergePatch(const QJsonValue &target, const QJsonValue &patch)
{
    if (!patch.isObject())
        return patch;
    QJsonObject result = target.isObject() ? target.toObject() : QJsonObject();
    const QJsonObject p = patch.toObject();
    for (auto it = p.begin(); it != p.end(); ++it) {
        if (it.value().isNull())
            result.remove(it.key());
        else
            result.insert(it.key(), applyMergePatch(result.value(it.key()), it.value()));
    }
    return result;
}

Result<QJsonValue> applyJsonPatch(const QJsonValue &target, const QJsonValue &patch)
{
    if (!patch.isArray())
        return patchError(400, QStringLiteral("a JSON patch must be an array of operations"));
    QJsonValue document = target;
    for (const QJsonValue &operation : patch.toArray()) {
        if (!operation.isObject())
            return patchError(400, QStringLiteral("a JSON patch operation must be an object"));
        Result<QJsonValue> next = applyOperation(document, operation.toObject());
        if (!next)
            return next;
        document = std::move(*next);
    }
    return document;
}

} // namespace sluice::sandbox
