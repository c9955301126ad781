#include "ResourceStatusModel.h"

#include <map>

namespace sluice {

namespace {
// Internal ids: 0 for top-level rows; group rows' children carry their group's row + 1.
constexpr quintptr kTopLevel = 0;

QString messageOf(const sync::ResourceState &r)
{
    QStringList parts;
    if (r.sync != sync::SyncState::Synced && !r.reason.isEmpty())
        parts << r.reason;
    if (!r.health.message.isEmpty() && r.health.state != sync::HealthState::None)
        parts << r.health.message;
    return parts.join(QStringLiteral("; "));
}

} // namespace

ResourceStatusModel::ResourceStatusModel(QObject *parent) : QAbstractItemModel(parent) {}

void ResourceStatusModel::setResources(const QList<sync::ResourceState> &resources)
{
    bool sameObjects = resources.size() == m_resources.size();
    for (qsizetype i = 0; sameObjects && i < resources.size(); ++i)
        sameObjects = resources.at(i).key == m_resources.at(i).key;
    if (!sameObjects) {
        beginResetModel();
        m_resources = resources;
        rebuild();
        endResetModel();
        return;
    }
    // A refresh of the same objects: rows stay, their values change; the filter may now match
    // other rows, which needs a reset to stay correct.
    const QList<Group> before = m_groups;
    m_resources = resources;
    rebuild();
    bool sameRows = before.size() == m_groups.size();
    for (qsizetype g = 0; sameRows && g < m_groups.size(); ++g)
        sameRows = before.at(g).members == m_groups.at(g).members;
    if (!sameRows) {
        beginResetModel();
        endResetModel();
        return;
    }
    for (int g = 0; g < m_groups.size(); ++g) {
        const QModelIndex parent = m_grouping == Grouping::None ? QModelIndex() : index(g, 0);
        if (!m_groups.at(g).members.isEmpty())
            emit dataChanged(index(0, 0, parent), index(int(m_groups.at(g).members.size()) - 1, ColumnCount - 1, parent));
    }
}

void ResourceStatusModel::clear()
{
    beginResetModel();
    m_resources.clear();
    rebuild();
    endResetModel();
}

void ResourceStatusModel::setGrouping(Grouping grouping)
{
    if (grouping == m_grouping)
        return;
    beginResetModel();
    m_grouping = grouping;
    rebuild();
    endResetModel();
}

void ResourceStatusModel::setFilterText(const QString &text)
{
    if (text == m_filter)
        return;
    beginResetModel();
    m_filter = text;
    rebuild();
    endResetModel();
}

bool ResourceStatusModel::matches(const sync::ResourceState &r) const
{
    if (m_filter.isEmpty())
        return true;
    for (const QString &field : {r.key.displayName(), sync::syncStateName(r.sync), sync::healthName(r.health.state), messageOf(r)}) {
        if (field.contains(m_filter, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

void ResourceStatusModel::rebuild()
{
    m_groups.clear();
    if (m_grouping == Grouping::None) {
        Group all;
        for (int i = 0; i < m_resources.size(); ++i) {
            if (matches(m_resources.at(i)))
                all.members.append(i);
        }
        m_groups.append(all);
        return;
    }
    std::map<QString, QList<int>> byLabel;
    for (int i = 0; i < m_resources.size(); ++i) {
        const sync::ResourceState &r = m_resources.at(i);
        if (!matches(r))
            continue;
        const QString label = m_grouping == Grouping::Kind ? (r.key.group.isEmpty() ? r.key.kind : r.key.kind + QLatin1Char('.') + r.key.group)
                                                           : (r.key.ns.isEmpty() ? tr("(cluster-scoped)") : r.key.ns);
        byLabel[label].append(i);
    }
    for (auto &[label, members] : byLabel)
        m_groups.append({label, members});
}

int ResourceStatusModel::visibleCount() const
{
    int count = 0;
    for (const Group &g : m_groups)
        count += int(g.members.size());
    return count;
}

const sync::ResourceState *ResourceStatusModel::resource(const QModelIndex &index) const
{
    if (!index.isValid() || index.model() != this)
        return nullptr;
    const bool grouped = m_grouping != Grouping::None;
    if (grouped && index.internalId() == kTopLevel)
        return nullptr; // a group row
    const Group &group = m_groups.at(grouped ? int(index.internalId() - 1) : 0);
    return index.row() < group.members.size() ? &m_resources.at(group.members.at(index.row())) : nullptr;
}

QModelIndex ResourceStatusModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    if (!parent.isValid())
        return createIndex(row, column, kTopLevel);
    return createIndex(row, column, quintptr(parent.row() + 1));
}

QModelIndex ResourceStatusModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || m_grouping == Grouping::None || child.internalId() == kTopLevel)
        return {};
    return createIndex(int(child.internalId() - 1), 0, kTopLevel);
}

int ResourceStatusModel::rowCount(const QModelIndex &parent) const
{
    if (parent.column() > 0)
        return 0;
    const bool grouped = m_grouping != Grouping::None;
    if (!parent.isValid())
        return grouped ? int(m_groups.size()) : int(m_groups.value(0).members.size());
    if (grouped && parent.internalId() == kTopLevel)
        return int(m_groups.at(parent.row()).members.size());
    return 0;
}

int ResourceStatusModel::columnCount(const QModelIndex &parent) const
{
    Q_UNUSED(parent)
    return ColumnCount;
}

QVariant ResourceStatusModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const sync::ResourceState *r = resource(index);
    if (!r) { // a group row
        if (role == IsGroupRole)
            return true;
        if (role == Qt::DisplayRole && index.column() == NameColumn) {
            const Group &group = m_groups.at(index.row());
            return QStringLiteral("%1 (%2)").arg(group.label).arg(group.members.size());
        }
        return {};
    }
    switch (role) {
    case IsGroupRole:
        return false;
    case KeyRole:
        return r->key.toString();
    case SyncRole:
        return sync::syncStateName(r->sync);
    case HealthRole:
        return sync::healthName(r->health.state);
    case Qt::ToolTipRole:
        return index.column() == NameColumn ? r->key.toString() : messageOf(*r);
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn: return r->key.listName(m_grouping != Grouping::Kind, m_grouping != Grouping::Namespace);
        case SyncColumn: return sync::syncStateName(r->sync);
        case HealthColumn: return r->health.state == sync::HealthState::None ? QString() : sync::healthName(r->health.state);
        case MessageColumn: return messageOf(*r);
        }
        return {};
    default:
        return {};
    }
}

QVariant ResourceStatusModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn: return tr("Object");
    case SyncColumn: return tr("Sync");
    case HealthColumn: return tr("Health");
    case MessageColumn: return tr("Why");
    default: return {};
    }
}

Qt::ItemFlags ResourceStatusModel::flags(const QModelIndex &index) const
{
    Qt::ItemFlags result = QAbstractItemModel::flags(index);
    if (index.isValid() && !resource(index))
        result &= ~Qt::ItemIsSelectable;
    else if (index.isValid())
        result |= Qt::ItemNeverHasChildren;
    return result;
}

} // namespace sluice
