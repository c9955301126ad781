#pragma once

// Plain HTTP/1.1 request and response values exchanged between HttpServer and its handler.

#include "core/Result.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrlQuery>

#include <functional>
#include <memory>

namespace sluice::sandbox {

struct HttpRequest
{
    QByteArray method;                           // "GET", "POST", …
    QByteArray target;                           // raw request target ("/api/v1?x=y")
    QString path;                                // percent-decoded path
    QUrlQuery query;
    QList<QPair<QByteArray, QByteArray>> headers; // names lowercased, in arrival order
    QByteArray body;

    // The first header named `lowerName`, or empty.
    QByteArray header(const QByteArray &lowerName) const
    {
        for (const auto &[name, value] : headers) {
            if (name == lowerName)
                return value;
        }
        return {};
    }
    QString queryValue(const QString &key) const
    {
        return query.queryItemValue(key, QUrl::FullyDecoded);
    }
};

// The body of a streaming response (a watch): sent as Transfer-Encoding: chunked while the
// connection stays open.
//
// Contract: the connection writes the head, then calls attach() once with a `write` function
// (one non-empty chunk per call) and a `finish` function (sends the final zero-length chunk; the
// connection then reads the next request). Both are valid until finish() is called or detach()
// is. The connection calls detach() exactly once, when the peer goes away or the server closes,
// unless the stream finished first; after it the stream must not call them. Thread: the
// connection's thread.
class ResponseStream
{
public:
    using Write = std::function<void(const QByteArray &chunk)>;
    using Finish = std::function<void()>;

    virtual ~ResponseStream() = default;
    virtual void attach(Write write, Finish finish) = 0;
    virtual void detach() = 0;
};

struct HttpResponse
{
    int status = 200;
    QByteArray contentType = "application/json";
    QList<QPair<QByteArray, QByteArray>> headers; // extra headers; a Cache-Control here replaces the default
    QByteArray body;
    // When set, `body` is ignored and the response is streamed (see ResponseStream).
    std::shared_ptr<ResponseStream> stream;

    // How the answer leaves. Anything but Send is an injected fault (FaultInjector.h): Withhold
    // sends nothing and reads nothing more, leaving the client to time out (the connection is
    // closed after the idle timeout at the latest); Drop closes the connection at once.
    enum class Delivery { Send, Withhold, Drop };
    Delivery delivery = Delivery::Send;
};

// What the server allows a client (HttpServer.h); the timeouts are kube-apiserver's.
struct HttpLimits
{
    int headTimeoutMs = 32000; // from a request head's first byte (from connecting, for the first)
    int bodyTimeoutMs = 60000; // from the end of the head to the end of the body
    int idleTimeoutMs = 90000; // a keep-alive connection with nothing to do
    int maxConnections = 4096; // lowered to fit the file descriptor limit
    int maxConnectionsPerClient = 1024;
};

// Parses a request head: the request line and the headers, without the blank line that ends
// them. Sets `bodyLength` from Content-Length. Errors: code = the status to answer (400
// malformed, 411 a chunked body, 413 a body over the server's 64 MiB), message = the reason.
Result<HttpRequest> parseRequestHead(const QByteArray &head, qsizetype *bodyLength);

// "OK", "Not Found", … for the codes the sandbox uses.
QByteArray reasonPhrase(int status);

} // namespace sluice::sandbox
