#include "PendingCommitModel.h"

namespace sluice {

namespace {

// Rows older than this show a date instead of "N days ago".
constexpr qint64 kDaysShownRelative = 7;
constexpr qint64 kMinute = 60;
constexpr qint64 kHour = 60 * kMinute;
constexpr qint64 kDay = 24 * kHour;

} // namespace

PendingCommitModel::PendingCommitModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void PendingCommitModel::clear()
{
    beginResetModel();
    m_commits.clear();
    m_rowById.clear();
    m_keysById.clear();
    m_errorById.clear();
    endResetModel();
}

void PendingCommitModel::appendCommits(const QList<git::CommitInfo> &commits)
{
    if (commits.isEmpty())
        return;
    const int first = int(m_commits.size());
    beginInsertRows({}, first, first + int(commits.size()) - 1);
    m_commits.append(commits);
    m_rowById.reserve(m_commits.size());
    for (int row = first; row < m_commits.size(); ++row)
        m_rowById.insert(m_commits.at(row).id, row); // ids are unique in a commit range
    endInsertRows();
}

void PendingCommitModel::setChangedKeys(const QString &commitId, const QList<ResourceKey> &keys)
{
    QStringList names;
    names.reserve(keys.size());
    for (const ResourceKey &key : keys)
        names.append(key.displayName());
    // Kept even when the commit has no row yet: it applies once the row arrives.
    m_keysById.insert(commitId, names);
    m_errorById.remove(commitId);
    rowChanged(commitId);
}

void PendingCommitModel::setChangeError(const QString &commitId, const QString &error)
{
    m_keysById.remove(commitId);
    m_errorById.insert(commitId, error);
    rowChanged(commitId);
}

void PendingCommitModel::rowChanged(const QString &commitId)
{
    const int row = rowOf(commitId);
    if (row >= 0)
        emit dataChanged(index(row, 0), index(row, ColumnCount - 1), {ChangedKeysRole, ChangeErrorRole, Qt::ToolTipRole});
}

const git::CommitInfo *PendingCommitModel::commit(int row) const
{
    if (row < 0 || row >= m_commits.size())
        return nullptr;
    return &m_commits.at(row);
}

int PendingCommitModel::rowOf(const QString &commitId) const
{
    return m_rowById.value(commitId, -1);
}

void PendingCommitModel::setNow(const QDateTime &now)
{
    m_now = now;
    if (!m_commits.isEmpty())
        emit dataChanged(index(0, DateColumn), index(int(m_commits.size()) - 1, DateColumn), {Qt::DisplayRole});
}

int PendingCommitModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_commits.size());
}

int PendingCommitModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

// O(1) per call: a row lookup plus, for ChangedKeysRole and tooltips, one hash lookup.
QVariant PendingCommitModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    if (!checkIndex(index, CheckIndexOption::ParentIsInvalid))
        return {};
    const git::CommitInfo &c = m_commits.at(index.row());

    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case ShaColumn:
            return c.id.left(7);
        case AuthorColumn:
            return c.author;
        case DateColumn:
            return relativeTime(c.time, m_now.isValid() ? m_now : QDateTime::currentDateTimeUtc());
        case SummaryColumn:
            return c.summary;
        case ObjectsColumn: {
            if (m_errorById.contains(c.id))
                return tr("failed");
            const auto keys = m_keysById.constFind(c.id);
            if (keys == m_keysById.cend())
                return {};
            return keys->isEmpty() ? tr("none") : QString::number(keys->size());
        }
        default:
            return {};
        }
    case Qt::ToolTipRole:
        switch (index.column()) {
        case ShaColumn:
            return c.id;
        case AuthorColumn:
            return c.authorEmail.isEmpty() ? c.author : QStringLiteral("%1 <%2>").arg(c.author, c.authorEmail);
        case DateColumn:
            return c.time.toLocalTime().toString(Qt::ISODate);
        case SummaryColumn:
        case ObjectsColumn: {
            if (const auto error = m_errorById.constFind(c.id); error != m_errorById.cend())
                return c.summary + QStringLiteral("\n\n") + tr("Could not count the objects it changes: %1").arg(*error);
            const auto keys = m_keysById.constFind(c.id);
            if (keys == m_keysById.cend())
                return c.summary;
            if (keys->isEmpty())
                return c.summary + QStringLiteral("\n\n") + tr("Changes nothing in this application.");
            return c.summary + QStringLiteral("\n\n") + keys->join(QLatin1Char('\n'));
        }
        default:
            return {};
        }
    case CommitIdRole:
        return c.id;
    case TimeRole:
        return c.time;
    case ParentIdRole:
        return c.parentIds.isEmpty() ? QString() : c.parentIds.constFirst();
    case ChangedKeysRole: {
        // Invalid until setChangedKeys() was called for the commit; then a (maybe empty) list.
        const auto keys = m_keysById.constFind(c.id);
        return keys == m_keysById.cend() ? QVariant() : QVariant(*keys);
    }
    case ChangeErrorRole:
        return m_errorById.value(c.id);
    default:
        return {};
    }
}

QVariant PendingCommitModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case ShaColumn:
        return tr("Commit");
    case AuthorColumn:
        return tr("Author");
    case DateColumn:
        return tr("Date");
    case SummaryColumn:
        return tr("Summary");
    case ObjectsColumn:
        return tr("Objects");
    default:
        return {};
    }
}

// Times in the future (clock skew) count as "just now". Beyond a week: the local date.
QString PendingCommitModel::relativeTime(const QDateTime &time, const QDateTime &now)
{
    if (!time.isValid())
        return {};
    const qint64 secs = time.secsTo(now);
    if (secs < kMinute)
        return tr("just now");
    if (secs < kHour) {
        const qint64 minutes = secs / kMinute;
        return minutes == 1 ? tr("1 minute ago") : tr("%1 minutes ago").arg(minutes);
    }
    if (secs < kDay) {
        const qint64 hours = secs / kHour;
        return hours == 1 ? tr("1 hour ago") : tr("%1 hours ago").arg(hours);
    }
    if (secs < 2 * kDay)
        return tr("yesterday");
    if (secs < kDaysShownRelative * kDay)
        return tr("%1 days ago").arg(secs / kDay);
    return time.toLocalTime().date().toString(Qt::ISODate);
}

} // namespace sluice
