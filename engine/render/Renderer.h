#pragma once

// Renderers turn a directory of manifests into a ResourceSet: plain YAML/JSON, kustomize, helm.

#include "KustomizeReach.h"
#include "Resource.h"
#include "core/Bytes.h"
#include "core/Cancel.h"
#include "core/Result.h"

#include <QHash>
#include <QStringList>

#include <functional>
#include <optional>

namespace sluice {

// Flux: a path built as Flux's kustomize-controller builds a Kustomization (FluxOptions).
enum class RendererKind { Auto, Plain, Kustomize, Helm, Flux };

QString rendererName(RendererKind kind);
std::optional<RendererKind> parseRendererName(const QString &name);

struct HelmOptions
{
    QString releaseName;    // empty = the application name
    QStringList valueFiles; // relative to the chart directory (the application's path)
    QByteArray values;      // inline values (YAML) over the files: Argo CD's helm.values / valuesObject
    // A chart from a chart repository instead of the application's path (which then holds only
    // values files): `helm pull` once into the chart cache ($XDG_CACHE_HOME/sluice/charts), so
    // it renders offline afterwards. An exact version is fetched once; a range or none asks the
    // repository each time. oci:// references are not supported yet (a clear error).
    QString repo;           // https://charts.example.com
    QString chart;          // its name in the repository
    QString version;        // 1.2.3, a range, or empty for the newest
};

// What a Flux Kustomization (kustomize.toolkit.fluxcd.io/v1) asks of its build, as
// kustomize-controller does it: a kustomization.yaml is generated where the path has none (every
// YAML file below it, a sub-folder with its own kustomization as one resource); spec's
// targetNamespace, namePrefix/nameSuffix, patches and images are written into it; it is built
// with no load restrictions; then postBuild variables are substituted object by object
// (render/FluxSubstitute.h; objects labelled or annotated kustomize.toolkit.fluxcd.io/substitute:
// disabled are left alone).
struct FluxOptions
{
    QString targetNamespace;
    QString namePrefix;
    QString nameSuffix;
    QByteArray patches;  // spec.patches as JSON ([{patch, target}]), empty for none
    QByteArray images;   // spec.images as JSON ([{name, newName, newTag, digest}])
    QByteArray commonLabels;      // JSON objects written as the kustomization's commonLabels and
    QByteArray commonAnnotations; // commonAnnotations (Argo CD's kustomize options use them)
    bool substitute = false;          // spec.postBuild is set
    QHash<QString, QString> variables; // postBuild variables, merged in Flux's order
    // Sources of the HelmReleases in the build (helm.toolkit.fluxcd.io): "namespace/name" of the
    // GitRepositories that are this repository, and of HelmRepositories with their URLs.
    QStringList localGitRepositories;
    QHash<QString, QString> helmRepositories;
    // ConfigMaps and Secrets declared elsewhere in the repository for this cluster, which a
    // HelmRelease's valuesFrom may name: "Kind/namespace/name" → the file (from the root).
    QHash<QString, QString> repositoryObjects;
    // The source is an ExternalArtifact an ArtifactGenerator makes from this repository: its copy
    // operations as JSON ([{from, to, exclude, optional}], `from` without its "@alias/", `to`
    // without "@artifact/"), applied to the repository root; the build's path is artifactPath
    // inside the artifact.
    QByteArray artifactCopies;
    QString artifactPath;

    QString identity() const;
    // Whether the kustomization is edited at all (a kustomize render applies these edits too:
    // Argo CD's source.kustomize namePrefix, nameSuffix, namespace, images, patches, labels).
    bool editsKustomization() const;
};

// Paths of external tools; empty = look them up on PATH.
struct ToolPaths
{
    QString kustomize;
    QString kubectl;
    QString helm;
};

struct RenderOptions
{
    RendererKind renderer = RendererKind::Auto;
    QString defaultNamespace; // namespaced objects without a namespace get this one
    QString releaseName;      // helm release name when helm.releaseName is empty
    bool recurse = true;      // plain: read sub-folders too (false: Argo CD's default directory)
    HelmOptions helm;
    FluxOptions flux;
    ToolPaths tools;
    int timeoutMs = 120000;
    // Where the whole repository is on disk when the renderer reads outside its path (set by
    // the caller, not part of identity()): Flux HelmReleases find Git charts there. When set,
    // kustomize and helm may read nothing outside it (render/KustomizeReach.h), and the symlinks
    // its copy left out (`refusedLinks`, by repository path) are refused where a build names them.
    QString repoRoot;
    RefusedLinks refusedLinks;

    // Everything that changes the output, as text (for the render cache key).
    QString identity() const;
};

// `auto` resolved for a directory: helm when Chart.yaml is there, kustomize when a
// kustomization.yaml/.yml/Kustomization is, else plain.
RendererKind detectRenderer(const QString &dir);
// The same for a folder not on disk: `hasFile` says whether it holds a file of that name.
RendererKind detectRenderer(const std::function<bool(const QString &name)> &hasFile);

// Whether the renderer may read files outside the application's path (kustomize bases, helm
// file references), so the whole repository must be materialized for it.
bool readsOutsidePath(RendererKind kind);

// The tool invocation a renderer would run, for display and for the cache key (which also
// holds the tool's identity: path, size and modification time). Empty for plain.
QString toolIdentity(RendererKind kind, const ToolPaths &tools);

// Which program a renderer runs with these settings, where it is and its version, for people:
// "helm v3.17.3+ge4da497 (/home/alex/.local/share/sluice/tools/helm)", "kubectl kustomize
// v5.6.0 (/usr/local/bin/kubectl)". helm comes from SLUICE_HELM, else the settings, else PATH,
// else toolsDirectory(). An error names the program when it is missing or fails. Blocks.
Result<QString> describeRenderTool(RendererKind kind, const ToolPaths &tools);

// Renders `dir` (a directory on disk). `displayPath` names it in errors and in objects' source
// files. Blocks; run it on a worker thread. External tools run with the options' timeout and
// are killed on cancel; their stderr is the error's detail.
Result<ResourceSet> renderDirectory(const QString &dir, const QString &displayPath,
                                    const RenderOptions &options, const CancelToken &cancel = {});

// Whether the plain renderer reads the file at `path` (relative to the rendered folder): YAML or
// JSON by name (.yaml, .yml, .json in any case), not hidden (.github/…), and only at the top when
// not recursing.
bool isPlainManifest(const QString &path, bool recurse);

// The plain renderer over a folder's files already read (from git, say: see
// git::Repository::readFiles), sorted by path, with the bytes of those isPlainManifest() accepts:
// the same objects and notes as renderDirectory() of a folder holding them.
Result<ResourceSet> renderPlainFiles(const QList<FileBytes> &files, const QString &displayPath,
                                     const RenderOptions &options, const CancelToken &cancel = {});

// Plain renders remember the files they scanned, by name and content, for this process (with each
// document: ScanMemo.h): a file that another revision had unchanged is not scanned again. How
// many file scans that saved (tests).
qint64 plainScanMemoHits();

} // namespace sluice
