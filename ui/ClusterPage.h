#pragma once

// A cluster selected in the sidebar: what it is (its context, or why it cannot be reached, or
// that it is offline) over a Review of every application deployed to it together ("everything
// clusters/production would change between main and pull/12").

#include "Session.h"

#include <QWidget>

class QLabel;

namespace sluice {

class ActivityLogModel;
class AsyncSlot;
class RefsModel;
class ReviewTab;

class ClusterPage : public QWidget
{
    Q_OBJECT

public:
    ClusterPage(ActivityLogModel *log, QWidget *parent = nullptr);

    // Shows `cluster` of the session with `summary` on top; loads the repository's refs for the
    // revision pickers off the GUI thread. Cancels the previous cluster's work.
    void setCluster(SessionPtr session, const QString &cluster, const QString &summary);
    QString cluster() const { return m_cluster; }

    QLabel *summaryLabel() const { return m_summary; }
    ReviewTab *reviewTab() const { return m_review; }

private:
    QString m_cluster;
    QLabel *m_summary;
    RefsModel *m_refs;
    ReviewTab *m_review;
    AsyncSlot *m_refsJob;
};

} // namespace sluice
