#include "Bytes.h"

#include <QFile>
#include <QtEndian>

namespace sluice {

QByteArray readWhole(QFile &file)
{
    const qint64 size = file.size();
    if (size <= 0)
        return file.readAll(); // not a regular file, or empty
    QByteArray bytes(size, Qt::Uninitialized);
    const qint64 read = file.read(bytes.data(), size);
    bytes.resize(qMax<qint64>(read, 0));
    if (read < size || !file.atEnd())
        bytes += file.readAll(); // it changed meanwhile: what is there now
    return bytes;
}

QByteArray sharedSlice(const QByteArray &buffer, qsizetype from, qsizetype n)
{
    QByteArray shared = buffer;
    QByteArray::DataPointer d = shared.data_ptr(); // one more reference to the buffer
    if (!d.isMutable())
        return buffer.mid(from, n);
    d.setBegin(d.data() + from);
    d.size = n;
    return QByteArray(std::move(d));
}

quint32 StringTable::id(const QString &s)
{
    Recent &recent = m_recent[(quintptr(s.constData()) >> 4) % kRecent];
    if (recent.filled && recent.string.constData() == s.constData() && recent.string.size() == s.size())
        return recent.id;
    auto it = m_index.constFind(s);
    if (it == m_index.constEnd()) {
        it = m_index.insert(s, quint32(m_strings.size()));
        m_strings.append(s);
    }
    recent = {s, *it, true};
    return *it;
}

StreamReader::StreamReader(const QByteArray &bytes, qsizetype at)
    : m_bytes(bytes), m_at(at), m_ok(at >= 0 && at <= bytes.size())
{
}

QString StreamReader::string()
{
    const qsizetype bytes = length();
    if (bytes < 0 || !m_ok)
        return {};
    if (bytes % 2 != 0) { // UTF-16
        m_ok = false;
        return {};
    }
    const uchar *p = take(bytes);
    if (!p)
        return {};
    QString s(bytes / 2, Qt::Uninitialized);
    char16_t *out = reinterpret_cast<char16_t *>(s.data());
    for (qsizetype i = 0; i < bytes / 2; ++i)
        out[i] = qFromBigEndian<quint16>(p + 2 * i);
    return s;
}

QByteArray StreamReader::slice()
{
    const qsizetype n = length();
    if (n < 0 || !m_ok)
        return {};
    const qsizetype at = m_at;
    return take(n) ? sharedSlice(m_bytes, at, n) : QByteArray();
}

QByteArray StreamReader::rest()
{
    const qsizetype n = remaining(), at = m_at;
    return take(n) ? sharedSlice(m_bytes, at, n) : QByteArray();
}

bool StreamReader::stringList(QStringList &out)
{
    const quint32 count = u32();
    if (!m_ok || count >= 0xfffffffeu || qint64(count) * 4 > m_bytes.size() - m_at) { // 4 bytes a string at least
        m_ok = false;
        return false;
    }
    out.clear();
    out.reserve(qsizetype(count));
    for (quint32 i = 0; i < count && m_ok; ++i)
        out.append(string());
    return m_ok;
}

bool StreamReader::tableString(const QStringList &strings, QString &out)
{
    const quint32 n = u32();
    if (n >= quint32(strings.size())) {
        m_ok = false;
        return false;
    }
    out = strings[n];
    return m_ok;
}

namespace {
constexpr qsizetype kStreamBlock = 64 * 1024;
}

StreamWriter::StreamWriter(Sink sink) : m_sink(std::move(sink))
{
    m_buffer.reserve(m_sink ? 2 * kStreamBlock : 256);
}

void StreamWriter::u32(quint32 v)
{
    uchar bytes[4];
    qToBigEndian(v, bytes);
    m_buffer.append(reinterpret_cast<const char *>(bytes), 4);
}

void StreamWriter::u64(quint64 v)
{
    uchar bytes[8];
    qToBigEndian(v, bytes);
    m_buffer.append(reinterpret_cast<const char *>(bytes), 8);
}

void StreamWriter::length(qsizetype n, bool null)
{
    Q_ASSERT(n < 0xfffffffe); // no record is 4 GB (QDataStream would write a 64-bit length)
    u32(null ? 0xffffffffu : quint32(n));
}

void StreamWriter::string(const QString &s)
{
    length(s.size() * 2, s.isNull());
    const qsizetype at = m_buffer.size();
    m_buffer.resize(at + s.size() * 2);
    auto *out = reinterpret_cast<uchar *>(m_buffer.data() + at);
    const QChar *in = s.constData();
    for (qsizetype i = 0; i < s.size(); ++i)
        qToBigEndian<quint16>(in[i].unicode(), out + 2 * i);
    handOn();
}

void StreamWriter::byteArray(const QByteArray &b)
{
    length(b.size(), b.isNull());
    if (m_sink && b.size() >= kStreamBlock) { // a large text goes to the sink as it is
        sinkBuffer();
        m_ok = m_ok && m_sink(b);
        return;
    }
    m_buffer.append(b);
    handOn();
}

void StreamWriter::raw(QByteArrayView bytes)
{
    m_buffer.append(bytes);
    handOn();
}

void StreamWriter::stringList(const QStringList &list)
{
    length(list.size(), false);
    for (const QString &s : list)
        string(s);
}

void StreamWriter::handOn()
{
    if (m_sink && m_buffer.size() >= kStreamBlock)
        sinkBuffer();
}

void StreamWriter::sinkBuffer()
{
    if (!m_buffer.isEmpty())
        m_ok = m_ok && m_sink(m_buffer);
    m_buffer.resize(0); // keeps its capacity
}

bool StreamWriter::finish()
{
    if (m_sink)
        sinkBuffer();
    return m_ok;
}

} // namespace sluice
