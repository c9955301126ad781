#include "HistoryTab.h"

#include "HistoryModel.h"
#include "sync/Reconcile.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace sluice {

HistoryTab::HistoryTab(QWidget *parent)
    : QWidget(parent), m_model(new HistoryModel(this)), m_view(new QTableView(this)), m_message(new QLabel(this)),
      m_rollback(new QPushButton(tr("Roll back to this\u2026"), this))
{
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setTabKeyNavigation(false);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setAccessibleName(tr("History"));
    for (int column : {HistoryModel::IdColumn, HistoryModel::ActionColumn, HistoryModel::TimeColumn, HistoryModel::WhoColumn})
        m_view->horizontalHeader()->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setSectionResizeMode(HistoryModel::RevisionColumn, QHeaderView::Interactive);
    m_view->setColumnWidth(HistoryModel::RevisionColumn, 360);
    m_message->setTextFormat(Qt::PlainText);
    m_message->setWordWrap(true);
    m_message->setAccessibleName(tr("History status"));
    m_rollback->setToolTip(tr("Plan a cluster rollback to the selected deployment (shown before anything changes); it sets a hold"));

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_message, 1);
    bar->addWidget(m_rollback);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_view, 1);

    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &HistoryTab::updateButton);
    connect(m_model, &QAbstractItemModel::modelReset, this, &HistoryTab::updateButton);
    connect(m_rollback, &QPushButton::clicked, this, [this] {
        const QModelIndex current = m_view->currentIndex();
        if (current.isValid() && current.data(HistoryModel::CanRollBackRole).toBool())
            emit rollbackRequested(current.data(HistoryModel::EntryIdRole).toInt());
    });
    connect(m_view, &QTableView::activated, m_rollback, &QPushButton::click);
    setStatus(nullptr);
}

void HistoryTab::setStatus(std::shared_ptr<const sync::ApplicationStatus> status, const QString &why)
{
    if (!status) {
        m_model->clear();
        m_message->setText(why.isEmpty() ? tr("History comes from the cluster once its status is known.") : why);
        return;
    }
    m_model->setHistory(status->history, status->revisionSummaries);
    const qsizetype count = status->history.entries.size();
    QString text = count == 0 ? tr("No history yet: %1 was never synced by Sluice.").arg(status->application)
                              : tr("%1 kept in ConfigMap %2 on cluster %3.")
                                    .arg(count == 1 ? tr("1 entry") : tr("%1 entries").arg(count),
                                         sync::historyConfigMapName(status->application), status->cluster);
    if (status->hold)
        text += QStringLiteral("\n") + status->hold->describe();
    m_message->setText(text);
}

void HistoryTab::updateButton()
{
    const QModelIndex current = m_view->currentIndex();
    m_rollback->setEnabled(current.isValid() && current.data(HistoryModel::CanRollBackRole).toBool());
}

} // namespace sluice
