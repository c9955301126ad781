#include "Delegates.h"

#include "ActivityLogModel.h"
#include "ApplicationListModel.h"
#include "ResourceDiffModel.h"

#include <QApplication>
#include <QPainter>

namespace sluice {

namespace {

bool isWorkspaceRow(const QModelIndex &index)
{
    return index.data(ApplicationListModel::IsWorkspaceRole).toBool();
}

bool isClusterRow(const QModelIndex &index)
{
    return index.data(ApplicationListModel::IsClusterRole).toBool();
}

const QColor kGreen(0x2d, 0xa4, 0x4e);
const QColor kAmber(0xc7, 0x8d, 0x00);
const QColor kRed(0xd1, 0x3b, 0x3b);
const QColor kBlue(0x3b, 0x82, 0xc4);
const QColor kPurple(0x8e, 0x5c, 0xc9);

struct Segment
{
    QString text;
    QColor color; // invalid = the muted text colour
};

// A badge is a glyph and a word, never colour alone.
Segment syncSegment(const QString &sync)
{
    if (sync == QLatin1String("Synced"))
        return {QStringLiteral("\u2713 Synced"), kGreen};
    if (sync == QLatin1String("OutOfSync"))
        return {QStringLiteral("\u2260 OutOfSync"), kAmber};
    return {QStringLiteral("? ") + sync, {}};
}

Segment healthSegment(const QString &health)
{
    if (health == QLatin1String("Healthy"))
        return {QStringLiteral("\u2665 Healthy"), kGreen};
    if (health == QLatin1String("Progressing"))
        return {QStringLiteral("\u25d0 Progressing"), kBlue};
    if (health == QLatin1String("Suspended"))
        return {QStringLiteral("\u2016 Suspended"), kBlue};
    if (health == QLatin1String("Degraded"))
        return {QStringLiteral("\u2717 Degraded"), kRed};
    if (health == QLatin1String("Missing"))
        return {QStringLiteral("\u2205 Missing"), kAmber};
    return {QStringLiteral("? ") + health, {}};
}

// The second line of an application row: its status when known, else revision · path.
QList<Segment> detailSegments(const QModelIndex &index)
{
    if (isClusterRow(index)) {
        const QString error = index.data(ApplicationListModel::ClusterErrorRole).toString();
        if (!error.isEmpty())
            return {{QStringLiteral("\u26a0 ") + error, kRed}};
        return {{index.data(ApplicationListModel::RevisionRole).toString(), {}}};
    }
    using State = ApplicationStatusSummary::State;
    switch (State(index.data(ApplicationListModel::StatusStateRole).toInt())) {
    case State::Checking:
        // A re-check keeps the last known status up, marked as refreshing.
        if (!index.data(ApplicationListModel::SyncRole).toString().isEmpty())
            return {syncSegment(index.data(ApplicationListModel::SyncRole).toString()),
                    healthSegment(index.data(ApplicationListModel::HealthRole).toString()), {QStringLiteral("\u21bb"), {}}};
        return {{QObject::tr("checking the cluster\u2026"), {}}};
    case State::Failed:
        return {{QObject::tr("\u26a0 status unknown"), kRed}};
    case State::Known: {
        QList<Segment> segments{syncSegment(index.data(ApplicationListModel::SyncRole).toString()),
                                healthSegment(index.data(ApplicationListModel::HealthRole).toString())};
        if (const QString owner = index.data(ApplicationListModel::OwnerRole).toString(); !owner.isEmpty())
            segments.append({QStringLiteral("\u00b7 ") + owner, {}}); // deployed by Flux or Argo CD
        return segments;
    }
    case State::NotChecked:
        break;
    }
    return {{index.data(ApplicationListModel::RevisionRole).toString() + QStringLiteral(" \u00b7 ") +
                 index.data(ApplicationListModel::PathRole).toString(),
             {}}};
}

} // namespace

void ApplicationDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    if (isWorkspaceRow(index)) {
        QStyleOptionViewItem bold = option;
        bold.font.setBold(true);
        QStyledItemDelegate::paint(painter, bold, index);
        return;
    }
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.text.clear();
    QStyle *style = opt.widget ? opt.widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);

    const QRect text = style->subElementRect(QStyle::SE_ItemViewItemText, &opt, opt.widget).adjusted(2, 2, -2, -2);
    const bool selected = opt.state & QStyle::State_Selected;
    const QPalette::ColorGroup group = opt.state & QStyle::State_Enabled ? QPalette::Normal : QPalette::Disabled;
    painter->save();
    painter->setFont(opt.font);
    painter->setPen(opt.palette.color(group, selected ? QPalette::HighlightedText : QPalette::Text));
    QFont nameFont = opt.font;
    nameFont.setBold(isClusterRow(index));
    painter->setFont(nameFont);
    const QFontMetrics fm(nameFont);
    QFont small = opt.font;
    small.setPointSizeF(small.pointSizeF() * 0.85);
    const QFontMetrics sm(small);
    const QColor muted = opt.palette.color(group, selected ? QPalette::HighlightedText : QPalette::PlaceholderText);
    // Line 1: the name, then (right-aligned, small) the hold marker and the pending count.
    QString marks;
    if (!index.data(ApplicationListModel::HoldRole).toString().isEmpty())
        marks = QStringLiteral("\u2016 held");
    const int pending = index.data(ApplicationListModel::PendingRole).toInt();
    if (pending > 0)
        marks += (marks.isEmpty() ? QString() : QStringLiteral("  ")) + QObject::tr("%1 pending").arg(pending);
    const int marksWidth = marks.isEmpty() ? 0 : sm.horizontalAdvance(marks) + 6;
    const QString name = fm.elidedText(index.data().toString(), Qt::ElideMiddle, qMax(0, text.width() - marksWidth));
    painter->drawText(text.left(), text.top() + fm.ascent(), name);
    if (!marks.isEmpty()) {
        painter->setFont(small);
        painter->setPen(selected ? muted : (marks.startsWith(QChar(0x2016)) ? kPurple : muted));
        painter->drawText(QRect(text.left(), text.top(), text.width(), fm.height()), Qt::AlignRight | Qt::AlignVCenter, marks);
    }
    painter->setFont(small);
    int x = text.left();
    const int y = text.top() + fm.height() + sm.ascent();
    for (const Segment &segment : detailSegments(index)) {
        const int room = text.right() - x;
        if (room <= sm.horizontalAdvance(QStringLiteral("\u2026")))
            break;
        const QString shown = sm.elidedText(segment.text, Qt::ElideRight, room);
        painter->setPen(selected || !segment.color.isValid() ? muted : segment.color);
        painter->drawText(x, y, shown);
        x += sm.horizontalAdvance(shown + QStringLiteral("  "));
    }
    painter->restore();
}

QSize ApplicationDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    if (!isWorkspaceRow(index)) {
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

void ActivityStateDelegate::initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    switch (ActivityLogModel::State(index.data(ActivityLogModel::StateRole).toInt())) {
    case ActivityLogModel::State::Failed:
        option->palette.setColor(QPalette::Text, kRed);
        if (index.column() == ActivityLogModel::StateColumn) {
            option->font.setBold(true);
            option->text = QStringLiteral("\u2717 ") + option->text;
        }
        break;
    case ActivityLogModel::State::Cancelled:
        option->palette.setColor(QPalette::Text, option->palette.color(QPalette::PlaceholderText));
        break;
    default:
        break;
    }
}

} // namespace sluice
