#include "RenderCache.h"

#include "StructuralHash.h"
#include "core/Bytes.h"
#include "core/Log.h"

#include <QCryptographicHash>
#include <QDataStream>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <array>

namespace sluice {
namespace {

constexpr quint32 kMagic = 0x534c5243; // "SLRC"
// 2: the set's notes follow its objects; 3: structural hashes are the same in every process;
// 4: shared strings once per entry; 5: data entries' checksums four lanes at once
constexpr quint32 kVersion = 5;
constexpr quint64 kDataSeed = 0x64617461; // checksums of findData/storeData entries: a damaged one is a miss

// An entry's objects: first the strings many objects share (groups, kinds, namespaces, API
// versions, files) once each, then each object naming them by index.
void writeResources(QDataStream &out, const ResourceSet &set)
{
    StringTable table;
    const auto shared = [](const Resource &r) {
        return std::array{&r.key.group, &r.key.kind, &r.key.ns, &r.apiVersion, &r.sourceFile};
    };
    for (const Resource &r : set) {
        for (const QString *s : shared(r))
            table.id(*s);
    }
    out << table.strings() << qint64(set.size());
    for (const Resource &r : set) { // written as they are: an entry is not held twice
        for (const QString *s : shared(r))
            out << table.id(*s);
        out << r.key.name << qint32(r.line) << r.text << quint8(r.format) << r.hash;
    }
}

bool readResources(StreamReader &in, ResourceSet &set)
{
    QStringList strings;
    if (!in.stringList(strings))
        return false;
    const qint64 count = in.i64();
    if (count < 0)
        return false;
    for (qint64 i = 0; i < count && in.ok(); ++i) {
        Resource r;
        for (QString *field : {&r.key.group, &r.key.kind, &r.key.ns, &r.apiVersion, &r.sourceFile}) {
            if (!in.tableString(strings, *field))
                return false;
        }
        r.key.name = in.string();
        r.line = in.i32();
        r.text = in.slice();
        r.format = in.u8() == quint8(Resource::Format::Json) ? Resource::Format::Json : Resource::Format::Yaml;
        r.hash = in.u64();
        if (!in.ok() || !set.insert(std::move(r)))
            return false;
    }
    return in.ok() && set.size() == count;
}

// Reads an entry's header: true when this build wrote it for `key` (else a miss).
bool readHeader(StreamReader &in, const QString &key)
{
    const quint32 magic = in.u32();
    const quint32 version = in.u32();
    const QString storedKey = in.string();
    return in.ok() && magic == kMagic && version == kVersion && storedKey == key;
}

// Whether `set` holds a core Secret: such a set stays in memory, so no secret value rests on
// disk (a render of it costs again in the next process). Linear in the set, no parsing.
bool containsSecret(const ResourceSet &set)
{
    for (const Resource &r : set) {
        if (r.key.group.isEmpty() && r.key.kind == QLatin1String("Secret"))
            return true;
    }
    return false;
}

} // namespace

RenderCache::RenderCache(QString diskDir, qint64 maxDiskBytes, qint64 maxMemoryBytes)
    : m_diskDir(std::move(diskDir)), m_maxDiskBytes(maxDiskBytes), m_maxMemoryBytes(maxMemoryBytes)
{
}

RenderCache::~RenderCache()
{
    if (m_wroteDisk)
        pruneDisk();
}

qint64 RenderCache::defaultMaxDiskBytes()
{
    bool ok = false;
    const qint64 mb = qEnvironmentVariableIntValue("SLUICE_CACHE_MAX_MB", &ok);
    return (ok && mb > 0 ? mb : 2048) * 1024 * 1024;
}

bool RenderCache::openEntry(QFile &file, const QString &key, const char *suffix) const
{
    if (m_diskDir.isEmpty())
        return false;
    file.setFileName(fileFor(key, suffix));
    if (!file.open(QIODevice::ReadOnly))
        return false;
    file.setFileTime(QDateTime::currentDateTimeUtc(), QFileDevice::FileModificationTime); // used now
    return true;
}

void RenderCache::pruneDisk() const
{
    QFileInfoList entries = QDir(m_diskDir).entryInfoList(QDir::Files, QDir::Time); // newest first
    qint64 total = 0;
    for (const QFileInfo &entry : entries) {
        total += entry.size();
        if (total > m_maxDiskBytes && QFile::remove(entry.filePath()))
            total -= entry.size();
    }
}

qint64 RenderCache::memoryBytes()
{
    QMutexLocker lock(&m_mutex);
    return m_memoryBytes;
}

void RenderCache::keepInMemory(const QString &key, const ResourceSet &set)
{
    constexpr qint64 kObjectBytes = 300; // the object, its key's strings, allocation overhead
    qint64 bytes = 0;
    for (const Resource &r : set)
        bytes += r.text.size() + kObjectBytes;
    if (auto it = m_sets.find(key); it != m_sets.end()) {
        m_memoryBytes -= it->bytes;
        m_sets.erase(it);
    }
    if (bytes > m_maxMemoryBytes)
        return;
    while (m_memoryBytes + bytes > m_maxMemoryBytes) {
        auto oldest = m_sets.begin(); // a few entries: a scan is cheaper than keeping an order
        for (auto it = m_sets.begin(); it != m_sets.end(); ++it) {
            if (it->used < oldest->used)
                oldest = it;
        }
        m_memoryBytes -= oldest->bytes;
        m_sets.erase(oldest);
    }
    m_sets.insert(key, {set, bytes, ++m_clock});
    m_memoryBytes += bytes;
}

QString RenderCache::makeKey(const QString &contentId, const QString &optionsIdentity, const QString &toolIdentity)
{
    return contentId + QLatin1Char('|') + optionsIdentity + QLatin1Char('|') + toolIdentity;
}

QString RenderCache::fileFor(const QString &key, const char *suffix) const
{
    const QByteArray digest = QCryptographicHash::hash(key.toUtf8(), QCryptographicHash::Sha1).toHex();
    return m_diskDir + QLatin1Char('/') + QString::fromLatin1(digest) + QLatin1String(suffix);
}

std::optional<ResourceSet> RenderCache::find(const QString &key)
{
    {
        QMutexLocker lock(&m_mutex);
        if (auto it = m_sets.find(key); it != m_sets.end()) {
            it->used = ++m_clock;
            return it->set;
        }
    }
    QFile file;
    if (!openEntry(file, key, ".set"))
        return std::nullopt;
    const QByteArray bytes = readWhole(file);
    StreamReader in(bytes);
    if (!readHeader(in, key))
        return std::nullopt;
    ResourceSet set;
    if (!readResources(in, set) || !in.stringList(set.notes)) {
        qCWarning(lcRender) << "ignoring corrupt render cache entry" << file.fileName();
        return std::nullopt;
    }
    if (containsSecret(set)) // written before Secrets stayed in memory: used once more, then gone
        file.remove();
    QMutexLocker lock(&m_mutex);
    keepInMemory(key, set);
    return set;
}

void RenderCache::store(const QString &key, const ResourceSet &set)
{
    {
        QMutexLocker lock(&m_mutex);
        keepInMemory(key, set);
    }
    if (m_diskDir.isEmpty() || containsSecret(set) || !QDir().mkpath(m_diskDir))
        return;
    QFile::setPermissions(m_diskDir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    QSaveFile file(fileFor(key, ".set"));
    if (!file.open(QIODevice::WriteOnly))
        return;
    QDataStream out(&file);
    out << kMagic << kVersion << key; // readHeader
    writeResources(out, set);
    out << set.notes;
    // Rendered manifests (no Secret, but a ConfigMap may hold what a team should not share):
    // readable by the owner only.
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    if (!file.commit())
        qCWarning(lcRender) << "could not write render cache entry" << file.fileName() << file.errorString();
    m_wroteDisk = true;
}

std::optional<QString> RenderCache::findText(const QString &key)
{
    {
        QMutexLocker lock(&m_mutex);
        if (auto it = m_texts.constFind(key); it != m_texts.constEnd())
            return *it;
    }
    QFile file;
    if (!openEntry(file, key, ".txt"))
        return std::nullopt;
    const QList<QByteArray> lines = file.readAll().split('\n');
    if (lines.size() < 2 || QString::fromUtf8(lines[0]) != key)
        return std::nullopt;
    const QString value = QString::fromUtf8(lines[1]);
    QMutexLocker lock(&m_mutex);
    m_texts.insert(key, value);
    return value;
}

void RenderCache::storeText(const QString &key, const QString &value)
{
    {
        QMutexLocker lock(&m_mutex);
        m_texts.insert(key, value);
    }
    if (m_diskDir.isEmpty() || !QDir().mkpath(m_diskDir))
        return;
    QSaveFile file(fileFor(key, ".txt"));
    if (file.open(QIODevice::WriteOnly)) {
        file.write(key.toUtf8() + '\n' + value.toUtf8() + '\n');
        file.commit();
        m_wroteDisk = true;
    }
}

std::optional<QByteArray> RenderCache::findData(const QString &key)
{
    QFile file;
    if (!openEntry(file, key, ".dat"))
        return std::nullopt;
    const QByteArray bytes = readWhole(file);
    StreamReader in(bytes);
    if (!readHeader(in, key))
        return std::nullopt;
    const quint64 checksum = in.u64();
    const QByteArray data = in.slice();
    if (!in.ok())
        return std::nullopt;
    if (hashing::checksum(data, kDataSeed) != checksum) {
        qCWarning(lcRender) << "ignoring damaged cache entry" << file.fileName();
        return std::nullopt;
    }
    return data;
}

void RenderCache::storeData(const QString &key, const QByteArray &data)
{
    if (m_diskDir.isEmpty() || !QDir().mkpath(m_diskDir))
        return;
    QSaveFile file(fileFor(key, ".dat"));
    if (!file.open(QIODevice::WriteOnly))
        return;
    QDataStream out(&file);
    out << kMagic << kVersion << key << hashing::checksum(data, kDataSeed) << data;
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    if (!file.commit())
        qCWarning(lcRender) << "could not write cache entry" << file.fileName() << file.errorString();
    m_wroteDisk = true;
}

} // namespace sluice
