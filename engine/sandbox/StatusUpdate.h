#pragma once

// Status writes made by the sandbox itself (simulated controllers, the CRD "apiserver"): what
// a real controller does through the /status subresource. Thread: the store's thread; never
// call from inside an ObjectStore change listener (it commits).

#include "ObjectStore.h"

#include "core/Result.h"

#include <QJsonObject>
#include <QString>

namespace sluice::sandbox {

// Replaces the status of the object at `key` with `status` as an Update by `manager` with
// subresource "status" (a metadata.managedFields entry owning the status fields), through
// ObjectStore::commit (new resourceVersion, MODIFIED watch event). Never touches spec or
// generation. A missing object or an unchanged status is a no-op. Errors: the commit's.
Status writeStatus(ObjectStore &store, const ObjectKey &key, const QJsonObject &status, const QString &manager);

// `conditions` with the condition `type` set to status/reason/message. lastTransitionTime
// (and lastUpdateTime when `withUpdateTime`) keep their old values when the status is
// unchanged and the reason and message too, so a repeated write is a no-op.
QJsonArray withCondition(const QJsonArray &conditions, const QString &type, const QString &status, const QString &reason,
                         const QString &message, bool withUpdateTime = false);

} // namespace sluice::sandbox
