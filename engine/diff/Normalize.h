#pragma once

// What is compared: objects with server-set fields removed and ignored fields dropped.

#include "render/Resource.h"

#include <QJsonObject>
#include <QList>
#include <QStringList>

namespace sluice {

// An application's ignore rule: fields (JSON pointers, RFC 6901) that never count as a
// difference for matching objects. Empty group/kind/namespace/name match anything.
struct IgnoreRule
{
    QString group;
    QString kind;
    QString ns;
    QString name;
    QStringList jsonPointers;

    bool matches(const ResourceKey &key) const;
};

// kubectl's annotation holding the whole object as last applied (values included).
inline constexpr char kLastAppliedAnnotation[] = "kubectl.kubernetes.io/last-applied-configuration";

// Drops status, metadata.managedFields/resourceVersion/uid/generation/creationTimestamp/selfLink,
// the kubectl last-applied-configuration annotation (and empty annotations/labels left
// behind), then every field the matching ignore rules name: in place, or as a changed copy.
void normalizeObject(yaml::CompactTree &object, const ResourceKey &key, const QList<IgnoreRule> &rules);
QJsonObject normalizeObject(QJsonObject object, const ResourceKey &key, const QList<IgnoreRule> &rules);

// Removes the field at an RFC 6901 pointer ("/spec/replicas", "/metadata/labels/a~1b",
// "/spec/containers/0/image"); no-op when absent.
void removeJsonPointer(yaml::CompactTree &object, const QString &pointer);
void removeJsonPointer(QJsonObject &object, const QString &pointer);

} // namespace sluice
