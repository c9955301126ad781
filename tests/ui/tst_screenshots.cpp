// Renders the main window on the demo at 1280×800 in a light and a dark palette, checks what the
// widgets show, and saves PNGs under <build>/screenshots for people to look at.

#include "common/Demo.h"

#include "ApplicationListModel.h"
#include "ApplicationPage.h"
#include "ElidedLabel.h"
#include "DiffView.h"
#include "MainWindow.h"
#include "Theme.h"
#include "ObjectDiffPanel.h"
#include "PendingCommitModel.h"
#include "PendingCommitsTab.h"
#include "ResourceDiffModel.h"
#include "ReviewTab.h"
#include "RevisionPicker.h"

#include <QApplication>
#include <QDir>
#include <QLabel>
#include <QStandardPaths>
#include <QStyleFactory>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace sluice;

namespace {

int rowOfSummary(PendingCommitModel *model, const QString &summary)
{
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->index(row, PendingCommitModel::SummaryColumn).data().toString() == summary)
            return row;
    }
    return -1;
}

} // namespace

class TestScreenshots : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_demo;
    QString m_out = QStringLiteral(SLUICE_BINARY_DIR "/screenshots");

    void shoot(const QString &name)
    {
        MainWindow window;
        window.resize(1280, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openWorkspace(m_demo + "/sluice.yaml"));
        const QModelIndex sandbox = window.applications()->index(0, 0, window.applications()->index(0, 0));
        QCOMPARE(window.applications()->rowCount(sandbox), 3); // the demo's cluster and its applications
        ApplicationPage *page = window.applicationPage();
        PendingCommitsTab *pending = page->pendingTab();
        QTRY_COMPARE_WITH_TIMEOUT(pending->model()->rowCount(), 5, 20000);
        pending->table()->setCurrentIndex(pending->model()->index(rowOfSummary(pending->model(), "web: rotate database password"), 0));
        QTRY_COMPARE_WITH_TIMEOUT(pending->diffPanel()->model()->rowCount(), 1, 20000);
        QTRY_VERIFY(pending->diffPanel()->diffView()->unifiedText().contains("DATABASE_PASSWORD"));
        QTRY_VERIFY(!page->isBusy());
        QVERIFY(page->headerLabel()->fullText().contains("tracking main"));
        QVERIFY(window.grab().save(m_out + "/" + name + "-pending.png"));

        ReviewTab *review = page->reviewTab();
        page->tabs()->setCurrentWidget(review);
        review->basePicker()->setSpec("v1.0.0~2");
        review->headPicker()->setSpec("pull/7");
        review->review();
        QTRY_COMPARE_WITH_TIMEOUT(review->diffPanel()->countsText(), QStringLiteral("+2 \u22120 ~3 =1"), 20000);
        QTRY_VERIFY(review->diffPanel()->diffView()->message().isEmpty());
        QTRY_VERIFY(!page->isBusy());
        QVERIFY(window.grab().save(m_out + "/" + name + "-review.png"));
        qInfo() << "saved" << m_out + "/" + name + "-{pending,review}.png";
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        qputenv("XDG_CACHE_HOME", m_dir.filePath("cache").toUtf8());
        QVERIFY(QDir().mkpath(m_out));
        m_demo = m_dir.filePath("demo");
        const QString error = sluice::test::makeDemo(m_demo);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        useClearFocusStyle(QStringLiteral("Fusion")); // as the app, on a fixed style
    }

    void light()
    {
        applyTheme(Theme::Light); // the Settings' Appearance choices
        shoot("main-light");
    }

    void dark()
    {
        applyTheme(Theme::Dark);
        shoot("main-dark");
    }
};

QTEST_MAIN(TestScreenshots)
#include "tst_screenshots.moc"
