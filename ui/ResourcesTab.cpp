#include "ResourcesTab.h"

#include "DiffView.h"
#include "ResourceStatusModel.h"
#include "sync/Reconcile.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QSplitter>
#include <QTreeView>
#include <QVBoxLayout>

namespace sluice {

ResourcesTab::ResourcesTab(QWidget *parent)
    : QWidget(parent), m_model(new ResourceStatusModel(this)), m_view(new QTreeView(this)), m_filter(new QLineEdit(this)),
      m_grouping(new QComboBox(this)), m_message(new QLabel(this)), m_diff(new DiffView(this))
{
    m_filter->setPlaceholderText(tr("Filter objects, sync, health or rule"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setAccessibleName(tr("Filter resources"));
    m_grouping->addItem(tr("No grouping"), int(ResourceStatusModel::Grouping::None));
    m_grouping->addItem(tr("By kind"), int(ResourceStatusModel::Grouping::Kind));
    m_grouping->addItem(tr("By namespace"), int(ResourceStatusModel::Grouping::Namespace));
    m_grouping->setAccessibleName(tr("Group resources"));
    m_message->setTextFormat(Qt::PlainText);
    m_message->setWordWrap(true);
    m_view->setModel(m_model);
    m_view->setUniformRowHeights(true); // smooth at 10,000 rows
    m_view->setRootIsDecorated(false);
    m_view->setAllColumnsShowFocus(true);
    m_view->setAccessibleName(tr("Resources"));
    m_view->header()->setSectionResizeMode(ResourceStatusModel::NameColumn, QHeaderView::Interactive);
    m_view->setColumnWidth(ResourceStatusModel::NameColumn, 250);
    m_view->header()->setSectionResizeMode(ResourceStatusModel::SyncColumn, QHeaderView::ResizeToContents);
    m_view->header()->setSectionResizeMode(ResourceStatusModel::HealthColumn, QHeaderView::ResizeToContents);
    m_diff->showMessage(tr("Select an object to see its live vs desired diff"));
    m_diff->setF7Shortcuts(false); // the window's F7 drives it (View menu)

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_filter, 1);
    bar->addWidget(m_grouping);
    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addLayout(bar);
    leftLayout->addWidget(m_message);
    leftLayout->addWidget(m_view, 1);
    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(left);
    split->addWidget(m_diff);
    split->setSizes({640, 440});
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split);

    connect(m_filter, &QLineEdit::textChanged, m_model, &ResourceStatusModel::setFilterText);
    connect(m_grouping, &QComboBox::currentIndexChanged, this, [this] {
        m_model->setGrouping(ResourceStatusModel::Grouping(m_grouping->currentData().toInt()));
        m_view->setRootIsDecorated(m_model->grouping() != ResourceStatusModel::Grouping::None);
        m_view->expandAll();
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        m_view->expandAll();
        showSelected();
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this, &ResourcesTab::showSelected);
    setStatus(nullptr);
}

void ResourcesTab::setStatus(std::shared_ptr<const sync::ApplicationStatus> status, const QString &why)
{
    m_status = std::move(status);
    if (!m_status) {
        m_model->clear();
        m_message->setText(why.isEmpty() ? tr("Resources appear once the cluster status is known.") : why);
        m_message->show();
        return;
    }
    m_model->setResources(m_status->comparison.resources);
    const QStringList warnings = m_status->comparison.warnings;
    m_message->setText(warnings.join(QLatin1Char('\n')));
    m_message->setVisible(!warnings.isEmpty());
    if (!m_model->resource(m_view->currentIndex()) && m_model->grouping() == ResourceStatusModel::Grouping::None) {
        // Start on the first object that is not in sync, so its diff shows at once.
        for (int row = 0; row < m_model->rowCount(); ++row) {
            const QModelIndex index = m_model->index(row, 0);
            if (index.data(ResourceStatusModel::SyncRole).toString() != QLatin1String("Synced")) {
                m_view->setCurrentIndex(index);
                break;
            }
        }
    }
    showSelected();
}

void ResourcesTab::showSelected()
{
    const sync::ResourceState *r = m_model->resource(m_view->currentIndex());
    if (!r) {
        m_diff->showMessage(tr("Select an object to see its live vs desired diff"));
        return;
    }
    const ObjectDiff &diff = r->diff;
    if (r->sync == sync::SyncState::Synced) {
        m_diff->showMessage(tr("In sync: live matches Git"));
        return;
    }
    if (diff.beforeYaml.isEmpty() && diff.afterYaml.isEmpty()) {
        m_diff->showMessage(r->reason.isEmpty() ? tr("No diff to show") : r->reason);
        return;
    }
    m_diff->setTexts(diff.beforeYaml, diff.afterYaml, tr("live"), tr("desired"));
}

} // namespace sluice
