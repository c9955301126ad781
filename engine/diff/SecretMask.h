#pragma once

// Masking of Secret values. Every output (GUI, CLI text and JSON, logs) shows masks, never the
// values: equal values get equal masks and different values different masks, so a reviewer sees
// which keys changed.

#include "render/Resource.h"

#include <QHash>
#include <QJsonObject>

namespace sluice {

class SecretMasker
{
public:
    // Whether objects of this key are masked (core-group Secrets).
    static bool appliesTo(const ResourceKey &key);

    // Replaces each value of `data` (base64, compared decoded) and `stringData` with a mask
    // "<secret value #N>" (a `data` or `stringData` that is not a map is masked whole); values
    // of any type that differ get different masks. N counts distinct values in the order this masker first sees them,
    // so one masker must serve both sides of a comparison. Also masks the values of a
    // last-applied-configuration annotation by dropping it. Not thread-safe.
    void mask(yaml::CompactTree &secret);

private:
    // What makes two values the same secret.
    static QByteArray identity(const yaml::CompactTree &tree, yaml::CompactTree::Node value, bool base64);
    QString maskFor(const QByteArray &identity);

    QHash<QByteArray, int> m_ids;
};

} // namespace sluice
