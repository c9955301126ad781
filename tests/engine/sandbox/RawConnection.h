#pragma once

// Raw HTTPS to a sandbox for tests that need the bytes on the wire: a request written byte for
// byte, its answer read raw, and whether the server closed the connection. No retry and no
// resend behind the test's back (QNetworkAccessManager resends a request whose connection
// closed without an answer). Runs the event loop while waiting (an in-process sandbox serves on
// the same thread).

#include "common/SandboxProcess.h"
#include "sandbox/Sandbox.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSslCertificate>
#include <QSslSocket>
#include <QTest>

namespace sluice::test {

// Where a sandbox serves, and how to reach it.
struct Endpoint
{
    QUrl url;
    QByteArray caPem;
    QByteArray token;

    static Endpoint of(const sandbox::Sandbox &sandbox) { return {sandbox.url(), sandbox.caCertificatePem(), sandbox.token()}; }
    static Endpoint of(const SandboxProcess &process, const QString &dir)
    {
        QFile ca(dir + "/data/ca.crt");
        QFile token(dir + "/data/token");
        if (!ca.open(QIODevice::ReadOnly) || !token.open(QIODevice::ReadOnly))
            return {};
        return {QUrl(process.url()), ca.readAll(), token.readAll().trimmed()};
    }
};

// One TLS connection written byte for byte by the test, its answer read raw.
class RawConnection
{
public:
    explicit RawConnection(const Endpoint &endpoint)
    {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates(QSslCertificate::fromData(endpoint.caPem));
        m_socket.setSslConfiguration(tls);
        QObject::connect(&m_socket, &QIODevice::readyRead, [this] { m_received += m_socket.readAll(); });
        m_socket.connectToHostEncrypted(endpoint.url.host(), quint16(endpoint.url.port()), QStringLiteral("localhost"));
    }

    bool waitEncrypted() { return QTest::qWaitFor([this] { return m_socket.isEncrypted(); }, 10000); }
    void write(const QByteArray &bytes) { m_socket.write(bytes); }
    // The status of a complete answer head, 0 when none arrived in `ms`.
    int waitStatus(int ms)
    {
        return QTest::qWaitFor([this] { return m_received.contains("\r\n\r\n"); }, ms) ? status() : 0;
    }
    int status() const { return m_received.contains("\r\n\r\n") ? m_received.split(' ').value(1).toInt() : 0; }
    QJsonObject body() const { return QJsonDocument::fromJson(m_received.mid(m_received.indexOf("\r\n\r\n") + 4)).object(); }
    bool isClosed() const { return m_socket.state() == QAbstractSocket::UnconnectedState; }
    quint16 localPort() const { return m_socket.localPort(); }

private:
    QSslSocket m_socket;
    QByteArray m_received;
};

inline QByteArray requestHead(const QByteArray &method, const QByteArray &path, const QByteArray &token, qint64 contentLength)
{
    return method + ' ' + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token +
           "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(contentLength) + "\r\n\r\n";
}

// A whole request on its own connection: the status, 0 without an answer.
inline int exchange(const Endpoint &endpoint, const QByteArray &method, const QByteArray &path, const QJsonObject &body = {})
{
    RawConnection connection(endpoint);
    const QByteArray data = body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact);
    connection.write(requestHead(method, path, endpoint.token, data.size()) + data);
    return connection.waitStatus(10000);
}

} // namespace sluice::test
