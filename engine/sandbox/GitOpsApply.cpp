#include "GitOpsApply.h"

#include "git/Repository.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QTemporaryDir>

#include <algorithm>

namespace sluice::sandbox {

namespace {

QString cleanRepositoryPath(const QString &path)
{
    QString clean = QDir::cleanPath(path.trimmed());
    while (clean.startsWith(QLatin1Char('/')))
        clean.remove(0, 1);
    return clean.isEmpty() ? QStringLiteral(".") : clean;
}

// Flux's apply stages: Namespaces, then CRDs, then everything else.
int stageOf(const ResourceKey &key)
{
    if (key.group.isEmpty() && key.kind == QLatin1String("Namespace"))
        return 0;
    if (key.group == QLatin1String("apiextensions.k8s.io") && key.kind == QLatin1String("CustomResourceDefinition"))
        return 1;
    return 2;
}

QString versionOf(const QString &apiVersion)
{
    return apiVersion.contains(QLatin1Char('/')) ? apiVersion.section(QLatin1Char('/'), 1) : apiVersion;
}

QString describe(const ObjectRef &ref)
{
    return ref.namespace_.isEmpty() ? QStringLiteral("%1/%2").arg(ref.kind, ref.name)
                                    : QStringLiteral("%1/%2/%3").arg(ref.kind, ref.namespace_, ref.name);
}

// Applies one rendered object; returns where it went.
Result<ObjectRef> applyOne(kube::KubeClient &client, kube::DiscoveryCache &discovery, const Resource &resource,
                           const QString &fieldManager, const Decorate &decorate, const CancelToken &cancel)
{
    ObjectRef ref{resource.key.group, versionOf(resource.apiVersion), resource.key.kind, resource.key.ns, resource.key.name};
    auto object = resource.parseTree();
    if (!object)
        return object.error().prefixed(describe(ref));
    auto api = discovery.resourceFor(ref.group, ref.kind, ref.version, cancel);
    if (!api)
        return api.error().prefixed(QStringLiteral("%1 apply failed").arg(describe(ref)));
    QJsonObject metadata = object->value(QLatin1String("metadata")).toObject();
    if (!api->namespaced) {
        ref.namespace_.clear();
        metadata.remove(QStringLiteral("namespace"));
        object->insert(QStringLiteral("metadata"), metadata);
    } else if (ref.namespace_.isEmpty()) {
        return makeError(ErrorCategory::Kube, QStringLiteral("%1 namespace not specified").arg(describe(ref)));
    }
    if (decorate)
        decorate(*object, ref);
    const QString path = api->path(ref.namespace_, ref.name).path() + QStringLiteral("?fieldManager=%1&force=true").arg(fieldManager);
    auto applied = client.send({"PATCH", path, QJsonDocument(*object).toJson(QJsonDocument::Compact), "application/apply-patch+yaml"},
                               cancel);
    if (!applied)
        return applied.error().prefixed(QStringLiteral("%1 apply failed").arg(describe(ref)));
    return ref;
}

} // namespace

Result<std::shared_ptr<kube::KubeClient>> connectToSandbox(const SandboxConnection &connection)
{
    kube::ResolvedContext context;
    context.contextName = QStringLiteral("sluice-sandbox");
    context.clusterName = QStringLiteral("sluice-sandbox");
    context.userName = QStringLiteral("sluice-sandbox-gitops");
    context.server = connection.server;
    context.certificateAuthorityData = connection.caPem;
    context.token = QString::fromLatin1(connection.token);
    kube::ClientOptions options;
    options.maxConcurrent = 4;
    options.retries = 0; // loopback to ourselves: a failure is the sandbox stopping, not a flaky network
    options.userAgent = QStringLiteral("sluice-sandbox-gitops");
    return kube::KubeClient::create(context, options);
}

Result<RenderedSource> renderCommit(const QString &repoPath, const QString &commit, const QString &path, RenderOptions options,
                                    const CancelToken &cancel)
{
    auto repo = git::Repository::open(repoPath);
    if (!repo)
        return repo.error();
    auto rev = repo->resolve(commit);
    if (!rev)
        return rev.error();
    QTemporaryDir tree;
    if (!tree.isValid())
        return makeError(ErrorCategory::Io, QStringLiteral("cannot create a temporary directory: %1").arg(tree.errorString()));
    if (Status written = repo->materialize(*rev, QString(), tree.path(), cancel); !written)
        return written.error();
    const QString relative = cleanRepositoryPath(path);
    const QString dir = QDir(tree.path()).filePath(relative);
    if (!QFileInfo(dir).isDir())
        return makeError(ErrorCategory::Render, QStringLiteral("path '%1' does not exist at commit %2").arg(path, commit.left(12)), {},
                         kPathNotFound);
    options.repoRoot = tree.path();
    if (options.renderer == RendererKind::Auto && options.helm.chart.isEmpty())
        options.renderer = detectRenderer(dir);
    RenderedSource out;
    out.renderer = options.renderer;
    auto objects = renderDirectory(dir, relative, options, cancel);
    if (!objects)
        return objects.error();
    out.objects = std::move(*objects);
    return out;
}

Result<QList<ObjectRef>> applyObjects(kube::KubeClient &client, kube::DiscoveryCache &discovery, const ResourceSet &objects,
                                      const QString &fieldManager, const Decorate &decorate, const CancelToken &cancel)
{
    QList<const Resource *> ordered;
    for (const Resource &resource : objects)
        ordered.append(&resource);
    std::stable_sort(ordered.begin(), ordered.end(), [](const Resource *a, const Resource *b) { return stageOf(a->key) < stageOf(b->key); });
    QList<ObjectRef> applied;
    for (const Resource *resource : ordered) {
        auto ref = applyOne(client, discovery, *resource, fieldManager, decorate, cancel);
        if (!ref)
            return ref.error();
        applied.append(*ref);
    }
    return applied;
}

QList<ObjectRef> staleObjects(const QList<ObjectRef> &previous, const QList<ObjectRef> &current)
{
    QList<ObjectRef> stale;
    for (const ObjectRef &ref : previous) {
        const bool kept = std::any_of(current.begin(), current.end(), [&](const ObjectRef &c) {
            return c.group == ref.group && c.kind == ref.kind && c.namespace_ == ref.namespace_ && c.name == ref.name;
        });
        if (!kept)
            stale.prepend(ref);
    }
    std::stable_sort(stale.begin(), stale.end(), [](const ObjectRef &a, const ObjectRef &b) {
        return stageOf({a.group, a.kind, {}, {}}) > stageOf({b.group, b.kind, {}, {}});
    });
    return stale;
}

Status deleteObjects(kube::KubeClient &client, kube::DiscoveryCache &discovery, const QList<ObjectRef> &stale,
                     const std::function<bool(const QJsonObject &live)> &owned, const CancelToken &cancel)
{
    for (const ObjectRef &ref : stale) {
        auto api = discovery.resourceFor(ref.group, ref.kind, ref.version, cancel);
        if (!api)
            continue; // its CRD is gone, and its objects with it
        const kube::ResourcePath path = api->path(ref.namespace_, ref.name);
        auto live = client.get(path, cancel);
        if (!live) {
            if (live.error().code == 404)
                continue;
            return live.error().prefixed(QStringLiteral("%1 delete failed").arg(describe(ref)));
        }
        if (!owned(*live))
            continue;
        if (Status removed = client.remove(path, QStringLiteral("Background"), cancel); !removed && removed.error().code != 404)
            return removed.error().prefixed(QStringLiteral("%1 delete failed").arg(describe(ref)));
    }
    return {};
}

} // namespace sluice::sandbox
