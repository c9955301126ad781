// The heap sluicectl reserves: address space in the program break, advised for transparent huge
// pages, holding large blocks, no memory taken for it up front, and given back on request; and
// the heaps of threads started later, advised too.

#include "core/Heap.h"

#include "common/Sanitizers.h"

#include <QFile>
#include <QTest>

#include <algorithm>
#include <cstdlib>
#include <thread>

namespace {

struct Mapping
{
    quintptr from = 0;
    quintptr to = 0;
    bool heap = false;      // the program break's: [heap]
    bool hugePages = false; // VmFlags "hg": madvise(MADV_HUGEPAGE)
};

// This process's mappings, from /proc/self/smaps.
QList<Mapping> mappings()
{
    QFile smaps(QStringLiteral("/proc/self/smaps"));
    if (!smaps.open(QIODevice::ReadOnly))
        return {};
    QList<Mapping> all;
    for (const QByteArray &line : smaps.readAll().split('\n')) {
        const qsizetype dash = line.indexOf('-');
        const qsizetype space = line.indexOf(' ');
        if (dash > 0 && space > dash && !line.startsWith("VmFlags")) { // "from-to perms offset dev inode [path]"
            all.append({line.left(dash).toULongLong(nullptr, 16), line.mid(dash + 1, space - dash - 1).toULongLong(nullptr, 16),
                        line.endsWith("[heap]")});
        } else if (!all.isEmpty() && line.startsWith("VmFlags:")) {
            all.last().hugePages = line.split(' ').contains("hg");
        }
    }
    return all;
}

quintptr heapSize()
{
    quintptr size = 0;
    for (const Mapping &m : mappings())
        size += m.heap ? m.to - m.from : 0;
    return size;
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

// Whether the block's last byte is in a mapping advised for huge pages (its first bytes may be in
// the heap's part below the first 2 MiB boundary).
bool inAdvisedMapping(const void *block, size_t size)
{
    const auto at = reinterpret_cast<quintptr>(block) + size - 1;
    for (const Mapping &m : mappings()) {
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
        QVERIFY2(heapSize() >= quintptr(512) << 20, qPrintable(QString::number(heapSize())));
        QVERIFY2(residentAfter - residentBefore < 64 * 1024, qPrintable(QString::number(residentAfter - residentBefore)));

        // An 8 MiB block (glibc maps its own above 128 KiB by default) comes from that heap; a
        // thread started later allocates in huge pages too, in a heap of its own.
        const size_t blockSize = size_t(8) << 20;
        void *big = std::malloc(blockSize);
        QVERIFY(inAdvisedMapping(big, blockSize));
        std::free(big);
        for (int round = 0; round < 3; ++round) {
            bool advised = false, mainHeap = true;
            std::thread([&] {
                void *block = std::malloc(size_t(1) << 20);
                advised = inAdvisedMapping(block, size_t(1) << 20);
                const auto at = reinterpret_cast<quintptr>(block);
                const QList<Mapping> all = mappings();
                mainHeap = std::any_of(all.begin(), all.end(), [at](const Mapping &m) { return m.heap && at >= m.from && at < m.to; });
                std::free(block);
            }).join();
            QVERIFY(advised);
            QVERIFY(!mainHeap);
        }

        // For a very large input the heap gives back what it does not use, the reserve too.
        sluice::returnFreedMemory();
        QVERIFY2(heapSize() < quintptr(256) << 20, qPrintable(QString::number(heapSize())));
    }
};

QTEST_GUILESS_MAIN(TestHeap)
#include "tst_heap.moc"
