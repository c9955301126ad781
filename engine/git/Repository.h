#pragma once

// Read-only access to a local clone or a cache mirror through libgit2.
//
// Contract: a Repository never changes the working tree, the index or the refs of the clone it
// opened. A Repository owns one libgit2 handle and must be used by one thread at a time (open
// one per job; opening is cheap). Not-found is an Error with code GIT_ENOTFOUND only where the
// caller asked for something by name; lookups that may legitimately miss return std::optional.

#include "core/Bytes.h"
#include "core/Cancel.h"
#include "core/Result.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

struct git_repository;

namespace sluice::git {

// The pseudo-revision naming the uncommitted state of a local clone's working tree: tracked
// files as they are on disk plus untracked files that git does not ignore.
inline const QString kWorktree = QStringLiteral("WORKTREE");

// Error::code of a not-found error (libgit2's GIT_ENOTFOUND): an unknown revision, or a path
// that does not exist at a revision.
inline constexpr int kErrorNotFound = -3;

struct RefInfo
{
    enum class Kind { LocalBranch, RemoteBranch, Tag, PullRequest, MergeRequest, Other };
    Kind kind = Kind::Other;
    QString name;      // full name: refs/heads/main, refs/pull/12/head
    QString shortName; // main, origin/main, v1.2, pull/12, merge-requests/7
    QString commitId;  // 40-hex id of the commit it points at (tags peeled)
};

struct Revision
{
    QString spec;     // what the user typed
    QString commitId; // 40-hex commit id; empty when worktree
    bool worktree = false;
    QString displayName() const; // "WORKTREE" or "spec (abc1234)"
};

struct CommitInfo
{
    QString id;      // 40-hex
    QString author;  // name
    QString authorEmail;
    QDateTime time;  // author time, UTC
    QString summary; // first line of the message
    QStringList parentIds;
    QStringList changedPaths; // vs the first parent (all paths of the tree for a root commit);
                              // filled only when CommitRangeOptions::withPaths
};

struct CommitRangeOptions
{
    bool firstParent = false;
    bool withPaths = false;  // diff each commit against its first parent (costs a tree diff)
    int firstBatchSize = 100; // the first rows are delivered as soon as this many are known
    int batchSize = 2000;
};

class Repository
{
public:
    // Opens a working-tree clone or a bare repository at `path` (not searching upwards).
    // Error: "not a git repository: PATH".
    static Result<Repository> open(const QString &path);

    Repository(Repository &&) noexcept;
    Repository &operator=(Repository &&) noexcept;
    ~Repository();

    QString path() const;    // the path given to open()
    bool isBare() const;
    QString workdir() const; // empty for a bare repository

    // All refs: local and remote branches, tags, refs/pull/*/head, refs/merge-requests/*/head.
    // Sorted by kind, then name.
    Result<QList<RefInfo>> refs() const;

    // Resolves a branch, tag, remote branch, short or long SHA, "main~2"-style expression, a
    // full ref name, or kWorktree. Error names the spec: "unknown revision 'foo' in PATH".
    Result<Revision> resolve(const QString &spec) const;

    // The id that identifies the content of `subPath` at `rev` (the git tree id; for the
    // worktree, a hash over the paths and contents of the files materialize() would write).
    // Used as the render cache key. `subPath` "" or "." is the repository root.
    Result<QString> contentId(const Revision &rev, const QString &subPath) const;

    // What `path` is at the commit `rev` (not the worktree): its git object id and kind, a
    // file's content, and whether a directory holds a symlink anywhere below it. Error with
    // code kErrorNotFound when the path does not exist.
    struct PathObject
    {
        enum class Kind { Tree, File, Symlink, Submodule };
        QString id;
        Kind kind = Kind::File;
        QByteArray content;        // File
        bool hasSymlinks = false;  // Tree: a symlink at any depth
    };
    Result<PathObject> object(const Revision &rev, const QString &path) const;

    // Writes the regular files of `subPath` at `rev` into `destDir` (which must exist), keeping
    // the relative layout below subPath. Executable bits kept. A symlink whose target stays
    // inside subPath is written as a copy of its target; one pointing outside is an error
    // naming it; a submodule is an error ("submodules are not supported: PATH").
    Status materialize(const Revision &rev, const QString &subPath, const QString &destDir,
                       const CancelToken &cancel = {}) const;

    // A symlink materialize() did not write: its path (from the repository root) and why.
    struct RefusedLink
    {
        QString path;
        QString reason; // "points outside the repository (/etc/passwd)"
    };
    // As above, but a symlink that leaves subPath, dangles or loops is left out and listed in
    // `refused` instead of failing the whole copy: a kustomize render refuses it only when the
    // build would read it (`kubectl kustomize` builds a tree with unrelated broken links).
    Status materialize(const Revision &rev, const QString &subPath, const QString &destDir,
                       QList<RefusedLink> *refused, const CancelToken &cancel = {}) const;

    // The files materialize() would write, read instead of written: their paths relative to
    // `subPath`, in order, and the content of those `wanted` accepts (the others' left empty).
    // Errors as materialize(); with `refused`, links are left out as by the lenient overload.
    // Cost: the sub-path's trees and the wanted blobs, no disk writes.
    Result<QList<FileBytes>> readFiles(const Revision &rev, const QString &subPath,
                                       const std::function<bool(const QString &path)> &wanted,
                                       QList<RefusedLink> *refused = nullptr, const CancelToken &cancel = {}) const;

    // What readFiles(rev, subPath, wanted) would read, in bytes, without reading it: the sizes
    // of the wanted files (object headers, file sizes). Errors as readFiles.
    Result<qint64> bytesOf(const Revision &rev, const QString &subPath,
                           const std::function<bool(const QString &path)> &wanted, const CancelToken &cancel = {}) const;

    // The pending commits: reachable from `headCommit` and not from `baseCommit` (empty base =
    // the whole history), newest first (topological + time order, like `git log`). Rows are
    // handed to `sink` in batches, the first batch as early as possible; `sink` returns false
    // to stop. Cancellable.
    Status commitRange(const QString &baseCommit, const QString &headCommit,
                       const CommitRangeOptions &options,
                       const std::function<bool(const QList<CommitInfo> &)> &sink,
                       const CancelToken &cancel = {}) const;

    // Convenience: the whole range collected.
    Result<QList<CommitInfo>> commitList(const QString &baseCommit, const QString &headCommit,
                                         const CommitRangeOptions &options = {},
                                         const CancelToken &cancel = {}) const;

    // The first parent of a commit, or an empty string for a root commit.
    Result<QString> firstParent(const QString &commitId) const;

    // The fetch URLs of the repository's remotes ("origin" first), as configured.
    QStringList remoteUrls() const;

private:
    struct Private;
    explicit Repository(std::unique_ptr<Private> d);
    std::unique_ptr<Private> d;
};

} // namespace sluice::git
