#include "Mirror.h"

#include "GitHandles.h"
#include "core/Log.h"
#include "core/Paths.h"
#include "core/Process.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QUrl>

// Fetching remotes into bare cache mirrors. Threading: fetchMirror blocks the calling (worker)
// thread; its callbacks run on that thread. Two concurrent fetches of the same URL are not
// coordinated here (libgit2's ref locks make the loser fail); callers serialise per URL.

namespace sluice::git {

namespace {

const QRegularExpression &schemeRe()
{
    static const QRegularExpression re(QStringLiteral("^([A-Za-z][A-Za-z0-9+.-]*)://"));
    return re;
}

// scp-like syntax as git reads it: [user@]host:path, with no '/' before the first ':'.
bool isScpLike(const QString &s, QString *host = nullptr, QString *path = nullptr)
{
    const qsizetype colon = s.indexOf(QLatin1Char(':'));
    if (colon <= 0 || colon + 1 >= s.size())
        return false;
    const qsizetype slash = s.indexOf(QLatin1Char('/'));
    if (slash >= 0 && slash < colon)
        return false;
    QString userHost = s.left(colon);
    if (userHost.contains(QLatin1Char(' ')))
        return false;
    const qsizetype at = userHost.lastIndexOf(QLatin1Char('@'));
    if (host)
        *host = at >= 0 ? userHost.mid(at + 1) : userHost;
    if (path)
        *path = s.mid(colon + 1);
    return !(at >= 0 ? userHost.mid(at + 1) : userHost).isEmpty();
}

// The URL without secrets, for messages and logs: no password, and for http(s) no user either
// (a token is often passed as the user name).
QString redactUrl(const QString &url)
{
    if (!schemeRe().match(url).hasMatch())
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

struct FetchContext
{
    QString url;        // as given; may carry secrets: never logged
    QString displayUrl; // redacted
    const FetchOptions *options = nullptr;
    int sshStep = 0;
    bool usernameGiven = false;
    int userpassAttempts = 0;
    bool credentialsOffered = false;
    bool credentialsExhausted = false;
    bool hostKeyRejected = false;
    bool certificateRejected = false;
    QString rejectedHost;
    bool cancelled = false;

    bool checkCancel()
    {
        if (options->cancel.isCancelled())
            cancelled = true;
        return cancelled;
    }
};

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
    auto *ctx = static_cast<FetchContext *>(payload);
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
            if (credentialFill(QString::fromUtf8(url), fromUrl, &name, &password,
                               ctx->options->cancel)) {
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
    auto *ctx = static_cast<FetchContext *>(payload);
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

int transferProgressCb(const git_indexer_progress *stats, void *payload)
{
    auto *ctx = static_cast<FetchContext *>(payload);
    if (ctx->options->progress)
        ctx->options->progress(stats->received_objects, stats->total_objects,
                               QStringLiteral("receiving objects"));
    return ctx->checkCancel() ? GIT_EUSER : 0;
}

int sidebandCb(const char *, int, void *payload)
{
    return static_cast<FetchContext *>(payload)->checkCancel() ? GIT_EUSER : 0;
}

bool containsAny(const QString &text, std::initializer_list<const char *> needles)
{
    for (const char *n : needles) {
        if (text.contains(QLatin1String(n), Qt::CaseInsensitive))
            return true;
    }
    return false;
}

// Maps a failed fetch to an Error naming the remote and the reason. Call right after the
// failing libgit2 call (reads the thread-local error).
Error fetchError(const FetchContext &ctx, int rc)
{
    const git_error *last = git_error_last();
    const int klass = last ? last->klass : GIT_ERROR_NONE;
    QString detail = lastGitMessage();
    if (!ctx.url.isEmpty() && ctx.url != ctx.displayUrl)
        detail.replace(ctx.url, ctx.displayUrl);
    const QString prefix = QStringLiteral("fetch of %1 failed: ").arg(ctx.displayUrl);

    if (ctx.cancelled || (rc == GIT_EUSER && ctx.options->cancel.isCancelled()))
        return makeError(ErrorCategory::Cancelled,
                         QStringLiteral("fetch of %1 was cancelled").arg(ctx.displayUrl), {},
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
    return makeError(ErrorCategory::Git, prefix + reason, detail, rc);
}

} // namespace

bool isRemoteUrl(const QString &source)
{
    const QString s = source.trimmed();
    if (schemeRe().match(s).hasMatch())
        return true;
    return isScpLike(s);
}

QString mirrorPathFor(const QString &url, const QString &cacheRoot)
{
    const QString root =
        cacheRoot.isEmpty() ? sluice::cacheDir() + QLatin1String("/repos") : cacheRoot;
    QString host, path;
    if (schemeRe().match(url).hasMatch()) {
        const QUrl u(url);
        host = u.host();
        path = u.path();
    } else if (!isScpLike(url, &host, &path)) {
        path = url;
    }
    QString name = host + QLatin1Char('-') + path;
    if (name.endsWith(QLatin1String(".git")))
        name.chop(4);
    static const QRegularExpression unsafe(QStringLiteral("[^A-Za-z0-9._]+"));
    name.replace(unsafe, QStringLiteral("-"));
    while (name.startsWith(QLatin1Char('-')) || name.startsWith(QLatin1Char('.')))
        name.remove(0, 1);
    while (name.endsWith(QLatin1Char('-')) || name.endsWith(QLatin1Char('.')))
        name.chop(1);
    if (name.size() > 80)
        name = name.right(80);
    if (name.isEmpty())
        name = QStringLiteral("repo");
    const QByteArray hash = QCryptographicHash::hash(url.toUtf8(), QCryptographicHash::Sha1);
    return root + QLatin1Char('/') + name + QLatin1Char('-') +
           QString::fromLatin1(hash.toHex().left(8)) + QLatin1String(".git");
}

Result<QString> fetchMirror(const QString &url, const FetchOptions &options)
{
    ensureLibgit2();
    FetchContext ctx;
    ctx.url = url;
    ctx.displayUrl = redactUrl(url);
    ctx.options = &options;

    const QString path = mirrorPathFor(url, options.cacheRoot);
    const bool fresh = !QFileInfo::exists(path + QLatin1String("/HEAD"));
    auto cleanup = [&] {
        if (fresh)
            QDir(path).removeRecursively(); // never leave a half-made mirror behind
    };
    if (!QDir().mkpath(QFileInfo(path).path()))
        return makeError(
            ErrorCategory::Io,
            QStringLiteral("cannot create the cache directory %1").arg(QFileInfo(path).path()));

    const QByteArray nativePath = QFile::encodeName(path);
    git_repository *rawRepo = nullptr;
    const int openRc = fresh ? git_repository_init(&rawRepo, nativePath.constData(), 1)
                             : git_repository_open_bare(&rawRepo, nativePath.constData());
    if (openRc < 0) {
        Error e = gitError(QStringLiteral("cannot %1 the mirror %2 of %3")
                               .arg(fresh ? QStringLiteral("create") : QStringLiteral("open"), path,
                                    ctx.displayUrl),
                           openRc);
        cleanup();
        return e;
    }
    RepositoryHandle repo(rawRepo);

    const QByteArray urlUtf8 = url.toUtf8();
    git_remote *rawRemote = nullptr;
    int rc = git_remote_lookup(&rawRemote, repo.get(), "origin");
    if (rc == GIT_ENOTFOUND) {
        rc = git_remote_create_with_fetchspec(&rawRemote, repo.get(), "origin", urlUtf8.constData(),
                                              "+refs/heads/*:refs/heads/*");
        for (const char *spec : {"+refs/tags/*:refs/tags/*", "+refs/pull/*/head:refs/pull/*/head",
                                 "+refs/merge-requests/*/head:refs/merge-requests/*/head"}) {
            if (rc == 0)
                rc = git_remote_add_fetch(repo.get(), "origin", spec);
        }
        if (rc == 0) { // reload: add_fetch changes the config, not the loaded remote
            git_remote_free(rawRemote);
            rawRemote = nullptr;
            rc = git_remote_lookup(&rawRemote, repo.get(), "origin");
        }
    }
    if (rc < 0) {
        Error e =
            gitError(QStringLiteral("cannot configure the mirror of %1").arg(ctx.displayUrl), rc);
        e.message.replace(url, ctx.displayUrl);
        git_remote_free(rawRemote);
        cleanup();
        return e;
    }
    RemoteHandle remote(rawRemote);

    git_fetch_options opts = GIT_FETCH_OPTIONS_INIT;
    opts.prune = GIT_FETCH_PRUNE;
    opts.callbacks.credentials = credentialsCb;
    opts.callbacks.certificate_check = certificateCb;
    opts.callbacks.transfer_progress = transferProgressCb;
    opts.callbacks.sideband_progress = sidebandCb;
    opts.callbacks.payload = &ctx;

    qCDebug(lcGit) << "fetching" << ctx.displayUrl << "into" << path;
    if (ctx.checkCancel()) {
        cleanup();
        return fetchError(ctx, GIT_EUSER);
    }
    rc = git_remote_fetch(remote.get(), nullptr, &opts, "sluice: fetch");
    if (rc < 0) {
        Error e = fetchError(ctx, rc);
        qCDebug(lcGit) << e.toString();
        remote.reset(); // close before removing a fresh mirror
        repo.reset();
        cleanup();
        return e;
    }

    // Point the mirror's HEAD at the remote's default branch, so "HEAD" resolves like upstream.
    git_buf head = GIT_BUF_INIT;
    if (git_remote_default_branch(&head, remote.get()) == 0) {
        git_reference *ref = nullptr;
        if (git_reference_lookup(&ref, repo.get(), head.ptr) == 0) {
            git_reference_free(ref);
            git_repository_set_head(repo.get(), head.ptr);
        }
        git_buf_dispose(&head);
    }
    git_error_clear();
    if (options.progress)
        options.progress(1, 1, QStringLiteral("fetched"));
    return path;
}

} // namespace sluice::git
