#include "ApplicationListModel.h"

#include <QDir>
#include <QFileInfo>

namespace sluice {

// Internal ids: 0 for the workspace row (top level), 1 for application rows (its children).
namespace {
constexpr quintptr kWorkspaceRowId = 0;
constexpr quintptr kApplicationRowId = 1;
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
    endResetModel();
}

void ApplicationListModel::setStatus(const QString &application, const ApplicationStatusSummary &status)
{
    const QModelIndex index = indexOfApplication(application);
    if (!index.isValid())
        return;
    m_status.insert(application, status);
    emit dataChanged(index, index);
}

QModelIndex ApplicationListModel::indexOfApplication(const QString &name) const
{
    if (!m_hasWorkspace)
        return {};
    const QList<ApplicationConfig> &apps = m_workspace.applications;
    for (int row = 0; row < apps.size(); ++row) {
        if (apps.at(row).name == name)
            return createIndex(row, 0, kApplicationRowId);
    }
    return {};
}

const ApplicationConfig *ApplicationListModel::application(const QModelIndex &index) const
{
    if (!index.isValid() || index.model() != this || index.internalId() != kApplicationRowId)
        return nullptr;
    if (index.row() < 0 || index.row() >= m_workspace.applications.size())
        return nullptr;
    return &m_workspace.applications.at(index.row());
}

QModelIndex ApplicationListModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    if (!parent.isValid())
        return createIndex(row, column, kWorkspaceRowId);
    return createIndex(row, column, kApplicationRowId);
}

QModelIndex ApplicationListModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || child.internalId() != kApplicationRowId)
        return {};
    return createIndex(0, 0, kWorkspaceRowId);
}

int ApplicationListModel::rowCount(const QModelIndex &parent) const
{
    if (parent.column() > 0 || !m_hasWorkspace)
        return 0;
    if (!parent.isValid())
        return 1;
    if (parent.internalId() == kWorkspaceRowId)
        return int(m_workspace.applications.size());
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
    case StatusErrorRole:
        return m_status.value(app->name).error;
    default:
        return {};
    }
}

Qt::ItemFlags ApplicationListModel::flags(const QModelIndex &index) const
{
    Qt::ItemFlags result = QAbstractItemModel::flags(index);
    if (index.isValid() && index.internalId() == kApplicationRowId)
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
    names.insert(StatusStateRole, "statusState");
    names.insert(SyncRole, "sync");
    names.insert(HealthRole, "health");
    names.insert(PendingRole, "pending");
    names.insert(HoldRole, "hold");
    names.insert(StatusErrorRole, "statusError");
    return names;
}

} // namespace sluice
