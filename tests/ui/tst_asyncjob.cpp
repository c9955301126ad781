// AsyncSlot: results reach the GUI thread, a newer job drops the older one's result, cancel and
// destruction stop delivery and cancel the token, partial results arrive in order; jobs that run
// the engine's parallel diff never deadlock however small the global thread pool is; what jobs
// freed is given back to the system once none runs.

#include "AsyncJob.h"
#include "common/Sanitizers.h"
#include "diff/ResourceDiff.h"

#include <QFile>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <cstdlib>
#include <cstring>
#include <tuple>
#include <utility>
#include <vector>

#include <unistd.h>

using namespace sluice;

namespace {

qint64 residentKiB()
{
    QFile statm(QStringLiteral("/proc/self/statm"));
    if (!statm.open(QIODevice::ReadOnly))
        return 0;
    return statm.readAll().split(' ').value(1).toLongLong() * (sysconf(_SC_PAGESIZE) / 1024);
}

} // namespace

class TestAsyncJob : public QObject
{
    Q_OBJECT

private slots:
    // Overlapping jobs whose work fans out on the global pool (the diff does) finish with a 1-
    // and a 2-thread global pool: a job must never wait for pool work behind itself.
    void overlappingDiffJobsWithASmallPool_data()
    {
        QTest::addColumn<int>("poolThreads");
        QTest::newRow("1 thread") << 1;
        QTest::newRow("2 threads") << 2;
    }

    void overlappingDiffJobsWithASmallPool()
    {
        QFETCH(int, poolThreads);
        const int before = QThreadPool::globalInstance()->maxThreadCount();
        QThreadPool::globalInstance()->setMaxThreadCount(poolThreads);
        auto set = [](const QString &value) {
            ResourceSet objects;
            for (int i = 0; i < 200; ++i) {
                Resource r;
                r.key = {QString(), QStringLiteral("ConfigMap"), QStringLiteral("shop"), QStringLiteral("cm-%1").arg(i)};
                r.apiVersion = QStringLiteral("v1");
                r.sourceFile = QStringLiteral("objects.json");
                r.format = Resource::Format::Json;
                r.text = QStringLiteral(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm-%1"},"data":{"v":"%2"}})")
                             .arg(i).arg(value).toUtf8();
                r.hash = quint64(qHash(r.text)); // differs between the sides: every pair is compared
                (void)objects.insert(r);
            }
            return objects;
        };
        const ResourceSet base = set(QStringLiteral("a"));
        const ResourceSet head = set(QStringLiteral("b"));
        std::vector<std::unique_ptr<AsyncSlot>> jobs;
        QList<int> changed;
        for (int job = 0; job < 4; ++job) {
            jobs.push_back(std::make_unique<AsyncSlot>());
            jobs.back()->run([&base, &head](const JobContext &context) {
                auto diff = diffResourceSets(base, head, {}, context.token());
                return diff ? diff->summary.changed : -1;
            }, [&changed](int n) { changed << n; });
        }
        QTRY_COMPARE_WITH_TIMEOUT(changed.size(), 4, 20000);
        QThreadPool::globalInstance()->setMaxThreadCount(before);
        QCOMPARE(changed, (QList<int>{200, 200, 200, 200}));
    }

    void deliversOnTheGuiThread()
    {
        AsyncSlot slot;
        QThread *worker = nullptr;
        QThread *receiver = nullptr;
        int result = 0;
        slot.run([&worker](const JobContext &) { worker = QThread::currentThread(); return 42; },
                 [&](int value) { result = value; receiver = QThread::currentThread(); });
        QVERIFY(slot.isRunning());
        QTRY_COMPARE(result, 42);
        QVERIFY(worker != QThread::currentThread());
        QCOMPARE(receiver, QThread::currentThread());
        QVERIFY(!slot.isRunning());
    }

    void newerJobDropsTheOlderResult()
    {
        AsyncSlot slot;
        QList<int> delivered;
        std::atomic_bool firstCancelled = false;
        slot.run(
            [&firstCancelled](const JobContext &job) {
                while (!job.isCancelled())
                    QThread::msleep(5);
                firstCancelled = true;
                return 1;
            },
            [&delivered](int v) { delivered << v; });
        slot.run([](const JobContext &) { return 2; }, [&delivered](int v) { delivered << v; });
        QTRY_COMPARE(delivered, QList<int>{2});
        QTRY_VERIFY(firstCancelled.load());
        QTest::qWait(50);
        QCOMPARE(delivered, QList<int>{2});
    }

    void cancelStopsDeliveryAndPosts()
    {
        AsyncSlot slot;
        QSignalSpy running(&slot, &AsyncSlot::runningChanged);
        int posts = 0;
        bool done = false;
        std::atomic_bool cancelled = false;
        slot.run(
            [&cancelled](const JobContext &job) {
                for (int i = 0; i < 1000 && !job.isCancelled(); ++i) {
                    job.post([] {});
                    QThread::msleep(1);
                }
                cancelled = job.isCancelled();
                return 0;
            },
            [&done](int) { done = true; });
        slot.cancel();
        QVERIFY(!slot.isRunning());
        QTRY_VERIFY(cancelled.load());
        QTest::qWait(50);
        QVERIFY(!done);
        QCOMPARE(posts, 0);
        QCOMPARE(running.count(), 2); // started, stopped
    }

    void partialResultsArriveInOrder()
    {
        AsyncSlot slot;
        QList<int> parts;
        bool done = false;
        slot.run(
            [&parts](const JobContext &job) {
                for (int i = 0; i < 100; ++i)
                    job.post([&parts, i] { parts << i; });
                return 0;
            },
            [&done](int) { done = true; });
        QTRY_VERIFY(done);
        QCOMPARE(parts.size(), 100);
        QVERIFY(std::is_sorted(parts.begin(), parts.end()));
    }

    // What a job frees stays in its thread's heap unless given back: the control panel's first
    // status round left 45 MiB so. Once the last job ends the window trims it.
    void freedMemoryIsGivenBackWhenNoJobRuns()
    {
#ifdef SLUICE_ASAN
        QSKIP("AddressSanitizer's allocator replaces glibc's");
#endif
        AsyncSlot slot;
        qint64 peakKiB = 0;
        char *pin = nullptr;
        slot.run([](const JobContext &) {
            // 64 MiB in blocks under the mmap threshold, freed below a block kept: the heap
            // cannot shrink from its top, so only a trim gives the pages back.
            std::vector<char *> blocks;
            for (int i = 0; i < 2048; ++i) {
                blocks.push_back(static_cast<char *>(std::malloc(32 * 1024)));
                std::memset(blocks.back(), 1, 32 * 1024);
            }
            char *kept = static_cast<char *>(std::malloc(64));
            const qint64 peak = residentKiB();
            for (char *block : blocks)
                std::free(block);
            return std::make_pair(peak, kept);
        }, [&](std::pair<qint64, char *> result) { std::tie(peakKiB, pin) = result; });
        QTRY_VERIFY(pin != nullptr);
        QTRY_VERIFY2_WITH_TIMEOUT(residentKiB() < peakKiB - 48 * 1024, qPrintable(QStringLiteral("resident %1 KiB, peak %2 KiB")
                                                                                       .arg(residentKiB()).arg(peakKiB)), 5000);
        std::free(pin);
    }

    void destroyingTheSlotCancels()
    {
        std::atomic_bool cancelled = false;
        bool done = false;
        {
            AsyncSlot slot;
            slot.run(
                [&cancelled](const JobContext &job) {
                    while (!job.isCancelled())
                        QThread::msleep(5);
                    cancelled = true;
                    return 0;
                },
                [&done](int) { done = true; });
        }
        QTRY_VERIFY(cancelled.load());
        QTest::qWait(50);
        QVERIFY(!done);
    }
};

QTEST_MAIN(TestAsyncJob)
#include "tst_asyncjob.moc"
