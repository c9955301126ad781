// sluice: the desktop window.

#include "CommandLine.h"
#include "AsyncJob.h"
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

// The command line: parser, --help and the man page come from this one table.
sluice::cli::ProgramSpec sluiceSpec()
{
    sluice::cli::ProgramSpec spec;
    spec.name = QStringLiteral("sluice");
    spec.summary = QStringLiteral("a desktop GitOps control panel");
    spec.usage = QStringLiteral("[--workspace FILE | --repo PATH_OR_URL | PATH]");
    spec.description = QStringLiteral(
        "Sluice shows, for every application of a workspace, its repository, the pending commits not yet applied, "
        "the rendered manifest diff object by object (secrets masked) and the cluster's sync status and health; it "
        "syncs with a previewed plan and rolls back.\n\n"
        "PATH may be a workspace file (sluice.yaml), a folder holding one, or a Flux or Argo CD repository's folder, "
        "opened as with --repo. Without arguments Sluice opens the last workspace, else the demo workspace when "
        "it was generated.");
    spec.options = {
        sluice::cli::option({QStringLiteral("workspace")}, QStringLiteral("FILE"), QStringLiteral("the workspace file to open"),
                            sluice::cli::Complete::Files),
        sluice::cli::option({QStringLiteral("repo")}, QStringLiteral("PATH_OR_URL"),
                            QStringLiteral("a Flux or Argo CD repository (a clone or a URL) to open as it is, without a workspace file"),
                            sluice::cli::Complete::Directories),
    };
    spec.sections = {{QStringLiteral("Files"),
                      QStringLiteral("~/.config/Sluice/sluice.conf: the window's settings and the last workspace.\n\n"
                                     "~/.local/share/sluice/demo/sluice.yaml: the demo workspace (scripts/make-demo.sh).")}};
    spec.seeAlso = {QStringLiteral("sluicectl(1)"), QStringLiteral("sluice-sandbox(1)")};
    return spec;
}

// What to open: --repo, --workspace, a PATH (a workspace file, a folder holding sluice.yaml, else
// a repository folder), else the last workspace, else the demo when it was generated.
struct Opening
{
    QString workspace;
    QString repo;
};

Opening whatToOpen(const QCommandLineParser &parser, const QString &last)
{
    if (parser.isSet(QStringLiteral("repo")))
        return {{}, parser.value(QStringLiteral("repo"))};
    if (parser.isSet(QStringLiteral("workspace")))
        return {parser.value(QStringLiteral("workspace")), {}};
    if (const QStringList paths = parser.positionalArguments(); !paths.isEmpty()) {
        const QFileInfo path(paths.first());
        if (path.isDir() && !QFileInfo::exists(path.filePath() + QLatin1String("/sluice.yaml")))
            return {{}, path.absoluteFilePath()};
        return {path.isDir() ? path.filePath() + QLatin1String("/sluice.yaml") : path.filePath(), {}};
    }
    if (!last.isEmpty() && QFileInfo::exists(last))
        return {last, {}};
    const QString demo = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
                         QLatin1String("/sluice/demo/sluice.yaml");
    return {QFileInfo::exists(demo) ? demo : QString(), {}};
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
    const sluice::cli::ProgramSpec spec = sluiceSpec();
    // Answered before QApplication exists: these need no display.
    if (int code = sluice::cli::answerInformationalOptions(spec, argc, argv, QStringLiteral(SLUICE_VERSION), QStringLiteral("sluice")); code >= 0)
        return code;
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Sluice"));
    QApplication::setApplicationName(QStringLiteral("sluice"));
    QApplication::setApplicationDisplayName(QStringLiteral("Sluice"));
    QApplication::setApplicationVersion(QStringLiteral(SLUICE_VERSION));
    QGuiApplication::setDesktopFileName(QStringLiteral("dev.sluice.Sluice"));
    sluice::useClearFocusStyle();

    QCommandLineParser parser;
    parser.addOptions(sluice::cli::commandLineOptions(spec));
    parser.addPositionalArgument(QStringLiteral("path"), QStringLiteral("a workspace file, or a folder"));
    if (!parser.parse(QApplication::arguments())) {
        std::fprintf(stderr, "sluice: %s (see sluice --help)\n", qPrintable(parser.errorText()));
        return 2;
    }

    // Background work waits for the window's first paint (or a second, if it is never painted:
    // started minimised).
    sluice::holdJobs();
    QTimer::singleShot(1000, qApp, [] { sluice::releaseJobs(); });
    sluice::MainWindow window;
    if (const Opening opening = whatToOpen(parser, window.settings().lastWorkspace); !opening.repo.isEmpty())
        window.openRepository(opening.repo);
    else if (!opening.workspace.isEmpty())
        window.openWorkspace(QFileInfo(opening.workspace).absoluteFilePath());
    ExitAfterFirstPaint exitAfterPaint(clock);
    if (qEnvironmentVariableIsSet("SLUICE_EXIT_AFTER_FIRST_PAINT"))
        window.installEventFilter(&exitAfterPaint);
    window.show();
    return QApplication::exec();
}
