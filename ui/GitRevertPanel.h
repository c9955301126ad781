#pragma once

// The Git half of the Rollback… dialog: revert commit(s) on a new branch of the user's clone
// (from the tracked branch; working tree, index and current branch untouched), optionally
// pushed. "Preview" shows the exact object diff the branch would deploy before anything is
// created; "Create branch" creates it (and pushes when asked).
//
// Thread contract: GUI thread; the work runs as jobs on jobPool().

#include "Session.h"

#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace sluice {

class ActivityLogModel;
class AsyncSlot;
class ObjectDiffPanel;

class GitRevertPanel : public QWidget
{
    Q_OBJECT

public:
    GitRevertPanel(SessionPtr session, const QString &application, ActivityLogModel *log, QWidget *parent = nullptr);

    // The commits to revert (full or short ids, newest first), e.g. those deployed since the
    // rollback target.
    void setCommits(const QStringList &commits);

    QLineEdit *commitsEdit() const { return m_commits; }
    QLineEdit *branchEdit() const { return m_branch; }
    QCheckBox *pushBox() const { return m_push; }
    QPushButton *previewButton() const { return m_preview; }
    QPushButton *createButton() const { return m_create; }
    QLabel *resultLabel() const { return m_result; }
    ObjectDiffPanel *diffPanel() const { return m_diff; }
    bool isBusy() const;
    void cancel();

private:
    void run(bool preview);
    void updateButtons();

    SessionPtr m_session;
    QString m_application;
    ActivityLogModel *m_log;
    AsyncSlot *m_job;
    QLineEdit *m_commits;
    QLineEdit *m_branch;
    QCheckBox *m_push;
    QPushButton *m_preview;
    QPushButton *m_create;
    QLabel *m_result;
    ObjectDiffPanel *m_diff;
};

} // namespace sluice
