#include "HttpServer.h"

#include "core/Log.h"

#include <QDateTime>
#include <QPointer>
#include <QSslServer>
#include <QSslSocket>
#include <QThreadPool>
#include <QTimer>
#include <QUrl>

#include <algorithm>
#include <limits>
#include <string_view>

#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <utility>

namespace sluice::sandbox {

namespace {
constexpr qsizetype kMaxHead = 64 * 1024;
constexpr qsizetype kMaxBody = 64 * 1024 * 1024;
// Stream bytes handed to the socket at a time; the rest waits in the connection until the peer
// has read them.
constexpr qint64 kStreamSocketBacklog = 1024 * 1024;
// A streamed response whose peer has read nothing for kStreamStallMs while more than this
// waits is cut off (a stuck watcher must not grow the server without bound); a reading peer is
// never cut off below kMaxStreamQueue.
constexpr qsizetype kStreamStallBacklog = 16 * 1024 * 1024;
constexpr qint64 kStreamStallMs = 30000;
constexpr qsizetype kMaxStreamQueue = 512 * 1024 * 1024;
// File descriptors kept for everything but connections (the journal, child processes, …).
constexpr int kReservedDescriptors = 128;
const char *const kAcceptedAt = "sluiceAcceptedAt";

qint64 now()
{
    return QDateTime::currentMSecsSinceEpoch();
}

// Connections the file descriptor limit leaves room for, raising the soft limit to the hard one.
int descriptorBudget()
{
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return 1024 - kReservedDescriptors;
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
        ::getrlimit(RLIMIT_NOFILE, &limit);
    }
    const rlim_t usable = limit.rlim_cur == RLIM_INFINITY ? rlim_t(1) << 20 : limit.rlim_cur;
    return int(std::min<rlim_t>(usable, rlim_t(1) << 20)) - kReservedDescriptors;
}

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
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Unknown";
    }
}

// Asks the HttpServer before each accepted socket's TLS handshake; a refused socket is closed
// at once, so the listen queue drains (accept never hits the descriptor limit and spins).
class CappedSslServer : public QSslServer
{
public:
    explicit CappedSslServer(HttpServer *owner) : QSslServer(owner), m_owner(owner) {}

    // Sockets still in their handshake (QSslServer parents them until they are taken).
    QList<QSslSocket *> handshaking() const { return findChildren<QSslSocket *>(Qt::FindDirectChildrenOnly); }

protected:
    void incomingConnection(qintptr descriptor) override
    {
        sockaddr_storage address{};
        socklen_t length = sizeof address;
        QHostAddress peer;
        if (::getpeername(int(descriptor), reinterpret_cast<sockaddr *>(&address), &length) == 0)
            peer.setAddress(reinterpret_cast<sockaddr *>(&address));
        if (!m_owner->admit(peer)) {
            ::close(int(descriptor));
            return;
        }
        QSslServer::incomingConnection(descriptor);
        if (QSslSocket *socket = qobject_cast<QSslSocket *>(children().value(children().size() - 1))) {
            socket->setProperty(kAcceptedAt, now());
            // No Nagle delay, as kube-apiserver: an answer written while bytes sent before it (the
            // TLS session tickets after the handshake) are unacknowledged would wait for the
            // client's delayed ACK, 40 ms on Linux.
            socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        }
    }

private:
    HttpServer *m_owner;
};

HttpServer::HttpServer(QSslConfiguration tls, HttpHandler handler, QObject *parent)
    : QObject(parent), m_server(new CappedSslServer(this)), m_handler(std::move(handler)), m_flushThread(std::make_unique<QThreadPool>())
{
    m_flushThread->setMaxThreadCount(1);
    m_flushThread->setExpiryTimeout(-1);
    m_server->setSslConfiguration(tls);
    m_server->setHandshakeTimeout(10000);
    // admit() is the cap. Qt's own (30 pending, counting the sockets in their handshake) stops
    // accepting and starts again only when a handshake finishes (Qt 6.4): 30 clients that
    // closed before theirs stopped the server for good.
    m_server->setMaxPendingConnections(std::numeric_limits<int>::max());
    connect(m_server, &QTcpServer::pendingConnectionAvailable, this, &HttpServer::acceptPending);
    connect(m_server, &QSslServer::errorOccurred, this, [](QSslSocket *, QAbstractSocket::SocketError error) {
        qCDebug(lcSandbox) << "TLS connection error" << error;
    });
}

HttpServer::~HttpServer()
{
    close(); // the connections count themselves out while this object is whole
    m_flushThread->waitForDone(); // its work reports to this object
}

bool HttpServer::listen(const QHostAddress &address, quint16 port, QString *error)
{
    m_limits.maxConnections = std::max(1, std::min(m_limits.maxConnections, descriptorBudget()));
    m_limits.maxConnectionsPerClient = std::min(m_limits.maxConnectionsPerClient, m_limits.maxConnections);
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

bool HttpServer::admit(const QHostAddress &peer)
{
    struct Waiting
    {
        QObject *object; // an HttpConnection or a socket in its handshake
        QHostAddress peer;
        qint64 since;
    };
    QList<Waiting> evictable;
    int total = 0;
    int fromPeer = 0;
    for (QSslSocket *socket : m_server->handshaking()) {
        ++total;
        fromPeer += socket->peerAddress().isEqual(peer) ? 1 : 0;
        evictable.append({socket, socket->peerAddress(), socket->property(kAcceptedAt).toLongLong()});
    }
    for (HttpConnection *connection : findChildren<HttpConnection *>(Qt::FindDirectChildrenOnly)) {
        if (connection->m_closing)
            continue;
        ++total;
        fromPeer += connection->m_peer.isEqual(peer) ? 1 : 0;
        if (connection->isEvictable())
            evictable.append({connection, connection->m_peer, connection->m_waitingSince});
    }
    const bool perClientFull = fromPeer >= m_limits.maxConnectionsPerClient;
    if (!perClientFull && total < m_limits.maxConnections)
        return true;
    // Make room: close whoever has waited longest without a request in progress, of this client
    // when it is the client that is at its cap.
    const Waiting *oldest = nullptr;
    for (const Waiting &w : evictable) {
        if ((!perClientFull || w.peer.isEqual(peer)) && (!oldest || w.since < oldest->since))
            oldest = &w;
    }
    if (!oldest) {
        qCWarning(lcSandbox).noquote() << "refusing a connection from" << peer.toString() << "at the connection cap";
        return false;
    }
    if (auto *connection = qobject_cast<HttpConnection *>(oldest->object)) {
        connection->m_closing = true;
        connection->m_socket->abort();
        connection->deleteLater();
    } else if (auto *socket = qobject_cast<QSslSocket *>(oldest->object)) {
        socket->abort();
        socket->deleteLater();
    }
    return true;
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
    if (!m_flushing) // else the flush in progress starts the next one when it ends
        startFlush();
}

void HttpServer::startFlush()
{
    std::optional<std::function<Status()>> write = m_barrier.beginFlush ? m_barrier.beginFlush() : std::nullopt;
    if (!write) {
        releaseHeld({}); // nothing staged: no held answer waits for anything
        return;
    }
    ++m_flushesBegun;
    m_flushing = true;
    if (!*write || m_connections <= 1) {
        finishFlush(*write ? (*write)() : Status());
        return;
    }
    m_flushThread->start([this, write = std::move(*write)] {
        Status written = write();
        {
            QMutexLocker lock(&m_resultMutex);
            m_flushResult = std::move(written);
        }
        QMetaObject::invokeMethod(this, &HttpServer::collectFlush, Qt::QueuedConnection);
    });
}

void HttpServer::collectFlush()
{
    std::optional<Status> written;
    {
        QMutexLocker lock(&m_resultMutex);
        written = std::exchange(m_flushResult, std::nullopt);
    }
    if (written)
        finishFlush(*written);
}

void HttpServer::waitForFlush()
{
    m_flushThread->waitForDone();
    collectFlush();
}

void HttpServer::finishFlush(const Status &written)
{
    m_flushing = false;
    if (Status finished = m_barrier.finishFlush ? m_barrier.finishFlush(written) : written; !finished) {
        releaseHeld(m_barrier.failureAnswer(finished.error()));
        return;
    }
    m_flushesDone = m_flushesBegun;
    if (hasUnflushed()) {
        if (streamDue()) {
            // Flushed here and now, on this thread: the watch must not list a write that is not durable.
            std::optional<std::function<Status()>> write = m_barrier.beginFlush();
            ++m_flushesBegun;
            m_flushing = true;
            finishFlush(*write ? (*write)() : Status());
            return;
        }
        startFlush(); // its disk write overlaps the answers leaving below
    }
    releaseHeld({});
}

bool HttpServer::streamDue() const
{
    for (const QPointer<HttpConnection> &connection : m_holding) {
        // A streamed answer is the last one held on its connection.
        if (connection && !connection->m_held.isEmpty() && connection->m_held.last().response.stream
            && connection->m_held.last().flush <= m_flushesDone)
            return true;
    }
    return false;
}

void HttpServer::releaseHeld(const std::optional<HttpResponse> &failure)
{
    for (const QPointer<HttpConnection> &connection : std::exchange(m_holding, {})) {
        if (connection && connection->release(m_flushesDone, failure) && !m_holding.contains(connection))
            m_holding.append(connection);
    }
}

HttpConnection::HttpConnection(QSslSocket *socket, HttpServer *server)
    : QObject(server), m_socket(socket), m_server(server), m_peer(socket->peerAddress()), m_deadline(new QTimer(this))
{
    ++m_server->m_connections;
    m_socket->setParent(this);
    m_deadline->setSingleShot(true);
    connect(m_deadline, &QTimer::timeout, this, &HttpConnection::onDeadline);
    connect(m_socket, &QIODevice::readyRead, this, &HttpConnection::onReadyRead);
    connect(m_socket, &QAbstractSocket::disconnected, this, &HttpConnection::onDisconnected);
    connect(m_socket, &QIODevice::bytesWritten, this, [this] {
        m_lastDrain = now();
        pump();
    });
    // The first request's head is due from the moment of connecting.
    m_phase = Phase::Head;
    m_waitingSince = m_socket->property(kAcceptedAt).toLongLong();
    m_deadline->start(m_server->m_limits.headTimeoutMs);
    if (m_socket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(this, &HttpConnection::onReadyRead, Qt::QueuedConnection);
}

HttpConnection::~HttpConnection()
{
    --m_server->m_connections;
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
    while (!m_closing && !streaming() && !m_heldBlocks && takeRequest(request)) {
        m_servedOne = true;
        const QByteArray connection = request.header("connection").toLower();
        const bool keepAlive = connection != "close";
        if (!respond(m_server->m_handler(request), keepAlive))
            break;
        request = HttpRequest();
    }
    updateDeadline();
}

void HttpConnection::updateDeadline()
{
    Phase phase = Phase::Busy;
    if (m_withheld)
        phase = Phase::Withheld;
    else if (!m_closing && !streaming() && m_held.isEmpty())
        phase = m_head ? Phase::Body : (m_buffer.isEmpty() && m_servedOne) ? Phase::Idle : Phase::Head;
    if (phase == m_phase)
        return; // more bytes of the same phase do not buy more time
    m_phase = phase;
    m_waitingSince = now();
    const HttpLimits &limits = m_server->m_limits;
    switch (phase) {
    case Phase::Idle: m_deadline->start(limits.idleTimeoutMs); break;
    case Phase::Head: m_deadline->start(limits.headTimeoutMs); break;
    case Phase::Body: m_deadline->start(limits.bodyTimeoutMs); break;
    case Phase::Withheld: m_deadline->start(limits.idleTimeoutMs); break; // the client was to give up long before
    case Phase::Busy: m_deadline->stop(); break;
    }
}

void HttpConnection::onDeadline()
{
    if (m_phase == Phase::Withheld) {
        m_socket->abort();
        return;
    }
    if (m_phase == Phase::Idle) {
        m_closing = true;
        m_socket->disconnectFromHost();
        return;
    }
    if (m_phase == Phase::Head || m_phase == Phase::Body) {
        qCDebug(lcSandbox) << "closing a connection whose request did not arrive in time";
        m_head.reset();
        fail(408, m_phase == Phase::Head ? "the request head did not arrive in time" : "the request body did not arrive in time");
    }
}

bool HttpConnection::respond(HttpResponse response, bool keepAlive)
{
    if (m_held.isEmpty() && !m_server->mustHold())
        return send(response, keepAlive);
    m_held.append({std::move(response), keepAlive, m_server->flushToWaitFor(), now()});
    m_heldBlocks = m_heldBlocks || m_held.last().blocks();
    m_server->holdFor(this);
    return !m_held.last().blocks();
}

bool HttpConnection::send(const HttpResponse &response, bool keepAlive)
{
    if (response.delivery != HttpResponse::Delivery::Send) {
        // An injected fault: this request is never answered, and nothing more is read. A drop
        // still lets earlier answers leave, then closes.
        m_closing = true;
        if (response.delivery == HttpResponse::Delivery::Drop)
            m_socket->disconnectFromHost();
        else
            m_withheld = true;
        return false;
    }
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

bool HttpConnection::release(quint64 done, const std::optional<HttpResponse> &failure)
{
    while (!m_held.isEmpty() && (failure || m_held.first().flush <= done)) {
        const HeldAnswer answer = m_held.takeFirst();
        if (const qint64 waited = now() - answer.since; waited >= 1000)
            qCDebug(lcSandbox).noquote() << "an answer" << answer.response.status << "waited" << waited << "ms for flush" << answer.flush;
        // A streamed answer is the last one held (nothing is read behind it); it still
        // starts, on a flushed store, so it lists no write that is not durable.
        if (m_closing || !send(failure ? *failure : answer.response, answer.keepAlive)) {
            m_held.clear();
            m_heldBlocks = false;
            return false;
        }
    }
    m_heldBlocks = std::any_of(m_held.cbegin(), m_held.cend(), [](const HeldAnswer &a) { return a.blocks(); });
    if (!m_closing && !streaming() && !m_heldBlocks && !m_buffer.isEmpty())
        QMetaObject::invokeMethod(this, &HttpConnection::onReadyRead, Qt::QueuedConnection);
    updateDeadline();
    return !m_held.isEmpty();
}

bool HttpConnection::takeRequest(HttpRequest &request)
{
    if (!m_head && !takeHead())
        return false;
    if (m_buffer.size() < m_bodyLength)
        return false;
    request = std::move(*m_head);
    m_head.reset();
    request.body = m_buffer.left(m_bodyLength);
    m_buffer.remove(0, m_bodyLength);
    return true;
}

namespace {

// An origin-form target of characters QUrl keeps as they are, with no percent escapes: its path
// and query are then its own bytes (what kubectl and Sluice's client send for an apply).
bool isPlainTarget(QByteArrayView target)
{
    static constexpr std::string_view kKept = "-._~!$&*+,;=:@/?";
    return target.startsWith('/') && std::all_of(target.begin(), target.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || kKept.find(c) != std::string_view::npos;
           });
}

} // namespace

Result<HttpRequest> parseRequestHead(const QByteArray &head, qsizetype *bodyLength)
{
    const auto refused = [](int status, const char *why) {
        return makeError(ErrorCategory::Kube, QString::fromLatin1(why), {}, status);
    };
    const QByteArrayView text(head);
    qsizetype lineEnd = text.indexOf('\n');
    const QList<QByteArray> requestLine = text.first(lineEnd < 0 ? text.size() : lineEnd).trimmed().toByteArray().split(' ');
    if (requestLine.size() != 3 || !requestLine[2].startsWith("HTTP/1."))
        return refused(400, "malformed request line");
    HttpRequest request;
    request.method = requestLine[0];
    request.target = requestLine[1];
    QString query;
    if (isPlainTarget(request.target)) {
        const qsizetype mark = request.target.indexOf('?');
        request.path = QString::fromLatin1(QByteArrayView(request.target).first(mark < 0 ? request.target.size() : mark));
        if (mark >= 0)
            query = QString::fromLatin1(QByteArrayView(request.target).sliced(mark + 1));
    } else {
        const QUrl url = QUrl::fromEncoded("http://sandbox" + request.target);
        request.path = url.path(QUrl::FullyDecoded);
        query = url.query(QUrl::FullyEncoded);
    }
    // Form encoding, as Go's url.ParseQuery reads it: '+' is a space (a literal plus is %2B).
    request.query = QUrlQuery(query.replace(QLatin1Char('+'), QStringLiteral("%20")));
    while (lineEnd >= 0) {
        const qsizetype start = lineEnd + 1;
        lineEnd = text.indexOf('\n', start);
        const QByteArrayView line = text.sliced(start, (lineEnd < 0 ? text.size() : lineEnd) - start).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return refused(400, "malformed header line");
        request.headers.append({line.first(colon).trimmed().toByteArray().toLower(), line.sliced(colon + 1).trimmed().toByteArray()});
    }
    if (!request.header("transfer-encoding").isEmpty())
        return refused(411, "chunked request bodies are not supported; send Content-Length");
    bool ok = true;
    const QByteArray lengthHeader = request.header("content-length");
    const qsizetype length = lengthHeader.isEmpty() ? 0 : lengthHeader.toLongLong(&ok);
    if (!ok || length < 0 || length > kMaxBody)
        return refused(ok ? 413 : 400, "bad Content-Length");
    *bodyLength = length;
    return request;
}

bool HttpConnection::takeHead()
{
    const qsizetype headEnd = m_buffer.indexOf("\r\n\r\n");
    if (headEnd < 0) {
        if (m_buffer.size() > kMaxHead)
            fail(431, "request head too large");
        return false;
    }
    qsizetype length = 0;
    Result<HttpRequest> parsed = parseRequestHead(m_buffer.left(headEnd), &length);
    if (!parsed) {
        fail(parsed.error().code, parsed.error().message.toUtf8());
        return false;
    }
    HttpRequest request = std::move(*parsed);
    m_buffer.remove(0, headEnd + 4);
    // Refused from its head (no token, too large for its route): the body is never read.
    if (m_server->m_headCheck) {
        if (std::optional<HttpResponse> refusal = m_server->m_headCheck(request)) {
            m_buffer.clear();
            respond(std::move(*refusal), false);
            return false;
        }
    }
    m_head = std::move(request);
    m_bodyLength = length;
    updateDeadline();
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
    const bool stalled = m_streamQueued > kStreamStallBacklog && now() - m_lastDrain > kStreamStallMs;
    if (stalled || m_streamQueued > kMaxStreamQueue) {
        qCWarning(lcSandbox) << "closing a streamed response whose client does not read";
        m_closing = true;
        m_streamQueue.clear();
        m_streamQueued = 0;
        QMetaObject::invokeMethod(m_socket, &QAbstractSocket::abort, Qt::QueuedConnection);
        return;
    }
    if (m_streamQueue.isEmpty())
        m_lastDrain = now(); // the peer is not behind yet
    m_streamQueue.append(QByteArray::number(chunk.size(), 16) + "\r\n" + chunk + "\r\n");
    m_streamQueued += m_streamQueue.last().size();
    pump();
}

void HttpConnection::pump()
{
    while (!m_closing && !m_streamQueue.isEmpty() && m_socket->bytesToWrite() < kStreamSocketBacklog) {
        const QByteArray next = m_streamQueue.takeFirst();
        m_streamQueued -= next.size();
        m_socket->write(next);
    }
    if (m_streamQueue.isEmpty() && m_streamEnd) {
        const bool keepAlive = *std::exchange(m_streamEnd, std::nullopt);
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
}

void HttpConnection::finishStream(bool keepAlive)
{
    // Keep the stream alive until the caller (the stream itself) has returned.
    QTimer::singleShot(0, this, [keep = std::exchange(m_stream, nullptr)] {});
    m_streamEnd = keepAlive; // sent once the queued chunks have left
    pump();
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
