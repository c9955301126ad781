#include "Revert.h"

#include "GitHandles.h"
#include "Mirror.h"
#include "RemoteCallbacks.h"
#include "Repository.h"
#include "core/Log.h"

#include <QFile>
#include <QFileInfo>

// Revert branches and their push. The reverts run on in-memory indexes (git_revert_commit) and
// write only objects; the one new ref is created last, so a failure leaves no ref behind (at
// most unreferenced objects, which git gc collects).

namespace sluice::git {

namespace {

using SignatureHandle = GitHandle<git_signature, git_signature_free>;
using ConflictIteratorHandle =
    GitHandle<git_index_conflict_iterator, git_index_conflict_iterator_free>;

// Error messages quote at most this many conflicting files; the detail lists all of them.
constexpr qsizetype kMaxListedConflicts = 20;
// Status text a remote sends for a rejected ref is cut to this length.
constexpr qsizetype kMaxRemoteStatus = 200;

struct GitBuf
{
    GitBuf() = default;
    GitBuf(const GitBuf &) = delete;
    GitBuf &operator=(const GitBuf &) = delete;
    ~GitBuf() { git_buf_dispose(&buf); }
    QString toString() const { return QString::fromUtf8(buf.ptr, qsizetype(buf.size)); }

    git_buf buf = GIT_BUF_INIT;
};

Error gitMessage(const QString &message, const QString &detail = {}, int code = 0)
{
    return makeError(ErrorCategory::Git, message, detail, code);
}

Result<RepositoryHandle> openRepository(const QString &path)
{
    git_repository *raw = nullptr;
    const QByteArray native = QFile::encodeName(path);
    const int rc =
        git_repository_open_ext(&raw, native.constData(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr);
    if (rc < 0)
        return gitMessage(QStringLiteral("not a git repository: %1").arg(path), lastGitMessage(),
                          rc);
    return RepositoryHandle(raw);
}

// Repository::resolve's rules (branches, tags, ids, "main~2", pull/7), minus the worktree.
Result<QString> resolveCommit(const Repository &repository, const QString &spec)
{
    Result<Revision> rev = repository.resolve(spec);
    if (!rev)
        return rev.error();
    if (rev->worktree)
        return gitMessage(QStringLiteral("%1 names uncommitted changes, not a commit: choose a "
                                         "commit")
                              .arg(kWorktree));
    return rev->commitId;
}

Result<CommitHandle> lookupCommit(git_repository *repo, const git_oid &id)
{
    git_commit *raw = nullptr;
    if (git_commit_lookup(&raw, repo, &id) < 0)
        return gitError(QStringLiteral("cannot read commit %1").arg(oidToString(id)));
    return CommitHandle(raw);
}

Error branchExistsError(const QString &branch, const QString &repoPath)
{
    return gitMessage(
        QStringLiteral("branch %1 already exists in %2; pass another name").arg(branch, repoPath),
        {}, GIT_EEXISTS);
}

Status checkNewBranch(git_repository *repo, const QString &branch, const QString &repoPath)
{
    const QByteArray name = branch.toUtf8();
    int valid = 0;
    if (git_branch_name_is_valid(&valid, name.constData()) < 0 || !valid)
        return gitMessage(QStringLiteral("'%1' is not a valid branch name").arg(branch));
    git_reference *raw = nullptr;
    const int rc = git_branch_lookup(&raw, repo, name.constData(), GIT_BRANCH_LOCAL);
    const ReferenceHandle existing(raw);
    if (rc == 0)
        return branchExistsError(branch, repoPath);
    if (rc != GIT_ENOTFOUND)
        return gitError(QStringLiteral("cannot read branch %1 in %2").arg(branch, repoPath), rc);
    git_error_clear();
    return {};
}

// The user's identity from git config, else Sluice's own.
Result<SignatureHandle> revertSignature(git_repository *repo)
{
    git_signature *raw = nullptr;
    if (git_signature_default(&raw, repo) == 0)
        return SignatureHandle(raw);
    git_error_clear();
    if (git_signature_now(&raw, "Sluice", "sluice@localhost") < 0)
        return gitError(QStringLiteral("cannot create a commit signature"));
    return SignatureHandle(raw);
}

// Every path in a conflict (ancestor, ours and theirs differ after a rename), in index order.
QStringList conflictingPaths(git_index *index)
{
    QStringList paths;
    git_index_conflict_iterator *raw = nullptr;
    if (git_index_conflict_iterator_new(&raw, index) < 0)
        return paths;
    const ConflictIteratorHandle iter(raw);
    const git_index_entry *ancestor = nullptr, *ours = nullptr, *theirs = nullptr;
    while (git_index_conflict_next(&ancestor, &ours, &theirs, iter.get()) == 0) {
        for (const git_index_entry *entry : {ours, theirs, ancestor}) {
            if (entry)
                paths.append(QString::fromUtf8(entry->path));
        }
    }
    git_error_clear();
    paths.removeDuplicates();
    return paths;
}

Error conflictError(const QString &shortId, const QString &base, const QStringList &paths)
{
    QString listed = paths.mid(0, kMaxListedConflicts).join(QLatin1String(", "));
    if (paths.size() > kMaxListedConflicts)
        listed += QStringLiteral(" and %1 more").arg(paths.size() - kMaxListedConflicts);
    return gitMessage(QStringLiteral("reverting %1 onto %2 conflicts in %3: revert by hand")
                          .arg(shortId, base, listed),
                      paths.join(QLatin1Char('\n')), GIT_EMERGECONFLICT);
}

// Reverts `commit` on top of `head` in memory and writes the revert commit (no ref); returns
// its id. `base` names the branch for messages.
Result<git_oid> revertOnto(git_repository *repo, git_commit *commit, git_commit *head,
                           const git_signature *signature, const QString &base)
{
    const QString id = oidToString(*git_commit_id(commit));
    const char *summary = git_commit_summary(commit);
    if (git_commit_parentcount(commit) > 1)
        return gitMessage(QStringLiteral("reverting merges is not supported: %1 (\"%2\") is a "
                                         "merge commit; revert the commits it merged instead")
                              .arg(id.left(7), QString::fromUtf8(summary ? summary : "")));
    git_index *rawIndex = nullptr;
    const git_merge_options mergeOptions = GIT_MERGE_OPTIONS_INIT;
    if (git_revert_commit(&rawIndex, repo, commit, head, 0, &mergeOptions) < 0)
        return gitError(QStringLiteral("cannot revert %1 onto %2").arg(id.left(7), base));
    const IndexHandle index(rawIndex);
    if (git_index_has_conflicts(index.get()))
        return conflictError(id.left(7), base, conflictingPaths(index.get()));

    git_oid treeId;
    git_tree *rawTree = nullptr;
    if (git_index_write_tree_to(&treeId, index.get(), repo) < 0 ||
        git_tree_lookup(&rawTree, repo, &treeId) < 0)
        return gitError(QStringLiteral("cannot write the tree reverting %1").arg(id.left(7)));
    const TreeHandle tree(rawTree);

    const QByteArray message = QStringLiteral("Revert \"%1\"\n\nThis reverts commit %2.\n")
                                   .arg(QString::fromUtf8(summary ? summary : ""), id)
                                   .toUtf8();
    const git_commit *parents[] = {head};
    git_oid revertId;
    if (git_commit_create(&revertId, repo, nullptr, signature, signature, nullptr,
                          message.constData(), tree.get(), 1, parents) < 0)
        return gitError(QStringLiteral("cannot write the commit reverting %1").arg(id.left(7)));
    return revertId;
}

Error cancelledError(const QString &what)
{
    return makeError(ErrorCategory::Cancelled, what + QLatin1String(" was cancelled"), {},
                     GIT_EUSER);
}

} // namespace

Result<RevertResult> createRevertBranch(const RevertRequest &request, const CancelToken &cancel)
{
    ensureLibgit2();
    if (request.commits.isEmpty())
        return gitMessage(QStringLiteral("nothing to revert: choose at least one commit"));
    const Result<Repository> repository = Repository::open(request.repoPath);
    if (!repository)
        return repository.error();
    const Result<QString> base = resolveCommit(*repository, request.baseRevision);
    if (!base)
        return base.error();
    RevertResult result;
    result.baseCommitId = *base;
    for (const QString &spec : request.commits) {
        const Result<QString> id = resolveCommit(*repository, spec);
        if (!id)
            return id.error();
        result.revertedIds.append(*id);
    }
    const QString requestedName = request.branchName.trimmed();
    result.branch = requestedName.isEmpty()
                        ? QLatin1String("sluice/revert-") + result.revertedIds.first().left(7)
                        : requestedName;

    Result<RepositoryHandle> opened = openRepository(request.repoPath);
    if (!opened)
        return opened.error();
    const RepositoryHandle repo = std::move(opened).value();
    SLUICE_TRY(checkNewBranch(repo.get(), result.branch, request.repoPath));
    const Result<SignatureHandle> signature = revertSignature(repo.get());
    if (!signature)
        return signature.error();

    git_oid headId;
    oidFromString(&headId, result.baseCommitId);
    for (const QString &id : result.revertedIds) {
        if (cancel.isCancelled())
            return cancelledError(QStringLiteral("creating %1").arg(result.branch));
        git_oid commitId;
        oidFromString(&commitId, id);
        const Result<CommitHandle> commit = lookupCommit(repo.get(), commitId);
        if (!commit)
            return commit.error();
        const Result<CommitHandle> head = lookupCommit(repo.get(), headId);
        if (!head)
            return head.error();
        const Result<git_oid> reverted = revertOnto(repo.get(), commit->get(), head->get(),
                                                    signature->get(), request.baseRevision);
        if (!reverted)
            return reverted.error();
        headId = *reverted;
    }
    if (cancel.isCancelled())
        return cancelledError(QStringLiteral("creating %1").arg(result.branch));
    if (request.previewOnly) {
        result.commitId = oidToString(headId);
        return result;
    }

    const QByteArray refName = QStringLiteral("refs/heads/%1").arg(result.branch).toUtf8();
    const QByteArray reflog =
        QStringLiteral("sluice: revert branch on %1").arg(request.baseRevision).toUtf8();
    git_reference *rawRef = nullptr;
    const int rc = git_reference_create(&rawRef, repo.get(), refName.constData(), &headId, 0,
                                        reflog.constData());
    const ReferenceHandle ref(rawRef);
    if (rc == GIT_EEXISTS)
        return branchExistsError(result.branch, request.repoPath);
    if (rc < 0)
        return gitError(
            QStringLiteral("cannot create branch %1 in %2").arg(result.branch, request.repoPath),
            rc);
    result.commitId = oidToString(headId);
    qCDebug(lcGit) << "created" << result.branch << "at" << result.commitId << "reverting"
                   << result.revertedIds << "on" << request.baseRevision;
    return result;
}

// ---- push -------------------------------------------------------------------------------------

namespace {

struct PushContext : RemoteCallbackContext
{
    QStringList rejections; // "refs/heads/x (reason)" for refs the remote refused

    static PushContext *fromPayload(void *payload)
    {
        return static_cast<PushContext *>(static_cast<RemoteCallbackContext *>(payload));
    }
};

int pushUpdateReferenceCb(const char *refname, const char *status, void *payload)
{
    if (status) {
        const QString reason = QString::fromUtf8(status).left(kMaxRemoteStatus);
        PushContext::fromPayload(payload)->rejections.append(
            QStringLiteral("%1 (%2)").arg(QString::fromUtf8(refname), reason));
    }
    return 0;
}

int pushTransferCb(unsigned int, unsigned int, size_t, void *payload)
{
    return PushContext::fromPayload(payload)->checkCancel() ? GIT_EUSER : 0;
}

int pushSidebandCb(const char *, int, void *payload)
{
    return PushContext::fromPayload(payload)->checkCancel() ? GIT_EUSER : 0;
}

// The remote `baseRevision` tracks: a remote-tracking branch's remote, a local branch's
// configured upstream remote, else "origin".
QString trackedRemoteName(git_repository *repo, const QString &baseRevision)
{
    const QString fallback = QStringLiteral("origin");
    git_reference *rawRef = nullptr;
    git_reference *rawResolved = nullptr;
    const int found = git_reference_dwim(&rawRef, repo, baseRevision.toUtf8().constData());
    const ReferenceHandle ref(rawRef);
    if (found < 0 || git_reference_resolve(&rawResolved, ref.get()) < 0) {
        git_error_clear(); // an id or an expression: tracks nothing
        return fallback;
    }
    const ReferenceHandle resolved(rawResolved);
    const char *name = git_reference_name(resolved.get());
    const bool isRemote = git_reference_is_remote(resolved.get());
    GitBuf remote;
    int rc = GIT_ENOTFOUND;
    if (isRemote)
        rc = git_branch_remote_name(&remote.buf, repo, name);
    else if (git_reference_is_branch(resolved.get()))
        rc = git_branch_upstream_remote(&remote.buf, repo, name);
    if (rc == 0)
        return remote.toString();
    git_error_clear();
    if (isRemote) // no configured remote fetches into it: name it after its path
        return QString::fromUtf8(name).section(QLatin1Char('/'), 2, 2);
    return fallback;
}

} // namespace

Status pushBranch(const QString &repoPath, const QString &branch, const QString &baseRevision,
                  const CancelToken &cancel)
{
    ensureLibgit2();
    Result<RepositoryHandle> opened = openRepository(repoPath);
    if (!opened)
        return opened.error();
    const RepositoryHandle repo = std::move(opened).value();

    git_reference *rawBranch = nullptr;
    const int found =
        git_branch_lookup(&rawBranch, repo.get(), branch.toUtf8().constData(), GIT_BRANCH_LOCAL);
    const ReferenceHandle local(rawBranch);
    if (found == GIT_ENOTFOUND || found == GIT_EINVALIDSPEC)
        return gitMessage(
            QStringLiteral("push of %1 failed: there is no branch %1 in %2").arg(branch, repoPath),
            {}, GIT_ENOTFOUND);
    if (found < 0)
        return gitError(
            QStringLiteral("push of %1 failed: cannot read it in %2").arg(branch, repoPath), found);

    const QString remoteName = trackedRemoteName(repo.get(), baseRevision);
    git_remote *rawRemote = nullptr;
    const int lookup = git_remote_lookup(&rawRemote, repo.get(), remoteName.toUtf8().constData());
    const RemoteHandle remote(rawRemote);
    if (lookup == GIT_ENOTFOUND || lookup == GIT_EINVALIDSPEC)
        return gitMessage(QStringLiteral("push of %1 failed: %2 has no remote '%3' (the remote "
                                         "%4 tracks)")
                              .arg(branch, repoPath, remoteName, baseRevision),
                          {}, GIT_ENOTFOUND);
    if (lookup < 0)
        return gitError(QStringLiteral("push of %1 failed: cannot read the remote '%2'")
                            .arg(branch, remoteName),
                        lookup);

    PushContext ctx;
    const char *url = git_remote_pushurl(remote.get());
    if (!url)
        url = git_remote_url(remote.get());
    ctx.url = QString::fromUtf8(url ? url : "");
    ctx.displayUrl = redactUrl(ctx.url);
    ctx.cancel = cancel;
    const QString what =
        QStringLiteral("push of %1 to %2 (%3)").arg(branch, remoteName, ctx.displayUrl);

    git_push_options options = GIT_PUSH_OPTIONS_INIT;
    ctx.install(&options.callbacks);
    options.callbacks.push_update_reference = pushUpdateReferenceCb;
    options.callbacks.push_transfer_progress = pushTransferCb;
    options.callbacks.sideband_progress = pushSidebandCb;

    QByteArray refspec = QStringLiteral("refs/heads/%1:refs/heads/%1").arg(branch).toUtf8();
    char *specs[] = {refspec.data()};
    const git_strarray refspecs = {specs, 1};
    // libgit2 takes a missing local path for an unknown protocol ("network error"): say so here.
    const QFileInfo localPath(ctx.url);
    if (!isRemoteUrl(ctx.url) && localPath.isAbsolute() && !localPath.exists())
        return gitMessage(what + QLatin1String(" failed: repository not found"),
                          QStringLiteral("%1 does not exist").arg(ctx.url), GIT_ENOTFOUND);
    if (ctx.checkCancel())
        return remoteError(ctx, GIT_EUSER, what);
    qCDebug(lcGit) << "pushing" << branch << "to" << remoteName << ctx.displayUrl;
    const int rc = git_remote_push(remote.get(), &refspecs, &options);
    if (rc == GIT_ENONFASTFORWARD)
        return gitMessage(what + QStringLiteral(" failed: %1 already has branch %2 at another "
                                                "commit; create the revert under another name")
                                     .arg(remoteName, branch),
                          lastGitMessage(), rc);
    if (rc < 0) {
        Error e = remoteError(ctx, rc, what);
        qCDebug(lcGit) << e.toString();
        return e;
    }
    if (!ctx.rejections.isEmpty())
        return gitMessage(what + QLatin1String(" failed: rejected by the remote: ") +
                          ctx.rejections.join(QLatin1String("; ")));
    return {};
}

} // namespace sluice::git
