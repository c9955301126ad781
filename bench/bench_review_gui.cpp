// A review with 5,000 changed objects in the window (offscreen): time from the request to the
// first object's diff painted, and the process's resident memory (PSS) with the review open.
// The peer in the same run is `git diff` of the same two rendered trees, for scale.
//
// Usage: bench_review_gui

#include "BenchUtil.h"

#include "ApplicationPage.h"
#include "DiffView.h"
#include "MainWindow.h"
#include "ObjectDiffPanel.h"
#include "RefsModel.h"
#include "ReviewTab.h"
#include "RevisionPicker.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QPlainTextEdit>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>

using namespace sluice;
using namespace sluice::bench;

namespace {

QByteArray objects(int count, int version)
{
    QByteArray text;
    for (int i = 0; i < count; ++i) {
        const QByteArray n = QByteArray::number(i);
        text += "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-" + n + "\n  namespace: ns-" +
                QByteArray::number(i % 20) + "\nspec:\n  replicas: " + QByteArray::number(2 + version) +
                "\n  template:\n    spec:\n      containers:\n      - name: main\n        image: registry.example.com/app-" + n +
                ":1." + QByteArray::number(version) + "\n        env:\n        - {name: MODE, value: production}\n---\n";
    }
    return text;
}

// Counts paints of a widget.
class PaintCounter : public QObject
{
public:
    int paints = 0;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Paint)
            ++paints;
        return QObject::eventFilter(watched, event);
    }
};

} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);
    QTemporaryDir tmp;
    qputenv("XDG_CACHE_HOME", tmp.filePath("cache").toUtf8());
    const QString repo = tmp.filePath("repo");
    writeFile(repo + "/apps/big/objects.yaml", objects(5000, 0));
    writeFile(repo + "/sluice.yaml", "apiVersion: sluice.dev/v1alpha1\nkind: Workspace\napplications:\n"
                                 "  - name: big\n    source: {repo: ., revision: main, path: apps/big, renderer: plain}\n");
    runGit(repo, {"init", "-q", "-b", "main"});
    runGit(repo, {"add", "-A"});
    runGit(repo, {"commit", "-qm", "v0"});
    writeFile(repo + "/apps/big/objects.yaml", objects(5000, 1));
    runGit(repo, {"commit", "-qam", "v1: every object changes"});

    const double gitMs = medianMs(3, [&] { runPeer("git", {"-C", repo, "diff", "main~1", "main"}); });
    const qint64 pssBefore = pssKiB();

    MainWindow window;
    window.resize(1280, 800);
    window.show();
    window.openWorkspace(repo + "/sluice.yaml");
    ApplicationPage *page = window.applicationPage();
    while (page->isBusy() || page->refs()->rowCount() == 0)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
    page->tabs()->setCurrentWidget(page->reviewTab());
    ReviewTab *review = page->reviewTab();
    review->basePicker()->setSpec("main~1");
    review->headPicker()->setSpec("main");
    DiffView *diff = review->diffPanel()->diffView();
    PaintCounter counter;
    QCoreApplication::processEvents();

    QElapsedTimer clock;
    clock.start();
    review->review();
    for (QPlainTextEdit *editor : diff->editors())
        editor->viewport()->installEventFilter(&counter);
    while (!(diff->message().isEmpty() && counter.paints > 0)) {
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 5);
        if (clock.elapsed() > 300000)
            break;
        if (diff->message().isEmpty() && counter.paints == 0) {
            for (QPlainTextEdit *editor : diff->editors())
                editor->viewport()->installEventFilter(&counter);
        }
    }
    const double firstDiffMs = double(clock.nsecsElapsed()) / 1e6;
    const qint64 pssOpen = pssKiB();
    report(QStringLiteral("review of 5,000 changed objects, request to first diff painted"), firstDiffMs,
           QStringLiteral("git diff of the same commits"), gitMs);
    QTextStream(stdout) << "PSS with the review open: " << pssOpen / 1024 << " MiB (before the window: " << pssBefore / 1024
                        << " MiB; aim <= 120 MB)" << Qt::endl;
    return 0;
}
