#pragma once

// The sandbox's object store: every object by (resource, namespace, name), one global
// resourceVersion counter, and durability through an append-only journal.
//
// Durability contract: commit() returns ok only after its records are written and fdatasync'ed
// to `store.journal`, so an acknowledged write survives SIGKILL or power loss. open() replays
// `store.snapshot` + `store.journal` (a torn last journal line is dropped: it was never
// acknowledged), then compacts: writes a new snapshot atomically and truncates the journal.
// Cost per write: one small append + one fdatasync, independent of the store size (a full
// snapshot per write would grow with it; see tst_sandboxapi::writeCost).
//
// Thread: one thread at a time (the sandbox's server thread). Later: watch needs an event
// ring buffer fed from commit(); commit() is the single place every change passes.

#include "DurableFile.h"

#include "core/Result.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <map>
#include <memory>
#include <optional>

namespace sluice::sandbox {

struct ObjectKey
{
    QString resource;  // ResourceType::storeKey(): "configmaps", "deployments.apps"
    QString namespace_; // empty for cluster-scoped objects
    QString name;

    friend bool operator<(const ObjectKey &a, const ObjectKey &b)
    {
        return std::tie(a.resource, a.namespace_, a.name) < std::tie(b.resource, b.namespace_, b.name);
    }
    friend bool operator==(const ObjectKey &a, const ObjectKey &b)
    {
        return a.resource == b.resource && a.namespace_ == b.namespace_ && a.name == b.name;
    }
};

struct Mutation
{
    enum class Op { Put, Delete };
    Op op = Op::Put;
    ObjectKey key;
    QJsonObject object; // Put: the object; its metadata.resourceVersion is set by commit()
};

class ObjectStore
{
public:
    // Opens (creating) the store in `dataDir`. An empty `dataDir` gives a memory-only store.
    // Errors: ErrorCategory::Io for unreadable or corrupt files (the store is never silently
    // reset).
    static Result<std::unique_ptr<ObjectStore>> open(const QString &dataDir);

    // True when no snapshot or journal existed (the caller seeds default objects).
    bool isFresh() const { return m_fresh; }
    quint64 resourceVersion() const { return m_resourceVersion; }

    std::optional<QJsonObject> get(const ObjectKey &key) const;
    // Objects of `resource` in key order; `namespace_` empty = all namespaces.
    QList<QJsonObject> list(const QString &resource, const QString &namespace_ = {}) const;
    // Keys of every namespaced object in `namespace_`, any resource.
    QList<ObjectKey> keysInNamespace(const QString &namespace_) const;

    // Assigns each mutation the next resourceVersion (stamped into Put objects), journals all of
    // them with one fdatasync, then applies them. On error nothing is applied. `mutations` is
    // updated with the stamped objects.
    Status commit(QList<Mutation> &mutations);

    // Compact JSON of the whole store (used by open() and by the write-cost measurement).
    QByteArray snapshotBytes() const;

private:
    Status replay(const QByteArray &snapshot, const QByteArray &journal);
    void apply(const Mutation &mutation, quint64 resourceVersion);

    std::map<ObjectKey, QJsonObject> m_objects;
    quint64 m_resourceVersion = 0;
    bool m_fresh = true;
    AppendOnlyFile m_journal; // closed for a memory-only store
};

} // namespace sluice::sandbox
