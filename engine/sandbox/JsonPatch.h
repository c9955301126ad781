#pragma once

// The three client-computed patch formats of kube-api.md §6.12, as pure functions on JSON
// values: RFC 7386 JSON merge patch, RFC 6902 JSON patch, and a subset of Kubernetes'
// strategic merge patch. Cost: linear in the sizes of target and patch.
//
// Errors use ErrorCategory::Kube with `code` set to the HTTP status the API answers with:
// 400 for a malformed patch, 422 for a JSON-patch `test` that fails or a path that does not
// exist (as the API server does).

#include "core/Result.h"

#include <QJsonObject>
#include <QJsonValue>

namespace sluice::sandbox {

// RFC 7386: objects merge recursively, `null` deletes a key, anything else (lists included)
// replaces. A non-object patch replaces the whole target.
QJsonValue applyMergePatch(const QJsonValue &target, const QJsonValue &patch);

// RFC 6902 with the operations add, remove, replace, move, copy and test. `patch` must be an
// array of operation objects; the operations apply in order and all-or-nothing.
Result<QJsonValue> applyJsonPatch(const QJsonValue &target, const QJsonValue &patch);

// Strategic merge patch, the subset kubectl needs:
//  * maps merge as in RFC 7386; `"$patch":"replace"` replaces a map, `"$patch":"delete"`
//    deletes it; `"$retainKeys":[…]` drops keys not listed;
//  * lists with a merge key merge by it: containers, initContainers, ephemeralContainers,
//    env, volumes, imagePullSecrets (name), volumeMounts (mountPath), ports (containerPort,
//    or port for Service-style ports); patch items with `"$patch":"delete"` remove the live
//    item; a `{"$patch":"replace"}` item replaces the whole list;
//  * `$deleteFromPrimitiveList/<field>` removes values from a primitive list;
//  * `$setElementOrder/<field>` is accepted and ignored (order: live items, then new ones);
//  * every other list is replaced.
// Not supported: `$patch:merge` on primitive lists (treated as replace), schema-driven merge
// keys of other types (e.g. tolerations, hostAliases), and CRD schemas (lists replace).
Result<QJsonObject> applyStrategicMergePatch(const QJsonObject &target, const QJsonObject &patch);

} // namespace sluice::sandbox
