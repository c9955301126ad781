#pragma once

// Settings: the tool paths (kubectl, kustomize, helm), the default diff mode and the appearance
// (system, light or dark).

#include "Settings.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;

namespace sluice {

class AsyncSlot;

class SettingsDialog : public QDialog
{
    Q_OBJECT

public:
    SettingsDialog(const AppSettings &settings, QWidget *parent = nullptr);

    // The settings with this dialog's edits applied.
    AppSettings result(AppSettings base) const;

    // "helm v3.17.3+ge4da497 (/path/to/helm)", or why that helm cannot be used; checked when
    // the dialog opens and whenever the helm field is edited.
    QLabel *helmVersionLabel() const { return m_helmVersion; }

private:
    void checkHelm();

    QLineEdit *m_kubectl;
    QLineEdit *m_kustomize;
    QLineEdit *m_helm;
    QLabel *m_helmVersion;
    AsyncSlot *m_helmCheck;
    QComboBox *m_diffMode;
    QComboBox *m_theme;
};

} // namespace sluice
