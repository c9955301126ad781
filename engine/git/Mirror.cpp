#include "Mirror.h"

#include "GitHandles.h"
#include "RemoteCallbacks.h"
#include "core/Log.h"
#include "core/Paths.h"

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

// A fetch's callback state: the shared credential state plus the caller's options.
struct FetchContext : RemoteCallbackContext
{
    const FetchOptions *options = nullptr;

    static FetchContext *fromPayload(void *payload)
    {
        return static_cast<FetchContext *>(static_cast<RemoteCallbackContext *>(payload));
    }
};

int transferProgressCb(const git_indexer_progress *stats, void *payload)
{
    auto *ctx = FetchContext::fromPayload(payload);
    if (ctx->options->progress)
        ctx->options->progress(stats->received_objects, stats->total_objects,
                               QStringLiteral("receiving objects"));
    return ctx->checkCancel() ? GIT_EUSER : 0;
}

int sidebandCb(const char *, int, void *payload)
{
    return FetchContext::fromPayload(payload)->checkCancel() ? GIT_EUSER : 0;
}

// Maps a failed fetch to an Error naming the remote and the reason. Call right after the
// failing libgit2 call (reads the thread-local error).
Error fetchError(const FetchContext &ctx, int rc)
{
    return remoteError(ctx, rc, QStringLiteral("fetch of %1").arg(ctx.displayUrl));
}

} // namespace

bool isRemoteUrl(const QString &source)
{
    const QString s = source.trimmed();
    if (urlSchemeRe().match(s).hasMatch())
        return true;
    return isScpLike(s);
}

QString mirrorPathFor(const QString &url, const QString &cacheRoot)
{
    const QString root =
        cacheRoot.isEmpty() ? sluice::cacheDir() + QLatin1String("/repos") : cacheRoot;
    QString host, path;
    if (urlSchemeRe().match(url).hasMatch()) {
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
    ctx.cancel = options.cancel;
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
    ctx.install(&opts.callbacks);
    opts.callbacks.transfer_progress = transferProgressCb;
    opts.callbacks.sideband_progress = sidebandCb;

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
