#pragma once

// A small HTTP/1.1 server over TLS (QSslServer): request line, headers, Content-Length bodies,
// keep-alive and pipelining, responses with Content-Length, and streamed (chunked) responses
// that hold the connection until the stream finishes or the peer leaves (watch).
//
// Thread: lives on the thread that created it; the handler runs there, one request at a time,
// so handlers need no locking. Limits: 64 KiB of request head, 64 MiB of body; chunked request
// bodies are refused with 411 (kubectl never sends them).
//
// Hostile or broken clients (HttpLimits): a request's head is checked (HeadCheck: the token, the
// route's body cap) before any of its body is read; a head must arrive within a timeout of its
// first byte (of the connection, for the first request), a body within another, and an idle
// keep-alive connection is closed after a third. Connections are capped in total (below the
// process's file descriptor limit, so accept never fails and spins) and per client address; at
// a cap, the connection that has waited longest without a request in progress makes room, and
// when none has, the new one is closed.
//
// Streamed responses are paced by the peer: chunks wait in the connection while the socket
// holds a backlog, and leave as the peer reads. A peer that reads nothing for a while with more
// than a backlog cap pending is cut off.
//
// Group commit (CommitBarrier): handlers may leave writes staged, not yet durable. Every answer
// given while writes are staged, or being made durable, is held. At the end of an event-loop
// round the server hands every staged write to one flush (one fdatasync for the requests of every
// connection served in that round), whose disk write runs on a thread of its own while requests
// are served on (with one client connected, on this thread: nothing could be served meanwhile,
// and the hop would only delay a client that waits for each answer); when it ends, the writes
// staged meanwhile go to the next flush at once (pipelined), and the answers the finished flush
// covers leave, in order per connection. So no
// client learns of a write, its own or another's, before it is durable; a failed flush undoes
// every write not durable yet and turns every held answer into an error. A watch about to start
// (a streamed answer) lists the store, so it starts only once nothing is left undurable.
//
// Injected faults (HttpResponse::delivery, FaultInjector.h) pass through the same path: a
// withheld or dropped answer is held like any other, so the write behind it is durable before
// the connection goes silent or closes, and the answers before it on its connection still leave.

#include "HttpMessage.h"

#include "core/Result.h"

#include <QHostAddress>
#include <QMutex>
#include <QObject>
#include <QPointer>
#include <QSslConfiguration>

#include <functional>
#include <optional>

class QSslServer;
class QSslSocket;
class QThreadPool;
class QTimer;

namespace sluice::sandbox {

using HttpHandler = std::function<HttpResponse(const HttpRequest &)>;

// Decides on a request from its head alone (`body` is empty): an answer instead of reading the
// body (401 without a valid token, 413 over the route's cap), or nothing to go on.
using HeadCheck = std::function<std::optional<HttpResponse>(const HttpRequest &head)>;


// How the server learns whether the handler left writes staged, and makes them durable.
struct CommitBarrier
{
    std::function<bool()> hasUnflushed; // writes staged that no flush has taken yet
    // Hands every staged write to a flush: nothing when none is staged; else the work that
    // writes them (run on the flush thread; empty when there is nothing to write).
    std::function<std::optional<std::function<Status()>>()> beginFlush;
    // On the server's thread, with the work's result: ok when the writes are durable (and
    // published); an error when they (and any staged since) were undone.
    std::function<Status(const Status &written)> finishFlush;
    std::function<HttpResponse(const Error &)> failureAnswer; // replaces held answers when a flush fails
};

class CappedSslServer;
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
    void setHeadCheck(HeadCheck check) { m_headCheck = std::move(check); }
    // Before listen(). maxConnections is lowered to what the file descriptor limit allows.
    void setLimits(const HttpLimits &limits) { m_limits = limits; }
    const HttpLimits &limits() const { return m_limits; }
    // Arranges one flush on this thread's next event-loop turn (once, however often called).
    void scheduleFlush();
    // Waits for the flush in progress, if any, and finishes it (before the store is closed).
    void waitForFlush();

private:
    friend class HttpConnection;
    friend class CappedSslServer;
    // Called for each accepted socket before its handshake: makes room at a cap; false refuses it.
    bool admit(const QHostAddress &peer);
    void acceptPending();
    bool hasUnflushed() const { return m_barrier.hasUnflushed && m_barrier.hasUnflushed(); }
    bool mustHold() const { return m_flushing || hasUnflushed(); }
    // The number of the flush an answer given now waits for.
    quint64 flushToWaitFor() const { return hasUnflushed() ? m_flushesBegun + 1 : m_flushesBegun; }
    void holdFor(HttpConnection *connection);
    // The end of a round: starts a flush of the staged writes, unless one is in progress.
    void flush();
    void startFlush();
    // The flush thread's result arrived.
    void collectFlush();
    void finishFlush(const Status &written);
    // A held watch is due to start (see above).
    bool streamDue() const;
    // Sends every held answer whose flush has finished (every one, as `failure`, when given).
    void releaseHeld(const std::optional<HttpResponse> &failure);

    CappedSslServer *m_server = nullptr;
    HttpHandler m_handler;
    HeadCheck m_headCheck;
    HttpLimits m_limits;
    CommitBarrier m_barrier;
    bool m_flushScheduled = false;
    int m_connections = 0;       // HttpConnections alive
    bool m_flushing = false;     // a flush's disk write is in progress
    quint64 m_flushesBegun = 0;  // flushes are numbered from 1
    quint64 m_flushesDone = 0;
    QList<QPointer<HttpConnection>> m_holding; // connections with held answers, first held first
    QMutex m_resultMutex;
    std::optional<Status> m_flushResult; // from the flush thread, under m_resultMutex
    std::unique_ptr<QThreadPool> m_flushThread; // one thread: the disk writes of flushes
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
        quint64 flush = 0; // leaves when this flush has finished
        qint64 since = 0;  // when it was held (ms since epoch)

        // Nothing more is read on the connection behind it.
        bool blocks() const { return response.stream || !keepAlive || response.delivery != HttpResponse::Delivery::Send; }
    };

    enum class Phase { Idle, Head, Body, Busy, Withheld };

    void onReadyRead();
    // Arms the timeout of the phase the connection is in (not again for more bytes of the same).
    void updateDeadline();
    void onDeadline();
    // Waiting for a request (idle, or its head arriving): may be closed to make room.
    bool isEvictable() const { return !m_closing && (m_phase == Phase::Idle || m_phase == Phase::Head); }
    // Sends `response` now, or holds it while the server must hold answers or this connection
    // holds earlier ones. False when no further request may be read for now.
    bool respond(HttpResponse response, bool keepAlive);
    bool send(const HttpResponse &response, bool keepAlive);
    // Sends the held answers whose flush is `done` or earlier (all, each replaced by `failure`,
    // when given). True when some are still held.
    bool release(quint64 done, const std::optional<HttpResponse> &failure);
    void onDisconnected();
    void startStream(const HttpResponse &response, bool keepAlive);
    void writeChunk(const QByteArray &chunk);
    // A streamed response is open, or its last bytes have not left yet.
    bool streaming() const { return m_stream || m_streamEnd || !m_streamQueue.isEmpty(); }
    // Moves queued stream bytes to the socket while its backlog is small; then the end, if due.
    void pump();
    void finishStream(bool keepAlive);
    // Parses one complete request from m_buffer into `request`; false when more bytes are
    // needed, or when the request was answered from its head (malformed, refused).
    bool takeRequest(HttpRequest &request);
    // Parses the head at the start of m_buffer into m_head; false while incomplete or refused.
    bool takeHead();
    void writeResponse(const HttpResponse &response, bool keepAlive);
    void fail(int status, const QByteArray &message);

    QSslSocket *m_socket;
    HttpServer *m_server;
    QHostAddress m_peer;
    QByteArray m_buffer;
    std::optional<HttpRequest> m_head; // a request whose body is still arriving
    qsizetype m_bodyLength = 0;
    Phase m_phase = Phase::Busy;
    bool m_servedOne = false;
    QTimer *m_deadline;
    qint64 m_waitingSince = 0; // when the current phase began (ms since epoch)
    bool m_closing = false;
    bool m_withheld = false; // an answer is withheld (an injected timeout): the client is to give up
    QList<HeldAnswer> m_held;
    bool m_heldBlocks = false; // a held answer streams or closes: read nothing more until released
    std::shared_ptr<ResponseStream> m_stream; // the open streamed response, if any
    QByteArrayList m_streamQueue;             // stream bytes waiting for the socket to drain
    qsizetype m_streamQueued = 0;
    std::optional<bool> m_streamEnd;          // the stream finished (keep-alive?) once the queue drains
    qint64 m_lastDrain = 0;                   // when the peer last took bytes (ms since epoch)
};

} // namespace sluice::sandbox
