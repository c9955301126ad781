// The heap sluicectl reserves: address space in the program break, advised for transparent huge
// pages, holding large blocks, no memory taken for it up front, and given back on request.

#include "core/Heap.h"

#include <QFile>
#include <QTest>

#include <cstdlib>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SLUICE_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define SLUICE_ASAN 1
#endif

namespace {

struct Mapping
{
    quintptr from = 0;
    quintptr to = 0;
    bool hugePages = false; // VmFlags "hg": madvise(MADV_HUGEPAGE)
};

// The [heap] mappings of this process, from /proc/self/smaps.
QList<Mapping> heapMappings()
{
    QFile smaps(QStringLiteral("/proc/self/smaps"));
    if (!smaps.open(QIODevice::ReadOnly))
        return {};
    QList<Mapping> heap;
    bool inHeap = false;
    for (const QByteArray &line : smaps.readAll().split('\n')) {
        const qsizetype dash = line.indexOf('-');
        const qsizetype space = line.indexOf(' ');
        if (dash > 0 && space > dash && !line.startsWith("VmFlags")) { // "from-to perms offset dev inode [path]"
            inHeap = line.endsWith("[heap]");
            if (inHeap)
                heap.append({line.left(dash).toULongLong(nullptr, 16), line.mid(dash + 1, space - dash - 1).toULongLong(nullptr, 16)});
        } else if (inHeap && line.startsWith("VmFlags:")) {
            heap.last().hugePages = line.split(' ').contains("hg");
        }
    }
    return heap;
}

// Resident memory of this process, in KiB.
qint64 residentKiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

// Whether the block's last byte is in the heap's part advised for huge pages (its first bytes may
// be in the part below the first 2 MiB boundary).
bool inAdvisedHeap(const QList<Mapping> &heap, const void *block, size_t size)
{
    const auto at = reinterpret_cast<quintptr>(block) + size - 1;
    for (const Mapping &m : heap) {
        if (at >= m.from && at < m.to)
            return m.hugePages;
    }
    return false;
}

} // namespace

class TestHeap : public QObject
{
    Q_OBJECT

private slots:
    void heapIsReservedInLargePages()
    {
#ifdef SLUICE_ASAN
        QSKIP("AddressSanitizer's allocator replaces glibc's");
#endif
        const qint64 residentBefore = residentKiB();
        sluice::reserveHeapInLargePages();
        const qint64 residentAfter = residentKiB();
        const QList<Mapping> heap = heapMappings();
        quintptr size = 0;
        for (const Mapping &m : heap)
            size += m.to - m.from;
        QVERIFY2(size >= quintptr(512) << 20, qPrintable(QString::number(size)));
        QVERIFY(std::any_of(heap.begin(), heap.end(), [](const Mapping &m) { return m.hugePages; }));
        QVERIFY2(residentAfter - residentBefore < 64 * 1024, qPrintable(QString::number(residentAfter - residentBefore)));

        // An 8 MiB block (glibc maps its own above 128 KiB by default) comes from that heap.
        const size_t blockSize = size_t(8) << 20;
        void *big = std::malloc(blockSize);
        QVERIFY(inAdvisedHeap(heapMappings(), big, blockSize));
        std::free(big);

        // For a very large input the heap gives back what it does not use, the reserve too.
        sluice::returnFreedMemory();
        quintptr after = 0;
        for (const Mapping &m : heapMappings())
            after += m.to - m.from;
        QVERIFY2(after < quintptr(256) << 20, qPrintable(QString::number(after)));
    }
};

QTEST_GUILESS_MAIN(TestHeap)
#include "tst_heap.moc"
