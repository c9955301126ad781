#pragma once

// Headless review: the rendered diff between two revisions of an application, and the pending
// commits with the objects each one changes.

#include "SourceRenderer.h"
#include "diff/ResourceDiff.h"

namespace sluice {

// Which texts a review writes for each changed object: none (a list, a --stat), the unified
// diff (to print), also each side's YAML, or each on demand (objectTexts: a window showing one
// object at a time; Secrets' texts are written up front).
enum class DiffTexts { None, Unified, UnifiedAndSides, OnDemand };

struct ReviewResult
{
    git::Revision base;
    git::Revision head;
    ResourceDiff diff;
};

// Renders `app` at both revisions (through the cache) and diffs them with the app's ignore
// rules. A side where the application's path does not exist is empty, with a note (so a review
// across its addition shows all added, across its removal all removed), whatever the renderer;
// an application that renders no object at either side adds a note starting "warning: ". A
// render error names the side ("head: render of web at pull/12 (abc1234): …"), with the texts `texts` asks for (texts are the costly half of a diff). Blocks; call from a worker thread.
Result<ReviewResult> reviewRevisions(const git::Repository &repo, SourceRenderer &renderer,
                                     const ApplicationConfig &app, const QString &baseSpec, const QString &headSpec,
                                     const CancelToken &cancel = {}, DiffTexts texts = DiffTexts::UnifiedAndSides);

// A whole cluster's review ("everything clusters/production would change between main and
// pull/12"): every application of `apps` rendered at both revisions, their objects together.
// An object two applications both render is an error naming them.
Result<ReviewResult> reviewApplications(const git::Repository &repo, SourceRenderer &renderer,
                                        const QList<ApplicationConfig> &apps, const QString &baseSpec,
                                        const QString &headSpec, const CancelToken &cancel = {}, DiffTexts texts = DiffTexts::UnifiedAndSides);

// Compare environments: `baseApp` at `baseSpec` vs `headApp` at `headSpec` ("what staging runs
// that production does not yet"). Objects match by key; an object whose kind and name appear
// once on each side in different namespaces is matched too (environments that differ only in
// namespace), and its namespace is not counted as a difference.
Result<ReviewResult> compareApplications(const git::Repository &repo, SourceRenderer &renderer,
                                         const ApplicationConfig &baseApp, const QString &baseSpec,
                                         const ApplicationConfig &headApp, const QString &headSpec,
                                         const CancelToken &cancel = {}, DiffTexts texts = DiffTexts::UnifiedAndSides);

// The rendered diff a commit introduces: its first parent (nothing, for a root commit) vs it;
// a side without the path is empty, as in reviewRevisions.
Result<ReviewResult> reviewCommit(const git::Repository &repo, SourceRenderer &renderer, const ApplicationConfig &app,
                                  const QString &commitId, const CancelToken &cancel = {},
                                  DiffTexts texts = DiffTexts::UnifiedAndSides);

// A snapshot of an application's repository for a page header and revision pickers.
struct RepositorySnapshot
{
    QList<git::RefInfo> refs;
    git::Revision tracked;  // the application's tracked revision, resolved
    git::CommitInfo head;   // the commit it points at
    bool localClone = false; // WORKTREE is available
};

// Opens the application's repository (cloning a URL's mirror on first use), lists refs and
// resolves the tracked revision. Blocks; call from a worker thread.
Result<RepositorySnapshot> snapshotRepository(const ApplicationConfig &app, const git::FetchOptions &fetch = {});

struct CommitChanges
{
    git::CommitInfo commit;
    QList<ResourceKey> changedKeys; // objects this commit changes once rendered (vs first parent)
    QString error;                  // set when this commit could not be rendered
};

// The pending commits between base and head (newest first) with the keys each one changes.
// A commit whose render input (content id) equals its parent's changes nothing and is not
// rendered. A commit that fails to render carries its error instead of failing the list.
// Commits render on a few threads at once (each with its own repository handle; a render is
// also the next commit's parent side, through the cache). `onCommit`, when given, hears each
// commit as soon as it and every newer one are known, newest first, one call at a time, from
// a worker thread: a list can be shown while it is being worked out.
using CommitChangesFn = std::function<void(const CommitChanges &)>;
Result<QList<CommitChanges>> pendingCommitChanges(const git::Repository &repo, SourceRenderer &renderer,
                                                  const ApplicationConfig &app, const QString &baseSpec,
                                                  const QString &headSpec, bool firstParent,
                                                  const CancelToken &cancel = {}, const CommitChangesFn &onCommit = {});

} // namespace sluice
