#pragma once

// The one async helper of the UI: engine calls run on the window's job pool and report back on
// the GUI thread. An AsyncSlot runs one job at a time for one purpose ("the review of the
// current selection"): starting a new job cancels the previous one and its late results are
// dropped, so a result for a selection the user has already left never lands. Destroying the
// slot (closing the window) cancels the running job.
//
// Thread contract: run(), cancel() and the callbacks are GUI-thread only; `work` runs on a
// jobPool() thread and must only touch what it captured by value (plus the JobContext).

#include "core/Cancel.h"
#include "core/Heap.h"

#include <QObject>
#include <QPointer>
#include <QThread>
#include <QThreadPool>
#include <QCoreApplication>

#include <atomic>
#include <functional>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

namespace sluice {

// The pool the window's jobs run on, apart from QThreadPool::globalInstance() where the engine
// fans out per-object work (the diff's blockingMap): a job waiting for that work never holds a
// thread the work needs, however small either pool is. Jobs never wait on this pool themselves.
inline QThreadPool *jobPool()
{
    static QThreadPool pool;
    static const bool configured = [] {
        pool.setMaxThreadCount(qMax(4, QThread::idealThreadCount()));
        return true;
    }();
    (void)configured;
    return &pool;
}

// Jobs free what they built (renders, diffs, live objects) into the allocator's heaps of the
// threads that ran them, and glibc keeps it for those threads: after the control panel's first
// status round of 20 applications, 45 MiB of a 145 MiB window. Each time the last running job
// ends, the window gives freed memory back to the system (GUI thread; trimFreedMemory).
inline std::atomic<int> &runningJobs()
{
    static std::atomic<int> running{0};
    return running;
}

inline void trimIfNoJobRuns()
{
    if (runningJobs() == 0)
        trimFreedMemory();
}

inline void runOnJobPool(std::function<void()> job)
{
    jobPool()->start([job = std::move(job)] {
        ++runningJobs();
        job();
        if (--runningJobs() == 0 && QCoreApplication::instance())
            QMetaObject::invokeMethod(QCoreApplication::instance(), &trimIfNoJobRuns, Qt::QueuedConnection);
    });
}

// The application holds jobs until its main window has painted once: the window is on screen
// before any background work competes with it for the cores, and quitting at once starts none.
// GUI thread only. Not held unless holdJobs() was called (tests, benches).
struct HeldJobs
{
    bool held = false;
    std::vector<std::function<void()>> jobs;
};

inline HeldJobs &heldJobs()
{
    static HeldJobs held;
    return held;
}

inline void holdJobs()
{
    heldJobs().held = true;
}

// Starts the held jobs (`start`), or drops them (their slots were cancelled: quitting).
inline void releaseJobs(bool start = true)
{
    HeldJobs &held = heldJobs();
    held.held = false;
    for (std::function<void()> &job : std::exchange(held.jobs, {})) {
        if (start)
            runOnJobPool(std::move(job));
    }
}

inline void startJob(std::function<void()> job)
{
    if (heldJobs().held)
        heldJobs().jobs.push_back(std::move(job));
    else
        runOnJobPool(std::move(job));
}

// Given to the work function: its cancel token, and a way to hand partial results (progress,
// batches of rows) to the GUI thread. Posted functions run only while the job is current.
class JobContext
{
public:
    JobContext(CancelToken token, std::function<void(std::function<void()>)> post)
        : m_token(std::move(token)), m_post(std::move(post))
    {
    }
    const CancelToken &token() const { return m_token; }
    bool isCancelled() const { return m_token.isCancelled(); }
    void post(std::function<void()> onGuiThread) const { m_post(std::move(onGuiThread)); }

private:
    CancelToken m_token;
    std::function<void(std::function<void()>)> m_post;
};

class AsyncSlot : public QObject
{
    Q_OBJECT

public:
    explicit AsyncSlot(QObject *parent = nullptr) : QObject(parent) {}
    ~AsyncSlot() override { cancel(); }

    // Starts `work(JobContext) -> T` on jobPool(); `done(T)` runs on the GUI thread if this job is
    // still the current one when it finishes. Cancels the previous job.
    template <typename Work, typename Done>
    void run(Work work, Done done)
    {
        using T = std::invoke_result_t<Work, const JobContext &>;
        cancel();
        const quint64 generation = ++m_generation;
        CancelToken token;
        m_token = token;
        m_running = true;
        emit runningChanged(true);
        QPointer<AsyncSlot> self(this);
        auto post = [self, generation](std::function<void()> f) {
            QMetaObject::invokeMethod(
                self.data() ? static_cast<QObject *>(self.data()) : QCoreApplication::instance(),
                [self, generation, f = std::move(f)] {
                    if (self && self->m_generation == generation)
                        f();
                },
                Qt::QueuedConnection);
        };
        // The job owns copies of what it needs; nothing here outlives the slot unsafely.
        auto task = [work = std::move(work), context = JobContext(token, post)]() mutable { return work(context); };
        auto finish = [self, generation, done = std::move(done)](T result) mutable {
            if (!self || self->m_generation != generation)
                return;
            self->m_running = false;
            emit self->runningChanged(false);
            done(std::move(result));
        };
        startJob([task = std::move(task), finish = std::move(finish), self]() mutable {
            T result = task();
            QMetaObject::invokeMethod(
                self.data() ? static_cast<QObject *>(self.data()) : QCoreApplication::instance(),
                [finish = std::move(finish), result = std::move(result)]() mutable { finish(std::move(result)); },
                Qt::QueuedConnection);
        });
    }

    // Cancels the current job (its result will be dropped).
    void cancel()
    {
        if (!m_running)
            return;
        m_token.cancel();
        ++m_generation;
        m_running = false;
        emit runningChanged(false);
    }

    bool isRunning() const { return m_running; }

signals:
    void runningChanged(bool running);

private:
    quint64 m_generation = 0;
    CancelToken m_token;
    bool m_running = false;
};

} // namespace sluice
