#include "FileSet.h"

#include "RepositoryPrivate.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSet>

#include <unistd.h>

namespace sluice::git {

namespace {

constexpr int kMaxSymlinkDepth = 8;

QString joinPath(const QString &a, const QString &b)
{
    if (a.isEmpty())
        return b;
    if (b.isEmpty())
        return a;
    return a + QLatin1Char('/') + b;
}

Error gitPathError(const QString &message)
{
    return makeError(ErrorCategory::Git, message);
}

// ---- collecting from a commit --------------------------------------------------------------

Status collectTree(git_repository *repo, const git_tree *tree, const QString &prefix, EntryMap *out,
                   const CancelToken &cancel)
{
    if (cancel.isCancelled())
        return makeError(ErrorCategory::Cancelled,
                         QStringLiteral("reading the tree was cancelled"));
    const size_t count = git_tree_entrycount(tree);
    for (size_t i = 0; i < count; ++i) {
        const git_tree_entry *e = git_tree_entry_byindex(tree, i);
        const QString rel = joinPath(prefix, QString::fromUtf8(git_tree_entry_name(e)));
        SourceEntry entry;
        entry.oid = *git_tree_entry_id(e);
        switch (git_tree_entry_filemode(e)) {
        case GIT_FILEMODE_TREE: {
            git_tree *rawSub = nullptr;
            if (git_tree_lookup(&rawSub, repo, &entry.oid) < 0)
                return gitError(QStringLiteral("cannot read tree %1").arg(rel));
            TreeHandle sub(rawSub);
            if (Status s = collectTree(repo, sub.get(), rel, out, cancel); !s)
                return s;
            continue;
        }
        case GIT_FILEMODE_BLOB_EXECUTABLE:
            entry.kind = SourceEntry::Kind::Executable;
            break;
        case GIT_FILEMODE_LINK: {
            entry.kind = SourceEntry::Kind::Symlink;
            git_blob *rawBlob = nullptr;
            if (git_blob_lookup(&rawBlob, repo, &entry.oid) < 0)
                return gitError(QStringLiteral("cannot read symlink %1").arg(rel));
            BlobHandle blob(rawBlob);
            entry.linkTarget =
                QString::fromUtf8(static_cast<const char *>(git_blob_rawcontent(blob.get())),
                                  qsizetype(git_blob_rawsize(blob.get())));
            break;
        }
        case GIT_FILEMODE_COMMIT:
            entry.kind = SourceEntry::Kind::Submodule;
            break;
        default:
            entry.kind = SourceEntry::Kind::File;
            break;
        }
        out->insert(rel, entry);
    }
    return {};
}

Status collectCommit(git_repository *repo, const Revision &rev, Collected *c,
                     const CancelToken &cancel)
{
    git_oid oid;
    if (!oidFromString(&oid, rev.commitId))
        return gitPathError(QStringLiteral("revision %1 has no commit id").arg(rev.spec));
    git_commit *rawCommit = nullptr;
    if (git_commit_lookup(&rawCommit, repo, &oid) < 0)
        return gitError(QStringLiteral("cannot read commit %1").arg(rev.displayName()));
    CommitHandle commit(rawCommit);
    git_tree *rawRoot = nullptr;
    if (git_commit_tree(&rawRoot, commit.get()) < 0)
        return gitError(QStringLiteral("cannot read the tree of %1").arg(rev.displayName()));
    TreeHandle root(rawRoot);
    if (c->subPath.isEmpty())
        return collectTree(repo, root.get(), {}, &c->entries, cancel);

    git_tree_entry *rawEntry = nullptr;
    const QByteArray sub = c->subPath.toUtf8();
    if (git_tree_entry_bypath(&rawEntry, root.get(), sub.constData()) < 0)
        return makeError(ErrorCategory::Git,
                         QStringLiteral("path %1 does not exist at %2").arg(elideMiddle(c->subPath), c->where),
                         {}, GIT_ENOTFOUND);
    TreeEntryHandle entry(rawEntry);
    const git_filemode_t mode = git_tree_entry_filemode(entry.get());
    if (mode == GIT_FILEMODE_TREE) {
        git_tree *rawSub = nullptr;
        if (git_tree_lookup(&rawSub, repo, git_tree_entry_id(entry.get())) < 0)
            return gitError(QStringLiteral("cannot read tree %1").arg(elideMiddle(c->subPath)));
        TreeHandle subTree(rawSub);
        return collectTree(repo, subTree.get(), {}, &c->entries, cancel);
    }
    if (mode == GIT_FILEMODE_COMMIT)
        return gitPathError(QStringLiteral("submodules are not supported: %1").arg(elideMiddle(c->subPath)));
    if (mode == GIT_FILEMODE_LINK)
        return gitPathError(QStringLiteral("path %1 is a symlink at %2: name what it points to")
                                .arg(elideMiddle(c->subPath), c->where));
    // A single file: written under its own name.
    SourceEntry file;
    file.kind = mode == GIT_FILEMODE_BLOB_EXECUTABLE ? SourceEntry::Kind::Executable
                                                     : SourceEntry::Kind::File;
    file.oid = *git_tree_entry_id(entry.get());
    c->entries.insert(c->subPath.section(QLatin1Char('/'), -1), file);
    return {};
}

// ---- collecting from the working tree ------------------------------------------------------

bool isIgnored(git_repository *repo, const QString &repoRel)
{
    int ignored = 0;
    const QByteArray p = repoRel.toUtf8();
    if (git_ignore_path_is_ignored(&ignored, repo, p.constData()) < 0)
        return false;
    return ignored == 1;
}

// Adds the on-disk file at `fsPath` (not following a final symlink); skips sockets, fifos, …
void addDiskEntry(const QString &fsPath, const QString &rel, EntryMap *out)
{
    const QFileInfo info(fsPath);
    SourceEntry entry;
    entry.fsPath = fsPath;
    if (info.isSymLink()) {
        const QByteArray native = QFile::encodeName(fsPath);
        char buf[4096];
        const ssize_t n = ::readlink(native.constData(), buf, sizeof buf);
        if (n < 0)
            return;
        entry.kind = SourceEntry::Kind::Symlink;
        entry.linkTarget = QFile::decodeName(QByteArray(buf, n));
    } else if (info.isFile()) {
        entry.kind = (info.permissions() & QFileDevice::ExeOwner) ? SourceEntry::Kind::Executable
                                                                  : SourceEntry::Kind::File;
    } else {
        return;
    }
    out->insert(rel, entry);
}

Status walkDisk(git_repository *repo, const QString &workdir, const QString &repoRel,
                const QString &subPath, const QSet<QString> &tracked, EntryMap *out,
                const CancelToken &cancel)
{
    if (cancel.isCancelled())
        return makeError(ErrorCategory::Cancelled,
                         QStringLiteral("reading the working tree was cancelled"));
    const QDir dir(joinPath(workdir, repoRel));
    const QFileInfoList children = dir.entryInfoList(
        QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDir::Name);
    for (const QFileInfo &child : children) {
        const QString name = child.fileName();
        if (name == QLatin1String(".git"))
            continue;
        const QString rel = joinPath(repoRel, name);
        const QString key = subPath.isEmpty() ? rel : rel.mid(subPath.size() + 1);
        if (child.isDir() && !child.isSymLink()) {
            if (QFileInfo::exists(child.filePath() + QLatin1String("/.git")))
                continue; // a nested repository: git lists it as one untracked entry
            if (isIgnored(repo, rel + QLatin1Char('/')))
                continue; // tracked files below it are added from the index
            if (Status s = walkDisk(repo, workdir, rel, subPath, tracked, out, cancel); !s)
                return s;
            continue;
        }
        if (!tracked.contains(rel) && isIgnored(repo, rel))
            continue;
        addDiskEntry(child.filePath(), key, out);
    }
    return {};
}

Status collectWorktree(git_repository *repo, Collected *c, const CancelToken &cancel)
{
    const char *wd = git_repository_workdir(repo);
    if (!wd)
        return gitPathError(QStringLiteral("%1 has no working tree").arg(kWorktree));
    QString workdir = QFile::decodeName(wd);
    if (workdir.endsWith(QLatin1Char('/')))
        workdir.chop(1);
    const QString root = joinPath(workdir, c->subPath);
    const QFileInfo rootInfo(root);
    if (!rootInfo.exists() || rootInfo.isSymLink())
        return makeError(ErrorCategory::Git,
                         QStringLiteral("path %1 does not exist in %2").arg(elideMiddle(c->subPath), c->where),
                         {}, GIT_ENOTFOUND);

    // Tracked paths below subPath, from the index (read, never written).
    git_index *rawIndex = nullptr;
    if (git_repository_index(&rawIndex, repo) < 0)
        return gitError(QStringLiteral("cannot read the index"));
    IndexHandle index(rawIndex);
    git_index_read(index.get(), 0);
    QSet<QString> tracked;
    const QString prefix = c->subPath.isEmpty() ? QString() : c->subPath + QLatin1Char('/');
    const size_t count = git_index_entrycount(index.get());
    for (size_t i = 0; i < count; ++i) {
        const git_index_entry *e = git_index_get_byindex(index.get(), i);
        const QString path = QString::fromUtf8(e->path);
        if (!path.startsWith(prefix) && path != c->subPath)
            continue;
        if (e->mode == GIT_FILEMODE_COMMIT)
            return gitPathError(QStringLiteral("submodules are not supported: %1").arg(path));
        tracked.insert(path);
    }

    if (!rootInfo.isDir()) { // a single file
        addDiskEntry(root, c->subPath.section(QLatin1Char('/'), -1), &c->entries);
        return {};
    }
    if (Status s = walkDisk(repo, workdir, c->subPath, c->subPath, tracked, &c->entries, cancel);
        !s)
        return s;
    // Tracked files inside ignored directories were not walked.
    for (const QString &path : std::as_const(tracked)) {
        const QString key = c->subPath.isEmpty() ? path : path.mid(prefix.size());
        if (!c->entries.contains(key) && QFileInfo(joinPath(workdir, path)).exists())
            addDiskEntry(joinPath(workdir, path), key, &c->entries);
    }
    return {};
}

// ---- planning: resolving symlinks ----------------------------------------------------------

class Planner
{
public:
    Planner(Collected *c, bool lenient) : m_c(c), m_lenient(lenient) {}

    Status planAll()
    {
        for (auto it = m_c->entries.cbegin(); it != m_c->entries.cend(); ++it) {
            if (Status s = add(it.key(), it.key(), 0); !s)
                return s;
        }
        return {};
    }

private:
    QString repoPath(const QString &key) const { return joinPath(m_c->subPath, key); }

    Status add(const QString &outPath, const QString &key, int depth)
    {
        const SourceEntry &e = m_c->entries[key];
        switch (e.kind) {
        case SourceEntry::Kind::File:
        case SourceEntry::Kind::Executable:
            m_c->files.append({outPath, key});
            return {};
        case SourceEntry::Kind::Submodule:
            return gitPathError(
                QStringLiteral("submodules are not supported: %1").arg(repoPath(key)));
        case SourceEntry::Kind::Symlink:
            break;
        }
        const QString link = repoPath(key);
        if (depth >= kMaxSymlinkDepth)
            return refuse(link, QStringLiteral("has too many levels of symbolic links"));
        QString target;
        if (!resolveTarget(link, e.linkTarget, &target))
            return refuse(link, QStringLiteral("points outside %1 (%2): refused")
                                    .arg(m_c->subPath.isEmpty() ? QStringLiteral("the repository") : m_c->subPath,
                                         e.linkTarget));
        if (m_c->entries.contains(target))
            return add(outPath, target, depth + 1);
        // A directory: every entry below it, at the link's place.
        const QString dirPrefix = target.isEmpty() ? QString() : target + QLatin1Char('/');
        bool any = false;
        QStringList below;
        for (auto it = m_c->entries.lowerBound(dirPrefix);
             it != m_c->entries.cend() && it.key().startsWith(dirPrefix); ++it)
            below.append(it.key());
        for (const QString &k : std::as_const(below)) {
            any = true;
            if (Status s = add(outPath + QLatin1Char('/') + k.mid(dirPrefix.size()), k, depth + 1);
                !s)
                return s;
        }
        if (!any)
            return refuse(link, QStringLiteral("points to %1, which does not exist at %2").arg(e.linkTarget, m_c->where));
        return {};
    }

    // The link's target as a key of the entry map; false when it leaves subPath.
    bool resolveTarget(const QString &link, const QString &text, QString *key) const
    {
        if (text.isEmpty() || text.startsWith(QLatin1Char('/')))
            return false;
        const QString dir =
            link.contains(QLatin1Char('/')) ? link.section(QLatin1Char('/'), 0, -2) : QString();
        QString normalized = QDir::cleanPath(joinPath(dir, text));
        if (normalized == QLatin1String(".."))
            return false;
        if (normalized.startsWith(QLatin1String("../")))
            return false;
        if (normalized == QLatin1String("."))
            normalized.clear();
        if (m_c->subPath.isEmpty()) {
            *key = normalized;
            return true;
        }
        if (normalized == m_c->subPath) {
            key->clear();
            return true;
        }
        if (!normalized.startsWith(m_c->subPath + QLatin1Char('/')))
            return false;
        *key = normalized.mid(m_c->subPath.size() + 1);
        return true;
    }

    // A symlink the plan cannot follow: an error, or (lenient) left out and listed.
    Status refuse(const QString &link, const QString &reason)
    {
        if (!m_lenient)
            return gitPathError(QStringLiteral("symlink %1 %2").arg(link, reason));
        m_c->refused.append({link, reason});
        return {};
    }

    Collected *m_c;
    bool m_lenient = false;
};

} // namespace

Result<Collected> collectFiles(git_repository *repo, const Revision &rev, const QString &subPath,
                               const CancelToken &cancel, bool lenient)
{
    Collected c;
    if (!normalizeSubPath(subPath, &c.subPath))
        return makeError(ErrorCategory::Usage,
                         QStringLiteral("path %1 is not inside the repository").arg(elideMiddle(subPath)));
    c.where = rev.worktree ? QStringLiteral("the working tree") : rev.displayName();
    Status s =
        rev.worktree ? collectWorktree(repo, &c, cancel) : collectCommit(repo, rev, &c, cancel);
    if (!s)
        return s.error();
    if (Status p = Planner(&c, lenient).planAll(); !p)
        return p.error();
    return c;
}

} // namespace sluice::git
