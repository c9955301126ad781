#include "SyncPlanModel.h"

namespace sluice {

using sync::Action;
using sync::PlanStep;

SyncPlanModel::SyncPlanModel(QObject *parent) : QAbstractTableModel(parent) {}

void SyncPlanModel::setPlan(const sync::SyncPlan &plan)
{
    beginResetModel();
    m_plan = plan;
    m_results.clear();
    m_selected.clear();
    for (int row = 0; row < m_plan.steps.size(); ++row)
        m_selected.append(selectable(row) && m_plan.steps.at(row).selected);
    endResetModel();
    emit selectionChanged();
}

void SyncPlanModel::setResult(const sync::SyncResult &result)
{
    if (result.steps.size() != m_plan.steps.size())
        return;
    m_results = result.steps;
    if (!m_plan.steps.isEmpty())
        emit dataChanged(index(0, OutcomeColumn), index(int(m_plan.steps.size()) - 1, OutcomeColumn));
}

void SyncPlanModel::clearResult()
{
    m_results.clear();
    if (!m_plan.steps.isEmpty())
        emit dataChanged(index(0, OutcomeColumn), index(int(m_plan.steps.size()) - 1, OutcomeColumn));
}

bool SyncPlanModel::selectable(int row) const
{
    const PlanStep &step = m_plan.steps.at(row);
    return step.resource.action != Action::Unchanged && !step.skippedPrune;
}

QList<ResourceKey> SyncPlanModel::selectedKeys() const
{
    QList<ResourceKey> keys;
    for (int row = 0; row < m_plan.steps.size(); ++row) {
        if (m_selected.at(row))
            keys.append(m_plan.steps.at(row).resource.key);
    }
    return keys;
}

int SyncPlanModel::selectedCount() const
{
    return int(m_selected.count(true));
}

void SyncPlanModel::setAllSelected(bool selected)
{
    for (int row = 0; row < m_plan.steps.size(); ++row)
        m_selected[row] = selected && selectable(row);
    if (!m_plan.steps.isEmpty())
        emit dataChanged(index(0, ObjectColumn), index(int(m_plan.steps.size()) - 1, ObjectColumn), {Qt::CheckStateRole});
    emit selectionChanged();
}

const PlanStep *SyncPlanModel::step(int row) const
{
    return row >= 0 && row < m_plan.steps.size() ? &m_plan.steps.at(row) : nullptr;
}

int SyncPlanModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_plan.steps.size());
}

int SyncPlanModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SyncPlanModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int row = index.row();
    const PlanStep &step = m_plan.steps.at(row);
    const sync::ResourceState &r = step.resource;
    switch (role) {
    case KeyRole:
        return r.key.toString();
    case ActionRole:
        return int(r.action);
    case SelectableRole:
        return selectable(row);
    case Qt::CheckStateRole:
        if (index.column() == ObjectColumn && selectable(row))
            return m_selected.at(row) ? Qt::Checked : Qt::Unchecked;
        return {};
    case Qt::ToolTipRole:
        if (index.column() == ObjectColumn)
            return r.key.toString();
        [[fallthrough]];
    case Qt::DisplayRole:
        switch (index.column()) {
        case ObjectColumn:
            return r.key.displayName();
        case ActionColumn:
            if (step.skippedPrune)
                return tr("would prune (prune is off)");
            if (r.replace)
                return tr("replace");
            return sync::actionName(r.action);
        case NotesColumn: {
            QStringList notes;
            if (r.sync != sync::SyncState::Synced && !r.reason.isEmpty())
                notes << r.reason;
            notes << r.takeovers;
            return notes.join(QStringLiteral("; "));
        }
        case OutcomeColumn: {
            if (m_results.isEmpty())
                return {};
            const sync::StepResult &result = m_results.at(row);
            QString text = sync::outcomeName(result.outcome);
            if (!result.message.isEmpty())
                text += QStringLiteral(": ") + result.message;
            else if (result.outcome == sync::Outcome::Applied && result.health.state != sync::HealthState::None)
                text += QStringLiteral(" \u00b7 ") + sync::healthName(result.health.state);
            return text;
        }
        }
        return {};
    default:
        return {};
    }
}

bool SyncPlanModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) || role != Qt::CheckStateRole ||
        index.column() != ObjectColumn || !selectable(index.row()))
        return false;
    m_selected[index.row()] = value.toInt() == Qt::Checked;
    emit dataChanged(index, index, {Qt::CheckStateRole});
    emit selectionChanged();
    return true;
}

Qt::ItemFlags SyncPlanModel::flags(const QModelIndex &index) const
{
    Qt::ItemFlags result = QAbstractTableModel::flags(index);
    if (index.isValid() && index.column() == ObjectColumn && selectable(index.row()))
        result |= Qt::ItemIsUserCheckable;
    return result;
}

QVariant SyncPlanModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case ObjectColumn: return tr("Object");
    case ActionColumn: return tr("Action");
    case NotesColumn: return tr("Notes");
    case OutcomeColumn: return tr("Result");
    default: return {};
    }
}

} // namespace sluice
