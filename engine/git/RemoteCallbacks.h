#pragma once

// Private to engine/git: the libgit2 remote callbacks shared by fetch (Mirror.cpp) and push
// (Revert.cpp). Credentials: ssh-agent, then ~/.ssh/id_ed25519, id_ecdsa, id_rsa; HTTPS
// user/token via `git credential fill`. Also the certificate check, cancellation, and the
// mapping of a failed transfer to an Error naming the remote and the reason.
//
// Threading: one RemoteCallbackContext serves one transfer; its callbacks run on the thread
// that called git_remote_fetch / git_remote_push.

#include "core/Cancel.h"
#include "core/Result.h"

#include <git2.h>

#include <QRegularExpression>
#include <QString>

namespace sluice::git {

// Matches "scheme://" at the start of a URL.
const QRegularExpression &urlSchemeRe();

// The URL without secrets, for messages and logs: no password, and for http(s) no user either
// (a token is often passed as the user name). Paths and scp-like URLs are returned as given.
QString redactUrl(const QString &url);

// The state of one fetch or push, shared by its callbacks. A caller that needs more state in
// its own callbacks derives from it; install() passes the payload as a pointer to this base,
// so such callbacks cast the payload to RemoteCallbackContext * first, then down.
struct RemoteCallbackContext
{
    QString url;        // as given; may carry secrets: never logged
    QString displayUrl; // redacted
    CancelToken cancel;
    int sshStep = 0;
    bool usernameGiven = false;
    int userpassAttempts = 0;
    bool credentialsOffered = false;
    bool credentialsExhausted = false;
    bool hostKeyRejected = false;
    bool certificateRejected = false;
    QString rejectedHost;
    bool cancelled = false;

    // Latches `cancelled` once the token is cancelled; callbacks return GIT_EUSER then.
    bool checkCancel();
    // Sets the credentials and certificate_check callbacks and the payload (this).
    void install(git_remote_callbacks *callbacks);
};

// Maps a failed transfer to "<what> failed: <reason>" (reason: authentication, host key,
// certificate, repository not found, network, git error), or to a Cancelled error
// "<what> was cancelled". `what` names the operation and the remote ("fetch of URL").
// libgit2's message, redacted, becomes the detail. Call right after the failing libgit2 call:
// it reads the thread-local error.
Error remoteError(const RemoteCallbackContext &ctx, int rc, const QString &what);

} // namespace sluice::git
