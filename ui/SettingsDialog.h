#pragma once

// Settings: the tool paths (kubectl, kustomize, helm), the default diff mode and the appearance
// (system, light or dark).

#include "Settings.h"

#include <QDialog>

class QComboBox;
class QLineEdit;

namespace sluice {

class SettingsDialog : public QDialog
{
    Q_OBJECT

public:
    SettingsDialog(const AppSettings &settings, QWidget *parent = nullptr);

    // The settings with this dialog's edits applied.
    AppSettings result(AppSettings base) const;

private:
    QLineEdit *m_kubectl;
    QLineEdit *m_kustomize;
    QLineEdit *m_helm;
    QComboBox *m_diffMode;
    QComboBox *m_theme;
};

} // namespace sluice
