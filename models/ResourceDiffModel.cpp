#include "ResourceDiffModel.h"

#include <QMap>

#include <algorithm>

namespace sluice {

// Internal ids: 0 for top-level rows (group rows, or objects with Grouping::None);
// g + 1 for an object row under group g.
namespace {

constexpr quintptr kTopLevelId = 0;

QString changeSymbol(ChangeKind kind)
{
    switch (kind) {
    case ChangeKind::Added:
        return QStringLiteral("+");
    case ChangeKind::Removed:
        return QStringLiteral("\u2212");
    case ChangeKind::Changed:
        return QStringLiteral("~");
    case ChangeKind::Unchanged:
        return QStringLiteral("=");
    }
    return {};
}

// "Deployment.apps", as ResourceKey::displayName() names the kind.
QString kindLabel(const ResourceKey &key)
{
    return key.group.isEmpty() ? key.kind : key.kind + QLatin1Char('.') + key.group;
}

} // namespace

ResourceDiffModel::ResourceDiffModel(QObject *parent)
    : QAbstractItemModel(parent)
    , m_visible{ChangeKind::Added, ChangeKind::Removed, ChangeKind::Changed}
{
}

void ResourceDiffModel::setDiff(const ResourceDiff &diff)
{
    beginResetModel();
    m_diff = diff;
    if (diff.unchanged) { // a large review's, or one read back: the rows are every object
        m_diff.objects = allObjects(diff);
        m_diff.unchanged.reset();
    }
    rebuild();
    endResetModel();
}

void ResourceDiffModel::clear()
{
    beginResetModel();
    m_diff = {};
    m_groups.clear();
    endResetModel();
}

void ResourceDiffModel::setGrouping(Grouping grouping)
{
    if (grouping == m_grouping)
        return;
    beginResetModel();
    m_grouping = grouping;
    rebuild();
    endResetModel();
}

void ResourceDiffModel::setFilterText(const QString &text)
{
    if (text == m_filter)
        return;
    beginResetModel();
    m_filter = text;
    rebuild();
    endResetModel();
}

void ResourceDiffModel::setVisibleChanges(const QSet<ChangeKind> &kinds)
{
    if (kinds == m_visible)
        return;
    beginResetModel();
    m_visible = kinds;
    rebuild();
    endResetModel();
}

// Rebuilds m_groups from m_diff, the filter and the grouping. Called between begin/endResetModel.
// Kind groups sort by label (case-insensitive), namespace groups by name with "(cluster)" first;
// objects inside a group keep the diff's key order. Empty groups are dropped.
void ResourceDiffModel::rebuild()
{
    m_groups.clear();
    const QString filter = m_filter.trimmed();

    QList<int> visible;
    for (int i = 0; i < m_diff.objects.size(); ++i) {
        const ObjectDiff &object = m_diff.objects.at(i);
        if (!m_visible.contains(object.change))
            continue;
        if (!filter.isEmpty() && !object.key.displayName().contains(filter, Qt::CaseInsensitive))
            continue;
        visible.append(i);
    }

    if (m_grouping == Grouping::None) {
        if (!visible.isEmpty())
            m_groups.append(Group{QString(), visible});
        return;
    }

    // Sort key → (name shown, objects).
    QMap<QString, QPair<QString, QList<int>>> byName;
    for (int i : visible) {
        const ResourceKey &key = m_diff.objects.at(i).key;
        QString name;
        QString sortKey;
        if (m_grouping == Grouping::Kind) {
            name = kindLabel(key);
            sortKey = name.toCaseFolded() + QLatin1Char('\0') + name;
        } else {
            name = key.ns.isEmpty() ? tr("(cluster)") : key.ns;
            // '\0' sorts the cluster-scoped group before every namespace.
            sortKey = key.ns.isEmpty() ? QString(QLatin1Char('\0')) : QLatin1Char('\1') + key.ns;
        }
        auto &entry = byName[sortKey];
        entry.first = name;
        entry.second.append(i);
    }
    for (const auto &entry : std::as_const(byName)) {
        m_groups.append(Group{QStringLiteral("%1 (%2)").arg(entry.first).arg(entry.second.size()),
                              entry.second});
    }
}

int ResourceDiffModel::visibleObjectCount() const
{
    int count = 0;
    for (const Group &group : m_groups)
        count += int(group.objects.size());
    return count;
}

const ObjectDiff *ResourceDiffModel::object(const QModelIndex &index) const
{
    if (!index.isValid() || index.model() != this)
        return nullptr;
    const QVariant objectIndex = data(index, ObjectIndexRole); // invalid for a stale index
    if (!objectIndex.isValid() || objectIndex.toInt() < 0)
        return nullptr;
    return &m_diff.objects.at(objectIndex.toInt());
}

QModelIndex ResourceDiffModel::firstObjectIndex() const
{
    if (m_groups.isEmpty())
        return {};
    if (m_grouping == Grouping::None)
        return createIndex(0, 0, kTopLevelId);
    return createIndex(0, 0, quintptr(1)); // first object of group 0 (groups are never empty)
}

// Cost: O(visible objects). Invalid when the key is absent or filtered out.
QModelIndex ResourceDiffModel::indexOfKey(const ResourceKey &key) const
{
    for (int g = 0; g < m_groups.size(); ++g) {
        const QList<int> &objects = m_groups.at(g).objects;
        for (int row = 0; row < objects.size(); ++row) {
            if (m_diff.objects.at(objects.at(row)).key == key) {
                return m_grouping == Grouping::None ? createIndex(row, 0, kTopLevelId)
                                                    : createIndex(row, 0, quintptr(g) + 1);
            }
        }
    }
    return {};
}

QModelIndex ResourceDiffModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    if (!parent.isValid())
        return createIndex(row, column, kTopLevelId);
    // hasIndex() passed, so the parent is a group row (only those have children).
    return createIndex(row, column, quintptr(parent.row()) + 1);
}

QModelIndex ResourceDiffModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || child.internalId() == kTopLevelId)
        return {};
    return createIndex(int(child.internalId() - 1), 0, kTopLevelId);
}

int ResourceDiffModel::rowCount(const QModelIndex &parent) const
{
    if (parent.column() > 0)
        return 0;
    if (!parent.isValid()) {
        if (m_grouping == Grouping::None)
            return m_groups.isEmpty() ? 0 : int(m_groups.constFirst().objects.size());
        return int(m_groups.size());
    }
    if (m_grouping != Grouping::None && parent.internalId() == kTopLevelId)
        return int(m_groups.at(parent.row()).objects.size());
    return 0;
}

int ResourceDiffModel::columnCount(const QModelIndex &parent) const
{
    Q_UNUSED(parent)
    return ColumnCount;
}

QVariant ResourceDiffModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    if (!checkIndex(index))
        return {};

    const bool isGroup = m_grouping != Grouping::None && index.internalId() == kTopLevelId;
    if (isGroup) {
        switch (role) {
        case Qt::DisplayRole:
            return index.column() == NameColumn ? m_groups.at(index.row()).label : QVariant();
        case IsGroupRole:
            return true;
        case ObjectIndexRole:
            return -1;
        default:
            return {};
        }
    }

    const int group = m_grouping == Grouping::None ? 0 : int(index.internalId() - 1);
    const int objectIndex = m_groups.at(group).objects.at(index.row());
    const ObjectDiff &object = m_diff.objects.at(objectIndex);
    switch (role) {
    case Qt::DisplayRole:
        return index.column() == NameColumn ? object.key.listName(m_grouping != Grouping::Kind, m_grouping != Grouping::Namespace)
                                            : changeSymbol(object.change);
    case Qt::ToolTipRole: {
        // The full identity (the list elides long names), then the change.
        const QString change = object.change != ChangeKind::Changed ? changeKindName(object.change)
                               : object.fields.size() == 1          ? tr("changed: 1 field")
                                                                    : tr("changed: %1 fields").arg(object.fields.size());
        const QString identity = QStringLiteral("%1 %2%3").arg(object.apiVersion.isEmpty() ? object.key.kind : object.apiVersion + QLatin1Char(' ') + object.key.kind,
                                                               object.key.ns.isEmpty() ? QString() : object.key.ns + QLatin1Char('/'), object.key.name);
        return identity + QStringLiteral("\n") + change;
    }
    case Qt::TextAlignmentRole:
        return index.column() == ChangeColumn ? QVariant(Qt::AlignCenter) : QVariant();
    case ChangeKindRole:
        return int(object.change);
    case KeyRole:
        return object.key.toString();
    case IsGroupRole:
        return false;
    case FieldCountRole:
        return int(object.fields.size());
    case ObjectIndexRole:
        return objectIndex;
    default:
        return {};
    }
}

QVariant ResourceDiffModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractItemModel::headerData(section, orientation, role);
    switch (section) {
    case NameColumn:
        return tr("Object");
    case ChangeColumn:
        return tr("Change");
    default:
        return {};
    }
}

Qt::ItemFlags ResourceDiffModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    if (m_grouping != Grouping::None && index.internalId() == kTopLevelId)
        return Qt::ItemIsEnabled;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
}

} // namespace sluice
