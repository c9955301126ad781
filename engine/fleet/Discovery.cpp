#include "Discovery.h"

#include "git/Repository.h"
#include "render/FluxBuild.h"
#include "render/FluxSubstitute.h"
#include "render/YamlScan.h"
#include "render/YamlTree.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <algorithm>

namespace sluice::fleet {
namespace {

const QString kFluxKustomizeGroup = QStringLiteral("kustomize.toolkit.fluxcd.io");
const QString kFluxSourceGroup = QStringLiteral("source.toolkit.fluxcd.io");
const QString kFluxSourceExtensionsGroup = QStringLiteral("source.extensions.fluxcd.io");
const QString kArgoGroup = QStringLiteral("argoproj.io");

// An object of the repository and where it is declared.
struct Found
{
    ResourceKey key;
    QJsonObject object;
    QString file;
    int line = 0;

    QString at() const { return QStringLiteral("%1:%2").arg(file).arg(line); }
    QJsonObject spec() const { return object.value(QLatin1String("spec")).toObject(); }
};

bool interesting(const ResourceKey &key)
{
    return key.group == kFluxKustomizeGroup || key.group == kFluxSourceGroup || key.group == kFluxSourceExtensionsGroup ||
           key.group == kArgoGroup ||
           (key.group.isEmpty() && (key.kind == QLatin1String("ConfigMap") || key.kind == QLatin1String("Secret")));
}

// The GitOps objects (and ConfigMaps, Secrets) in the YAML files of `root`. Files that are not
// Kubernetes manifests (helm templates, values files) are passed over.
QList<Found> scanTree(const QString &root, const CancelToken &cancel)
{
    QStringList files;
    QDirIterator it(root, {QStringLiteral("*.yaml"), QStringLiteral("*.yml")}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        files.append(it.next());
    std::sort(files.begin(), files.end());
    QList<Found> found;
    const QDir base(root);
    for (const QString &path : files) {
        if (cancel.isCancelled())
            break;
        const QString relative = base.relativeFilePath(path);
        if (relative.startsWith(QLatin1Char('.')) || relative.contains(QLatin1String("/.")))
            continue;
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            continue;
        auto scanned = scanManifests(file.readAll(), relative);
        if (!scanned)
            continue; // not a manifest file
        for (const Resource &resource : scanned->resources) {
            if (!interesting(resource.key))
                continue;
            auto tree = resource.parseTree();
            if (tree)
                found.append({resource.key, *tree, relative, resource.line});
        }
    }
    return found;
}

// "github.com/acme/fleet" for https://github.com/acme/fleet.git, ssh://git@github.com/acme/fleet,
// git@github.com:acme/fleet.git: what makes two spellings of one repository equal.
QString normalizedUrl(QString url)
{
    url = url.trimmed();
    static const QRegularExpression scheme(QStringLiteral("^[a-z+]+://"));
    url.remove(scheme);
    const qsizetype at = url.indexOf(QLatin1Char('@'));
    if (at >= 0 && at < url.indexOf(QLatin1Char('/')))
        url = url.mid(at + 1);
    static const QRegularExpression scpLike(QStringLiteral("^([^/:]+):(?!\\d+/)"));
    url.replace(scpLike, QStringLiteral("\\1/"));
    while (url.endsWith(QLatin1Char('/')))
        url.chop(1);
    if (url.endsWith(QLatin1String(".git")))
        url.chop(4);
    return url.toLower();
}

bool isThisRepository(const QString &url, const QStringList &remotes)
{
    const QString wanted = normalizedUrl(url);
    return std::any_of(remotes.begin(), remotes.end(), [&](const QString &r) { return normalizedUrl(r) == wanted; });
}

// "clusters/production/apps.yaml" → "production".
QString clusterOfFile(const QString &file)
{
    const QStringList parts = file.split(QLatin1Char('/'));
    return parts.size() > 2 && parts.first() == QLatin1String("clusters") ? parts.at(1) : QString();
}

QString cleanPath(QString path)
{
    path = QDir::cleanPath(path.trimmed());
    while (path.startsWith(QLatin1String("./")))
        path = path.mid(2);
    if (path.startsWith(QLatin1Char('/')))
        path = path.mid(1);
    return path.isEmpty() ? QStringLiteral(".") : path;
}

// The revision a branch, tag or commit of the source names in this clone: the local branch,
// else the remote's, else the discovery revision with a note.
QString trackedRevision(const git::Repository &repo, const QString &branch, const QString &fallback, QStringList &notes)
{
    if (branch.isEmpty() || branch == QLatin1String("HEAD"))
        return fallback;
    for (const QString &candidate : {branch, QStringLiteral("origin/") + branch}) {
        if (repo.resolve(candidate))
            return candidate;
    }
    notes.append(QStringLiteral("revision %1 is not in this clone (fetch it); reading %2 instead").arg(branch, fallback));
    return fallback;
}

// The object a Kustomization of `cluster` refers to: one declared in that cluster's folder, else
// one outside every clusters/<name>/ folder. Another cluster's objects are not on this cluster.
const Found *findObject(const QList<Found> &all, const QString &group, const QString &kind, const QString &ns, const QString &name,
                        const QString &cluster)
{
    const Found *shared = nullptr;
    for (const Found &f : all) {
        if (f.key.group != group || f.key.kind != kind || f.key.name != name || !(f.key.ns == ns || f.key.ns.isEmpty()))
            continue;
        const QString where = clusterOfFile(f.file);
        if (where == cluster)
            return &f;
        if (where.isEmpty() && !shared)
            shared = &f;
    }
    return shared;
}

// A ConfigMap's data, or a Secret's data (base64) and stringData, as variables.
flux::Variables variablesOf(const Found &object)
{
    flux::Variables vars;
    const QJsonObject data = object.object.value(QLatin1String("data")).toObject();
    const bool secret = object.key.kind == QLatin1String("Secret");
    for (auto it = data.begin(); it != data.end(); ++it)
        vars.insert(it.key(), secret ? QString::fromUtf8(QByteArray::fromBase64(it.value().toString().toLatin1())) : it.value().toString());
    const QJsonObject stringData = object.object.value(QLatin1String("stringData")).toObject();
    for (auto it = stringData.begin(); it != stringData.end(); ++it)
        vars.insert(it.key(), it.value().toString());
    return vars;
}

QByteArray jsonText(const QJsonValue &value)
{
    return value.isArray() ? QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact) : QByteArray();
}

// Argo CD's "nginx:1.25", "nginx=ghcr.io/acme/nginx:1.25", "nginx@sha256:…" as a kustomize image.
QJsonObject argoImage(const QString &spec)
{
    const QString name = spec.section(QLatin1Char('='), 0, 0);
    const QString target = spec.contains(QLatin1Char('=')) ? spec.section(QLatin1Char('='), 1) : spec;
    QJsonObject image;
    QString repository = target;
    if (target.contains(QLatin1Char('@'))) {
        image.insert(QStringLiteral("digest"), target.section(QLatin1Char('@'), 1));
        repository = target.section(QLatin1Char('@'), 0, 0);
    } else if (target.lastIndexOf(QLatin1Char(':')) > target.lastIndexOf(QLatin1Char('/'))) {
        image.insert(QStringLiteral("newTag"), target.section(QLatin1Char(':'), -1));
        repository = target.left(target.lastIndexOf(QLatin1Char(':')));
    }
    const QString baseName = spec.contains(QLatin1Char('=')) ? name : repository;
    image.insert(QStringLiteral("name"), baseName);
    if (repository != baseName)
        image.insert(QStringLiteral("newName"), repository);
    return image;
}

// source.kustomize of an Argo CD Application, as edits of the kustomization it builds.
void argoKustomizeOptions(const QJsonObject &kustomize, FluxOptions &edits, QStringList &notes)
{
    edits.namePrefix = kustomize.value(QLatin1String("namePrefix")).toString();
    edits.nameSuffix = kustomize.value(QLatin1String("nameSuffix")).toString();
    edits.targetNamespace = kustomize.value(QLatin1String("namespace")).toString();
    QJsonArray images;
    for (const QJsonValue image : kustomize.value(QLatin1String("images")).toArray())
        images.append(argoImage(image.toString()));
    if (!images.isEmpty())
        edits.images = QJsonDocument(images).toJson(QJsonDocument::Compact);
    edits.patches = jsonText(kustomize.value(QLatin1String("patches")));
    for (const auto &[key, out] : {std::pair{"commonLabels", &edits.commonLabels}, std::pair{"commonAnnotations", &edits.commonAnnotations}}) {
        const QJsonObject map = kustomize.value(QLatin1String(key)).toObject();
        if (!map.isEmpty())
            *out = QJsonDocument(map).toJson(QJsonDocument::Compact);
    }
    const QStringList known{QStringLiteral("namePrefix"), QStringLiteral("nameSuffix"), QStringLiteral("namespace"), QStringLiteral("images"),
                            QStringLiteral("patches"), QStringLiteral("commonLabels"), QStringLiteral("commonAnnotations")};
    for (const QString &key : kustomize.keys()) {
        if (!known.contains(key))
            notes.append(QStringLiteral("Argo CD kustomize option %1 is not applied yet").arg(key));
    }
}

struct Reader
{
    const git::Repository &repo;
    const QList<Found> &all;
    QStringList remotes;
    QString revision;
    Fleet &fleet;

    void skip(const QString &what, const Found &f, const QString &reason)
    {
        fleet.skipped.append({what, f.at(), reason});
    }

    struct Artifact
    {
        QByteArray copies; // FluxOptions::artifactCopies
        QString gitNs;     // the GitRepository it copies from
        QString gitName;
    };

    // The ArtifactGenerator that makes ExternalArtifact ns/name, with its copy operations; every
    // source it copies from must be one GitRepository (of this repository, checked by the caller).
    Result<Artifact> resolveArtifact(const QString &ns, const QString &name, const QString &cluster)
    {
        for (const Found &f : all) {
            const QString where = clusterOfFile(f.file);
            if (f.key.kind != QLatin1String("ArtifactGenerator") || !(where.isEmpty() || where == cluster) ||
                !(f.key.ns == ns || f.key.ns.isEmpty()))
                continue;
            for (const QJsonValue a : f.spec().value(QLatin1String("artifacts")).toArray()) {
                if (a.toObject().value(QLatin1String("name")).toString() != name)
                    continue;
                QHash<QString, QJsonObject> sources; // alias → sourceRef
                for (const QJsonValue s : f.spec().value(QLatin1String("sources")).toArray())
                    sources.insert(s.toObject().value(QLatin1String("alias")).toString(), s.toObject());
                Artifact artifact;
                QJsonArray copies;
                for (const QJsonValue c : a.toObject().value(QLatin1String("copy")).toArray()) {
                    QJsonObject op = c.toObject();
                    const QString from = op.value(QLatin1String("from")).toString();
                    const QString alias = from.mid(1).section(QLatin1Char('/'), 0, 0);
                    const QJsonObject ref = sources.value(alias);
                    if (!from.startsWith(QLatin1Char('@')) || ref.value(QLatin1String("kind")).toString() != QLatin1String("GitRepository"))
                        return makeError(ErrorCategory::Workspace,
                                         QStringLiteral("its source, ExternalArtifact %1/%2 of ArtifactGenerator %3 (%4), copies from %5, "
                                                        "which is not a Git source Sluice can read offline").arg(ns, name, f.key.name, f.at(), from));
                    const QString gitName = ref.value(QLatin1String("name")).toString();
                    const QString gitNs = ref.value(QLatin1String("namespace")).toString(ns);
                    if (!artifact.gitName.isEmpty() && (artifact.gitName != gitName || artifact.gitNs != gitNs))
                        return makeError(ErrorCategory::Workspace,
                                         QStringLiteral("its source, ExternalArtifact %1/%2, composes several Git sources; Sluice reads one").arg(ns, name));
                    artifact.gitName = gitName;
                    artifact.gitNs = gitNs;
                    op.insert(QStringLiteral("from"), from.section(QLatin1Char('/'), 1));
                    op.insert(QStringLiteral("to"), op.value(QLatin1String("to")).toString().mid(QStringLiteral("@artifact/").size()));
                    copies.append(op);
                }
                artifact.copies = QJsonDocument(copies).toJson(QJsonDocument::Compact);
                return artifact;
            }
        }
        return makeError(ErrorCategory::Workspace,
                         QStringLiteral("its source, ExternalArtifact %1/%2, is made by no ArtifactGenerator in this repository").arg(ns, name));
    }

    void fluxKustomization(const Found &k)
    {
        const QJsonObject spec = k.spec();
        const QString ns = k.key.ns.isEmpty() ? QStringLiteral("flux-system") : k.key.ns;
        const QString cluster = clusterOfFile(k.file);
        const QString name = cluster.isEmpty() ? k.key.name : cluster + QLatin1Char('/') + k.key.name;
        const QString what = QStringLiteral("Flux Kustomization %1").arg(name);
        DiscoveredApp app;
        const QJsonObject ref = spec.value(QLatin1String("sourceRef")).toObject();
        const QString sourceKind = ref.value(QLatin1String("kind")).toString(QStringLiteral("GitRepository"));
        const QString sourceNs = ref.value(QLatin1String("namespace")).toString(ns);
        const QString sourceName = ref.value(QLatin1String("name")).toString();
        const QString sourceText = QStringLiteral("%1 %2/%3").arg(sourceKind, sourceNs, sourceName);
        // An ExternalArtifact is made by an ArtifactGenerator from Git sources: resolved here.
        QByteArray artifactCopies;
        QString gitName = sourceName, gitNs = sourceNs;
        if (sourceKind == QLatin1String("ExternalArtifact")) {
            auto artifact = resolveArtifact(sourceNs, sourceName, cluster);
            if (!artifact) {
                skip(what, k, artifact.error().message);
                return;
            }
            artifactCopies = artifact->copies;
            gitName = artifact->gitName;
            gitNs = artifact->gitNs;
        } else if (sourceKind != QLatin1String("GitRepository")) {
            skip(what, k, QStringLiteral("its source is a %1 (%2): Sluice renders only Git sources of this repository offline")
                              .arg(sourceKind, sourceText));
            return;
        }
        const Found *source = findObject(all, kFluxSourceGroup, QStringLiteral("GitRepository"), gitNs, gitName, cluster);
        if (!source) {
            skip(what, k, QStringLiteral("its source, GitRepository %1/%2, is not declared in this repository").arg(gitNs, gitName));
            return;
        }
        const QString url = source->spec().value(QLatin1String("url")).toString();
        if (!isThisRepository(url, remotes)) {
            skip(what, k, QStringLiteral("its source, %1, is %2, not this repository (its remotes: %3); open that repository to review it")
                              .arg(sourceText, url, remotes.isEmpty() ? QStringLiteral("none") : remotes.join(QStringLiteral(", "))));
            return;
        }
        const QJsonObject gitRef = source->spec().value(QLatin1String("ref")).toObject();
        const QString branch = gitRef.value(QLatin1String("commit")).toString(
            gitRef.value(QLatin1String("tag")).toString(gitRef.value(QLatin1String("branch")).toString()));

        ApplicationConfig &config = app.config;
        config.name = name;
        config.repo = fleet.repoPath;
        config.repoPath = fleet.repoPath;
        config.revision = trackedRevision(repo, branch, revision, app.notes);
        config.path = cleanPath(spec.value(QLatin1String("path")).toString());
        config.prune = spec.value(QLatin1String("prune")).toBool();
        config.render.renderer = RendererKind::Flux;
        config.render.releaseName = config.name;
        FluxOptions &flux = config.render.flux;
        flux = fluxOptionsFromSpec(spec);
        if (!artifactCopies.isEmpty()) {
            // The artifact is made from the whole repository; the path is inside the artifact.
            flux.artifactCopies = artifactCopies;
            flux.artifactPath = config.path;
            config.path = QStringLiteral(".");
        }
        config.render.defaultNamespace = flux.targetNamespace.isEmpty() ? QStringLiteral("default") : flux.targetNamespace;
        config.ns = config.render.defaultNamespace;
        if (const QJsonValue postBuild = spec.value(QLatin1String("postBuild")); postBuild.isObject()) {
            flux.substitute = true;
            QList<flux::SubstituteSource> from;
            for (const QJsonValue entry : postBuild.toObject().value(QLatin1String("substituteFrom")).toArray()) {
                flux::SubstituteSource s;
                s.kind = entry.toObject().value(QLatin1String("kind")).toString();
                s.name = entry.toObject().value(QLatin1String("name")).toString();
                s.optional = entry.toObject().value(QLatin1String("optional")).toBool();
                if (const Found *object = findObject(all, {}, s.kind, ns, s.name, cluster)) {
                    s.data = variablesOf(*object);
                } else {
                    // Often made in the cluster (by Terraform, say): render without its variables.
                    app.notes.append(QStringLiteral("postBuild.substituteFrom %1 %2 is not in this repository; its variables are left out")
                                         .arg(s.kind, s.name));
                    s.optional = true;
                }
                from.append(s);
            }
            flux::Variables inline_;
            const QJsonObject substitute = postBuild.toObject().value(QLatin1String("substitute")).toObject();
            for (auto it = substitute.begin(); it != substitute.end(); ++it)
                inline_.insert(it.key(), it.value().toVariant().toString());
            auto merged = flux::mergeVariables(from, inline_);
            if (!merged) {
                skip(what, k, merged.error().message);
                return;
            }
            flux.variables = *merged;
        }
        // The sources its HelmReleases may name: this repository's GitRepositories, HelmRepositories.
        for (const Found &f : all) {
            const QString where = clusterOfFile(f.file);
            if (!(where.isEmpty() || where == cluster))
                continue;
            if (f.key.group.isEmpty()) { // a ConfigMap or Secret a HelmRelease's valuesFrom may name
                flux.repositoryObjects.insert(f.key.kind + QLatin1Char('/') + (f.key.ns.isEmpty() ? QStringLiteral("default") : f.key.ns) +
                                                  QLatin1Char('/') + f.key.name, f.file);
                continue;
            }
            if (f.key.group != kFluxSourceGroup)
                continue;
            const QString id = (f.key.ns.isEmpty() ? ns : f.key.ns) + QLatin1Char('/') + f.key.name;
            if (f.key.kind == QLatin1String("GitRepository") && isThisRepository(f.spec().value(QLatin1String("url")).toString(), remotes))
                flux.localGitRepositories.append(id);
            else if (f.key.kind == QLatin1String("HelmRepository"))
                flux.helmRepositories.insert(id, f.spec().value(QLatin1String("url")).toString());
        }
        flux.localGitRepositories.removeDuplicates();
        for (const QJsonValue dep : spec.value(QLatin1String("dependsOn")).toArray())
            app.dependsOn.append(dep.toObject().value(QLatin1String("namespace")).toString(ns) + QLatin1Char('/') +
                                 dep.toObject().value(QLatin1String("name")).toString());
        config.controller = {QStringLiteral("Kustomization"), ns, k.key.name};
        app.kind = QStringLiteral("Flux Kustomization");
        app.cluster = cluster;
        app.source = sourceText + QStringLiteral(" (this repository)");
        app.declaredAt = k.at();
        app.destination = flux.targetNamespace;
        fleet.apps.append(app);
    }

    void argoApplication(const Found &a)
    {
        const QJsonObject spec = a.spec();
        const QString what = QStringLiteral("Argo CD Application %1").arg(a.key.name);
        if (spec.contains(QLatin1String("sources"))) {
            skip(what, a, QStringLiteral("it has several sources (spec.sources), which Sluice does not read yet"));
            return;
        }
        const QJsonObject source = spec.value(QLatin1String("source")).toObject();
        const QString url = source.value(QLatin1String("repoURL")).toString();
        if (!source.value(QLatin1String("chart")).toString().isEmpty()) {
            skip(what, a, QStringLiteral("its source is the chart %1 from the chart repository %2; it is not part of this repository")
                              .arg(source.value(QLatin1String("chart")).toString(), url));
            return;
        }
        if (!isThisRepository(url, remotes)) {
            skip(what, a, QStringLiteral("its source is another repository, %1 (this one's remotes: %2)")
                              .arg(url, remotes.isEmpty() ? QStringLiteral("none") : remotes.join(QStringLiteral(", "))));
            return;
        }
        DiscoveredApp app;
        ApplicationConfig &config = app.config;
        config.name = a.key.name;
        config.repo = fleet.repoPath;
        config.repoPath = fleet.repoPath;
        config.revision = trackedRevision(repo, source.value(QLatin1String("targetRevision")).toString(), revision, app.notes);
        config.path = cleanPath(source.value(QLatin1String("path")).toString());
        if (source.contains(QLatin1String("helm"))) {
            const QJsonObject helm = source.value(QLatin1String("helm")).toObject();
            config.render.renderer = RendererKind::Helm;
            config.render.helm.releaseName = helm.value(QLatin1String("releaseName")).toString();
            for (const QJsonValue file : helm.value(QLatin1String("valueFiles")).toArray())
                config.render.helm.valueFiles.append(file.toString());
            // Argo CD: valuesObject wins over values (a YAML string); both go over the files.
            config.render.helm.values = helm.contains(QLatin1String("valuesObject"))
                                            ? yaml::toYaml(helm.value(QLatin1String("valuesObject")))
                                            : helm.value(QLatin1String("values")).toString().toUtf8();
            if (helm.contains(QLatin1String("parameters")))
                app.notes.append(QStringLiteral("helm parameters are not applied yet; valueFiles, values and valuesObject are"));
        } else if (source.contains(QLatin1String("kustomize"))) {
            config.render.renderer = RendererKind::Kustomize;
            argoKustomizeOptions(source.value(QLatin1String("kustomize")).toObject(), config.render.flux, app.notes);
        }
        // Argo CD reads a plain directory without its sub-folders unless directory.recurse.
        config.render.recurse = source.value(QLatin1String("directory")).toObject().value(QLatin1String("recurse")).toBool();
        const QJsonObject destination = spec.value(QLatin1String("destination")).toObject();
        const QString server = destination.value(QLatin1String("server")).toString();
        app.cluster = destination.value(QLatin1String("name")).toString(
            server == QLatin1String("https://kubernetes.default.svc") ? QStringLiteral("in-cluster") : server);
        config.ns = destination.value(QLatin1String("namespace")).toString(QStringLiteral("default"));
        config.render.defaultNamespace = config.ns;
        config.render.releaseName = config.name;
        config.prune = spec.value(QLatin1String("syncPolicy")).toObject().value(QLatin1String("automated")).toObject()
                           .value(QLatin1String("prune")).toBool();
        config.controller = {QStringLiteral("Application"), a.key.ns.isEmpty() ? QStringLiteral("argocd") : a.key.ns, a.key.name};
        app.kind = QStringLiteral("Argo CD Application");
        app.source = QStringLiteral("%1 at %2 (this repository)").arg(url, config.revision);
        app.declaredAt = a.at();
        app.destination = destination.value(QLatin1String("namespace")).toString();
        fleet.apps.append(app);
    }
};

} // namespace

Workspace Fleet::workspace(const QHash<QString, QString> &contexts) const
{
    Workspace ws;
    ws.dir = repoPath;
    ws.file = repoPath + QLatin1Char('/'); // no file: opened as a repository (named by its folder)
    for (const QString &cluster : clusters) {
        if (!contexts.value(cluster).isEmpty())
            ws.clusters.append(ClusterConfig{cluster, contexts.value(cluster), {}, false, {}, false});
    }
    for (const DiscoveredApp &app : apps) {
        ApplicationConfig config = app.config;
        config.cluster = contexts.value(app.cluster).isEmpty() ? QString() : app.cluster;
        config.clusterLabel = app.cluster;
        config.origin = QStringLiteral("%1 at %2").arg(app.kind, app.declaredAt);
        ws.applications.append(config);
    }
    return ws;
}

Result<Fleet> discoverFleet(const QString &repoPath, const QString &revision, const CancelToken &cancel)
{
    auto repo = git::Repository::open(repoPath);
    if (!repo)
        return repo.error();
    auto rev = repo->resolve(revision);
    if (!rev)
        return rev.error();
    QTemporaryDir tree;
    if (!tree.isValid())
        return makeError(ErrorCategory::Io, QStringLiteral("cannot create a temporary directory: %1").arg(tree.errorString()));
    // Symlinks it cannot follow (broken, absolute, leaving the repository) are left out: they
    // declare nothing, and one under vendor/ must not hide every application.
    QList<git::Repository::RefusedLink> refused;
    if (Status s = repo->materialize(*rev, QString(), tree.path(), &refused, cancel); !s)
        return s.error();
    const QList<Found> all = scanTree(tree.path(), cancel);
    if (cancel.isCancelled())
        return makeError(ErrorCategory::Cancelled, QStringLiteral("reading %1 was cancelled").arg(repoPath));

    Fleet fleet;
    fleet.repoPath = QDir(repoPath).absolutePath();
    fleet.revision = revision;
    Reader reader{*repo, all, repo->remoteUrls(), revision, fleet};
    for (const Found &f : all) {
        if (f.key.group == kFluxKustomizeGroup && f.key.kind == QLatin1String("Kustomization"))
            reader.fluxKustomization(f);
        else if (f.key.group == kArgoGroup && f.key.kind == QLatin1String("Application"))
            reader.argoApplication(f);
    }
    if (fleet.apps.isEmpty() && fleet.skipped.isEmpty())
        return makeError(ErrorCategory::Workspace,
                         QStringLiteral("no Flux Kustomization or Argo CD Application in %1 at %2: write a sluice.yaml instead")
                             .arg(repoPath, revision));
    std::sort(fleet.apps.begin(), fleet.apps.end(), [](const DiscoveredApp &a, const DiscoveredApp &b) { return a.config.name < b.config.name; });
    for (const DiscoveredApp &app : fleet.apps) {
        if (!app.cluster.isEmpty() && !fleet.clusters.contains(app.cluster))
            fleet.clusters.append(app.cluster);
    }
    QDir clustersDir(tree.filePath(QStringLiteral("clusters")));
    for (const QString &cluster : clustersDir.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        if (!fleet.clusters.contains(cluster))
            fleet.clusters.append(cluster);
    }
    fleet.clusters.sort();
    return fleet;
}

Result<Fleet> openFleet(const QString &pathOrUrl, const QString &revision, const git::FetchOptions &fetch)
{
    if (!git::isRemoteUrl(pathOrUrl))
        return discoverFleet(pathOrUrl, revision, fetch.cancel);
    const QString mirror = git::mirrorPathFor(pathOrUrl, fetch.cacheRoot);
    if (!QDir(mirror).exists()) {
        auto fetched = git::fetchMirror(pathOrUrl, fetch);
        if (!fetched)
            return fetched.error();
    }
    auto fleet = discoverFleet(mirror, revision, fetch.cancel);
    if (!fleet)
        return fleet;
    fleet->repoPath = pathOrUrl;
    for (DiscoveredApp &app : fleet->apps) {
        app.config.repo = pathOrUrl;
        app.config.repoPath.clear();
    }
    return fleet;
}

} // namespace sluice::fleet
