#pragma once

// Byte buffers read whole and shared: a large manifest's objects are slices of the one buffer
// read, not copies of it.

#include <QByteArray>
#include <QtEndian>
#include <QHash>
#include <QString>
#include <QStringList>

#include <cstring>
#include <functional>
#include <utility>
#include <vector>

class QFile;

namespace sluice {

// A file's bytes in a buffer of their size (readAll() keeps up to a third more room to grow,
// which slices would keep alive). Reads what is there when the file changes meanwhile.
QByteArray readWhole(QFile &file);

// Bytes [from, from + n) of `buffer` sharing it (no copy): the buffer lives as long as any slice
// of it. A slice is not '\0'-terminated (as QByteArray::fromRawData is not); changing one never
// changes another (a shared buffer is copied first). A buffer that does not own its bytes
// (fromRawData) is copied.
QByteArray sharedSlice(const QByteArray &buffer, qsizetype from, qsizetype n);

// A file of a folder, read from disk or from git: its path relative to the folder, and its bytes
// (left empty where the reader did not need them).
struct FileBytes
{
    QString path;
    QByteArray bytes;
};

// Cache entries: strings that many records share (kinds, namespaces, files) are written once,
// in a table before the records, which name them by index; a reader's copies share one string.
// A writer passes over its records twice: id() of each string, then the table, then the records
// with id() again (found), so an entry is written as it goes, not held whole first.
class StringTable
{
public:
    quint32 id(const QString &s);
    const QStringList &strings() const { return m_strings; }

private:
    // Strings met before, by the address and size of their text: the strings a writer names are
    // mostly a few shared copies (the kinds, namespaces and API versions a scan interned, a cache
    // entry's table), found so without reading their text (scattered over the heap, a cache miss
    // each) as hashing it would. m_held keeps each such string, so no other takes its address.
    struct Known
    {
        const QChar *text = nullptr; // null: a free slot
        qsizetype size = 0;
        quint32 id = 0;
    };
    Known &slotOf(const QChar *text, qsizetype size); // open addressing: its slot or a free one
    std::vector<Known> m_byAddress = std::vector<Known>(64); // a power of two, at most half full
    QList<QString> m_held; // one for each slot filled
    QHash<QString, quint32> m_index;
    QStringList m_strings;
};

// Reads what QDataStream (Qt 6, big-endian) wrote into `bytes`, without a device: a cache
// entry's many small values cost a few instructions each, not QDataStream's few hundred. A read
// past the end or of a damaged length makes ok() false (and returns an empty value); a damaged
// count or length never allocates more than the bytes left.
class StreamReader
{
public:
    explicit StreamReader(const QByteArray &bytes, qsizetype at = 0);

    bool ok() const { return m_ok; }
    bool atEnd() const { return m_at == m_bytes.size(); }
    qsizetype remaining() const { return m_ok ? m_bytes.size() - m_at : 0; }

    // Inline: a cache entry is hundreds of thousands of these.
    quint8 u8()
    {
        const uchar *p = take(1);
        return p ? *p : 0;
    }
    quint32 u32()
    {
        const uchar *p = take(4);
        return p ? qFromBigEndian<quint32>(p) : 0;
    }
    quint64 u64()
    {
        const uchar *p = take(8);
        return p ? qFromBigEndian<quint64>(p) : 0;
    }
    qint32 i32() { return qint32(u32()); }
    qint64 i64() { return qint64(u64()); }
    QString string();
    // A QByteArray, as a slice of `bytes` (records share their entry's one buffer).
    QByteArray slice();
    // Everything not read yet, as a slice of `bytes` (what StreamWriter::raw wrote last).
    QByteArray rest();
    // Past what string() or slice() would read, without reading it: its length in bytes (-1 for
    // a null one).
    qsizetype skip()
    {
        const qsizetype n = length();
        take(qMax<qsizetype>(n, 0));
        return n;
    }
    qsizetype position() const { return m_at; }
    // A QStringList; false when its count cannot fit in what is left.
    bool stringList(QStringList &out);
    // An index written by StringTable::id, as the string it names; false when out of range.
    bool tableString(const QStringList &strings, QString &out);

private:
    const uchar *take(qsizetype n)
    {
        if (!m_ok || n < 0 || n > m_bytes.size() - m_at) {
            m_ok = false;
            return nullptr;
        }
        const auto *p = reinterpret_cast<const uchar *>(m_bytes.constData()) + m_at;
        m_at += n;
        return p;
    }
    // A length QDataStream wrote before a string or byte array: -1 for a null one. Longer than 2 GB
    // (0xfffffffe and a 64-bit length) is refused: no record is.
    qsizetype length()
    {
        const quint32 n = u32();
        if (n == 0xffffffffu)
            return -1;
        if (n >= 0xfffffffeu)
            m_ok = false;
        return m_ok ? qsizetype(n) : 0;
    }

    const QByteArray &m_bytes;
    qsizetype m_at = 0;
    bool m_ok = true;
};

// Writes what StreamReader reads, as QDataStream (Qt 6, big-endian) writes it, a few
// instructions a value. Into a buffer (take()), or, with a sink, handed to the sink in blocks of
// 128 KiB and at finish(): a large entry is not held whole.
class StreamWriter
{
public:
    using Sink = std::function<bool(QByteArrayView)>;
    explicit StreamWriter(Sink sink = {});

    // Inline, as the reader's: a cache entry is hundreds of thousands of these.
    void u8(quint8 v) { put(&v, 1); }
    void u32(quint32 v)
    {
        uchar bytes[4];
        qToBigEndian(v, bytes);
        put(bytes, 4);
    }
    void u64(quint64 v)
    {
        uchar bytes[8];
        qToBigEndian(v, bytes);
        put(bytes, 8);
    }
    void i32(qint32 v) { u32(quint32(v)); }
    void i64(qint64 v) { u64(quint64(v)); }
    void string(const QString &s);       // QDataStream's QString (null and empty apart)
    void byteArray(const QByteArray &b); // QDataStream's QByteArray (null and empty apart)
    void stringList(const QStringList &list);
    void raw(QByteArrayView bytes) { put(bytes.data(), bytes.size()); } // without a length: StreamReader::rest reads them

    QByteArray take(); // without a sink: all written
    bool finish();     // with a sink: the rest to it; false when it failed

private:
    void put(const void *bytes, qsizetype n)
    {
        if (m_end - m_at < n)
            makeRoom(n);
        if (n > 0) // memcpy from a null pointer (an empty view) is undefined even for 0 bytes
            memcpy(m_at, bytes, size_t(n));
        m_at += n;
    }
    void length(qsizetype n, bool null);
    void makeRoom(qsizetype n); // the buffer to the sink, or grown, till n more bytes fit
    void sinkBuffer();          // the buffer to the sink now

    Sink m_sink;
    QByteArray m_buffer; // its size is its room: [data, m_at) is written, [m_at, m_end) free
    char *m_at = nullptr;
    char *m_end = nullptr;
    bool m_ok = true;
};

} // namespace sluice
