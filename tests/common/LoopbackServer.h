#pragma once

// A TCP server on 127.0.0.1 running on a thread of its own, so the test's thread may block (in a
// client's socket waits, or on a child process) while it answers. `onConnection` runs on that
// thread for each connection accepted; the socket belongs to the server.

#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>

#include <functional>

namespace sluice::test {

class LoopbackServer
{
public:
    explicit LoopbackServer(std::function<void(QTcpSocket *)> onConnection) : m_onConnection(std::move(onConnection))
    {
        m_context.moveToThread(&m_thread);
        m_thread.start();
        QMetaObject::invokeMethod(
            &m_context,
            [this] {
                m_server = new QTcpServer;
                QObject::connect(m_server, &QTcpServer::newConnection, m_server, [this] {
                    while (QTcpSocket *socket = m_server->nextPendingConnection())
                        m_onConnection(socket);
                });
                m_server->listen(QHostAddress::LocalHost);
                m_port = m_server->serverPort();
            },
            Qt::BlockingQueuedConnection);
    }
    ~LoopbackServer() { stop(); }
    LoopbackServer(const LoopbackServer &) = delete;
    LoopbackServer &operator=(const LoopbackServer &) = delete;

    quint16 port() const { return m_port; }
    QString url() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }

    // Closes the port and every connection; later connections are refused (as by a server that
    // is down).
    void stop()
    {
        if (!m_thread.isRunning())
            return;
        QMetaObject::invokeMethod(&m_context, [this] { delete m_server; m_server = nullptr; }, Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }

private:
    std::function<void(QTcpSocket *)> m_onConnection;
    QThread m_thread;
    QObject m_context; // lives in m_thread: the server and its sockets are made there
    QTcpServer *m_server = nullptr;
    quint16 m_port = 0;
};

} // namespace sluice::test
