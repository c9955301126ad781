#include "Repository.h"

#include "FileSet.h"
#include "RepositoryPrivate.h"
#include "core/Heap.h"
#include "core/Log.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QMutex>

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>

// Repository::materialize and Repository::contentId, over the file set of FileSet.h.

namespace sluice::git {

namespace {

// A blob stored loose in the repository's own object folder, inflated straight into a buffer of
// its size: git's loose format is the zlib stream of "blob <size>\0" and the bytes. nullopt where
// it is not there (packed, or in an alternate) or is not a blob below 4 GiB: libgit2 reads those.
// libgit2's own read costs a zeroed buffer, a copy into ours and a lookup in every backend (4% of
// a first review of 140 loose files, CPU), and libgit2 1.5 loops forever in a damaged one.
std::optional<Result<QByteArray>> readLooseBlob(git_repository *repo, const git_oid &id, const QString &what)
{
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof hex, &id);
    const QByteArray path = QByteArray(git_repository_commondir(repo)) + "objects/" + QByteArray(hex, 2) + '/' + (hex + 2);
    const int fd = ::open(path.constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return std::nullopt;
    struct Closer
    {
        int fd;
        ~Closer() { ::close(fd); }
    } const closer{fd};
    const auto damaged = [&](const char *why) {
        return makeError(ErrorCategory::Git, QStringLiteral("cannot read %1: its object %2 is damaged (%3); `git fsck` lists the damaged "
                                                            "objects, and fetching or cloning again restores them")
                                                 .arg(what, QString::fromLocal8Bit(path), QLatin1String(why)));
    };
    z_stream z{};
    if (inflateInit(&z) != Z_OK)
        return std::nullopt;
    const std::unique_ptr<z_stream, int (*)(z_streamp)> end(&z, inflateEnd);

    char input[16 * 1024];
    char header[64]; // "blob <size>\0" and the first bytes
    QByteArray bytes;
    qsizetype size = -1; // from the header, once read
    z.next_out = reinterpret_cast<Bytef *>(header);
    z.avail_out = sizeof header;
    for (bool atEnd = false;;) {
        if (z.avail_in == 0 && !atEnd) {
            const ssize_t n = ::read(fd, input, sizeof input);
            if (n < 0)
                return makeError(ErrorCategory::Io, QStringLiteral("cannot read %1: %2: %3").arg(what, QString::fromLocal8Bit(path),
                                                                                                   QString::fromLocal8Bit(strerror(errno))));
            atEnd = n == 0; // zlib may still hold output: inflate once more
            z.next_in = reinterpret_cast<Bytef *>(input);
            z.avail_in = uInt(n);
        }
        const int rc = inflate(&z, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END && !(rc == Z_BUF_ERROR && !atEnd))
            return damaged(rc == Z_BUF_ERROR ? "cut short" : "not a zlib stream");
        if (size < 0) {
            const char *headerEnd = static_cast<const char *>(memchr(header, '\0', sizeof header - z.avail_out));
            if (!headerEnd) {
                if (z.avail_out == 0 || rc == Z_STREAM_END)
                    return damaged("no object header");
                continue;
            }
            if (qstrncmp(header, "blob ", 5) != 0)
                return std::nullopt;
            bool ok = false;
            size = QByteArray::fromRawData(header + 5, headerEnd - header - 5).toLongLong(&ok);
            if (!ok || size < 0)
                return damaged("no object header");
            if (size >= qsizetype(std::numeric_limits<uInt>::max()))
                return std::nullopt;
            if (size >= kLargeInputBytes)
                returnFreedMemory(); // before the buffer: the peak of a large manifest's render
            const qsizetype already = header + (sizeof header - z.avail_out) - (headerEnd + 1);
            if (already > size)
                return damaged("longer than its header says");
            bytes = QByteArray(size + 1, Qt::Uninitialized); // one byte more: a longer stream shows
            memcpy(bytes.data(), headerEnd + 1, size_t(already));
            z.next_out = reinterpret_cast<Bytef *>(bytes.data() + already);
            z.avail_out = uInt(size + 1 - already);
        }
        if (rc == Z_STREAM_END)
            break;
        if (z.avail_out == 0)
            return damaged("longer than its header says");
    }
    if (z.avail_out != 1)
        return damaged("shorter than its header says");
    bytes.resize(size);
    return bytes;
}

// A blob's bytes.
Result<QByteArray> readBlob(git_repository *repo, const git_oid &id, const QString &what)
{
    if (std::optional<Result<QByteArray>> loose = readLooseBlob(repo, id, what))
        return std::move(*loose);
    git_blob *rawBlob = nullptr;
    if (git_blob_lookup(&rawBlob, repo, &id) < 0)
        return gitError(QStringLiteral("cannot read %1").arg(what));
    BlobHandle blob(rawBlob);
    if (qint64(git_blob_rawsize(blob.get())) >= kLargeInputBytes) // before it is copied: the peak
        returnFreedMemory();
    return QByteArray(static_cast<const char *>(git_blob_rawcontent(blob.get())),
                      qsizetype(git_blob_rawsize(blob.get())));
}

// Reads one planned file's content.
Result<QByteArray> readContent(git_repository *repo, const SourceEntry &e, const QString &key)
{
    if (!e.fsPath.isEmpty()) {
        QFile f(e.fsPath);
        if (!f.open(QIODevice::ReadOnly))
            return makeError(ErrorCategory::Io,
                             QStringLiteral("cannot read %1: %2").arg(e.fsPath, f.errorString()));
        return readWhole(f);
    }
    return readBlob(repo, e.oid, key);
}

// Output paths come from tree entry names: refuse anything that could leave destDir.
bool isSafeRelative(const QString &path)
{
    const QStringList parts = path.split(QLatin1Char('/'));
    for (const QString &p : parts) {
        if (p.isEmpty() || p == QLatin1String(".") || p == QLatin1String(".."))
            return false;
    }
    return true;
}

} // namespace

Result<QString> Repository::contentId(const Revision &rev, const QString &subPath) const
{
    if (!rev.worktree) {
        QString sub;
        if (!normalizeSubPath(subPath, &sub))
            return makeError(ErrorCategory::Usage,
                             QStringLiteral("path %1 is not inside the repository").arg(elideMiddle(subPath)));
        git_oid oid;
        git_commit *rawCommit = nullptr;
        if (!oidFromString(&oid, rev.commitId) ||
            git_commit_lookup(&rawCommit, d->repo.get(), &oid) < 0)
            return gitError(QStringLiteral("cannot read commit %1").arg(rev.displayName()));
        CommitHandle commit(rawCommit);
        if (sub.isEmpty())
            return oidToString(*git_commit_tree_id(commit.get()));
        git_tree *rawRoot = nullptr;
        if (git_commit_tree(&rawRoot, commit.get()) < 0)
            return gitError(QStringLiteral("cannot read the tree of %1").arg(rev.displayName()));
        TreeHandle root(rawRoot);
        git_tree_entry *rawEntry = nullptr;
        const QByteArray utf8 = sub.toUtf8();
        if (git_tree_entry_bypath(&rawEntry, root.get(), utf8.constData()) < 0)
            return makeError(
                ErrorCategory::Git,
                QStringLiteral("path %1 does not exist at %2").arg(elideMiddle(sub), rev.displayName()), {},
                GIT_ENOTFOUND);
        TreeEntryHandle entry(rawEntry);
        return oidToString(*git_tree_entry_id(entry.get()));
    }

    // Lenient, as the render's copy of a whole repository: a broken link changes the id too.
    Result<Collected> c = collectFiles(d->repo.get(), rev, subPath, {}, true);
    if (!c)
        return c.error();
    QList<OutFile> files = c->files;
    std::sort(files.begin(), files.end(),
              [](const OutFile &a, const OutFile &b) { return a.outPath < b.outPath; });
    QCryptographicHash hash(QCryptographicHash::Sha1);
    for (const OutFile &f : std::as_const(files)) {
        const SourceEntry &e = c->entries[f.sourceKey];
        Result<QByteArray> content = readContent(d->repo.get(), e, f.sourceKey);
        if (!content)
            return content.error();
        hash.addData(f.outPath.toUtf8());
        hash.addData(
            QByteArrayView(e.kind == SourceEntry::Kind::Executable ? "\0x\0" : "\0-\0", 3));
        hash.addData(QByteArray::number(content->size()) + '\0');
        hash.addData(*content);
    }
    for (const RefusedLink &link : std::as_const(c->refused))
        hash.addData(QStringLiteral("\n%1\n%2").arg(link.path, link.reason).toUtf8());
    return QString::fromLatin1(hash.result().toHex());
}

namespace {

// Whether `tree` holds a symlink at any depth (memoised by tree id: ids are content).
bool treeHasSymlinks(git_repository *repo, const git_tree *tree)
{
    static QMutex mutex;
    static QHash<QString, bool> known;
    const QString id = oidToString(*git_tree_id(tree));
    {
        QMutexLocker lock(&mutex);
        if (auto it = known.constFind(id); it != known.constEnd())
            return *it;
    }
    bool found = false;
    for (size_t i = 0; i < git_tree_entrycount(tree) && !found; ++i) {
        const git_tree_entry *entry = git_tree_entry_byindex(tree, i);
        if (git_tree_entry_filemode(entry) == GIT_FILEMODE_LINK) {
            found = true;
        } else if (git_tree_entry_type(entry) == GIT_OBJECT_TREE) {
            git_tree *rawSub = nullptr;
            if (git_tree_lookup(&rawSub, repo, git_tree_entry_id(entry)) < 0)
                return true; // unreadable: say yes, the caller then takes the safe way
            TreeHandle sub(rawSub);
            found = treeHasSymlinks(repo, sub.get());
        }
    }
    QMutexLocker lock(&mutex);
    known.insert(id, found);
    return found;
}

} // namespace

Result<Repository::PathObject> Repository::object(const Revision &rev, const QString &path) const
{
    QString sub;
    if (rev.worktree || !normalizeSubPath(path, &sub))
        return makeError(ErrorCategory::Usage, QStringLiteral("path %1 is not a committed path inside the repository").arg(elideMiddle(path)));
    git_oid oid;
    git_commit *rawCommit = nullptr;
    if (!oidFromString(&oid, rev.commitId) || git_commit_lookup(&rawCommit, d->repo.get(), &oid) < 0)
        return gitError(QStringLiteral("cannot read commit %1").arg(rev.displayName()));
    CommitHandle commit(rawCommit);
    git_tree *rawRoot = nullptr;
    if (git_commit_tree(&rawRoot, commit.get()) < 0)
        return gitError(QStringLiteral("cannot read the tree of %1").arg(rev.displayName()));
    TreeHandle root(rawRoot);
    PathObject result;
    if (sub.isEmpty()) {
        result.kind = PathObject::Kind::Tree;
        result.id = oidToString(*git_tree_id(root.get()));
        result.hasSymlinks = treeHasSymlinks(d->repo.get(), root.get());
        return result;
    }
    git_tree_entry *rawEntry = nullptr;
    const QByteArray utf8 = sub.toUtf8();
    if (git_tree_entry_bypath(&rawEntry, root.get(), utf8.constData()) < 0)
        return makeError(ErrorCategory::Git, QStringLiteral("path %1 does not exist at %2").arg(elideMiddle(sub), rev.displayName()), {},
                         kErrorNotFound);
    TreeEntryHandle entry(rawEntry);
    result.id = oidToString(*git_tree_entry_id(entry.get()));
    const git_filemode_t mode = git_tree_entry_filemode(entry.get());
    if (mode == GIT_FILEMODE_LINK) {
        result.kind = PathObject::Kind::Symlink;
    } else if (mode == GIT_FILEMODE_COMMIT) {
        result.kind = PathObject::Kind::Submodule;
    } else if (mode == GIT_FILEMODE_TREE) {
        result.kind = PathObject::Kind::Tree;
        git_tree *rawTree = nullptr;
        if (git_tree_lookup(&rawTree, d->repo.get(), git_tree_entry_id(entry.get())) < 0)
            return gitError(QStringLiteral("cannot read %1").arg(elideMiddle(sub)));
        TreeHandle tree(rawTree);
        result.hasSymlinks = treeHasSymlinks(d->repo.get(), tree.get());
    } else {
        auto content = readBlob(d->repo.get(), *git_tree_entry_id(entry.get()), elideMiddle(sub));
        if (!content)
            return content.error();
        result.content = std::move(*content);
    }
    return result;
}

Result<QList<FileBytes>> Repository::readFiles(const Revision &rev, const QString &subPath,
                                               const std::function<bool(const QString &path)> &wanted,
                                               QList<RefusedLink> *refused, const CancelToken &cancel) const
{
    Result<Collected> c = collectFiles(d->repo.get(), rev, subPath, cancel, refused != nullptr);
    if (!c)
        return c.error();
    if (refused)
        *refused = c->refused;
    QList<FileBytes> files;
    files.reserve(c->files.size());
    for (const OutFile &f : std::as_const(c->files)) {
        if (cancel.isCancelled())
            return makeError(ErrorCategory::Cancelled,
                             QStringLiteral("reading %1 at %2 was cancelled").arg(elideMiddle(subPath), c->where));
        FileBytes &file = files.emplace_back();
        file.path = f.outPath;
        if (!wanted(f.outPath))
            continue;
        Result<QByteArray> content = readContent(d->repo.get(), c->entries[f.sourceKey], f.sourceKey);
        if (!content)
            return content.error();
        file.bytes = std::move(*content);
    }
    std::sort(files.begin(), files.end(), [](const FileBytes &a, const FileBytes &b) { return a.path < b.path; });
    return files;
}

Result<qint64> Repository::bytesOf(const Revision &rev, const QString &subPath,
                                   const std::function<bool(const QString &path)> &wanted, const CancelToken &cancel) const
{
    Result<Collected> c = collectFiles(d->repo.get(), rev, subPath, cancel);
    if (!c)
        return c.error();
    git_odb *rawOdb = nullptr;
    if (git_repository_odb(&rawOdb, d->repo.get()) < 0)
        return gitError(QStringLiteral("cannot open the object database"));
    const OdbHandle odb(rawOdb);
    qint64 bytes = 0;
    for (const OutFile &f : std::as_const(c->files)) {
        if (!wanted(f.outPath))
            continue;
        const SourceEntry &e = c->entries[f.sourceKey];
        if (!e.fsPath.isEmpty()) {
            bytes += QFileInfo(e.fsPath).size();
            continue;
        }
        size_t size = 0;
        git_object_t type = GIT_OBJECT_INVALID;
        if (git_odb_read_header(&size, &type, odb.get(), &e.oid) < 0)
            return gitError(QStringLiteral("cannot read %1").arg(f.sourceKey));
        bytes += qint64(size);
    }
    return bytes;
}

Status Repository::materialize(const Revision &rev, const QString &subPath, const QString &destDir,
                               const CancelToken &cancel) const
{
    return materialize(rev, subPath, destDir, nullptr, cancel);
}

Status Repository::materialize(const Revision &rev, const QString &subPath, const QString &destDir,
                               QList<RefusedLink> *refused, const CancelToken &cancel) const
{
    if (!QFileInfo(destDir).isDir())
        return makeError(ErrorCategory::Io,
                         QStringLiteral("destination %1 is not a directory").arg(destDir));
    Result<Collected> c = collectFiles(d->repo.get(), rev, subPath, cancel, refused != nullptr);
    if (!c)
        return c.error();
    if (refused)
        *refused = c->refused;
    const QDir dest(destDir);
    for (const OutFile &f : std::as_const(c->files)) {
        if (cancel.isCancelled())
            return makeError(
                ErrorCategory::Cancelled,
                QStringLiteral("copying %1 at %2 was cancelled").arg(elideMiddle(subPath), c->where));
        if (!isSafeRelative(f.outPath))
            return makeError(ErrorCategory::Git,
                             QStringLiteral("refusing unsafe path %1").arg(f.outPath));
        const SourceEntry &e = c->entries[f.sourceKey];
        Result<QByteArray> content = readContent(d->repo.get(), e, f.sourceKey);
        if (!content)
            return content.error();
        const QString target = dest.filePath(f.outPath);
        const QString parent = QFileInfo(target).path();
        if (!QDir().mkpath(parent))
            return makeError(ErrorCategory::Io, QStringLiteral("cannot create %1").arg(parent));
        QFile out(target);
        if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
            out.write(*content) != content->size())
            return makeError(ErrorCategory::Io,
                             QStringLiteral("cannot write %1: %2").arg(target, out.errorString()));
        out.close();
        QFileDevice::Permissions perms = QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                         QFileDevice::ReadGroup | QFileDevice::ReadOther;
        if (e.kind == SourceEntry::Kind::Executable)
            perms |= QFileDevice::ExeOwner | QFileDevice::ExeGroup | QFileDevice::ExeOther;
        out.setPermissions(perms);
    }
    qCDebug(lcGit) << "materialized" << c->files.size() << "files of" << subPath << "at"
                   << c->where;
    return {};
}

} // namespace sluice::git
