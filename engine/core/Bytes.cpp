#include "Bytes.h"

#include <QDataStream>
#include <QFile>

#include <limits>

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
    auto it = m_index.constFind(s);
    if (it == m_index.constEnd()) {
        it = m_index.insert(s, quint32(m_strings.size()));
        m_strings.append(s);
    }
    return *it;
}

bool readStringList(QDataStream &in, qint64 bytes, QStringList &out)
{
    quint32 count = 0;
    in >> count;
    if (in.status() != QDataStream::Ok || qint64(count) * 4 > bytes - in.device()->pos()) // 4 bytes a string at least
        return false;
    out.clear();
    out.reserve(qsizetype(count));
    for (quint32 i = 0; i < count && in.status() == QDataStream::Ok; ++i)
        in >> out.emplace_back();
    return in.status() == QDataStream::Ok;
}

bool readTableString(QDataStream &in, const QStringList &strings, QString &out)
{
    quint32 n = 0;
    in >> n;
    if (n >= quint32(strings.size()))
        return false;
    out = strings[n];
    return true;
}

bool readSharedSlice(QDataStream &in, const QByteArray &bytes, QByteArray &out)
{
    quint32 size = 0;
    in >> size;
    if (size == 0xffffffffu) { // a null QByteArray
        out = QByteArray();
        return in.status() == QDataStream::Ok;
    }
    const qint64 at = in.device()->pos();
    if (in.status() != QDataStream::Ok || size > quint32(std::numeric_limits<int>::max()) || at + qint64(size) > bytes.size())
        return false; // 0xfffffffe (a 64-bit size follows) included: no record is 2 GB
    out = sharedSlice(bytes, at, size);
    return in.skipRawData(int(size)) == int(size);
}

} // namespace sluice
