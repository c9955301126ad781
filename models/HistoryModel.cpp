#include "HistoryModel.h"

namespace sluice {

HistoryModel::HistoryModel(QObject *parent) : QAbstractTableModel(parent) {}

void HistoryModel::setHistory(const sync::History &history, const QHash<QString, QString> &summaries)
{
    beginResetModel();
    m_history = history;
    m_summaries = summaries;
    endResetModel();
}

void HistoryModel::clear()
{
    setHistory({});
}

const sync::HistoryEntry *HistoryModel::entry(int row) const
{
    return row >= 0 && row < m_history.entries.size() ? &m_history.entries.at(row) : nullptr;
}

int HistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_history.entries.size());
}

int HistoryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant HistoryModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const sync::HistoryEntry &e = m_history.entries.at(index.row());
    switch (role) {
    case EntryIdRole:
        return e.id;
    case CanRollBackRole:
        return e.deployed();
    case Qt::ToolTipRole:
        switch (index.column()) {
        case RevisionColumn: return QStringLiteral("%1 (from %2)").arg(e.revision, e.ref);
        case ResultColumn: return e.message;
        case TimeColumn: return e.time.toUTC().toString(Qt::ISODate);
        default: return {};
        }
    case Qt::DisplayRole:
        switch (index.column()) {
        case IdColumn:
            return QStringLiteral("#%1").arg(e.id);
        case ActionColumn:
            return e.action;
        case RevisionColumn: {
            const QString summary = m_summaries.value(e.revision);
            return summary.isEmpty() ? e.revision.left(7) : e.revision.left(7) + QLatin1Char(' ') + summary;
        }
        case TimeColumn:
            return e.time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"));
        case WhoColumn:
            return e.who;
        case ResultColumn:
            if (e.action != QLatin1String("sync") && e.action != QLatin1String("rollback"))
                return e.result; // hold, release, and a reconcile (the controller applied, not Sluice)
            return tr("%1 (%2 applied, %3 pruned, %4 failed)").arg(e.result).arg(e.applied).arg(e.pruned).arg(e.failed);
        }
        return {};
    default:
        return {};
    }
}

QVariant HistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case IdColumn: return tr("#");
    case ActionColumn: return tr("Action");
    case RevisionColumn: return tr("Revision");
    case TimeColumn: return tr("When");
    case WhoColumn: return tr("Who");
    case ResultColumn: return tr("Result");
    default: return {};
    }
}

} // namespace sluice
