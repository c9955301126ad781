#include "Watch.h"

#include "core/Log.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUrlQuery>

namespace sluice::kube {

namespace {

QString keyOf(const QJsonObject &object)
{
    const QJsonObject metadata = object.value(QLatin1String("metadata")).toObject();
    return metadata.value(QLatin1String("namespace")).toString() + QLatin1Char('/') +
           metadata.value(QLatin1String("name")).toString();
}

QString resourceVersionOf(const QJsonObject &object)
{
    return object.value(QLatin1String("metadata")).toObject().value(QLatin1String("resourceVersion")).toString();
}

// Objects seen so far by key, with their resourceVersion: what a re-list is compared with.
using Known = QHash<QString, QString>;

enum class StreamEnd { Stopped, Expired, Closed };

// No answer (the cluster is down or restarting, a timeout), throttling, or a server error.
bool isTransient(const Error &error)
{
    return error.category == ErrorCategory::Kube && (error.code == 0 || error.code == 429 || error.code >= 500);
}

} // namespace

Status watchCollection(KubeClient &client, const ResourcePath &collection, const WatchOptions &options,
                       const std::function<bool(const WatchEvent &)> &sink, const CancelToken &cancel)
{
    Known known;
    QString resourceVersion;

    // Lists the collection and reports the difference with `known`; false when the sink stopped.
    auto relist = [&]() -> Result<bool> {
        QUrlQuery query;
        if (!options.labelSelector.isEmpty())
            query.addQueryItem(QStringLiteral("labelSelector"), QString::fromUtf8(QUrl::toPercentEncoding(options.labelSelector)));
        auto list = client.getJson(collection.path() + (query.isEmpty() ? QString() : QLatin1Char('?') + query.query(QUrl::FullyEncoded)), cancel);
        if (!list)
            return list.error();
        resourceVersion = list->value(QLatin1String("metadata")).toObject().value(QLatin1String("resourceVersion")).toString();
        Known now;
        for (const QJsonValue &item : list->value(QLatin1String("items")).toArray()) {
            const QJsonObject object = item.toObject();
            const QString key = keyOf(object);
            now.insert(key, resourceVersionOf(object));
            const auto before = known.constFind(key);
            if (before == known.constEnd()) {
                if (!sink({QStringLiteral("ADDED"), object}))
                    return false;
            } else if (*before != resourceVersionOf(object)) {
                if (!sink({QStringLiteral("MODIFIED"), object}))
                    return false;
            }
        }
        for (auto it = known.constBegin(); it != known.constEnd(); ++it) {
            if (!now.contains(it.key())) {
                QJsonObject gone{{QStringLiteral("metadata"), QJsonObject{{QStringLiteral("namespace"), it.key().section(QLatin1Char('/'), 0, 0)},
                                                                          {QStringLiteral("name"), it.key().section(QLatin1Char('/'), 1)}}}};
                if (!sink({QStringLiteral("DELETED"), gone}))
                    return false;
            }
        }
        known = now;
        return true;
    };

    bool answering = true;
    const auto heard = [&](const Status &status) {
        if (status.ok() == answering)
            return;
        answering = status.ok();
        if (options.onAnswering)
            options.onAnswering(status);
    };

    const auto cancelled = [&] { return makeError(ErrorCategory::Cancelled, QStringLiteral("watch of %1 was cancelled").arg(collection.path())); };
    int failures = 0; // in a row
    // After a failure: waits before the next attempt; false when there is none (too many
    // failures in a row, or cancelled while waiting).
    const auto waitToRetry = [&] {
        ++failures;
        if (options.maxReconnects >= 0 && failures > options.maxReconnects)
            return false;
        return cancel.sleepFor(qMin(options.maxReconnectDelayMs, options.reconnectDelayMs << qMin(failures - 1, 5)));
    };

    // The first list: retried as a reconnect is while the cluster does not answer (down,
    // restarting, overloaded), as a controller's reflector does; a refusal (forbidden, not
    // found) is the answer.
    auto first = relist();
    while (!first && isTransient(first.error())) {
        qCDebug(lcKube) << "listing" << collection.path() << "failed:" << first.error().message;
        heard(first.error());
        if (!waitToRetry())
            return cancel.isCancelled() ? cancelled() : first.error();
        first = relist();
    }
    if (!first)
        return first.error();
    heard({});
    if (!*first)
        return {};

    failures = 0;
    for (;;) {
        if (cancel.isCancelled())
            return cancelled();
        QUrlQuery query;
        query.addQueryItem(QStringLiteral("watch"), QStringLiteral("true"));
        query.addQueryItem(QStringLiteral("resourceVersion"), resourceVersion);
        query.addQueryItem(QStringLiteral("timeoutSeconds"), QString::number(options.timeoutSeconds));
        query.addQueryItem(QStringLiteral("allowWatchBookmarks"), QStringLiteral("true"));
        if (!options.labelSelector.isEmpty())
            query.addQueryItem(QStringLiteral("labelSelector"), QString::fromUtf8(QUrl::toPercentEncoding(options.labelSelector)));

        QByteArray buffer;
        StreamEnd end = StreamEnd::Closed;
        bool sawEvent = false;
        const Status status = client.stream(
            Request::get(collection.path() + QLatin1Char('?') + query.query(QUrl::FullyEncoded)),
            [&](const QByteArray &data) {
                heard({}); // first called when the answer's head came
                buffer += data;
                qsizetype newline;
                while ((newline = buffer.indexOf('\n')) >= 0) {
                    const QByteArray line = buffer.left(newline).trimmed();
                    buffer.remove(0, newline + 1);
                    if (line.isEmpty())
                        continue;
                    const QJsonObject event = QJsonDocument::fromJson(line).object();
                    const QString type = event.value(QLatin1String("type")).toString();
                    const QJsonObject object = event.value(QLatin1String("object")).toObject();
                    if (type == QLatin1String("ERROR")) {
                        if (object.value(QLatin1String("code")).toInt() == 410) {
                            end = StreamEnd::Expired;
                            return false;
                        }
                        continue;
                    }
                    sawEvent = true;
                    if (const QString rv = resourceVersionOf(object); !rv.isEmpty())
                        resourceVersion = rv;
                    if (type == QLatin1String("BOOKMARK"))
                        continue;
                    if (type == QLatin1String("DELETED"))
                        known.remove(keyOf(object));
                    else
                        known.insert(keyOf(object), resourceVersionOf(object));
                    if (!sink({type, object})) {
                        end = StreamEnd::Stopped;
                        return false;
                    }
                }
                return true;
            },
            cancel);
        if (end == StreamEnd::Stopped)
            return {};
        if (status.ok() && end == StreamEnd::Closed) {
            failures = 0; // the server ended the watch (timeoutSeconds): watch again
            continue;
        }
        if (!status.ok() && status.error().category == ErrorCategory::Cancelled)
            return status;
        if (end == StreamEnd::Expired || (!status.ok() && status.error().code == 410)) {
            qCDebug(lcKube) << "watch of" << collection.path() << "expired; listing again";
            auto again = relist();
            if (!again && isTransient(again.error()))
                heard(again.error());
            if (!again) {
                if (!waitToRetry())
                    return cancel.isCancelled() ? cancelled() : again.error();
                continue;
            }
            heard({});
            if (!*again)
                return {};
            failures = 0;
            continue;
        }
        // A dropped connection or a failed request: resume from the last resourceVersion seen.
        if (sawEvent)
            failures = 0;
        if (!status.ok() && isTransient(status.error()))
            heard(status);
        qCDebug(lcKube) << "watch of" << collection.path() << "dropped; resuming from" << resourceVersion;
        if (!waitToRetry()) {
            if (cancel.isCancelled())
                return cancelled();
            return status.ok() ? Status(makeError(ErrorCategory::Kube, QStringLiteral("watch of %1 kept failing").arg(collection.path())))
                               : status;
        }
    }
}

} // namespace sluice::kube
