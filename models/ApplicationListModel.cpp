#include "ApplicationListModel.h"

#include <QDir>
#include <QFileInfo>

namespace sluice {

// Internal ids: 0 for the workspace row (top level), 1 for cluster rows (its children), and
// 2 + the cluster's row for application rows (the cluster's children).
namespace {
constexpr quintptr kWorkspaceRowId = 0;
constexpr quintptr kClusterRowId = 1;
constexpr quintptr kFirstApplicationId = 2;
} // namespace

ApplicationListModel::ApplicationListModel(QObject *parent)
    : QAbstractItemModel(parent)
{
}

void ApplicationListModel::setWorkspace(const Workspace &workspace)
{
    beginResetModel();
    m_workspace = workspace;
    m_hasWorkspace = true;
    m_status.clear();
    buildClusters();
    endResetModel();
}

void ApplicationListModel::buildClusters()
{
    m_clusters.clear();
    auto nodeFor = [this](const QString &name) -> ClusterNode & {
        for (ClusterNode &node : m_clusters) {
            if (node.name == name)
                return node;
        }
        ClusterNode node;
        node.name = name;
        if (const ClusterConfig *cluster = m_workspace.cluster(name))
            node.detail = cluster->sandbox ? tr("sandbox") : tr("context %1").arg(cluster->context);
        else if (!name.isEmpty())
            node.detail = tr("offline: no context chosen");
        m_clusters.append(node);
        return m_clusters.last();
    };
    for (const ClusterConfig &cluster : m_workspace.clusters)
        nodeFor(cluster.name);
    for (int i = 0; i < m_workspace.applications.size(); ++i)
        nodeFor(m_workspace.applications.at(i).cluster.isEmpty() ? m_workspace.applications.at(i).clusterLabel
                                                                 : m_workspace.applications.at(i).cluster)
            .apps.append(i);
}

void ApplicationListModel::setStatus(const QString &application, const ApplicationStatusSummary &status)
{
    const QModelIndex index = indexOfApplication(application);
    if (!index.isValid())
        return;
    m_status.insert(application, status);
    emit dataChanged(index, index);
}

void ApplicationListModel::setClusterError(const QString &cluster, const QString &error)
{
    const QModelIndex index = indexOfCluster(cluster);
    if (!index.isValid() || m_clusters.at(index.row()).error == error)
        return;
    m_clusters[index.row()].error = error;
    emit dataChanged(index, index);
}

QModelIndex ApplicationListModel::indexOfCluster(const QString &name) const
{
    for (int row = 0; row < m_clusters.size(); ++row) {
        if (m_clusters.at(row).name == name)
            return createIndex(row, 0, kClusterRowId);
    }
    return {};
}

QModelIndex ApplicationListModel::indexOfApplication(const QString &name) const
{
    if (!m_hasWorkspace || name.isEmpty())
        return {};
    for (int cluster = 0; cluster < m_clusters.size(); ++cluster) {
        const QList<int> &apps = m_clusters.at(cluster).apps;
        for (int row = 0; row < apps.size(); ++row) {
            if (m_workspace.applications.at(apps.at(row)).name == name)
                return createIndex(row, 0, kFirstApplicationId + quintptr(cluster));
        }
    }
    return {};
}

const ApplicationConfig *ApplicationListModel::application(const QModelIndex &index) const
{
    if (!index.isValid() || index.model() != this || index.internalId() < kFirstApplicationId)
        return nullptr;
    const int cluster = int(index.internalId() - kFirstApplicationId);
    if (cluster >= m_clusters.size() || index.row() < 0 || index.row() >= m_clusters.at(cluster).apps.size())
        return nullptr;
    return &m_workspace.applications.at(m_clusters.at(cluster).apps.at(index.row()));
}

QModelIndex ApplicationListModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    if (!parent.isValid())
        return createIndex(row, column, kWorkspaceRowId);
    if (parent.internalId() == kWorkspaceRowId)
        return createIndex(row, column, kClusterRowId);
    return createIndex(row, column, kFirstApplicationId + quintptr(parent.row()));
}

QModelIndex ApplicationListModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || child.internalId() == kWorkspaceRowId)
        return {};
    if (child.internalId() == kClusterRowId)
        return createIndex(0, 0, kWorkspaceRowId);
    return createIndex(int(child.internalId() - kFirstApplicationId), 0, kClusterRowId);
}

int ApplicationListModel::rowCount(const QModelIndex &parent) const
{
    if (parent.column() > 0 || !m_hasWorkspace)
        return 0;
    if (!parent.isValid())
        return 1;
    if (parent.internalId() == kWorkspaceRowId)
        return int(m_clusters.size());
    if (parent.internalId() == kClusterRowId)
        return int(m_clusters.at(parent.row()).apps.size());
    return 0;
}

int ApplicationListModel::columnCount(const QModelIndex &parent) const
{
    Q_UNUSED(parent)
    return 1;
}

QVariant ApplicationListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    if (!checkIndex(index) || index.column() != 0)
        return {};

    if (index.internalId() == kWorkspaceRowId) {
        switch (role) {
        case Qt::DisplayRole:
            // The folder names a workspace better than "sluice.yaml" does.
            return QFileInfo(m_workspace.file).dir().dirName();
        case NameRole:
            return QFileInfo(m_workspace.file).fileName();
        case Qt::ToolTipRole:
            return m_workspace.file;
        case IsWorkspaceRole:
            return true;
        default:
            return {};
        }
    }

    if (index.internalId() == kClusterRowId) {
        const ClusterNode &node = m_clusters.at(index.row());
        switch (role) {
        case Qt::DisplayRole:
            return node.name.isEmpty() ? tr("(no cluster)") : node.name;
        case NameRole:
        case ClusterRole:
            return node.name;
        case Qt::ToolTipRole:
            return node.error.isEmpty() ? node.detail : node.detail + QStringLiteral("\n") + node.error;
        case RevisionRole: // the second line of the row
            return node.detail;
        case IsClusterRole:
            return true;
        case ClusterErrorRole:
            return node.error;
        case IsWorkspaceRole:
            return false;
        default:
            return {};
        }
    }

    const ApplicationConfig *app = application(index);
    if (!app)
        return {};
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return app->name;
    case Qt::ToolTipRole: {
        const QString destination = app->ns.isEmpty() ? app->cluster : app->cluster + QLatin1Char('/') + app->ns;
        QString tip = QStringLiteral("%1 @ %2: %3 \u2192 %4").arg(app->repo, app->revision, app->path, destination);
        const ApplicationStatusSummary status = m_status.value(app->name);
        if (status.state == ApplicationStatusSummary::State::Known) {
            tip += QStringLiteral("\n%1, %2").arg(status.sync, status.health);
            if (status.pending >= 0)
                tip += QStringLiteral(", %1 pending commit%2").arg(status.pending).arg(status.pending == 1 ? "" : "s");
            if (!status.controller.isEmpty())
                tip += QStringLiteral("\n") + status.controller;
            if (!status.hold.isEmpty())
                tip += QStringLiteral("\n") + status.hold;
        } else if (status.state == ApplicationStatusSummary::State::Failed) {
            tip += QStringLiteral("\nStatus unknown: ") + status.error;
        }
        return tip;
    }
    case RepoRole:
        return app->repo;
    case RevisionRole:
        return app->revision;
    case PathRole:
        return app->path;
    case ClusterRole:
        return app->cluster;
    case NamespaceRole:
        return app->ns;
    case IsWorkspaceRole:
    case IsClusterRole:
        return false;
    case StatusStateRole:
        return int(m_status.value(app->name).state);
    case SyncRole:
        return m_status.value(app->name).sync;
    case HealthRole:
        return m_status.value(app->name).health;
    case PendingRole:
        return m_status.value(app->name).pending;
    case HoldRole:
        return m_status.value(app->name).hold;
    case OwnerRole:
        return m_status.value(app->name).owner;
    case StatusErrorRole:
        return m_status.value(app->name).error;
    default:
        return {};
    }
}

Qt::ItemFlags ApplicationListModel::flags(const QModelIndex &index) const
{
    Qt::ItemFlags result = QAbstractItemModel::flags(index);
    if (index.isValid() && index.internalId() >= kFirstApplicationId)
        result |= Qt::ItemNeverHasChildren;
    return result;
}

QHash<int, QByteArray> ApplicationListModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractItemModel::roleNames();
    names.insert(NameRole, "name");
    names.insert(RepoRole, "repo");
    names.insert(RevisionRole, "revision");
    names.insert(PathRole, "path");
    names.insert(ClusterRole, "cluster");
    names.insert(NamespaceRole, "namespace");
    names.insert(IsWorkspaceRole, "isWorkspace");
    names.insert(IsClusterRole, "isCluster");
    names.insert(ClusterErrorRole, "clusterError");
    names.insert(StatusStateRole, "statusState");
    names.insert(SyncRole, "sync");
    names.insert(HealthRole, "health");
    names.insert(PendingRole, "pending");
    names.insert(HoldRole, "hold");
    names.insert(OwnerRole, "owner");
    names.insert(StatusErrorRole, "statusError");
    return names;
}

} // namespace sluice
