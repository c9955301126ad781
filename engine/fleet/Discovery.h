#pragma once

// Opening a Flux or Argo CD fleet repository as it is, with no sluice.yaml: the applications
// it deploys, read from the repository the way the controllers read it.
//
// - Flux: every kustomize.toolkit.fluxcd.io/v1 Kustomization is an application named
//   "<cluster>/<name>", its cluster taken from the clusters/<cluster>/ folder it is declared in.
//   Its source must be a GitRepository of this repository (its URL is one of the clone's
//   remotes); it renders with RendererKind::Flux (path, targetNamespace, namePrefix/Suffix,
//   patches, images, postBuild.substitute over substituteFrom ConfigMaps and Secrets found in
//   the repository).
// - Argo CD: every argoproj.io/v1alpha1 Application (app-of-apps children included: they are
//   files of the repository too) whose source repoURL is one of the clone's remotes: path,
//   targetRevision, helm (releaseName, valueFiles), directory.recurse, destination.
// - Everything that cannot be rendered from this repository offline (a remote GitRepository,
//   an OCIRepository, a Bucket, another repository's Application, multiple sources) is listed
//   in `skipped` with the reason, never dropped silently.
//
// Thread: blocking (reads the repository, runs no tool); call from a worker thread.

#include "git/Mirror.h"
#include "workspace/Workspace.h"
#include "core/Cancel.h"

namespace sluice::fleet {

struct DiscoveredApp
{
    ApplicationConfig config; // what Sluice renders and reviews (name, path, renderer, revision)
    QString kind;             // "Flux Kustomization", "Argo CD Application"
    QString cluster;          // "production" (clusters/production/), an Argo destination, or ""
    QString source;           // "GitRepository flux-system/flux-system (this repository)"
    QString declaredAt;       // "clusters/production/apps.yaml:1"
    QString destination;      // the namespace objects go to ("" = as each object says)
    QStringList dependsOn;    // Flux dependsOn, as "namespace/name"
    QStringList notes;        // what a person should know (a substituteFrom source not found …)
};

struct SkippedSource
{
    QString what;       // "Flux Kustomization production/podinfo"
    QString declaredAt; // "clusters/production/podinfo.yaml:14"
    QString reason;     // why Sluice cannot render it from this repository
};

struct Fleet
{
    QString repoPath;     // the clone
    QString revision;     // what was read ("HEAD" unless asked otherwise)
    QList<DiscoveredApp> apps; // sorted by name
    QList<SkippedSource> skipped;
    QStringList clusters; // the clusters/<name> folders and Argo destinations seen, sorted

    // A workspace of the discovered applications (for review, pending commits, render): the
    // clone is their repo. `contexts` maps a cluster name to the kubeconfig context it is on;
    // an application whose cluster has no context has no destination cluster.
    Workspace workspace(const QHash<QString, QString> &contexts = {}) const;
};

// Reads the clone at `repoPath` at `revision`. Errors: not a git repository, an unknown
// revision, nothing GitOps found ("no Flux Kustomization or Argo CD Application in …").
Result<Fleet> discoverFleet(const QString &repoPath, const QString &revision = QStringLiteral("HEAD"),
                            const CancelToken &cancel = {});

// discoverFleet on a local clone, or on a URL's mirror in the cache (cloned on first use, as for
// a workspace's URL repo); the applications of a URL name the URL as their repo.
Result<Fleet> openFleet(const QString &pathOrUrl, const QString &revision = QStringLiteral("HEAD"),
                        const git::FetchOptions &fetch = {});

} // namespace sluice::fleet
