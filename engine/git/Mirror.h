#pragma once

// Clone or fetch a remote repository into a bare mirror under the XDG cache dir.

#include "core/Cancel.h"
#include "core/Result.h"

#include <QString>

namespace sluice::git {

struct FetchOptions
{
    ProgressFn progress; // objects received / total
    CancelToken cancel;
    QString cacheRoot;   // empty = sluice::cacheDir() + "/repos"
};

// Where the mirror of `url` lives: <cacheRoot>/<sanitized-host-path>-<short hash of url>.git
QString mirrorPathFor(const QString &url, const QString &cacheRoot = {});

// Whether `source` (the workspace's `repo:` value) names a remote (scheme://, user@host:path)
// rather than a local path.
bool isRemoteUrl(const QString &source);

// Clones `url` (file://, git://, https://, ssh://, scp-like user@host:path) as a bare mirror,
// or fetches into the existing one: branches, tags, refs/pull/*/head and
// refs/merge-requests/*/head, pruning refs deleted upstream. Credentials: ssh-agent, then
// ~/.ssh/id_ed25519, id_ecdsa, id_rsa; HTTPS user/token via `git credential fill`.
// Returns the mirror path. Errors name the remote and the reason: authentication, host key,
// not found, network, cancelled.
Result<QString> fetchMirror(const QString &url, const FetchOptions &options = {});

} // namespace sluice::git
