#include "ClusterPage.h"

#include "AsyncJob.h"
#include "RefsModel.h"
#include "ReviewTab.h"
#include "git/Repository.h"
#include "review/Review.h"

#include <QLabel>
#include <QVBoxLayout>

namespace sluice {

ClusterPage::ClusterPage(ActivityLogModel *log, QWidget *parent)
    : QWidget(parent), m_summary(new QLabel(this)), m_refs(new RefsModel(this)), m_review(new ReviewTab(m_refs, log, this)),
      m_refsJob(new AsyncSlot(this))
{
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::PlainText);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setAccessibleName(tr("Cluster"));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_review, 1);
}

void ClusterPage::setCluster(SessionPtr session, const QString &cluster, const QString &summary)
{
    m_cluster = cluster;
    m_summary->setText(summary);
    ApplicationConfig first;
    for (const ApplicationConfig &app : session->workspace.applications) {
        if (app.cluster == cluster || app.clusterLabel == cluster) {
            first = session->application(app.name);
            break;
        }
    }
    m_refs->setRefs({}, false);
    m_review->setCluster(session, cluster, first.revision, first.repoPath.isEmpty() ? first.revision : git::kWorktree);
    if (first.name.isEmpty())
        return;
    m_refsJob->run([first](const JobContext &job) {
        git::FetchOptions fetch;
        fetch.cancel = job.token();
        return snapshotRepository(first, fetch);
    },
                   [this](const Result<RepositorySnapshot> &snapshot) {
                       if (snapshot)
                           m_refs->setRefs(snapshot->refs, snapshot->localClone);
                   });
}

} // namespace sluice
