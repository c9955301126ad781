#pragma once

// WATCH (kube-api.md §6.7): `GET <collection>?watch=true` as a chunked stream of
// newline-terminated JSON events, fed by ObjectStore's change notifications.
//
// resourceVersion unset or "0": a synthetic ADDED per current matching object, then live events.
// resourceVersion N: every retained change after N, then live events; N older than the retained
// history gets one ERROR event with a 410 Expired Status and the stream ends. Label and field
// selectors filter events; an object that starts or stops matching is reported as ADDED or
// DELETED, as the real API server does. timeoutSeconds ends the stream cleanly; the client
// closing the connection ends the watch and frees it.
//
// Thread: the sandbox's server thread (the store's commit thread). Cost per change: O(watches).
// Memory: the last `historyLimit` changes (full objects).

#include "HttpMessage.h"
#include "ObjectStore.h"
#include "ResourceCatalog.h"

#include <deque>

namespace sluice::sandbox {

struct ResourcePath;
class WatchStream;

class WatchHub
{
public:
    // Registers with `store`, which must outlive this hub or make no commit after its end.
    explicit WatchHub(ObjectStore &store, int historyLimit = 1000);
    ~WatchHub();
    WatchHub(const WatchHub &) = delete;
    WatchHub &operator=(const WatchHub &) = delete;

    // The streamed response for a watch of `path`'s collection, or a 400 Status for bad query
    // parameters (selectors, resourceVersion, timeoutSeconds).
    HttpResponse watch(const ResourcePath &path, const HttpRequest &request);

    int activeWatches() const { return int(m_watches.size()); }
    // The oldest resourceVersion a watch may resume from without a 410.
    quint64 oldestResumableVersion() const { return m_compactedThrough; }

private:
    friend class WatchStream;
    void onChange(const ChangeEvent &event);
    void add(WatchStream *watch);
    void remove(WatchStream *watch);

    ObjectStore &m_store;
    int m_historyLimit;
    std::deque<ChangeEvent> m_history; // ascending resourceVersion
    quint64 m_compactedThrough = 0;    // every change after this one is in m_history
    QList<WatchStream *> m_watches;    // attached streams; each removes itself when it ends
};

} // namespace sluice::sandbox
