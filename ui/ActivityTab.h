#pragma once

// Activity: what the engine did, when and how long it took, and every error in full.

#include <QWidget>

class QPlainTextEdit;
class QTableView;

namespace sluice {

class ActivityLogModel;

class ActivityTab : public QWidget
{
    Q_OBJECT

public:
    explicit ActivityTab(ActivityLogModel *log, QWidget *parent = nullptr);

    QTableView *table() const { return m_table; }
    QPlainTextEdit *detail() const { return m_detail; }

private:
    QTableView *m_table;
    QPlainTextEdit *m_detail;
};

} // namespace sluice
