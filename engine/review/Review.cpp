#include "Review.h"

#include "core/Heap.h"
#include "diff/SecretMask.h"

#include <QTemporaryFile>
#include <QThread>

#include <limits>
#include <mutex>
#include <optional>
#include <thread>

namespace sluice {
namespace {

// The desired set at `rev`, or an empty one with a note when the application's path does not
// exist there (a revision from before the application was added, or after it was removed): one
// rule for every renderer and either side. `side` ("base", "head", or empty) names the side in
// the note and in an error.
Result<ResourceSet> renderOrEmpty(const git::Repository &repo, SourceRenderer &renderer, const git::Revision &rev,
                                  const ApplicationConfig &app, const CancelToken &cancel, const QString &side = {})
{
    auto set = renderer.render(repo, rev, app, cancel);
    if (!set && set.error().category == ErrorCategory::Git && set.error().code == git::kErrorNotFound) {
        ResourceSet empty;
        empty.notes.append(QStringLiteral("%1: path %2 does not exist at %3%4: nothing to render there")
                               .arg(app.name, elideMiddle(app.path), side.isEmpty() ? QString() : side + QLatin1Char(' '), rev.displayName()));
        return empty;
    }
    if (!set && !side.isEmpty())
        return set.error().prefixed(side);
    return set;
}

// An application that renders no object at either side is a warning: most often a path or
// renderer that is not what was meant (a jsonnet folder, a path that moved).
void warnIfNothingRendered(const QString &appName, const ResourceSet &base, const ResourceSet &head, ResourceDiff &diff)
{
    if (base.size() == 0 && head.size() == 0)
        diff.notes.append(QStringLiteral("warning: %1 renders no objects at either revision").arg(appName));
}

// Whether an object differs from `other`'s of its key (by structural hash, or `other` lacks it):
// asked in key order.
std::function<bool(const Resource &)> differsFrom(const ResourceSet &other)
{
    auto it = other.begin();
    return [it, end = other.end()](const Resource &r) mutable {
        while (it != end && it->key < r.key)
            ++it;
        return !(it != end && it->key == r.key && it->hash == r.hash);
    };
}

// One side of a large review set aside while the other side is read, so that only one
// manifest's buffer is held at a time: each object's text is written to a temporary file of the
// review's own (the owner's only, gone with it), but a Secret's, which stays in memory (no secret
// value rests on disk), and dropped from the set. keepTexts reads back only those compared.
class TextsSetAside
{
public:
    // False (nothing changed) when the set's objects are shared with another set (the render
    // cache's: its buffer stays all the same) or the file cannot be written.
    bool setAside(ResourceSet &set)
    {
        const std::span<Resource> objects = set.ownObjects();
        if (objects.empty() || !m_file.open())
            return false;
        std::vector<qint32> sizes; // in the file one after the other; 4 bytes an object: a large set has many
        sizes.reserve(objects.size());
        for (const Resource &r : objects) {
            const bool kept = SecretMasker::appliesTo(r.key) || r.text.size() > std::numeric_limits<qint32>::max();
            sizes.push_back(kept ? kKeptInMemory : qint32(r.text.size()));
            if (!kept && m_file.write(r.text) != r.text.size())
                return false;
        }
        if (!m_file.flush())
            return false;
        for (size_t i = 0; i < objects.size(); ++i) {
            if (sizes[i] != kKeptInMemory)
                objects[i].text = QByteArray();
        }
        m_sizes = std::move(sizes);
        trimFreedMemory(); // the buffer the texts were slices of
        return true;
    }
    bool holdsTexts() const { return !m_sizes.empty(); }

    // ResourceSet::keepTexts, reading back the texts set aside. Errors: the file cannot be read.
    Status keepTexts(ResourceSet &set, const std::function<bool(const Resource &)> &keep)
    {
        if (!holdsTexts()) {
            set.keepTexts(keep);
            trimFreedMemory();
            return {};
        }
        const std::span<Resource> objects = set.ownObjects(); // still its own: nothing took it since
        qint64 offset = 0;
        for (size_t i = 0; i < objects.size(); ++i) {
            Resource &r = objects[i];
            const qint32 size = m_sizes[i];
            if (!keep(r)) {
                r.text = QByteArray();
            } else if (size == kKeptInMemory) { // a copy of its own
                r.text = QByteArray(r.text.constData(), r.text.size());
            } else {
                r.text = QByteArray(size, Qt::Uninitialized); // not read(size): it may grow it
                if (!m_file.seek(offset) || m_file.read(r.text.data(), size) != size)
                    return makeError(ErrorCategory::Io, QStringLiteral("cannot read back the text of %1 from %2: %3")
                                                            .arg(r.key.displayName(), m_file.fileName(), m_file.errorString()));
            }
            offset += size == kKeptInMemory ? 0 : size;
        }
        m_sizes = {};
        m_file.close();
        return {};
    }

private:
    static constexpr qint32 kKeptInMemory = -1; // a Secret's text (or one past 2 GiB)
    QTemporaryFile m_file;
    std::vector<qint32> m_sizes; // of each object's text in the file, in the set's order
};

// Whether a review of `app` reads 32 MiB of manifests or more at its two revisions: plain
// renders' files (what a tool writes is not known before it runs).
bool readsLargeInput(const git::Repository &repo, SourceRenderer &renderer, const git::Revision &base,
                     const git::Revision &head, const ApplicationConfig &app, const CancelToken &cancel)
{
    qint64 bytes = 0;
    for (const git::Revision *rev : {&base, &head}) {
        const auto read = renderer.plainInputBytes(repo, *rev, app, cancel);
        bytes += read ? *read : 0; // a side that cannot be read fails its render
    }
    return bytes >= kLargeInputBytes;
}

// For a large review: only the objects whose structural hashes differ (or that one side lacks)
// keep their texts, each a copy of its own (read back where set aside), so the two renders'
// buffers (each as large as its manifest) go before the diff; the others are unchanged without
// being read. Both sets are walked in key order, as the diff walks them. True for a large
// review; errors: a text set aside that cannot be read back.
Result<bool> keepOnlyTextsCompared(ResourceSet &base, TextsSetAside &baseAside, ResourceSet &head, TextsSetAside &headAside)
{
    qsizetype bytes = 0;
    for (const ResourceSet *set : {&base, &head}) {
        for (const Resource &r : *set)
            bytes += r.text.size();
    }
    if (bytes < kLargeInputBytes && !baseAside.holdsTexts() && !headAside.holdsTexts())
        return false;
    // The name of an object both sides hold, one string (each side's scan made its own), before
    // the texts compared come back.
    auto b = base.begin();
    for (Resource &r : head.ownObjects()) {
        while (b != base.end() && b->key < r.key)
            ++b;
        if (b != base.end() && b->key == r.key)
            r.key.name = b->key.name;
    }
    trimFreedMemory();
    // Each render's buffer goes back to the system before the next copies are made.
    if (Status s = baseAside.keepTexts(base, differsFrom(head)); !s)
        return s.error();
    if (Status s = headAside.keepTexts(head, differsFrom(base)); !s)
        return s.error();
    return true;
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
// `empty` collects the applications that rendered no object.
Result<ResourceSet> renderTogether(const git::Repository &repo, SourceRenderer &renderer, const git::Revision &rev,
                                   const QList<ApplicationConfig> &apps, const CancelToken &cancel, const QString &side,
                                   QStringList &empty)
{
    QList<Resource> all;
    QStringList notes;
    QHash<QString, QString> owner; // key → application
    for (const ApplicationConfig &app : apps) {
        auto set = renderOrEmpty(repo, renderer, rev, app, cancel, side);
        if (!set)
            return set.error();
        if (set->size() == 0)
            empty.append(app.name);
        for (const Resource &resource : *set) {
            const QString key = resource.key.toString();
            if (owner.contains(key))
                return makeError(ErrorCategory::Render, QStringLiteral("%1 is rendered by both %2 and %3")
                                                            .arg(resource.key.displayName(), owner.value(key), app.name));
            owner.insert(key, app.name);
            all.append(resource);
        }
        for (const QString &note : set->notes)
            notes.append(app.name + QStringLiteral(": ") + note);
    }
    auto set = ResourceSet::fromList(std::move(all)); // no key twice: each has one owner
    if (set)
        set->notes = notes;
    return set;
}

DiffOptions optionsFor(const QList<IgnoreRule> &ignore, const git::Revision &base, const git::Revision &head, DiffTexts texts)
{
    DiffOptions options;
    options.withText = texts == DiffTexts::Unified || texts == DiffTexts::UnifiedAndSides;
    options.withSides = texts == DiffTexts::UnifiedAndSides || texts == DiffTexts::OnDemand; // Secrets, up front
    options.withSecretTexts = texts == DiffTexts::OnDemand;
    options.ignore = ignore;
    options.baseLabel = base.displayName().toUtf8();
    options.headLabel = head.displayName().toUtf8();
    return options;
}

// The diff of two sets; for texts on demand it keeps the sets (objectTexts reads them), as
// reviewRevisions does.
Result<ResourceDiff> diffSets(ResourceSet base, ResourceSet head, const DiffOptions &options, DiffTexts texts,
                              const CancelToken &cancel)
{
    auto diff = diffResourceSets(base, head, options, cancel);
    if (diff && texts == DiffTexts::OnDemand)
        diff->source = std::make_shared<const DiffSource>(DiffSource{std::move(base), std::move(head), options});
    return diff;
}

// `base` with each object that is not in `head` by key, but whose group, kind and name appear
// exactly once in each set, moved to that namespace (parseTree follows the key's namespace).
ResourceSet alignNamespaces(const ResourceSet &base, const ResourceSet &head)
{
    QHash<QString, QList<const Resource *>> headByName, baseByName;
    const auto name = [](const ResourceKey &k) { return k.group + QLatin1Char('/') + k.kind + QLatin1Char('/') + k.name; };
    for (const Resource &r : head)
        headByName[name(r.key)].append(&r);
    for (const Resource &r : base)
        baseByName[name(r.key)].append(&r);
    QList<Resource> moved;
    moved.reserve(base.size());
    for (const Resource &r : base) {
        Resource &m = moved.emplace_back(r);
        const QList<const Resource *> &candidates = headByName.value(name(r.key));
        if (!head.find(r.key) && candidates.size() == 1 && baseByName.value(name(r.key)).size() == 1 && !r.key.ns.isEmpty())
            m.key.ns = candidates.first()->key.ns;
    }
    // A key taken twice keeps the first: the review still shows both sides.
    ResourceSet aligned = *ResourceSet::fromList(std::move(moved), ResourceSet::Duplicates::KeepFirst);
    aligned.notes = base.notes;
    return aligned;
}

} // namespace

Result<ReviewResult> reviewApplications(const git::Repository &repo, SourceRenderer &renderer, const QList<ApplicationConfig> &apps,
                                        const QString &baseSpec, const QString &headSpec, const CancelToken &cancel, DiffTexts texts)
{
    auto range = resolveRange(repo, baseSpec, headSpec);
    if (!range)
        return range.error();
    const auto &[base, head] = *range;
    QStringList emptyAtBase, emptyAtHead;
    auto baseSet = renderTogether(repo, renderer, base, apps, cancel, QStringLiteral("base"), emptyAtBase);
    if (!baseSet)
        return baseSet.error();
    auto headSet = renderTogether(repo, renderer, head, apps, cancel, QStringLiteral("head"), emptyAtHead);
    if (!headSet)
        return headSet.error();
    QList<IgnoreRule> ignore;
    for (const ApplicationConfig &app : apps)
        ignore.append(app.ignore);
    auto diff = diffSets(std::move(*baseSet), std::move(*headSet), optionsFor(ignore, base, head, texts), texts, cancel);
    if (!diff)
        return diff.error();
    for (const QString &name : std::as_const(emptyAtBase)) {
        if (emptyAtHead.contains(name))
            diff->notes.append(QStringLiteral("warning: %1 renders no objects at either revision").arg(name));
    }
    return ReviewResult{base, head, std::move(*diff)};
}

Result<ReviewResult> compareApplications(const git::Repository &repo, SourceRenderer &renderer, const ApplicationConfig &baseApp,
                                         const QString &baseSpec, const ApplicationConfig &headApp, const QString &headSpec,
                                         const CancelToken &cancel, DiffTexts texts)
{
    auto range = resolveRange(repo, baseSpec, headSpec);
    if (!range)
        return range.error();
    const auto &[base, head] = *range;
    auto baseSet = renderOrEmpty(repo, renderer, base, baseApp, cancel, QStringLiteral("base"));
    if (!baseSet)
        return baseSet.error();
    auto headSet = renderOrEmpty(repo, renderer, head, headApp, cancel, QStringLiteral("head"));
    if (!headSet)
        return headSet.error();
    const bool nothing = baseSet->size() == 0 && headSet->size() == 0;
    git::Revision baseNamed = base, headNamed = head;
    baseNamed.spec = baseApp.name + QLatin1Char('@') + base.spec;
    headNamed.spec = headApp.name + QLatin1Char('@') + head.spec;
    ResourceSet aligned = alignNamespaces(*baseSet, *headSet);
    auto diff = diffSets(std::move(aligned), std::move(*headSet),
                         optionsFor(baseApp.ignore + headApp.ignore, baseNamed, headNamed, texts), texts, cancel);
    if (!diff)
        return diff.error();
    if (nothing)
        diff->notes.append(QStringLiteral("warning: %1 and %2 render no objects").arg(baseApp.name, headApp.name));
    return ReviewResult{baseNamed, headNamed, std::move(*diff)};
}

Result<ReviewResult> reviewRevisions(const git::Repository &repo, SourceRenderer &renderer,
                                     const ApplicationConfig &app, const QString &baseSpec, const QString &headSpec,
                                     const CancelToken &cancel, DiffTexts texts)
{
    auto range = resolveRange(repo, baseSpec, headSpec);
    if (!range)
        return range.error();
    const auto &[base, head] = *range;
    const DiffOptions options = optionsFor(app.ignore, base, head, texts);
    // The same review asked again is read back whole (keyed by both renders' keys and the
    // options); texts on demand need the renders all the same.
    QString reviewKey;
    const auto baseKey = renderer.cacheKey(repo, base, app, cancel);
    const auto headKey = renderer.cacheKey(repo, head, app, cancel);
    if (baseKey && headKey)
        reviewKey = QStringLiteral("review\n%1\n%2\n%3").arg(*baseKey, *headKey, diffOptionsIdentity(options));
    const auto cachedReview = [&]() -> std::optional<ResourceDiff> {
        auto bytes = reviewKey.isEmpty() ? std::nullopt : renderer.cache().findData(reviewKey);
        return bytes ? resourceDiffFromBytes(*bytes) : std::nullopt;
    };
    if (texts != DiffTexts::OnDemand) {
        if (auto diff = cachedReview())
            return ReviewResult{base, head, std::move(*diff)};
    }
    // A side without the path renders as empty (a base from before the application existed shows
    // it all as added, a head after its removal all as removed). Both render at once (a render is
    // mostly waiting for kustomize or helm), the base on its own repository handle: a handle
    // serves one thread. A large review renders one side after the other, each side's texts set
    // aside once it is rendered: one manifest's buffer at a time.
    std::optional<Result<ResourceSet>> baseSet;
    Result<ResourceSet> headSet = ResourceSet();
    TextsSetAside baseAside, headAside;
    if (texts != DiffTexts::OnDemand && readsLargeInput(repo, renderer, base, head, app, cancel)) {
        baseSet = renderOrEmpty(repo, renderer, base, app, cancel, QStringLiteral("base"));
        if (*baseSet)
            baseAside.setAside(**baseSet);
        headSet = renderOrEmpty(repo, renderer, head, app, cancel, QStringLiteral("head"));
        if (headSet)
            headAside.setAside(*headSet);
    } else {
        std::thread baseThread([&, &base = base] { // clang 14 cannot capture a structured binding
            auto own = git::Repository::open(repo.path());
            baseSet = own ? renderOrEmpty(*own, renderer, base, app, cancel, QStringLiteral("base")) : Result<ResourceSet>(own.error());
        });
        headSet = renderOrEmpty(repo, renderer, head, app, cancel, QStringLiteral("head"));
        baseThread.join();
    }
    if (!headSet)
        return headSet.error();
    if (!*baseSet)
        return baseSet->error();
    std::optional<ResourceDiff> cached = texts == DiffTexts::OnDemand ? cachedReview() : std::nullopt;
    // The window shows an unchanged object's text too. A large review lets go of each text it
    // kept once compared: its diff texts grow as they go.
    Result<bool> large = false;
    if (texts != DiffTexts::OnDemand)
        large = keepOnlyTextsCompared(**baseSet, baseAside, *headSet, headAside);
    if (!large)
        return large.error();
    auto diff = cached   ? Result<ResourceDiff>(std::move(*cached))
                : *large ? diffResourceSetsLettingGoOfTexts(**baseSet, *headSet, options, cancel)
                        : diffResourceSets(**baseSet, *headSet, options, cancel);
    if (!diff)
        return diff.error();
    if (!cached)
        warnIfNothingRendered(app.name, **baseSet, *headSet, *diff);
    if (texts == DiffTexts::OnDemand)
        diff->source = std::make_shared<const DiffSource>(DiffSource{std::move(**baseSet), std::move(*headSet), options});
    baseSet.reset(); // the texts are written: a large review's renders go before its cache entry is
    headSet = ResourceSet();
    if (!cached && !reviewKey.isEmpty())
        renderer.cache().storeData(reviewKey, [&diff](StreamWriter &out) { writeResourceDiff(out, *diff); });
    return ReviewResult{base, head, std::move(*diff)};
}

Result<ReviewResult> reviewCommit(const git::Repository &repo, SourceRenderer &renderer, const ApplicationConfig &app,
                                  const QString &commitId, const CancelToken &cancel, DiffTexts texts)
{
    auto head = repo.resolve(commitId);
    if (!head)
        return head.error();
    auto parentId = repo.firstParent(head->commitId);
    if (!parentId)
        return parentId.error();
    // As in reviewRevisions, a side without the path is empty (Pending and Review agree).
    auto headSet = renderOrEmpty(repo, renderer, *head, app, cancel, QStringLiteral("head"));
    if (!headSet)
        return headSet.error();
    git::Revision base{*parentId, *parentId, false};
    Result<ResourceSet> baseSet = parentId->isEmpty() ? Result<ResourceSet>(ResourceSet())
                                                      : renderOrEmpty(repo, renderer, base, app, cancel, QStringLiteral("base"));
    if (!baseSet)
        return baseSet.error();
    DiffOptions options = optionsFor(app.ignore, base, *head, texts);
    options.baseLabel = parentId->isEmpty() ? QByteArray("(no parent)") : parentId->left(7).toUtf8();
    options.headLabel = head->commitId.left(7).toUtf8();
    auto diff = diffResourceSets(*baseSet, *headSet, options, cancel);
    if (!diff)
        return diff.error();
    warnIfNothingRendered(app.name, *baseSet, *headSet, *diff);
    if (texts == DiffTexts::OnDemand)
        diff->source = std::make_shared<const DiffSource>(DiffSource{std::move(*baseSet), std::move(*headSet), options});
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

// What a commit changes, from its render and its first parent's.
static CommitChanges changesOf(const git::CommitInfo &commit, const Result<ResourceSet> &before, const Result<ResourceSet> &after,
                               const ApplicationConfig &app, const CancelToken &cancel)
{
    CommitChanges entry{commit, {}, {}};
    if (!after || !before) {
        entry.error = (!after ? after.error() : before.error()).toString();
        return entry;
    }
    DiffOptions diffOptions;
    diffOptions.ignore = app.ignore;
    diffOptions.withText = false;
    auto diff = diffResourceSets(*before, *after, diffOptions, cancel);
    if (!diff) {
        entry.error = diff.error().toString();
        return entry;
    }
    for (const ObjectDiff &o : diff->objects) {
        if (o.change != ChangeKind::Unchanged)
            entry.changedKeys.append(o.key);
    }
    return entry;
}

Result<QList<CommitChanges>> pendingCommitChanges(const git::Repository &repo, SourceRenderer &renderer,
                                                  const ApplicationConfig &app, const QString &baseSpec,
                                                  const QString &headSpec, bool firstParent,
                                                  const CancelToken &cancel, const CommitChangesFn &onCommit)
{
    git::Revision base; // none: the whole history (an application never synced, as the Pending tab lists it)
    if (!baseSpec.isEmpty()) {
        auto resolved = repo.resolve(baseSpec);
        if (!resolved)
            return resolved.error();
        base = *resolved;
    }
    auto resolvedHead = repo.resolve(headSpec);
    if (!resolvedHead)
        return resolvedHead.error();
    const git::Revision head = *resolvedHead;
    if (base.worktree || head.worktree)
        return makeError(ErrorCategory::Usage, QStringLiteral("the commit range needs commits, not WORKTREE"));
    git::CommitRangeOptions options;
    options.firstParent = firstParent;
    auto commits = repo.commitList(base.commitId, head.commitId, options, cancel);
    if (!commits)
        return commits.error();

    // 1. Which commits need renders (their input differs from their parent's), and the revisions
    // those need, one per distinct render input, newest first: a commit's render is its
    // child's parent side, and a parent unchanged since an older commit renders as that one.
    struct Pending
    {
        int after = -1;  // index into `revisions`; -1: the commit changes nothing
        int before = -1; // -1: a root commit (an empty parent side)
    };
    QList<Pending> pending;
    QStringList revisions;  // commit ids to render, one per distinct render input
    QHash<QString, int> byKey; // render cache key → index into `revisions`
    const auto need = [&](const QString &id, const Result<QString> &key) {
        if (key) {
            if (auto it = byKey.constFind(*key); it != byKey.constEnd())
                return *it;
            byKey.insert(*key, int(revisions.size()));
        }
        revisions.append(id);
        return int(revisions.size() - 1);
    };
    for (const git::CommitInfo &commit : *commits) {
        const git::Revision after{commit.id, commit.id, false};
        const git::Revision before{commit.id + QLatin1String("^"), commit.parentIds.value(0), false};
        auto afterKey = renderer.cacheKey(repo, after, app, cancel);
        auto beforeKey = before.commitId.isEmpty() ? Result<QString>(QString()) : renderer.cacheKey(repo, before, app, cancel);
        Pending p;
        if (!(afterKey && beforeKey && *afterKey == *beforeKey)) {
            p.after = need(commit.id, afterKey);
            p.before = before.commitId.isEmpty() ? -1 : need(before.commitId, beforeKey);
        }
        pending.append(p);
    }

    // 2. Render them on a few threads (each with its own repository handle); whoever finishes
    // one hands on every commit that became complete, in list order.
    const qsizetype count = commits->size();
    std::vector<std::optional<Result<ResourceSet>>> sets(static_cast<size_t>(revisions.size()));
    QList<CommitChanges> out;
    std::mutex mutex;
    qsizetype next = 0; // the next revision to render
    const auto ready = [&](int index) { return index < 0 || sets[size_t(index)].has_value(); };
    const auto work = [&](const git::Repository &handle) {
        while (!cancel.isCancelled()) {
            qsizetype i = 0;
            {
                std::lock_guard lock(mutex);
                if (next >= revisions.size())
                    return;
                i = next++;
            }
            auto set = renderOrEmpty(handle, renderer, git::Revision{revisions.at(i), revisions.at(i), false}, app, cancel);
            std::lock_guard lock(mutex);
            sets[size_t(i)] = std::move(set);
            while (out.size() < count && ready(pending.at(out.size()).after) && ready(pending.at(out.size()).before)) {
                const Pending &p = pending.at(out.size());
                const git::CommitInfo &commit = commits->at(out.size());
                out.append(p.after < 0 ? CommitChanges{commit, {}, {}}
                                       : changesOf(commit, p.before < 0 ? Result<ResourceSet>(ResourceSet()) : *sets[size_t(p.before)],
                                                   *sets[size_t(p.after)], app, cancel));
                if (onCommit)
                    onCommit(out.last());
            }
        }
    };
    // Commits that change nothing before the first render (or when nothing renders at all).
    {
        std::lock_guard lock(mutex);
        while (out.size() < count && pending.at(out.size()).after < 0) {
            out.append(CommitChanges{commits->at(out.size()), {}, {}});
            if (onCommit)
                onCommit(out.last());
        }
    }
    std::vector<std::thread> helpers;
    const int threads = int(qMin<qsizetype>(qBound(1, QThread::idealThreadCount(), 4), revisions.size()));
    for (int t = 1; t < threads; ++t) {
        helpers.emplace_back([&] {
            if (auto own = git::Repository::open(repo.path()))
                work(*own); // else the calling thread does it all
        });
    }
    work(repo);
    for (std::thread &helper : helpers)
        helper.join();
    if (cancel.isCancelled())
        return makeError(ErrorCategory::Cancelled, QStringLiteral("listing commits was cancelled"));
    return out;
}

} // namespace sluice
