#pragma once

// Renders an application's source at a revision: content id → cache → materialize → render.

#include "KustomizeInputs.h"
#include "git/Mirror.h"
#include "git/Repository.h"
#include "render/RenderCache.h"
#include "workspace/Workspace.h"

#include <QHash>

#include <mutex>

namespace sluice {

// Opens the repository of an application: its local clone, or for a URL the cache mirror
// (cloned on first use; later fetches are explicit).
Result<git::Repository> openApplicationRepository(const ApplicationConfig &app, const git::FetchOptions &fetch = {});

class SourceRenderer
{
public:
    // `cache` must outlive the renderer; it may be shared between threads.
    explicit SourceRenderer(RenderCache &cache) : m_cache(cache) {}

    RenderCache &cache() const { return m_cache; }

    // The rendered desired set of `app` at `rev`. Renderers that read outside the path
    // (kustomize, helm) get the whole repository materialized and are keyed by its root tree;
    // plain renders only the path. Blocks; call from a worker thread; one thread per `repo`.
    // Errors name the application and the revision; a path that does not exist at `rev` is
    // an error with code git::kErrorNotFound whatever the renderer (reviews take it as empty).
    Result<ResourceSet> render(const git::Repository &repo, const git::Revision &rev, const ApplicationConfig &app,
                               const CancelToken &cancel = {});

    // The renderer `auto` picks for `app` at `rev` (cached by the path's content id).
    Result<RendererKind> resolveRenderer(const git::Repository &repo, const git::Revision &rev,
                                         const ApplicationConfig &app, const CancelToken &cancel = {});

    // The cache key of a render (empty on error): two revisions with equal keys render equally.
    Result<QString> cacheKey(const git::Repository &repo, const git::Revision &rev, const ApplicationConfig &app,
                             const CancelToken &cancel = {});

    // What a render of `app` at `rev` reads, in bytes, without reading it: the plain manifests'
    // sizes; 0 for a renderer that runs a tool (its output is not known before it runs).
    Result<qint64> plainInputBytes(const git::Repository &repo, const git::Revision &rev, const ApplicationConfig &app,
                                   const CancelToken &cancel = {});

private:
    // How a render goes: the renderer, what a kustomize build reaches (when known), the cache key.
    struct Plan
    {
        RendererKind kind = RendererKind::Plain;
        std::optional<KustomizeInputs> reached;
        QString contentId; // what the key is made of (plain: the path's tree)
        QString key;
    };
    Result<Plan> plan(const git::Repository &repo, const git::Revision &rev, const ApplicationConfig &app,
                      const CancelToken &cancel);
    // toolIdentity(), found once per renderer (one job): a search of PATH and a stat for every key
    // were a third of listing 120 pending commits' keys. Thread-safe.
    QString toolIdentityOf(RendererKind kind, const ToolPaths &tools);
    // Where plainInputBytes keeps what it found for the path of content id `pathId`.
    static QString plainBytesKey(const QString &pathId, const ApplicationConfig &app);

    RenderCache &m_cache;
    std::mutex m_toolsMutex;
    QHash<QString, QString> m_toolIdentities; // by kind and paths
};

} // namespace sluice
