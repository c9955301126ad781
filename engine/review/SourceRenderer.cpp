#include "SourceRenderer.h"

#include "KustomizeInputs.h"

#include "render/Renderer.h"

#include <QDir>
#include <QTemporaryDir>

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
    QTemporaryDir tmp;
    if (!tmp.isValid())
        return makeError(ErrorCategory::Io, QStringLiteral("cannot create a temporary directory: %1").arg(tmp.errorString()));
    if (Status s = repo.materialize(rev, app.path, tmp.path(), cancel); !s)
        return s.error();
    const RendererKind kind = detectRenderer(tmp.path());
    m_cache.storeText(key, rendererName(kind));
    return kind;
}

Result<QString> SourceRenderer::cacheKey(const git::Repository &repo, const git::Revision &rev,
                                         const ApplicationConfig &app, const CancelToken &cancel)
{
    auto kind = resolveRenderer(repo, rev, app, cancel);
    if (!kind)
        return kind.error();
    // Kustomize reads outside its path: what it can reach when that is known (a commit changing
    // none of it renders the same), else the whole repository.
    std::optional<QString> reached;
    if (*kind == RendererKind::Kustomize)
        reached = kustomizeInputId(repo, rev, app.path);
    auto contentId = reached ? Result<QString>(QStringLiteral("reach:") + *reached)
                             : repo.contentId(rev, readsOutsidePath(*kind) ? QString() : app.path);
    if (!contentId)
        return contentId.error();
    RenderOptions options = app.render;
    options.renderer = *kind;
    // The path is part of the key: one root tree renders differently at different paths.
    return RenderCache::makeKey(*contentId + QLatin1Char(':') + app.path, options.identity(),
                                toolIdentity(*kind, options.tools));
}

Result<ResourceSet> SourceRenderer::render(const git::Repository &repo, const git::Revision &rev,
                                           const ApplicationConfig &app, const CancelToken &cancel)
{
    auto key = cacheKey(repo, rev, app, cancel);
    if (!key)
        return key.error().prefixed(QStringLiteral("render of %1 at %2").arg(app.name, rev.displayName()));
    if (auto cached = m_cache.find(*key))
        return std::move(*cached);

    auto kind = resolveRenderer(repo, rev, app, cancel);
    if (!kind)
        return kind.error();
    QTemporaryDir tmp;
    if (!tmp.isValid())
        return makeError(ErrorCategory::Io, QStringLiteral("cannot create a temporary directory: %1").arg(tmp.errorString()));
    const bool wholeRepo = readsOutsidePath(*kind);
    if (Status s = repo.materialize(rev, wholeRepo ? QString() : app.path, tmp.path(), cancel); !s)
        return s.error().prefixed(QStringLiteral("render of %1 at %2").arg(app.name, rev.displayName()));
    const QString dir = wholeRepo ? QDir(tmp.path()).filePath(app.path) : tmp.path();

    RenderOptions options = app.render;
    options.renderer = *kind;
    options.repoRoot = wholeRepo ? tmp.path() : QString();
    auto set = renderDirectory(dir, app.path, options, cancel);
    if (!set)
        return set.error();
    m_cache.store(*key, *set);
    return set;
}

} // namespace sluice
