#include "StatusMemo.h"

#include "core/Paths.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QFile>
#include <QJsonDocument>
#include <QSaveFile>

namespace sluice::sync {
namespace {

QString stamp(const QJsonObject &live, quint64 bodyHash)
{
    const QJsonObject metadata = live.value(QLatin1String("metadata")).toObject();
    const QString rv = metadata.value(QLatin1String("resourceVersion")).toString();
    if (rv.isEmpty())
        return {};
    return metadata.value(QLatin1String("uid")).toString() + QLatin1Char('/') + rv + QLatin1Char('/') + QString::number(bodyHash, 16);
}

} // namespace

StatusMemo::StatusMemo(QString file) : m_file(std::move(file))
{
    if (m_file.isEmpty())
        return;
    QFile in(m_file);
    if (!in.open(QIODevice::ReadOnly))
        return;
    const QJsonObject entries = QJsonDocument::fromJson(in.readAll()).object();
    for (auto it = entries.begin(); it != entries.end(); ++it)
        m_entries.insert(it.key(), it.value().toString());
}

bool StatusMemo::knownSynced(const ResourceKey &key, const QJsonObject &live, quint64 bodyHash) const
{
    const QString s = stamp(live, bodyHash);
    QMutexLocker lock(&m_mutex);
    return !s.isEmpty() && m_entries.value(key.toString()) == s;
}

void StatusMemo::remember(const ResourceKey &key, const QJsonObject &live, quint64 bodyHash)
{
    const QString s = stamp(live, bodyHash);
    QMutexLocker lock(&m_mutex);
    if (s.isEmpty())
        m_entries.remove(key.toString());
    else
        m_entries.insert(key.toString(), s);
}

void StatusMemo::forget(const ResourceKey &key)
{
    QMutexLocker lock(&m_mutex);
    m_entries.remove(key.toString());
}

Status StatusMemo::save() const
{
    if (m_file.isEmpty())
        return {};
    QJsonObject entries;
    {
        QMutexLocker lock(&m_mutex);
        for (auto it = m_entries.begin(); it != m_entries.end(); ++it)
            entries.insert(it.key(), it.value());
    }
    QDir().mkpath(QFileInfo(m_file).path());
    QSaveFile out(m_file);
    if (!out.open(QIODevice::WriteOnly) || out.write(QJsonDocument(entries).toJson(QJsonDocument::Compact)) < 0 || !out.commit())
        return makeError(ErrorCategory::Io, QStringLiteral("cannot write the status memo %1").arg(m_file));
    QFile::setPermissions(m_file, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return {};
}

QString StatusMemo::fileFor(const QString &server, const QString &application)
{
    const QByteArray id = QCryptographicHash::hash((server + QLatin1Char('\n') + application).toUtf8(), QCryptographicHash::Sha256).toHex().left(32);
    return cacheDir() + QStringLiteral("/status/") + QString::fromLatin1(id) + QStringLiteral(".json");
}

} // namespace sluice::sync
