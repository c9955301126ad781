#pragma once

// The sandbox's object store: every object by (resource, namespace, name), one global
// resourceVersion counter, and durability through an append-only journal.
//
// Durability contract (group commit): a change is durable once the flush that took it has
// finished ok (flush(), or beginFlush() then finishFlush()): its records are written and
// fdatasync'ed to `store.journal`, together with every other change staged before that flush
// began (ONE fdatasync for all of them). Nobody may learn of a change before that: change
// listeners (watch) hear of it when its flush finishes, and the sandbox's
// HttpServer holds every answer given while changes are staged until the flush that covers
// them (HttpServer.h), so an acknowledged write survives SIGKILL or power loss.
// Without a flush scheduler (setFlushScheduler) commit() flushes at once: durable on return.
// open() replays `store.snapshot` + `store.journal` (a torn last journal line is dropped: it
// was never acknowledged), then compacts: writes a new snapshot atomically and truncates the
// journal. Both files hold one JSON record per line, so one unreadable record (disk damage, a
// hand edit) hides nothing else: it is set aside, verbatim, in `store.quarantine` and reported.
// Nothing the store cannot read back gets in: commit() refuses objects nested deeper than
// kMaxObjectDepth, a limit derived from the reader's. Cost per flush: one append + one fdatasync, independent of the store size (a full
// snapshot per write would grow with it; see tst_sandboxapi::writeCost).
//
// Thread: one thread at a time (the sandbox's server thread), but for the journal write
// beginFlush() returns, which may run on another. commit() is the single place every change passes.

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
    QByteArray json = {}; // Put, set by commit(): the stamped object's compact JSON (json::compact)
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

// The deepest object the store accepts (objects and arrays both count a level). Qt's JSON
// reader refuses documents nested deeper than kJsonReaderDepth; a store record wraps an object
// in one more level; the rest is room for the API's own envelopes (a list's items, a watch
// event), so a stored object can always be read back and served.
inline constexpr int kJsonReaderDepth = 1024;
inline constexpr int kMaxObjectDepth = 512;
static_assert(kMaxObjectDepth + 8 <= kJsonReaderDepth);

// Levels of nesting in the JSON text `json`: 0 for a scalar, 1 for a flat object or array.
int jsonDepth(QByteArrayView json);

class ObjectStore
{
public:
    // Called once per change, in resourceVersion order, after the change is durable and applied
    // (so get() already returns it). Runs on the store's thread inside flush() or finishFlush();
    // a listener must not call commit() or flush() itself.
    using ChangeListener = std::function<void(const ChangeEvent &)>;

    // Opens (creating) the store in `dataDir`. An empty `dataDir` gives a memory-only store.
    // Errors: ErrorCategory::Io for unreadable or corrupt files (the store is never silently
    // reset).
    static Result<std::unique_ptr<ObjectStore>> open(const QString &dataDir);

    // True when no snapshot or journal existed (the caller seeds default objects).
    bool isFresh() const { return m_fresh; }
    // The newest resourceVersion, staged changes included.
    quint64 resourceVersion() const { return m_resourceVersion; }

    // Reads see staged changes (the caller's answer is held until they are durable).
    std::optional<QJsonObject> get(const ObjectKey &key) const;
    // Objects of `resource` in key order; `namespace_` empty = all namespaces.
    QList<QJsonObject> list(const QString &resource, const QString &namespace_ = {}) const;
    // Keys of every namespaced object in `namespace_`, any resource.
    QList<ObjectKey> keysInNamespace(const QString &namespace_) const;

    // Assigns each mutation the next resourceVersion (stamped into Put objects; `mutations` is
    // updated with the stamped objects) and applies them in memory at once, staged for the next
    // flush(). With no flush scheduler it flushes before returning (errors: flush()'s).
    // Errors (nothing is staged): code 422 for an object deeper than kMaxObjectDepth; Io when
    // the journal is broken (a failed write could not be cut back: reopening replays what
    // reached the disk).
    Status commit(QList<Mutation> &mutations);
    // Journals every staged change with ONE write + fdatasync, then tells the listeners. On
    // error (a full disk) the staged changes are undone in memory, listeners hear nothing, and
    // the journal is cut back to its last good record, so later commits work once there is
    // room again. Not while a flush begun by beginFlush() is unfinished.
    Status flush();

    // The same in two steps, so commits go on while the disk works (the sandbox's server).
    // beginFlush() hands every staged change to the flush and returns the work that writes and
    // syncs their journal records; it touches only the journal file, so it may run on another
    // thread. finishFlush(), on the store's thread, takes the work's result: listeners hear of
    // the flushed changes, or, on error, every change not durable yet (the flushed ones and any
    // staged since) is undone. One flush at a time.
    struct FlushWork
    {
        bool begun = false;             // false: nothing was staged (or a flush is unfinished)
        std::function<Status()> write;  // empty: nothing to write (a memory-only store)
    };
    FlushWork beginFlush();
    Status finishFlush(const Status &written);

    // Changes not durable yet: staged, or in a flush not finished.
    bool hasStaged() const { return !m_staged.empty(); }
    // Staged changes no flush has taken yet.
    bool hasUnflushed() const { return m_staged.size() > m_flushing; }
    bool flushing() const { return m_flushing > 0; }
    // `schedule` is called when a commit stages the first change after a flush began; the owner then
    // flushes soon (the sandbox's server: beginFlush() at the end of the event-loop round, or as
    // the flush in progress finishes; no answer given meanwhile leaves before). Empty: every
    // commit flushes itself.
    void setFlushScheduler(std::function<void()> schedule) { m_scheduleFlush = std::move(schedule); }
    void addChangeListener(ChangeListener listener) { m_listeners.push_back(std::move(listener)); }

    // fdatasyncs of the journal since open (one per flush that had records): tests check that
    // concurrent writes share them.
    quint64 syncCount() const { return m_syncCount; }
    // Mutations committed since open (staged or durable).
    quint64 committedCount() const { return m_committedCount; }

    // Compact JSON of the whole store (used by open() and by the write-cost measurement).
    QByteArray snapshotBytes() const;

private:
    // A change applied in memory and not yet durable: its watch event and what undoes it.
    struct StagedChange
    {
        ChangeEvent event;
        ObjectKey key;
        std::optional<QJsonObject> previous; // the state before, for undo
        bool notify = true;                  // false: deleting a missing key (nothing to tell)
    };

    // Replays snapshot and journal lines; unreadable ones are appended to `quarantine`.
    void replay(const QByteArray &snapshot, const QByteArray &journal, QByteArray &quarantine);
    void apply(const Mutation &mutation, quint64 resourceVersion);
    void undoStaged();

    std::map<ObjectKey, QJsonObject> m_objects;
    quint64 m_resourceVersion = 0;
    bool m_fresh = true;
    AppendOnlyFile m_journal; // closed for a memory-only store
    std::vector<ChangeListener> m_listeners;
    std::function<void()> m_scheduleFlush;
    std::vector<StagedChange> m_staged; // resourceVersion order; the first m_flushing are being flushed
    size_t m_flushing = 0;
    QByteArray m_stagedRecords;         // the journal lines of those not being flushed
    quint64 m_durableVersion = 0;       // resourceVersion before the first staged change
    quint64 m_syncCount = 0;
    quint64 m_committedCount = 0;
};

} // namespace sluice::sandbox
