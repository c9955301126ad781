#pragma once

// Plain HTTP/1.1 request and response values exchanged between HttpServer and its handler.

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrlQuery>

namespace sluice::sandbox {

struct HttpRequest
{
    QByteArray method;                           // "GET", "POST", …
    QByteArray target;                           // raw request target ("/api/v1?x=y")
    QString path;                                // percent-decoded path
    QUrlQuery query;
    QList<QPair<QByteArray, QByteArray>> headers; // names lowercased, in arrival order
    QByteArray body;

    // The first header named `lowerName`, or empty.
    QByteArray header(const QByteArray &lowerName) const
    {
        for (const auto &[name, value] : headers) {
            if (name == lowerName)
                return value;
        }
        return {};
    }
    QString queryValue(const QString &key) const
    {
        return query.queryItemValue(key, QUrl::FullyDecoded);
    }
};

struct HttpResponse
{
    int status = 200;
    QByteArray contentType = "application/json";
    QList<QPair<QByteArray, QByteArray>> headers; // extra headers
    QByteArray body;

    // Later: watch needs a streaming response (Transfer-Encoding: chunked) that keeps the
    // connection. The plan: a `std::shared_ptr<HttpStream>` member here; when set, HttpConnection
    // writes the head with "Transfer-Encoding: chunked" instead of Content-Length and hands the
    // stream a writer for chunks (see HttpConnection::writeResponse).
};

// "OK", "Not Found", … for the codes the sandbox uses.
QByteArray reasonPhrase(int status);

} // namespace sluice::sandbox
