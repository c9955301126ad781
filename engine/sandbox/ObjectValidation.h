#pragma once

// Create/update validation of object metadata (kube-api.md §4.2). Pure.

#include <QJsonArray>
#include <QJsonObject>

namespace sluice::sandbox {

struct ResourceType;

// The Status causes ({reason, message, field}) for `object`'s metadata: name required, a DNS
// label for namespaces, a DNS subdomain otherwise; for a CustomResourceDefinition also
// validateCustomResourceDefinition(). Empty when valid.
QJsonArray validateObjectMeta(const ResourceType &type, const QJsonObject &object);

// The causes for an update that changes a field the API server keeps immutable: spec.selector
// of apps/v1 workloads, spec.selector and spec.template of a Job, spec.clusterIP of a Service
// once set, data of a ConfigMap or Secret marked `immutable: true`. Empty when allowed.
QJsonArray validateImmutableFields(const ResourceType &type, const QJsonObject &current, const QJsonObject &updated);

} // namespace sluice::sandbox
