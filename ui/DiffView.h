#pragma once

// The diff pane: two texts (normalized YAML, secrets already masked by the engine) shown
// side by side or unified, with line numbers, YAML highlighting, changed lines tinted, the
// changed words inside changed lines marked, next/previous change navigation and copy.
// Follows the palette (light and dark). Cheap to update: one object's texts at a time.

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QStackedWidget;

namespace sluice {

class DiffView : public QWidget
{
    Q_OBJECT

public:
    enum class Mode { Unified, SideBySide };
    Q_ENUM(Mode)

    explicit DiffView(QWidget *parent = nullptr);
    ~DiffView() override;

    // Shows the diff of `before` → `after`. Empty `before` = an added object, empty `after` =
    // a removed one. Labels head each side ("deployed (b37c9c8)").
    void setTexts(const QByteArray &before, const QByteArray &after, const QString &beforeLabel,
                  const QString &afterLabel);
    // Shows a centred message instead of a diff ("Select an object", "No changes").
    void showMessage(const QString &message);

    void setMode(Mode mode);
    Mode mode() const;
    // F7 / Shift+F7 (on by default) move between changes while focus is in the view; a host
    // that navigates across objects itself turns them off (Alt+Down / Alt+Up stay).
    void setF7Shortcuts(bool enabled);

    int changeCount() const;   // blocks of consecutive changed lines
    int currentChange() const; // 0-based, -1 before the first navigation
    QString message() const;   // the message shown, or "" when a diff is shown
    // The unified text ("+line", "-line", " line"), as copied by copyAll().
    QString unifiedText() const;

    // For tests and accessibility: the editors showing the text (one in unified mode).
    QList<QPlainTextEdit *> editors() const;

public slots:
    void nextChange();     // scrolls to and selects the next change block (wraps)
    void previousChange();
    void copyAll();        // the unified text to the clipboard
    void toggleMode();

signals:
    void modeChanged(sluice::DiffView::Mode mode);
    void currentChangeChanged(int index, int count);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace sluice
