#pragma once

// Pending commits: the commits of the tracked revision not in "since" (newest first, streamed
// in batches), and the rendered diff the selected commit introduces.

#include "Session.h"

#include <QWidget>

class QLabel;
class QTableView;

namespace sluice {

class ActivityLogModel;
class AsyncSlot;
class ObjectDiffPanel;
class PendingCommitModel;
class RefsModel;
class RevisionPicker;

class PendingCommitsTab : public QWidget
{
    Q_OBJECT

public:
    PendingCommitsTab(RefsModel *refs, ActivityLogModel *log, QWidget *parent = nullptr);

    // Shows `application`'s commits from its tracked revision back to `since` ("" = whole
    // history). Cancels whatever this tab was doing.
    void setApplication(SessionPtr session, const QString &application, const QString &since);
    void reload();
    void cancel();
    // Nothing to show (the application is loading, or failed to): cancels, empties the list and
    // the diff, and says `message` in their place.
    void clear(const QString &message);

    PendingCommitModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    ObjectDiffPanel *diffPanel() const { return m_panel; }
    RevisionPicker *sincePicker() const { return m_since; }
    QLabel *statusLabel() const { return m_status; }
    bool isBusy() const;
    bool isCounting() const; // counting the objects each commit changes (background work)

signals:
    void busyChanged(bool busy);

private:
    void showCommit(const QModelIndex &index);
    // The Activity log's work of this tab's `part` (list, counts, diff): a success takes back the
    // failure of the same part, whatever application or commit failed before.
    QString work(const QString &part) const { return QStringLiteral("commit %1 in tab %2").arg(part).arg(quintptr(this), 0, 16); }

    SessionPtr m_session;
    QString m_application;
    ActivityLogModel *m_log;
    PendingCommitModel *m_model;
    QTableView *m_table;
    RevisionPicker *m_since;
    QLabel *m_status;
    ObjectDiffPanel *m_panel;
    AsyncSlot *m_loadJob;
    AsyncSlot *m_diffJob;
    AsyncSlot *m_changesJob; // the objects each listed commit changes (in the background, not "busy")
    void countChanges(const QString &since);
    int m_loadLogId = 0;
    int m_diffLogId = 0;
    int m_changesLogId = 0;
};

} // namespace sluice
