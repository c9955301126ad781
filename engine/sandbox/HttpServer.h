#pragma once

// A small HTTP/1.1 server over TLS (QSslServer): request line, headers, Content-Length bodies,
// keep-alive and pipelining, responses with Content-Length, and streamed (chunked) responses
// that hold the connection until the stream finishes or the peer leaves (watch).
//
// Thread: lives on the thread that created it; the handler runs there, one request at a time,
// so handlers need no locking. Limits: 64 KiB of request head, 64 MiB of body; chunked request
// bodies are refused with 411 (kubectl never sends them).

#include "HttpMessage.h"

#include <QHostAddress>
#include <QObject>
#include <QSslConfiguration>

#include <functional>

class QSslServer;
class QSslSocket;

namespace sluice::sandbox {

using HttpHandler = std::function<HttpResponse(const HttpRequest &)>;

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

private:
    void acceptPending();

    QSslServer *m_server = nullptr;
    HttpHandler m_handler;
};

// One accepted connection; deletes itself (and the socket) when the peer disconnects. While a
// streamed response is open no further request is read (bytes are buffered); the stream is
// detached when the peer disconnects or the connection is destroyed.
class HttpConnection : public QObject
{
    Q_OBJECT

public:
    HttpConnection(QSslSocket *socket, const HttpHandler &handler, QObject *parent);
    ~HttpConnection() override;

private:
    void onReadyRead();
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
    HttpHandler m_handler;
    QByteArray m_buffer;
    bool m_closing = false;
    std::shared_ptr<ResponseStream> m_stream; // the open streamed response, if any
};

} // namespace sluice::sandbox
