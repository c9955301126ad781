#pragma once

// Remembers which live objects were found in sync, so a no-change status does not dry-run them
// again: an entry says "this object, at this uid and resourceVersion, matched the apply body
// with this hash". Any write to the object (a new resourceVersion), a new body or new ignore
// rules (part of the hash) miss the memo, so the answer is the one a dry-run would give for the
// same inputs. Kept per cluster and application in a file under the cache dir.
//
// Thread: lookups and updates are thread-safe; load and save are not (call them around a
// comparison).

#include "render/Resource.h"

#include <QHash>
#include <QJsonObject>
#include <QMutex>

namespace sluice::sync {

class StatusMemo
{
public:
    // `file` empty: in memory only. A missing or unreadable file is an empty memo.
    explicit StatusMemo(QString file = {});

    bool knownSynced(const ResourceKey &key, const QJsonObject &live, quint64 bodyHash) const;
    void remember(const ResourceKey &key, const QJsonObject &live, quint64 bodyHash);
    void forget(const ResourceKey &key);
    // Writes the file (mode 0600, atomically); no-op in memory.
    Status save() const;

    // The memo file of an application on a cluster: <cacheDir>/status/<hash>.json.
    static QString fileFor(const QString &server, const QString &application);

private:
    QString m_file;
    mutable QMutex m_mutex;
    QHash<QString, QString> m_entries; // key → "uid/resourceVersion/bodyHash"
};

} // namespace sluice::sync
