#pragma once

// The Sync… and Rollback… dialog (Rollback offers the cluster rollback and the Git revert side
// by side, each previewed): the plan from the engine first (steps in apply order with
// create / update / prune / unchanged, what each takes over from other field managers), a
// checkbox per step for a selective sync, the selected step's live vs desired diff; then
// "Dry run" or "Sync" / "Roll back", live progress with Cancel, and the result per object.
// The target (cluster, kubeconfig context, namespace) heads the dialog; a protected cluster
// also needs the application's name typed. Nothing changes before the user presses the button.
//
// Thread contract: GUI thread; planning and applying run as jobs on jobPool().

#include "Session.h"
#include "sync/Reconcile.h"

#include <QDialog>

#include <optional>

class QCheckBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QRadioButton;
class QStackedWidget;
class QTableView;

namespace sluice {

class ActivityLogModel;
class AsyncSlot;
class DiffView;
class GitRevertPanel;
class SyncPlanModel;

class SyncDialog : public QDialog
{
    Q_OBJECT

public:
    enum class Mode { Sync, Rollback };

    // Starts planning at once. `rollbackTo`: the history entry for Mode::Rollback (0 = the
    // deployment before the current one).
    SyncDialog(SessionPtr session, const QString &application, Mode mode, int rollbackTo, ActivityLogModel *log,
               QWidget *parent = nullptr);
    ~SyncDialog() override;

    // Sync mode while held: tick "Release the hold" once the plan is shown (the hold banner's
    // Release hold…). The user still presses Sync.
    void setReleaseHold(bool release);

    SyncPlanModel *model() const { return m_model; }
    QTableView *stepsView() const { return m_steps; }
    QLabel *targetLabel() const { return m_target; }
    QLabel *summaryLabel() const { return m_summary; }
    QLabel *resultLabel() const { return m_result; }
    QCheckBox *releaseHoldBox() const { return m_releaseHold; }
    QLineEdit *confirmEdit() const { return m_confirm; }
    QPushButton *dryRunButton() const { return m_dryRun; }
    QPushButton *applyButton() const { return m_apply; }
    QPushButton *cancelButton() const { return m_cancel; }
    QPushButton *showActivityButton() const { return m_showActivity; }
    DiffView *diffView() const { return m_diff; }
    // Rollback mode only: the two ways side by side, and the Git one's panel.
    QRadioButton *clusterModeButton() const { return m_clusterMode; }
    QRadioButton *gitModeButton() const { return m_gitMode; }
    GitRevertPanel *gitRevertPanel() const { return m_gitPanel; }
    bool isBusy() const;

signals:
    // The cluster changed (a sync or rollback ran, whatever its result).
    void applied(const QString &application);
    // "Show in Activity": the dialog closes; the window shows the Activity tab.
    void showActivityRequested();

protected:
    void reject() override; // Esc / Close: cancels a running job first

private:
    void plan();
    void apply(bool dryRun);
    void showPlan(const sync::PreparedSync &prepared);
    void showSelectedStep();
    void updateButtons();
    // Releasing a Flux- or Argo-owned application's hold: the controller applies, not this dialog.
    bool handsBack() const;

    SessionPtr m_session;
    QString m_application;
    Mode m_mode;
    int m_rollbackTo;
    ActivityLogModel *m_log;
    std::optional<sync::PreparedSync> m_prepared;
    bool m_protected = false;
    SyncPlanModel *m_model;
    AsyncSlot *m_job;
    QLabel *m_target;
    QLabel *m_summary;
    QCheckBox *m_releaseHold;
    bool m_releaseWanted = false;
    QLineEdit *m_confirm;
    QTableView *m_steps;
    DiffView *m_diff;
    QProgressBar *m_progress;
    QLabel *m_progressText;
    QLabel *m_result;
    QPushButton *m_dryRun;
    QPushButton *m_apply;
    QPushButton *m_showActivity; // once a result is in
    QPushButton *m_cancel;
    QPushButton *m_close;
    QRadioButton *m_clusterMode = nullptr;
    QRadioButton *m_gitMode = nullptr;
    QStackedWidget *m_pages = nullptr;
    GitRevertPanel *m_gitPanel = nullptr;
};

} // namespace sluice
