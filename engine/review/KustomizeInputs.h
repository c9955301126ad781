#pragma once

// What a `kustomize build` of one directory can read: a commit that changes none of it is
// known not to change the render (without rendering it), and a render writes only that, not
// the whole repository.
//
// From the directory's kustomization file, every reference is followed: resources, bases,
// components and crds (a directory with a kustomization is visited the same way, recursively),
// the files of patches, patchesStrategicMerge, patchesJson6902, replacements, configurations,
// generators and transformers, configMapGenerator/secretGenerator files, envs and env,
// openapi.path, helmCharts' chart home and values files. The input is every visited
// directory's whole tree (its files and below) plus the files named outside those, each with
// its git id, so it is a superset of what kustomize reads.
//
// When that cannot be known for sure, there is no id and the caller keys on the whole
// repository: a remote resource (URL), a field Sluice does not know may name files, a path
// leaving the repository, a symlink in a visited directory (kustomize follows it elsewhere),
// a submodule, the uncommitted worktree, a kustomization that does not parse.
//
// Thread: one thread per `repo` (as git::Repository).

#include "git/Repository.h"

#include <optional>

namespace sluice {

struct KustomizeInputs
{
    QString id;          // a content id of all of it
    QStringList dirs;    // directories to write whole (repository paths)
    QStringList files;   // single files outside those
};

// Everything `kustomize build <path>` reads at `rev`, or nullopt (see above). Writing only
// these is enough for the build.
std::optional<KustomizeInputs> kustomizeInputs(const git::Repository &repo, const git::Revision &rev, const QString &path);

} // namespace sluice
