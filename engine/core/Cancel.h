#pragma once

// Cooperative cancellation and progress, part of every long engine call's contract.

#include <QString>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace sluice {

// A shared flag: copies observe the same state. Thread-safe. A default-constructed token
// can be cancelled too; pass CancelToken{} when the caller never cancels.
class CancelToken
{
public:
    CancelToken() : m_flag(std::make_shared<std::atomic_bool>(false)) {}
    void cancel() const { m_flag->store(true); }
    bool isCancelled() const { return m_flag->load(); }
    // Waits `ms` milliseconds unless cancelled meanwhile (looked at every 20 ms): false when it was.
    bool sleepFor(int ms) const
    {
        for (auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms); !isCancelled();) {
            const auto left = end - std::chrono::steady_clock::now();
            if (left <= std::chrono::steady_clock::duration::zero())
                return true;
            std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(left, std::chrono::milliseconds(20)));
        }
        return false;
    }

private:
    std::shared_ptr<std::atomic_bool> m_flag;
};

// Progress report: done/total (total 0 = unknown) and what is happening. Called on the thread
// doing the work; keep it cheap.
using ProgressFn = std::function<void(qint64 done, qint64 total, const QString &what)>;

// `progress` made safe to call from several worker threads at once: calls are serialised.
// An empty `progress` stays empty.
inline ProgressFn serializedProgress(ProgressFn progress)
{
    if (!progress)
        return {};
    auto mutex = std::make_shared<std::mutex>();
    return [mutex, progress = std::move(progress)](qint64 done, qint64 total, const QString &what) {
        std::lock_guard lock(*mutex);
        progress(done, total, what);
    };
}

} // namespace sluice
