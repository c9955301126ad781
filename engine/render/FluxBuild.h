#pragma once

// The two steps by which Flux's kustomize-controller differs from `kustomize build` (see
// FluxOptions in Renderer.h): the kustomization it writes before building, and the postBuild
// variable substitution after. Used by renderDirectory for RendererKind::Flux.

#include "Renderer.h"
#include "YamlScan.h"

namespace sluice {

// Generates `dir`/kustomization.yaml when `dir` has no kustomization (every *.yaml / *.yml below
// it in lexical order, hidden entries skipped, a sub-folder with its own kustomization as one
// resource), then writes the Kustomization's targetNamespace, namePrefix, nameSuffix, patches
// and images into it. Changes files in `dir`: call it on a scratch copy.
Status prepareFluxKustomization(const QString &dir, const FluxOptions &flux);

// Substitutes the postBuild variables in every object (unless it opts out), as Flux does after
// the build. What a person should know (a variable Flux would make empty) is added to `notes`.
// Errors name the object and the line of the problem.
Result<ScannedManifests> substituteFluxVariables(ScannedManifests scanned, const FluxOptions &flux, QStringList &notes);

} // namespace sluice
