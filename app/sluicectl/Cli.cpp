#include "Cli.h"

#include "core/Paths.h"

#include <QStringList>

namespace sluice::cli {

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}

int fail(const Error &error)
{
    out().flush();
    err() << "error: " << error.toString() << Qt::endl;
    return ExitError;
}

int usageError(const QString &message)
{
    out().flush();
    err() << "error: " << message << "\nRun 'sluicectl --help' for usage." << Qt::endl;
    return ExitError;
}

QString paint(const Context &ctx, const char *code, const QString &text)
{
    if (!ctx.color)
        return text;
    return QStringLiteral("\x1b[%1m%2\x1b[0m").arg(QLatin1String(code), text);
}

Result<Workspace> loadWorkspace(const Context &ctx)
{
    return sluice::loadWorkspace(ctx.workspacePath);
}

Result<const ApplicationConfig *> findApplication(const Workspace &ws, const QString &name)
{
    if (const ApplicationConfig *app = ws.application(name))
        return app;
    QStringList names;
    for (const ApplicationConfig &a : ws.applications)
        names << a.name;
    return makeError(ErrorCategory::Usage, QStringLiteral("no application \"%1\" in %2 (applications: %3)")
                                               .arg(name, ws.file, names.isEmpty() ? QStringLiteral("none") : names.join(QStringLiteral(", "))));
}

QString renderCacheDir(const Context &ctx)
{
    return ctx.diskCache ? cacheDir() + QLatin1String("/render") : QString();
}

} // namespace sluice::cli
