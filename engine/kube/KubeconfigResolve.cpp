// Loading and merging kubeconfig files, and resolving one context. Unlike Kubeconfig.cpp this
// part reads files.

#include "Kubeconfig.h"

#include "core/Log.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QUrl>

namespace sluice::kube {
namespace {

// Certificates, keys and tokens are small; a cap keeps a mistaken path (/dev/zero, a disk image)
// from stalling the caller.
constexpr qint64 kMaxReferencedFileSize = 4 * 1024 * 1024;

Error kubeError(const QString &message)
{
    return makeError(ErrorCategory::Kube, message);
}

QString described(const QString &what, const QString &name, const Origin &origin)
{
    return QStringLiteral("%1 \"%2\" (%3)").arg(what, name, origin.toString());
}

// Reads a file named by a kubeconfig field. `owner` is "cluster \"x\" (file:line)".
Result<QByteArray> readReferencedFile(const QString &path, const char *field, const QString &owner)
{
    QFile file(path);
    const QFileInfo info(path);
    QString reason;
    if (!info.exists())
        reason = QStringLiteral("no such file");
    else if (info.isDir())
        reason = QStringLiteral("it is a directory");
    else if (info.size() > kMaxReferencedFileSize)
        reason = QStringLiteral("larger than 4 MiB, which is not a credential file");
    else if (!file.open(QIODevice::ReadOnly))
        reason = file.errorString();
    if (!reason.isEmpty())
        return kubeError(QStringLiteral("cannot read %1 %2 of %3: %4")
                             .arg(QLatin1String(field), path, owner, reason));
    return file.readAll();
}

void mergeInto(Kubeconfig &merged, const Kubeconfig &next)
{
    for (auto it = next.clusters.cbegin(); it != next.clusters.cend(); ++it) {
        if (!merged.clusters.contains(it.key()))
            merged.clusters.insert(it.key(), it.value());
    }
    for (auto it = next.users.cbegin(); it != next.users.cend(); ++it) {
        if (!merged.users.contains(it.key()))
            merged.users.insert(it.key(), it.value());
    }
    for (auto it = next.contexts.cbegin(); it != next.contexts.cend(); ++it) {
        if (!merged.contexts.contains(it.key()))
            merged.contexts.insert(it.key(), it.value());
    }
    if (merged.currentContext.isEmpty())
        merged.currentContext = next.currentContext;
    merged.files += next.files;
}

Result<Kubeconfig> readAndParse(const QString &path)
{
    const QFileInfo info(path);
    const QString absolute = info.absoluteFilePath();
    QFile file(absolute);
    if (info.isDir())
        return kubeError(
            QStringLiteral("cannot read kubeconfig %1: it is a directory").arg(absolute));
    if (!file.open(QIODevice::ReadOnly))
        return kubeError(
            QStringLiteral("cannot read kubeconfig %1: %2").arg(absolute, file.errorString()));
    auto config = parseKubeconfig(file.readAll(), absolute);
    if (config)
        config->files = QStringList{absolute};
    return config;
}

QString filesForMessage(const Kubeconfig &config)
{
    if (config.files.isEmpty())
        return QStringLiteral("no kubeconfig file was found");
    return QStringLiteral("kubeconfig: %1").arg(config.files.join(QStringLiteral(", ")));
}

bool isDnsLabel(const QString &name)
{
    static const QRegularExpression label(QStringLiteral("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"));
    return name.size() <= 63 && label.match(name).hasMatch();
}

Status resolveCluster(const QString &name, const Cluster &cluster, ResolvedContext &out)
{
    const QString owner = described(QStringLiteral("cluster"), name, cluster.origin);
    if (cluster.server.isEmpty())
        return kubeError(QStringLiteral("%1 has no server").arg(owner));
    const QUrl url(cluster.server, QUrl::StrictMode);
    const QString scheme = url.scheme();
    if (!url.isValid() || (scheme != QLatin1String("https") && scheme != QLatin1String("http")) ||
        url.host().isEmpty())
        return kubeError(QStringLiteral("%1: server \"%2\" is not an https:// or http:// URL")
                             .arg(owner, cluster.server));
    out.server = cluster.server;
    out.insecureSkipTlsVerify = cluster.insecureSkipTlsVerify;
    out.tlsServerName = cluster.tlsServerName;
    out.proxyUrl = cluster.proxyUrl;

    if (!cluster.certificateAuthority.isEmpty() && !cluster.certificateAuthorityData.isEmpty())
        return kubeError(QStringLiteral("%1 sets both certificate-authority and "
                                        "certificate-authority-data: keep one")
                             .arg(owner));
    if (!cluster.certificateAuthority.isEmpty()) {
        auto ca = readReferencedFile(cluster.certificateAuthority, "certificate-authority", owner);
        if (!ca)
            return ca.error();
        out.certificateAuthorityData = *ca;
    } else {
        out.certificateAuthorityData = cluster.certificateAuthorityData;
    }
    if (out.insecureSkipTlsVerify && !out.certificateAuthorityData.isEmpty())
        return kubeError(QStringLiteral("%1 sets a certificate authority together with "
                                        "insecure-skip-tls-verify, which kubectl does not allow "
                                        "either: remove one")
                             .arg(owner));
    return {};
}

Status resolveUser(const QString &name, const AuthInfo &user, ResolvedContext &out)
{
    const QString owner = described(QStringLiteral("user"), name, user.origin);
    if (!user.authProvider.isEmpty() && user.exec)
        return kubeError(
            QStringLiteral("%1 sets both auth-provider and exec: keep the exec plugin").arg(owner));
    if (!user.authProvider.isEmpty())
        return kubeError(
            QStringLiteral("%1: auth-provider \"%2\" is not supported, use an exec plugin "
                           "(for GKE: gke-gcloud-auth-plugin)")
                .arg(owner, user.authProvider));

    const bool hasToken = !user.token.isEmpty() || !user.tokenFile.isEmpty();
    const bool hasBasic = !user.username.isEmpty() || !user.password.isEmpty();
    if (!user.token.isEmpty() && hasBasic)
        return kubeError(QStringLiteral("%1 sets more than one authentication method (token and "
                                        "username/password): keep one")
                             .arg(owner));

    // Client certificate: a path or -data, never both, and a key with it.
    const bool hasCert = !user.clientCertificate.isEmpty() || !user.clientCertificateData.isEmpty();
    if (hasCert) {
        if (!user.clientCertificate.isEmpty() && !user.clientCertificateData.isEmpty())
            return kubeError(
                QStringLiteral("%1 sets both client-certificate and client-certificate-data: "
                               "keep one")
                    .arg(owner));
        if (!user.clientKey.isEmpty() && !user.clientKeyData.isEmpty())
            return kubeError(
                QStringLiteral("%1 sets both client-key and client-key-data: keep one").arg(owner));
        if (user.clientKey.isEmpty() && user.clientKeyData.isEmpty())
            return kubeError(QStringLiteral("%1 has a client certificate but no client-key or "
                                            "client-key-data")
                                 .arg(owner));
        if (!user.clientCertificate.isEmpty()) {
            auto cert = readReferencedFile(user.clientCertificate, "client-certificate", owner);
            if (!cert)
                return cert.error();
            out.clientCertificateData = *cert;
        } else {
            out.clientCertificateData = user.clientCertificateData;
        }
        if (!user.clientKey.isEmpty()) {
            auto key = readReferencedFile(user.clientKey, "client-key", owner);
            if (!key)
                return key.error();
            out.clientKeyData = *key;
        } else {
            out.clientKeyData = user.clientKeyData;
        }
    }

    // token wins over tokenFile (kubectl reads the file only when token is empty).
    if (!user.token.isEmpty()) {
        out.token = user.token;
    } else if (!user.tokenFile.isEmpty()) {
        auto bytes = readReferencedFile(user.tokenFile, "tokenFile", owner);
        if (!bytes)
            return bytes.error();
        out.token = QString::fromUtf8(*bytes).trimmed();
        if (out.token.isEmpty())
            return kubeError(
                QStringLiteral("tokenFile %1 of %2 is empty").arg(user.tokenFile, owner));
    }
    out.username = user.username;
    out.password = user.password;

    if (user.exec) {
        if (Status valid = validateExecConfig(*user.exec, name); !valid)
            return valid.error().prefixed(user.origin.toString());
        // kubectl skips the plugin when the user already has a token, basic auth or a cert.
        if (!hasToken && !hasBasic && !hasCert)
            out.exec = user.exec;
        else
            qCDebug(lcKube) << "user" << name
                            << "has static credentials; its exec plugin is not used";
    }
    return {};
}

} // namespace

QStringList kubeconfigFiles()
{
    const QString env = qEnvironmentVariable("KUBECONFIG");
    QStringList files = env.split(QDir::listSeparator(), Qt::SkipEmptyParts);
    files.removeDuplicates();
    if (files.isEmpty())
        files << QDir::homePath() + QStringLiteral("/.kube/config");
    return files;
}

Result<Kubeconfig> loadKubeconfig(const QStringList &files)
{
    Kubeconfig merged;
    QStringList seen;
    for (const QString &file : files) {
        if (file.isEmpty())
            continue;
        const QString absolute = QFileInfo(file).absoluteFilePath();
        if (seen.contains(absolute))
            continue;
        seen << absolute;
        if (!QFileInfo::exists(absolute)) {
            qCDebug(lcKube) << "kubeconfig" << absolute << "does not exist; skipped";
            continue;
        }
        auto config = readAndParse(absolute);
        if (!config)
            return config.error();
        mergeInto(merged, *config);
    }
    return merged;
}

Result<Kubeconfig> loadKubeconfigFor(const QString &explicitPath)
{
    if (explicitPath.isEmpty())
        return loadKubeconfig(kubeconfigFiles());
    if (!QFileInfo::exists(explicitPath))
        return kubeError(QStringLiteral("kubeconfig %1 does not exist").arg(explicitPath));
    return readAndParse(explicitPath);
}

Status validateExecConfig(const ExecConfig &exec, const QString &userName)
{
    const QString user = QStringLiteral("user \"%1\"").arg(userName);
    if (exec.command.isEmpty())
        return kubeError(QStringLiteral("%1: exec plugin config needs a command").arg(user));
    if (exec.apiVersion.isEmpty())
        return kubeError(QStringLiteral("%1: exec plugin config needs an apiVersion "
                                        "(client.authentication.k8s.io/v1 or v1beta1)")
                             .arg(user));
    const bool v1 = exec.apiVersion == QLatin1String("client.authentication.k8s.io/v1");
    const bool v1beta1 = exec.apiVersion == QLatin1String("client.authentication.k8s.io/v1beta1");
    if (!v1 && !v1beta1)
        return kubeError(QStringLiteral("%1: exec plugin apiVersion \"%2\" is not supported (use "
                                        "client.authentication.k8s.io/v1 or v1beta1)")
                             .arg(user, exec.apiVersion));
    for (const ExecEnvVar &var : exec.env) {
        if (var.name.isEmpty())
            return kubeError(QStringLiteral("%1: an exec plugin env entry has no name").arg(user));
    }
    static const QStringList modes = {"Never", "IfAvailable", "Always"};
    if (exec.interactiveMode.isEmpty() && v1)
        return kubeError(
            QStringLiteral("%1: exec plugin config for v1 needs interactiveMode (Never, "
                           "IfAvailable or Always), as kubectl requires")
                .arg(user));
    if (!exec.interactiveMode.isEmpty() && !modes.contains(exec.interactiveMode))
        return kubeError(QStringLiteral("%1: invalid exec interactiveMode \"%2\" (expected Never, "
                                        "IfAvailable or Always)")
                             .arg(user, exec.interactiveMode));
    return {};
}

Result<ResolvedContext> resolveContext(const Kubeconfig &config, const QString &contextName)
{
    const QString name = contextName.isEmpty() ? config.currentContext : contextName;
    if (name.isEmpty())
        return kubeError(QStringLiteral("no current context is set and none was named (%1)")
                             .arg(filesForMessage(config)));
    const auto context = config.contexts.constFind(name);
    if (context == config.contexts.cend())
        return kubeError(QStringLiteral("context \"%1\" is not defined (%2)")
                             .arg(name, filesForMessage(config)));

    ResolvedContext out;
    out.contextName = name;
    out.clusterName = context->cluster;
    out.userName = context->user;
    const QString owner = described(QStringLiteral("context"), name, context->origin);

    if (context->cluster.isEmpty())
        return kubeError(QStringLiteral("%1 names no cluster").arg(owner));
    const auto cluster = config.clusters.constFind(context->cluster);
    if (cluster == config.clusters.cend())
        return kubeError(QStringLiteral("%1 names cluster \"%2\", which is not defined")
                             .arg(owner, context->cluster));
    if (Status s = resolveCluster(context->cluster, *cluster, out); !s)
        return s.error();

    // No user = anonymous requests (kubectl allows that too).
    if (!context->user.isEmpty()) {
        const auto user = config.users.constFind(context->user);
        if (user == config.users.cend())
            return kubeError(QStringLiteral("%1 names user \"%2\", which is not defined")
                                 .arg(owner, context->user));
        if (Status s = resolveUser(context->user, *user, out); !s)
            return s.error();
    }

    if (!context->ns.isEmpty()) {
        if (!isDnsLabel(context->ns))
            return kubeError(QStringLiteral("%1: namespace \"%2\" is not a valid namespace name "
                                            "(lower-case DNS label)")
                                 .arg(owner, context->ns));
        out.ns = context->ns;
    }
    return out;
}

} // namespace sluice::kube
