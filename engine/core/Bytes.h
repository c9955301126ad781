#pragma once

// Byte buffers read whole and shared: a large manifest's objects are slices of the one buffer
// read, not copies of it.

#include <QByteArray>
#include <QString>

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

} // namespace sluice
