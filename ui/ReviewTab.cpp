#include "ReviewTab.h"

#include "ActivityLogModel.h"
#include "AsyncJob.h"
#include "Icons.h"
#include "LiveDiff.h"
#include "ObjectDiffPanel.h"
#include "RevisionPicker.h"
#include "review/Review.h"
#include "review/SourceRenderer.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QSignalBlocker>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>

namespace sluice {

namespace {

// Renders both revisions and diffs them; with another application on the base side, compares
// the two environments.
Result<NamedDiff> reviewGit(const ApplicationConfig &baseApp, const ApplicationConfig &app, RenderCache &cache, const QString &base,
                            const QString &head, const CancelToken &cancel)
{
    auto repo = openApplicationRepository(app);
    if (!repo)
        return repo.error();
    SourceRenderer renderer(cache);
    auto result = baseApp.name == app.name ? reviewRevisions(*repo, renderer, app, base, head, cancel, DiffTexts::OnDemand)
                                           : compareApplications(*repo, renderer, baseApp, base, app, head, cancel, DiffTexts::OnDemand);
    if (!result)
        return result.error();
    return NamedDiff{std::move(result->diff), result->base.displayName(), result->head.displayName()};
}

} // namespace

ReviewTab::ReviewTab(RefsModel *refs, ActivityLogModel *log, QWidget *parent)
    : QWidget(parent), m_log(log), m_baseApp(new QComboBox(this)), m_base(new RevisionPicker(refs, tr("Base revision"), this)),
      m_head(new RevisionPicker(refs, tr("Head revision"), this)), m_reviewButton(new QPushButton(icon(IconId::Review), tr("Review"), this)),
      m_compareBar(new QWidget(this)), m_compare(new QButtonGroup(this)), m_stale(new QLabel(this)), m_fieldError(new QLabel(this)), m_panel(new ObjectDiffPanel(this)),
      m_job(new AsyncSlot(this))
{
    m_reviewButton->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    m_reviewButton->setToolTip(tr("Render both revisions and compare them object by object (Ctrl+Return)"));
    auto *swap = new QToolButton(this);
    swap->setText(QStringLiteral("⇄"));
    swap->setToolTip(tr("Swap base and head"));
    swap->setAccessibleName(tr("Swap base and head"));

    m_baseApp->setAccessibleName(tr("Base application"));
    m_baseApp->setToolTip(tr("Compare environments: another application of this repository on the base side"));
    m_baseApp->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Base:"), this));
    bar->addWidget(m_baseApp);
    bar->addWidget(m_base, 1);
    bar->addWidget(swap);
    bar->addWidget(new QLabel(tr("Head:"), this));
    bar->addWidget(m_head, 1);
    bar->addWidget(m_reviewButton);

    // Base, head and live: which two sides to compare.
    auto *compareLayout = new QHBoxLayout(m_compareBar);
    compareLayout->setContentsMargins(0, 0, 0, 0);
    compareLayout->addWidget(new QLabel(tr("Compare:"), m_compareBar));
    const struct { Compare sides; QString text; QString tip; } choices[] = {
        {Compare::BaseToHead, tr("Base \u2192 Head"), tr("What merging head changes in Git (Alt+1)")},
        {Compare::LiveToHead, tr("Live \u2192 Head"), tr("What syncing head would change on the cluster (Alt+2)")},
        {Compare::LiveToBase, tr("Live \u2192 Base"), tr("What syncing base would change on the cluster (Alt+3)")},
    };
    int shortcut = Qt::Key_1;
    for (const auto &choice : choices) {
        auto *button = new QToolButton(m_compareBar);
        button->setText(choice.text);
        button->setToolTip(choice.tip);
        button->setCheckable(true);
        button->setShortcut(QKeySequence(Qt::ALT | Qt::Key(shortcut++)));
        m_compare->addButton(button, int(choice.sides));
        compareLayout->addWidget(button);
    }
    m_compare->button(int(Compare::BaseToHead))->setChecked(true);
    compareLayout->addStretch(1);
    m_compareBar->hide();

    m_stale->setText(tr("Base, head or sides changed since this diff was made \u2014 Review (Ctrl+Return) to update it."));
    m_stale->setAccessibleName(tr("Stale review"));
    m_stale->setStyleSheet(QStringLiteral("QLabel { border: 1px solid #c9a227; border-radius: 3px; padding: 4px; }"));
    m_stale->hide();

    m_fieldError->setTextFormat(Qt::PlainText);
    m_fieldError->setWordWrap(true);
    m_fieldError->setAccessibleName(tr("Revision error"));
    m_fieldError->setStyleSheet(QStringLiteral("QLabel { color: #d9534f; }"));
    m_fieldError->hide();

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_fieldError);
    layout->addWidget(m_compareBar);
    layout->addWidget(m_stale);
    layout->addWidget(m_panel, 1);

    connect(m_reviewButton, &QPushButton::clicked, this, &ReviewTab::review);
    connect(swap, &QToolButton::clicked, this, [this] {
        const QString base = m_base->spec();
        m_base->setSpec(m_head->spec());
        m_head->setSpec(base);
    });
    connect(m_compare, &QButtonGroup::idClicked, this, [this](int id) { compare(Compare(id)); });
    connect(m_baseApp, &QComboBox::currentIndexChanged, this, &ReviewTab::updateStale);
    for (RevisionPicker *picker : {m_base, m_head}) {
        connect(picker, &QComboBox::currentTextChanged, this, &ReviewTab::updateStale);
        connect(picker, &QComboBox::currentTextChanged, m_fieldError, [this] {
            if (m_base->error().isEmpty() && m_head->error().isEmpty())
                m_fieldError->hide();
        });
    }
    connect(m_job, &AsyncSlot::runningChanged, this, [this](bool running) { emit busyChanged(running); });
    showMessage(tr("Choose a base and a head, then Review."));
}

bool ReviewTab::isBusy() const
{
    return m_job->isRunning();
}

ReviewTab::Shown ReviewTab::current() const
{
    return Shown{m_base->spec(), m_head->spec(), m_sides, m_baseApp->currentIndex() > 0 ? m_baseApp->currentText() : QString()};
}

void ReviewTab::updateStale()
{
    m_stale->setVisible(m_shown && *m_shown != current());
}

void ReviewTab::showMessage(const QString &message)
{
    m_shown.reset();
    updateStale();
    m_panel->showMessage(message);
}

void ReviewTab::cancel()
{
    if (m_job->isRunning()) {
        m_job->cancel();
        m_log->finish(m_logId, ActivityLogModel::State::Cancelled);
        showMessage(tr("Review cancelled."));
    }
}

void ReviewTab::setCluster(SessionPtr session, const QString &cluster, const QString &base, const QString &head)
{
    cancel();
    m_session = std::move(session);
    m_application.clear();
    m_cluster = cluster;
    m_base->setSpec(base);
    m_head->setSpec(head);
    m_compareBar->hide();
    m_baseApp->hide();
    m_sides = Compare::BaseToHead;
    showMessage(tr("Choose a base and a head, then Review: every application of %1 together.").arg(cluster));
}

void ReviewTab::setApplication(SessionPtr session, const QString &application, const QString &base, const QString &head)
{
    cancel();
    m_session = std::move(session);
    m_application = application;
    m_cluster.clear();
    m_base->setSpec(base);
    m_head->setSpec(head);
    m_compareBar->setVisible(!m_session->application(application).cluster.isEmpty());
    // The applications of the same repository can stand on the base side (compare environments).
    const QSignalBlocker blocker(m_baseApp);
    m_baseApp->clear();
    m_baseApp->addItem(tr("this application"));
    const QString repo = m_session->application(application).repo;
    for (const ApplicationConfig &other : m_session->workspace.applications) {
        if (other.name != application && other.repo == repo)
            m_baseApp->addItem(other.name);
    }
    m_baseApp->setVisible(m_baseApp->count() > 1);
    m_sides = Compare::BaseToHead;
    m_compare->button(int(m_sides))->setChecked(true);
    showMessage(tr("Choose a base and a head, then Review."));
}

void ReviewTab::compare(Compare sides)
{
    if (m_compareBar->isHidden())
        sides = Compare::BaseToHead;
    m_sides = sides;
    m_compare->button(int(sides))->setChecked(true);
    review();
}

void ReviewTab::review()
{
    if (!m_session)
        return;
    cancel();
    const Shown shown = current();
    // What this tab shows, whatever it compares: a success takes back this tab's last failure.
    const QString work = QStringLiteral("review in tab %1").arg(quintptr(this), 0, 16);
    if (!m_cluster.isEmpty()) {
        // A whole cluster: every application deployed there, together.
        QList<ApplicationConfig> apps;
        for (const ApplicationConfig &a : m_session->workspace.applications) {
            if (a.cluster == m_cluster || a.clusterLabel == m_cluster)
                apps.append(m_session->application(a.name));
        }
        if (apps.isEmpty())
            return;
        showMessage(tr("Rendering the %1 applications of %2 at %3 and %4\u2026").arg(apps.size()).arg(m_cluster, shown.base, shown.head));
        m_logId = m_log->begin(tr("Review of cluster %1: %2 \u2192 %3").arg(m_cluster, shown.base, shown.head), work);
        m_job->run(
            [apps, cache = m_session->cache, shown](const JobContext &job) -> Result<NamedDiff> {
                auto repo = openApplicationRepository(apps.first());
                if (!repo)
                    return repo.error();
                SourceRenderer renderer(*cache);
                auto result = reviewApplications(*repo, renderer, apps, shown.base, shown.head, job.token(), DiffTexts::OnDemand);
                if (!result)
                    return result.error();
                return NamedDiff{std::move(result->diff), result->base.displayName(), result->head.displayName()};
            },
            [this, shown](Result<NamedDiff> result) { finishReview(shown, std::move(result)); });
        return;
    }
    const ApplicationConfig app = m_session->application(m_application);
    const bool live = shown.sides != Compare::BaseToHead;
    const QString revision = shown.sides == Compare::LiveToBase ? shown.base : shown.head;
    const ApplicationConfig baseApp = m_session->application(shown.baseApp.isEmpty() ? m_application : shown.baseApp);
    if (!live && !shown.baseApp.isEmpty()) {
        showMessage(tr("Rendering %1 at %2 and %3 at %4\u2026").arg(baseApp.name, shown.base, app.name, shown.head));
        m_logId = m_log->begin(tr("Compare %1 at %2 \u2192 %3 at %4").arg(baseApp.name, shown.base, app.name, shown.head), work);
    } else if (live) {
        showMessage(tr("Rendering %1 and comparing it with %2\u2026").arg(revision, app.cluster));
        m_logId = m_log->begin(tr("Review of %1: live on %2 \u2192 %3").arg(app.name, app.cluster, revision), work);
    } else {
        showMessage(tr("Rendering %1 and %2\u2026").arg(shown.base, shown.head));
        m_logId = m_log->begin(tr("Review of %1: %2 \u2192 %3").arg(app.name, shown.base, shown.head), work);
    }
    m_job->run(
        [session = m_session, app, baseApp, shown, live, revision](const JobContext &job) -> Result<NamedDiff> {
            if (live)
                return liveDiff(*session, app, revision, revision, job.token());
            return reviewGit(baseApp, app, *session->cache, shown.base, shown.head, job.token());
        },
        [this, shown](Result<NamedDiff> result) { finishReview(shown, std::move(result)); });
}

void ReviewTab::finishReview(const Shown &shown, Result<NamedDiff> result)
{
    if (!result) {
        // A revision that does not resolve is said under its field, outlined.
        const QString message = result.error().message;
        const bool base = m_base->markIfNamed(message);
        const bool head = m_head->markIfNamed(message);
        m_fieldError->setText(base ? tr("Base: %1").arg(message) : tr("Head: %1").arg(message));
        m_fieldError->setVisible(base || head);
        showMessage(base || head ? tr("%1: fix the revision above, then Review.").arg(message) : result.error().toString());
        m_log->finish(m_logId, ActivityLogModel::State::Failed, result.error().toString());
        return;
    }
    m_panel->setDiff(result->diff, result->before, result->after);
    m_shown = shown;
    updateStale();
    m_log->finish(m_logId, ActivityLogModel::State::Succeeded);
}

void ReviewTab::clear(const QString &message)
{
    cancel();
    showMessage(message);
}

} // namespace sluice
