#include "ActivityLogModel.h"

namespace sluice {

ActivityLogModel::ActivityLogModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

int ActivityLogModel::begin(const QString &what, const QString &work)
{
    const int row = int(m_entries.size());
    beginInsertRows({}, row, row);
    Entry entry;
    entry.id = m_nextId++;
    entry.what = what;
    entry.work = work.isEmpty() ? what : work;
    entry.started = QDateTime::currentDateTime();
    m_entries.append(entry);
    endInsertRows();
    return entry.id;
}

// Unknown ids (cleared entries) and entries already finished are ignored, as is State::Running.
// Cost: O(rows) search from the end, where the running entries are.
void ActivityLogModel::finish(int id, State state, const QString &detail, bool shownElsewhere)
{
    if (state == State::Running)
        return;
    for (int row = int(m_entries.size()) - 1; row >= 0; --row) {
        Entry &entry = m_entries[row];
        if (entry.id != id)
            continue;
        if (entry.state != State::Running)
            return;
        entry.durationMs = qMax<qint64>(0, entry.started.msecsTo(QDateTime::currentDateTime()));
        entry.state = state;
        entry.detail = detail;
        emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
        if (state == State::Failed && !shownElsewhere)
            emit failed(entry.what, entry.detail, entry.work);
        else if (state == State::Succeeded)
            emit succeeded(entry.what, entry.work);
        return;
    }
}

void ActivityLogModel::clear()
{
    beginResetModel();
    m_entries.clear();
    endResetModel();
}

QString ActivityLogModel::formatDuration(qint64 ms)
{
    if (ms < 0)
        return QStringLiteral("\u2026");
    if (ms < 1000)
        return tr("%1 ms").arg(ms);
    return tr("%1 s").arg(QString::number(double(ms) / 1000.0, 'f', 1));
}

int ActivityLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int ActivityLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ActivityLogModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    if (!checkIndex(index, CheckIndexOption::ParentIsInvalid))
        return {};
    const Entry &entry = m_entries.at(index.row());

    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            return entry.started.toString(QStringLiteral("HH:mm:ss"));
        case ActivityColumn:
            return entry.what;
        case DurationColumn:
            return formatDuration(entry.durationMs);
        case StateColumn:
            switch (entry.state) {
            case State::Running:
                return tr("running");
            case State::Succeeded:
                return tr("done");
            case State::Failed:
                return tr("failed");
            case State::Cancelled:
                return tr("cancelled");
            }
            return {};
        default:
            return {};
        }
    case Qt::ToolTipRole:
        return entry.detail.isEmpty() ? QVariant() : QVariant(entry.detail);
    case StateRole:
        return int(entry.state);
    case DetailRole:
        return entry.detail;
    case IdRole:
        return entry.id;
    default:
        return {};
    }
}

QVariant ActivityLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case ActivityColumn:
        return tr("Activity");
    case DurationColumn:
        return tr("Duration");
    case StateColumn:
        return tr("State");
    default:
        return {};
    }
}

} // namespace sluice
