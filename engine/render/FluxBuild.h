#pragma once

// The two steps by which Flux's kustomize-controller differs from `kustomize build` (see
// FluxOptions in Renderer.h): the kustomization it writes before building, and the postBuild
// variable substitution after. Used by renderDirectory for RendererKind::Flux.

#include "Renderer.h"
#include "YamlScan.h"

namespace sluice {

// The FluxOptions a Kustomization's spec sets by itself: targetNamespace, namePrefix,
// nameSuffix, and patches and images as JSON text. postBuild variables, HelmRelease sources and
// ExternalArtifacts need other objects and are the caller's. Shared by repository discovery and
// the sandbox's simulated kustomize-controller, so both build a Kustomization alike. Pure.
FluxOptions fluxOptionsFromSpec(const QJsonObject &spec);

// Generates `dir`/kustomization.yaml when `dir` has no kustomization (every *.yaml / *.yml below
// it in lexical order, hidden entries skipped, a sub-folder with its own kustomization as one
// resource), then writes the Kustomization's targetNamespace, namePrefix, nameSuffix, patches
// and images into it. Changes files in `dir`: call it on a scratch copy.
Status prepareFluxKustomization(const QString &dir, const FluxOptions &flux);

// Makes an ArtifactGenerator's artifact in `artifactDir` from the repository at `repoRoot`, as
// Flux's source-watcher does (FluxOptions::artifactCopies): a file goes to `to` (into it when
// `to` ends with "/" or is a folder), a folder to `to`/<its name>; a glob (where "*" and "**"
// stay within one folder) copies each match to `to`/<its path>, except "dir/**" which copies
// the contents of dir into `to`. `exclude` globs ("**" crosses folders) leave files out; a
// source that matches nothing is an error unless optional.
Status buildFluxArtifact(const QString &repoRoot, const QByteArray &copies, const QString &artifactDir);

// Substitutes the postBuild variables in every object (unless it opts out), as Flux does after
// the build. What a person should know (a variable Flux would make empty) is added to `notes`.
// Errors name the object and the line of the problem.
Result<ScannedManifests> substituteFluxVariables(ScannedManifests scanned, const FluxOptions &flux, QStringList &notes);

// Renders every HelmRelease (helm.toolkit.fluxcd.io) of the build with helm, as helm-controller
// would, and adds its objects (their source names the HelmRelease). The chart comes from a
// GitRepository of this repository (options.repoRoot) or a HelmRepository (the chart cache);
// values are valuesFrom (ConfigMaps and Secrets of the same build) merged in order, then
// spec.values; release name [targetNamespace-]name unless spec.releaseName; namespace
// spec.targetNamespace or the HelmRelease's. What cannot be rendered offline (an OCI or
// unknown source, a chartRef) is a note, not an error.
Result<ScannedManifests> expandHelmReleases(ScannedManifests scanned, const RenderOptions &options, QStringList &notes,
                                            const CancelToken &cancel);

} // namespace sluice
