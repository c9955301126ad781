#pragma once

// The review's object list: every object of a ResourceDiff with its change (+ / − / ~ / =),
// optionally grouped under Kind or Namespace rows, filtered by text and by change kind.
// Owns its snapshot; filter and grouping changes rebuild the visible tree with a model reset,
// a new diff too.

#include "diff/ResourceDiff.h"

#include <QAbstractItemModel>
#include <QSet>

namespace sluice {

// Qt 6.4 has no qHash for scoped enums; QSet<ChangeKind> needs one (found by ADL).
inline size_t qHash(ChangeKind kind, size_t seed = 0) noexcept
{
    return ::qHash(int(kind), seed);
}

class ResourceDiffModel : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum class Grouping { None, Kind, Namespace };
    enum Column { NameColumn, ChangeColumn, ColumnCount }; // NameColumn: "Deployment shop/web"
    enum Role {
        ChangeKindRole = Qt::UserRole + 1, // int(ChangeKind); invalid on group rows
        KeyRole,                           // ResourceKey::toString(); invalid on group rows
        IsGroupRole,                       // bool
        FieldCountRole,                    // int
        ObjectIndexRole,                   // int: index into diff().objects, -1 on group rows
    };

    explicit ResourceDiffModel(QObject *parent = nullptr);

    void setDiff(const ResourceDiff &diff);
    const ResourceDiff &diff() const { return m_diff; }
    void clear();

    void setGrouping(Grouping grouping);
    Grouping grouping() const { return m_grouping; }
    // Case-insensitive substring over kind, namespace and name.
    void setFilterText(const QString &text);
    // Which change kinds are shown (default: added, removed, changed; unchanged hidden).
    void setVisibleChanges(const QSet<ChangeKind> &kinds);

    // Counts over the whole diff (not the filter): "+2 −1 ~3 =40".
    DiffSummary summary() const { return m_diff.summary; }
    // Visible objects per kind, for the group rows' labels: "Deployment (3)".
    int visibleObjectCount() const;

    // The object at an index (nullptr on group rows / invalid).
    const ObjectDiff *object(const QModelIndex &index) const;
    // The first visible object's index, or invalid.
    QModelIndex firstObjectIndex() const;
    QModelIndex indexOfKey(const ResourceKey &key) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    // DisplayRole: NameColumn "Deployment shop/web" (group rows: "Deployment (3)"),
    // ChangeColumn "+", "−", "~", "="; ToolTipRole: change and field count.
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    // Group rows are enabled but not selectable, so a selection always names objects.
    Qt::ItemFlags flags(const QModelIndex &index) const override;

private:
    struct Group
    {
        QString label;
        QList<int> objects; // indexes into m_diff.objects
    };
    void rebuild();

    ResourceDiff m_diff;
    Grouping m_grouping = Grouping::None;
    QString m_filter;
    QSet<ChangeKind> m_visible;
    QList<Group> m_groups; // with Grouping::None: one unnamed group, its rows at top level
};

} // namespace sluice
