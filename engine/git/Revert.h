#pragma once

// Rollback by git revert: a new branch that starts at the tracked branch's head and reverts
// chosen commits, computed in memory, and a push of that branch to the tracked remote.
//
// Contract: the only change to the clone is the new ref refs/heads/<branch> (and the objects
// it needs); the working tree, the index and HEAD / the current branch are never touched.
// Threading: both calls block the calling (worker) thread and open their own libgit2 handle,
// so they may run on any thread, one call per repository at a time.

#include "core/Cancel.h"
#include "core/Result.h"

#include <QString>
#include <QStringList>

namespace sluice::git {

struct RevertRequest
{
    QString repoPath;     // a local clone (non-bare normally; bare works too)
    QString baseRevision; // the tracked branch ("main", "origin/main"); the new branch starts
                          // at its head
    QStringList commits;  // revisions to revert (any spec Repository::resolve accepts, not the
                          // worktree), applied in this order (newest first is typical)
    QString branchName;   // empty = "sluice/revert-<short id of the first commit>"
    bool previewOnly = false; // write the revert commits (objects only) and create no ref: a
                              // preview whose commitId can be rendered; nothing visible changes
};

struct RevertResult
{
    QString branch;          // short name: sluice/revert-abc1234
    QString baseCommitId;    // the base head the branch starts from
    QString commitId;        // the new branch head
    QStringList revertedIds; // full ids of the reverted commits, in request order
};

// Creates refs/heads/<branch> at baseRevision's head plus one revert commit per requested
// commit, with git's message ("Revert \"<summary>\"\n\nThis reverts commit <id>.\n").
// Author and committer come from the repository's git config (user.name, user.email), else
// "Sluice <sluice@localhost>". Cancellable between commits.
// Errors (category Git unless cancelled): unknown revision; invalid branch name; the branch
// already exists; a merge commit (not supported); a revert that conflicts (names every
// conflicting file). On any error no ref is created.
Result<RevertResult> createRevertBranch(const RevertRequest &request,
                                        const CancelToken &cancel = {});

// Pushes refs/heads/<branch> (no force) as refs/heads/<branch> to the remote baseRevision
// tracks: for a remote-tracking branch ("origin/main") its remote, for a local branch its
// configured upstream remote, else "origin". Credentials as for fetchMirror (ssh-agent,
// ~/.ssh keys, `git credential fill`). Errors name the branch, the remote and the reason
// (no such remote, authentication, repository not found, network, rejected by the remote).
Status pushBranch(const QString &repoPath, const QString &branch, const QString &baseRevision,
                  const CancelToken &cancel = {});

} // namespace sluice::git
