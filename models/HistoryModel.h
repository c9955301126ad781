#pragma once

// An application's deployment history from the cluster, newest first: id, action, revision with
// its commit summary, when, who, result with counts. Serves data() from the snapshot it was
// given.

#include "sync/History.h"

#include <QAbstractTableModel>
#include <QHash>

namespace sluice {

class HistoryModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { IdColumn, ActionColumn, RevisionColumn, TimeColumn, WhoColumn, ResultColumn, ColumnCount };
    enum Role {
        EntryIdRole = Qt::UserRole + 1, // int
        CanRollBackRole,                // bool: a successful sync or rollback (a deployment to return to)
    };

    explicit HistoryModel(QObject *parent = nullptr);

    // A new snapshot (model reset). `summaries`: commit id → first line of its message.
    void setHistory(const sync::History &history, const QHash<QString, QString> &summaries = {});
    void clear();
    const sync::HistoryEntry *entry(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    // RevisionColumn: "b37c9c8 web: scale prod to 4 replicas" (the ref in the tooltip);
    // TimeColumn: local "yyyy-MM-dd HH:mm"; ResultColumn: "Succeeded (4 applied, 0 pruned, 0 failed)".
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    sync::History m_history;
    QHash<QString, QString> m_summaries;
};

} // namespace sluice
