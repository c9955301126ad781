#pragma once

// Deployment history and the rollback hold, kept in the cluster so every workstation sees the
// same: ConfigMap `sluice-history-<application>` in the destination namespace, data keys
// `entries` (a JSON array, newest first, bounded) and `hold` (a JSON object, when held).
// Every write is read-modify-write with the ConfigMap's resourceVersion as precondition and
// retried on 409, so concurrent writers never lose an entry. A 409 may also mean that an earlier
// attempt of this very write landed without an answer (KubeClient.h): the change is made again
// on the history as read, and changes are idempotent, so no entry is ever recorded twice.
//
// Thread: blocking; call from a worker thread.

#include "Cluster.h"

#include <QDateTime>
#include <QJsonObject>

#include <functional>
#include <optional>

namespace sluice::sync {

struct HistoryEntry
{
    int id = 0;           // monotonic per application
    QString revision;     // full commit id
    QString ref;          // the revision spec it came from ("main", a tag, an entry id)
    QDateTime time;       // start, UTC
    QString who;          // user@host
    QString action;       // sync, rollback, hold, release; through a Flux or Argo CD owner: reconcile, suspend, resume
    int applied = 0;
    int pruned = 0;
    int failed = 0;
    QString result;       // Succeeded, Partial, Failed
    qint64 durationMs = 0;
    QString message;      // the first failure, or a note

    QJsonObject toJson() const;
    static HistoryEntry fromJson(const QJsonObject &json);
    // A sync, rollback or reconcile that deployed its revision (succeeded, with a revision).
    bool deployed() const;
};

struct Hold
{
    QString revision;
    QString who;
    QDateTime since;
    QString reason;

    QJsonObject toJson() const;
    static Hold fromJson(const QJsonObject &json);
    // "held at abc1234 by alice@box since 2026-11-30T10:00:00Z (rollback to #3)"
    QString describe() const;
};

struct History
{
    QList<HistoryEntry> entries; // newest first
    std::optional<Hold> hold;

    // The revision of the newest successful sync or rollback; empty when none.
    QString deployedRevision() const;
    const HistoryEntry *entry(int id) const;
    int nextId() const; // one more than the highest id (1 for an empty history)
    // Sets (`hold` given) or releases the hold, recording a `hold` or `release` entry by `who`;
    // nothing when the hold is already so.
    void setHold(const std::optional<Hold> &hold, const QString &who);
};

QString historyConfigMapName(const QString &application);

// The history (empty when the ConfigMap does not exist yet).
Result<History> readHistory(ClusterConnection &cluster, const QString &application, const QString &ns,
                            const CancelToken &cancel = {});

// Applies `change` to the current history and writes it (creating the ConfigMap when absent);
// on a conflict reads again and re-applies `change`, which must therefore be idempotent: it may
// meet its own earlier effect. Entries beyond `limit` are dropped (oldest first). Nothing is
// written when the history stays as it was. Returns the history as written.
Result<History> updateHistory(ClusterConnection &cluster, const QString &application, const QString &ns, int limit,
                              const std::function<void(History &)> &change, const CancelToken &cancel = {});

// Adds `entry` with the next id (its id is set); returns it as written. An entry already there
// (an earlier attempt's write that landed unanswered) is not added again.
Result<HistoryEntry> appendHistory(ClusterConnection &cluster, const QString &application, const QString &ns, int limit,
                                   HistoryEntry entry, const CancelToken &cancel = {});

} // namespace sluice::sync
