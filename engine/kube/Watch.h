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
    int reconnectDelayMs = 200;     // after a failed list or a dropped connection, doubled each time
    int maxReconnectDelayMs = 5000; // up to this
    int maxReconnects = -1;         // failures in a row before giving up; -1 = until cancelled or stopped
    // Called on the watch's thread when the server stops answering it (a list or watch request
    // got no answer, throttling, a server error: the error), and when it answers again (ok).
    // The server ending a watch on time is neither.
    std::function<void(const Status &)> onAnswering;
};

// Emits an ADDED event per existing object, then every change, until `sink` returns false (ok)
// or `cancel` (Cancelled, also while waiting to retry). Blocking; run on a worker thread. A list
// the server does not answer (network, timeout, 429, 5xx) is retried like a dropped connection.
// Errors: the server refusing the first list (forbidden, not found, ...), or more failures in a
// row than maxReconnects.
Status watchCollection(KubeClient &client, const ResourcePath &collection, const WatchOptions &options,
                       const std::function<bool(const WatchEvent &)> &sink, const CancelToken &cancel = {});

} // namespace sluice::kube
