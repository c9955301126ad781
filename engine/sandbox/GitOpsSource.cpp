#include "GitOpsSource.h"

#include "git/Repository.h"

#include <QDir>
#include <QUrl>

namespace sluice::sandbox {

namespace {

QString field(const QJsonObject &object, const char *name)
{
    return object.value(QLatin1String(name)).toString();
}

Error sourceError(const QString &url, const QString &why)
{
    return makeError(ErrorCategory::Git, QStringLiteral("failed to checkout and determine revision: unable to clone '%1': %2; %3")
                                             .arg(url, why, kLocalOnlyNote));
}

Result<git::Repository> openLocal(const QString &url)
{
    const std::optional<QString> path = localRepositoryPath(url);
    if (!path)
        return sourceError(url, QStringLiteral("it is not a local repository"));
    auto repo = git::Repository::open(*path);
    if (!repo)
        return sourceError(url, repo.error().message);
    return repo;
}

// The local branch HEAD is on ("main" before others), or "HEAD" when it is detached.
QString headBranch(const git::Repository &repo, const QString &headCommit)
{
    auto refs = repo.refs();
    if (!refs)
        return QStringLiteral("HEAD");
    QString found;
    for (const git::RefInfo &ref : *refs) {
        if (ref.kind != git::RefInfo::Kind::LocalBranch || ref.commitId != headCommit)
            continue;
        if (ref.shortName == QLatin1String("main") || ref.shortName == QLatin1String("master"))
            return ref.shortName;
        if (found.isEmpty())
            found = ref.shortName;
    }
    return found.isEmpty() ? QStringLiteral("HEAD") : found;
}

} // namespace

std::optional<QString> localRepositoryPath(const QString &url)
{
    const QString trimmed = url.trimmed();
    if (trimmed.startsWith(QLatin1String("file://"))) {
        const QString path = QUrl(trimmed).toLocalFile();
        return path.isEmpty() ? std::nullopt : std::optional<QString>(QDir::cleanPath(path));
    }
    if (QDir::isAbsolutePath(trimmed) && !trimmed.contains(QLatin1String("://")))
        return QDir::cleanPath(trimmed);
    return std::nullopt;
}

Result<SourceRevision> resolveGitRepository(const QJsonObject &spec)
{
    const QString url = field(spec, "url");
    auto repo = openLocal(url);
    if (!repo)
        return repo.error();
    const QJsonObject ref = spec.value(QLatin1String("ref")).toObject();
    const QString commit = field(ref, "commit"), name = field(ref, "name"), tag = field(ref, "tag"), branch = field(ref, "branch");
    if (commit.isEmpty() && name.isEmpty() && tag.isEmpty() && !field(ref, "semver").isEmpty())
        return sourceError(url, QStringLiteral("a semver ref (%1) is not simulated; use a branch, tag or commit").arg(field(ref, "semver")));

    QString lookup, label;
    if (!commit.isEmpty()) {
        lookup = commit;
        label = branch;
    } else if (!name.isEmpty()) {
        lookup = label = name;
    } else if (!tag.isEmpty()) {
        lookup = QStringLiteral("refs/tags/") + tag;
        label = tag;
    } else if (!branch.isEmpty()) {
        lookup = QStringLiteral("refs/heads/") + branch;
        label = branch;
    } else if (repo->resolve(QStringLiteral("refs/heads/master"))) {
        lookup = QStringLiteral("refs/heads/master");
        label = QStringLiteral("master");
    } else {
        lookup = QStringLiteral("HEAD");
    }
    auto resolved = repo->resolve(lookup);
    if (!resolved)
        return sourceError(url, QStringLiteral("couldn't find remote ref \"%1\"").arg(lookup));
    SourceRevision out;
    out.commit = resolved->commitId;
    if (lookup == QLatin1String("HEAD"))
        label = headBranch(*repo, out.commit);
    out.revision = (label.isEmpty() ? QString() : label + QLatin1Char('@')) + QStringLiteral("sha1:") + out.commit;
    return out;
}

QString commitOfRevision(const QString &revision)
{
    const qsizetype at = revision.lastIndexOf(QLatin1String("sha1:"));
    if (at < 0)
        return {};
    const QString commit = revision.mid(at + 5);
    return commit.size() == 40 ? commit : QString();
}

Result<QString> resolveArgoSource(const QJsonObject &source)
{
    const QString url = field(source, "repoURL");
    auto repo = openLocal(url);
    if (!repo)
        return repo.error();
    QString target = field(source, "targetRevision");
    if (target.isEmpty())
        target = QStringLiteral("HEAD");
    auto resolved = repo->resolve(target);
    if (!resolved)
        return sourceError(url, QStringLiteral("unable to resolve '%1' to a commit SHA").arg(target));
    return resolved->commitId;
}

} // namespace sluice::sandbox
