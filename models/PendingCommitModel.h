#pragma once

// Pending commits (newest first): short SHA, author, relative date, summary, and how many of the
// application's objects each changes once known ("none" for a commit that changes nothing here).
// Rows arrive in batches (appendCommits) so a 100,000-commit history fills in without freezing;
// the changed object keys of a commit (or why they are unknown) can be attached later.

#include "git/Repository.h"
#include "render/Resource.h"

#include <QAbstractTableModel>
#include <QDateTime>

namespace sluice {

class PendingCommitModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { ShaColumn, AuthorColumn, DateColumn, SummaryColumn, ObjectsColumn, ColumnCount };
    enum Role {
        CommitIdRole = Qt::UserRole + 1, // full 40-hex id
        TimeRole,                        // QDateTime (UTC)
        ParentIdRole,                    // first parent id or ""
        ChangedKeysRole,                 // QStringList of ResourceKey::displayName(), once known
        ChangeErrorRole,                 // why the commit's objects could not be counted, or ""
    };

    explicit PendingCommitModel(QObject *parent = nullptr);

    void clear();
    // Appends a batch at the end (one beginInsertRows/endInsertRows).
    void appendCommits(const QList<git::CommitInfo> &commits);
    // Attaches the objects a commit changes; emits dataChanged for its row.
    void setChangedKeys(const QString &commitId, const QList<ResourceKey> &keys);
    // The commit (or its parent) could not be rendered: its Objects cell says "failed", its tooltip why.
    void setChangeError(const QString &commitId, const QString &error);

    const git::CommitInfo *commit(int row) const;
    int rowOf(const QString &commitId) const; // -1 when absent

    // "Now" for relative dates ("3 hours ago"); defaults to the current time. For tests.
    void setNow(const QDateTime &now);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // "just now", "5 minutes ago", "3 hours ago", "yesterday", "4 days ago", then "2026-11-01".
    static QString relativeTime(const QDateTime &time, const QDateTime &now);

private:
    void rowChanged(const QString &commitId);

    QList<git::CommitInfo> m_commits;
    QHash<QString, int> m_rowById;
    QHash<QString, QStringList> m_keysById;
    QHash<QString, QString> m_errorById;
    QDateTime m_now;
};

} // namespace sluice
