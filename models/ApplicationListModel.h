#pragma once

// The sidebar's tree: the workspace (one top-level row) → its clusters → their applications,
// each application with the cluster status last reported for it (sync, health, pending commits,
// hold, or why unknown), each cluster with why it cannot be reached (said once, not per
// application). Applications without a destination sit under "(no cluster)".
// Serves data() from snapshots it was given; never touches git, clusters or processes.

#include "workspace/Workspace.h"

#include <QAbstractItemModel>
#include <QHash>

namespace sluice {

// What the sidebar shows of an application's cluster status (a summary of ApplicationStatus).
struct ApplicationStatusSummary
{
    enum class State { NotChecked, Checking, Known, Failed };
    State state = State::NotChecked;
    QString sync;      // "Synced", "OutOfSync", "Unknown"
    QString health;    // "Healthy", "Progressing", …
    int pending = -1;  // pending commits; -1 = not known (never deployed by Sluice)
    QString deployed;  // deployed commit id, empty when never
    QString hold;      // "held at abc1234 by alex@ws since …", empty when not held
    QString controller; // a Flux or Argo CD owner and its state ("Flux Kustomization flux-system/apps: Reconciled"), or empty
    QString owner;      // "Flux" or "Argo CD" when a controller owns it, else empty
    QString error;     // why the status is unknown (State::Failed)
};

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
        IsClusterRole,               // true on cluster rows
        ClusterErrorRole,            // cluster rows: why it cannot be reached, or empty
        StatusStateRole,             // int(ApplicationStatusSummary::State)
        SyncRole,                    // "Synced", "OutOfSync", "Unknown"; empty when not known
        HealthRole,                  // "Healthy", …; empty when not known
        PendingRole,                 // int pending commits, or -1
        HoldRole,                    // the hold's description, or empty
        OwnerRole,                   // "Flux", "Argo CD" or "" (Sluice, nobody)
        StatusErrorRole,             // why the status could not be determined
    };

    explicit ApplicationListModel(QObject *parent = nullptr);

    // Replaces the snapshot (a model reset: a new workspace is a new tree).
    void setWorkspace(const Workspace &workspace);
    const Workspace &workspace() const { return m_workspace; }

    // Sets the status shown for an application (dataChanged for its row); unknown names are
    // ignored. A new workspace starts with every status NotChecked.
    void setStatus(const QString &application, const ApplicationStatusSummary &status);
    ApplicationStatusSummary status(const QString &application) const { return m_status.value(application); }
    // Why a cluster cannot be reached (empty: it can); dataChanged for its row.
    void setClusterError(const QString &cluster, const QString &error);

    // The index of a cluster row by name, or invalid.
    QModelIndex indexOfCluster(const QString &name) const;
    // The index of an application by name (column 0), or invalid.
    QModelIndex indexOfApplication(const QString &name) const;
    // The application at an index, or nullptr for the workspace row / invalid index.
    const ApplicationConfig *application(const QModelIndex &index) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    // DisplayRole: "web"; ToolTipRole: "repo @ revision: path → cluster/namespace" and the status;
    // column 0 only. The workspace row displays its folder's name ("demo"), NameRole the file's.
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    // Application rows never have children (lets views skip asking). Cluster rows:
    // DisplayRole the name, ToolTipRole the context (and the error).
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    struct ClusterNode
    {
        QString name;       // empty for "(no cluster)"
        QString detail;     // "context do-nyc1-prod", "sandbox"
        QList<int> apps;    // indexes into m_workspace.applications
        QString error;
    };
    void buildClusters();

    Workspace m_workspace;
    QList<ClusterNode> m_clusters;
    bool m_hasWorkspace = false;
    QHash<QString, ApplicationStatusSummary> m_status;
};

} // namespace sluice
