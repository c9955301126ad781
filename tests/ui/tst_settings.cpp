// Settings: QSettings round trip, the recent list, and the settings dialog's edits.

#include "Settings.h"
#include "SettingsDialog.h"
#include "core/Process.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <QApplication>

using namespace sluice;

class TestSettings : public QObject
{
    Q_OBJECT

private slots:
    void roundTrip()
    {
        QTemporaryDir dir;
        QSettings store(dir.filePath("sluice.ini"), QSettings::IniFormat);
        AppSettings s;
        s.tools = {QStringLiteral("/opt/kustomize"), QStringLiteral("/opt/kubectl"), QStringLiteral("/opt/helm")};
        s.diffMode = DiffView::Mode::Unified;
        s.noteWorkspace(QStringLiteral("/a/sluice.yaml"));
        s.noteWorkspace(QStringLiteral("/b/sluice.yaml"));
        s.noteWorkspace(QStringLiteral("/a/sluice.yaml"));
        s.geometry = "geometry-bytes";
        s.clusterContexts[QStringLiteral("https://github.com/acme/fleet.git")].insert(QStringLiteral("production"), QStringLiteral("prod/admin"));
        s.save(store);
        store.sync();

        QSettings again(dir.filePath("sluice.ini"), QSettings::IniFormat);
        const AppSettings loaded = AppSettings::load(again);
        QCOMPARE(loaded.tools.kubectl, QStringLiteral("/opt/kubectl"));
        QCOMPARE(loaded.tools.kustomize, QStringLiteral("/opt/kustomize"));
        QCOMPARE(loaded.tools.helm, QStringLiteral("/opt/helm"));
        QCOMPARE(loaded.diffMode, DiffView::Mode::Unified);
        QCOMPARE(loaded.lastWorkspace, QStringLiteral("/a/sluice.yaml"));
        QCOMPARE(loaded.recentWorkspaces, (QStringList{"/a/sluice.yaml", "/b/sluice.yaml"}));
        QCOMPARE(loaded.geometry, QByteArray("geometry-bytes"));
        QCOMPARE(loaded.clusterContexts.value("https://github.com/acme/fleet.git").value("production"), QStringLiteral("prod/admin"));
    }

    void recentListIsBounded()
    {
        AppSettings s;
        for (int i = 0; i < 20; ++i)
            s.noteWorkspace(QStringLiteral("/w%1/sluice.yaml").arg(i));
        QCOMPARE(s.recentWorkspaces.size(), AppSettings::kMaxRecent);
        QCOMPARE(s.recentWorkspaces.first(), QStringLiteral("/w19/sluice.yaml"));
    }

    void dialogEdits()
    {
        AppSettings s;
        s.tools.kubectl = QStringLiteral("/usr/bin/kubectl");
        SettingsDialog dialog(s);
        const QList<QLineEdit *> fields = dialog.findChildren<QLineEdit *>();
        QLineEdit *helm = nullptr;
        for (QLineEdit *f : fields) {
            if (f->accessibleName() == QLatin1String("Path of helm"))
                helm = f;
        }
        QVERIFY(helm);
        QTest::keyClicks(helm, "/opt/helm/bin/helm");
        QComboBox *mode = nullptr;
        QComboBox *theme = nullptr;
        for (QComboBox *box : dialog.findChildren<QComboBox *>()) {
            if (box->accessibleName() == QLatin1String("Diff mode"))
                mode = box;
            if (box->accessibleName() == QLatin1String("Appearance"))
                theme = box;
        }
        QVERIFY(mode && theme);
        QCOMPARE(theme->currentText(), QStringLiteral("System"));
        mode->setCurrentIndex(mode->findData(int(DiffView::Mode::Unified)));
        theme->setCurrentIndex(theme->findData(int(Theme::Dark)));
        const AppSettings result = dialog.result(s);
        QCOMPARE(result.tools.helm, QStringLiteral("/opt/helm/bin/helm"));
        QCOMPARE(result.tools.kubectl, QStringLiteral("/usr/bin/kubectl"));
        QCOMPARE(result.diffMode, DiffView::Mode::Unified);
        QCOMPARE(result.theme, Theme::Dark);
    }

    void helmInUseIsNamed()
    {
        // The helm 4 that scripts/deps.sh installs; then one that is not there.
        AppSettings s;
        s.tools.helm = toolsDirectory() + QStringLiteral("/helm4");
        SettingsDialog dialog(s);
        QTRY_VERIFY_WITH_TIMEOUT(dialog.helmVersionLabel()->text().startsWith(QLatin1String("Uses helm v4.")), 20000);
        QVERIFY(dialog.helmVersionLabel()->text().endsWith(QStringLiteral("(%1)").arg(s.tools.helm)));
        QLineEdit *helm = nullptr;
        for (QLineEdit *f : dialog.findChildren<QLineEdit *>()) {
            if (f->accessibleName() == QLatin1String("Path of helm"))
                helm = f;
        }
        QVERIFY(helm);
        helm->setText(QStringLiteral("/nonexistent/helm"));
        emit helm->editingFinished();
        QTRY_COMPARE_WITH_TIMEOUT(dialog.helmVersionLabel()->text(),
                                  QStringLiteral("Cannot use helm: /nonexistent/helm does not exist: install it there or set another "
                                                 "path in the settings"), 20000);
    }

    void themeIsKeptAndApplied()
    {
        QTemporaryDir dir;
        QSettings store(dir.filePath("s.ini"), QSettings::IniFormat);
        AppSettings s;
        s.theme = Theme::Dark;
        s.save(store);
        QCOMPARE(AppSettings::load(store).theme, Theme::Dark);
        const QColor systemWindow = QApplication::palette().color(QPalette::Window);
        applyTheme(Theme::Dark);
        QVERIFY(QApplication::palette().color(QPalette::Window).lightness() < 80);
        applyTheme(Theme::Light);
        QVERIFY(QApplication::palette().color(QPalette::Window).lightness() > 160);
        applyTheme(Theme::System);
        QCOMPARE(QApplication::palette().color(QPalette::Window), systemWindow);
    }
};

QTEST_MAIN(TestSettings)
#include "tst_settings.moc"
