#pragma once

// A static file server on 127.0.0.1 for tests (a helm chart repository, say): answers GET with
// the files under a folder, 404 otherwise. It runs in its own thread, so the test's thread may
// block on a child process that fetches from it.

#include "LoopbackServer.h"

#include <QDir>
#include <QFile>
#include <QUrl>

#include <atomic>

namespace sluice::test {

class StaticHttpServer
{
public:
    explicit StaticHttpServer(const QString &root) : m_root(root), m_server([this](QTcpSocket *socket) { serve(socket); }) {}

    // Closes the port; later requests are refused (as by a server that is down).
    void stop() { m_server.stop(); }

    QString url() const { return m_server.url(); }
    int requests() const { return m_requests; }

private:
    void serve(QTcpSocket *socket)
    {
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

    QString m_root;
    std::atomic<int> m_requests{0};
    LoopbackServer m_server; // last: stopped first, while what it serves from still exists
};

} // namespace sluice::test
