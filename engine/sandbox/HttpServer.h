#pragma once

// A small HTTP/1.1 server over TLS (QSslServer): request line, headers, Content-Length bodies,
// keep-alive and pipelining, responses with Content-Length, and streamed (chunked) responses
// that hold the connection until the stream finishes or the peer leaves (watch).
//
// Thread: lives on the thread that created it; the handler runs there, one request at a time,
// so handlers need no locking. Limits: 64 KiB of request head, 64 MiB of body; chunked request
// bodies are refused with 411 (kubectl never sends them).
//
// Group commit (CommitBarrier): handlers may leave writes staged, not yet durable. Every answer
// given while writes are staged is held; one flush per event-loop round makes all of them
// durable at once (one fdatasync for the requests of every connection served in that round),
// then the held answers leave, in order per connection. So no client learns of a write, its
// own or another's, before it is durable; a failed flush turns the held answers into errors.

#include "HttpMessage.h"

#include "core/Result.h"

#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QSslConfiguration>

#include <functional>
#include <optional>

class QSslServer;
class QSslSocket;

namespace sluice::sandbox {

using HttpHandler = std::function<HttpResponse(const HttpRequest &)>;

// How the server learns whether the handler left writes staged, and makes them durable.
struct CommitBarrier
{
    std::function<bool()> hasStaged;
    std::function<Status()> flush;                          // durable (and published) on ok
    std::function<HttpResponse(const Error &)> failureAnswer; // replaces held answers when flush fails
};

class HttpConnection;

class HttpServer : public QObject
{
    Q_OBJECT

public:
    HttpServer(QSslConfiguration tls, HttpHandler handler, QObject *parent = nullptr);
    ~HttpServer() override;

    // Listens on `address`:`port` (0 = any free port). Errors name the address.
    bool listen(const QHostAddress &address, quint16 port, QString *error);
    quint16 port() const;
    // Stops accepting and closes every open connection.
    void close();

    // Without a barrier every answer leaves at once (writes must then be durable on return).
    void setCommitBarrier(CommitBarrier barrier) { m_barrier = std::move(barrier); }
    // Arranges one flush on this thread's next event-loop turn (once, however often called).
    void scheduleFlush();

private:
    friend class HttpConnection;
    void acceptPending();
    bool mustHold() const { return m_barrier.hasStaged && m_barrier.hasStaged(); }
    void holdFor(HttpConnection *connection);
    // Flushes the staged writes, then releases every held answer.
    void flush();

    QSslServer *m_server = nullptr;
    HttpHandler m_handler;
    CommitBarrier m_barrier;
    bool m_flushScheduled = false;
    QList<QPointer<HttpConnection>> m_holding; // connections with held answers, first held first
};

// One accepted connection; deletes itself (and the socket) when the peer disconnects. While a
// streamed response is open, or a held one will stream or close, no further request is read
// (bytes are buffered); the stream is detached when the peer disconnects or the connection is
// destroyed.
class HttpConnection : public QObject
{
    Q_OBJECT

public:
    HttpConnection(QSslSocket *socket, HttpServer *server);
    ~HttpConnection() override;

private:
    friend class HttpServer;
    struct HeldAnswer
    {
        HttpResponse response;
        bool keepAlive = true;
    };

    void onReadyRead();
    // Sends `response` now, or holds it while the server must hold answers or this connection
    // holds earlier ones. False when no further request may be read for now.
    bool respond(HttpResponse response, bool keepAlive);
    bool send(const HttpResponse &response, bool keepAlive);
    // Sends the held answers (each replaced by `failure` when given).
    void release(const std::optional<HttpResponse> &failure);
    void onDisconnected();
    void startStream(const HttpResponse &response, bool keepAlive);
    void writeChunk(const QByteArray &chunk);
    void finishStream(bool keepAlive);
    // Parses one complete request from m_buffer into `request`; false when more bytes are
    // needed. Sets m_fatal (and sends it) for a malformed request.
    bool takeRequest(HttpRequest &request);
    void writeResponse(const HttpResponse &response, bool keepAlive);
    void fail(int status, const QByteArray &message);

    QSslSocket *m_socket;
    HttpServer *m_server;
    QByteArray m_buffer;
    bool m_closing = false;
    QList<HeldAnswer> m_held;
    bool m_heldBlocks = false; // a held answer streams or closes: read nothing more until released
    std::shared_ptr<ResponseStream> m_stream; // the open streamed response, if any
};

} // namespace sluice::sandbox
