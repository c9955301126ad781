#pragma once

// The History tab: the application's deployments as recorded in the cluster (from the last
// status check), newest first; the selected entry's revision against live (what rolling back to
// it would change), and "Roll back to this…" for a successful one, which opens the rollback
// dialog with its plan before anything changes.

#include "Session.h"

#include <QWidget>

#include <memory>

class QLabel;
class QPushButton;
class QTableView;

namespace sluice {

namespace sync {
struct ApplicationStatus;
}
class AsyncSlot;
class HistoryModel;
class ObjectDiffPanel;

class HistoryTab : public QWidget
{
    Q_OBJECT

public:
    explicit HistoryTab(QWidget *parent = nullptr);

    // The application whose entries are diffed against live.
    void setApplication(SessionPtr session, const QString &application);
    // The status to show; nullptr = not known (`why` says why, e.g. the cluster is unreachable).
    // Keeps the selected entry (and refreshes its diff: live may have changed).
    void setStatus(std::shared_ptr<const sync::ApplicationStatus> status, const QString &why = {});

    HistoryModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    QPushButton *rollbackButton() const { return m_rollback; }
    QLabel *messageLabel() const { return m_message; }
    ObjectDiffPanel *diffPanel() const { return m_panel; }

signals:
    void rollbackRequested(int entryId);

private:
    void updateButton();
    void showSelectedEntry();

    SessionPtr m_session;
    QString m_application;
    std::shared_ptr<const sync::ApplicationStatus> m_status; // shown
    HistoryModel *m_model;
    QTableView *m_view;
    QLabel *m_message;
    QPushButton *m_rollback;
    ObjectDiffPanel *m_panel;
    AsyncSlot *m_job;
};

} // namespace sluice
