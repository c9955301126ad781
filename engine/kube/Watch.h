#pragma once

// Watching a collection the way controllers do: list, then watch from the list's
// resourceVersion; after a dropped connection resume from the last event seen; on 410 Gone
// (history expired) list again and report what changed meanwhile.

#include "KubeClient.h"

#include <functional>

namespace sluice::kube {

struct WatchEvent
{
    QString type; // ADDED, MODIFIED, DELETED
    QJsonObject object;
};

struct WatchOptions
{
    QString labelSelector;
    int timeoutSeconds = 300;   // per watch request; the loop reconnects after it
    int reconnectDelayMs = 200; // after a dropped connection, doubled up to 5 s
    int maxReconnects = -1;     // -1 = until cancelled or stopped
};

// Emits an ADDED event per existing object, then every change, until `sink` returns false (ok)
// or `cancel` (Cancelled). Blocking; run on a worker thread. Errors: the first list failing,
// or more consecutive failed reconnects than maxReconnects.
Status watchCollection(KubeClient &client, const ResourcePath &collection, const WatchOptions &options,
                       const std::function<bool(const WatchEvent &)> &sink, const CancelToken &cancel = {});

} // namespace sluice::kube
