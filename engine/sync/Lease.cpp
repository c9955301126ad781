#include "Lease.h"

#include <QCoreApplication>
#include <QHostInfo>
#include <QJsonDocument>
#include <QThread>

#include <condition_variable>
#include <mutex>
#include <pwd.h>
#include <unistd.h>

namespace sluice::sync {
namespace {

QString microTime(const QDateTime &t)
{
    return t.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzz000Z"));
}

QDateTime parseTime(const QString &text)
{
    QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
    return t.isValid() ? t : QDateTime::fromString(text, Qt::ISODate);
}

kube::ResourcePath leasePath(const QString &ns, const QString &name = {})
{
    return {QStringLiteral("coordination.k8s.io"), QStringLiteral("v1"), QStringLiteral("leases"), ns, name};
}

} // namespace

QString currentUser()
{
    QString user = qEnvironmentVariable("USER");
    if (user.isEmpty()) {
        if (const passwd *pw = ::getpwuid(::getuid()))
            user = QString::fromLocal8Bit(pw->pw_name);
    }
    return (user.isEmpty() ? QStringLiteral("unknown") : user) + QLatin1Char('@') + QHostInfo::localHostName();
}

struct SyncLease::Private
{
    ClusterConnection cluster;
    QString ns;
    QString name;
    QString holder;
    int durationSeconds = 60;
    std::mutex mutex;
    std::condition_variable wake;
    bool stopping = false;
    bool released = false;
    std::unique_ptr<QThread> renewer;

    // Sets spec.renewTime (and the holder) with the object's resourceVersion as precondition.
    Result<QJsonObject> write(QJsonObject lease, bool take)
    {
        QJsonObject spec = lease.value(QLatin1String("spec")).toObject();
        const QString now = microTime(QDateTime::currentDateTimeUtc());
        if (take) {
            if (spec.value(QLatin1String("holderIdentity")).toString() != holder)
                spec.insert(QStringLiteral("leaseTransitions"), spec.value(QLatin1String("leaseTransitions")).toInt() + 1);
            spec.insert(QStringLiteral("holderIdentity"), holder);
            spec.insert(QStringLiteral("acquireTime"), now);
            spec.insert(QStringLiteral("leaseDurationSeconds"), durationSeconds);
        }
        spec.insert(QStringLiteral("renewTime"), now);
        lease.insert(QStringLiteral("spec"), spec);
        return cluster.client->replace(leasePath(ns, name), lease);
    }

    void renewLoop()
    {
        std::unique_lock lock(mutex);
        while (!stopping) {
            wake.wait_for(lock, std::chrono::seconds(qMax(1, durationSeconds / 3)));
            if (stopping)
                break;
            lock.unlock();
            auto lease = cluster.client->get(leasePath(ns, name));
            if (lease && lease->value(QLatin1String("spec")).toObject().value(QLatin1String("holderIdentity")).toString() == holder)
                (void)write(*lease, false); // a failed renewal is retried next round; expiry is the safety net
            lock.lock();
        }
    }
};

SyncLease::SyncLease(std::unique_ptr<Private> d) : d(std::move(d)) {}

SyncLease::~SyncLease()
{
    (void)release();
}

QString SyncLease::holder() const
{
    return d->holder;
}

Result<std::unique_ptr<SyncLease>> SyncLease::acquire(ClusterConnection &cluster, const QString &application,
                                                      const QString &ns, int durationSeconds, const CancelToken &cancel)
{
    auto d = std::make_unique<Private>();
    d->cluster = cluster;
    d->ns = ns;
    d->name = QStringLiteral("sluice-") + clusterSafeName(application);
    d->holder = QStringLiteral("%1 (pid %2)").arg(currentUser()).arg(QCoreApplication::applicationPid());
    d->durationSeconds = durationSeconds;
    for (int attempt = 0; attempt < 10; ++attempt) {
        auto lease = cluster.client->get(leasePath(ns, d->name), cancel);
        Result<QJsonObject> written = QJsonObject();
        if (!lease && lease.error().code == 404) {
            const QString now = microTime(QDateTime::currentDateTimeUtc());
            const QJsonObject object{
                {QStringLiteral("apiVersion"), QStringLiteral("coordination.k8s.io/v1")},
                {QStringLiteral("kind"), QStringLiteral("Lease")},
                {QStringLiteral("metadata"), QJsonObject{{QStringLiteral("name"), d->name}, {QStringLiteral("namespace"), ns},
                                                         {QStringLiteral("labels"), QJsonObject{{QStringLiteral("sluice.dev/lease-of"), clusterSafeName(application)}}}}},
                {QStringLiteral("spec"), QJsonObject{{QStringLiteral("holderIdentity"), d->holder},
                                                     {QStringLiteral("leaseDurationSeconds"), durationSeconds},
                                                     {QStringLiteral("acquireTime"), now},
                                                     {QStringLiteral("renewTime"), now},
                                                     {QStringLiteral("leaseTransitions"), 0}}}};
            written = cluster.client->create(leasePath(ns), object, false, cancel);
        } else if (!lease) {
            return lease.error().prefixed(QStringLiteral("cannot read the sync lease %1 in %2").arg(d->name, ns));
        } else {
            const QJsonObject spec = lease->value(QLatin1String("spec")).toObject();
            const QString holder = spec.value(QLatin1String("holderIdentity")).toString();
            const QDateTime renewed = parseTime(spec.value(QLatin1String("renewTime")).toString());
            const int duration = spec.value(QLatin1String("leaseDurationSeconds")).toInt(durationSeconds);
            const bool expired = !renewed.isValid() || renewed.addSecs(duration) < QDateTime::currentDateTimeUtc();
            if (!holder.isEmpty() && holder != d->holder && !expired) {
                const QDateTime since = parseTime(spec.value(QLatin1String("acquireTime")).toString());
                return makeError(ErrorCategory::Kube,
                                 QStringLiteral("%1 is being synced by %2 since %3 (Lease %4 in namespace %5 on %6); wait for "
                                                "it to finish, or for the lease to expire %7 s after its last renewal")
                                     .arg(application, holder, since.toUTC().toString(Qt::ISODate), d->name, ns, cluster.describe())
                                     .arg(duration),
                                 {}, 409);
            }
            written = d->write(*lease, true);
        }
        if (written)
            break;
        if (written.error().code != 409 || attempt == 9)
            return written.error().prefixed(QStringLiteral("cannot take the sync lease %1 in %2").arg(d->name, ns));
    }
    Private *p = d.get();
    d->renewer.reset(QThread::create([p] { p->renewLoop(); }));
    d->renewer->start();
    return std::unique_ptr<SyncLease>(new SyncLease(std::move(d)));
}

Status SyncLease::release()
{
    {
        std::lock_guard lock(d->mutex);
        if (d->released)
            return {};
        d->released = true;
        d->stopping = true;
    }
    d->wake.notify_all();
    if (d->renewer)
        d->renewer->wait();
    for (int attempt = 0; attempt < 5; ++attempt) {
        auto lease = d->cluster.client->get(leasePath(d->ns, d->name));
        if (!lease)
            return lease.error();
        QJsonObject spec = lease->value(QLatin1String("spec")).toObject();
        if (spec.value(QLatin1String("holderIdentity")).toString() != d->holder)
            return {}; // expired and taken by someone else meanwhile
        spec.remove(QStringLiteral("holderIdentity"));
        QJsonObject object = *lease;
        object.insert(QStringLiteral("spec"), spec);
        auto written = d->cluster.client->replace(leasePath(d->ns, d->name), object);
        if (written || written.error().code != 409)
            return written ? Status() : Status(written.error());
    }
    return makeError(ErrorCategory::Kube, QStringLiteral("cannot release the sync lease %1: it keeps changing").arg(d->name));
}

} // namespace sluice::sync
