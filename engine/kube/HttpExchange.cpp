#include "HttpExchange.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QSslSocket>
#include <QThread>
#include <QTimer>
#include <QUrl>

#include <memory>

#include <zlib.h>

namespace sluice::kube {

namespace {

// How often a wait looks at the cancel token.
constexpr int kSliceMs = 50;
constexpr qsizetype kMaxHead = 1024 * 1024;

HttpFailure failureOf(QAbstractSocket::SocketError error)
{
    switch (error) {
    case QAbstractSocket::ConnectionRefusedError:
        return HttpFailure::ConnectionRefused;
    case QAbstractSocket::HostNotFoundError:
        return HttpFailure::HostNotFound;
    case QAbstractSocket::SslHandshakeFailedError:
    case QAbstractSocket::SslInternalError:
    case QAbstractSocket::SslInvalidUserDataError:
        return HttpFailure::TlsHandshake;
    case QAbstractSocket::RemoteHostClosedError:
        return HttpFailure::Closed;
    default:
        return HttpFailure::Other;
    }
}

// An answer's header fields ("name: value" lines after the status line), read once.
class AnswerHeaders
{
public:
    explicit AnswerHeaders(const QByteArray &head)
    {
        for (qsizetype start = head.indexOf("\r\n") + 2; start > 1 && start < head.size();) {
            qsizetype end = head.indexOf("\r\n", start);
            if (end < 0)
                end = head.size();
            const QByteArrayView line(head.constData() + start, end - start);
            if (const qsizetype colon = line.indexOf(':'); colon > 0)
                m_fields.append({line.first(colon), line.sliced(colon + 1).trimmed()});
            start = end + 2;
        }
    }

    // The first field named `lowerName` (in lower case; names compare without case), or empty.
    QByteArray value(QByteArrayView lowerName) const
    {
        for (const auto &[name, value] : m_fields) {
            if (name.size() == lowerName.size() && name.compare(lowerName, Qt::CaseInsensitive) == 0)
                return value.toByteArray();
        }
        return {};
    }

private:
    QList<std::pair<QByteArrayView, QByteArrayView>> m_fields; // views into the head
};

// Inflates a gzip body as its pieces come, handing what comes out to `out`.
class GzipBody
{
public:
    GzipBody() { m_ready = inflateInit2(&m_stream, 16 + MAX_WBITS) == Z_OK; } // 16: gzip header and trailer
    ~GzipBody() { inflateEnd(&m_stream); }
    GzipBody(const GzipBody &) = delete;
    GzipBody &operator=(const GzipBody &) = delete;

    // Whole: the gzip stream ended, or no byte of it came (an empty body needs no gzip frame).
    bool whole() const { return m_ended || !m_fed; }

    // False when `piece` is not gzip (`error` says why) or when `out` stops.
    bool feed(QByteArrayView piece, const std::function<bool(QByteArrayView)> &out, QString &error)
    {
        if (!m_ready) {
            error = QStringLiteral("zlib could not start inflating the answer");
            return false;
        }
        if (m_ended) {
            error = QStringLiteral("the answer's gzip body has bytes after its end");
            return false;
        }
        m_stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(piece.data()));
        m_stream.avail_in = uInt(piece.size());
        m_fed = m_fed || !piece.isEmpty();
        do {
            m_stream.next_out = reinterpret_cast<Bytef *>(m_buffer);
            m_stream.avail_out = sizeof m_buffer;
            const int rc = inflate(&m_stream, Z_NO_FLUSH);
            if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
                error = QStringLiteral("the answer's gzip body is corrupt (%1)").arg(QString::fromLatin1(m_stream.msg ? m_stream.msg : "zlib error"));
                return false;
            }
            const qsizetype produced = qsizetype(sizeof m_buffer - m_stream.avail_out);
            if (produced > 0 && !out(QByteArrayView(m_buffer, produced)))
                return false;
            if (rc == Z_STREAM_END) {
                m_ended = true;
                if (m_stream.avail_in > 0) {
                    error = QStringLiteral("the answer's gzip body has bytes after its end");
                    return false;
                }
            }
        } while (!m_ended && (m_stream.avail_in > 0 || m_stream.avail_out == 0));
        return true;
    }

private:
    z_stream m_stream{};
    bool m_ready = false;
    bool m_ended = false;
    bool m_fed = false;
    char m_buffer[16384];
};

// Waits up to `ms` for bytes, or for the connection to fail. A worker thread blocks in the
// socket's own wait, the cheap way. The main thread, or one inside an event loop, waits in an
// event loop instead: its other objects (an in-process server among them) need their events.
void waitForBytes(QSslSocket &socket, int ms)
{
    QThread *thread = QThread::currentThread();
    const QCoreApplication *app = QCoreApplication::instance();
    if (thread->loopLevel() == 0 && (!app || app->thread() != thread)) {
        socket.waitForReadyRead(ms);
        return;
    }
    QEventLoop loop;
    QObject::connect(&socket, &QIODevice::readyRead, &loop, &QEventLoop::quit);
    QObject::connect(&socket, &QAbstractSocket::disconnected, &loop, &QEventLoop::quit);
    QObject::connect(&socket, &QAbstractSocket::errorOccurred, &loop, &QEventLoop::quit);
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

} // namespace

HttpEndpoint HttpEndpoint::fromUrl(const QString &server)
{
    const QUrl url(server);
    HttpEndpoint endpoint;
    endpoint.tls = url.scheme() == QLatin1String("https");
    const int schemePort = endpoint.tls ? 443 : 80;
    endpoint.host = url.host();
    endpoint.port = quint16(url.port(schemePort));
    QByteArray host = url.host(QUrl::FullyEncoded).toLatin1();
    if (host.contains(':'))
        host = '[' + host + ']'; // an IPv6 address
    endpoint.hostHeader = endpoint.port == schemePort ? host : host + ':' + QByteArray::number(endpoint.port);
    endpoint.pathPrefix = url.path(QUrl::FullyEncoded).toLatin1();
    while (endpoint.pathPrefix.endsWith('/'))
        endpoint.pathPrefix.chop(1);
    return endpoint;
}

// Reads an answer from the socket: bytes arrive in `in`, consumed from `at`.
struct ApiConnection::Reader
{
    QSslSocket &socket;
    const CancelToken &cancel;
    HttpAnswer &answer;
    QByteArray in;
    qsizetype at = 0;
    bool anyByte = false;

    qsizetype available() const { return in.size() - at; }

    // Waits until more bytes come; false (answer.failure set) on a closed connection, cancel, or
    // `timeoutMs` (0 = none) without a byte.
    bool more(int timeoutMs)
    {
        QElapsedTimer idle;
        idle.start();
        for (;;) {
            if (socket.bytesAvailable() > 0) {
                if (at > 0 && at >= in.size() / 2) {
                    in.remove(0, at);
                    at = 0;
                }
                in += socket.readAll();
                anyByte = true;
                return true;
            }
            if (socket.state() != QAbstractSocket::ConnectedState) {
                answer.failure = socket.error() == QAbstractSocket::RemoteHostClosedError || socket.error() == QAbstractSocket::UnknownSocketError
                    ? HttpFailure::Closed
                    : failureOf(socket.error());
                answer.failureDetail = socket.errorString();
                return false;
            }
            if (cancel.isCancelled()) {
                answer.failure = HttpFailure::Cancelled;
                return false;
            }
            const qint64 left = timeoutMs > 0 ? timeoutMs - idle.elapsed() : kSliceMs;
            if (left <= 0) {
                answer.failure = HttpFailure::Timeout;
                return false;
            }
            waitForBytes(socket, int(qMin<qint64>(left, kSliceMs)));
        }
    }

    // The next line (without its CRLF), reading more as needed.
    bool line(QByteArray &out, int timeoutMs)
    {
        for (;;) {
            const qsizetype end = in.indexOf("\r\n", at);
            if (end >= 0) {
                out = in.mid(at, end - at);
                at = end + 2;
                return true;
            }
            if (available() > kMaxHead) {
                answer.failure = HttpFailure::Other;
                answer.failureDetail = QStringLiteral("a line of the answer is over 1 MiB");
                return false;
            }
            if (!more(timeoutMs))
                return false;
        }
    }

    // `n` bytes handed to `take` as they come.
    bool bytes(qint64 n, int timeoutMs, const std::function<bool(QByteArrayView)> &take)
    {
        while (n > 0) {
            if (available() == 0 && !more(timeoutMs))
                return false;
            const qsizetype part = qsizetype(qMin<qint64>(n, available()));
            const QByteArrayView piece(in.constData() + at, part);
            at += part;
            n -= part;
            if (!take(piece))
                return false;
        }
        return true;
    }
};

ApiConnection::ApiConnection(HttpEndpoint endpoint, QSslConfiguration tls) : m_endpoint(std::move(endpoint)), m_tls(std::move(tls)) {}

ApiConnection::~ApiConnection() = default;

void ApiConnection::close()
{
    if (m_socket)
        m_socket->abort();
    m_socket.reset();
    m_answered = 0;
}

// Connects (and shakes hands) through the socket's signals: it happens once per connection,
// and unlike waitForConnected() an event loop can look at `cancel` while it waits.
bool ApiConnection::ensureConnected(int timeoutMs, const CancelToken &cancel, HttpAnswer &answer)
{
    if (m_socket && m_socket->state() == QAbstractSocket::ConnectedState)
        return true;
    close();
    m_socket = std::make_unique<QSslSocket>();
    QSslSocket &socket = *m_socket;
    // Requests go out whole: no Nagle delay. Set once connected (before that the socket has no
    // descriptor, and Qt drops the option without a word).
    QObject::connect(&socket, &QAbstractSocket::connected, &socket, [&socket] { socket.setSocketOption(QAbstractSocket::LowDelayOption, 1); });
    QEventLoop loop;
    QObject::connect(&socket, &QAbstractSocket::errorOccurred, &loop, &QEventLoop::quit);
    QElapsedTimer elapsed;
    elapsed.start();
    QTimer tick;
    QObject::connect(&tick, &QTimer::timeout, &loop, [&] {
        if (cancel.isCancelled() || elapsed.hasExpired(timeoutMs))
            loop.quit();
    });
    tick.start(kSliceMs);
    if (m_endpoint.tls) {
        QObject::connect(&socket, &QSslSocket::encrypted, &loop, &QEventLoop::quit);
        socket.setSslConfiguration(m_tls);
        socket.connectToHostEncrypted(m_endpoint.host, m_endpoint.port,
                                      m_endpoint.peerVerifyName.isEmpty() ? m_endpoint.host : m_endpoint.peerVerifyName);
    } else {
        QObject::connect(&socket, &QAbstractSocket::connected, &loop, &QEventLoop::quit);
        socket.connectToHost(m_endpoint.host, m_endpoint.port);
    }
    loop.exec();
    if (socket.state() == QAbstractSocket::ConnectedState && (!m_endpoint.tls || socket.isEncrypted()))
        return true;
    if (cancel.isCancelled()) {
        answer.failure = HttpFailure::Cancelled;
    } else if (socket.error() != QAbstractSocket::UnknownSocketError) {
        answer.failure = failureOf(socket.error());
        answer.failureDetail = socket.errorString();
    } else {
        answer.failure = HttpFailure::Timeout;
    }
    close();
    return false;
}

HttpAnswer ApiConnection::exchange(const HttpExchange &exchange, const CancelToken &cancel, const QSslConfiguration *tls)
{
    if (tls && tls->localCertificate() != m_tls.localCertificate()) {
        m_tls = *tls;
        close();
    }
    const bool reused = m_socket && m_answered > 0;
    bool nothingCame = false;
    HttpAnswer answer = attempt(exchange, cancel, &nothingCame);
    if (reused && nothingCame && answer.failure == HttpFailure::Closed)
        answer = attempt(exchange, cancel, &nothingCame); // the server had closed the kept connection
    return answer;
}

HttpAnswer ApiConnection::attempt(const HttpExchange &exchange, const CancelToken &cancel, bool *nothingCame)
{
    HttpAnswer answer;
    *nothingCame = true;
    if (!ensureConnected(exchange.headTimeoutMs, cancel, answer))
        return answer;
    QSslSocket &socket = *m_socket;
    if (socket.write(exchange.head) != exchange.head.size() || (!exchange.body.isEmpty() && socket.write(exchange.body) != exchange.body.size())) {
        answer.failure = HttpFailure::Closed;
        answer.failureDetail = socket.errorString();
        close();
        return answer;
    }
    Reader reader{socket, cancel, answer, {}, 0, false};
    auto fail = [&] {
        *nothingCame = !reader.anyByte;
        close();
        return answer;
    };

    // The head; 1xx answers (100 Continue) come before the real one.
    QByteArray head;
    for (;;) {
        qsizetype end;
        while ((end = reader.in.indexOf("\r\n\r\n", reader.at)) < 0) {
            if (reader.available() > kMaxHead) {
                answer.failure = HttpFailure::Other;
                answer.failureDetail = QStringLiteral("the answer's head is over 1 MiB");
                return fail();
            }
            if (!reader.more(exchange.headTimeoutMs))
                return fail();
        }
        head = reader.in.mid(reader.at, end + 2 - reader.at);
        reader.at = end + 4;
        const QList<QByteArray> statusLine = head.left(head.indexOf("\r\n")).split(' ');
        bool ok = false;
        answer.status = statusLine.size() >= 2 && statusLine[0].startsWith("HTTP/1.") ? statusLine[1].toInt(&ok) : 0;
        if (!ok || answer.status < 100) {
            answer.failure = HttpFailure::Other;
            answer.failureDetail = QStringLiteral("the answer is not HTTP/1.1: ") + QString::fromLatin1(head.left(80));
            return fail();
        }
        if (answer.status >= 200 || answer.status == 101)
            break;
    }
    const AnswerHeaders headers(head);
    answer.contentType = headers.value("content-type");
    const bool http10 = head.startsWith("HTTP/1.0");
    const QByteArray connection = headers.value("connection").toLower();
    bool keepAlive = http10 ? connection == "keep-alive" : connection != "close";

    const bool toCaller = exchange.onBody && answer.status >= 200 && answer.status < 300;
    bool stopped = false;
    const std::function<bool(QByteArrayView)> keep = [&](QByteArrayView piece) {
        if (!toCaller) {
            answer.body.append(piece);
            return true;
        }
        stopped = !exchange.onBody(piece.toByteArray());
        return !stopped;
    };
    if (toCaller && !keep({})) { // the server took the request (a stream may stay quiet for minutes)
        close();
        return answer;
    }
    const bool noBody = answer.status == 204 || answer.status == 304 || exchange.head.startsWith("HEAD ");
    const QByteArray encoding = headers.value("content-encoding").toLower();
    std::unique_ptr<GzipBody> gzip; // its 16 KiB buffer only for a gzip answer (an optional zeroed it for each)
    if (encoding == "gzip") {
        gzip = std::make_unique<GzipBody>();
    } else if (!encoding.isEmpty() && encoding != "identity" && !noBody) {
        answer.failure = HttpFailure::Other;
        answer.failureDetail = QStringLiteral("the answer is encoded as \"%1\", which was not asked for").arg(QString::fromLatin1(encoding));
        return fail();
    }
    auto take = [&](QByteArrayView piece) {
        if (!gzip)
            return keep(piece);
        QString error;
        if (gzip->feed(piece, keep, error) || stopped)
            return !stopped;
        answer.failure = HttpFailure::Other;
        answer.failureDetail = error;
        return false;
    };
    const int bodyTimeout = exchange.bodyTimeoutMs;
    const QByteArray length = headers.value("content-length");
    bool read = true;
    if (noBody) {
    } else if (headers.value("transfer-encoding").toLower().contains("chunked")) {
        for (;;) {
            QByteArray sizeLine;
            if (!(read = reader.line(sizeLine, bodyTimeout)))
                break;
            bool ok = false;
            const qsizetype extension = sizeLine.indexOf(';');
            const qint64 size = (extension < 0 ? sizeLine : sizeLine.left(extension)).trimmed().toLongLong(&ok, 16);
            if (!ok || size < 0) {
                answer.failure = HttpFailure::Other;
                answer.failureDetail = QStringLiteral("a chunk of the answer has no size");
                read = false;
                break;
            }
            if (size == 0) { // the trailer, up to an empty line
                QByteArray trailer;
                while ((read = reader.line(trailer, bodyTimeout)) && !trailer.isEmpty()) {
                }
                break;
            }
            QByteArray crlf;
            if (!(read = reader.bytes(size, bodyTimeout, take) && reader.line(crlf, bodyTimeout)))
                break;
            if (!crlf.isEmpty()) {
                answer.failure = HttpFailure::Other;
                answer.failureDetail = QStringLiteral("a chunk of the answer is longer than its size");
                read = false;
                break;
            }
        }
    } else if (!length.isEmpty()) {
        bool ok = false;
        const qint64 size = length.toLongLong(&ok);
        if (!ok || size < 0) {
            answer.failure = HttpFailure::Other;
            answer.failureDetail = QStringLiteral("the answer's Content-Length is not a number");
            read = false;
        } else {
            if (!toCaller)
                answer.body.reserve(qsizetype(size));
            read = reader.bytes(size, bodyTimeout, take);
        }
    } else { // the body ends with the connection
        keepAlive = false;
        for (;;) {
            if (reader.available() == 0 && !reader.more(bodyTimeout)) {
                read = answer.failure == HttpFailure::Closed;
                if (read)
                    answer.failure = HttpFailure::None;
                break;
            }
            const QByteArrayView rest(reader.in.constData() + reader.at, reader.available());
            reader.at = reader.in.size();
            if (!(read = take(rest)))
                break;
        }
    }
    if (stopped) {
        close(); // the rest of the stream is not wanted
        return answer;
    }
    if (read && gzip && !gzip->whole()) {
        answer.failure = HttpFailure::Other;
        answer.failureDetail = QStringLiteral("the answer's gzip body ends early");
        read = false;
    }
    if (!read)
        return fail();
    if (keepAlive && reader.available() == 0) {
        ++m_answered;
    } else {
        close();
    }
    return answer;
}

} // namespace sluice::kube
