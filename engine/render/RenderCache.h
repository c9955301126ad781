#pragma once

// Render cache keyed by (content id of the rendered tree, renderer options, tool identity), so
// a second render of the same revision costs next to nothing. Kept in memory and, when given a
// directory, on disk (so every sluicectl run benefits), except a set with a Secret in it: that
// one only in memory, so no secret value rests on disk. Memory holds the sets used last, up to a
// budget (a set larger than it is not held: a 200 MB manifest's render is freed with its
// review). Thread-safe.

#include "Resource.h"
#include "core/Bytes.h"

#include <QFile>
#include <QHash>
#include <QMutex>
#include <QString>

#include <atomic>
#include <functional>
#include <optional>

namespace sluice {

class RenderCache
{
public:
    // `diskDir` empty = memory only. Entries on disk are written atomically; a corrupt or
    // foreign entry is ignored (treated as a miss). When this cache wrote to disk, its
    // destructor keeps the folder under `maxDiskBytes` (default: SLUICE_CACHE_MAX_MB, else
    // 2 GiB) by removing the entries least recently used (a hit marks an entry used).
    // `maxMemoryBytes`: the sets held in memory, estimated (texts and a per-object overhead).
    explicit RenderCache(QString diskDir = {}, qint64 maxDiskBytes = defaultMaxDiskBytes(),
                         qint64 maxMemoryBytes = kDefaultMaxMemoryBytes);
    ~RenderCache();
    RenderCache(const RenderCache &) = delete;
    RenderCache &operator=(const RenderCache &) = delete;

    static qint64 defaultMaxDiskBytes();
    static constexpr qint64 kDefaultMaxMemoryBytes = 64 * 1024 * 1024;
    // What the sets held in memory are estimated to take (at most the budget).
    qint64 memoryBytes();

    static QString makeKey(const QString &contentId, const QString &optionsIdentity, const QString &toolIdentity);

    std::optional<ResourceSet> find(const QString &key);
    void store(const QString &key, const ResourceSet &set);

    // Small text values (e.g. the renderer auto-detected for a tree id).
    std::optional<QString> findText(const QString &key);
    void storeText(const QString &key, const QString &value);

    // Opaque results derived from renders (a whole review), on disk only: none without a
    // directory. Owner-readable, written atomically; a foreign entry is a miss. `write` writes
    // the value to the entry as it goes (a large review's is not held whole in memory);
    // findData gives back what it wrote.
    std::optional<QByteArray> findData(const QString &key);
    void storeData(const QString &key, const std::function<void(StreamWriter &)> &write);
    void storeData(const QString &key, const QByteArray &data)
    {
        storeData(key, [&data](StreamWriter &out) { out.raw(data); });
    }

    QString diskDir() const { return m_diskDir; }

private:
    QString fileFor(const QString &key, const char *suffix) const;

    // Opens an entry for reading and marks it used.
    bool openEntry(QFile &file, const QString &key, const char *suffix) const;
    void pruneDisk() const;
    // Holds `set` in memory, dropping the sets used longest ago to stay in the budget. Locked.
    void keepInMemory(const QString &key, const ResourceSet &set);

    QString m_diskDir;
    qint64 m_maxDiskBytes = 0;
    std::atomic<bool> m_wroteDisk = false; // stores run on several threads
    QMutex m_mutex;
    struct MemoryEntry
    {
        ResourceSet set;
        qint64 bytes = 0;
        quint64 used = 0; // m_clock when last stored or found
    };
    qint64 m_maxMemoryBytes = 0;
    qint64 m_memoryBytes = 0;
    quint64 m_clock = 0;
    QHash<QString, MemoryEntry> m_sets;
    QHash<QString, QString> m_texts;
};

} // namespace sluice
