#include "ObjectDiffPanel.h"

#include "Delegates.h"
#include "Icons.h"
#include "ResourceDiffModel.h"

#include <QAction>
#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSplitter>
#include <QStyle>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

#include <algorithm>

namespace sluice {

namespace {

QToolButton *toolButton(QWidget *parent, QAction *action)
{
    auto *button = new QToolButton(parent);
    button->setDefaultAction(action);
    button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    button->setAutoRaise(true);
    return button;
}

} // namespace

ObjectDiffPanel::ObjectDiffPanel(QWidget *parent)
    : QWidget(parent), m_model(new ResourceDiffModel(this)), m_list(new QTreeView(this)),
      m_filter(new QLineEdit(this)), m_grouping(new QComboBox(this)), m_showUnchanged(new QToolButton(this)),
      m_counts(new QLabel(this)), m_diffView(new DiffView(this)), m_modeButton(nullptr)
{
    // Left: filter, grouping, counts, the object list.
    m_filter->setPlaceholderText(tr("Filter objects"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setAccessibleName(tr("Filter objects"));
    m_grouping->addItem(tr("No grouping"), int(ResourceDiffModel::Grouping::None));
    m_grouping->addItem(tr("By kind"), int(ResourceDiffModel::Grouping::Kind));
    m_grouping->addItem(tr("By namespace"), int(ResourceDiffModel::Grouping::Namespace));
    m_grouping->setAccessibleName(tr("Group objects"));
    m_showUnchanged->setText(tr("Unchanged"));
    m_showUnchanged->setCheckable(true);
    m_showUnchanged->setToolTip(tr("Also list unchanged objects"));
    m_showUnchanged->setAccessibleName(tr("Show unchanged objects"));
    m_counts->setAccessibleName(tr("Change counts"));
    m_counts->setTextFormat(Qt::PlainText);

    m_list->setModel(m_model);
    m_list->setItemDelegateForColumn(ResourceDiffModel::ChangeColumn, new ChangeMarkDelegate(m_list));
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setTextElideMode(Qt::ElideMiddle); // "ClusterRole.rbac…/prometheus-k8s", the full identity in the tooltip
    m_list->setAlternatingRowColors(true);
    m_list->setAccessibleName(tr("Changed objects"));
    m_list->header()->setStretchLastSection(false);
    m_list->header()->setSectionResizeMode(ResourceDiffModel::NameColumn, QHeaderView::Stretch);
    m_list->header()->setSectionResizeMode(ResourceDiffModel::ChangeColumn, QHeaderView::ResizeToContents);

    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_filter);
    auto *options = new QHBoxLayout;
    options->addWidget(m_grouping, 1);
    options->addWidget(m_showUnchanged);
    leftLayout->addLayout(options);
    leftLayout->addWidget(m_counts);
    leftLayout->addWidget(m_list, 1);

    // Right: diff toolbar and the diff.
    auto *modeAction = new QAction(tr("Side by side"), this);
    modeAction->setCheckable(true);
    modeAction->setToolTip(tr("Switch between side-by-side and unified diff (Ctrl+D)"));
    // F7 / Shift+F7 belong to the window (View menu), which calls nextChange()/previousChange().
    auto *previous = new QAction(icon(IconId::Previous), tr("Previous change"), this);
    previous->setToolTip(tr("Previous change, across objects (Shift+F7)"));
    auto *next = new QAction(icon(IconId::Next), tr("Next change"), this);
    next->setToolTip(tr("Next change, across objects (F7)"));
    auto *copy = new QAction(icon(IconId::Copy), tr("Copy diff"), this);
    copy->setToolTip(tr("Copy the unified diff of this object"));
    m_modeButton = toolButton(this, modeAction);
    m_modeButton->setAutoRaise(false); // framed: a toggle that is off must still look like a button
    m_modeButton->setAccessibleName(tr("Side by side"));

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_modeButton);
    bar->addStretch(1);
    m_barButtons = {toolButton(this, previous), toolButton(this, next), toolButton(this, copy)};
    for (QToolButton *button : m_barButtons)
        bar->addWidget(button);
    auto *right = new QWidget(this);
    right->installEventFilter(this); // narrow: icon-only buttons
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addLayout(bar);
    rightLayout->addWidget(m_diffView, 1);

    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->addWidget(left);
    m_splitter->addWidget(right);
    m_splitter->setStretchFactor(0, 1);
    m_splitter->setStretchFactor(1, 3);
    m_splitter->setSizes({300, 900});
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_splitter);
    connect(m_splitter, &QSplitter::splitterMoved, this, [this] { m_userSizedList = true; });

    connect(m_filter, &QLineEdit::textChanged, m_model, &ResourceDiffModel::setFilterText);
    connect(m_grouping, &QComboBox::currentIndexChanged, this, [this] {
        m_model->setGrouping(ResourceDiffModel::Grouping(m_grouping->currentData().toInt()));
        m_list->setRootIsDecorated(m_model->grouping() != ResourceDiffModel::Grouping::None);
        m_list->expandAll();
    });
    connect(m_showUnchanged, &QToolButton::toggled, this, [this](bool on) {
        QSet<ChangeKind> kinds{ChangeKind::Added, ChangeKind::Removed, ChangeKind::Changed};
        if (on)
            kinds.insert(ChangeKind::Unchanged);
        m_model->setVisibleChanges(kinds);
        m_list->expandAll();
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        m_list->expandAll();
        fitListToContent();
        if (!m_list->currentIndex().isValid())
            m_list->setCurrentIndex(m_model->firstObjectIndex());
    });
    connect(m_list->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &ObjectDiffPanel::showSelectedObject);
    connect(modeAction, &QAction::toggled, this, [this](bool sideBySide) {
        setMode(sideBySide ? DiffView::Mode::SideBySide : DiffView::Mode::Unified);
    });
    connect(m_diffView, &DiffView::modeChanged, this, [this, modeAction](DiffView::Mode mode) {
        modeAction->setChecked(mode == DiffView::Mode::SideBySide);
        emit modeChanged(mode);
    });
    connect(previous, &QAction::triggered, this, &ObjectDiffPanel::previousChange);
    connect(next, &QAction::triggered, this, &ObjectDiffPanel::nextChange);
    m_diffView->setF7Shortcuts(false);
    connect(copy, &QAction::triggered, m_diffView, &DiffView::copyAll);

    clear();
}

QList<QModelIndex> ObjectDiffPanel::objectRows() const
{
    QList<QModelIndex> rows;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const QModelIndex index = m_model->index(row, 0);
        if (m_model->object(index)) {
            rows.append(index);
            continue;
        }
        for (int child = 0; child < m_model->rowCount(index); ++child)
            rows.append(m_model->index(child, 0, index));
    }
    return rows;
}

bool ObjectDiffPanel::moveToObject(int step)
{
    const QList<QModelIndex> rows = objectRows();
    if (rows.size() < 2)
        return false;
    const qsizetype current = rows.indexOf(m_list->currentIndex().siblingAtColumn(0));
    const qsizetype target = current < 0 ? 0 : (current + step + rows.size()) % rows.size();
    m_list->setCurrentIndex(rows.at(target)); // shows its diff at once
    return true;
}

void ObjectDiffPanel::nextChange()
{
    const int count = m_diffView->changeCount();
    if (count > 0 && m_diffView->currentChange() < count - 1) {
        m_diffView->nextChange();
        return;
    }
    moveToObject(+1);
    m_diffView->nextChange(); // its first change (or, alone, wraps to the first again)
}

void ObjectDiffPanel::previousChange()
{
    if (m_diffView->currentChange() > 0) {
        m_diffView->previousChange();
        return;
    }
    moveToObject(-1);
    m_diffView->previousChange(); // its last change
}

void ObjectDiffPanel::setMode(DiffView::Mode mode)
{
    m_diffView->setMode(mode);
}

QString ObjectDiffPanel::countsText() const
{
    const DiffSummary s = m_model->summary();
    return QStringLiteral("+%1 \u2212%2 ~%3 =%4").arg(s.added).arg(s.removed).arg(s.changed).arg(s.unchanged);
}

void ObjectDiffPanel::setDiff(const ResourceDiff &diff, const QString &baseLabel, const QString &headLabel)
{
    m_baseLabel = baseLabel;
    m_headLabel = headLabel;
    m_model->setDiff(diff);
    // What the renderers left out (helm test hooks) is said beside the counts, in full in the tooltip.
    QString tip = tr("%1 added, %2 removed, %3 changed, %4 unchanged")
                      .arg(diff.summary.added)
                      .arg(diff.summary.removed)
                      .arg(diff.summary.changed)
                      .arg(diff.summary.unchanged);
    for (const QString &note : diff.notes)
        tip += QLatin1Char('\n') + note;
    m_counts->setText(diff.notes.isEmpty() ? countsText() : tr("%1 \u00b7 %2 left out").arg(countsText()).arg(diff.notes.size()));
    m_counts->setToolTip(tip);
    m_list->setCurrentIndex(m_model->firstObjectIndex());
    if (!diff.summary.hasDifferences())
        m_diffView->showMessage(tr("No object changes: the rendered manifests are the same."));
}

bool ObjectDiffPanel::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::Resize && watched->isWidgetType()) {
        // With their text, the buttons need about this much next to the mode toggle; below it
        // they show icons only (the text stays in the tooltip and the accessible name).
        int needed = m_modeButton->sizeHint().width() + 40;
        for (QToolButton *button : m_barButtons)
            needed += button->fontMetrics().horizontalAdvance(button->text()) + button->iconSize().width() + 24;
        const auto style = static_cast<QWidget *>(watched)->width() >= needed ? Qt::ToolButtonTextBesideIcon : Qt::ToolButtonIconOnly;
        for (QToolButton *button : m_barButtons)
            button->setToolButtonStyle(style);
    }
    return QWidget::eventFilter(watched, event);
}

void ObjectDiffPanel::fitListToContent()
{
    const QList<int> sizes = m_splitter->sizes();
    const int total = sizes.value(0) + sizes.value(1);
    if (m_userSizedList || m_model->rowCount() == 0 || total <= 0)
        return;
    // The widest of the first thousand names is wide enough (the rest elide in the middle).
    const QFontMetrics metrics(m_list->font());
    int widest = 0;
    const QList<QModelIndex> rows = objectRows();
    for (qsizetype i = 0; i < std::min<qsizetype>(rows.size(), 1000); ++i)
        widest = std::max(widest, metrics.horizontalAdvance(rows.at(i).data().toString()));
    const int wanted = widest + 16 + m_list->header()->sectionSize(ResourceDiffModel::ChangeColumn) +
                       (m_list->rootIsDecorated() ? m_list->indentation() : 0) + 2 * m_list->frameWidth() +
                       m_list->style()->pixelMetric(QStyle::PM_ScrollBarExtent);
    const int left = std::clamp(wanted, std::min(260, total / 3), total * 2 / 5);
    m_splitter->setSizes({left, total - left});
}

void ObjectDiffPanel::showMessage(const QString &message)
{
    m_model->clear();
    m_counts->clear();
    m_diffView->showMessage(message);
}

void ObjectDiffPanel::clear()
{
    showMessage(tr("Nothing selected."));
}

void ObjectDiffPanel::showSelectedObject()
{
    const ObjectDiff *object = m_model->object(m_list->currentIndex());
    if (!object) {
        if (m_model->diff().summary.hasDifferences())
            m_diffView->showMessage(tr("Select an object to see its diff."));
        return;
    }
    if (object->change == ChangeKind::Unchanged) {
        m_diffView->showMessage(tr("%1 is unchanged.").arg(object->key.displayName()));
        return;
    }
    // A review writes texts on demand: this object's now (a millisecond), not all 5,000 up front.
    auto texts = objectTexts(m_model->diff(), *object);
    if (!texts) {
        m_diffView->showMessage(tr("Cannot show %1: %2").arg(object->key.displayName(), texts.error().message));
        return;
    }
    m_diffView->setTexts(texts->beforeYaml, texts->afterYaml, m_baseLabel, m_headLabel);
}

} // namespace sluice
