#include "Delegates.h"

#include "ApplicationListModel.h"
#include "ResourceDiffModel.h"

#include <QApplication>
#include <QPainter>

namespace sluice {

namespace {

bool isApplicationRow(const QModelIndex &index)
{
    return !index.data(ApplicationListModel::IsWorkspaceRole).toBool();
}

} // namespace

void ApplicationDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    if (!isApplicationRow(index)) {
        QStyleOptionViewItem bold = option;
        bold.font.setBold(true);
        QStyledItemDelegate::paint(painter, bold, index);
        return;
    }
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QString detail = index.data(ApplicationListModel::RevisionRole).toString() + QStringLiteral(" · ") +
                           index.data(ApplicationListModel::PathRole).toString();
    opt.text.clear();
    QStyle *style = opt.widget ? opt.widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);

    const QRect text = style->subElementRect(QStyle::SE_ItemViewItemText, &opt, opt.widget).adjusted(2, 2, -2, -2);
    const bool selected = opt.state & QStyle::State_Selected;
    const QPalette::ColorGroup group = opt.state & QStyle::State_Enabled ? QPalette::Normal : QPalette::Disabled;
    painter->save();
    painter->setFont(opt.font);
    painter->setPen(opt.palette.color(group, selected ? QPalette::HighlightedText : QPalette::Text));
    const QFontMetrics fm(opt.font);
    painter->drawText(text.left(), text.top() + fm.ascent(), index.data().toString());
    QFont small = opt.font;
    small.setPointSizeF(small.pointSizeF() * 0.85);
    painter->setFont(small);
    QColor muted = opt.palette.color(group, selected ? QPalette::HighlightedText : QPalette::PlaceholderText);
    painter->setPen(muted);
    const QFontMetrics sm(small);
    painter->drawText(text.left(), text.top() + fm.height() + sm.ascent(), sm.elidedText(detail, Qt::ElideMiddle, text.width()));
    painter->restore();
}

QSize ApplicationDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    if (isApplicationRow(index)) {
        QFont small = option.font;
        small.setPointSizeF(small.pointSizeF() * 0.85);
        size.setHeight(QFontMetrics(option.font).height() + QFontMetrics(small).height() + 6);
    }
    return size;
}

void ChangeMarkDelegate::initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    const QVariant kind = index.data(ResourceDiffModel::ChangeKindRole);
    if (!kind.isValid())
        return;
    option->font.setBold(true);
    QColor color;
    switch (ChangeKind(kind.toInt())) {
    case ChangeKind::Added: color = QColor(0x2d, 0xa4, 0x4e); break;
    case ChangeKind::Removed: color = QColor(0xd1, 0x3b, 0x3b); break;
    case ChangeKind::Changed: color = QColor(0xc7, 0x8d, 0x00); break;
    case ChangeKind::Unchanged: color = option->palette.color(QPalette::PlaceholderText); break;
    }
    option->palette.setColor(QPalette::Text, color);
}

} // namespace sluice
