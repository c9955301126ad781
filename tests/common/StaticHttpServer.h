#pragma once

// A static file server on 127.0.0.1 for tests (a helm chart repository, say): answers GET with
// the files under a folder, 404 otherwise. It runs in its own thread, so the test's thread may
// block on a child process that fetches from it.

#include <QDir>
#include <QFile>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QUrl>

#include <atomic>

namespace sluice::test {

class StaticHttpServer
{
public:
    explicit StaticHttpServer(const QString &root) : m_root(root)
    {
        m_context.moveToThread(&m_thread);
        m_thread.start();
        QMetaObject::invokeMethod(
            &m_context,
            [this] {
                m_server = new QTcpServer;
                QObject::connect(m_server, &QTcpServer::newConnection, m_server, [this] { accept(); });
                m_server->listen(QHostAddress::LocalHost);
                m_port = m_server->serverPort();
            },
            Qt::BlockingQueuedConnection);
    }

    ~StaticHttpServer() { stop(); }

    // Closes the port; later requests are refused (as by a server that is down).
    void stop()
    {
        if (!m_thread.isRunning())
            return;
        QMetaObject::invokeMethod(&m_context, [this] { delete m_server; m_server = nullptr; }, Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }

    QString url() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }
    int requests() const { return m_requests; }

private:
    // Lives in m_thread: the server and its sockets are created there.
    struct Context : QObject
    {
    };

    void accept()
    {
        while (QTcpSocket *socket = m_server->nextPendingConnection()) {
            QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
                const QByteArray request = socket->peek(8192);
                if (!request.contains("\r\n\r\n"))
                    return; // the headers are not all here yet
                socket->readAll();
                ++m_requests;
                const QString path = QUrl(QString::fromLatin1(request.split(' ').value(1))).path();
                QFile file(QDir(m_root).filePath(path.mid(1)));
                QByteArray response;
                if (!path.contains(QLatin1String("..")) && file.open(QIODevice::ReadOnly)) {
                    const QByteArray body = file.readAll();
                    response = "HTTP/1.1 200 OK\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
                } else {
                    response = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
                }
                socket->write(response);
                socket->disconnectFromHost();
            });
            QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        }
    }

    QString m_root;
    QThread m_thread;
    Context m_context;
    QTcpServer *m_server = nullptr;
    quint16 m_port = 0;
    std::atomic<int> m_requests{0};
};

} // namespace sluice::test
