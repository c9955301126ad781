#include "Repository.h"

#include <QRegularExpression>

#include "RepositoryPrivate.h"
#include "core/Log.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>

#include <algorithm>

// Opening, refs, revisions. The commit walk lives in CommitWalk.cpp, the tree reader in
// Materialize.cpp.

static_assert(sluice::git::kErrorNotFound == GIT_ENOTFOUND, "kErrorNotFound mirrors libgit2");

namespace sluice::git {

bool normalizeSubPath(const QString &in, QString *out)
{
    QString p = in.trimmed();
    if (p.startsWith(QLatin1Char('/')))
        return false;
    p = QDir::cleanPath(p);
    if (p == QLatin1String(".") || p.isEmpty()) {
        out->clear();
        return true;
    }
    if (p == QLatin1String("..") || p.startsWith(QLatin1String("../")))
        return false;
    *out = p;
    return true;
}

QString Revision::displayName() const
{
    if (worktree)
        return kWorktree;
    const QString shortId = commitId.left(7);
    if (spec.isEmpty() || commitId.startsWith(spec, Qt::CaseInsensitive))
        return shortId;
    return QStringLiteral("%1 (%2)").arg(spec, shortId);
}

Repository::Repository(std::unique_ptr<Private> dd) : d(std::move(dd)) {}
Repository::Repository(Repository &&) noexcept = default;
Repository &Repository::operator=(Repository &&) noexcept = default;
Repository::~Repository() = default;

Result<Repository> Repository::open(const QString &path)
{
    ensureLibgit2();
    git_repository *raw = nullptr;
    const QByteArray native = QFile::encodeName(path);
    const int rc =
        git_repository_open_ext(&raw, native.constData(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr);
    if (rc < 0) {
        Error e =
            makeError(ErrorCategory::Git, QStringLiteral("not a git repository: %1").arg(path),
                      lastGitMessage(), rc);
        return e;
    }
    auto d = std::make_unique<Private>();
    d->repo.reset(raw);
    d->path = path;
    qCDebug(lcGit) << "opened" << path << (git_repository_is_bare(raw) ? "(bare)" : "");
    return Repository(std::move(d));
}

QString Repository::path() const
{
    return d->path;
}

bool Repository::isBare() const
{
    return git_repository_is_bare(d->repo.get());
}

QString Repository::workdir() const
{
    const char *wd = git_repository_workdir(d->repo.get());
    return wd ? QFile::decodeName(wd) : QString();
}

namespace {

// "pull/12/head" → 12 style natural order: digit runs compare by value.
bool naturalLess(const QString &a, const QString &b)
{
    qsizetype i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        if (a[i].isDigit() && b[j].isDigit()) {
            qsizetype ie = i, je = j;
            while (ie < a.size() && a[ie].isDigit())
                ++ie;
            while (je < b.size() && b[je].isDigit())
                ++je;
            const QStringView da = QStringView(a).mid(i, ie - i);
            const QStringView db = QStringView(b).mid(j, je - j);
            const qlonglong na = da.toLongLong(), nb = db.toLongLong();
            if (na != nb)
                return na < nb;
            i = ie;
            j = je;
            continue;
        }
        if (a[i] != b[j])
            return a[i] < b[j];
        ++i;
        ++j;
    }
    return a.size() - i < b.size() - j;
}

// Classifies a full ref name; returns false for refs Sluice does not list (remote HEADs).
bool classify(const QString &name, RefInfo *info)
{
    static const QLatin1String heads("refs/heads/"), remotes("refs/remotes/"), tags("refs/tags/"),
        pull("refs/pull/"), mr("refs/merge-requests/"), head("/head");
    info->name = name;
    if (name.startsWith(heads)) {
        info->kind = RefInfo::Kind::LocalBranch;
        info->shortName = name.mid(heads.size());
    } else if (name.startsWith(remotes)) {
        if (name.endsWith(QLatin1String("/HEAD")))
            return false;
        info->kind = RefInfo::Kind::RemoteBranch;
        info->shortName = name.mid(remotes.size());
    } else if (name.startsWith(tags)) {
        info->kind = RefInfo::Kind::Tag;
        info->shortName = name.mid(tags.size());
    } else if ((name.startsWith(pull) || name.startsWith(mr)) && name.endsWith(head)) {
        const bool isPull = name.startsWith(pull);
        const qsizetype prefix = isPull ? pull.size() : mr.size();
        const QString number = name.mid(prefix, name.size() - prefix - head.size());
        bool numeric = false;
        number.toULongLong(&numeric);
        if (!numeric) {
            info->kind = RefInfo::Kind::Other;
            info->shortName = name.mid(5);
            return true;
        }
        info->kind = isPull ? RefInfo::Kind::PullRequest : RefInfo::Kind::MergeRequest;
        info->shortName =
            (isPull ? QStringLiteral("pull/") : QStringLiteral("merge-requests/")) + number;
    } else {
        info->kind = RefInfo::Kind::Other;
        info->shortName = name.startsWith(QLatin1String("refs/")) ? name.mid(5) : name;
    }
    return true;
}

} // namespace

Result<QList<RefInfo>> Repository::refs() const
{
    git_reference_iterator *rawIter = nullptr;
    if (git_reference_iterator_new(&rawIter, d->repo.get()) < 0)
        return gitError(QStringLiteral("cannot list the refs of %1").arg(d->path));
    ReferenceIteratorHandle iter(rawIter);

    QList<RefInfo> out;
    git_reference *rawRef = nullptr;
    int rc = 0;
    while ((rc = git_reference_next(&rawRef, iter.get())) == 0) {
        ReferenceHandle ref(rawRef);
        RefInfo info;
        if (!classify(QString::fromUtf8(git_reference_name(ref.get())), &info))
            continue;
        git_object *peeled = nullptr;
        if (git_reference_peel(&peeled, ref.get(), GIT_OBJECT_COMMIT) < 0) {
            // A dangling symbolic ref or a tag of a tree/blob: nothing to review there.
            qCDebug(lcGit) << "skipping ref" << info.name << lastGitMessage();
            continue;
        }
        ObjectHandle commit(peeled);
        info.commitId = oidToString(*git_object_id(commit.get()));
        out.append(std::move(info));
    }
    if (rc != GIT_ITEROVER)
        return gitError(QStringLiteral("cannot list the refs of %1").arg(d->path), rc);

    std::sort(out.begin(), out.end(), [](const RefInfo &a, const RefInfo &b) {
        if (a.kind != b.kind)
            return a.kind < b.kind;
        return naturalLess(a.name, b.name);
    });
    return out;
}

Result<Revision> Repository::resolve(const QString &spec) const
{
    Revision rev;
    rev.spec = spec;
    if (spec == kWorktree) {
        if (isBare())
            return makeError(ErrorCategory::Git,
                             QStringLiteral("%1 has no working tree: %2 is a bare repository")
                                 .arg(kWorktree, d->path));
        rev.worktree = true;
        return rev;
    }
    git_object *raw = nullptr;
    int rc = spec.trimmed().isEmpty() ? GIT_ENOTFOUND
                                      : git_revparse_single(&raw, d->repo.get(), spec.toUtf8().constData());
    // "pull/7" and "merge-requests/3" name refs/pull/7/head and refs/merge-requests/3/head, as
    // refs() shows them ("pull/7~1" too), unless a branch or tag has that name.
    static const QRegularExpression reviewRef(QStringLiteral("^(pull|merge-requests)/(\\d+)(?=$|[~^@])"));
    if (rc == GIT_ENOTFOUND && reviewRef.match(spec).hasMatch()) {
        const QString expanded = QString(spec).replace(reviewRef, QStringLiteral("refs/\\1/\\2/head"));
        rc = git_revparse_single(&raw, d->repo.get(), expanded.toUtf8().constData());
    }
    if (rc < 0) {
        const QString why = spec.trimmed().isEmpty() ? QString() : lastGitMessage();
        return makeError(ErrorCategory::Git,
                         QStringLiteral("unknown revision '%1' in %2").arg(spec, d->path), why,
                         GIT_ENOTFOUND);
    }
    ObjectHandle obj(raw);
    git_object *peeled = nullptr;
    if (git_object_peel(&peeled, obj.get(), GIT_OBJECT_COMMIT) < 0)
        return makeError(ErrorCategory::Git,
                         QStringLiteral("revision '%1' in %2 is not a commit").arg(spec, d->path),
                         lastGitMessage());
    ObjectHandle commit(peeled);
    rev.commitId = oidToString(*git_object_id(commit.get()));
    return rev;
}

Result<QString> Repository::firstParent(const QString &commitId) const
{
    git_oid oid;
    if (!oidFromString(&oid, commitId))
        return makeError(ErrorCategory::Git,
                         QStringLiteral("'%1' is not a full commit id").arg(commitId));
    git_commit *raw = nullptr;
    if (git_commit_lookup(&raw, d->repo.get(), &oid) < 0)
        return gitError(QStringLiteral("unknown commit %1 in %2").arg(commitId, d->path));
    CommitHandle commit(raw);
    if (git_commit_parentcount(commit.get()) == 0)
        return QString();
    return oidToString(*git_commit_parent_id(commit.get(), 0));
}

QStringList Repository::remoteUrls() const
{
    git_strarray names{};
    if (git_remote_list(&names, d->repo.get()) < 0)
        return {};
    QStringList urls;
    for (size_t i = 0; i < names.count; ++i) {
        git_remote *remote = nullptr;
        if (git_remote_lookup(&remote, d->repo.get(), names.strings[i]) < 0)
            continue;
        if (const char *url = git_remote_url(remote)) {
            if (qstrcmp(names.strings[i], "origin") == 0)
                urls.prepend(QString::fromUtf8(url));
            else
                urls.append(QString::fromUtf8(url));
        }
        git_remote_free(remote);
    }
    git_strarray_dispose(&names);
    return urls;
}

Result<QList<CommitInfo>> Repository::commitList(const QString &baseCommit,
                                                 const QString &headCommit,
                                                 const CommitRangeOptions &options,
                                                 const CancelToken &cancel) const
{
    QList<CommitInfo> all;
    CommitRangeOptions opts = options;
    opts.firstBatchSize = std::max(opts.firstBatchSize, 1000);
    opts.batchSize = std::max(opts.batchSize, 4000);
    const Status status = commitRange(
        baseCommit, headCommit, opts,
        [&all](const QList<CommitInfo> &batch) {
            all.append(batch);
            return true;
        },
        cancel);
    if (!status)
        return status.error();
    return all;
}

} // namespace sluice::git
