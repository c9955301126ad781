#pragma once

// Item delegates: how the sidebar and the object list paint their rows. Colours come from the
// palette or are mid-tones readable on light and dark bases.

#include <QStyledItemDelegate>

namespace sluice {

// Sidebar application rows: the name, and under it "revision · path" in a muted colour.
class ApplicationDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

// The object list's change column: "+" green, "−" red, "~" amber, "=" muted; bold.
class ChangeMarkDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;
};

// The Activity log's rows: a failed job in red with ✗, a cancelled one muted: marked, not only coloured.
class ActivityStateDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;
};

} // namespace sluice
