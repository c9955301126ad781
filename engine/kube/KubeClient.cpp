#include "KubeClient.h"

#include "ExecCredential.h"
#include "HttpExchange.h"
#include "core/JsonText.h"
#include "core/Log.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSemaphore>
#include <QSslKey>
#include <QThread>
#include <QThreadStorage>
#include <QUrlQuery>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <optional>

namespace sluice::kube {

namespace {

// One connection per (thread, client): a socket belongs to the thread that made it, and a call
// blocks its thread, so a thread's requests to one client go one after another over one kept
// connection. Two clients (another server, CA or client certificate) never share one. The
// connections of a thread are closed when the thread ends, and those of clients destroyed
// meanwhile when the thread next opens one (a status check makes a client each time).
struct ThreadConnections
{
    std::map<quint64, std::unique_ptr<ApiConnection>> byClient;
};

// The ids of the clients not destroyed yet.
struct LiveClients
{
    std::mutex mutex;
    std::set<quint64> ids;
};

LiveClients &liveClients()
{
    static LiveClients live;
    return live;
}

QThreadStorage<ThreadConnections *> &threadConnections()
{
    static QThreadStorage<ThreadConnections *> connections;
    return connections;
}

ApiConnection &connectionFor(quint64 clientId, const HttpEndpoint &endpoint, const QSslConfiguration &tls)
{
    QThreadStorage<ThreadConnections *> &connections = threadConnections();
    if (!connections.hasLocalData()) {
        connections.setLocalData(new ThreadConnections);
        // The main thread's connections must go before QCoreApplication does, not at exit.
        if (QCoreApplication::instance() && QThread::currentThread() == QCoreApplication::instance()->thread())
            qAddPostRoutine([] { threadConnections().localData()->byClient.clear(); });
    }
    auto &byClient = connections.localData()->byClient;
    if (!byClient.contains(clientId)) {
        LiveClients &live = liveClients();
        std::lock_guard lock(live.mutex);
        std::erase_if(byClient, [&](const auto &entry) { return !live.ids.contains(entry.first); });
    }
    auto &slot = byClient[clientId];
    if (!slot)
        slot = std::make_unique<ApiConnection>(endpoint, tls);
    return *slot;
}

quint64 nextClientId()
{
    static std::atomic<quint64> next{1};
    return next++;
}

Result<QSslKey> parseKey(const QByteArray &pem)
{
    for (QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec}) {
        QSslKey key(pem, algorithm, QSsl::Pem, QSsl::PrivateKey);
        if (!key.isNull())
            return key;
    }
    return makeError(ErrorCategory::Kube, QStringLiteral("the client key is not a PEM RSA or EC private key"));
}

// An answer worth another attempt: throttling, a server error (a 500 too: the API server
// answers it for a storage hiccup), or none at all: connection lost, or timed out. Not a failed
// TLS handshake: it will fail again.
bool isRetryable(int httpStatus, HttpFailure failure)
{
    if (httpStatus == 429 || (httpStatus >= 500 && httpStatus != 501))
        return true;
    return httpStatus == 0 && failure != HttpFailure::TlsHandshake;
}

// `timeoutMs`: the timeout the request had.
QString networkErrorText(HttpFailure failure, const QString &server, const QString &detail, int timeoutMs)
{
    switch (failure) {
    case HttpFailure::ConnectionRefused:
        return QStringLiteral("cannot reach %1: connection refused (is the cluster running, and is this the right "
                              "address?)").arg(server);
    case HttpFailure::HostNotFound:
        return QStringLiteral("cannot reach %1: host not found (check the server address in your kubeconfig)").arg(server);
    case HttpFailure::Timeout:
        return QStringLiteral("%1 timed out: no answer within %2 s (check the network or raise the timeout)")
            .arg(server, QString::number(timeoutMs / 1000.0));
    case HttpFailure::TlsHandshake:
        return QStringLiteral("TLS with %1 failed: %2 (is the certificate-authority in your kubeconfig the "
                              "cluster's CA?)").arg(server, detail);
    case HttpFailure::Closed:
        return QStringLiteral("%1 closed the connection before answering (%2)").arg(server, detail);
    default:
        return QStringLiteral("request to %1 failed: %2").arg(server, detail);
    }
}

// The request target: the path and query as given, percent-encoded where it holds what a
// request line may not carry.
QByteArray requestTarget(const QString &pathAndQuery)
{
    for (QChar c : pathAndQuery) {
        if (c.unicode() <= 0x20 || c.unicode() >= 0x7f || c == QLatin1Char('#'))
            return QUrl(pathAndQuery).toEncoded();
    }
    return pathAndQuery.toLatin1();
}

} // namespace

QString ResourcePath::path() const
{
    QString p = group.isEmpty() ? QStringLiteral("/api/") + version : QStringLiteral("/apis/%1/%2").arg(group, version);
    if (!ns.isEmpty())
        p += QStringLiteral("/namespaces/") + ns;
    p += QLatin1Char('/') + resource;
    if (!name.isEmpty())
        p += QLatin1Char('/') + name;
    return p;
}

Error errorForResponse(const QByteArray &method, const QString &path, int httpStatus, const QByteArray &body,
                       const QString &server, const QString &userName)
{
    const QJsonObject status = QJsonDocument::fromJson(body).object();
    const bool isStatus = status.value(QLatin1String("kind")).toString() == QLatin1String("Status");
    const QString reason = isStatus ? status.value(QLatin1String("reason")).toString() : QString();
    const QString message = isStatus ? status.value(QLatin1String("message")).toString() : QString();
    const QString what = QStringLiteral("%1 %2").arg(QString::fromLatin1(method), path);
    QString text;
    switch (httpStatus) {
    case 401:
        text = QStringLiteral("%1: unauthorized: %2 rejected the credentials of user %3 (the token may have expired: "
                              "log in again or refresh the kubeconfig)").arg(what, server, userName.isEmpty() ? QStringLiteral("(anonymous)") : userName);
        break;
    case 403:
        text = QStringLiteral("%1: forbidden: %2 (ask for RBAC permission, or use another context)")
                   .arg(what, message.isEmpty() ? QStringLiteral("the user may not do this") : message);
        break;
    case 404:
        text = QStringLiteral("%1: not found%2").arg(what, message.isEmpty() ? QString() : QStringLiteral(": ") + message);
        break;
    case 409:
        text = QStringLiteral("%1: conflict (%2): %3").arg(what, reason.isEmpty() ? QStringLiteral("Conflict") : reason, message);
        break;
    case 422:
        text = QStringLiteral("%1: invalid object: %2").arg(what, message);
        break;
    default:
        text = QStringLiteral("%1: the server answered HTTP %2%3").arg(what).arg(httpStatus)
                   .arg(message.isEmpty() ? QString() : QStringLiteral(": ") + message);
    }
    Error error = makeError(ErrorCategory::Kube, text, {}, httpStatus);
    if (!reason.isEmpty())
        error.detail = QStringLiteral("reason: ") + reason;
    return error;
}

struct KubeClient::Private
{
    ResolvedContext context;
    ClientOptions options;
    QSslConfiguration ssl;
    HttpEndpoint endpoint;
    QByteArray fixedHeaders; // User-Agent, Accept-Encoding: gzip, and the token or basic credentials when the context has them
    QSemaphore inFlight;     // bounds the requests in flight
    std::shared_ptr<ExecCredentialCache> exec; // the process's, shared with every client of the same user

    const quint64 id = nextClientId();

    explicit Private(int concurrent) : inFlight(concurrent) {}

    // The request's bytes with credentials; for an exec plugin, runs it (cached) and sets `sent`
    // to its credential. `tls` is set when the plugin's client certificate replaces the configured one.
    Result<HttpExchange> prepare(const Request &r, const CancelToken &cancel, std::optional<QSslConfiguration> &tls,
                                 std::optional<ExecCredential> &sent)
    {
        HttpExchange exchange;
        QByteArray &head = exchange.head;
        head.reserve(192 + r.pathAndQuery.size() + fixedHeaders.size());
        head += r.method + ' ' + endpoint.pathPrefix + requestTarget(r.pathAndQuery) + " HTTP/1.1\r\nHost: " + endpoint.hostHeader
            + "\r\nAccept: " + r.accept + "\r\n" + fixedHeaders;
        if (!r.contentType.isEmpty())
            head += "Content-Type: " + r.contentType + "\r\n";
        if (!r.body.isEmpty() || r.method == "POST" || r.method == "PUT" || r.method == "PATCH")
            head += "Content-Length: " + QByteArray::number(r.body.size()) + "\r\n";
        if (exec) {
            auto credential = exec->credential(cancel);
            if (!credential)
                return credential.error();
            sent = *credential;
            if (!credential->token.isEmpty())
                head += "Authorization: Bearer " + credential->token.toUtf8() + "\r\n";
            if (!credential->clientCertificateData.isEmpty()) {
                const QList<QSslCertificate> certs = QSslCertificate::fromData(credential->clientCertificateData);
                auto key = parseKey(credential->clientKeyData);
                if (certs.isEmpty() || !key)
                    return makeError(ErrorCategory::Kube, QStringLiteral("the exec plugin returned an unreadable client certificate or key"));
                tls = ssl;
                tls->setLocalCertificate(certs.first());
                tls->setPrivateKey(*key);
            }
        }
        head += "\r\n";
        exchange.body = r.body;
        return exchange;
    }
};

KubeClient::KubeClient(std::unique_ptr<Private> d) : d(std::move(d))
{
    LiveClients &live = liveClients();
    std::lock_guard lock(live.mutex);
    live.ids.insert(this->d->id);
}
KubeClient::~KubeClient()
{
    LiveClients &live = liveClients();
    std::lock_guard lock(live.mutex);
    live.ids.erase(d->id);
}

const ResolvedContext &KubeClient::context() const
{
    return d->context;
}

Result<std::shared_ptr<KubeClient>> KubeClient::create(const ResolvedContext &context, const ClientOptions &options)
{
    auto d = std::make_unique<Private>(qMax(1, options.maxConcurrent));
    d->context = context;
    d->options = options;
    const bool hasSecret = !context.token.isEmpty() || !context.password.isEmpty() || context.exec.has_value();
    if (hasSecret && !context.isTls())
        return makeError(ErrorCategory::Kube, QStringLiteral("context %1 sends credentials, but its server %2 is not "
                                                             "https: refusing to send them in clear text")
                                                  .arg(context.contextName, context.server));
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    if (!context.certificateAuthorityData.isEmpty()) {
        const QList<QSslCertificate> cas = QSslCertificate::fromData(context.certificateAuthorityData);
        if (cas.isEmpty())
            return makeError(ErrorCategory::Kube, QStringLiteral("the certificate authority of cluster %1 is not PEM data")
                                                      .arg(context.clusterName));
        ssl.setCaCertificates(cas); // only the cluster's CA, as kubectl does
    }
    if (context.insecureSkipTlsVerify) {
        qCWarning(lcKube) << "TLS verification is off for cluster" << context.clusterName << "(insecure-skip-tls-verify)";
        ssl.setPeerVerifyMode(QSslSocket::VerifyNone);
    }
    if (!context.clientCertificateData.isEmpty()) {
        const QList<QSslCertificate> certs = QSslCertificate::fromData(context.clientCertificateData);
        auto key = parseKey(context.clientKeyData);
        if (certs.isEmpty())
            return makeError(ErrorCategory::Kube, QStringLiteral("the client certificate of user %1 is not PEM data").arg(context.userName));
        if (!key)
            return key.error().prefixed(QStringLiteral("user ") + context.userName);
        ssl.setLocalCertificate(certs.first());
        ssl.setPrivateKey(*key);
    }
    d->ssl = ssl;
    d->endpoint = HttpEndpoint::fromUrl(context.server);
    d->endpoint.peerVerifyName = context.tlsServerName;
    d->fixedHeaders = "User-Agent: " + options.userAgent.toUtf8() + "\r\nAccept-Encoding: gzip\r\n";
    if (!context.token.isEmpty())
        d->fixedHeaders += "Authorization: Bearer " + context.token.toUtf8() + "\r\n";
    else if (!context.username.isEmpty())
        d->fixedHeaders += "Authorization: Basic " + (context.username + QLatin1Char(':') + context.password).toUtf8().toBase64() + "\r\n";
    if (context.exec)
        d->exec = sharedExecCredentialCache(ExecPluginRun{*context.exec, context.userName, execClusterFor(context)});
    return std::shared_ptr<KubeClient>(new KubeClient(std::move(d)));
}

Result<Response> KubeClient::send(const Request &r, const CancelToken &cancel)
{
    const QByteArray &method = r.method;
    const QString &pathAndQuery = r.pathAndQuery;
    // Bounded concurrency: wait for a slot, still answering cancel.
    while (!d->inFlight.tryAcquire(1, 50)) {
        if (cancel.isCancelled())
            return makeError(ErrorCategory::Cancelled, QStringLiteral("%1 %2 was cancelled").arg(QString::fromLatin1(method), pathAndQuery));
    }
    struct Release
    {
        QSemaphore &s;
        ~Release() { s.release(); }
    } release{d->inFlight};

    const int attempts = r.retryable ? 1 + qMax(0, d->options.retries) : 1;
    bool reauthenticated = false;
    for (int attempt = 0;; ++attempt) {
        std::optional<QSslConfiguration> tls;
        std::optional<ExecCredential> credential;
        auto exchange = d->prepare(r, cancel, tls, credential);
        if (!exchange)
            return exchange.error();
        exchange->headTimeoutMs = exchange->bodyTimeoutMs = d->options.timeoutMs;
        QElapsedTimer took;
        took.start();
        HttpAnswer answer = connectionFor(d->id, d->endpoint, d->ssl).exchange(*exchange, cancel, tls ? &*tls : nullptr);
        if (cancel.isCancelled())
            return makeError(ErrorCategory::Cancelled, QStringLiteral("%1 %2 was cancelled").arg(QString::fromLatin1(method), pathAndQuery));
        const int httpStatus = answer.failure == HttpFailure::None ? answer.status : 0; // half an answer is none
        if (httpStatus >= 200 && httpStatus < 300)
            return Response{httpStatus, std::move(answer.body), std::move(answer.contentType)};
        if (httpStatus == 401 && d->exec && !reauthenticated) {
            d->exec->invalidate(*credential); // the plugin's credential expired early: run it again once
            reauthenticated = true;
            continue;
        }
        const bool retryable = isRetryable(httpStatus, answer.failure);
        if (attempt + 1 < attempts && retryable) {
            const int delay = d->options.backoffMs << attempt;
            const QString why = httpStatus != 0 ? QStringLiteral("HTTP %1").arg(httpStatus)
                                                : networkErrorText(answer.failure, d->context.server, answer.failureDetail, d->options.timeoutMs);
            qCDebug(lcKube).noquote() << method << pathAndQuery << "failed after" << took.elapsed() << "ms (" + why + "), retrying in" << delay << "ms";
            if (!cancel.sleepFor(delay))
                return makeError(ErrorCategory::Cancelled, QStringLiteral("%1 %2 was cancelled").arg(QString::fromLatin1(method), pathAndQuery));
            continue;
        }
        if (r.errorBodies && httpStatus != 0 && httpStatus != 401)
            return Response{httpStatus, std::move(answer.body), std::move(answer.contentType)};
        Error failure = httpStatus == 0
            ? makeError(ErrorCategory::Kube, networkErrorText(answer.failure, d->context.server, answer.failureDetail, d->options.timeoutMs), {}, 0)
            : errorForResponse(method, pathAndQuery, httpStatus, answer.body, d->context.server, d->context.userName);
        if (retryable && attempt > 0)
            failure.message += QStringLiteral(" (gave up after %1 attempts)").arg(attempt + 1);
        return failure;
    }
}

Status KubeClient::stream(const Request &r, const std::function<bool(const QByteArray &)> &onData, const CancelToken &cancel)
{
    std::optional<QSslConfiguration> tls;
    std::optional<ExecCredential> credential;
    auto exchange = d->prepare(r, cancel, tls, credential);
    if (!exchange)
        return exchange.error();
    // The answer's head must come within the request timeout: a server that never answers must
    // not hold a watch forever. The body then streams as long as the server keeps it open.
    exchange->headTimeoutMs = d->options.timeoutMs;
    exchange->bodyTimeoutMs = 0;
    exchange->onBody = onData;
    HttpAnswer answer = connectionFor(d->id, d->endpoint, d->ssl).exchange(*exchange, cancel, tls ? &*tls : nullptr);
    if (cancel.isCancelled())
        return makeError(ErrorCategory::Cancelled, QStringLiteral("%1 %2 was cancelled").arg(QString::fromLatin1(r.method), r.pathAndQuery));
    const bool headCame = answer.status != 0;
    if (headCame && answer.status >= 200 && answer.status < 300) {
        // Stopped by the caller, ended, or cut off by the server: the stream is over either way.
        if (answer.failure != HttpFailure::None && answer.failure != HttpFailure::Closed)
            return makeError(ErrorCategory::Kube, networkErrorText(answer.failure, d->context.server, answer.failureDetail, d->options.timeoutMs), {}, 0);
        return {};
    }
    if (!headCame || answer.failure != HttpFailure::None)
        return makeError(ErrorCategory::Kube, networkErrorText(answer.failure, d->context.server, answer.failureDetail, d->options.timeoutMs), {}, 0);
    if (answer.status == 401 && credential)
        d->exec->invalidate(*credential); // the watch's next attempt runs the plugin again
    return errorForResponse(r.method, r.pathAndQuery, answer.status, answer.body, d->context.server, d->context.userName);
}

Result<QJsonObject> KubeClient::getJson(const QString &pathAndQuery, const CancelToken &cancel)
{
    auto response = send(Request::get(pathAndQuery), cancel);
    if (!response)
        return response.error();
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(response->body, &parseError);
    if (!doc.isObject())
        return makeError(ErrorCategory::Kube, QStringLiteral("GET %1: the answer is not a JSON object (%2)")
                                                  .arg(pathAndQuery, parseError.errorString()));
    return doc.object();
}

Result<QJsonObject> KubeClient::version(const CancelToken &cancel)
{
    return getJson(QStringLiteral("/version"), cancel);
}

Result<QJsonObject> KubeClient::get(const ResourcePath &path, const CancelToken &cancel)
{
    return getJson(path.path(), cancel);
}

Result<QList<QJsonObject>> KubeClient::list(const ResourcePath &path, const QString &labelSelector, int pageSize,
                                            const CancelToken &cancel)
{
    QList<QJsonObject> items;
    QString continueToken;
    do {
        QUrlQuery query;
        if (!labelSelector.isEmpty())
            query.addQueryItem(QStringLiteral("labelSelector"), QString::fromUtf8(QUrl::toPercentEncoding(labelSelector)));
        if (pageSize > 0)
            query.addQueryItem(QStringLiteral("limit"), QString::number(pageSize));
        if (!continueToken.isEmpty())
            query.addQueryItem(QStringLiteral("continue"), QString::fromUtf8(QUrl::toPercentEncoding(continueToken)));
        const QString q = query.query(QUrl::FullyEncoded);
        auto page = getJson(path.path() + (q.isEmpty() ? QString() : QLatin1Char('?') + q), cancel);
        if (!page)
            return page.error();
        for (const QJsonValue &item : page->value(QLatin1String("items")).toArray())
            items.append(item.toObject());
        continueToken = page->value(QLatin1String("metadata")).toObject().value(QLatin1String("continue")).toString();
    } while (!continueToken.isEmpty());
    return items;
}

Result<QJsonObject> KubeClient::create(const ResourcePath &path, const QJsonObject &object, bool dryRun,
                                       const CancelToken &cancel)
{
    ResourcePath collection = path;
    collection.name.clear();
    const QString query = dryRun ? QStringLiteral("?dryRun=All") : QString();
    auto response = send({"POST", collection.path() + query, json::compact(object), "application/json"},
                         cancel);
    if (!response)
        return response.error();
    return QJsonDocument::fromJson(response->body).object();
}

Status KubeClient::serverSideApply(const ResourcePath &path, const QJsonObject &object, bool force, bool dryRun,
                                   const CancelToken &cancel)
{
    QString query = QStringLiteral("?fieldManager=sluice");
    if (force)
        query += QStringLiteral("&force=true");
    if (dryRun)
        query += QStringLiteral("&dryRun=All");
    auto response = send({"PATCH", path.path() + query, json::compact(object),
                          "application/apply-patch+yaml"},
                         cancel);
    return response ? Status() : Status(response.error());
}

Result<QJsonObject> KubeClient::replace(const ResourcePath &path, const QJsonObject &object, const CancelToken &cancel)
{
    auto response = send({"PUT", path.path(), json::compact(object), "application/json"}, cancel);
    if (!response)
        return response.error();
    return QJsonDocument::fromJson(response->body).object();
}

Status KubeClient::remove(const ResourcePath &path, const DeleteOptions &options, const CancelToken &cancel)
{
    QJsonObject body{{QStringLiteral("kind"), QStringLiteral("DeleteOptions")}, {QStringLiteral("apiVersion"), QStringLiteral("v1")}};
    if (!options.propagationPolicy.isEmpty())
        body.insert(QStringLiteral("propagationPolicy"), options.propagationPolicy);
    if (!options.uid.isEmpty())
        body.insert(QStringLiteral("preconditions"), QJsonObject{{QStringLiteral("uid"), options.uid}});
    if (options.dryRun)
        body.insert(QStringLiteral("dryRun"), QJsonArray{QStringLiteral("All")});
    auto response = send({"DELETE", path.path(), json::compact(body), "application/json"}, cancel);
    if (!response)
        return response.error();
    return {};
}

} // namespace sluice::kube
