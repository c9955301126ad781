// sluice: the desktop window.

#include "MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

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

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Sluice"));
    QApplication::setApplicationName(QStringLiteral("sluice"));
    QApplication::setApplicationDisplayName(QStringLiteral("Sluice"));
    QApplication::setApplicationVersion(QStringLiteral(SLUICE_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Sluice, a GitOps control panel"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption workspace(QStringLiteral("workspace"), QStringLiteral("The workspace file to open."),
                                       QStringLiteral("FILE"));
    parser.addOption(workspace);
    parser.process(app);

    sluice::MainWindow window;
    const QString path = initialWorkspace(parser, workspace, window.settings().lastWorkspace);
    if (!path.isEmpty())
        window.openWorkspace(QFileInfo(path).absoluteFilePath());
    window.show();
    return QApplication::exec();
}
