#include "ApplicationPage.h"

#include "ActivityLogModel.h"
#include "ActivityTab.h"
#include "AsyncJob.h"
#include "ElidedLabel.h"
#include "HistoryTab.h"
#include "ResourcesTab.h"
#include "Icons.h"
#include "PendingCommitsTab.h"
#include "RefsModel.h"
#include "ReviewTab.h"
#include "RevisionPicker.h"
#include "git/Mirror.h"

#include <QDir>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QToolButton>
#include <QTabWidget>
#include <QVBoxLayout>

namespace sluice {

namespace {

// A local clone by its folder ("~/src/infra"), a remote by its URL.
QString repositoryName(const ApplicationConfig &app)
{
    if (app.repoPath.isEmpty())
        return app.repo;
    const QString home = QDir::homePath();
    return app.repoPath.startsWith(home + QLatin1Char('/')) ? QLatin1Char('~') + app.repoPath.mid(home.size()) : app.repoPath;
}

// " · Flux Kustomization at clusters/production/apps.yaml:1" for a discovered application.
QString originOf(const ApplicationConfig &app)
{
    return app.origin.isEmpty() ? QString() : QStringLiteral(" \u00b7 ") + app.origin;
}

} // namespace

ApplicationPage::ApplicationPage(ActivityLogModel *log, QWidget *parent)
    : QWidget(parent), m_log(log), m_refs(new RefsModel(this)), m_title(new QLabel(this)), m_details(new ElidedLabel(this)),
      m_error(new QLabel(this)), m_clusterStatus(new ElidedLabel(this)), m_holdBar(new QFrame(this)),
      m_hold(new QLabel(m_holdBar)), m_releaseHold(new QPushButton(tr("Release hold\u2026"), m_holdBar)),
      m_fetchButton(new QPushButton(icon(IconId::Fetch), tr("Fetch"), this)), m_syncButton(new QPushButton(tr("Sync\u2026"), this)),
      m_rollbackButton(new QPushButton(tr("Rollback\u2026"), this)), m_controllerButton(new QToolButton(this)),
      m_tabs(new QTabWidget(this)), m_pending(new PendingCommitsTab(m_refs, log, this)), m_activity(new ActivityTab(log, this)),
      m_loadJob(new AsyncSlot(this)), m_controllerJob(new AsyncSlot(this))
{
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.4);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_title->setAccessibleName(tr("Application"));
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->setAccessibleName(tr("Repository and tracked revision"));
    m_error->setWordWrap(true);
    m_error->setTextFormat(Qt::PlainText);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setAccessibleName(tr("Error"));
    m_error->setStyleSheet(QStringLiteral("QLabel { border: 1px solid #d9534f; border-radius: 3px; padding: 6px; }"));
    m_error->hide();
    m_fetchButton->setToolTip(tr("Fetch (a remote) or re-read (a local clone) the repository, then reload (Ctrl+R)"));
    m_clusterStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_clusterStatus->setAccessibleName(tr("Cluster status"));
    m_clusterStatus->hide();
    m_hold->setWordWrap(true);
    m_hold->setTextFormat(Qt::PlainText);
    m_hold->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_hold->setAccessibleName(tr("Rollback hold"));
    m_releaseHold->setToolTip(tr("Plan a sync of the tracked head that releases the hold (shown before anything changes)"));
    m_holdBar->setObjectName(QStringLiteral("holdBanner"));
    m_holdBar->setStyleSheet(QStringLiteral("#holdBanner { border: 1px solid #8e5cc9; border-radius: 3px; }"));
    auto *holdLayout = new QHBoxLayout(m_holdBar);
    holdLayout->setContentsMargins(6, 4, 6, 4);
    holdLayout->addWidget(m_hold, 1);
    holdLayout->addWidget(m_releaseHold, 0, Qt::AlignVCenter);
    m_holdBar->hide();

    auto *header = new QHBoxLayout;
    auto *titles = new QVBoxLayout;
    titles->addWidget(m_title);
    titles->addWidget(m_details);
    titles->addWidget(m_clusterStatus);
    header->addLayout(titles, 1);
    header->addWidget(m_syncButton, 0, Qt::AlignTop);
    header->addWidget(m_rollbackButton, 0, Qt::AlignTop);
    header->addWidget(m_controllerButton, 0, Qt::AlignTop);
    header->addWidget(m_fetchButton, 0, Qt::AlignTop);

    // Pending commits shows first; the other tabs are built when first shown.
    m_tabs->addTab(m_pending, icon(IconId::Commit), tr("&Pending commits"));
    m_review.add(m_tabs, [this, log] {
        auto *review = new ReviewTab(m_refs, log, this);
        connect(review, &ReviewTab::busyChanged, this, &ApplicationPage::updateBusy);
        return review;
    }, icon(IconId::Review), tr("&Review"));
    m_review.tell(kBuilt, [this](ReviewTab &) { emit reviewTabBuilt(); }); // the first call it hears
    m_resources.add(m_tabs, [this] { return new ResourcesTab(this); }, {}, tr("Re&sources"));
    m_history.add(m_tabs, [this] {
        auto *history = new HistoryTab(this);
        connect(history, &HistoryTab::rollbackRequested, this, [this](int id) { emit rollbackToRequested(m_application, id); });
        return history;
    }, {}, tr("&History"));
    m_tabs->addTab(m_activity, tr("&Activity"));
    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int index) {
        QWidget *shown = m_tabs->widget(index);
        m_review.buildIfShown(shown);
        m_resources.buildIfShown(shown);
        m_history.buildIfShown(shown);
    });
    m_tabs->setAccessibleName(tr("Application tabs"));

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addWidget(m_holdBar);
    layout->addWidget(m_error);
    layout->addWidget(m_tabs, 1);

    connect(m_fetchButton, &QPushButton::clicked, this, &ApplicationPage::fetch);
    m_syncButton->setToolTip(tr("Show the sync plan, then apply it (Ctrl+Shift+S)"));
    m_rollbackButton->setToolTip(tr("Roll the cluster back to the previous deployment, with a hold"));
    connect(m_syncButton, &QPushButton::clicked, this, [this] { emit syncRequested(m_application); });
    connect(m_rollbackButton, &QPushButton::clicked, this, [this] { emit rollbackRequested(m_application); });
    connect(m_releaseHold, &QPushButton::clicked, this, [this] { emit releaseHoldRequested(m_application); });

    // Through the Flux or Argo CD object that owns the application (shown only then).
    auto *controllerMenu = new QMenu(m_controllerButton);
    using Verb = sync::ControllerVerb;
    m_reconcile = controllerMenu->addAction(tr("Reconcile &Now"), this, [this] { runControllerAction(Verb::Reconcile, false); });
    m_reconcile->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    m_reconcileWithSource = controllerMenu->addAction(tr("Reconcile with &Source"), this, [this] { runControllerAction(Verb::Reconcile, true); });
    m_refresh = controllerMenu->addAction(tr("Re&fresh (Argo CD)"), this, [this] { runControllerAction(Verb::Refresh, false); });
    controllerMenu->addSeparator();
    m_suspend = controllerMenu->addAction(tr("Sus&pend"), this, [this] { runControllerAction(Verb::Suspend, false); });
    m_resume = controllerMenu->addAction(tr("Res&ume"), this, [this] { runControllerAction(Verb::Resume, false); });
    m_controllerButton->setMenu(controllerMenu);
    m_controllerButton->setPopupMode(QToolButton::MenuButtonPopup);
    m_controllerButton->setDefaultAction(m_reconcile);
    m_controllerButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_controllerButton->hide();
    showController(nullptr);
    connect(m_controllerJob, &AsyncSlot::runningChanged, this, &ApplicationPage::updateBusy);
    connect(m_loadJob, &AsyncSlot::runningChanged, this, &ApplicationPage::updateBusy);
    connect(m_pending, &PendingCommitsTab::busyChanged, this, &ApplicationPage::updateBusy);
}

ReviewTab *ApplicationPage::reviewTab()
{
    return m_review.get();
}

HistoryTab *ApplicationPage::historyTab()
{
    return m_history.get();
}

ResourcesTab *ApplicationPage::resourcesTab()
{
    return m_resources.get();
}

void ApplicationPage::setClusterStatus(const ApplicationStatusSummary &status, std::shared_ptr<const sync::ApplicationStatus> full)
{
    const QString why = status.state == ApplicationStatusSummary::State::Failed
                            ? tr("Cluster status unknown: %1").arg(status.error.section(QLatin1Char('\n'), 0, 0))
                            : QString();
    m_history.tell(kStatus, [full, why](HistoryTab &tab) { tab.setStatus(full, why); });
    m_resources.tell(kStatus, [full, why](ResourcesTab &tab) { tab.setStatus(full, why); });
    if (full || status.state == ApplicationStatusSummary::State::Failed)
        showController(full.get());
    // Pending means pending: once the deployed revision is known, the commits since it, and since
    // the next one after a sync or rollback (unless the user picked another base).
    if (full && !full->deployedRevision.isEmpty())
        m_knownDeployed = full->deployedRevision;
    const QString deployedBase = m_knownDeployed.left(12), since = m_pending->sincePicker()->spec();
    const bool sinceIsOurs = since.isEmpty() ? m_deployedBaseShown != m_application : since == m_deployedBaseSet;
    if (!deployedBase.isEmpty() && !m_newApplication && sinceIsOurs && since != deployedBase) {
        m_deployedBaseShown = m_application;
        m_deployedBaseSet = deployedBase;
        m_pending->sincePicker()->setSpec(deployedBase);
        m_pending->reload();
    }
    using State = ApplicationStatusSummary::State;
    QString text;
    switch (status.state) {
    case State::NotChecked:
        break;
    case State::Failed:
        text = tr("Cluster status unknown: %1").arg(status.error.section(QLatin1Char('\n'), 0, 0));
        break;
    case State::Checking:
        if (status.sync.isEmpty()) {
            text = tr("Checking the cluster\u2026");
            break;
        }
        [[fallthrough]]; // a re-check: the last known status stays up
    case State::Known: {
        text = tr("%1 \u00b7 %2").arg(status.sync, status.health);
        if (status.deployed.isEmpty())
            text += status.controller.isEmpty() ? tr(" \u00b7 never synced by Sluice") : QString();
        else if (status.pending == 0)
            text += tr(" \u00b7 deployed %1, up to date").arg(status.deployed.left(7));
        else if (status.pending > 0)
            text += tr(" \u00b7 deployed %1 \u00b7 %2 is %3 ahead")
                        .arg(status.deployed.left(7), m_session ? m_session->application(m_application).revision : QString(),
                             status.pending == 1 ? tr("1 commit") : tr("%1 commits").arg(status.pending));
        if (!status.controller.isEmpty())
            text += QStringLiteral(" \u00b7 ") + status.controller;
        if (status.state == State::Checking)
            text += tr(" \u00b7 checking\u2026");
        break;
    }
    }
    m_clusterStatus->setFullText(text);
    if (!status.error.isEmpty())
        m_clusterStatus->setToolTip(status.error);
    else if (full && full->controller)
        m_clusterStatus->setToolTip(tr("%1\nOwner found by %2").arg(full->controller->describe(), full->owner.evidence));
    m_clusterStatus->setVisible(!text.isEmpty());
    m_hold->setText(status.hold.isEmpty() ? QString()
                                          : tr("\u2016 %1 \u2014 syncing the tracked head waits until the hold is released").arg(status.hold));
    m_holdBar->setVisible(!status.hold.isEmpty());
}

QAction *ApplicationPage::controllerAction(sync::ControllerVerb verb, bool withSource) const
{
    switch (verb) {
    case sync::ControllerVerb::Reconcile: return withSource ? m_reconcileWithSource : m_reconcile;
    case sync::ControllerVerb::Refresh: return m_refresh;
    case sync::ControllerVerb::Suspend: return m_suspend;
    case sync::ControllerVerb::Resume: return m_resume;
    }
    return nullptr;
}

void ApplicationPage::showController(const sync::ApplicationStatus *status)
{
    const sync::Owner owner = status ? status->owner : sync::Owner();
    const bool controlled = owner.isController() && status->controller && status->controller->found;
    const bool flux = owner.type == sync::Owner::Type::Flux;
    const bool suspended = controlled && status->controller->suspended;
    const bool idle = !m_controllerJob->isRunning();
    m_controllerButton->setVisible(controlled);
    m_reconcile->setEnabled(controlled && idle && !(flux && suspended));
    m_reconcileWithSource->setEnabled(controlled && idle && flux && !suspended);
    m_refresh->setEnabled(controlled && idle && owner.type == sync::Owner::Type::ArgoCD);
    m_suspend->setEnabled(controlled && idle && !suspended);
    m_resume->setEnabled(controlled && idle && suspended);
    m_reconcile->setToolTip(controlled ? (flux ? tr("Ask %1 to reconcile now and wait until it has (Ctrl+Shift+E)")
                                               : tr("Refresh %1, then sync it through Argo CD (Ctrl+Shift+E)")).arg(owner.describe())
                                       : tr("No Flux or Argo CD object owns this application"));
    m_controllerButton->setToolTip(m_reconcile->toolTip());
}

void ApplicationPage::runControllerAction(sync::ControllerVerb verb, bool withSource)
{
    if (!m_session || m_application.isEmpty() || m_controllerJob->isRunning())
        return;
    const QString what = controllerAction(verb, withSource)->text().remove(QLatin1Char('&'));
    const int id = m_controllerLogId = m_log->begin(tr("%1 %2").arg(what, m_application));
    SessionPtr session = m_session;
    const QString application = m_application;
    sync::ControllerRequest request;
    request.verb = verb;
    request.withSource = withSource;
    m_controllerJob->run(
        [session, application, request](const JobContext &context) {
            const ApplicationConfig app = session->application(application);
            const sync::ReconcileContext reconcile{session->workspace, app, *session->cache, {}, context.token()};
            auto state = sync::controllerAction(reconcile, request);
            return state ? std::pair(true, state->describe()) : std::pair(false, state.error().toString());
        },
        [this, id, application](const std::pair<bool, QString> &result) {
            m_log->finish(id, result.first ? ActivityLogModel::State::Succeeded : ActivityLogModel::State::Failed, result.second);
            emit controllerActionFinished(application);
        });
    showController(nullptr); // disabled until the status comes back
    m_controllerButton->show();
}

bool ApplicationPage::isBusy() const
{
    return m_loadJob->isRunning() || m_controllerJob->isRunning() || m_pending->isBusy() || (m_review.built() && m_review.built()->isBusy());
}

void ApplicationPage::updateBusy()
{
    emit busyChanged(isBusy());
}

void ApplicationPage::cancelAll()
{
    if (m_loadJob->isRunning()) {
        m_loadJob->cancel();
        m_log->finish(m_logId, ActivityLogModel::State::Cancelled);
    }
    if (m_controllerJob->isRunning()) {
        m_controllerJob->cancel();
        m_log->finish(m_controllerLogId, ActivityLogModel::State::Cancelled);
    }
    m_pending->cancel();
    if (ReviewTab *review = m_review.built())
        review->cancel();
}

void ApplicationPage::setApplication(SessionPtr session, const QString &application)
{
    cancelAll();
    m_session = std::move(session);
    m_application = application;
    const ApplicationConfig app = m_session->application(application);
    m_title->setText(app.name);
    m_details->setFullText(tr("%1 · %2 · tracking %3").arg(repositoryName(app), app.path, app.revision) + originOf(app));
    m_fetchButton->setText(app.repoPath.isEmpty() ? tr("Fetch") : tr("Reload"));
    emit fetchLabelChanged(app.repoPath.isEmpty() ? tr("&Fetch") : tr("&Reload"));
    m_syncButton->setEnabled(!app.cluster.isEmpty());
    m_rollbackButton->setEnabled(!app.cluster.isEmpty());
    m_refs->setRefs({}, false);
    m_newApplication = true;
    m_deployedBaseShown.clear();
    m_deployedBaseSet.clear();
    m_knownDeployed.clear();
    m_pending->clear(tr("Loading %1\u2026").arg(application));
    showReviewMessage(tr("Loading %1\u2026").arg(application));
    m_history.tell(kApplication, [session = m_session, application](HistoryTab &tab) { tab.setApplication(session, application); });
    load(false);
}

void ApplicationPage::fetch()
{
    if (m_session)
        load(true);
}

void ApplicationPage::load(bool fetchFirst)
{
    cancelAll();
    m_error->hide();
    const ApplicationConfig app = m_session->application(m_application);
    const bool remote = app.repoPath.isEmpty();
    const QString what = fetchFirst && remote ? tr("Fetch %1").arg(app.repo) : tr("Open %1").arg(repositoryName(app));
    m_logId = m_log->begin(what);
    emit progress(0, 0, what);
    QPointer<ApplicationPage> self(this);
    m_loadJob->run(
        [app, fetchFirst, remote, self](const JobContext &job) -> Result<RepositorySnapshot> {
            git::FetchOptions options;
            options.cancel = job.token();
            // Progress arrives often: hand on at most one update per percent.
            auto lastPercent = std::make_shared<int>(-1);
            options.progress = [job, lastPercent, self](qint64 done, qint64 total, const QString &text) {
                const int percent = total > 0 ? int(done * 100 / total) : -1;
                if (percent == *lastPercent && total > 0)
                    return;
                *lastPercent = percent;
                job.post([self, done, total, text] {
                    if (self)
                        emit self->progress(done, total, text);
                });
            };
            if (fetchFirst && remote) {
                auto fetched = git::fetchMirror(app.repo, options);
                if (!fetched)
                    return fetched.error();
            }
            return snapshotRepository(app, options);
        },
        [this](Result<RepositorySnapshot> snapshot) {
            emit progress(1, 1, QString());
            if (!snapshot) {
                // One state for the page: failed. No tab keeps what another application showed.
                const QString text = tr("Could not open %1: %2").arg(m_application, snapshot.error().message);
                m_pending->clear(text);
                showReviewMessage(text);
                m_refs->setRefs({}, false);
                showError(snapshot.error().toString());
                m_log->finish(m_logId, ActivityLogModel::State::Failed, snapshot.error().toString());
                return;
            }
            m_log->finish(m_logId, ActivityLogModel::State::Succeeded);
            showSnapshot(*snapshot);
        });
}

void ApplicationPage::showSnapshot(const RepositorySnapshot &snapshot)
{
    const ApplicationConfig app = m_session->application(m_application);
    m_refs->setRefs(snapshot.refs, snapshot.localClone);
    const git::CommitInfo &head = snapshot.head;
    m_details->setFullText(tr("%1 · %2 · tracking %3 at %4 “%5” by %6")
                           .arg(repositoryName(app), app.path, app.revision, head.id.left(7), head.summary, head.author) +
                           originOf(app));
    // A new application starts from its deployed revision when its cluster status came first,
    // else from its whole history, and reviews its uncommitted work; a reload keeps what the
    // user chose.
    QString since = m_pending->sincePicker()->spec();
    if (m_newApplication) {
        since = m_knownDeployed.left(12);
        if (!since.isEmpty())
            m_deployedBaseShown = m_application;
        m_deployedBaseSet = since;
    }
    m_pending->setApplication(m_session, m_application, since);
    if (m_newApplication) {
        const QString head = snapshot.localClone ? git::kWorktree : app.revision;
        m_review.tell(kApplication, [session = m_session, application = m_application, base = app.revision, head](ReviewTab &tab) {
            tab.setApplication(session, application, base, head);
        });
    }
    m_newApplication = false;
}

void ApplicationPage::showReviewMessage(const QString &text)
{
    m_review.tell(kMessage, [text](ReviewTab &tab) { tab.clear(text); });
}

void ApplicationPage::showError(const QString &text)
{
    m_error->setText(text);
    m_error->show();
}

} // namespace sluice
