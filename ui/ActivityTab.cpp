#include "ActivityTab.h"

#include "Delegates.h"

#include "ActivityLogModel.h"

#include <QHeaderView>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace sluice {

ActivityTab::ActivityTab(ActivityLogModel *log, QWidget *parent)
    : QWidget(parent), m_table(new QTableView(this)), m_detail(new QPlainTextEdit(this))
{
    m_table->setModel(log);
    m_table->setItemDelegate(new ActivityStateDelegate(m_table));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_table->setShowGrid(false);
    m_table->setAlternatingRowColors(true);
    m_table->horizontalHeader()->setSectionResizeMode(ActivityLogModel::ActivityColumn, QHeaderView::Stretch);
    m_table->setAccessibleName(tr("Activity log"));
    m_detail->setReadOnly(true);
    m_detail->setPlaceholderText(tr("Select an entry to see its details."));
    m_detail->setAccessibleName(tr("Activity details"));

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_table);
    splitter->addWidget(m_detail);
    splitter->setSizes({400, 150});
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    auto showDetail = [this, log] {
        const QModelIndex current = m_table->currentIndex();
        if (!current.isValid()) {
            m_detail->clear();
            return;
        }
        const QString what = log->index(current.row(), ActivityLogModel::ActivityColumn).data().toString();
        const QString state = log->index(current.row(), ActivityLogModel::StateColumn).data().toString();
        const QString detail = log->index(current.row(), 0).data(ActivityLogModel::DetailRole).toString();
        m_detail->setPlainText(what + QLatin1String("\n") + state + (detail.isEmpty() ? QString() : QLatin1String("\n\n") + detail));
    };
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, showDetail);
    connect(log, &QAbstractItemModel::dataChanged, this, showDetail);
    // Keep the newest entry in view.
    connect(log, &QAbstractItemModel::rowsInserted, m_table, &QTableView::scrollToBottom);
}

} // namespace sluice
