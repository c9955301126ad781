#include "GitRevertPanel.h"

#include "ActivityLogModel.h"
#include "AsyncJob.h"
#include "ObjectDiffPanel.h"
#include "sync/Reconcile.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace sluice {

GitRevertPanel::GitRevertPanel(SessionPtr session, const QString &application, ActivityLogModel *log, QWidget *parent)
    : QWidget(parent), m_session(std::move(session)), m_application(application), m_log(log), m_job(new AsyncSlot(this)),
      m_commits(new QLineEdit(this)), m_branch(new QLineEdit(this)), m_push(new QCheckBox(tr("Push it to the tracked remote"), this)),
      m_preview(new QPushButton(tr("&Preview"), this)), m_create(new QPushButton(tr("Create &branch"), this)), m_result(new QLabel(this)),
      m_diff(new ObjectDiffPanel(this))
{
    const ApplicationConfig app = m_session->application(application);
    m_commits->setPlaceholderText(tr("commits to revert, newest first (SHAs separated by spaces)"));
    m_commits->setAccessibleName(tr("Commits to revert"));
    m_branch->setPlaceholderText(tr("sluice/revert-<first commit>"));
    m_branch->setAccessibleName(tr("Branch name"));
    m_result->setTextFormat(Qt::PlainText);
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_result->setAccessibleName(tr("Revert result"));
    m_diff->showMessage(tr("Preview shows what the revert branch would deploy, object by object"));
    if (app.repoPath.isEmpty()) {
        m_result->setText(tr("%1 tracks %2, not a local clone: a revert branch needs your clone.").arg(application, app.repo));
        setEnabled(false);
    }

    auto *form = new QFormLayout;
    form->addRow(tr("Revert:"), m_commits);
    form->addRow(tr("On branch:"), m_branch);
    form->addRow(QString(), m_push);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_result, 1);
    buttons->addWidget(m_preview);
    buttons->addWidget(m_create);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new QLabel(tr("A new branch from %1 with revert commits, in %2; your working tree, index and current branch are "
                                    "not touched. Merge it to roll back through Git.").arg(app.revision, app.repoPath), this));
    layout->addLayout(form);
    layout->addWidget(m_diff, 1);
    layout->addLayout(buttons);

    connect(m_preview, &QPushButton::clicked, this, [this] { run(true); });
    connect(m_create, &QPushButton::clicked, this, [this] { run(false); });
    connect(m_commits, &QLineEdit::textChanged, this, &GitRevertPanel::updateButtons);
    connect(m_job, &AsyncSlot::runningChanged, this, &GitRevertPanel::updateButtons);
    updateButtons();
}

void GitRevertPanel::setCommits(const QStringList &commits)
{
    QStringList shortIds;
    for (const QString &id : commits)
        shortIds << id.left(7);
    m_commits->setText(shortIds.join(QLatin1Char(' ')));
}

bool GitRevertPanel::isBusy() const
{
    return m_job->isRunning();
}

void GitRevertPanel::cancel()
{
    m_job->cancel();
}

void GitRevertPanel::run(bool preview)
{
    sync::GitRevertRequest request;
    request.commits = m_commits->text().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    request.branch = m_branch->text().trimmed();
    request.push = m_push->isChecked();
    request.preview = preview;
    if (request.commits.isEmpty())
        return;
    m_result->setText(preview ? tr("Computing the revert\u2026") : tr("Creating the branch\u2026"));
    const int logId = m_log->begin(preview ? tr("Preview Git revert of %1").arg(m_application) : tr("Git revert branch for %1").arg(m_application));
    m_job->run(
        [session = m_session, app = m_session->application(m_application), request](const JobContext &context) {
            const sync::ReconcileContext reconcile{session->workspace, app, *session->cache, {}, context.token(), true};
            return sync::gitRevertApplication(reconcile, request);
        },
        [this, logId](const Result<sync::GitRevertOutcome> &outcome) {
            if (!outcome) {
                m_log->finish(logId, ActivityLogModel::State::Failed, outcome.error().toString(), true);
                m_result->setText(tr("Failed: %1").arg(outcome.error().message));
                return;
            }
            m_log->finish(logId, ActivityLogModel::State::Succeeded);
            m_diff->setDiff(outcome->diff, tr("%1 (%2)").arg(m_session->application(m_application).revision, outcome->baseCommitId.left(7)),
                            tr("%1 (%2)").arg(outcome->branch, outcome->commitId.left(7)));
            const DiffSummary &s = outcome->diff.summary;
            const QString counts = tr("%1 added, %2 removed, %3 changed").arg(s.added).arg(s.removed).arg(s.changed);
            if (outcome->preview)
                m_result->setText(tr("Preview: %1 would deploy %2. Nothing was created.").arg(outcome->branch, counts));
            else
                m_result->setText(tr("Created %1 at %2 (%3)%4").arg(outcome->branch, outcome->commitId.left(7), counts,
                                                                  outcome->pushed ? tr("; pushed: open a pull request to merge it")
                                                                                  : tr("; not pushed")));
        });
}

void GitRevertPanel::updateButtons()
{
    const bool ready = !m_job->isRunning() && !m_commits->text().trimmed().isEmpty();
    m_preview->setEnabled(ready);
    m_create->setEnabled(ready);
}

} // namespace sluice
