#pragma once

// The Resources tab: the application's objects (desired ∪ live) from the last status check,
// each with its sync state, health and the rule that fired, flat or by kind or namespace, with
// a filter; the selected object's live vs desired diff in the same diff view as Review
// (secrets masked by the engine).

#include <QWidget>

#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QTreeView;

namespace sluice {

namespace sync {
struct ApplicationStatus;
}
class DiffView;
class ResourceStatusModel;

class ResourcesTab : public QWidget
{
    Q_OBJECT

public:
    explicit ResourcesTab(QWidget *parent = nullptr);

    // The status to show; nullptr = not known (`why` says why).
    void setStatus(std::shared_ptr<const sync::ApplicationStatus> status, const QString &why = {});

    ResourceStatusModel *model() const { return m_model; }
    QTreeView *view() const { return m_view; }
    QLineEdit *filterEdit() const { return m_filter; }
    QComboBox *groupingBox() const { return m_grouping; }
    DiffView *diffView() const { return m_diff; }
    QLabel *messageLabel() const { return m_message; }

private:
    void showSelected();

    std::shared_ptr<const sync::ApplicationStatus> m_status; // keeps the diffs shown alive
    ResourceStatusModel *m_model;
    QTreeView *m_view;
    QLineEdit *m_filter;
    QComboBox *m_grouping;
    QLabel *m_message;
    DiffView *m_diff;
};

} // namespace sluice
