#include "Review.h"

#include <optional>
#include <thread>

namespace sluice {
namespace {

// The desired set at `rev`, or an empty one when the application's path does not exist there
// yet (a revision from before the application was added).
Result<ResourceSet> renderOrEmpty(const git::Repository &repo, SourceRenderer &renderer, const git::Revision &rev,
                                  const ApplicationConfig &app, const CancelToken &cancel)
{
    auto set = renderer.render(repo, rev, app, cancel);
    if (!set && set.error().category == ErrorCategory::Git && set.error().code == git::kErrorNotFound)
        return ResourceSet();
    return set;
}

// Resolves the base and head revision specs of a review or a commit range.
Result<std::pair<git::Revision, git::Revision>> resolveRange(const git::Repository &repo, const QString &baseSpec,
                                                             const QString &headSpec)
{
    auto base = repo.resolve(baseSpec);
    if (!base)
        return base.error();
    auto head = repo.resolve(headSpec);
    if (!head)
        return head.error();
    return std::pair{*base, *head};
}

// The objects of several applications at one revision, together.
Result<ResourceSet> renderTogether(const git::Repository &repo, SourceRenderer &renderer, const git::Revision &rev,
                                   const QList<ApplicationConfig> &apps, const CancelToken &cancel)
{
    ResourceSet all;
    QHash<QString, QString> owner; // key → application
    for (const ApplicationConfig &app : apps) {
        auto set = renderOrEmpty(repo, renderer, rev, app, cancel);
        if (!set)
            return set.error().prefixed(app.name);
        for (const auto &[key, resource] : *set) {
            if (owner.contains(key.toString()))
                return makeError(ErrorCategory::Render, QStringLiteral("%1 is rendered by both %2 and %3")
                                                            .arg(key.displayName(), owner.value(key.toString()), app.name));
            owner.insert(key.toString(), app.name);
            if (Status s = all.insert(resource); !s)
                return s.error();
        }
        for (const QString &note : set->notes)
            all.notes.append(app.name + QStringLiteral(": ") + note);
    }
    return all;
}

DiffOptions optionsFor(const QList<IgnoreRule> &ignore, const git::Revision &base, const git::Revision &head)
{
    DiffOptions options;
    options.ignore = ignore;
    options.baseLabel = base.displayName().toUtf8();
    options.headLabel = head.displayName().toUtf8();
    return options;
}

// `base` with each object that is not in `head` by key, but whose group, kind and name appear
// exactly once in each set, moved to that namespace (parseTree follows the key's namespace).
ResourceSet alignNamespaces(const ResourceSet &base, const ResourceSet &head)
{
    QHash<QString, QList<const Resource *>> headByName, baseByName;
    const auto name = [](const ResourceKey &k) { return k.group + QLatin1Char('/') + k.kind + QLatin1Char('/') + k.name; };
    for (const auto &[key, r] : head)
        headByName[name(key)].append(&r);
    for (const auto &[key, r] : base)
        baseByName[name(key)].append(&r);
    ResourceSet aligned;
    aligned.notes = base.notes;
    for (const auto &[key, r] : base) {
        Resource moved = r;
        const QList<const Resource *> &candidates = headByName.value(name(key));
        if (!head.find(key) && candidates.size() == 1 && baseByName.value(name(key)).size() == 1 && !key.ns.isEmpty())
            moved.key.ns = candidates.first()->key.ns;
        aligned.insert(moved);
    }
    return aligned;
}

} // namespace

Result<ReviewResult> reviewApplications(const git::Repository &repo, SourceRenderer &renderer, const QList<ApplicationConfig> &apps,
                                        const QString &baseSpec, const QString &headSpec, const CancelToken &cancel)
{
    auto range = resolveRange(repo, baseSpec, headSpec);
    if (!range)
        return range.error();
    const auto &[base, head] = *range;
    auto baseSet = renderTogether(repo, renderer, base, apps, cancel);
    if (!baseSet)
        return baseSet.error();
    auto headSet = renderTogether(repo, renderer, head, apps, cancel);
    if (!headSet)
        return headSet.error();
    QList<IgnoreRule> ignore;
    for (const ApplicationConfig &app : apps)
        ignore.append(app.ignore);
    auto diff = diffResourceSets(*baseSet, *headSet, optionsFor(ignore, base, head), cancel);
    if (!diff)
        return diff.error();
    return ReviewResult{base, head, std::move(*diff)};
}

Result<ReviewResult> compareApplications(const git::Repository &repo, SourceRenderer &renderer, const ApplicationConfig &baseApp,
                                         const QString &baseSpec, const ApplicationConfig &headApp, const QString &headSpec,
                                         const CancelToken &cancel)
{
    auto range = resolveRange(repo, baseSpec, headSpec);
    if (!range)
        return range.error();
    const auto &[base, head] = *range;
    auto baseSet = renderer.render(repo, base, baseApp, cancel);
    if (!baseSet)
        return baseSet.error().prefixed(baseApp.name);
    auto headSet = renderer.render(repo, head, headApp, cancel);
    if (!headSet)
        return headSet.error().prefixed(headApp.name);
    git::Revision baseNamed = base, headNamed = head;
    baseNamed.spec = baseApp.name + QLatin1Char('@') + base.spec;
    headNamed.spec = headApp.name + QLatin1Char('@') + head.spec;
    auto diff = diffResourceSets(alignNamespaces(*baseSet, *headSet), *headSet,
                                 optionsFor(baseApp.ignore + headApp.ignore, baseNamed, headNamed), cancel);
    if (!diff)
        return diff.error();
    return ReviewResult{baseNamed, headNamed, std::move(*diff)};
}

Result<ReviewResult> reviewRevisions(const git::Repository &repo, SourceRenderer &renderer,
                                     const ApplicationConfig &app, const QString &baseSpec, const QString &headSpec,
                                     const CancelToken &cancel)
{
    auto range = resolveRange(repo, baseSpec, headSpec);
    if (!range)
        return range.error();
    const auto &[base, head] = *range;
    // Only the head must have the path: a base from before the application existed shows it all
    // as added. Both render at once (a render is mostly waiting for kustomize or helm), the base
    // on its own repository handle: a handle serves one thread.
    std::optional<Result<ResourceSet>> baseSet;
    std::thread baseThread([&] {
        auto own = git::Repository::open(repo.path());
        baseSet = own ? renderOrEmpty(*own, renderer, base, app, cancel) : Result<ResourceSet>(own.error());
    });
    auto headSet = renderer.render(repo, head, app, cancel);
    baseThread.join();
    if (!headSet)
        return headSet.error();
    if (!*baseSet)
        return baseSet->error();
    DiffOptions options;
    options.ignore = app.ignore;
    options.baseLabel = base.displayName().toUtf8();
    options.headLabel = head.displayName().toUtf8();
    auto diff = diffResourceSets(**baseSet, *headSet, options, cancel);
    if (!diff)
        return diff.error();
    return ReviewResult{base, head, std::move(*diff)};
}

Result<ReviewResult> reviewCommit(const git::Repository &repo, SourceRenderer &renderer, const ApplicationConfig &app,
                                  const QString &commitId, const CancelToken &cancel)
{
    auto head = repo.resolve(commitId);
    if (!head)
        return head.error();
    auto parentId = repo.firstParent(head->commitId);
    if (!parentId)
        return parentId.error();
    // As in reviewRevisions, the commit itself must have the path (Pending and Review agree).
    auto headSet = renderer.render(repo, *head, app, cancel);
    if (!headSet)
        return headSet.error();
    git::Revision base{*parentId, *parentId, false};
    Result<ResourceSet> baseSet = parentId->isEmpty() ? Result<ResourceSet>(ResourceSet())
                                                      : renderOrEmpty(repo, renderer, base, app, cancel);
    if (!baseSet)
        return baseSet.error();
    DiffOptions options;
    options.ignore = app.ignore;
    options.baseLabel = parentId->isEmpty() ? QByteArray("(no parent)") : parentId->left(7).toUtf8();
    options.headLabel = head->commitId.left(7).toUtf8();
    auto diff = diffResourceSets(*baseSet, *headSet, options, cancel);
    if (!diff)
        return diff.error();
    return ReviewResult{base, *head, std::move(*diff)};
}

Result<RepositorySnapshot> snapshotRepository(const ApplicationConfig &app, const git::FetchOptions &fetch)
{
    auto repo = openApplicationRepository(app, fetch);
    if (!repo)
        return repo.error();
    RepositorySnapshot snapshot;
    snapshot.localClone = !repo->isBare();
    auto refs = repo->refs();
    if (!refs)
        return refs.error();
    snapshot.refs = std::move(*refs);
    auto tracked = repo->resolve(app.revision);
    if (!tracked)
        return tracked.error();
    snapshot.tracked = *tracked;
    if (!tracked->worktree) {
        git::CommitRangeOptions options;
        options.firstBatchSize = 1;
        Status s = repo->commitRange({}, tracked->commitId, options, [&snapshot](const QList<git::CommitInfo> &batch) {
            if (!batch.isEmpty())
                snapshot.head = batch.first();
            return false;
        });
        if (!s)
            return s.error();
    }
    return snapshot;
}

Result<QList<CommitChanges>> pendingCommitChanges(const git::Repository &repo, SourceRenderer &renderer,
                                                  const ApplicationConfig &app, const QString &baseSpec,
                                                  const QString &headSpec, bool firstParent,
                                                  const CancelToken &cancel)
{
    auto range = resolveRange(repo, baseSpec, headSpec);
    if (!range)
        return range.error();
    const auto &[base, head] = *range;
    if (base.worktree || head.worktree)
        return makeError(ErrorCategory::Usage, QStringLiteral("the commit range needs commits, not WORKTREE"));
    git::CommitRangeOptions options;
    options.firstParent = firstParent;
    auto commits = repo.commitList(base.commitId, head.commitId, options, cancel);
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
        auto afterSet = renderOrEmpty(repo, renderer, after, app, cancel);
        Result<ResourceSet> beforeSet = before.commitId.isEmpty() ? Result<ResourceSet>(ResourceSet())
                                                                  : renderOrEmpty(repo, renderer, before, app, cancel);
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
