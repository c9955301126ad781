#include "History.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QThread>

namespace sluice::sync {
namespace {

kube::ResourcePath configMapPath(const QString &ns, const QString &name = {})
{
    return {QString(), QStringLiteral("v1"), QStringLiteral("configmaps"), ns, name};
}

// A failed history call: the server's answer is about the history; a network failure (code 0:
// unreachable, TLS, timeout) is about the cluster and says so alone.
Error historyError(const Error &error, const QString &what)
{
    return error.code == 0 ? error : error.prefixed(what);
}

QString isoTime(const QDateTime &t)
{
    return t.toUTC().toString(Qt::ISODate);
}

History parseHistory(const QJsonObject &configMap)
{
    History history;
    const QJsonObject data = configMap.value(QLatin1String("data")).toObject();
    for (const QJsonValue &entry : QJsonDocument::fromJson(data.value(QLatin1String("entries")).toString().toUtf8()).array())
        history.entries.append(HistoryEntry::fromJson(entry.toObject()));
    const QJsonObject hold = QJsonDocument::fromJson(data.value(QLatin1String("hold")).toString().toUtf8()).object();
    if (!hold.isEmpty())
        history.hold = Hold::fromJson(hold);
    return history;
}

QJsonObject historyData(const History &history)
{
    QJsonArray entries;
    for (const HistoryEntry &entry : history.entries)
        entries.append(entry.toJson());
    QJsonObject data{{QStringLiteral("entries"), QString::fromUtf8(QJsonDocument(entries).toJson(QJsonDocument::Compact))}};
    if (history.hold)
        data.insert(QStringLiteral("hold"), QString::fromUtf8(QJsonDocument(history.hold->toJson()).toJson(QJsonDocument::Compact)));
    return data;
}

} // namespace

QJsonObject HistoryEntry::toJson() const
{
    return {{QStringLiteral("id"), id},           {QStringLiteral("revision"), revision},
            {QStringLiteral("ref"), ref},         {QStringLiteral("time"), time.toUTC().toString(Qt::ISODateWithMs)},
            {QStringLiteral("who"), who},         {QStringLiteral("action"), action},
            {QStringLiteral("applied"), applied}, {QStringLiteral("pruned"), pruned},
            {QStringLiteral("failed"), failed},   {QStringLiteral("result"), result},
            {QStringLiteral("durationMs"), durationMs}, {QStringLiteral("message"), message}};
}

HistoryEntry HistoryEntry::fromJson(const QJsonObject &json)
{
    HistoryEntry e;
    e.id = json.value(QLatin1String("id")).toInt();
    e.revision = json.value(QLatin1String("revision")).toString();
    e.ref = json.value(QLatin1String("ref")).toString();
    e.time = QDateTime::fromString(json.value(QLatin1String("time")).toString(), Qt::ISODate);
    e.who = json.value(QLatin1String("who")).toString();
    e.action = json.value(QLatin1String("action")).toString();
    e.applied = json.value(QLatin1String("applied")).toInt();
    e.pruned = json.value(QLatin1String("pruned")).toInt();
    e.failed = json.value(QLatin1String("failed")).toInt();
    e.result = json.value(QLatin1String("result")).toString();
    e.durationMs = qint64(json.value(QLatin1String("durationMs")).toDouble());
    e.message = json.value(QLatin1String("message")).toString();
    return e;
}

QJsonObject Hold::toJson() const
{
    return {{QStringLiteral("revision"), revision}, {QStringLiteral("who"), who},
            {QStringLiteral("since"), isoTime(since)}, {QStringLiteral("reason"), reason}};
}

Hold Hold::fromJson(const QJsonObject &json)
{
    return {json.value(QLatin1String("revision")).toString(), json.value(QLatin1String("who")).toString(),
            QDateTime::fromString(json.value(QLatin1String("since")).toString(), Qt::ISODate),
            json.value(QLatin1String("reason")).toString()};
}

QString Hold::describe() const
{
    if (who.isEmpty()) // a controller's suspension made outside Sluice
        return QStringLiteral("held%1 (%2)").arg(revision.isEmpty() ? QString() : QStringLiteral(" at ") + revision.left(7), reason);
    return QStringLiteral("held at %1 by %2 since %3%4")
        .arg(revision.left(7), who, isoTime(since), reason.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(reason));
}

bool HistoryEntry::deployed() const
{
    const bool deployment = action == QLatin1String("sync") || action == QLatin1String("rollback") || action == QLatin1String("reconcile");
    return deployment && result == QLatin1String("Succeeded") && !revision.isEmpty();
}

QString History::deployedRevision() const
{
    for (const HistoryEntry &e : entries) {
        if (e.deployed())
            return e.revision;
    }
    return {};
}

const HistoryEntry *History::entry(int id) const
{
    for (const HistoryEntry &e : entries) {
        if (e.id == id)
            return &e;
    }
    return nullptr;
}

int History::nextId() const
{
    int next = 1;
    for (const HistoryEntry &e : entries)
        next = qMax(next, e.id + 1);
    return next;
}

void History::setHold(const std::optional<Hold> &newHold, const QString &who)
{
    if (newHold ? hold && hold->toJson() == newHold->toJson() : !hold)
        return;
    const Hold &described = newHold ? *newHold : *hold;
    HistoryEntry entry;
    entry.id = nextId();
    entry.revision = described.revision;
    entry.time = QDateTime::currentDateTimeUtc();
    entry.who = who;
    entry.action = newHold ? QStringLiteral("hold") : QStringLiteral("release");
    entry.result = QStringLiteral("Succeeded");
    entry.message = newHold ? described.describe() : QStringLiteral("released: ") + described.describe();
    entries.prepend(entry);
    hold = newHold;
}

QString historyConfigMapName(const QString &application)
{
    return QStringLiteral("sluice-history-") + clusterSafeName(application);
}

Result<History> readHistory(ClusterConnection &cluster, const QString &application, const QString &ns, const CancelToken &cancel)
{
    auto configMap = cluster.client->get(configMapPath(ns, historyConfigMapName(application)), cancel);
    if (!configMap) {
        if (configMap.error().code == 404)
            return History();
        return historyError(configMap.error(), QStringLiteral("cannot read the history of %1").arg(application));
    }
    return parseHistory(*configMap);
}

Result<History> updateHistory(ClusterConnection &cluster, const QString &application, const QString &ns, int limit,
                              const std::function<void(History &)> &change, const CancelToken &cancel)
{
    const QString name = historyConfigMapName(application);
    for (int attempt = 0; attempt < 20; ++attempt) {
        auto current = cluster.client->get(configMapPath(ns, name), cancel);
        if (!current && current.error().code != 404)
            return historyError(current.error(), QStringLiteral("cannot read the history of %1").arg(application));
        History history = current ? parseHistory(*current) : History();
        change(history);
        while (history.entries.size() > limit)
            history.entries.removeLast();
        const QJsonObject data = historyData(history);
        if (data == (current ? current->value(QLatin1String("data")).toObject() : historyData(History())))
            return history;
        Result<QJsonObject> written = QJsonObject();
        if (current) {
            QJsonObject object = *current;
            object.insert(QStringLiteral("data"), data);
            written = cluster.client->replace(configMapPath(ns, name), object, cancel);
        } else {
            const QJsonObject object{
                {QStringLiteral("apiVersion"), QStringLiteral("v1")},
                {QStringLiteral("kind"), QStringLiteral("ConfigMap")},
                {QStringLiteral("metadata"), QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("namespace"), ns},
                                                         {QStringLiteral("labels"), QJsonObject{{QStringLiteral("sluice.dev/history-of"), clusterSafeName(application)}}}}},
                {QStringLiteral("data"), data}};
            written = cluster.client->create(configMapPath(ns), object, false, cancel);
        }
        if (written)
            return history;
        if (written.error().code != 409)
            return historyError(written.error(), QStringLiteral("cannot write the history of %1").arg(application));
        // Lost the race to another writer: back off a little, jittered, so that many writers at
        // once do not keep colliding in step (as client-go's RetryOnConflict).
        QThread::msleep(QRandomGenerator::global()->bounded(5u, 20u + 10u * unsigned(attempt)));
    }
    return makeError(ErrorCategory::Kube, QStringLiteral("cannot write the history of %1: ConfigMap %2 in %3 keeps changing "
                                                         "under concurrent writers; try again").arg(application, name, ns));
}

Result<HistoryEntry> appendHistory(ClusterConnection &cluster, const QString &application, const QString &ns, int limit,
                                   HistoryEntry entry, const CancelToken &cancel)
{
    QJsonObject recorded = entry.toJson();
    recorded.remove(QStringLiteral("id"));
    auto history = updateHistory(cluster, application, ns, limit, [&](History &h) {
        for (const HistoryEntry &e : std::as_const(h.entries)) {
            QJsonObject existing = e.toJson();
            existing.remove(QStringLiteral("id"));
            if (existing == recorded) { // this very entry, by an attempt that landed unanswered
                entry.id = e.id;
                return;
            }
        }
        entry.id = h.nextId();
        h.entries.prepend(entry);
    }, cancel);
    if (!history)
        return history.error();
    return entry;
}

} // namespace sluice::sync
