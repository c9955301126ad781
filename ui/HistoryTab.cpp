#include "HistoryTab.h"

#include "AsyncJob.h"
#include "HistoryModel.h"
#include "LiveDiff.h"
#include "ObjectDiffPanel.h"
#include "sync/Reconcile.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace sluice {

HistoryTab::HistoryTab(QWidget *parent)
    : QWidget(parent), m_model(new HistoryModel(this)), m_view(new QTableView(this)), m_message(new QLabel(this)),
      m_rollback(new QPushButton(tr("Roll back to this\u2026"), this)), m_panel(new ObjectDiffPanel(this)), m_job(new AsyncSlot(this))
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
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_view);
    split->addWidget(m_panel);
    split->setSizes({200, 400});
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(split, 1);

    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &HistoryTab::updateButton);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &HistoryTab::showSelectedEntry);
    connect(m_model, &QAbstractItemModel::modelReset, this, &HistoryTab::updateButton);
    connect(m_rollback, &QPushButton::clicked, this, [this] {
        const QModelIndex current = m_view->currentIndex();
        if (current.isValid() && current.data(HistoryModel::CanRollBackRole).toBool())
            emit rollbackRequested(current.data(HistoryModel::EntryIdRole).toInt());
    });
    connect(m_view, &QTableView::activated, m_rollback, &QPushButton::click);
    setStatus(nullptr);
}

void HistoryTab::setApplication(SessionPtr session, const QString &application)
{
    m_job->cancel();
    m_session = std::move(session);
    m_application = application;
    m_status.reset();
    setStatus(nullptr);
}

void HistoryTab::setStatus(std::shared_ptr<const sync::ApplicationStatus> status, const QString &why)
{
    if (status && status == m_status)
        return; // a re-check in progress: the same snapshot
    m_status = status;
    if (!status) {
        m_job->cancel();
        m_model->clear();
        m_message->setText(why.isEmpty() ? tr("History comes from the cluster once its status is known.") : why);
        m_panel->showMessage(tr("Select an entry to compare its revision with live."));
        return;
    }
    const QModelIndex selected = m_view->currentIndex();
    const int selectedId = selected.isValid() ? selected.data(HistoryModel::EntryIdRole).toInt() : 0;
    m_model->setHistory(status->history, status->revisionSummaries);
    for (int row = 0; selectedId != 0 && row < m_model->rowCount(); ++row) {
        if (m_model->entry(row)->id == selectedId)
            m_view->setCurrentIndex(m_model->index(row, 0));
    }
    if (!m_view->currentIndex().isValid())
        m_panel->showMessage(tr("Select an entry to compare its revision with live."));
    const qsizetype count = status->history.entries.size();
    QString text = count == 0 ? tr("No history yet: %1 was never synced by Sluice.").arg(status->application)
                              : tr("%1 kept in ConfigMap %2 on cluster %3.")
                                    .arg(count == 1 ? tr("1 entry") : tr("%1 entries").arg(count),
                                         sync::historyConfigMapName(status->application), status->cluster);
    m_message->setText(text);
}

void HistoryTab::showSelectedEntry()
{
    m_job->cancel();
    const QModelIndex current = m_view->currentIndex();
    const sync::HistoryEntry *entry = current.isValid() ? m_model->entry(current.row()) : nullptr;
    if (!entry || !m_session)
        return;
    if (entry->revision.isEmpty()) {
        m_panel->showMessage(tr("#%1 (%2) deployed no revision.").arg(entry->id).arg(entry->action));
        return;
    }
    const QString name = QStringLiteral("#%1").arg(entry->id);
    m_panel->showMessage(tr("Rendering %1 (%2) and comparing it with live\u2026").arg(name, entry->revision.left(7)));
    m_job->run(
        [session = m_session, app = m_session->application(m_application), revision = entry->revision, name](const JobContext &job) {
            return liveDiff(*session, app, revision, name, job.token());
        },
        [this](const Result<NamedDiff> &diff) {
            if (!diff) {
                m_panel->showMessage(diff.error().toString());
                return;
            }
            m_panel->setDiff(diff->diff, diff->before, diff->after);
        });
}

void HistoryTab::updateButton()
{
    const QModelIndex current = m_view->currentIndex();
    m_rollback->setEnabled(current.isValid() && current.data(HistoryModel::CanRollBackRole).toBool());
}

} // namespace sluice
