#include "ExecCredential.h"

#include "core/Log.h"
#include "core/Process.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutexLocker>
#include <QRegularExpression>

#include <map>

namespace sluice::kube {
namespace {

Error kubeError(const QString &message, const QString &detail = {}, int code = 0)
{
    return makeError(ErrorCategory::Kube, message, detail, code);
}

QString pluginName(const QString &command)
{
    return QStringLiteral("exec credential plugin %1").arg(command);
}

// An optional string member; absent or null is empty, another type is an error.
Status stringMember(const QJsonObject &object, const char *key, QString &out,
                    const QString &command)
{
    const QJsonValue value = object.value(QLatin1String(key));
    if (value.isUndefined() || value.isNull())
        return {};
    if (!value.isString())
        return kubeError(
            QStringLiteral("%1 returned an ExecCredential whose status.%2 is not a string")
                .arg(pluginName(command), QLatin1String(key)));
    out = value.toString();
    return {};
}

// RFC 3339 as metav1.Time reads it: a zone is required, fractional seconds optional.
std::optional<QDateTime> parseRfc3339(const QString &text)
{
    static const QRegularExpression rfc3339(QStringLiteral(
        "^\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})$"));
    if (!rfc3339.match(text).hasMatch())
        return std::nullopt;
    QString normalized = text;
    normalized[10] = QLatin1Char('T');
    if (normalized.endsWith(QLatin1Char('z')))
        normalized[normalized.size() - 1] = QLatin1Char('Z');
    // Qt reads at most milliseconds: drop finer digits.
    static const QRegularExpression longFraction(QStringLiteral("(\\.\\d{3})\\d+"));
    normalized.replace(longFraction, QStringLiteral("\\1"));
    const QDateTime parsed = QDateTime::fromString(normalized, Qt::ISODateWithMs);
    if (!parsed.isValid())
        return std::nullopt;
    return parsed.toUTC();
}

} // namespace

ExecCluster execClusterFor(const ResolvedContext &context)
{
    ExecCluster cluster;
    cluster.server = context.server;
    cluster.certificateAuthorityData = context.certificateAuthorityData;
    cluster.insecureSkipTlsVerify = context.insecureSkipTlsVerify;
    cluster.tlsServerName = context.tlsServerName;
    cluster.proxyUrl = context.proxyUrl;
    return cluster;
}

QByteArray execInfoJson(const ExecPluginRun &run)
{
    QJsonObject spec{{QStringLiteral("interactive"), false}};
    if (run.config.provideClusterInfo) {
        // Field names of client.authentication.k8s.io Cluster; empty optional fields are omitted.
        QJsonObject cluster{{QStringLiteral("server"), run.cluster.server}};
        if (!run.cluster.tlsServerName.isEmpty())
            cluster.insert(QStringLiteral("tls-server-name"), run.cluster.tlsServerName);
        if (run.cluster.insecureSkipTlsVerify)
            cluster.insert(QStringLiteral("insecure-skip-tls-verify"), true);
        if (!run.cluster.certificateAuthorityData.isEmpty())
            cluster.insert(QStringLiteral("certificate-authority-data"),
                           QString::fromLatin1(run.cluster.certificateAuthorityData.toBase64()));
        if (!run.cluster.proxyUrl.isEmpty())
            cluster.insert(QStringLiteral("proxy-url"), run.cluster.proxyUrl);
        spec.insert(QStringLiteral("cluster"), cluster);
    }
    const QJsonObject info{
        {QStringLiteral("apiVersion"), run.config.apiVersion},
        {QStringLiteral("kind"), QStringLiteral("ExecCredential")},
        {QStringLiteral("spec"), spec},
    };
    return QJsonDocument(info).toJson(QJsonDocument::Compact);
}

Result<ExecCredential> parseExecCredential(const QByteArray &output, const QString &apiVersion,
                                           const QString &command)
{
    const QString plugin = pluginName(command);
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(output, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return kubeError(
            QStringLiteral("%1 did not print an ExecCredential JSON object on stdout "
                           "(%2 at offset %3)")
                .arg(plugin, parseError.error != QJsonParseError::NoError
                                 ? parseError.errorString()
                                 : QStringLiteral("not an object"))
                .arg(parseError.error != QJsonParseError::NoError ? parseError.offset : 0));
    const QJsonObject object = document.object();

    const QJsonValue returnedVersion = object.value(QLatin1String("apiVersion"));
    if (!returnedVersion.isString() || returnedVersion.toString().isEmpty())
        return kubeError(
            QStringLiteral("%1 returned an ExecCredential without apiVersion (expected %2)")
                .arg(plugin, apiVersion));
    if (returnedVersion.toString() != apiVersion)
        return kubeError(QStringLiteral("%1 is configured to use API version %2, but it returned "
                                        "version %3")
                             .arg(plugin, apiVersion, returnedVersion.toString().left(100)));
    if (object.value(QLatin1String("kind")).toString() != QLatin1String("ExecCredential"))
        return kubeError(
            QStringLiteral("%1 returned an object whose kind is not ExecCredential").arg(plugin));

    const QJsonValue statusValue = object.value(QLatin1String("status"));
    if (!statusValue.isObject())
        return kubeError(QStringLiteral("%1 did not return a status field").arg(plugin));
    const QJsonObject status = statusValue.toObject();

    ExecCredential credential;
    QString cert;
    QString key;
    QString expiration;
    if (Status s = stringMember(status, "token", credential.token, command); !s)
        return s.error();
    if (Status s = stringMember(status, "clientCertificateData", cert, command); !s)
        return s.error();
    if (Status s = stringMember(status, "clientKeyData", key, command); !s)
        return s.error();
    if (Status s = stringMember(status, "expirationTimestamp", expiration, command); !s)
        return s.error();
    if (credential.token.isEmpty() && cert.isEmpty() && key.isEmpty())
        return kubeError(QStringLiteral("%1 did not return a token or a client certificate and key")
                             .arg(plugin));
    if (cert.isEmpty() != key.isEmpty())
        return kubeError(
            QStringLiteral("%1 returned only a client certificate or only a key, not both")
                .arg(plugin));
    credential.clientCertificateData = cert.toUtf8();
    credential.clientKeyData = key.toUtf8();
    if (!expiration.isEmpty()) {
        credential.expiration = parseRfc3339(expiration);
        if (!credential.expiration)
            return kubeError(
                QStringLiteral("%1 returned a status.expirationTimestamp that is not an "
                               "RFC 3339 time")
                    .arg(plugin));
    }
    return credential;
}

Result<ExecCredential> runExecPlugin(const ExecPluginRun &run, const CancelToken &cancel)
{
    const ExecConfig &config = run.config;
    if (Status valid = validateExecConfig(config, run.userName); !valid)
        return valid.error();
    const QString plugin = pluginName(config.command);
    const QString owner = QStringLiteral("user \"%1\"").arg(run.userName);
    if (config.interactiveMode == QLatin1String("Always"))
        return kubeError(
            QStringLiteral("%1 of %2 needs interactiveMode Always, but Sluice runs plugins "
                           "without a terminal: log in with the tool first, or set "
                           "interactiveMode to IfAvailable or Never")
                .arg(plugin, owner));
    if (findTool(config.command).isEmpty())
        return kubeError(
            QStringLiteral("%1 of %2: executable %3 not found").arg(plugin, owner, config.command),
            config.installHint);

    ToolRun tool;
    tool.program = config.command;
    tool.arguments = config.args;
    tool.timeoutMs = run.timeoutMs;
    tool.maxOutputBytes = kMaxExecPluginOutput;
    for (const ExecEnvVar &var : config.env)
        tool.extraEnvironment << var.name + QLatin1Char('=') + var.value;
    tool.extraEnvironment << QStringLiteral("KUBERNETES_EXEC_INFO=") +
                                 QString::fromUtf8(execInfoJson(run));

    qCDebug(lcKube) << "running exec credential plugin" << config.command;
    QElapsedTimer timer;
    timer.start();
    auto output = runTool(tool, cancel);
    if (!output) {
        const Error &error = output.error();
        if (error.category == ErrorCategory::Cancelled)
            return error.prefixed(QStringLiteral("%1 of %2").arg(plugin, owner));
        QString detail = error.detail.trimmed();
        if (!config.installHint.isEmpty())
            detail += (detail.isEmpty() ? QString() : QStringLiteral("\n")) +
                      config.installHint.trimmed();
        if (error.code != 0)
            return kubeError(QStringLiteral("%1 of %2 failed with exit code %3")
                                 .arg(plugin, owner, QString::number(error.code)),
                             detail, error.code);
        if (timer.elapsed() >= run.timeoutMs)
            return kubeError(QStringLiteral("%1 of %2 timed out after %3 ms")
                                 .arg(plugin, owner, QString::number(run.timeoutMs)),
                             detail);
        return kubeError(QStringLiteral("%1 of %2: %3").arg(plugin, owner, error.message), detail);
    }
    return parseExecCredential(output->standardOutput, config.apiVersion, config.command);
}

ExecCredentialCache::ExecCredentialCache(ExecPluginRun run, int expirySkewMs)
    : m_run(std::move(run)), m_expirySkewMs(expirySkewMs)
{
}

bool ExecCredentialCache::isFreshLocked() const
{
    if (!m_cached)
        return false;
    if (!m_cached->expiration)
        return true;
    return QDateTime::currentDateTimeUtc() < m_cached->expiration->addMSecs(-m_expirySkewMs);
}

Result<ExecCredential> ExecCredentialCache::credential(const CancelToken &cancel)
{
    QMutexLocker locker(&m_mutex);
    if (isFreshLocked())
        return *m_cached;
    m_cached.reset();
    auto fresh = runExecPlugin(m_run, cancel);
    if (fresh)
        m_cached = *fresh;
    return fresh;
}

void ExecCredentialCache::invalidate(const ExecCredential &rejected)
{
    QMutexLocker locker(&m_mutex);
    if (m_cached && m_cached->token == rejected.token && m_cached->clientCertificateData == rejected.clientCertificateData)
        m_cached.reset();
}

std::shared_ptr<ExecCredentialCache> sharedExecCredentialCache(const ExecPluginRun &run)
{
    QJsonArray env;
    for (const ExecEnvVar &var : run.config.env)
        env.append(QJsonArray{var.name, var.value});
    const QByteArray key = execInfoJson(run) +
                           QJsonDocument(QJsonArray{run.config.command, QJsonArray::fromStringList(run.config.args), env,
                                                    run.config.interactiveMode, run.userName, run.timeoutMs})
                               .toJson(QJsonDocument::Compact);
    static QMutex mutex;
    static std::map<QByteArray, std::shared_ptr<ExecCredentialCache>> caches;
    QMutexLocker locker(&mutex);
    std::shared_ptr<ExecCredentialCache> &cache = caches[key];
    if (!cache)
        cache = std::make_shared<ExecCredentialCache>(run);
    return cache;
}

} // namespace sluice::kube
