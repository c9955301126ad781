#pragma once

// client-go credential plugins (users[].user.exec in a kubeconfig), run as kubectl runs them:
// `command args…` with the inherited environment plus the config's env and
// KUBERNETES_EXEC_INFO, stdin closed (Sluice is never interactive), stdout parsed as an
// ExecCredential of the configured apiVersion (client.authentication.k8s.io/v1 or v1beta1).
//
// Tokens and keys never appear in an Error or a log line; lcKube debug lines name the command.

#include "Kubeconfig.h"

#include "core/Cancel.h"
#include "core/Result.h"

#include <QByteArray>
#include <QDateTime>
#include <QMutex>
#include <QString>

#include <memory>
#include <optional>

namespace sluice::kube {

// spec.cluster of KUBERNETES_EXEC_INFO, sent only when the exec config sets provideClusterInfo.
struct ExecCluster
{
    QString server;
    QByteArray certificateAuthorityData; // PEM; sent base64-encoded
    bool insecureSkipTlsVerify = false;
    QString tlsServerName;
    QString proxyUrl;
};

ExecCluster execClusterFor(const ResolvedContext &context);

struct ExecCredential
{
    QString token;                       // secret; may be empty when a cert/key pair is returned
    QByteArray clientCertificateData;    // PEM
    QByteArray clientKeyData;            // PEM; secret
    std::optional<QDateTime> expiration; // UTC; none = valid until the server answers 401
};

// The most a plugin may print on stdout or on stderr (an ExecCredential is a few KiB): a plugin
// that prints more is stopped, with whatever it started.
inline constexpr qsizetype kMaxExecPluginOutput = 1024 * 1024;

struct ExecPluginRun
{
    ExecConfig config;
    QString userName; // names the kubeconfig user in errors
    ExecCluster cluster;
    int timeoutMs = 30000;
};

// The KUBERNETES_EXEC_INFO value for `run`: {"apiVersion", "kind": "ExecCredential",
// "spec": {"interactive": false[, "cluster": {…}]}} (compact JSON). Pure.
QByteArray execInfoJson(const ExecPluginRun &run);

// Parses a plugin's stdout. Pure. Errors (ErrorCategory::Kube) name `command`, never the
// output's content: not a JSON object, kind is not ExecCredential, apiVersion differs from
// `apiVersion`, no status, neither token nor cert/key pair, only one of cert and key, an
// expirationTimestamp that is not RFC 3339.
Result<ExecCredential> parseExecCredential(const QByteArray &output, const QString &apiVersion,
                                           const QString &command);

// Validates the config (validateExecConfig), runs the plugin and parses its output.
// Blocks the calling thread (a worker) for up to run.timeoutMs; polls `cancel` every 50 ms.
// The plugin runs in its own process group: a timeout, a cancel or too much output kills it and
// every process it started.
// Errors (ErrorCategory::Kube unless cancelled): the command is not found (with installHint),
// interactiveMode Always (Sluice has no terminal to offer), a non-zero exit (message names the
// command and exit code, detail holds its stderr and installHint, code = exit code), a timeout,
// more than kMaxExecPluginOutput on stdout or stderr, or any parseExecCredential error.
// ErrorCategory::Cancelled when `cancel` fired.
Result<ExecCredential> runExecPlugin(const ExecPluginRun &run, const CancelToken &cancel = {});

// One kubeconfig user's exec credential, shared by every request to its cluster.
// Thread-safe. credential() returns the cached credential until its expiration minus the skew
// has passed (a credential without expiration stays until invalidate()), else runs the plugin.
// Runs are serialised: concurrent callers wait for one plugin run instead of starting several,
// as client-go does; a waiting caller's cancel token is not polled while it waits. Failed runs are
// not cached, so the next call retries.
class ExecCredentialCache
{
public:
    explicit ExecCredentialCache(ExecPluginRun run, int expirySkewMs = 10000);

    Result<ExecCredential> credential(const CancelToken &cancel = {});

    // Forgets the cached credential when it is `rejected` (the server answered 401 to it), so the
    // next credential() runs the plugin again. One already run again since (another request's
    // 401 came first) is kept: many requests refused at once run the plugin once.
    void invalidate(const ExecCredential &rejected);

private:
    bool isFreshLocked() const;

    const ExecPluginRun m_run;
    const int m_expirySkewMs;
    QMutex m_mutex; // guards m_cached and serialises plugin runs
    std::optional<ExecCredential> m_cached;
};

// The process's one cache for `run` (its plugin, arguments, environment, user and, when the
// plugin is given it, cluster), as client-go keeps one authenticator per exec config for the
// process: every client of a kubeconfig user shares the credential, so a window's watches and
// status checks, or one `sluicectl status` of several applications, run the plugin once, not once
// a client (`aws eks get-token` takes a second). Thread-safe; caches live as long as the process.
std::shared_ptr<ExecCredentialCache> sharedExecCredentialCache(const ExecPluginRun &run);

} // namespace sluice::kube
