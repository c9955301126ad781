#pragma once

// One HTTP/1.1 connection to an API server, used blocking from the thread that made it: a
// request goes out whole, its answer is read with the socket's own waits (no event loop, no
// extra thread), and the connection stays open for the next request (keep-alive).
//
// What it speaks: Content-Length, chunked and read-until-close bodies; 1xx answers skipped;
// `Connection: close` honoured; gzip bodies (`Content-Encoding: gzip`, which KubeClient asks for)
// inflated as they arrive, before they are collected or handed to `onBody`.
//
// A kept connection the server closed while idle is found out only when the next request gets
// no byte back: that request is sent once more on a new connection (browsers, Go and Qt do the
// same). A first attempt on a new connection is never repeated here; KubeClient decides.

#include "core/Cancel.h"

#include <QByteArray>
#include <QSslConfiguration>
#include <QString>

#include <functional>
#include <memory>

class QSslSocket;

namespace sluice::kube {

// Where the connection goes, from a server URL such as https://10.0.0.1:6443/prefix.
struct HttpEndpoint
{
    QString host;
    quint16 port = 0;
    bool tls = false;
    QByteArray hostHeader;   // host, and the port when it is not the scheme's
    QByteArray pathPrefix;   // the URL's path without its trailing '/', put before every request path
    QString peerVerifyName;  // the name the server's certificate must carry; empty = host

    static HttpEndpoint fromUrl(const QString &server);
};

// Why an exchange got no answer.
enum class HttpFailure {
    None,
    ConnectionRefused,
    HostNotFound,
    Timeout,
    TlsHandshake,
    Closed, // the connection ended before the answer did
    Cancelled,
    Other,
};

struct HttpAnswer
{
    int status = 0;          // from the answer's head, 0 before one came; all of the answer came only without a failure
    QByteArray contentType;
    QByteArray body;         // the whole body, unless a 2xx body went to onBody
    HttpFailure failure = HttpFailure::None;
    QString failureDetail;   // the socket's words, for a failure
};

struct HttpExchange
{
    QByteArray head;         // request line and headers, ending in an empty line
    QByteArray body;
    // Most time without a byte coming, before the answer's head (connecting included) and,
    // when `bodyTimeoutMs` is not 0, while reading its body.
    int headTimeoutMs = 30000;
    int bodyTimeoutMs = 30000;
    // For a 2xx answer, takes its body as it arrives (chunked and gzip bodies decoded) instead of
    // collecting it, after a first call with no bytes when the head has come (the server took
    // the request); returns false to stop reading (the connection is then closed).
    std::function<bool(const QByteArray &)> onBody;
};

// The client side of one connection to an API server (the sandbox's server side is
// sandbox::HttpConnection).
class ApiConnection
{
public:
    ApiConnection(HttpEndpoint endpoint, QSslConfiguration tls);
    ~ApiConnection();
    ApiConnection(const ApiConnection &) = delete;
    ApiConnection &operator=(const ApiConnection &) = delete;

    // Sends the request and reads its answer. `tls` replaces the configuration for the next
    // connection made (an exec plugin's new client certificate); an open connection made with
    // another local certificate is closed first.
    HttpAnswer exchange(const HttpExchange &exchange, const CancelToken &cancel, const QSslConfiguration *tls = nullptr);

private:
    struct Reader;
    bool ensureConnected(int timeoutMs, const CancelToken &cancel, HttpAnswer &answer);
    HttpAnswer attempt(const HttpExchange &exchange, const CancelToken &cancel, bool *nothingCame);
    void close();

    HttpEndpoint m_endpoint;
    QSslConfiguration m_tls;
    std::unique_ptr<QSslSocket> m_socket;
    int m_answered = 0; // answers read on the open connection
};

} // namespace sluice::kube
