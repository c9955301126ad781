#pragma once

// Byte buffers read whole and shared: a large manifest's objects are slices of the one buffer
// read, not copies of it.

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringList>

class QDataStream;
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
    QHash<QString, quint32> m_index;
    QStringList m_strings;
};

// Reads a QStringList as QDataStream writes it from `in`, whose buffer is `bytes` long: false when
// its count cannot fit in what is left (QDataStream would first reserve room for a damaged count).
bool readStringList(QDataStream &in, qint64 bytes, QStringList &out);

// Reads an index written by StringTable::id into `out` from `strings`; false when out of range.
bool readTableString(QDataStream &in, const QStringList &strings, QString &out);

// Reads a QByteArray as QDataStream writes it, as a slice of `bytes`, the buffer `in` reads
// (records share their entry's one buffer). False when it does not fit.
bool readSharedSlice(QDataStream &in, const QByteArray &bytes, QByteArray &out);

} // namespace sluice
