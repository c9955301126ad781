#pragma once

// The Kubernetes API client: authenticated requests with TLS from a resolved kubeconfig
// context, Status errors mapped to messages a person can act on, bounded concurrency, timeouts,
// retries with backoff for idempotent calls, cancel; get, list with label selectors and
// pagination, create, server-side apply, delete. It speaks HTTP/1.1 itself (HttpExchange.h) over
// one kept connection per thread: no QNetworkAccessManager, whose thread hops and per-request
// objects cost more CPU than the rest of an apply (bench_apply: 480-660 ms of client CPU for
// 1,000 applies, 130-200 ms now).
//
// Retries and ambiguous writes: a request that timed out or lost its connection may still have
// been carried out. Only requests that are safe to repeat are retried (Request::retryable): reads,
// server-side apply and deletes are idempotent; a create, or a write with a resourceVersion or
// uid precondition, is refused when repeated after it landed (409 AlreadyExists or Conflict).
// A request on a kept connection the server had closed, which got no byte back, is also sent
// again on a new one, POST included (as browsers and Qt do). So a 409 from create() or replace()
// may mean "done by an earlier attempt": callers read the object again and decide, never count
// it as success unseen.
//
// Thread contract: every call BLOCKS until the answer, so call it from a worker thread, where it
// waits in the socket itself; on the main thread, or inside an event loop, it waits in a local
// event loop (an in-process sandbox on that thread keeps serving). Any number of threads may
// share one client. The token never appears in a log or an error.

#include "Kubeconfig.h"
#include "core/Cancel.h"
#include "core/Result.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <functional>
#include <memory>

namespace sluice::kube {

struct ClientOptions
{
    int maxConcurrent = 8;   // requests in flight at once (Argo CD uses 20, Flux 4)
    int timeoutMs = 30000;   // per attempt; for a stream, until the answer's head arrives
    int retries = 3;         // extra attempts for retryable calls (network errors, timeouts, 429, 5xx)
    int backoffMs = 200;     // first retry delay, doubled each time
    QString userAgent = QStringLiteral("sluice/0.1");
};

// Where an object or a collection lives: /api/v1/namespaces/shop/configmaps/web.
struct ResourcePath
{
    QString group;    // "" for the core group
    QString version;  // "v1"
    QString resource; // plural: "configmaps"
    QString ns;       // "" for cluster-scoped resources (or all namespaces in a list)
    QString name;     // "" for the collection

    QString path() const;
};

struct Request
{
    QByteArray method = "GET";
    QString pathAndQuery; // starts with "/"
    QByteArray body;
    QByteArray contentType;
    QByteArray accept = "application/json";
    // May be sent again after an attempt failed (network error, timeout, 429, 5xx): repeating
    // it cannot do anything twice (see the top of this file).
    bool retryable = true;
    bool errorBodies = false; // return 4xx/5xx answers as a Response (for Status details) instead of an Error

    static Request get(const QString &pathAndQuery)
    {
        Request r;
        r.pathAndQuery = pathAndQuery;
        return r;
    }
};

struct DeleteOptions
{
    DeleteOptions(QString propagationPolicy = {}, QString uid = {}, bool dryRun = false)
        : propagationPolicy(std::move(propagationPolicy)), uid(std::move(uid)), dryRun(dryRun)
    {
    }

    QString propagationPolicy; // Foreground, Background, Orphan; empty = the server's default
    QString uid;               // precondition: delete only this incarnation of the object (409 Conflict for another)
    bool dryRun = false;
};

struct Response
{
    int status = 0;
    QByteArray body;
    QByteArray contentType;
};

class KubeClient
{
public:
    // Validates the context (a bearer token or basic auth needs https://; PEM data parses) and
    // prepares TLS. Does not contact the server.
    static Result<std::shared_ptr<KubeClient>> create(const ResolvedContext &context, const ClientOptions &options = {});
    ~KubeClient();

    const ResolvedContext &context() const;

    // One request with retries (retryable ones only) and mapped errors. Non-2xx answers become
    // errors whose code is the HTTP status (0 for no answer); one that failed every attempt says
    // how many it had.
    Result<Response> send(const Request &request, const CancelToken &cancel = {});

    // A streaming request (watch): `onData` gets the body as it arrives (first no bytes, when the
    // answer's head has come) and returns false to stop. No retries; the answer's head must come
    // within the timeout, the body has none (bound it with timeoutSeconds). Returns when the
    // server ends the stream (Status ok), the caller stops, or on error / cancel.
    Status stream(const Request &request, const std::function<bool(const QByteArray &)> &onData,
                  const CancelToken &cancel = {});

    Result<QJsonObject> getJson(const QString &pathAndQuery, const CancelToken &cancel = {});
    Result<QJsonObject> version(const CancelToken &cancel = {});
    Result<QJsonObject> get(const ResourcePath &path, const CancelToken &cancel = {});
    // Every item, following `continue` tokens with pages of `pageSize`.
    Result<QList<QJsonObject>> list(const ResourcePath &path, const QString &labelSelector = {}, int pageSize = 500,
                                    const CancelToken &cancel = {});
    // POST. Retried: 409 AlreadyExists may be an earlier attempt's doing (see the top).
    Result<QJsonObject> create(const ResourcePath &path, const QJsonObject &object, bool dryRun = false,
                               const CancelToken &cancel = {});
    // PATCH application/apply-patch+yaml with fieldManager=sluice (JSON is valid YAML). The
    // answer (the object as applied) is not read: a sync needs only whether it was applied, and
    // parsing it was a third of the client's work for each object.
    Status serverSideApply(const ResourcePath &path, const QJsonObject &object, bool force, bool dryRun = false,
                           const CancelToken &cancel = {});
    // PUT (replace) with the object's metadata.resourceVersion as a precondition: a stale
    // one answers 409 Conflict, which is also what a retry of an attempt that landed gets.
    Result<QJsonObject> replace(const ResourcePath &path, const QJsonObject &object, const CancelToken &cancel = {});
    // DELETE. 404 may be an earlier attempt's doing: to the caller, the object is gone either way.
    Status remove(const ResourcePath &path, const DeleteOptions &options = {}, const CancelToken &cancel = {});

private:
    struct Private;
    explicit KubeClient(std::unique_ptr<Private> d);
    std::unique_ptr<Private> d;
};

// The message for a failed call, from the HTTP status and the Status body when there is one:
// what failed and what the user can do. Pure; used by send() and tested alone.
Error errorForResponse(const QByteArray &method, const QString &path, int httpStatus, const QByteArray &body,
                       const QString &server, const QString &userName);

} // namespace sluice::kube
