#pragma once

// Git sources of the sandbox's simulated Flux and Argo CD controllers (FluxControllers.h,
// ArgoController.h): where a GitRepository's or an Application's repository is and which commit
// its ref names. The simulation reads only local repositories (a path or a file:// URL) through
// the engine's git::Repository; it never clones or fetches.
//
// Thread: any; each call opens its own repository handle. Cost: a libgit2 open and a ref
// lookup (milliseconds), no network.

#include "core/Result.h"

#include <QJsonObject>
#include <QString>

#include <optional>

namespace sluice::sandbox {

// Appended to every message about a source the simulation cannot read.
inline const QString kLocalOnlyNote =
    QStringLiteral("the sandbox's simulated GitOps controllers only read local repositories (a path or file:// URL)");

// The local path `url` names ("/srv/fleet", "file:///srv/fleet"), or nullopt for a remote URL
// (https://, ssh://, git@host:path) or a relative path. Pure.
std::optional<QString> localRepositoryPath(const QString &url);

// A Flux source revision: the commit and its name in Flux's v1 form.
struct SourceRevision
{
    QString commit;   // 40-hex
    QString revision; // "main@sha1:<commit>", "v1.0@sha1:<commit>", "sha1:<commit>"
};

// Resolves a GitRepository's spec.url and spec.ref as source-controller does: ref.commit, else
// ref.name (a full ref name), else ref.tag, else ref.branch; without a ref the branch "master"
// (Flux's default) when the repository has it, else its HEAD. Errors (ErrorCategory::Git)
// read like source-controller's, say what failed and end with kLocalOnlyNote: a remote URL, a
// missing repository or ref, a semver ref (not simulated).
Result<SourceRevision> resolveGitRepository(const QJsonObject &spec);

// The commit of a Flux artifact revision ("main@sha1:<commit>", "sha1:<commit>"); empty when
// it names none. Pure.
QString commitOfRevision(const QString &revision);

// Resolves an Argo CD source (spec.source): repoURL must be local; targetRevision empty or
// "HEAD" is the repository's HEAD, else a branch, tag or commit. Returns the 40-hex commit.
// Errors as resolveGitRepository.
Result<QString> resolveArgoSource(const QJsonObject &source);

} // namespace sluice::sandbox
