#include "MainWindow.h"

#include "ActivityLogModel.h"
#include "ActivityTab.h"
#include "AsyncJob.h"
#include "ApplicationListModel.h"
#include "ApplicationPage.h"
#include "ClusterPage.h"
#include "ClusterStatusMonitor.h"
#include "Delegates.h"
#include "ResourcesTab.h"
#include "SyncDialog.h"
#include "Theme.h"
#include "Icons.h"
#include "ObjectDiffPanel.h"
#include "PendingCommitsTab.h"
#include "ReviewTab.h"
#include "SettingsDialog.h"
#include "YamlHighlighter.h"
#include "core/Paths.h"
#include "git/Mirror.h"
#include "kube/Kubeconfig.h"

#include <QAction>
#include <QScreen>
#include <QDesktopServices>
#include <QPushButton>
#include <QUrl>
#include <QApplication>
#include <QCloseEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTimer>
#include <QToolButton>
#include <QTreeView>

namespace sluice {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent), m_log(new ActivityLogModel(this)), m_applications(new ApplicationListModel(this)),
      m_sidebar(new QTreeView(this)), m_stack(new QStackedWidget(this)), m_welcome(new QLabel(this)),
      m_page(new ApplicationPage(m_log, this)), m_monitor(new ClusterStatusMonitor(m_applications, m_log, this)),
      m_progress(new QProgressBar(this)), m_status(new QLabel(this)),
      m_cancel(new QToolButton(this)), m_openJob(new AsyncSlot(this))
{
    QSettings store;
    m_settings = AppSettings::load(store);
    if (m_settings.theme != Theme::System) // System: the palette the application started with
        applyTheme(m_settings.theme);
    setWindowTitle(tr("Sluice"));
    setWindowIcon(icon(IconId::Application));

    m_sidebar->setModel(m_applications);
    m_sidebar->setItemDelegate(new ApplicationDelegate(m_sidebar));
    m_sidebar->setHeaderHidden(true);
    m_sidebar->setAccessibleName(tr("Applications"));
    m_sidebar->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_sidebar, &QTreeView::customContextMenuRequested, this, &MainWindow::showSidebarMenu);
    m_sidebar->setMinimumWidth(180);
    m_welcome->setAlignment(Qt::AlignCenter);
    m_welcome->setWordWrap(true);
    m_welcome->setTextFormat(Qt::PlainText);
    m_welcome->setMargin(12);
    m_welcome->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_welcome->setAccessibleName(tr("Welcome"));
    m_welcome->setText(tr("Open a workspace (File → Open Workspace…, Ctrl+O) or a Flux or Argo CD repository "
                          "(File → Open Repository…, Ctrl+Shift+O) to see its applications."));
    m_stack->addWidget(m_welcome);
    m_stack->addWidget(m_page);

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_sidebar);
    splitter->addWidget(m_stack);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({220, 1060});
    setCentralWidget(splitter);

    m_progress->setMaximumWidth(200);
    m_progress->setTextVisible(false);
    m_progress->setAccessibleName(tr("Progress"));
    m_progress->hide();
    m_status->setAccessibleName(tr("Status"));
    m_cancel->setIcon(icon(IconId::Cancel));
    m_cancel->setText(tr("Cancel"));
    m_cancel->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_cancel->setAutoRaise(true);
    m_cancel->setToolTip(tr("Cancel the running work (Esc)"));
    m_cancel->setAccessibleName(tr("Cancel"));
    m_cancel->hide();
    statusBar()->addWidget(m_status, 1);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancel);

    createMenus();
    connect(m_sidebar->selectionModel(), &QItemSelectionModel::currentChanged, this, &MainWindow::showApplication);
    connect(m_page, &ApplicationPage::busyChanged, this, &MainWindow::setBusy);
    connect(m_page, &ApplicationPage::progress, this, &MainWindow::showProgress);
    connect(m_cancel, &QToolButton::clicked, this, [this] {
        m_page->cancelAll();
        if (m_openJob->isRunning()) {
            m_openJob->cancel();
            setBusy(false);
        }
    });
    connect(m_monitor, &ClusterStatusMonitor::message, m_status, &QLabel::setText);
    connect(m_page, &ApplicationPage::syncRequested, this, [this](const QString &app) { openSyncDialog(app, false); });
    connect(m_page, &ApplicationPage::releaseHoldRequested, this, [this](const QString &app) {
        if (SyncDialog *dialog = openSyncDialog(app, false))
            dialog->setReleaseHold(true);
    });
    connect(m_page, &ApplicationPage::rollbackRequested, this, [this](const QString &app) { openSyncDialog(app, true); });
    connect(m_page, &ApplicationPage::controllerActionFinished, m_monitor, qOverload<const QString &>(&ClusterStatusMonitor::refresh));
    connect(m_page, &ApplicationPage::rollbackToRequested, this, [this](const QString &app, int id) { openSyncDialog(app, true, id); });
    connect(m_monitor, &ClusterStatusMonitor::statusChanged, this, [this](const QString &application) {
        if (application == m_page->application())
            m_page->setClusterStatus(m_applications->status(application), m_monitor->status(application));
    });
    connect(m_log, &ActivityLogModel::failed, this, [this](const QString &what, const QString &, const QString &work) {
        m_status->setText(tr("Failed: %1 (details in Activity)").arg(what));
        m_failureShown = {m_status->text(), work};
    });
    connect(m_log, &ActivityLogModel::succeeded, this, [this](const QString &, const QString &work) {
        // The same work done again (a review of other revisions too): its failure is no news any more.
        if (work == m_failureShown.second && m_status->text() == m_failureShown.first)
            m_status->clear();
    });
    const auto followDiffMode = [this](ObjectDiffPanel *panel) {
        panel->setMode(m_settings.diffMode);
        connect(panel, &ObjectDiffPanel::modeChanged, this, [this](DiffView::Mode mode) { applyDiffMode(int(mode)); });
    };
    followDiffMode(m_page->pendingTab()->diffPanel());
    connect(m_page, &ApplicationPage::reviewTabBuilt, this, [this, followDiffMode] { followDiffMode(m_page->reviewTab()->diffPanel()); });

    if (!restoreGeometry(m_settings.geometry))
        resize(1280, 800);
    // A geometry saved on a larger screen (or at another scale) must still fit this one.
    if (QScreen *screen = this->screen()) {
        const QRect available = screen->availableGeometry();
        if (width() > available.width() || height() > available.height()) {
            resize(qMin(width(), available.width()), qMin(height(), available.height()));
            move(available.topLeft());
        }
    }
    restoreState(m_settings.windowState);
}

ClusterPage *MainWindow::clusterPage()
{
    if (!m_clusterPage) {
        m_clusterPage = new ClusterPage(m_log, this);
        m_stack->addWidget(m_clusterPage);
    }
    return m_clusterPage;
}

MainWindow::~MainWindow()
{
    m_page->cancelAll();
    releaseJobs(false); // closed before its first paint: what waited was cancelled
}

bool MainWindow::event(QEvent *event)
{
    if (event->type() == QEvent::Paint && !m_painted) {
        m_painted = true;
        // Once this paint is done, unless the window was closed meanwhile (quitting at once:
        // ~MainWindow drops what waited, and no job starts only to be cancelled).
        QTimer::singleShot(0, this, [this] {
            if (isVisible())
                releaseJobs();
        });
    }
    return QMainWindow::event(event);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *open = file->addAction(icon(IconId::Open), tr("&Open Workspace…"), this, &MainWindow::openWorkspaceDialog);
    open->setShortcut(QKeySequence::Open);
    QAction *openRepo = file->addAction(tr("Open Re&pository\u2026"), this, &MainWindow::openRepositoryDialog);
    openRepo->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    openRepo->setToolTip(tr("Open a Flux or Argo CD repository as it is: no sluice.yaml needed"));
    m_saveAsWorkspace = file->addAction(tr("&Save as Workspace\u2026"), this, [this] {
        const QString start = m_session && !git::isRemoteUrl(m_session->repository) ? m_session->repository + QStringLiteral("/sluice.yaml") : QString();
        const QString path = QFileDialog::getSaveFileName(this, tr("Save as Workspace"), start, tr("Sluice workspaces (*.yaml)"));
        if (!path.isEmpty())
            saveAsWorkspace(path);
    });
    m_saveAsWorkspace->setToolTip(tr("Write the repository's discovered applications as a sluice.yaml to edit further"));
    m_saveAsWorkspace->setEnabled(false);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    rebuildRecentMenu();
    file->addSeparator();
    QAction *settings = file->addAction(icon(IconId::Settings), tr("&Settings…"), this, &MainWindow::openSettings);
    settings->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    m_sideBySide = view->addAction(tr("&Side-by-Side Diff"));
    m_sideBySide->setCheckable(true);
    m_sideBySide->setChecked(m_settings.diffMode == DiffView::Mode::SideBySide);
    m_sideBySide->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
    connect(m_sideBySide, &QAction::triggered, this, [this](bool on) {
        applyDiffMode(int(on ? DiffView::Mode::SideBySide : DiffView::Mode::Unified));
    });

    // F7 / Shift+F7 from anywhere on the page, across objects, in the tab that shows a diff.
    QAction *nextChange = view->addAction(icon(IconId::Next), tr("&Next Change"), this, [this] { navigateChanges(+1); });
    nextChange->setShortcut(QKeySequence(Qt::Key_F7));
    QAction *previousChange = view->addAction(icon(IconId::Previous), tr("&Previous Change"), this, [this] { navigateChanges(-1); });
    previousChange->setShortcut(QKeySequence(Qt::SHIFT | Qt::Key_F7));

    QMenu *application = menuBar()->addMenu(tr("&Application"));
    QAction *fetch = application->addAction(icon(IconId::Fetch), tr("&Fetch"), m_page, &ApplicationPage::fetch);
    // One name for one action: "Reload" for a local clone (Sluice never fetches into it), "Fetch" for a URL.
    connect(m_page, &ApplicationPage::fetchLabelChanged, fetch, [fetch](const QString &label) { fetch->setText(label); });
    fetch->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    QAction *refresh = application->addAction(tr("Refresh Cluster &Status"), this, [this] {
        m_monitor->refresh();
        if (!m_page->application().isEmpty())
            m_page->setClusterStatus(m_applications->status(m_page->application()), m_monitor->status(m_page->application()));
    });
    refresh->setShortcut(QKeySequence(Qt::Key_F5));
    QAction *sync = application->addAction(tr("&Sync\u2026"), this, [this] { openSyncDialog(m_page->application(), false); });
    sync->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    application->addAction(tr("Roll &Back\u2026"), this, [this] { openSyncDialog(m_page->application(), true); });
    QMenu *controller = application->addMenu(tr("Through Flux / Argo &CD"));
    controller->addAction(m_page->controllerAction(sync::ControllerVerb::Reconcile));
    controller->addAction(m_page->controllerAction(sync::ControllerVerb::Reconcile, true));
    controller->addAction(m_page->controllerAction(sync::ControllerVerb::Refresh));
    controller->addAction(m_page->controllerAction(sync::ControllerVerb::Suspend));
    controller->addAction(m_page->controllerAction(sync::ControllerVerb::Resume));
    QAction *cancel = application->addAction(icon(IconId::Cancel), tr("&Cancel Running Work"), m_page, &ApplicationPage::cancelAll);
    cancel->setShortcut(QKeySequence(Qt::Key_Escape));
    application->addSeparator();
    QAction *focusSidebar = application->addAction(tr("Focus &Applications"), m_sidebar, qOverload<>(&QWidget::setFocus));
    focusSidebar->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_1));
    const QList<QPair<QString, int>> tabs = {{tr("&Pending Commits"), 0}, {tr("&Review"), 1}, {tr("Re&sources"), 2},
                                             {tr("&History"), 3}, {tr("A&ctivity"), 4}};
    for (const auto &[label, index] : tabs) {
        // index = index: clang 14 (the sanitizer build) cannot capture a structured binding by name.
        QAction *show = application->addAction(label, this, [this, index = index] { m_page->tabs()->setCurrentIndex(index); });
        show->setShortcut(QKeySequence(Qt::CTRL | (Qt::Key_2 + index)));
    }
    QAction *review = application->addAction(icon(IconId::Review), tr("Run Re&view"), this, [this] {
        m_page->tabs()->setCurrentWidget(m_page->reviewTab());
        m_page->reviewTab()->review();
    });
    review->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Sluice"), this, [this] {
        QMessageBox::about(this, tr("About Sluice"),
                           tr("Sluice %1\nA GitOps control panel.\nYAML highlighting: %2")
                               .arg(QApplication::applicationVersion(), highlighterName()));
    });
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    for (const QString &path : m_settings.recentWorkspaces)
        m_recentMenu->addAction(path, this, [this, path] { openWorkspace(path); });
    m_recentMenu->setEnabled(!m_settings.recentWorkspaces.isEmpty());
}

void MainWindow::openWorkspaceDialog()
{
    const QString start = m_session ? m_session->workspace.dir : QString();
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Workspace"), start,
                                                      tr("Sluice workspaces (sluice.yaml *.yaml *.yml)"));
    if (!path.isEmpty())
        openWorkspace(path);
}

void MainWindow::openRepositoryDialog()
{
    const QString start = m_session ? m_session->workspace.dir : QString();
    const QString path = QFileDialog::getExistingDirectory(this, tr("Open a Flux or Argo CD Repository (a clone)"), start);
    if (!path.isEmpty())
        openRepository(path);
}

void MainWindow::showWelcome(const QString &text)
{
    m_welcome->setText(text);
    // A list (the skipped sources) reads from the left; a sentence sits in the middle.
    m_welcome->setAlignment(text.contains(QChar(0x2022)) ? Qt::AlignLeft | Qt::AlignTop : Qt::AlignCenter);
    m_stack->setCurrentWidget(m_welcome);
}

void MainWindow::showOpenError(const QString &what, const Error &error, const QString &file)
{
    if (!m_session) {
        showWelcome(tr("Could not open %1.\n\n%2").arg(what, error.toString()));
        return;
    }
    // Another workspace stays open: say it next to the cause, with file:line and a way there.
    auto *box = new QMessageBox(QMessageBox::Warning, tr("Could not open %1").arg(what),
                                tr("%1 could not be opened; %2 stays open.").arg(what, m_session->workspace.file), QMessageBox::Close, this);
    box->setInformativeText(error.toString());
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setObjectName(QStringLiteral("workspaceError"));
    if (!file.isEmpty()) {
        QPushButton *openFile = box->addButton(tr("Open File"), QMessageBox::ActionRole);
        connect(openFile, &QPushButton::clicked, this, [file] { QDesktopServices::openUrl(QUrl::fromLocalFile(file)); });
    }
    box->open();
}

bool MainWindow::openWorkspace(const QString &path)
{
    auto workspace = loadWorkspace(path);
    if (!workspace) {
        const int id = m_log->begin(tr("Open workspace %1").arg(path));
        m_log->finish(id, ActivityLogModel::State::Failed, workspace.error().toString(), true);
        showOpenError(path, workspace.error(), path);
        return false;
    }
    auto session = std::make_shared<Session>();
    session->workspace = std::move(*workspace);
    m_settings.noteWorkspace(session->workspace.file);
    rebuildRecentMenu();
    showSession(session, session->workspace.file);
    return true;
}

void MainWindow::openRepository(const QString &pathOrUrl)
{
    const int id = m_log->begin(tr("Open repository %1").arg(pathOrUrl));
    showProgress(0, 0, tr("Reading %1 as Flux and Argo CD would\u2026").arg(pathOrUrl));
    setBusy(true);
    m_openJob->run([pathOrUrl](const JobContext &job) {
        git::FetchOptions fetch;
        fetch.cancel = job.token();
        return fleet::openFleet(pathOrUrl, QStringLiteral("HEAD"), fetch);
    },
                   [this, pathOrUrl, id](const Result<fleet::Fleet> &fleet) {
                       setBusy(false);
                       if (!fleet) {
                           m_log->finish(id, ActivityLogModel::State::Failed, fleet.error().toString(), true);
                           showOpenError(pathOrUrl, fleet.error());
                           return;
                       }
                       m_log->finish(id, ActivityLogModel::State::Succeeded);
                       auto session = std::make_shared<Session>();
                       session->workspace = fleet->workspace(m_settings.clusterContexts.value(pathOrUrl));
                       session->repository = pathOrUrl;
                       session->skipped = fleet->skipped;
                       showSession(session, pathOrUrl);
                       m_status->setText(tr("%1: %2 application(s) discovered, %3 source(s) skipped (see the repository's page)")
                                             .arg(pathOrUrl).arg(fleet->apps.size()).arg(fleet->skipped.size()));
                   });
}

void MainWindow::setClusterContext(const QString &cluster, const QString &context)
{
    if (!m_session || m_session->repository.isEmpty())
        return;
    const QString repository = m_session->repository;
    if (context.isEmpty())
        m_settings.clusterContexts[repository].remove(cluster);
    else
        m_settings.clusterContexts[repository].insert(cluster, context);
    QSettings store;
    m_settings.save(store);
    openRepository(repository);
}

void MainWindow::showSidebarMenu(const QPoint &position)
{
    const QModelIndex index = m_sidebar->indexAt(position);
    if (!m_session || m_session->repository.isEmpty() || !index.data(ApplicationListModel::IsClusterRole).toBool())
        return;
    const QString cluster = index.data().toString();
    QMenu menu(this);
    menu.addAction(tr("Choose Kubeconfig Context for %1\u2026").arg(cluster), this, [this, cluster] {
        auto config = kube::loadKubeconfig(kube::kubeconfigFiles());
        QStringList contexts{tr("(none: offline)")};
        if (config)
            contexts += config->contexts.keys();
        const QString current = m_settings.clusterContexts.value(m_session->repository).value(cluster);
        bool ok = false;
        const QString chosen = QInputDialog::getItem(this, tr("Kubeconfig context"),
                                                     tr("The context cluster %1 of %2 is on (syncs and status go there):")
                                                         .arg(cluster, m_session->repository),
                                                     contexts, std::max<qsizetype>(0, contexts.indexOf(current)), false, &ok);
        if (ok)
            setClusterContext(cluster, chosen == contexts.first() ? QString() : chosen);
    });
    menu.exec(m_sidebar->viewport()->mapToGlobal(position));
}

bool MainWindow::saveAsWorkspace(const QString &path)
{
    if (!m_session || m_session->repository.isEmpty())
        return false;
    QFile file(path);
    const Error error = QFileInfo::exists(path) ? makeError(ErrorCategory::Io, tr("%1 exists; choose another name").arg(path))
                        : !file.open(QIODevice::NewOnly | QIODevice::WriteOnly) ? makeError(ErrorCategory::Io, tr("cannot write %1: %2").arg(path, file.errorString()))
                        : file.write(workspaceYaml(m_session->workspace, QFileInfo(path).absolutePath())) < 0
                            ? makeError(ErrorCategory::Io, tr("cannot write %1: %2").arg(path, file.errorString()))
                            : Error{};
    if (!error.message.isEmpty()) {
        QMessageBox::warning(this, tr("Could not save the workspace"), error.message);
        return false;
    }
    file.close();
    return openWorkspace(QFileInfo(path).absoluteFilePath());
}

void MainWindow::showSession(std::shared_ptr<Session> session, const QString &title)
{
    if (m_saveAsWorkspace)
        m_saveAsWorkspace->setEnabled(!session->repository.isEmpty());
    m_page->cancelAll();
    session->tools = m_settings.tools;
    session->cache = std::make_shared<RenderCache>(cacheDir() + QLatin1String("/render"));
    m_session = session;
    setWindowTitle(tr("%1 \u2014 Sluice").arg(title));
    m_applications->setWorkspace(session->workspace);
    m_monitor->setSession(session);
    m_sidebar->expandAll();
    if (session->workspace.applications.isEmpty()) {
        showWelcome(tr("%1 has no applications yet.").arg(title));
        return;
    }
    selectApplication(session->workspace.applications.first().name);
}

bool MainWindow::selectApplication(const QString &name)
{
    const QModelIndex index = m_applications->indexOfApplication(name);
    if (!index.isValid())
        return false;
    m_sidebar->setCurrentIndex(index);
    return true;
}

void MainWindow::showApplication(const QModelIndex &index)
{
    const ApplicationConfig *app = m_applications->application(index);
    if (!m_session)
        return;
    if (!app) {
        // The workspace or a cluster: a summary, never the previous application's page.
        m_page->cancelAll();
        QString text;
        const int apps = index.isValid() ? m_applications->rowCount(index) : 0;
        if (index.data(ApplicationListModel::IsClusterRole).toBool()) {
            const QString name = index.data(ApplicationListModel::ClusterRole).toString();
            const QString detail = index.data(ApplicationListModel::RevisionRole).toString(); // a named cluster's: "sandbox", "context prod", …
            text = name.isEmpty() ? tr("%1 application(s) whose destination names no cluster.").arg(apps)
                                  : tr("Cluster %1 (%2): %3 application(s).").arg(name, detail).arg(apps);
            const QString error = index.data(ApplicationListModel::ClusterErrorRole).toString();
            if (!error.isEmpty())
                text += QStringLiteral("\n\n") + tr("It cannot be reached: %1").arg(error);
            // Its page: the summary over a review of all its applications together.
            if (!name.isEmpty()) {
                m_page->cancelAll();
                clusterPage()->setCluster(m_session, name, text);
                m_stack->setCurrentWidget(m_clusterPage);
                return;
            }
        } else {
            const QString name = m_session->repository.isEmpty() ? m_session->workspace.file : m_session->repository;
            int clusters = 0; // the rows below, but for the one of applications that name none
            for (int row = 0; row < apps; ++row)
                clusters += !m_applications->index(row, 0, index).data(ApplicationListModel::ClusterRole).toString().isEmpty();
            text = tr("%1: %2 application(s) on %3 cluster(s). Select an application.")
                       .arg(name).arg(m_session->workspace.applications.size()).arg(clusters);
            // A repository opened as it is: what it deploys that Sluice cannot render, and why.
            if (!m_session->skipped.isEmpty())
                text += QStringLiteral("\n\n") + tr("Skipped (not rendered from this repository):");
            for (const fleet::SkippedSource &skipped : m_session->skipped)
                text += QStringLiteral("\n\u2022 %1 (%2): %3").arg(skipped.what, skipped.declaredAt, skipped.reason);
        }
        showWelcome(text);
        return;
    }
    if (m_page->application() == app->name && m_stack->currentWidget() == m_page)
        return;
    m_stack->setCurrentWidget(m_page);
    m_page->setApplication(m_session, app->name);
    m_page->setClusterStatus(m_applications->status(app->name), m_monitor->status(app->name));
}

void MainWindow::setBusy(bool busy)
{
    m_progress->setVisible(busy);
    m_cancel->setVisible(busy);
    if (busy) {
        m_progress->setRange(0, 0); // busy indicator until a real total arrives
    } else if (!m_progressText.isEmpty()) {
        // A job's progress line goes with it; a message said meanwhile (a cluster down) stays.
        if (m_status->text() == m_progressText)
            m_status->clear();
        m_progressText.clear();
    }
}

void MainWindow::showProgress(qint64 done, qint64 total, const QString &what)
{
    if (total > 0) {
        m_progress->setRange(0, 1000);
        m_progress->setValue(int(done * 1000 / total));
    }
    if (!what.isEmpty()) {
        m_status->setText(what);
        m_progressText = what;
    }
}

void MainWindow::openSettings()
{
    SettingsDialog dialog(m_settings, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    m_settings = dialog.result(m_settings);
    applyTheme(m_settings.theme);
    applyDiffMode(int(m_settings.diffMode));
    if (m_session) {
        auto session = std::make_shared<Session>(*m_session);
        session->tools = m_settings.tools;
        m_session = session;
        if (!m_page->application().isEmpty())
            m_page->setApplication(m_session, m_page->application());
    }
}

void MainWindow::applyDiffMode(int mode)
{
    m_settings.diffMode = DiffView::Mode(mode);
    m_sideBySide->setChecked(m_settings.diffMode == DiffView::Mode::SideBySide);
    QList<ObjectDiffPanel *> panels{m_page->pendingTab()->diffPanel()};
    if (ReviewTab *review = m_page->builtReviewTab())
        panels.append(review->diffPanel());
    for (ObjectDiffPanel *panel : panels) {
        if (panel->diffView()->mode() != m_settings.diffMode)
            panel->setMode(m_settings.diffMode);
    }
}

void MainWindow::navigateChanges(int step)
{
    QWidget *tab = m_page->tabs()->currentWidget();
    ObjectDiffPanel *panel = tab == m_page->pendingTab()                ? m_page->pendingTab()->diffPanel()
                             : qobject_cast<ReviewTab *>(tab) != nullptr ? qobject_cast<ReviewTab *>(tab)->diffPanel()
                                                                         : nullptr;
    if (panel) {
        step > 0 ? panel->nextChange() : panel->previousChange();
        return;
    }
    if (auto *resources = qobject_cast<ResourcesTab *>(tab))
        step > 0 ? resources->diffView()->nextChange() : resources->diffView()->previousChange();
}

SyncDialog *MainWindow::openSyncDialog(const QString &application, bool rollback, int rollbackTo)
{
    if (!m_session || application.isEmpty() || m_session->application(application).cluster.isEmpty())
        return nullptr;
    auto *dialog = new SyncDialog(m_session, application, rollback ? SyncDialog::Mode::Rollback : SyncDialog::Mode::Sync, rollbackTo, m_log,
                                  this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_syncDialog = dialog;
    connect(dialog, &SyncDialog::applied, m_monitor, qOverload<const QString &>(&ClusterStatusMonitor::refresh));
    connect(dialog, &SyncDialog::showActivityRequested, this, [this] { m_page->tabs()->setCurrentWidget(m_page->activityTab()); });
    dialog->open();
    return dialog;
}

SyncDialog *MainWindow::syncDialog() const
{
    return m_syncDialog;
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    m_page->cancelAll();
    m_settings.geometry = saveGeometry();
    m_settings.windowState = saveState();
    QSettings store;
    m_settings.save(store);
    event->accept();
}

} // namespace sluice
