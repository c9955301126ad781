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

    // write() all of `data`, then fdatasync(). Cost: one disk flush.
    Status append(const QByteArray &data);
    bool isOpen() const { return m_fd >= 0; }

private:
    int m_fd = -1;
    QString m_path;
};

} // namespace sluice::sandbox
