#include "HttpServer.h"

#include "core/Log.h"

#include <QPointer>
#include <QSslServer>
#include <QSslSocket>
#include <QTimer>
#include <QUrl>

#include <utility>

namespace sluice::sandbox {

namespace {
constexpr qsizetype kMaxHead = 64 * 1024;
constexpr qsizetype kMaxBody = 64 * 1024 * 1024;
// A streamed response whose peer lets this much pile up unread is cut off (a stuck watcher
// must not grow the server without bound).
constexpr qint64 kMaxStreamBacklog = 16 * 1024 * 1024;

bool hasHeader(const QList<QPair<QByteArray, QByteArray>> &headers, const QByteArray &lowerName)
{
    for (const auto &[name, value] : headers) {
        if (name.toLower() == lowerName)
            return true;
    }
    return false;
}
} // namespace

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 301: return "Moved Permanently";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    default: return "Unknown";
    }
}

HttpServer::HttpServer(QSslConfiguration tls, HttpHandler handler, QObject *parent)
    : QObject(parent), m_server(new QSslServer(this)), m_handler(std::move(handler))
{
    m_server->setSslConfiguration(tls);
    m_server->setHandshakeTimeout(10000);
    connect(m_server, &QTcpServer::pendingConnectionAvailable, this, &HttpServer::acceptPending);
    connect(m_server, &QSslServer::errorOccurred, this, [](QSslSocket *, QAbstractSocket::SocketError error) {
        qCDebug(lcSandbox) << "TLS connection error" << error;
    });
}

HttpServer::~HttpServer() = default;

bool HttpServer::listen(const QHostAddress &address, quint16 port, QString *error)
{
    if (m_server->listen(address, port))
        return true;
    if (error)
        *error = QStringLiteral("cannot listen on %1:%2: %3").arg(address.toString()).arg(port).arg(m_server->errorString());
    return false;
}

quint16 HttpServer::port() const
{
    return m_server->serverPort();
}

void HttpServer::close()
{
    m_server->close();
    for (HttpConnection *connection : findChildren<HttpConnection *>(Qt::FindDirectChildrenOnly))
        delete connection;
}

void HttpServer::acceptPending()
{
    while (m_server->hasPendingConnections()) {
        auto *socket = qobject_cast<QSslSocket *>(m_server->nextPendingConnection());
        if (socket)
            new HttpConnection(socket, this);
    }
}

void HttpServer::scheduleFlush()
{
    if (std::exchange(m_flushScheduled, true))
        return;
    // Queued: runs after the socket events of this round, so the requests every connection had
    // ready share the flush.
    QMetaObject::invokeMethod(this, &HttpServer::flush, Qt::QueuedConnection);
}

void HttpServer::holdFor(HttpConnection *connection)
{
    if (!m_holding.contains(connection))
        m_holding.append(connection);
    scheduleFlush();
}

void HttpServer::flush()
{
    m_flushScheduled = false;
    std::optional<HttpResponse> failure;
    if (m_barrier.flush) {
        if (Status flushed = m_barrier.flush(); !flushed)
            failure = m_barrier.failureAnswer(flushed.error());
    }
    for (const QPointer<HttpConnection> &connection : std::exchange(m_holding, {})) {
        if (connection)
            connection->release(failure);
    }
}

HttpConnection::HttpConnection(QSslSocket *socket, HttpServer *server)
    : QObject(server), m_socket(socket), m_server(server)
{
    m_socket->setParent(this);
    connect(m_socket, &QIODevice::readyRead, this, &HttpConnection::onReadyRead);
    connect(m_socket, &QAbstractSocket::disconnected, this, &HttpConnection::onDisconnected);
    if (m_socket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(this, &HttpConnection::onReadyRead, Qt::QueuedConnection);
}

HttpConnection::~HttpConnection()
{
    if (m_stream)
        std::exchange(m_stream, nullptr)->detach();
}

void HttpConnection::onDisconnected()
{
    if (m_stream)
        std::exchange(m_stream, nullptr)->detach();
    deleteLater();
}

void HttpConnection::onReadyRead()
{
    m_buffer += m_socket->readAll();
    HttpRequest request;
    while (!m_closing && !m_stream && !m_heldBlocks && takeRequest(request)) {
        const QByteArray connection = request.header("connection").toLower();
        const bool keepAlive = connection != "close";
        if (!respond(m_server->m_handler(request), keepAlive))
            return;
        request = HttpRequest();
    }
}

bool HttpConnection::respond(HttpResponse response, bool keepAlive)
{
    if (m_held.isEmpty() && !m_server->mustHold())
        return send(response, keepAlive);
    const bool blocks = response.stream || !keepAlive;
    m_held.append({std::move(response), keepAlive});
    m_heldBlocks = m_heldBlocks || blocks;
    m_server->holdFor(this);
    return !blocks;
}

bool HttpConnection::send(const HttpResponse &response, bool keepAlive)
{
    if (response.stream) {
        startStream(response, keepAlive);
        return false;
    }
    writeResponse(response, keepAlive);
    if (!keepAlive) {
        m_closing = true;
        m_socket->disconnectFromHost();
        return false;
    }
    return true;
}

void HttpConnection::release(const std::optional<HttpResponse> &failure)
{
    const QList<HeldAnswer> held = std::exchange(m_held, {});
    m_heldBlocks = false;
    for (const HeldAnswer &answer : held) {
        if (m_closing)
            return;
        // A streamed answer is the last one held (nothing is read behind it); it still
        // starts, on a flushed store, so it lists no write that is not durable.
        if (!send(failure ? *failure : answer.response, answer.keepAlive))
            return;
    }
    if (!m_closing && !m_stream && !m_buffer.isEmpty())
        QMetaObject::invokeMethod(this, &HttpConnection::onReadyRead, Qt::QueuedConnection);
}

bool HttpConnection::takeRequest(HttpRequest &request)
{
    const qsizetype headEnd = m_buffer.indexOf("\r\n\r\n");
    if (headEnd < 0) {
        if (m_buffer.size() > kMaxHead)
            fail(431, "request head too large");
        return false;
    }
    const QList<QByteArray> lines = m_buffer.left(headEnd).split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    if (requestLine.size() != 3 || !requestLine[2].startsWith("HTTP/1.")) {
        fail(400, "malformed request line");
        return false;
    }
    request.method = requestLine[0];
    request.target = requestLine[1];
    const QUrl url = QUrl::fromEncoded("http://sandbox" + request.target);
    request.path = url.path(QUrl::FullyDecoded);
    // Form encoding, as Go's url.ParseQuery reads it: '+' is a space (a literal plus is %2B).
    request.query = QUrlQuery(url.query(QUrl::FullyEncoded).replace(QLatin1Char('+'), QStringLiteral("%20")));
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0) {
            fail(400, "malformed header line");
            return false;
        }
        request.headers.append({line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed()});
    }
    if (!request.header("transfer-encoding").isEmpty()) {
        fail(411, "chunked request bodies are not supported; send Content-Length");
        return false;
    }
    bool ok = true;
    const QByteArray lengthHeader = request.header("content-length");
    const qsizetype length = lengthHeader.isEmpty() ? 0 : lengthHeader.toLongLong(&ok);
    if (!ok || length < 0 || length > kMaxBody) {
        fail(ok ? 413 : 400, "bad Content-Length");
        return false;
    }
    const qsizetype total = headEnd + 4 + length;
    if (m_buffer.size() < total)
        return false;
    request.body = m_buffer.mid(headEnd + 4, length);
    m_buffer.remove(0, total);
    return true;
}

void HttpConnection::writeResponse(const HttpResponse &response, bool keepAlive)
{
    QByteArray head = "HTTP/1.1 " + QByteArray::number(response.status) + ' ' + reasonPhrase(response.status) + "\r\n";
    head += "Content-Type: " + response.contentType + "\r\n";
    head += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n";
    if (!hasHeader(response.headers, "cache-control"))
        head += "Cache-Control: no-cache, private\r\n";
    for (const auto &[name, value] : response.headers)
        head += name + ": " + value + "\r\n";
    if (!keepAlive)
        head += "Connection: close\r\n";
    head += "\r\n";
    m_socket->write(head + response.body);
}

void HttpConnection::startStream(const HttpResponse &response, bool keepAlive)
{
    QByteArray head = "HTTP/1.1 " + QByteArray::number(response.status) + ' ' + reasonPhrase(response.status) + "\r\n";
    head += "Content-Type: " + response.contentType + "\r\n";
    head += "Transfer-Encoding: chunked\r\n";
    if (!hasHeader(response.headers, "cache-control"))
        head += "Cache-Control: no-cache, private\r\n";
    for (const auto &[name, value] : response.headers)
        head += name + ": " + value + "\r\n";
    if (!keepAlive)
        head += "Connection: close\r\n";
    head += "\r\n";
    m_socket->write(head);
    m_stream = response.stream;
    const QPointer<HttpConnection> guard(this);
    const ResponseStream *owner = m_stream.get();
    // The functions check that this connection still serves the same stream, so a stale copy
    // kept by a buggy stream is harmless.
    m_stream->attach(
        [guard, owner](const QByteArray &chunk) {
            if (guard && guard->m_stream.get() == owner)
                guard->writeChunk(chunk);
        },
        [guard, owner, keepAlive] {
            if (guard && guard->m_stream.get() == owner)
                guard->finishStream(keepAlive);
        });
}

void HttpConnection::writeChunk(const QByteArray &chunk)
{
    if (chunk.isEmpty() || m_closing)
        return;
    if (m_socket->bytesToWrite() > kMaxStreamBacklog) {
        qCWarning(lcSandbox) << "closing a streamed response whose client does not read";
        m_closing = true;
        QMetaObject::invokeMethod(m_socket, &QAbstractSocket::abort, Qt::QueuedConnection);
        return;
    }
    m_socket->write(QByteArray::number(chunk.size(), 16) + "\r\n" + chunk + "\r\n");
}

void HttpConnection::finishStream(bool keepAlive)
{
    // Keep the stream alive until the caller (the stream itself) has returned.
    QTimer::singleShot(0, this, [keep = std::exchange(m_stream, nullptr)] {});
    if (m_closing)
        return;
    m_socket->write("0\r\n\r\n");
    if (!keepAlive) {
        m_closing = true;
        m_socket->disconnectFromHost();
        return;
    }
    QMetaObject::invokeMethod(this, &HttpConnection::onReadyRead, Qt::QueuedConnection);
}

void HttpConnection::fail(int status, const QByteArray &message)
{
    HttpResponse response;
    response.status = status;
    response.contentType = "text/plain; charset=utf-8";
    response.body = message + '\n';
    m_buffer.clear();
    respond(response, false); // after any held answers
}

} // namespace sluice::sandbox
