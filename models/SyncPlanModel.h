#pragma once

// The steps of a sync plan as a table, in apply order: a checkbox per step that can be left out
// (selective sync), the action, the object, what the step takes over from other field managers
// or why it is unknown, and, once applied, its outcome and health. Serves data() from the plan
// and result snapshots it was given.

#include "sync/Apply.h"

#include <QAbstractTableModel>

namespace sluice {

class SyncPlanModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { ObjectColumn, ActionColumn, NotesColumn, OutcomeColumn, ColumnCount };
    enum Role {
        KeyRole = Qt::UserRole + 1, // "group/kind/namespace/name"
        ActionRole,                 // int(sync::Action)
        SelectableRole,             // bool: the step changes something and can be left out
    };

    explicit SyncPlanModel(QObject *parent = nullptr);

    // A new plan (model reset): every step that changes something is checked, as planned.
    void setPlan(const sync::SyncPlan &plan);
    const sync::SyncPlan &plan() const { return m_plan; }
    // The outcome of applying it (dataChanged on the outcome column).
    void setResult(const sync::SyncResult &result);
    void clearResult();

    // The keys of the checked steps.
    QList<ResourceKey> selectedKeys() const;
    int selectedCount() const;
    void setAllSelected(bool selected);
    const sync::PlanStep *step(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    // ObjectColumn: "Deployment.apps shop/web", CheckStateRole when selectable; ActionColumn:
    // "create", "update", "prune", "unchanged", "would prune (prune is off)", "replace";
    // NotesColumn: the reason and takeovers; OutcomeColumn: "applied · Healthy", "failed: …".
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

signals:
    void selectionChanged();

private:
    bool selectable(int row) const;

    sync::SyncPlan m_plan;
    QList<bool> m_selected;
    QList<sync::StepResult> m_results; // parallel to the steps once a result is set
};

} // namespace sluice
