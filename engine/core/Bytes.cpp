#include "Bytes.h"

#include <QFile>

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

} // namespace sluice
