#include "ReviewTab.h"

#include "ActivityLogModel.h"
#include "AsyncJob.h"
#include "Icons.h"
#include "ObjectDiffPanel.h"
#include "RevisionPicker.h"
#include "review/Review.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>

namespace sluice {

ReviewTab::ReviewTab(RefsModel *refs, ActivityLogModel *log, QWidget *parent)
    : QWidget(parent), m_log(log), m_base(new RevisionPicker(refs, tr("Base revision"), this)),
      m_head(new RevisionPicker(refs, tr("Head revision"), this)), m_reviewButton(new QPushButton(icon(IconId::Review), tr("Review"), this)),
      m_panel(new ObjectDiffPanel(this)), m_job(new AsyncSlot(this))
{
    m_reviewButton->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    m_reviewButton->setToolTip(tr("Render both revisions and compare them object by object (Ctrl+Return)"));
    auto *swap = new QToolButton(this);
    swap->setText(QStringLiteral("⇄"));
    swap->setToolTip(tr("Swap base and head"));
    swap->setAccessibleName(tr("Swap base and head"));

    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Base:"), this));
    bar->addWidget(m_base, 1);
    bar->addWidget(swap);
    bar->addWidget(new QLabel(tr("Head:"), this));
    bar->addWidget(m_head, 1);
    bar->addWidget(m_reviewButton);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_panel, 1);

    connect(m_reviewButton, &QPushButton::clicked, this, &ReviewTab::review);
    connect(swap, &QToolButton::clicked, this, [this] {
        const QString base = m_base->spec();
        m_base->setSpec(m_head->spec());
        m_head->setSpec(base);
    });
    connect(m_job, &AsyncSlot::runningChanged, this, [this](bool running) { emit busyChanged(running); });
    m_panel->showMessage(tr("Choose a base and a head, then Review."));
}

bool ReviewTab::isBusy() const
{
    return m_job->isRunning();
}

void ReviewTab::cancel()
{
    if (m_job->isRunning()) {
        m_job->cancel();
        m_log->finish(m_logId, ActivityLogModel::State::Cancelled);
        m_panel->showMessage(tr("Review cancelled."));
    }
}

void ReviewTab::setApplication(SessionPtr session, const QString &application, const QString &base, const QString &head)
{
    cancel();
    m_session = std::move(session);
    m_application = application;
    m_base->setSpec(base);
    m_head->setSpec(head);
    m_panel->showMessage(tr("Choose a base and a head, then Review."));
}

void ReviewTab::review()
{
    if (!m_session)
        return;
    cancel();
    const ApplicationConfig app = m_session->application(m_application);
    const std::shared_ptr<RenderCache> cache = m_session->cache;
    const QString base = m_base->spec();
    const QString head = m_head->spec();
    m_panel->showMessage(tr("Rendering %1 and %2…").arg(base, head));
    m_logId = m_log->begin(tr("Review of %1: %2 → %3").arg(app.name, base, head));
    m_job->run(
        [app, cache, base, head](const JobContext &job) -> Result<ReviewResult> {
            auto repo = openApplicationRepository(app);
            if (!repo)
                return repo.error();
            SourceRenderer renderer(*cache);
            return reviewRevisions(*repo, renderer, app, base, head, job.token());
        },
        [this](Result<ReviewResult> result) {
            if (!result) {
                m_panel->showMessage(result.error().toString());
                m_log->finish(m_logId, ActivityLogModel::State::Failed, result.error().toString());
                return;
            }
            m_panel->setDiff(result->diff, result->base.displayName(), result->head.displayName());
            m_log->finish(m_logId, ActivityLogModel::State::Succeeded);
        });
}

void ReviewTab::clear(const QString &message)
{
    cancel();
    m_panel->showMessage(message);
}

} // namespace sluice
