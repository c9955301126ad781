#include "RemoteCallbacks.h"

#include "GitHandles.h"
#include "TlsCertificates.h"
#include "core/Log.h"
#include "core/Process.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QUrl>

namespace sluice::git {

namespace {

QStringList sshKeyFiles()
{
    QStringList keys;
    const QString dir = QDir::homePath() + QLatin1String("/.ssh/");
    for (const char *name : {"id_ed25519", "id_ecdsa", "id_rsa"}) {
        const QString path = dir + QLatin1String(name);
        if (QFileInfo::exists(path))
            keys.append(path);
    }
    return keys;
}

// `git credential fill` for an https URL; false when git has nothing (or prompting is off).
bool credentialFill(const QString &url, const QString &userFromUrl, QByteArray *user,
                    QByteArray *password, const CancelToken &cancel)
{
    const QUrl u(url);
    QByteArray input = "protocol=" + u.scheme().toUtf8() + "\nhost=" + u.host().toUtf8();
    if (u.port() > 0)
        input += ':' + QByteArray::number(u.port());
    input += "\npath=" + u.path().mid(1).toUtf8() + '\n';
    if (!userFromUrl.isEmpty())
        input += "username=" + userFromUrl.toUtf8() + '\n';
    input += '\n';
    ToolRun run;
    run.program = QStringLiteral("git");
    run.arguments = {QStringLiteral("credential"), QStringLiteral("fill")};
    run.standardInput = input;
    run.timeoutMs = 60000;
    run.extraEnvironment = {QStringLiteral("GIT_TERMINAL_PROMPT=0")};
    Result<ToolOutput> out = runTool(run, cancel);
    if (!out) {
        qCDebug(lcGit) << "git credential fill found no credentials for" << redactUrl(url);
        return false;
    }
    for (const QByteArray &line : out->standardOutput.split('\n')) {
        if (line.startsWith("username="))
            *user = line.mid(9);
        else if (line.startsWith("password="))
            *password = line.mid(9);
    }
    out->standardOutput.fill('\0');
    return !user->isEmpty() && !password->isEmpty();
}

int credentialsCb(git_credential **out, const char *url, const char *usernameFromUrl,
                  unsigned int allowed, void *payload)
{
    auto *ctx = static_cast<RemoteCallbackContext *>(payload);
    if (ctx->checkCancel())
        return GIT_EUSER;
    const QByteArray user =
        (usernameFromUrl && *usernameFromUrl) ? QByteArray(usernameFromUrl) : QByteArray("git");
    if (allowed & GIT_CREDENTIAL_USERNAME) {
        if (!ctx->usernameGiven) {
            ctx->usernameGiven = true;
            return git_credential_username_new(out, user.constData());
        }
    }
    if (allowed & GIT_CREDENTIAL_SSH_KEY) {
        const QStringList keys = sshKeyFiles();
        // Step 0: ssh-agent; steps 1..n: key files. libgit2 calls back after each failure.
        while (ctx->sshStep <= keys.size()) {
            const int step = ctx->sshStep++;
            if (step == 0) {
                if (qEnvironmentVariableIsEmpty("SSH_AUTH_SOCK"))
                    continue;
                ctx->credentialsOffered = true;
                qCDebug(lcGit) << "trying ssh-agent for" << ctx->displayUrl;
                return git_credential_ssh_key_from_agent(out, user.constData());
            }
            const QString key = keys.at(step - 1);
            const QString pub = key + QLatin1String(".pub");
            const QByteArray keyPath = QFile::encodeName(key);
            const QByteArray pubPath = QFile::encodeName(pub);
            ctx->credentialsOffered = true;
            qCDebug(lcGit) << "trying key" << key << "for" << ctx->displayUrl;
            return git_credential_ssh_key_new(
                out, user.constData(), QFileInfo::exists(pub) ? pubPath.constData() : nullptr,
                keyPath.constData(), nullptr);
        }
    }
    if (allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) {
        if (ctx->userpassAttempts++ == 0) {
            QByteArray name, password;
            const QString fromUrl = (usernameFromUrl && *usernameFromUrl)
                                        ? QString::fromUtf8(usernameFromUrl)
                                        : QString();
            if (credentialFill(QString::fromUtf8(url), fromUrl, &name, &password, ctx->cancel)) {
                ctx->credentialsOffered = true;
                const int rc = git_credential_userpass_plaintext_new(out, name.constData(),
                                                                     password.constData());
                password.fill('\0');
                return rc;
            }
        }
    }
    ctx->credentialsExhausted = true;
    git_error_set_str(GIT_ERROR_NET, "no more credentials to try");
    return GIT_EAUTH;
}

int certificateCb(git_cert *cert, int valid, const char *host, void *payload)
{
    auto *ctx = static_cast<RemoteCallbackContext *>(payload);
    if (ctx->checkCancel())
        return GIT_EUSER;
    if (valid)
        return 0;
    ctx->rejectedHost = QString::fromUtf8(host ? host : "");
    if (cert->cert_type == GIT_CERT_HOSTKEY_LIBSSH2)
        ctx->hostKeyRejected = true;
    else
        ctx->certificateRejected = true;
    git_error_set_str(GIT_ERROR_NET, "certificate rejected");
    return GIT_ECERTIFICATE;
}

bool containsAny(const QString &text, std::initializer_list<const char *> needles)
{
    for (const char *n : needles) {
        if (text.contains(QLatin1String(n), Qt::CaseInsensitive))
            return true;
    }
    return false;
}

} // namespace

const QRegularExpression &urlSchemeRe()
{
    static const QRegularExpression re(QStringLiteral("^([A-Za-z][A-Za-z0-9+.-]*)://"));
    return re;
}

QString redactUrl(const QString &url)
{
    if (!urlSchemeRe().match(url).hasMatch())
        return url;
    QUrl u(url);
    if (!u.isValid())
        return url.section(QLatin1Char('@'), -1); // crude but never leaks userinfo
    const QString scheme = u.scheme().toLower();
    if (scheme == QLatin1String("http") || scheme == QLatin1String("https"))
        u.setUserInfo({});
    else
        u.setPassword({});
    return u.toString();
}

bool RemoteCallbackContext::checkCancel()
{
    if (cancel.isCancelled())
        cancelled = true;
    return cancelled;
}

void RemoteCallbackContext::install(git_remote_callbacks *callbacks)
{
    loadCertificatesForTransfer(); // before the first connection (see TlsCertificates.h)
    callbacks->credentials = credentialsCb;
    callbacks->certificate_check = certificateCb;
    callbacks->payload = this;
}

Error remoteError(const RemoteCallbackContext &ctx, int rc, const QString &what)
{
    const git_error *last = git_error_last();
    const int klass = last ? last->klass : GIT_ERROR_NONE;
    QString detail = lastGitMessage();
    if (!ctx.url.isEmpty() && ctx.url != ctx.displayUrl)
        detail.replace(ctx.url, ctx.displayUrl);

    if (ctx.cancelled || (rc == GIT_EUSER && ctx.cancel.isCancelled()))
        return makeError(ErrorCategory::Cancelled, what + QLatin1String(" was cancelled"), {},
                         GIT_EUSER);
    QString reason;
    if (ctx.hostKeyRejected) {
        reason = QStringLiteral("host key for %1 is not trusted: connect once with ssh to check "
                                "and add it to ~/.ssh/known_hosts")
                     .arg(ctx.rejectedHost);
    } else if (ctx.certificateRejected || rc == GIT_ECERTIFICATE) {
        reason = QStringLiteral("the TLS certificate of %1 is not trusted").arg(ctx.rejectedHost);
    } else if (rc == GIT_EAUTH || ctx.credentialsExhausted ||
               containsAny(detail, {"authentication", "401", "403", "credentials", "unauthorized",
                                    "permission denied (publickey"})) {
        reason = ctx.credentialsOffered
                     ? QStringLiteral("authentication failed: check the ssh key, agent or "
                                      "token for this remote")
                     : QStringLiteral("authentication required: load a key into ssh-agent, add "
                                      "one to ~/.ssh, or store a token with a git credential "
                                      "helper");
    } else if (containsAny(detail,
                           {"could not find repository", "repository not found", "not found", "404",
                            "not exported", "does not appear to be", "not a git repository",
                            "no such file or directory", "does not exist"})) {
        reason = QStringLiteral("repository not found");
    } else if (klass == GIT_ERROR_NET || klass == GIT_ERROR_SSL || klass == GIT_ERROR_SSH ||
               klass == GIT_ERROR_OS ||
               containsAny(detail, {"failed to connect", "connection refused", "resolve",
                                    "timed out", "unreachable", "no route"})) {
        if (containsAny(detail, {"resolve", "name or service"}))
            reason = QStringLiteral("network error: could not resolve the host name");
        else if (containsAny(detail, {"connect", "refused", "unreachable", "no route"}))
            reason = QStringLiteral("network error: could not connect");
        else
            reason = QStringLiteral("network error");
    } else {
        reason = QStringLiteral("git error");
    }
    return makeError(ErrorCategory::Git, what + QLatin1String(" failed: ") + reason, detail, rc);
}

} // namespace sluice::git
