#pragma once

// Review before merge: base and head chosen from branches, tags, pull-request refs, any SHA or
// the working tree, and the rendered diff between them, object by object.

#include "Session.h"

#include <QWidget>

class QPushButton;

namespace sluice {

class ActivityLogModel;
class AsyncSlot;
class ObjectDiffPanel;
class RefsModel;
class RevisionPicker;

class ReviewTab : public QWidget
{
    Q_OBJECT

public:
    ReviewTab(RefsModel *refs, ActivityLogModel *log, QWidget *parent = nullptr);

    // Sets the application and the default revisions, without starting a review.
    void setApplication(SessionPtr session, const QString &application, const QString &base, const QString &head);
    // Renders both revisions and shows their diff; cancels a review in progress.
    void review();
    void cancel();
    // Nothing to show: cancels and says `message` in place of the diff.
    void clear(const QString &message);

    RevisionPicker *basePicker() const { return m_base; }
    RevisionPicker *headPicker() const { return m_head; }
    ObjectDiffPanel *diffPanel() const { return m_panel; }
    bool isBusy() const;

signals:
    void busyChanged(bool busy);

private:
    SessionPtr m_session;
    QString m_application;
    ActivityLogModel *m_log;
    RevisionPicker *m_base;
    RevisionPicker *m_head;
    QPushButton *m_reviewButton;
    ObjectDiffPanel *m_panel;
    AsyncSlot *m_job;
    int m_logId = 0;
};

} // namespace sluice
