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
// Thread: one thread at a time (the sandbox's server thread). commit() is the single place every
// change passes; change listeners (watch) hear about each change after it is durable.

#include "DurableFile.h"

#include "core/Result.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

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

// One committed change, as a watch reports it (kube-api.md §6.7).
struct ChangeEvent
{
    enum class Type { Added, Modified, Deleted };
    Type type = Type::Added;
    QString resource;            // ObjectKey::resource
    QJsonObject object;          // the new state; Deleted: the last state stamped with `resourceVersion`
    QJsonObject previous;        // the state before the change; empty for Added
    quint64 resourceVersion = 0; // the change's resourceVersion
};

class ObjectStore
{
public:
    // Called once per change, in resourceVersion order, after the change is durable and applied
    // (so get() already returns the new state). Runs on the committing thread inside commit();
    // a listener must not call commit() itself.
    using ChangeListener = std::function<void(const ChangeEvent &)>;

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
    // Listeners hear every later successful commit (see ChangeListener).
    Status commit(QList<Mutation> &mutations);
    void addChangeListener(ChangeListener listener) { m_listeners.push_back(std::move(listener)); }

    // Compact JSON of the whole store (used by open() and by the write-cost measurement).
    QByteArray snapshotBytes() const;

private:
    Status replay(const QByteArray &snapshot, const QByteArray &journal);
    void apply(const Mutation &mutation, quint64 resourceVersion);

    std::map<ObjectKey, QJsonObject> m_objects;
    quint64 m_resourceVersion = 0;
    bool m_fresh = true;
    AppendOnlyFile m_journal; // closed for a memory-only store
    std::vector<ChangeListener> m_listeners;
};

} // namespace sluice::sandbox
