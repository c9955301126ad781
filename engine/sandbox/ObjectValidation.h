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

} // namespace sluice::sandbox
