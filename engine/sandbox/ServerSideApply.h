#pragma once

// Server-side apply and Update ownership tracking (kube-api.md §7.3–7.5) on JSON objects.
// Pure functions: the caller (ResourceHandlers::patch) does I/O, preconditions, server-owned
// metadata and persistence.

#include "HttpMessage.h"
#include "ManagedFields.h"

#include <QJsonObject>

namespace sluice::sandbox {

// A field another manager owns with a different value. `owner` identifies the entry (its
// `fields` are not filled in).
struct ApplyConflict
{
    ManagedFieldsEntry owner;
    FieldPath path;
};

struct ApplyOutcome
{
    QJsonObject object;            // the merged object with metadata.managedFields; empty on conflict
    QList<ApplyConflict> conflicts; // non-empty: nothing was applied (force was false)
};

// Applies `applied` (the request body, nulls already removed) to `live` as `manager` (§7.4
// steps 3.1–3.8): conflicts with other owners unless `force`, the kubectl last-applied
// exemption and updater, removal of fields `manager` stopped applying (unless someone else
// owns them), the deep merge, and the manager's Apply entry. Server-owned metadata, status and
// generation are left to the caller.
ApplyOutcome serverSideApply(const QJsonObject &live, const QJsonObject &applied, const QString &manager,
                             const QString &apiVersion, bool force);

// managedFields of an object created by an apply: one Apply entry for the applied set.
QJsonArray managedFieldsForApplyCreate(const QJsonObject &applied, const QString &manager, const QString &apiVersion);

// §7.3 for POST, PUT and non-apply PATCH: the paths whose value changed from `before` (empty
// on create) to `after` go to the (manager, Update, apiVersion) entry and leave every other
// entry; removed paths leave every entry. `base` is the managedFields to start from.
QJsonArray recordUpdate(const QJsonArray &base, const QJsonObject &before, const QJsonObject &after,
                        const QString &manager, const QString &apiVersion);

// The 409 Status of §7.5 ("Apply failed with N conflict(s): …", causes FieldManagerConflict).
HttpResponse applyConflictResponse(const QList<ApplyConflict> &conflicts);

// `value` with every null map value removed, recursively (apply treats null as unset).
QJsonValue withoutNulls(const QJsonValue &value);

} // namespace sluice::sandbox
