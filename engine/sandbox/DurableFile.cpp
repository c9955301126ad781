#include "DurableFile.h"

#include <QDir>
#include <QFileInfo>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sluice::sandbox {

namespace {

Error ioError(const QString &what, const QString &path)
{
    return makeError(ErrorCategory::Io, QStringLiteral("%1 %2 failed: %3")
                                            .arg(what, path, QString::fromLocal8Bit(std::strerror(errno))));
}

bool writeAll(int fd, const QByteArray &data)
{
    const char *p = data.constData();
    qsizetype left = data.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, p, size_t(left));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        p += n;
        left -= n;
    }
    return true;
}

Status syncDirectory(const QString &dir)
{
    const int fd = ::open(QFile::encodeName(dir).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return ioError(QStringLiteral("opening directory"), dir);
    const int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0)
        return ioError(QStringLiteral("fsync of directory"), dir);
    return {};
}

} // namespace

Status writeFileDurably(const QString &path, const QByteArray &data, int mode)
{
    const QString tmp = path + QStringLiteral(".tmp");
    const QByteArray tmpName = QFile::encodeName(tmp);
    const int fd = ::open(tmpName.constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0)
        return ioError(QStringLiteral("creating"), tmp);
    ::fchmod(fd, mode); // an old temp file may have had other permissions
    if (!writeAll(fd, data) || ::fsync(fd) != 0) {
        const Error error = ioError(QStringLiteral("writing"), tmp);
        ::close(fd);
        ::unlink(tmpName.constData());
        return error;
    }
    ::close(fd);
    if (::rename(tmpName.constData(), QFile::encodeName(path).constData()) != 0) {
        const Error error = ioError(QStringLiteral("renaming to"), path);
        ::unlink(tmpName.constData());
        return error;
    }
    return syncDirectory(QFileInfo(path).absolutePath());
}

Result<std::optional<QByteArray>> readFileIfExists(const QString &path)
{
    QFile file(path);
    if (!file.exists())
        return std::optional<QByteArray>();
    if (!file.open(QIODevice::ReadOnly))
        return makeError(ErrorCategory::Io, QStringLiteral("reading %1 failed: %2").arg(path, file.errorString()));
    return std::optional<QByteArray>(file.readAll());
}

AppendOnlyFile::AppendOnlyFile(AppendOnlyFile &&other) noexcept
    : m_fd(std::exchange(other.m_fd, -1)), m_path(std::move(other.m_path)), m_size(other.m_size), m_broken(other.m_broken)
{
}

AppendOnlyFile &AppendOnlyFile::operator=(AppendOnlyFile &&other) noexcept
{
    if (this != &other) {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = std::exchange(other.m_fd, -1);
        m_path = std::move(other.m_path);
        m_size = other.m_size;
        m_broken = other.m_broken;
    }
    return *this;
}

AppendOnlyFile::~AppendOnlyFile()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

Result<AppendOnlyFile> AppendOnlyFile::open(const QString &path, bool truncate, int mode)
{
    int flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC;
    if (truncate)
        flags |= O_TRUNC;
    AppendOnlyFile file;
    file.m_path = path;
    file.m_fd = ::open(QFile::encodeName(path).constData(), flags, mode);
    if (file.m_fd < 0)
        return ioError(QStringLiteral("opening"), path);
    if (truncate && ::fsync(file.m_fd) != 0)
        return ioError(QStringLiteral("fsync of"), path);
    file.m_size = ::lseek(file.m_fd, 0, SEEK_END);
    if (file.m_size < 0)
        return ioError(QStringLiteral("seeking in"), path);
    if (Status synced = syncDirectory(QFileInfo(path).absolutePath()); !synced)
        return synced.error();
    return file;
}

Status AppendOnlyFile::append(const QByteArray &data)
{
    if (m_fd < 0)
        return makeError(ErrorCategory::Io, QStringLiteral("append to a closed journal"));
    if (m_broken)
        return makeError(ErrorCategory::Io, QStringLiteral("%1 could not be cut back after a failed write; restart to "
                                                           "replay what reached the disk").arg(m_path));
    std::optional<Error> failed;
    if (!writeAll(m_fd, data))
        failed = ioError(QStringLiteral("appending to"), m_path);
    else if (::fdatasync(m_fd) != 0)
        failed = ioError(QStringLiteral("fdatasync of"), m_path);
    if (!failed) {
        m_size += data.size();
        return {};
    }
    // Whatever part of `data` reached the file is torn: cut it off, so the next append starts
    // on a line of its own.
    if (::ftruncate(m_fd, m_size) != 0 || ::fdatasync(m_fd) != 0) {
        m_broken = true;
        return ioError(QStringLiteral("cutting back after a failed write to"), m_path);
    }
    return *failed;
}

DirectoryLock::DirectoryLock(DirectoryLock &&other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}

DirectoryLock &DirectoryLock::operator=(DirectoryLock &&other) noexcept
{
    if (this != &other) {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = std::exchange(other.m_fd, -1);
    }
    return *this;
}

DirectoryLock::~DirectoryLock()
{
    if (m_fd >= 0)
        ::close(m_fd); // releases the flock
}

Result<DirectoryLock> DirectoryLock::acquire(const QString &dir, const QString &fileName)
{
    const QString path = QDir(dir).filePath(fileName);
    DirectoryLock lock;
    lock.m_fd = ::open(QFile::encodeName(path).constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lock.m_fd < 0)
        return ioError(QStringLiteral("opening the lock file"), path);
    if (::flock(lock.m_fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK)
            return ioError(QStringLiteral("locking"), path);
        char owner[32] = {};
        const ssize_t n = ::pread(lock.m_fd, owner, sizeof owner - 1, 0);
        const QByteArray pid = QByteArray(owner, qMax<ssize_t>(n, 0)).trimmed();
        return makeError(ErrorCategory::Io, QStringLiteral("the data directory %1 is in use by another process%2; stop it, or "
                                                           "use another data directory")
                                                .arg(dir, pid.isEmpty() ? QString() : QStringLiteral(" (pid %1)").arg(QString::fromLatin1(pid))));
    }
    const QByteArray pid = QByteArray::number(qint64(::getpid())) + '\n';
    if (::ftruncate(lock.m_fd, 0) != 0 || ::pwrite(lock.m_fd, pid.constData(), size_t(pid.size()), 0) != pid.size())
        return ioError(QStringLiteral("writing the lock file"), path);
    return lock;
}

} // namespace sluice::sandbox
