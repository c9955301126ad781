#include "SyncDialog.h"

#include "ActivityLogModel.h"
#include "AsyncJob.h"
#include "DiffView.h"
#include "GitRevertPanel.h"
#include "SyncPlanModel.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QStackedWidget>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace sluice {
namespace {

// A job's progress, posted to the GUI thread (the engine reports from worker threads).
ProgressFn postedProgress(const JobContext &context, QProgressBar *bar, QLabel *text)
{
    return [context, bar, text](qint64 done, qint64 total, const QString &what) {
        context.post([bar, text, done, total, what] {
            bar->setRange(0, total > 0 ? 1000 : 0);
            if (total > 0)
                bar->setValue(int(done * 1000 / total));
            text->setText(what);
        });
    };
}

} // namespace

SyncDialog::SyncDialog(SessionPtr session, const QString &application, Mode mode, int rollbackTo, ActivityLogModel *log,
                       QWidget *parent)
    : QDialog(parent), m_session(std::move(session)), m_application(application), m_mode(mode), m_rollbackTo(rollbackTo),
      m_log(log), m_model(new SyncPlanModel(this)), m_job(new AsyncSlot(this)), m_target(new QLabel(this)),
      m_summary(new QLabel(this)), m_releaseHold(new QCheckBox(this)), m_confirm(new QLineEdit(this)),
      m_steps(new QTableView(this)), m_diff(new DiffView(this)), m_progress(new QProgressBar(this)),
      m_progressText(new QLabel(this)), m_result(new QLabel(this)), m_dryRun(new QPushButton(tr("&Dry run"), this)),
      m_apply(new QPushButton(mode == Mode::Sync ? tr("&Sync") : tr("&Roll back"), this)),
      m_cancel(new QPushButton(tr("Cancel"), this)), m_close(new QPushButton(tr("Close"), this))
{
    const ApplicationConfig app = m_session->application(application);
    const ClusterConfig *cluster = m_session->workspace.cluster(app.cluster);
    m_protected = cluster && cluster->isProtected;
    setWindowTitle(mode == Mode::Sync ? tr("Sync %1").arg(application) : tr("Roll back %1").arg(application));
    resize(1100, 700);

    // The target first and large: the classic incident is applying to the wrong context.
    const QString context = !cluster ? QString() : cluster->sandbox ? QStringLiteral("sluice-sandbox") : cluster->context;
    m_target->setTextFormat(Qt::RichText);
    m_target->setText(tr("%1 <b>%2</b> to cluster <b>%3</b> &nbsp;·&nbsp; context <b>%4</b> &nbsp;·&nbsp; namespace <b>%5</b>%6")
                          .arg(mode == Mode::Sync ? tr("Sync") : tr("Roll back"), application.toHtmlEscaped(),
                               app.cluster.toHtmlEscaped(), context.toHtmlEscaped(), sync::controlNamespace(app).toHtmlEscaped(),
                               m_protected ? tr(" &nbsp;<span style='color:#d13b3b'>protected</span>") : QString()));
    QFont targetFont = m_target->font();
    targetFont.setPointSizeF(targetFont.pointSizeF() * 1.25);
    m_target->setFont(targetFont);
    m_target->setAccessibleName(tr("Target"));
    m_summary->setTextFormat(Qt::PlainText);
    m_summary->setWordWrap(true);
    m_summary->setAccessibleName(tr("Plan summary"));
    m_releaseHold->hide();
    m_confirm->setPlaceholderText(tr("Type %1 to confirm: the cluster is protected").arg(application));
    m_confirm->setAccessibleName(tr("Confirmation"));
    m_confirm->setVisible(m_protected);
    m_result->setTextFormat(Qt::PlainText);
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_result->setAccessibleName(tr("Result"));
    m_progress->setTextVisible(false);
    m_progressText->setTextFormat(Qt::PlainText);

    m_steps->setModel(m_model);
    m_steps->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_steps->setSelectionMode(QAbstractItemView::SingleSelection);
    m_steps->verticalHeader()->hide();
    m_steps->horizontalHeader()->setStretchLastSection(true);
    for (int column : {SyncPlanModel::ObjectColumn, SyncPlanModel::ActionColumn, SyncPlanModel::NotesColumn})
        m_steps->horizontalHeader()->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    m_steps->setWordWrap(false);
    m_steps->setTabKeyNavigation(false);
    m_steps->setAccessibleName(tr("Plan steps"));
    m_diff->showMessage(tr("Select a step to see its live vs desired diff"));

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_steps);
    split->addWidget(m_diff);
    split->setSizes({300, 300});

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_progress, 1);
    buttons->addWidget(m_progressText, 2);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_dryRun);
    buttons->addWidget(m_apply);
    m_apply->setDefault(false);
    m_apply->setAutoDefault(false);
    m_dryRun->setAutoDefault(false);

    auto *clusterPage = new QWidget(this);
    auto *clusterLayout = new QVBoxLayout(clusterPage);
    clusterLayout->setContentsMargins(0, 0, 0, 0);
    clusterLayout->addWidget(m_summary);
    clusterLayout->addWidget(m_releaseHold);
    clusterLayout->addWidget(m_confirm);
    clusterLayout->addWidget(split, 1);
    clusterLayout->addWidget(m_result);
    clusterLayout->addLayout(buttons);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_target);
    if (mode == Mode::Rollback) {
        // Two explicit ways back, side by side; each shows its exact diff before anything happens.
        m_clusterMode = new QRadioButton(tr("Roll the &cluster back (sets a hold)"), this);
        m_gitMode = new QRadioButton(tr("Revert commit(s) in &Git (new branch, optional push)"), this);
        m_clusterMode->setChecked(true);
        auto *modes = new QHBoxLayout;
        modes->addWidget(m_clusterMode);
        modes->addWidget(m_gitMode);
        modes->addStretch(1);
        layout->addLayout(modes);
        m_gitPanel = new GitRevertPanel(m_session, application, log, this);
        m_pages = new QStackedWidget(this);
        m_pages->addWidget(clusterPage);
        m_pages->addWidget(m_gitPanel);
        layout->addWidget(m_pages, 1);
        connect(m_gitMode, &QRadioButton::toggled, this, [this](bool git) { m_pages->setCurrentIndex(git ? 1 : 0); });
    } else {
        layout->addWidget(clusterPage, 1);
    }
    m_showActivity = new QPushButton(tr("Show in &Activity"), this);
    m_showActivity->setToolTip(tr("Close this dialog and show the Activity tab: every step, its timing and every error in full"));
    m_showActivity->setAutoDefault(false);
    m_showActivity->hide();
    auto *closeRow = new QHBoxLayout;
    closeRow->addStretch(1);
    closeRow->addWidget(m_showActivity);
    closeRow->addWidget(m_close);
    layout->addLayout(closeRow);

    connect(m_dryRun, &QPushButton::clicked, this, [this] { apply(true); });
    connect(m_apply, &QPushButton::clicked, this, [this] { apply(false); });
    connect(m_cancel, &QPushButton::clicked, m_job, &AsyncSlot::cancel);
    connect(m_close, &QPushButton::clicked, this, &QDialog::reject);
    connect(m_showActivity, &QPushButton::clicked, this, [this] {
        emit showActivityRequested();
        reject();
    });
    connect(m_job, &AsyncSlot::runningChanged, this, &SyncDialog::updateButtons);
    connect(m_model, &SyncPlanModel::selectionChanged, this, &SyncDialog::updateButtons);
    connect(m_confirm, &QLineEdit::textChanged, this, &SyncDialog::updateButtons);
    connect(m_releaseHold, &QCheckBox::toggled, this, &SyncDialog::updateButtons);
    connect(m_steps->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &SyncDialog::showSelectedStep);
    plan();
}

SyncDialog::~SyncDialog() = default;

bool SyncDialog::isBusy() const
{
    return m_job->isRunning();
}

void SyncDialog::reject()
{
    if (m_gitPanel && m_gitPanel->isBusy()) {
        m_gitPanel->cancel();
        return;
    }
    if (m_job->isRunning()) {
        m_job->cancel();
        m_progressText->setText(tr("Cancelled"));
        return; // a second Esc / Close closes
    }
    QDialog::reject();
}

void SyncDialog::setReleaseHold(bool release)
{
    m_releaseWanted = release;
    if (m_releaseHold->isVisible())
        m_releaseHold->setChecked(release);
}

void SyncDialog::plan()
{
    m_summary->setText(tr("Planning: rendering and comparing with the cluster\u2026"));
    m_result->clear();
    const int logId = m_log->begin(m_mode == Mode::Sync ? tr("Plan sync of %1").arg(m_application)
                                                         : tr("Plan rollback of %1").arg(m_application));
    m_job->run(
        [session = m_session, app = m_session->application(m_application), mode = m_mode, to = m_rollbackTo,
         bar = m_progress, text = m_progressText](const JobContext &context) {
            const sync::ReconcileContext reconcile{session->workspace, app, *session->cache, postedProgress(context, bar, text),
                                                   context.token(), true};
            if (mode == Mode::Sync)
                return sync::prepareSync(reconcile, {});
            sync::RollbackRequest request;
            request.toId = to;
            return sync::prepareRollback(reconcile, request);
        },
        [this, logId](const Result<sync::PreparedSync> &prepared) {
            m_progressText->clear();
            m_progress->reset(); // the bar is for applying; planning is done
            if (!prepared) {
                m_log->finish(logId, ActivityLogModel::State::Failed, prepared.error().toString(), true);
                m_summary->setText(tr("Could not plan: %1").arg(prepared.error().message));
                m_result->setText(prepared.error().detail);
                updateButtons();
                return;
            }
            m_log->finish(logId, ActivityLogModel::State::Succeeded);
            showPlan(*prepared);
        });
    updateButtons();
}

void SyncDialog::showPlan(const sync::PreparedSync &prepared)
{
    m_prepared = prepared;
    m_model->setPlan(prepared.plan);
    if (m_gitPanel)
        m_gitPanel->setCommits(prepared.revertCandidates);
    const sync::SyncPlan &plan = prepared.plan;
    QString summary = tr("%1 at %2: %3").arg(plan.trackedRef, plan.revision.left(7), plan.summary.text());
    for (const QString &warning : plan.warnings)
        summary += QStringLiteral("\n") + tr("Warning: %1").arg(warning);
    if (!plan.hasChanges())
        summary += QStringLiteral("\n") + tr("Nothing to change: the cluster matches.");
    m_summary->setText(summary);
    const bool held = m_mode == Mode::Sync && prepared.hold.has_value();
    m_releaseHold->setVisible(held);
    m_releaseHold->setChecked(held && m_releaseWanted);
    if (held && prepared.owner.isController())
        m_releaseHold->setText(tr("Release the hold (%1): resume %2 and let it reconcile; Sluice applies nothing")
                                   .arg(prepared.hold->describe(), prepared.owner.describe()));
    else if (held)
        m_releaseHold->setText(tr("Release the hold (%1); recorded in history").arg(prepared.hold->describe()));
    // The first step that changes something, so its diff shows at once.
    for (int row = 0; row < m_model->rowCount(); ++row) {
        if (m_model->index(row, 0).data(SyncPlanModel::SelectableRole).toBool()) {
            m_steps->setCurrentIndex(m_model->index(row, 0));
            break;
        }
    }
    updateButtons();
}

void SyncDialog::showSelectedStep()
{
    const sync::PlanStep *step = m_model->step(m_steps->currentIndex().row());
    if (!step) {
        m_diff->showMessage(tr("Select a step to see its live vs desired diff"));
        return;
    }
    const ObjectDiff &diff = step->resource.diff;
    if (diff.change == ChangeKind::Unchanged || (diff.beforeYaml.isEmpty() && diff.afterYaml.isEmpty())) {
        m_diff->showMessage(step->resource.sync == sync::SyncState::Unknown ? step->resource.reason : tr("No changes"));
        return;
    }
    m_diff->setTexts(diff.beforeYaml, diff.afterYaml, tr("live"), tr("after %1").arg(m_mode == Mode::Sync ? tr("sync") : tr("rollback")));
}

void SyncDialog::apply(bool dryRun)
{
    if (!m_prepared || m_job->isRunning())
        return;
    sync::SyncRequest request;
    request.dryRun = dryRun;
    request.releaseHold = m_releaseHold->isVisible() && m_releaseHold->isChecked();
    request.confirmation = m_confirm->text().trimmed();
    request.only = m_model->selectedKeys();
    const bool handBack = handsBack();
    if (request.only.isEmpty() && !handBack)
        return;
    m_model->clearResult();
    m_result->setText(dryRun ? tr("Dry run\u2026") : tr("Applying\u2026"));
    const QString what = dryRun ? tr("Dry run of %1").arg(m_application)
                                : (m_mode == Mode::Sync ? tr("Sync %1").arg(m_application) : tr("Roll back %1").arg(m_application));
    const int logId = m_log->begin(what);
    m_job->run(
        [session = m_session, app = m_session->application(m_application), prepared = *m_prepared, request, bar = m_progress,
         text = m_progressText](const JobContext &context) {
            const sync::ReconcileContext reconcile{session->workspace, app, *session->cache, postedProgress(context, bar, text),
                                                   context.token(), true};
            return sync::applyPreparedSync(reconcile, prepared, request);
        },
        [this, logId, dryRun, handBack](const Result<sync::SyncOutcome> &outcome) {
            m_progressText->clear();
            m_progress->setRange(0, 1000);
            m_progress->setValue(outcome ? 1000 : 0);
            if (!outcome) {
                m_log->finish(logId, ActivityLogModel::State::Failed, outcome.error().toString(), true);
                m_result->setText(tr("Failed: %1").arg(outcome.error().message));
                m_showActivity->show();
                updateButtons();
                return;
            }
            const sync::SyncResult &r = outcome->result;
            m_model->setResult(r);
            QString text = tr("%1%2: %3 applied, %4 pruned, %5 failed, %6 not attempted in %7 s")
                               .arg(dryRun ? tr("Dry run ") : QString(), r.result)
                               .arg(r.applied).arg(r.pruned).arg(r.failed).arg(r.notAttempted)
                               .arg(double(r.durationMs) / 1000.0, 0, 'f', 1);
            if (r.waited && r.health != sync::HealthState::None)
                text += tr("; health %1%2").arg(sync::healthName(r.health), r.timedOut ? tr(" (timed out waiting)") : QString());
            if (outcome->entry)
                text += tr("; history #%1").arg(outcome->entry->id);
            if (handBack && !outcome->plan.warnings.isEmpty())
                text = outcome->plan.warnings.last(); // "Handed back to …: it applied …"
            const QString failure = r.firstFailure();
            if (!failure.isEmpty())
                text += QStringLiteral("\n") + failure;
            m_result->setText(text);
            m_showActivity->show();
            m_log->finish(logId, r.succeeded() ? ActivityLogModel::State::Succeeded : ActivityLogModel::State::Failed,
                          r.succeeded() ? QString() : text, true);
            if (!dryRun) {
                m_prepared.reset(); // applied: planning again is the way to go on
                emit applied(m_application);
            }
            updateButtons();
        });
    updateButtons();
}

bool SyncDialog::handsBack() const
{
    return m_mode == Mode::Sync && m_prepared && m_prepared->owner.isController() && m_releaseHold->isVisible() &&
           m_releaseHold->isChecked();
}

void SyncDialog::updateButtons()
{
    const bool busy = m_job->isRunning();
    const bool ready = m_prepared.has_value() && !busy && m_model->selectedCount() > 0;
    const bool confirmed = !m_protected || m_confirm->text().trimmed() == m_application;
    const bool held = m_releaseHold->isVisible() && !m_releaseHold->isChecked();
    const bool handBack = handsBack() && !busy;
    m_dryRun->setEnabled(ready && !handsBack());
    m_apply->setEnabled((ready || handBack) && confirmed && !held);
    m_apply->setText(handsBack() ? tr("R&elease && Reconcile") : m_mode == Mode::Sync ? tr("&Sync") : tr("&Roll back"));
    m_apply->setToolTip(!confirmed ? tr("Type %1 above: the cluster is protected").arg(m_application)
                        : held     ? tr("The application is held: tick \u201cRelease the hold\u201d to sync anyway")
                                   : QString());
    m_cancel->setVisible(busy);
    m_progress->setVisible(busy || m_progress->value() > 0);
}

} // namespace sluice
