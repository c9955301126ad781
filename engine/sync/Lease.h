#pragma once

// One sync per application at a time, across workstations: a coordination.k8s.io/v1 Lease
// `sluice-<application>` in the destination namespace, held (and renewed in the background)
// for the duration of a sync. A second sync is refused with who holds it and since when; a
// lease whose holder stopped renewing expires after leaseDurationSeconds.
//
// Thread: acquire() blocks; the renewal runs on its own thread until release() or destruction.

#include "Cluster.h"

#include <QDateTime>

#include <memory>

namespace sluice::sync {

// "user@host": who a history entry or a lease names.
QString currentUser();

class SyncLease
{
public:
    // Takes the lease (creating it when absent), or fails naming the holder. `holder` should
    // be unique per process: "user@host (pid N)".
    static Result<std::unique_ptr<SyncLease>> acquire(ClusterConnection &cluster, const QString &application,
                                                      const QString &ns, int durationSeconds = 60,
                                                      const CancelToken &cancel = {});
    ~SyncLease(); // releases
    SyncLease(const SyncLease &) = delete;
    SyncLease &operator=(const SyncLease &) = delete;

    // Stops renewing and clears the holder (only when still ours). Idempotent.
    Status release();
    QString holder() const;

private:
    struct Private;
    explicit SyncLease(std::unique_ptr<Private> d);
    std::unique_ptr<Private> d;
};

} // namespace sluice::sync
