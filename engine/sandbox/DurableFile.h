#pragma once

// Crash-safe file primitives for the sandbox's data directory (POSIX only).
//
// Thread: any, but one writer per file. Cost: every call that returns ok has fsync'ed the data
// (and, for a rename, the directory), so it costs at least one disk flush.

#include "core/Result.h"

#include <QByteArray>
#include <QString>

namespace sluice::sandbox {

// Writes `data` to `path` atomically: temp file in the same directory (created with `mode`),
// fsync, rename over `path`, fsync of the directory. Errors are ErrorCategory::Io.
Status writeFileDurably(const QString &path, const QByteArray &data, int mode = 0600);

// Reads a whole file. A missing file is a value (std::nullopt), not an error.
Result<std::optional<QByteArray>> readFileIfExists(const QString &path);

// An append-only file whose every append() is on disk when it returns ok.
// Move-only; closes its descriptor on destruction.
class AppendOnlyFile
{
public:
    AppendOnlyFile() = default;
    AppendOnlyFile(const AppendOnlyFile &) = delete;
    AppendOnlyFile &operator=(const AppendOnlyFile &) = delete;
    AppendOnlyFile(AppendOnlyFile &&other) noexcept;
    AppendOnlyFile &operator=(AppendOnlyFile &&other) noexcept;
    ~AppendOnlyFile();

    // Opens (creating with `mode`) `path` for appending. With `truncate`, empties it first and
    // makes the truncation durable.
    static Result<AppendOnlyFile> open(const QString &path, bool truncate, int mode = 0600);

    // write() all of `data`, then fdatasync(). Cost: one disk flush. When either fails (a full
    // disk, an I/O error), the file is cut back to its length before the call and synced, so a
    // torn record never stays in front of later appends; if even that fails, the file is broken
    // and every later append fails at once.
    Status append(const QByteArray &data);
    bool isOpen() const { return m_fd >= 0; }
    bool isBroken() const { return m_broken; }

private:
    int m_fd = -1;
    QString m_path;
    qint64 m_size = 0; // bytes known good: everything appended and synced
    bool m_broken = false;
};

// An exclusive lock on a directory for as long as the object lives: `flock` on a lock file in
// it, so the kernel releases it when the process dies, however it dies. The file holds the
// owner's pid, which a refused caller reports.
class DirectoryLock
{
public:
    DirectoryLock() = default;
    DirectoryLock(const DirectoryLock &) = delete;
    DirectoryLock &operator=(const DirectoryLock &) = delete;
    DirectoryLock(DirectoryLock &&other) noexcept;
    DirectoryLock &operator=(DirectoryLock &&other) noexcept;
    ~DirectoryLock();

    // Locks `dir` through `dir/fileName`. Error Io naming the directory and the pid holding it.
    static Result<DirectoryLock> acquire(const QString &dir, const QString &fileName);

private:
    int m_fd = -1;
};

} // namespace sluice::sandbox
