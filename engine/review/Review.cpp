#include "Review.h"

namespace sluice {

Result<ReviewResult> reviewRevisions(const git::Repository &repo, SourceRenderer &renderer,
                                     const ApplicationConfig &app, const QString &baseSpec, const QString &headSpec,
                                     const CancelToken &cancel)
{
    auto base = repo.resolve(baseSpec);
    if (!base)
        return base.error();
    auto head = repo.resolve(headSpec);
    if (!head)
        return head.error();
    auto baseSet = renderer.render(repo, *base, app, cancel);
    if (!baseSet)
        return baseSet.error();
    auto headSet = renderer.render(repo, *head, app, cancel);
    if (!headSet)
        return headSet.error();
    DiffOptions options;
    options.ignore = app.ignore;
    options.baseLabel = base->displayName().toUtf8();
    options.headLabel = head->displayName().toUtf8();
    auto diff = diffResourceSets(*baseSet, *headSet, options, cancel);
    if (!diff)
        return diff.error();
    return ReviewResult{*base, *head, std::move(*diff)};
}

Result<QList<CommitChanges>> pendingCommitChanges(const git::Repository &repo, SourceRenderer &renderer,
                                                  const ApplicationConfig &app, const QString &baseSpec,
                                                  const QString &headSpec, bool firstParent,
                                                  const CancelToken &cancel)
{
    auto base = repo.resolve(baseSpec);
    if (!base)
        return base.error();
    auto head = repo.resolve(headSpec);
    if (!head)
        return head.error();
    if (base->worktree || head->worktree)
        return makeError(ErrorCategory::Usage, QStringLiteral("the commit range needs commits, not WORKTREE"));
    git::CommitRangeOptions options;
    options.firstParent = firstParent;
    auto commits = repo.commitList(base->commitId, head->commitId, options, cancel);
    if (!commits)
        return commits.error();

    QList<CommitChanges> out;
    for (const git::CommitInfo &commit : *commits) {
        if (cancel.isCancelled())
            return makeError(ErrorCategory::Cancelled, QStringLiteral("listing commits was cancelled"));
        CommitChanges entry{commit, {}, {}};
        const git::Revision after{commit.id, commit.id, false};
        const git::Revision before{commit.id + QLatin1String("^"), commit.parentIds.value(0), false};
        auto afterKey = renderer.cacheKey(repo, after, app, cancel);
        auto beforeKey = before.commitId.isEmpty() ? Result<QString>(QString()) : renderer.cacheKey(repo, before, app, cancel);
        if (afterKey && beforeKey && *afterKey == *beforeKey) {
            out.append(std::move(entry));
            continue;
        }
        auto afterSet = renderer.render(repo, after, app, cancel);
        Result<ResourceSet> beforeSet = before.commitId.isEmpty() ? Result<ResourceSet>(ResourceSet())
                                                                  : renderer.render(repo, before, app, cancel);
        if (!afterSet || !beforeSet) {
            entry.error = (!afterSet ? afterSet.error() : beforeSet.error()).toString();
            out.append(std::move(entry));
            continue;
        }
        DiffOptions diffOptions;
        diffOptions.ignore = app.ignore;
        diffOptions.withText = false;
        auto diff = diffResourceSets(*beforeSet, *afterSet, diffOptions, cancel);
        if (!diff)
            return diff.error();
        for (const ObjectDiff &o : diff->objects) {
            if (o.change != ChangeKind::Unchanged)
                entry.changedKeys.append(o.key);
        }
        out.append(std::move(entry));
    }
    return out;
}

} // namespace sluice
