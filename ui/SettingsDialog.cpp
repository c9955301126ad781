#include "SettingsDialog.h"

#include "AsyncJob.h"
#include "core/Process.h"
#include "render/Renderer.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace sluice {

namespace {

QLineEdit *toolField(const QString &tool, const QString &value, QWidget *parent)
{
    auto *edit = new QLineEdit(value, parent);
    edit->setPlaceholderText(QObject::tr("%1 on PATH").arg(tool));
    edit->setAccessibleName(QObject::tr("Path of %1").arg(tool));
    edit->setClearButtonEnabled(true);
    return edit;
}

QWidget *withBrowse(QLineEdit *edit, QWidget *parent)
{
    auto *row = new QWidget(parent);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *browse = new QPushButton(QObject::tr("Browse…"), row);
    browse->setAccessibleName(QObject::tr("Browse for %1").arg(edit->accessibleName()));
    layout->addWidget(edit, 1);
    layout->addWidget(browse);
    QObject::connect(browse, &QPushButton::clicked, edit, [edit] {
        const QString path = QFileDialog::getOpenFileName(edit, edit->accessibleName());
        if (!path.isEmpty())
            edit->setText(path);
    });
    return row;
}

} // namespace

SettingsDialog::SettingsDialog(const AppSettings &settings, QWidget *parent)
    : QDialog(parent), m_kubectl(toolField(QStringLiteral("kubectl"), settings.tools.kubectl, this)),
      m_kustomize(toolField(QStringLiteral("kustomize"), settings.tools.kustomize, this)),
      m_helm(toolField(QStringLiteral("helm"), settings.tools.helm, this)), m_helmVersion(new QLabel(this)),
      m_helmCheck(new AsyncSlot(this)), m_diffMode(new QComboBox(this)),
      m_theme(new QComboBox(this))
{
    setWindowTitle(tr("Settings"));
    m_diffMode->addItem(tr("Side by side"), int(DiffView::Mode::SideBySide));
    m_diffMode->addItem(tr("Unified"), int(DiffView::Mode::Unified));
    m_diffMode->setCurrentIndex(m_diffMode->findData(int(settings.diffMode)));
    m_diffMode->setAccessibleName(tr("Diff mode"));
    m_theme->addItem(tr("System"), int(Theme::System));
    m_theme->addItem(tr("Light"), int(Theme::Light));
    m_theme->addItem(tr("Dark"), int(Theme::Dark));
    m_theme->setCurrentIndex(m_theme->findData(int(settings.theme)));
    m_theme->setAccessibleName(tr("Appearance"));

    auto *form = new QFormLayout;
    form->addRow(tr("&kubectl:"), withBrowse(m_kubectl, this));
    form->addRow(tr("k&ustomize:"), withBrowse(m_kustomize, this));
    form->addRow(tr("&helm:"), withBrowse(m_helm, this));
    m_helm->setPlaceholderText(tr("$SLUICE_HELM, else helm on PATH, else in %1").arg(toolsDirectory()));
    m_helmVersion->setTextFormat(Qt::PlainText);
    m_helmVersion->setWordWrap(true);
    m_helmVersion->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_helmVersion->setAccessibleName(tr("helm in use"));
    form->addRow(QString(), m_helmVersion);
    form->addRow(tr("&Diff mode:"), m_diffMode);
    form->addRow(tr("&Appearance:"), m_theme);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
    connect(m_helm, &QLineEdit::editingFinished, this, &SettingsDialog::checkHelm);
    checkHelm();
}

void SettingsDialog::checkHelm()
{
    m_helmVersion->setText(tr("Checking helm\u2026"));
    ToolPaths tools;
    tools.helm = m_helm->text().trimmed();
    m_helmCheck->run([tools](const JobContext &) { return describeRenderTool(RendererKind::Helm, tools); },
                     [this](const Result<QString> &helm) {
                         m_helmVersion->setText(helm ? tr("Uses %1").arg(*helm) : tr("Cannot use helm: %1").arg(helm.error().message));
                     });
}

AppSettings SettingsDialog::result(AppSettings base) const
{
    base.tools.kubectl = m_kubectl->text().trimmed();
    base.tools.kustomize = m_kustomize->text().trimmed();
    base.tools.helm = m_helm->text().trimmed();
    base.diffMode = DiffView::Mode(m_diffMode->currentData().toInt());
    base.theme = Theme(m_theme->currentData().toInt());
    return base;
}

} // namespace sluice
