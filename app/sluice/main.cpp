// sluice: the desktop window.

#include "MainWindow.h"
#include "Theme.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QElapsedTimer>
#include <QStandardPaths>
#include <QTimer>

#include <cstdio>

namespace {

// The workspace to open: --workspace, else the last one, else the demo when it was generated.
QString initialWorkspace(const QCommandLineParser &parser, const QCommandLineOption &option, const QString &last)
{
    if (parser.isSet(option))
        return parser.value(option);
    if (!last.isEmpty() && QFileInfo::exists(last))
        return last;
    const QString demo = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
                         QLatin1String("/sluice/demo/sluice.yaml");
    return QFileInfo::exists(demo) ? demo : QString();
}

// For bench_startup: with SLUICE_EXIT_AFTER_FIRST_PAINT set, quit right after the main window
// has been painted for the first time and print "painted after N ms" (since main() began).
class ExitAfterFirstPaint : public QObject
{
public:
    explicit ExitAfterFirstPaint(const QElapsedTimer &clock) : m_clock(clock) {}

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Paint && !m_done) {
            m_done = true;
            QTimer::singleShot(0, qApp, [this] {
                std::printf("painted after %lld ms\n", static_cast<long long>(m_clock.elapsed()));
                std::fflush(stdout);
                QCoreApplication::quit();
            });
        }
        return QObject::eventFilter(watched, event);
    }

private:
    const QElapsedTimer &m_clock;
    bool m_done = false;
};

} // namespace

int main(int argc, char **argv)
{
    QElapsedTimer clock;
    clock.start();
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Sluice"));
    QApplication::setApplicationName(QStringLiteral("sluice"));
    QApplication::setApplicationDisplayName(QStringLiteral("Sluice"));
    QApplication::setApplicationVersion(QStringLiteral(SLUICE_VERSION));
    sluice::useClearFocusStyle();

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Sluice, a GitOps control panel"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption workspace(QStringLiteral("workspace"), QStringLiteral("The workspace file to open."),
                                       QStringLiteral("FILE"));
    parser.addOption(workspace);
    const QCommandLineOption repo(QStringLiteral("repo"),
                                  QStringLiteral("A Flux or Argo CD repository (a clone or a URL) to open as it is, without a workspace file."),
                                  QStringLiteral("PATH_OR_URL"));
    parser.addOption(repo);
    parser.process(app);

    sluice::MainWindow window;
    if (parser.isSet(repo)) {
        window.openRepository(parser.value(repo));
    } else {
        const QString path = initialWorkspace(parser, workspace, window.settings().lastWorkspace);
        if (!path.isEmpty())
            window.openWorkspace(QFileInfo(path).absoluteFilePath());
    }
    ExitAfterFirstPaint exitAfterPaint(clock);
    if (qEnvironmentVariableIsSet("SLUICE_EXIT_AFTER_FIRST_PAINT"))
        window.installEventFilter(&exitAfterPaint);
    window.show();
    return QApplication::exec();
}
