#pragma once

// Private to engine/git: owning handles for libgit2 objects and the bridge from libgit2's
// thread-local last error to sluice::Error. Never include this from a public header.
//
// Threading: libgit2 objects follow the owning repository's rule (one thread at a time);
// gitError() must be called on the thread whose libgit2 call failed, right after it.

#include "core/Result.h"

#include <git2.h>

#include <QString>

#include <memory>

namespace sluice::git {

// Initialises libgit2 once per process (thread-safe; never shut down, the OS reclaims it).
// Every entry point of engine/git calls it before touching libgit2. Objects are read as git
// reads them, without hashing each one again to verify it (SHA-1DC: 7% of a cold review's CPU).
inline void ensureLibgit2()
{
    static const int initialised = [] {
        const int count = git_libgit2_init();
        git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
        return count;
    }();
    (void)initialised;
}

template <typename T, void (*Free)(T *)> struct GitDeleter
{
    void operator()(T *p) const
    {
        if (p)
            Free(p);
    }
};

template <typename T, void (*Free)(T *)> using GitHandle = std::unique_ptr<T, GitDeleter<T, Free>>;

using RepositoryHandle = GitHandle<git_repository, git_repository_free>;
using CommitHandle = GitHandle<git_commit, git_commit_free>;
using TreeHandle = GitHandle<git_tree, git_tree_free>;
using TreeEntryHandle = GitHandle<git_tree_entry, git_tree_entry_free>;
using BlobHandle = GitHandle<git_blob, git_blob_free>;
using ObjectHandle = GitHandle<git_object, git_object_free>;
using ReferenceHandle = GitHandle<git_reference, git_reference_free>;
using ReferenceIteratorHandle = GitHandle<git_reference_iterator, git_reference_iterator_free>;
using RevwalkHandle = GitHandle<git_revwalk, git_revwalk_free>;
using DiffHandle = GitHandle<git_diff, git_diff_free>;
using RemoteHandle = GitHandle<git_remote, git_remote_free>;
using StatusListHandle = GitHandle<git_status_list, git_status_list_free>;
using IndexHandle = GitHandle<git_index, git_index_free>;
using OdbHandle = GitHandle<git_odb, git_odb_free>;
using OdbObjectHandle = GitHandle<git_odb_object, git_odb_object_free>;

// The last libgit2 error of this thread as text ("unknown error" when libgit2 set none).
inline QString lastGitMessage()
{
    const git_error *e = git_error_last(); // may be NULL
    return (e && e->message) ? QString::fromUtf8(e->message).trimmed()
                             : QStringLiteral("unknown error");
}

// An Error for a failed libgit2 call: "context: libgit2 message". Copies the thread-local
// error at once, so call it before any other libgit2 call.
inline Error gitError(const QString &context, int code = 0)
{
    return makeError(ErrorCategory::Git, context + QLatin1String(": ") + lastGitMessage(), {},
                     code);
}

inline QString oidToString(const git_oid &oid)
{
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof hex, &oid);
    return QString::fromLatin1(hex, GIT_OID_HEXSZ);
}

inline bool oidFromString(git_oid *out, const QString &hex)
{
    const QByteArray latin = hex.toLatin1();
    return latin.size() == GIT_OID_HEXSZ &&
           git_oid_fromstrn(out, latin.constData(), GIT_OID_HEXSZ) == 0;
}

} // namespace sluice::git
