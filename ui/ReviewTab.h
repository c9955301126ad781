#pragma once

// Review before merge: base and head chosen from branches, tags, pull-request refs, any SHA or
// the working tree, and the rendered diff between them, object by object. Where the
// application has a cluster, live is a third side: "Live → Head" is what syncing head would
// change, "Live → Base" what syncing base would, each one click away.

#include "LiveDiff.h"
#include "Session.h"

#include <QWidget>

class QButtonGroup;
class QComboBox;
class QLabel;
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
    enum class Compare { BaseToHead, LiveToHead, LiveToBase };

    ReviewTab(RefsModel *refs, ActivityLogModel *log, QWidget *parent = nullptr);

    // Sets the application and the default revisions, without starting a review.
    void setApplication(SessionPtr session, const QString &application, const QString &base, const QString &head);
    // A whole cluster instead: every application deployed to `cluster` (or discovered there),
    // rendered together at base and at head.
    void setCluster(SessionPtr session, const QString &cluster, const QString &base, const QString &head);
    // Renders the chosen sides and shows their diff; cancels a review in progress.
    void review();
    // Chooses the sides (only BaseToHead without a cluster) and reviews them.
    void compare(Compare sides);
    Compare sides() const { return m_sides; }
    void cancel();
    // Nothing to show: cancels and says `message` in place of the diff.
    void clear(const QString &message);

    RevisionPicker *basePicker() const { return m_base; }
    RevisionPicker *headPicker() const { return m_head; }
    ObjectDiffPanel *diffPanel() const { return m_panel; }
    QWidget *compareBar() const { return m_compareBar; }
    QLabel *staleLabel() const { return m_stale; }
    QLabel *fieldErrorLabel() const { return m_fieldError; }
    // Compare environments: the application on the base side (this one by default; others of
    // the same repository, each at the base revision, matched across namespaces).
    QComboBox *baseApplicationBox() const { return m_baseApp; }
    bool isBusy() const;

signals:
    void busyChanged(bool busy);

private:
    // What the shown diff was made from; the stale mark says when the fields no longer match.
    struct Shown
    {
        QString base;
        QString head;
        Compare sides = Compare::BaseToHead;
        QString baseApp; // empty: this application
        bool operator==(const Shown &) const = default;
    };
    Shown current() const;
    void finishReview(const Shown &shown, Result<NamedDiff> result);
    void updateStale();
    void showMessage(const QString &message);

    SessionPtr m_session;
    QString m_application;
    QString m_cluster; // set instead of m_application for a whole cluster's review
    ActivityLogModel *m_log;
    QComboBox *m_baseApp;
    RevisionPicker *m_base;
    RevisionPicker *m_head;
    QPushButton *m_reviewButton;
    QWidget *m_compareBar;
    QButtonGroup *m_compare;
    QLabel *m_stale;
    QLabel *m_fieldError; // a revision that does not resolve, under the fields
    ObjectDiffPanel *m_panel;
    AsyncSlot *m_job;
    Compare m_sides = Compare::BaseToHead;
    std::optional<Shown> m_shown; // set while a diff is on screen
    int m_logId = 0;
};

} // namespace sluice
