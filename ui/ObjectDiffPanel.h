#pragma once

// An object-by-object diff: the object list (+ / − / ~ counts, filter box, grouping by kind or
// namespace) beside the diff pane with its mode switch, change navigation and copy. Used by the
// Pending commits tab (one commit's diff) and the Review tab (base vs head).

#include "DiffView.h"
#include "diff/ResourceDiff.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QSplitter;
class QTreeView;
class QToolButton;

namespace sluice {

class ResourceDiffModel;

class ObjectDiffPanel : public QWidget
{
    Q_OBJECT

public:
    explicit ObjectDiffPanel(QWidget *parent = nullptr);

    // Shows a diff; selects its first changed object. Labels head the diff pane's sides.
    void setDiff(const ResourceDiff &diff, const QString &baseLabel, const QString &headLabel);
    // Shows a message in place of the list and diff ("Rendering…", an error, "Select a commit").
    void showMessage(const QString &message);
    void clear();

    DiffView *diffView() const { return m_diffView; }
    ResourceDiffModel *model() const { return m_model; }
    QTreeView *objectList() const { return m_list; }
    QLineEdit *filterBox() const { return m_filter; }
    QString countsText() const; // "+1 −0 ~2 =4"

    void setMode(DiffView::Mode mode);

public slots:
    // The next change, moving on to the next object after the last change of this one
    // (wrapping); the window's F7. previousChange() goes back the same way (Shift+F7).
    void nextChange();
    void previousChange();

signals:
    void modeChanged(sluice::DiffView::Mode mode);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void showSelectedObject();
    // The visible object rows (group rows skipped), in order.
    QList<QModelIndex> objectRows() const;
    bool moveToObject(int step);
    // Sizes the object list to its names (up to 40% of the panel) until the user drags the splitter.
    void fitListToContent();

    ResourceDiffModel *m_model;
    QTreeView *m_list;
    QLineEdit *m_filter;
    QComboBox *m_grouping;
    QToolButton *m_showUnchanged;
    QLabel *m_counts;
    DiffView *m_diffView;
    QToolButton *m_modeButton;
    QList<QToolButton *> m_barButtons; // previous, next, copy: icon-only when narrow
    QSplitter *m_splitter;
    bool m_userSizedList = false;
    QString m_baseLabel;
    QString m_headLabel;
};

} // namespace sluice
