#include "RefsModel.h"

namespace sluice {

namespace {

QString displayOf(const git::RefInfo &ref)
{
    switch (ref.kind) {
    case git::RefInfo::Kind::Tag:
        return RefsModel::tr("%1 (tag)").arg(ref.shortName);
    case git::RefInfo::Kind::PullRequest:
        return RefsModel::tr("%1 (pull request)").arg(ref.shortName);
    case git::RefInfo::Kind::MergeRequest:
        return RefsModel::tr("%1 (merge request)").arg(ref.shortName);
    case git::RefInfo::Kind::LocalBranch:
    case git::RefInfo::Kind::RemoteBranch:
    case git::RefInfo::Kind::Other:
        break;
    }
    return ref.shortName;
}

} // namespace

RefsModel::RefsModel(QObject *parent)
    : QAbstractListModel(parent)
{
}

// Keeps the order of `refs` (git::Repository::refs() sorts by kind, then name). The spec of every
// ref is its short name, which git::Repository::resolve() accepts ("pull/7" included).
void RefsModel::setRefs(const QList<git::RefInfo> &refs, bool withWorktree)
{
    beginResetModel();
    m_rows.clear();
    m_rows.reserve(refs.size() + (withWorktree ? 1 : 0));
    if (withWorktree) {
        m_rows.append(Row{git::kWorktree, tr("Working tree (uncommitted)"), -1, QString(),
                          tr("The working tree: tracked files as on disk plus untracked files "
                             "that git does not ignore")});
    }
    for (const git::RefInfo &ref : refs)
        m_rows.append(Row{ref.shortName, displayOf(ref), int(ref.kind), ref.commitId, ref.name});
    endResetModel();
}

// Cost: O(rows).
int RefsModel::rowOfSpec(const QString &spec) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).spec == spec)
            return row;
    }
    return -1;
}

int RefsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant RefsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    if (!checkIndex(index, CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole: // as display, so a QCompleter on an editable combo box completes it
        return row.display;
    case SpecRole:
        return row.spec;
    case Qt::ToolTipRole:
        return row.commitId.isEmpty() ? row.fullName : row.fullName + QLatin1Char('\n') + row.commitId;
    case KindRole:
        return row.kind;
    case CommitIdRole:
        return row.commitId;
    default:
        return {};
    }
}

} // namespace sluice
