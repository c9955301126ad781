#pragma once

// The History tab: the application's deployments as recorded in the cluster (from the last
// status check), newest first, and "Roll back to this…" for a successful one, which opens the
// rollback dialog with its plan (the diff against live) before anything changes.

#include <QWidget>

#include <memory>

class QLabel;
class QPushButton;
class QTableView;

namespace sluice {

namespace sync {
struct ApplicationStatus;
}
class HistoryModel;

class HistoryTab : public QWidget
{
    Q_OBJECT

public:
    explicit HistoryTab(QWidget *parent = nullptr);

    // The status to show; nullptr = not known (`why` says why, e.g. the cluster is unreachable).
    void setStatus(std::shared_ptr<const sync::ApplicationStatus> status, const QString &why = {});

    HistoryModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    QPushButton *rollbackButton() const { return m_rollback; }
    QLabel *messageLabel() const { return m_message; }

signals:
    void rollbackRequested(int entryId);

private:
    void updateButton();

    HistoryModel *m_model;
    QTableView *m_view;
    QLabel *m_message;
    QPushButton *m_rollback;
};

} // namespace sluice
