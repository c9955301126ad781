#pragma once

// kubeconfig files: parsing, merging (as kubectl does) and resolving one context into the
// server, TLS material and credentials a client needs.
//
// Field names and semantics follow client-go's clientcmd (k8s.io/client-go/tools/clientcmd):
// unknown keys are ignored, relative paths are resolved against the file that names them,
// `*-data` fields are base64, and for KUBECONFIG lists the first file to define a name wins.
//
// Secrets (tokens, passwords, key bytes) live in these structs but never appear in an Error
// or a log line.

#include "core/Result.h"

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace sluice::kube {

// Where an entry was declared, for error messages ("/home/me/.kube/config:12").
struct Origin
{
    QString file;
    int line = 0;

    QString toString() const;
};

struct Cluster
{
    QString server;
    QString certificateAuthority;        // absolute path, or empty
    QByteArray certificateAuthorityData; // decoded bytes (PEM), or empty
    bool insecureSkipTlsVerify = false;
    QString tlsServerName;
    QString proxyUrl;
    Origin origin;
};

struct ExecEnvVar
{
    QString name;
    QString value;
};

// users[].user.exec: a client-go credential plugin (client.authentication.k8s.io/v1 or v1beta1).
struct ExecConfig
{
    QString apiVersion;
    QString command; // absolute when the kubeconfig wrote a path containing '/', else a PATH name
    QStringList args;
    QList<ExecEnvVar> env;
    bool provideClusterInfo = false;
    QString interactiveMode; // as written: "", "Never", "IfAvailable" or "Always"
    QString installHint;
};

struct AuthInfo
{
    QString clientCertificate;        // absolute path, or empty
    QByteArray clientCertificateData; // decoded bytes (PEM)
    QString clientKey;                // absolute path, or empty
    QByteArray clientKeyData;         // decoded bytes (PEM); secret
    QString token;                    // secret
    QString tokenFile;                // absolute path, or empty
    QString username;
    QString password; // secret
    std::optional<ExecConfig> exec;
    QString authProvider; // name of an auth-provider entry; not supported (only reported)
    Origin origin;
};

struct Context
{
    QString cluster;
    QString user;
    QString ns; // "namespace"; empty = "default" once resolved
    Origin origin;
};

struct Kubeconfig
{
    QMap<QString, Cluster> clusters;
    QMap<QString, AuthInfo> users;
    QMap<QString, Context> contexts;
    QString currentContext;
    QStringList files; // the files that were read, in merge order
};

// Parses one kubeconfig document. Pure: reads no files and runs nothing; `path` names the file
// in errors and is the base for relative paths (certificate-authority, client-certificate,
// client-key, tokenFile, and an exec command containing '/'); an empty `path` leaves relative
// paths as written. An empty document is an empty Kubeconfig.
// Errors (ErrorCategory::Kube, message "path:line: …"): malformed YAML, a wrong type (a list
// where a string belongs, …), invalid base64 in a `*-data` field (naming the field), a `kind`
// other than Config, a name defined twice in one file. Unknown keys are ignored, as kubectl does.
// Thread-safe (no shared state); cost linear in the input.
Result<Kubeconfig> parseKubeconfig(const QByteArray &bytes, const QString &path);

// $KUBECONFIG split on ':' (empty entries and duplicates dropped), or else ~/.kube/config.
QStringList kubeconfigFiles();

// Reads and merges `files` the way kubectl merges a KUBECONFIG list: for clusters, users and
// contexts the first file that defines a name wins; current-context comes from the first file
// that sets it. Files that do not exist are skipped; a file that exists but cannot be read or
// parsed is an error naming it. No files at all gives an empty Kubeconfig (resolveContext then
// reports that no context is set).
// Blocking file I/O on the calling thread (small files); thread-safe.
Result<Kubeconfig> loadKubeconfig(const QStringList &files);

// The kubeconfig for a workspace cluster: `explicitPath` (the workspace's `kubeconfig:`) alone
// when set, bypassing KUBECONFIG, and then a missing file is an error; else
// loadKubeconfig(kubeconfigFiles()).
Result<Kubeconfig> loadKubeconfigFor(const QString &explicitPath);

// One context with its cluster and user merged: everything a client needs to connect.
struct ResolvedContext
{
    QString contextName;
    QString clusterName;
    QString userName;
    QString server;                      // http:// or https:// URL
    QByteArray certificateAuthorityData; // PEM from -data or the file; empty = system CAs
    bool insecureSkipTlsVerify = false;  // only when the kubeconfig sets it; show it to the user
    QString tlsServerName;
    QString proxyUrl;
    QString ns = QStringLiteral("default");

    // Credentials; at most one of token, basic auth and exec (client cert may join any).
    QByteArray clientCertificateData; // PEM
    QByteArray clientKeyData;         // PEM; secret
    QString token;                    // secret; from `token` or `tokenFile` (read now, trimmed)
    QString username;
    QString password;               // secret
    std::optional<ExecConfig> exec; // validated; run it through ExecCredentialCache

    // A bearer token must only travel over TLS: the client refuses to send one to http://.
    bool isTls() const { return server.startsWith(QLatin1String("https://")); }
};

// Resolves `contextName` (empty = current-context) in `config`.
// Unlike parseKubeconfig this READS FILES: certificate-authority, client-certificate,
// client-key and tokenFile are loaded now (blocking, small files), so call it on a worker thread
// or accept the short stall. It runs no exec plugin.
// Errors (ErrorCategory::Kube), each naming the context/cluster/user and its file:line:
// no current context, unknown context/cluster/user names, a missing server or one that is not
// an http(s) URL, an unreadable file (naming the field and path), both a path and -data for the
// same field, a client certificate without a key, CA data together with insecure-skip-tls-verify,
// more than one authentication method, an auth-provider (not supported: use an exec plugin), an
// invalid exec config (see validateExecConfig), a namespace that is not a DNS label.
Result<ResolvedContext> resolveContext(const Kubeconfig &config, const QString &contextName = {});

// The checks kubectl applies to an exec config before running it: command and apiVersion set,
// apiVersion v1 or v1beta1, env names non-empty, and interactiveMode valid — v1 requires it to
// be set, v1beta1 defaults it to IfAvailable. `userName` names the user in the error.
Status validateExecConfig(const ExecConfig &exec, const QString &userName);

} // namespace sluice::kube
