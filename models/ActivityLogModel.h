#pragma once

// What the engine did: one row per job (fetch, render, review, …) with when it started, how long
// it took, its state and, for failures, the error in full.

#include <QAbstractTableModel>
#include <QDateTime>

namespace sluice {

class ActivityLogModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { TimeColumn, ActivityColumn, DurationColumn, StateColumn, ColumnCount };
    enum class State { Running, Succeeded, Failed, Cancelled };
    enum Role {
        StateRole = Qt::UserRole + 1, // int(State)
        DetailRole,                   // the full error text (message + detail) or ""
        IdRole,                       // int id from begin()
    };

    explicit ActivityLogModel(QObject *parent = nullptr);

    // Adds a running entry at the end; returns its id. `work` names what the entry does apart from
    // its details (the Review tab's review, whatever revisions): the success of any entry of that
    // work takes back the failure of another (succeeded()). Empty: the work is `what` itself.
    int begin(const QString &what, const QString &work = {});
    // Finishes an entry: its duration is fixed and its state set; `detail` for failures.
    // `shownElsewhere`: the caller tells the user itself, so a failure emits no failed().
    void finish(int id, State state, const QString &detail = {}, bool shownElsewhere = false);
    void clear();

    // "85 ms" below one second, "1.2 s" from there, "…" for a negative (still running) duration.
    static QString formatDuration(qint64 ms);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    // TimeColumn "14:03:12", ActivityColumn the text, DurationColumn "1.2 s" / "85 ms" / "…",
    // StateColumn "running"/"done"/"failed"/"cancelled"; ToolTipRole: detail.
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

signals:
    // Emitted when an entry fails, so the UI can show it inline.
    void failed(const QString &what, const QString &detail, const QString &work);
    // Emitted when an entry succeeds: the UI takes back what it showed of the same work failing.
    void succeeded(const QString &what, const QString &work);

private:
    struct Entry
    {
        int id;
        QString what;
        QString work;
        QDateTime started;
        qint64 durationMs = -1; // -1 while running
        State state = State::Running;
        QString detail;
    };
    QList<Entry> m_entries;
    int m_nextId = 1;
};

} // namespace sluice
