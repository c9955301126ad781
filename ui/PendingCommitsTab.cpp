#include "PendingCommitsTab.h"

#include "ActivityLogModel.h"
#include "AsyncJob.h"
#include "ObjectDiffPanel.h"
#include "PendingCommitModel.h"
#include "RevisionPicker.h"
#include "review/Review.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace sluice {

namespace {

// What a commit-list job hands back when it ends.
struct LoadOutcome
{
    Status status;
    int count = 0;
};

} // namespace

PendingCommitsTab::PendingCommitsTab(RefsModel *refs, ActivityLogModel *log, QWidget *parent)
    : QWidget(parent), m_log(log), m_model(new PendingCommitModel(this)), m_table(new QTableView(this)),
      m_since(new RevisionPicker(refs, tr("Pending since revision"), this)), m_status(new QLabel(this)),
      m_panel(new ObjectDiffPanel(this)), m_loadJob(new AsyncSlot(this)), m_diffJob(new AsyncSlot(this)),
      m_changesJob(new AsyncSlot(this))
{
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setShowGrid(false);
    m_table->setTabKeyNavigation(false); // Tab leaves the list (towards the diff); arrows move between commits
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->horizontalHeader()->setHighlightSections(false);
    m_table->setColumnWidth(PendingCommitModel::ShaColumn, fontMetrics().horizontalAdvance(QStringLiteral("0000000000")));
    m_table->setColumnWidth(PendingCommitModel::AuthorColumn, fontMetrics().horizontalAdvance(QStringLiteral("Alexandra Rivera")));
    m_table->setColumnWidth(PendingCommitModel::DateColumn, fontMetrics().horizontalAdvance(QStringLiteral("yesterday, 00:00")));
    m_table->horizontalHeader()->setSectionResizeMode(PendingCommitModel::SummaryColumn, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(PendingCommitModel::ObjectsColumn, QHeaderView::ResizeToContents);
    m_table->setAccessibleName(tr("Pending commits"));
    m_status->setTextFormat(Qt::PlainText);
    m_status->setAccessibleName(tr("Pending commits status"));

    auto *showButton = new QPushButton(tr("Show"), this);
    showButton->setToolTip(tr("List the commits of the tracked revision that are not in this one"));
    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Since:"), this));
    bar->addWidget(m_since);
    bar->addWidget(showButton);
    bar->addWidget(m_status, 1);

    auto *top = new QWidget(this);
    auto *topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addLayout(bar);
    topLayout->addWidget(m_table);
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(top);
    splitter->addWidget(m_panel);
    splitter->setSizes({260, 440});
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    connect(showButton, &QPushButton::clicked, this, &PendingCommitsTab::reload);
    connect(m_since->lineEdit(), &QLineEdit::returnPressed, this, &PendingCommitsTab::reload);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &PendingCommitsTab::showCommit);
    connect(m_loadJob, &AsyncSlot::runningChanged, this, [this] { emit busyChanged(isBusy()); });
    // The newest commit is selected as soon as it arrives, so its diff shows without a click.
    connect(m_model, &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex &, int first) {
        if (first == 0 && !m_table->currentIndex().isValid())
            m_table->setCurrentIndex(m_model->index(0, 0));
    });
    connect(m_diffJob, &AsyncSlot::runningChanged, this, [this] { emit busyChanged(isBusy()); });
    m_panel->showMessage(tr("Select a commit to see the objects it changes."));
}

bool PendingCommitsTab::isCounting() const
{
    return m_changesJob->isRunning();
}

bool PendingCommitsTab::isBusy() const
{
    return m_loadJob->isRunning() || m_diffJob->isRunning();
}

void PendingCommitsTab::cancel()
{
    for (auto [job, logId] : {std::pair{m_loadJob, &m_loadLogId}, std::pair{m_diffJob, &m_diffLogId}, std::pair{m_changesJob, &m_changesLogId}}) {
        if (job->isRunning()) {
            job->cancel();
            m_log->finish(*logId, ActivityLogModel::State::Cancelled);
        }
    }
}

void PendingCommitsTab::setApplication(SessionPtr session, const QString &application, const QString &since)
{
    m_session = std::move(session);
    m_application = application;
    m_since->setSpec(since);
    reload();
}

namespace {
constexpr int kCountedCommits = 200; // more are listed without counts (each count is a render)
} // namespace

void PendingCommitsTab::reload()
{
    cancel();
    m_model->clear();
    m_panel->showMessage(tr("Select a commit to see the objects it changes."));
    if (!m_session)
        return;
    const ApplicationConfig app = m_session->application(m_application);
    const QString since = m_since->spec();
    m_status->setText(tr("Loading commits…"));
    m_loadLogId = m_log->begin(tr("List commits of %1 since %2").arg(app.name, since.isEmpty() ? tr("the first commit") : since),
                               work(QStringLiteral("list")));
    PendingCommitModel *model = m_model; // outlives every post: posts stop with the slot
    m_loadJob->run(
        [app, since, model](const JobContext &job) -> LoadOutcome {
            auto repo = openApplicationRepository(app);
            if (!repo)
                return {repo.error()};
            auto head = repo->resolve(app.revision);
            if (!head)
                return {head.error()};
            QString baseId;
            if (!since.isEmpty()) {
                auto base = repo->resolve(since);
                if (!base)
                    return {base.error()};
                baseId = base->commitId;
            }
            git::CommitRangeOptions options;
            options.firstBatchSize = 200;
            int count = 0;
            const Status status = repo->commitRange(
                baseId, head->commitId, options,
                [&](const QList<git::CommitInfo> &batch) {
                    count += int(batch.size());
                    job.post([model, batch] { model->appendCommits(batch); });
                    return !job.isCancelled();
                },
                job.token());
            return {status, count};
        },
        [this, since](LoadOutcome outcome) {
            if (!outcome.status) {
                // A Since that does not resolve is said next to it, and outlined.
                const QString message = outcome.status.error().message;
                m_status->setText(m_since->markIfNamed(message) ? message : tr("Could not list commits."));
                m_panel->showMessage(outcome.status.error().toString());
                m_log->finish(m_loadLogId, ActivityLogModel::State::Failed, outcome.status.error().toString());
                return;
            }
            m_status->setText(outcome.count == 1 ? tr("1 commit") : tr("%1 commits").arg(outcome.count));
            m_log->finish(m_loadLogId, ActivityLogModel::State::Succeeded);
            if (outcome.count <= kCountedCommits)
                countChanges(since);
        });
}

// Renders every listed commit (the cache skips those whose input did not change) to count the
// objects each changes, so "Pending" shows which commits matter to this application.
void PendingCommitsTab::countChanges(const QString &since)
{
    const ApplicationConfig app = m_session->application(m_application);
    m_changesLogId = m_log->begin(tr("Count the objects each commit of %1 changes").arg(app.name), work(QStringLiteral("counts")));
    m_changesJob->run(
        [app, since, cache = m_session->cache, model = m_model](const JobContext &job) -> Status {
            auto repo = openApplicationRepository(app);
            if (!repo)
                return repo.error();
            SourceRenderer renderer(*cache);
            // Each count as soon as it is known (newest first), not all at the end.
            auto changes = pendingCommitChanges(*repo, renderer, app, since, app.revision, false, job.token(), [&](const CommitChanges &c) {
                if (c.error.isEmpty())
                    job.post([model, id = c.commit.id, keys = c.changedKeys] { model->setChangedKeys(id, keys); });
                else
                    job.post([model, id = c.commit.id, error = c.error] { model->setChangeError(id, error); });
            });
            return changes ? Status() : Status(changes.error());
        },
        [this](const Status &status) {
            // Counts are a help: the list stands without them, and Activity says why they are missing.
            m_log->finish(m_changesLogId, status ? ActivityLogModel::State::Succeeded : ActivityLogModel::State::Failed,
                          status ? QString() : status.error().toString());
        });
}

void PendingCommitsTab::showCommit(const QModelIndex &index)
{
    const git::CommitInfo *commit = m_model->commit(index.row());
    if (!commit || !m_session)
        return;
    if (m_diffJob->isRunning()) {
        m_diffJob->cancel();
        m_log->finish(m_diffLogId, ActivityLogModel::State::Cancelled);
    }
    const ApplicationConfig app = m_session->application(m_application);
    const std::shared_ptr<RenderCache> cache = m_session->cache;
    const QString commitId = commit->id;
    m_panel->showMessage(tr("Rendering %1 and its parent…").arg(commitId.left(7)));
    m_diffLogId = m_log->begin(tr("Diff of commit %1 (%2)").arg(commitId.left(7), commit->summary), work(QStringLiteral("diff")));
    m_diffJob->run(
        [app, cache, commitId](const JobContext &job) -> Result<ReviewResult> {
            auto repo = openApplicationRepository(app);
            if (!repo)
                return repo.error();
            SourceRenderer renderer(*cache);
            return reviewCommit(*repo, renderer, app, commitId, job.token(), DiffTexts::OnDemand); // texts of the object shown
        },
        [this, commitId](Result<ReviewResult> review) {
            if (!review) {
                m_panel->showMessage(review.error().toString());
                m_log->finish(m_diffLogId, ActivityLogModel::State::Failed, review.error().toString());
                return;
            }
            QList<ResourceKey> keys;
            for (const ObjectDiff &o : review->diff.objects) {
                if (o.change != ChangeKind::Unchanged)
                    keys.append(o.key);
            }
            m_model->setChangedKeys(commitId, keys);
            m_panel->setDiff(review->diff, review->base.commitId.isEmpty() ? tr("(no parent)") : review->base.commitId.left(7),
                             review->head.commitId.left(7));
            m_log->finish(m_diffLogId, ActivityLogModel::State::Succeeded);
        });
}

void PendingCommitsTab::clear(const QString &message)
{
    cancel();
    m_model->clear();
    m_panel->showMessage(message);
    m_status->setText(message);
}

} // namespace sluice
