#pragma once

// The blocking half of the sandbox's simulated Flux and Argo CD controllers (FluxControllers.h,
// ArgoController.h): render a local repository at a commit with the engine's renderer, then
// apply the objects to the sandbox itself over HTTPS with the controller's field manager, and
// prune what a previous inventory had and the new render has not. Going through the HTTP API
// (not the store) gives the applied objects exactly what a real controller's writes give them:
// server-side apply ownership, validation, watch events.
//
// Thread: worker threads only. Every function blocks (materialize, the render tool, HTTP) and
// the sandbox serves the requests on its own thread, so calling one there would deadlock.

#include "kube/ApiDiscovery.h"
#include "kube/KubeClient.h"
#include "render/Renderer.h"

#include <QJsonObject>
#include <QList>

#include <functional>
#include <memory>

namespace sluice::sandbox {

// How the controllers reach the sandbox: its URL, CA and bearer token (a secret: never logged).
struct SandboxConnection
{
    QString server;
    QByteArray caPem;
    QByteArray token;
};

// A client for the sandbox at `connection`. Does not contact it.
Result<std::shared_ptr<kube::KubeClient>> connectToSandbox(const SandboxConnection &connection);

// One object a controller applied, as its inventory names it. `namespace_` is empty for
// cluster-scoped kinds.
struct ObjectRef
{
    QString group;
    QString version;
    QString kind;
    QString namespace_;
    QString name;

    friend bool operator==(const ObjectRef &, const ObjectRef &) = default;
};

// Error::code of renderCommit when the path does not exist at the commit.
inline constexpr int kPathNotFound = 404;

struct RenderedSource
{
    ResourceSet objects;
    RendererKind renderer = RendererKind::Plain; // what `Auto` resolved to
};

// Writes the repository at `repoPath` at `commit` into a scratch folder and renders `path` in it
// with `options` (`Auto` is detected in the path; repoRoot is set here). `path` is relative to
// the repository root ("./deploy", "/deploy" and "deploy" alike). Errors: a missing path (code
// kPathNotFound), git's and the renderer's.
Result<RenderedSource> renderCommit(const QString &repoPath, const QString &commit, const QString &path, RenderOptions options,
                                    const CancelToken &cancel);

// Edits an object before it is applied (labels, annotations); `ref` is where it goes.
using Decorate = std::function<void(QJsonObject &object, const ObjectRef &ref)>;

// Applies every object of `objects` with server-side apply (force, `fieldManager`):
// Namespaces first, then CustomResourceDefinitions, then the rest in key order, as Flux does.
// Stops at the first failure: "ConfigMap/shop/web apply failed: …". Returns what was applied,
// in order.
Result<QList<ObjectRef>> applyObjects(kube::KubeClient &client, kube::DiscoveryCache &discovery, const ResourceSet &objects,
                                      const QString &fieldManager, const Decorate &decorate, const CancelToken &cancel);

// The objects of `previous` that `current` no longer has, in reverse order (namespaces last).
QList<ObjectRef> staleObjects(const QList<ObjectRef> &previous, const QList<ObjectRef> &current);

// Deletes each of `stale` (background propagation) whose live object `owned` accepts; a gone
// object or an unserved kind is skipped. Errors: the first failed delete.
Status deleteObjects(kube::KubeClient &client, kube::DiscoveryCache &discovery, const QList<ObjectRef> &stale,
                     const std::function<bool(const QJsonObject &live)> &owned, const CancelToken &cancel);

} // namespace sluice::sandbox
