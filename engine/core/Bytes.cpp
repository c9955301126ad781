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

StringTable::Known &StringTable::slotOf(const QChar *text, qsizetype size)
{
    const size_t mask = m_byAddress.size() - 1;
    for (size_t i = (quintptr(text) * 0x9e3779b97f4a7c15ULL) >> 40 & mask;; i = (i + 1) & mask) {
        Known &slot = m_byAddress[i];
        if (!slot.text || (slot.text == text && slot.size == size))
            return slot;
    }
}

quint32 StringTable::id(const QString &s)
{
    if (const Known &known = slotOf(s.constData(), s.size()); known.text)
        return known.id;
    auto it = m_index.constFind(s);
    if (it == m_index.constEnd()) {
        it = m_index.insert(s, quint32(m_strings.size()));
        m_strings.append(s);
    }
    if (2 * (m_held.size() + 1) > qsizetype(m_byAddress.size())) {
        std::vector<Known> old(2 * m_byAddress.size());
        old.swap(m_byAddress);
        for (const Known &k : old) {
            if (k.text)
                slotOf(k.text, k.size) = k;
        }
    }
    slotOf(s.constData(), s.size()) = {s.constData(), s.size(), *it};
    m_held.append(s);
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
    m_buffer.resize(m_sink ? 2 * kStreamBlock : 256);
    m_at = m_buffer.data();
    m_end = m_at + m_buffer.size();
}

void StreamWriter::makeRoom(qsizetype n)
{
    if (m_sink)
        sinkBuffer();
    const qsizetype used = m_at ? m_at - m_buffer.constData() : 0; // none after take()
    if (m_buffer.size() - used >= n)
        return;
    m_buffer.resize(qMax(2 * m_buffer.size(), used + n));
    m_at = m_buffer.data() + used;
    m_end = m_buffer.data() + m_buffer.size();
}

void StreamWriter::length(qsizetype n, bool null)
{
    Q_ASSERT(n < 0xfffffffe); // no record is 4 GB (QDataStream would write a 64-bit length)
    u32(null ? 0xffffffffu : quint32(n));
}

void StreamWriter::string(const QString &s)
{
    length(s.size() * 2, s.isNull());
    if (m_end - m_at < s.size() * 2)
        makeRoom(s.size() * 2);
    auto *out = reinterpret_cast<uchar *>(m_at);
    const QChar *in = s.constData();
    for (qsizetype i = 0; i < s.size(); ++i)
        qToBigEndian<quint16>(in[i].unicode(), out + 2 * i);
    m_at += s.size() * 2;
}

void StreamWriter::byteArray(const QByteArray &b)
{
    length(b.size(), b.isNull());
    if (m_sink && b.size() >= kStreamBlock) { // a large text goes to the sink as it is
        sinkBuffer();
        m_ok = m_ok && m_sink(b);
        return;
    }
    put(b.constData(), b.size());
}

void StreamWriter::stringList(const QStringList &list)
{
    length(list.size(), false);
    for (const QString &s : list)
        string(s);
}

void StreamWriter::sinkBuffer()
{
    const qsizetype used = m_at - m_buffer.constData();
    if (used > 0)
        m_ok = m_ok && m_sink(QByteArrayView(m_buffer.constData(), used));
    m_at = m_buffer.data();
}

QByteArray StreamWriter::take()
{
    m_buffer.truncate(m_at - m_buffer.constData());
    m_at = m_end = nullptr;
    return std::exchange(m_buffer, {});
}

bool StreamWriter::finish()
{
    if (m_sink)
        sinkBuffer();
    return m_ok;
}

} // namespace sluice
