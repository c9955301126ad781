#pragma once

// A small HTTPS client for in-process sandbox tests: JSON requests trusting only the sandbox's
// CA, and a watch reader that collects newline-delimited events as they stream in. Both run
// the event loop while waiting (the sandbox serves on the same thread).

#include "sandbox/Sandbox.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QSslCertificate>
#include <QTest>

namespace sluice::sandbox::test {

struct Reply
{
    int status = 0;
    QByteArray contentType;
    QByteArray body;
    QJsonObject json;
};

inline const QByteArray kAggregatedAccept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";
inline const QByteArray kTableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";

inline QString nameOf(const QJsonObject &object)
{
    return object.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("name")).toString();
}

inline QStringList itemNames(const QJsonObject &list)
{
    QStringList result;
    for (const QJsonValue &item : list.value(QStringLiteral("items")).toArray())
        result << nameOf(item.toObject());
    return result;
}

// The condition `type` of `object`'s status.conditions, or an empty object.
inline QJsonObject conditionOf(const QJsonObject &object, const QString &type)
{
    for (const QJsonValue &c : object.value(QStringLiteral("status")).toObject().value(QStringLiteral("conditions")).toArray()) {
        if (c.toObject().value(QStringLiteral("type")).toString() == type)
            return c.toObject();
    }
    return {};
}

class SandboxClient
{
public:
    explicit SandboxClient(const Sandbox *sandbox = nullptr) : m_sandbox(sandbox) {}
    void setSandbox(const Sandbox *sandbox) { m_sandbox = sandbox; }

    QNetworkRequest makeRequest(const QString &path, const QByteArray &accept) const
    {
        QNetworkRequest req(QUrl(m_sandbox->url().toString() + path));
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates(QSslCertificate::fromData(m_sandbox->caCertificatePem()));
        req.setSslConfiguration(tls);
        req.setRawHeader("Accept", accept);
        req.setRawHeader("Authorization", "Bearer " + m_sandbox->token());
        return req;
    }

    // `body` is sent as JSON with `contentType` (apply: "application/apply-patch+yaml").
    Reply request(const QByteArray &method, const QString &path, const QJsonObject &body = {},
                  const QByteArray &contentType = "application/json", const QByteArray &accept = "application/json")
    {
        QNetworkRequest req = makeRequest(path, accept);
        QByteArray data;
        if (!body.isEmpty()) {
            data = QJsonDocument(body).toJson(QJsonDocument::Compact);
            req.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
        }
        QNetworkReply *reply = m_nam.sendCustomRequest(req, method, data);
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        Reply r;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r.contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
        r.body = reply->readAll();
        r.json = QJsonDocument::fromJson(r.body).object();
        reply->deleteLater();
        return r;
    }

    QNetworkAccessManager &nam() { return m_nam; }

private:
    const Sandbox *m_sandbox;
    QNetworkAccessManager m_nam;
};

// An open watch (`path` must include ?watch=true); `events` grows as lines arrive.
class WatchReader
{
public:
    WatchReader(SandboxClient &client, const QString &path)
    {
        m_reply = client.nam().get(client.makeRequest(path, "application/json"));
        QObject::connect(m_reply, &QIODevice::readyRead, [this] {
            m_buffer += m_reply->readAll();
            qsizetype end;
            while ((end = m_buffer.indexOf('\n')) >= 0) {
                const QByteArray line = m_buffer.left(end);
                m_buffer.remove(0, end + 1);
                if (!line.trimmed().isEmpty())
                    events << QJsonDocument::fromJson(line).object();
            }
        });
    }
    ~WatchReader()
    {
        if (m_reply) {
            m_reply->abort();
            m_reply->deleteLater();
        }
    }

    // "TYPE name" per event.
    QStringList summary() const
    {
        QStringList result;
        for (const QJsonObject &e : events)
            result << e.value(QStringLiteral("type")).toString() + QLatin1Char(' ') + nameOf(e.value(QStringLiteral("object")).toObject());
        return result;
    }

    QList<QJsonObject> events;

private:
    QPointer<QNetworkReply> m_reply;
    QByteArray m_buffer;
};

} // namespace sluice::sandbox::test
