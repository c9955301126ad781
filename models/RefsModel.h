#pragma once

// Revisions to pick from in a review: the working tree, then branches, remote branches, tags,
// pull/merge-request refs (git::RefInfo snapshot). Editable combo boxes add any SHA on top.

#include "git/Repository.h"

#include <QAbstractListModel>

namespace sluice {

class RefsModel : public QAbstractListModel
{
    Q_OBJECT

public:
    enum Role {
        SpecRole = Qt::UserRole + 1, // what to resolve: "main", "origin/main", "pull/7", "WORKTREE"
        KindRole,                    // int(git::RefInfo::Kind); -1 for WORKTREE
        CommitIdRole,
    };

    explicit RefsModel(QObject *parent = nullptr);

    // Replaces the snapshot; `withWorktree` adds the WORKTREE row first (local clones only).
    void setRefs(const QList<git::RefInfo> &refs, bool withWorktree);
    int rowOfSpec(const QString &spec) const; // -1 when absent

    int rowCount(const QModelIndex &parent = {}) const override;
    // DisplayRole: "main", "origin/main", "v1.0.0 (tag)", "pull/7 (pull request)",
    // "Working tree (uncommitted)"; ToolTipRole: full ref name and commit.
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        QString spec;
        QString display;
        int kind;
        QString commitId;
        QString fullName;
    };
    QList<Row> m_rows;
};

} // namespace sluice
