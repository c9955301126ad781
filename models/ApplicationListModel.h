#pragma once

// The sidebar's tree: the workspace (one top-level row) → its applications.
// Serves data() from a snapshot of the Workspace it was given; never touches git or processes.

#include "workspace/Workspace.h"

#include <QAbstractItemModel>

namespace sluice {

class ApplicationListModel : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum Role {
        NameRole = Qt::UserRole + 1, // application (or workspace file) name
        RepoRole,                    // source repo as written
        RevisionRole,                // tracked revision
        PathRole,                    // path inside the repository
        ClusterRole,                 // destination cluster
        NamespaceRole,               // destination namespace
        IsWorkspaceRole,             // true on the top-level row
    };

    explicit ApplicationListModel(QObject *parent = nullptr);

    // Replaces the snapshot (a model reset: a new workspace is a new tree).
    void setWorkspace(const Workspace &workspace);
    const Workspace &workspace() const { return m_workspace; }

    // The index of an application by name (column 0), or invalid.
    QModelIndex indexOfApplication(const QString &name) const;
    // The application at an index, or nullptr for the workspace row / invalid index.
    const ApplicationConfig *application(const QModelIndex &index) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    // DisplayRole: "web"; ToolTipRole: "repo @ revision: path → cluster/namespace";
    // column 0 only. The workspace row displays its folder's name ("demo"), NameRole the file's.
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    // Application rows never have children (lets views skip asking).
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    Workspace m_workspace;
    bool m_hasWorkspace = false;
};

} // namespace sluice
