#include "SourceRenderer.h"

#include "render/Renderer.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

#include <algorithm>

namespace sluice {

Result<git::Repository> openApplicationRepository(const ApplicationConfig &app, const git::FetchOptions &fetch)
{
    if (!app.repoPath.isEmpty())
        return git::Repository::open(app.repoPath);
    const QString mirror = git::mirrorPathFor(app.repo, fetch.cacheRoot);
    if (!QDir(mirror).exists()) {
        auto fetched = git::fetchMirror(app.repo, fetch);
        if (!fetched)
            return fetched.error();
    }
    return git::Repository::open(mirror);
}

namespace {

// Writes the directories and files a kustomize build reaches into `root`, at their repository paths.
Status writeInputs(const git::Repository &repo, const git::Revision &rev, const KustomizeInputs &inputs, const QString &root,
                   const CancelToken &cancel)
{
    for (const QString &dir : inputs.dirs) {
        const QString dest = QDir(root).filePath(dir);
        if (!QDir().mkpath(dest))
            return makeError(ErrorCategory::Io, QStringLiteral("cannot create %1").arg(dest));
        SLUICE_TRY(repo.materialize(rev, dir, dest, cancel));
    }
    for (const QString &file : inputs.files) {
        auto object = repo.object(rev, file);
        if (!object)
            return object.error();
        const QString dest = QDir(root).filePath(file);
        QDir().mkpath(QFileInfo(dest).path());
        QFile out(dest);
        if (!out.open(QIODevice::WriteOnly) || out.write(object->content) != object->content.size())
            return makeError(ErrorCategory::Io, QStringLiteral("cannot write %1: %2").arg(dest, out.errorString()));
    }
    return {};
}

// An error (code git::kErrorNotFound) when the application's path does not exist at `rev`, for
// every renderer alike (a kustomize build would fail on it in its own words). Other lookup
// failures are left to the render, which says more.
Status pathExists(const git::Repository &repo, const git::Revision &rev, const QString &path)
{
    const QString clean = QDir::cleanPath(path.isEmpty() ? QStringLiteral(".") : path);
    if (clean == QLatin1String("."))
        return {};
    if (rev.worktree) {
        if (repo.workdir().isEmpty() || QFileInfo::exists(QDir(repo.workdir()).filePath(clean)))
            return {};
        return makeError(ErrorCategory::Git, QStringLiteral("path %1 does not exist in the working tree").arg(elideMiddle(clean)), {},
                         git::kErrorNotFound);
    }
    auto object = repo.object(rev, clean);
    if (!object && object.error().code == git::kErrorNotFound)
        return object.error();
    return {};
}

} // namespace

Result<RendererKind> SourceRenderer::resolveRenderer(const git::Repository &repo, const git::Revision &rev,
                                                     const ApplicationConfig &app, const CancelToken &cancel)
{
    if (app.render.renderer != RendererKind::Auto)
        return app.render.renderer;
    if (!app.render.helm.chart.isEmpty())
        return RendererKind::Helm; // a chart from a chart repository; the path holds its values
    auto pathId = repo.contentId(rev, app.path);
    if (!pathId)
        return pathId.error();
    const QString key = QStringLiteral("renderer-of|") + *pathId;
    if (auto known = m_cache.findText(key)) {
        if (auto kind = parseRendererName(*known))
            return *kind;
    }
    QList<git::Repository::RefusedLink> refused; // only the top level's names matter here
    auto files = repo.readFiles(rev, app.path, [](const QString &) { return false; }, &refused, cancel);
    if (!files)
        return files.error();
    const RendererKind kind = detectRenderer([&](const QString &name) {
        return std::any_of(files->cbegin(), files->cend(), [&](const FileBytes &file) { return file.path == name; });
    });
    m_cache.storeText(key, rendererName(kind));
    return kind;
}

Result<SourceRenderer::Plan> SourceRenderer::plan(const git::Repository &repo, const git::Revision &rev,
                                                  const ApplicationConfig &app, const CancelToken &cancel)
{
    auto kind = resolveRenderer(repo, rev, app, cancel);
    if (!kind)
        return kind.error();
    Plan plan;
    plan.kind = *kind;
    // Kustomize reads outside its path: what it can reach when that is known (a commit changing
    // none of it renders the same), else the whole repository.
    if (*kind == RendererKind::Kustomize)
        plan.reached = kustomizeInputs(repo, rev, app.path);
    auto contentId = plan.reached ? Result<QString>(QStringLiteral("reach:") + plan.reached->id)
                                  : repo.contentId(rev, readsOutsidePath(*kind) ? QString() : app.path);
    if (!contentId)
        return contentId.error();
    plan.contentId = *contentId;
    RenderOptions options = app.render;
    options.renderer = *kind;
    // The path is part of the key: one root tree renders differently at different paths.
    plan.key = RenderCache::makeKey(*contentId + QLatin1Char(':') + app.path, options.identity(), toolIdentityOf(*kind, options.tools));
    return plan;
}

QString SourceRenderer::toolIdentityOf(RendererKind kind, const ToolPaths &tools)
{
    const QString key = QStringList{rendererName(kind), tools.kustomize, tools.kubectl, tools.helm}.join(QLatin1Char('\n'));
    std::lock_guard lock(m_toolsMutex);
    auto it = m_toolIdentities.find(key);
    if (it == m_toolIdentities.end())
        it = m_toolIdentities.insert(key, toolIdentity(kind, tools));
    return *it;
}

Result<QString> SourceRenderer::cacheKey(const git::Repository &repo, const git::Revision &rev,
                                         const ApplicationConfig &app, const CancelToken &cancel)
{
    auto planned = plan(repo, rev, app, cancel);
    if (!planned)
        return planned.error();
    return planned->key;
}

Result<qint64> SourceRenderer::plainInputBytes(const git::Repository &repo, const git::Revision &rev,
                                               const ApplicationConfig &app, const CancelToken &cancel)
{
    auto kind = resolveRenderer(repo, rev, app, cancel);
    if (!kind)
        return kind.error();
    if (*kind != RendererKind::Plain)
        return 0;
    // Kept by the path's content id (a plain render keeps it too): reading every file's object
    // header is a tenth of reviewing two cached renders of a few hundred files. Not the working
    // tree's: its content id reads every file, its files' sizes are a stat each.
    QString key;
    if (!rev.worktree) {
        auto pathId = repo.contentId(rev, app.path);
        if (!pathId)
            return pathId.error();
        key = plainBytesKey(*pathId, app);
        bool known = false;
        if (const qint64 bytes = m_cache.findText(key).value_or(QString()).toLongLong(&known); known)
            return bytes;
    }
    auto bytes = repo.bytesOf(rev, app.path, [&](const QString &path) { return isPlainManifest(path, app.render.recurse); }, cancel);
    if (bytes && !key.isEmpty())
        m_cache.storeText(key, QString::number(*bytes));
    return bytes;
}

QString SourceRenderer::plainBytesKey(const QString &pathId, const ApplicationConfig &app)
{
    return QStringLiteral("plain-bytes|%1|%2").arg(pathId, app.render.recurse ? QStringLiteral("recurse") : QString());
}

Result<ResourceSet> SourceRenderer::render(const git::Repository &repo, const git::Revision &rev,
                                           const ApplicationConfig &app, const CancelToken &cancel)
{
    if (Status present = pathExists(repo, rev, app.path); !present)
        return present.error().prefixed(QStringLiteral("render of %1 at %2").arg(app.name, rev.displayName()));
    auto planned = plan(repo, rev, app, cancel);
    if (!planned)
        return planned.error().prefixed(QStringLiteral("render of %1 at %2").arg(app.name, rev.displayName()));
    if (auto cached = m_cache.find(planned->key))
        return std::move(*cached);
    RenderOptions options = app.render;
    options.renderer = planned->kind;
    const auto rendered = [&](Result<ResourceSet> set) -> Result<ResourceSet> {
        if (!set)
            return set.error().prefixed(QStringLiteral("render of %1 at %2").arg(app.name, rev.displayName()));
        m_cache.store(planned->key, *set);
        return set;
    };

    // Plain reads its files straight from git, not from a copy on disk.
    if (planned->kind == RendererKind::Plain) {
        auto files = repo.readFiles(rev, app.path, [&](const QString &path) { return isPlainManifest(path, options.recurse); }, nullptr, cancel);
        if (!files)
            return rendered(files.error());
        if (!rev.worktree) { // what plainInputBytes would find
            qint64 bytes = 0;
            for (const FileBytes &file : std::as_const(*files))
                bytes += file.bytes.size();
            m_cache.storeText(plainBytesKey(planned->contentId, app), QString::number(bytes));
        }
        return rendered(renderPlainFiles(*files, app.path, options, cancel));
    }

    QTemporaryDir tmp;
    if (!tmp.isValid())
        return makeError(ErrorCategory::Io, QStringLiteral("cannot create a temporary directory: %1").arg(tmp.errorString()));
    // The others may read outside their path (readsOutsidePath). Kustomize: only what the build
    // reaches, when known (not a large unrelated tree each time). A whole repository is copied
    // without the symlinks it cannot follow (broken, absolute, leaving it): the render refuses
    // one only where a build names it.
    QList<git::Repository::RefusedLink> refused;
    Status written = planned->reached ? writeInputs(repo, rev, *planned->reached, tmp.path(), cancel)
                                      : repo.materialize(rev, QString(), tmp.path(), &refused, cancel);
    if (!written)
        return rendered(written.error());
    const QString dir = QDir(tmp.path()).filePath(app.path);
    options.repoRoot = tmp.path();
    for (const git::Repository::RefusedLink &link : std::as_const(refused))
        options.refusedLinks.insert(link.path, link.reason);
    return rendered(renderDirectory(dir, app.path, options, cancel));
}

} // namespace sluice
