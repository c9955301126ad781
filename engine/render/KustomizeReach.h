#pragma once

// What a kustomize build may read, checked before it runs: the build runs on a copy of the
// repository in a temporary directory, where "../../.." would reach the rest of the disk, and
// where a symlink the copy left out (Repository::materialize's refused links) is simply missing.
//
// From `dir`'s kustomization every file or directory it names is followed — resources, bases,
// components, crds, patches (path), patchesStrategicMerge, patchesJson6902, replacements,
// configurations, generators, transformers, validators, configMapGenerator/secretGenerator
// files, envs and env, openapi.path, helmCharts' valuesFile and additionalValuesFiles,
// helmGlobals.chartHome — and a directory named is visited the same way. An absolute path, one
// leaving `root`, or one through a refused symlink is an error naming the kustomization's
// file:line. Remote references (URLs) and inline YAML are not paths. A kustomization that does
// not parse is left to kustomize, which says why better.
//
// Pure apart from reading the files below `root`; any thread.

#include "core/Result.h"

#include <QHash>
#include <QString>

namespace sluice {

// Refused symlinks by repository path ("vendor/dangling") → why ("points to …, which does not exist").
using RefusedLinks = QHash<QString, QString>;

// `root` is the repository's copy; `dir` (inside it) the directory kustomize builds.
Status checkKustomizeReach(const QString &root, const QString &dir, const RefusedLinks &refused);

// The refused link `path` (from the root) is, or lies below, with its reason; empty when none.
QString refusedLinkAt(const QString &path, const RefusedLinks &refused);

// A path named outside any kustomization (a helm values file, relative to `dir`): the same
// rules, with `what` naming it in the error ("helm values file").
Status checkPathInside(const QString &root, const QString &dir, const QString &ref, const QString &what,
                       const RefusedLinks &refused);

} // namespace sluice
