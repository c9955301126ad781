#include "RenderCache.h"

#include "StructuralHash.h"
#include "core/Bytes.h"
#include "core/Log.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QTemporaryFile>
#include <QtEndian>

#include <array>
#include <cstdio>
#include <vector>

namespace sluice {
namespace {

constexpr quint32 kMagic = 0x534c5243; // "SLRC"
// 2: the set's notes follow its objects; 3: structural hashes are the same in every process;
// 4: shared strings once per entry; 5: data entries' checksums four lanes at once; 6: every
// entry ends with the checksum of its bytes; 7: a data entry's value is the rest of the entry,
// without a length (it is written as it goes); 8: checksums 16 bytes a multiplication
constexpr quint32 kVersion = 8;
constexpr quint64 kChecksumSeed = 0x736c7263; // an entry that fails its checksum is a miss

// The checksum of an entry's bytes, given in pieces of any size: hashing::checksum of each
// 64 KiB block, chained.
class EntryChecksum
{
public:
    void add(const char *data, qsizetype n)
    {
        while (n > 0) {
            const qsizetype take = std::min(n, kBlock - m_block.size());
            if (m_block.isEmpty() && take == kBlock) { // a whole block: not copied
                step(QByteArrayView(data, kBlock));
            } else {
                m_block.append(data, take);
                if (m_block.size() == kBlock) {
                    step(m_block);
                    m_block.resize(0); // keeps its capacity
                }
            }
            data += take;
            n -= take;
        }
    }

    quint64 value()
    {
        step(m_block); // the last block, maybe empty
        m_block.resize(0);
        return m_value;
    }

private:
    static constexpr qsizetype kBlock = 64 * 1024;
    void step(QByteArrayView block) { m_value = hashing::seqStep(m_value, hashing::checksum(block, kChecksumSeed)); }

    QByteArray m_block;
    quint64 m_value = kChecksumSeed;
};

// Writes one entry: into a new file beside it (the owner's only), which replaces the entry when
// complete, the checksum of everything before it last. Not synced to disk: a cache needs no
// durability, and an entry a crash leaves torn fails its checksum when read (a miss).
class EntryWriter
{
public:
    explicit EntryWriter(QString path) : m_path(std::move(path)), m_file(m_path + QStringLiteral(".XXXXXX")) {}

    bool open() { return m_file.open(); }

    bool write(QByteArrayView bytes)
    {
        m_checksum.add(bytes.data(), bytes.size());
        return m_file.write(bytes.data(), bytes.size()) == bytes.size();
    }

    // What `out` (writing to this entry) has left, the checksum, and the entry in its place.
    bool commit(StreamWriter &out)
    {
        if (!out.finish())
            return false;
        uchar sum[8];
        qToBigEndian(m_checksum.value(), sum);
        if (m_file.write(reinterpret_cast<const char *>(sum), 8) != 8 || !m_file.flush())
            return false;
        m_file.close();
        if (std::rename(QFile::encodeName(m_file.fileName()).constData(), QFile::encodeName(m_path).constData()) != 0)
            return false;
        m_file.setAutoRemove(false);
        return true;
    }

    StreamWriter::Sink sink()
    {
        return [this](QByteArrayView bytes) { return write(bytes); };
    }

    QString failure() const { return m_file.errorString(); }

private:
    QString m_path;
    QTemporaryFile m_file;
    EntryChecksum m_checksum;
};

// An entry's bytes when they end with their checksum (without it), else nothing.
std::optional<QByteArray> checkedBytes(QFile &file)
{
    QByteArray bytes = readWhole(file);
    if (bytes.size() < 8)
        return std::nullopt;
    StreamReader trailer(bytes, bytes.size() - 8);
    const quint64 stored = trailer.u64();
    bytes.truncate(bytes.size() - 8);
    EntryChecksum sum;
    sum.add(bytes.constData(), bytes.size());
    if (sum.value() != stored) {
        qCWarning(lcRender) << "ignoring damaged cache entry" << file.fileName();
        return std::nullopt;
    }
    return bytes;
}

// An entry's objects: first the strings many objects share (groups, kinds, namespaces, API
// versions, files) once each, then each object naming them by index.
void writeResources(StreamWriter &out, const ResourceSet &set)
{
    StringTable table;
    const auto shared = [](const Resource &r) {
        return std::array{&r.key.group, &r.key.kind, &r.key.ns, &r.apiVersion, &r.sourceFile};
    };
    for (const Resource &r : set) {
        for (const QString *s : shared(r))
            table.id(*s);
    }
    out.stringList(table.strings());
    out.i64(set.size());
    for (const Resource &r : set) { // written as they are: an entry is not held twice
        for (const QString *s : shared(r))
            out.u32(table.id(*s));
        out.string(r.key.name);
        out.i32(r.line);
        out.byteArray(r.text);
        out.u8(quint8(r.format));
        out.u64(r.hash);
    }
}

// What readHeader reads.
void writeHeader(StreamWriter &out, const QString &key)
{
    out.u32(kMagic);
    out.u32(kVersion);
    out.string(key);
}

bool readResources(StreamReader &in, ResourceSet &set)
{
    QStringList strings;
    if (!in.stringList(strings))
        return false;
    const qint64 count = in.i64();
    if (count < 0)
        return false;
    constexpr qsizetype kLeastRecordBytes = 5 * 4 + 4 + 4 + 4 + 1 + 8; // five indexes, name, line, text, format, hash
    set.reserve(qMin<qint64>(count, in.remaining() / kLeastRecordBytes));
    std::vector<bool> keyPart(strings.size()); // made the process's copy (sharedKeyPart) yet
    for (qint64 i = 0; i < count && in.ok(); ++i) {
        Resource r;
        for (QString *field : {&r.key.group, &r.key.kind, &r.key.ns, &r.apiVersion}) {
            const quint32 id = in.u32();
            if (id >= quint32(strings.size()))
                return false;
            if (!keyPart[id]) {
                strings[id] = sharedKeyPart(strings[id]);
                keyPart[id] = true;
            }
            *field = strings[id];
        }
        if (!in.tableString(strings, r.sourceFile))
            return false;
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
    const std::optional<QByteArray> bytes = checkedBytes(file);
    if (!bytes)
        return std::nullopt;
    StreamReader in(*bytes);
    if (!readHeader(in, key))
        return std::nullopt;
    ResourceSet set;
    if (!readResources(in, set) || !in.stringList(set.notes) || !in.atEnd()) {
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
    // Rendered manifests (no Secret, but a ConfigMap may hold what a team should not share):
    // readable by the owner only, as EntryWriter makes them.
    EntryWriter file(fileFor(key, ".set"));
    if (!file.open())
        return;
    StreamWriter out(file.sink());
    writeHeader(out, key);
    writeResources(out, set);
    out.stringList(set.notes);
    if (!file.commit(out))
        qCWarning(lcRender) << "could not write render cache entry" << fileFor(key, ".set") << file.failure();
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
    const std::optional<QByteArray> bytes = checkedBytes(file);
    if (!bytes)
        return std::nullopt;
    StreamReader in(*bytes);
    if (!readHeader(in, key))
        return std::nullopt;
    return in.rest();
}

void RenderCache::storeData(const QString &key, const std::function<void(StreamWriter &)> &write)
{
    if (m_diskDir.isEmpty() || !QDir().mkpath(m_diskDir))
        return;
    EntryWriter file(fileFor(key, ".dat"));
    if (!file.open())
        return;
    StreamWriter out(file.sink());
    writeHeader(out, key);
    write(out);
    if (!file.commit(out))
        qCWarning(lcRender) << "could not write cache entry" << fileFor(key, ".dat") << file.failure();
    m_wroteDisk = true;
}

} // namespace sluice
