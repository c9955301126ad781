#include "SecretMask.h"

#include "Normalize.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace sluice {

using yaml::CompactTree;
using Node = CompactTree::Node;

bool SecretMasker::appliesTo(const ResourceKey &key)
{
    return key.group.isEmpty() && key.kind == QLatin1String("Secret");
}

QString SecretMasker::maskFor(const QByteArray &value)
{
    auto it = m_ids.constFind(value);
    if (it == m_ids.constEnd())
        it = m_ids.insert(value, int(m_ids.size()) + 1);
    return QStringLiteral("<secret value #%1>").arg(*it);
}

QByteArray SecretMasker::identity(const CompactTree &tree, Node value, bool base64)
{
    // Strings by their bytes (`data` decoded, so a value in `data` and the same value in
    // `stringData` share a mask); anything else (a list, a map, a number: not what the API
    // server accepts, but a manifest may hold it) by its type and compact JSON. The prefixes keep
    // the two kinds apart: "true" and true differ.
    if (tree.type(value) == CompactTree::Type::String) {
        const QByteArray raw = tree.string(value).toByteArray();
        return 's' + (base64 ? QByteArray::fromBase64(raw) : raw);
    }
    return 'j' + QJsonDocument(QJsonArray{tree.toJson(value)}).toJson(QJsonDocument::Compact);
}

void SecretMasker::mask(CompactTree &secret)
{
    const Node root = secret.root();
    for (const char *field : {"data", "stringData"}) {
        const qsizetype at = secret.indexOf(root, field);
        if (at < 0)
            continue;
        const Node value = secret.value(root, at);
        const bool base64 = qstrcmp(field, "data") == 0;
        if (!secret.isMap(value)) {
            // Not a map of keys (malformed): the whole value is one secret.
            secret.setValue(root, at, secret.addString(maskFor(identity(secret, value, base64)).toUtf8()));
            continue;
        }
        for (qsizetype i = 0; i < secret.size(value); ++i)
            secret.setValue(value, i, secret.addString(maskFor(identity(secret, secret.value(value, i), base64)).toUtf8()));
    }
    // The last-applied annotation holds the whole object, values included (annotations that are
    // not a map go too).
    const qsizetype m = secret.indexOf(root, "metadata");
    const Node metadata = m < 0 ? root : secret.value(root, m);
    if (const qsizetype at = m < 0 ? -1 : secret.indexOf(metadata, "annotations"); at >= 0) {
        const Node annotations = secret.value(metadata, at);
        if (const qsizetype applied = secret.indexOf(annotations, kLastAppliedAnnotation); applied >= 0)
            secret.removeEntry(annotations, applied);
        if (!secret.isMap(annotations) || secret.size(annotations) == 0)
            secret.removeEntry(metadata, at);
    }
}

} // namespace sluice
