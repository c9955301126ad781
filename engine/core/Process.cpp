#include "Process.h"

#include "Log.h"

#include <QElapsedTimer>
#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStandardPaths>

namespace sluice {

QString toolsDirectory()
{
    const QString explicitDir = qEnvironmentVariable("SLUICE_TOOLS_DIR");
    if (!explicitDir.isEmpty())
        return explicitDir;
    const QString data = qEnvironmentVariable("XDG_DATA_HOME");
    return (data.isEmpty() ? QDir::homePath() + QStringLiteral("/.local/share") : data) + QStringLiteral("/sluice/tools");
}

QString findTool(const QString &program)
{
    if (program.contains(QLatin1Char('/')))
        return QFileInfo::exists(program) ? program : QString();
    const QString onPath = QStandardPaths::findExecutable(program);
    return onPath.isEmpty() ? QStandardPaths::findExecutable(program, {toolsDirectory()}) : onPath;
}

Result<QString> toolVersion(const QString &program, const QStringList &arguments)
{
    ToolRun run;
    run.program = program;
    run.arguments = arguments;
    run.timeoutMs = 20000;
    auto output = runTool(run);
    if (!output)
        return output.error();
    return QString::fromUtf8(output->standardOutput).trimmed();
}

Result<ToolOutput> runTool(const ToolRun &run, const CancelToken &cancel)
{
    const QString name = run.program.section(QLatin1Char('/'), -1);
    const QString path = findTool(run.program);
    if (path.isEmpty() && run.program.contains(QLatin1Char('/')))
        return makeError(ErrorCategory::Process,
                         QStringLiteral("%1 does not exist: install it there or set another path in the settings").arg(run.program));
    if (path.isEmpty())
        return makeError(ErrorCategory::Process,
                         QStringLiteral("%1 not found on PATH or in %2: install it (scripts/deps.sh installs helm) "
                                        "or set its path in the settings").arg(run.program, toolsDirectory()));

    QProcess process;
    process.setProgram(path);
    process.setArguments(run.arguments);
    if (!run.workingDirectory.isEmpty())
        process.setWorkingDirectory(run.workingDirectory);
    if (!run.extraEnvironment.isEmpty()) {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const QString &entry : run.extraEnvironment)
            env.insert(entry.section(QLatin1Char('='), 0, 0), entry.section(QLatin1Char('='), 1));
        process.setProcessEnvironment(env);
    }
    // Arguments are not logged: an exec credential plugin may be given secrets in them.
    qCDebug(lcProcess) << "running" << path << "with" << run.arguments.size() << "arguments";
    process.start(QIODevice::ReadWrite);
    if (!process.waitForStarted(10000))
        return makeError(ErrorCategory::Process,
                         QStringLiteral("%1 could not be started: %2").arg(name, process.errorString()));
    if (!run.standardInput.isEmpty())
        process.write(run.standardInput);
    process.closeWriteChannel(); // flushes what was written, then EOF

    QElapsedTimer timer;
    timer.start();
    QByteArray out;
    QByteArray err;
    while (!process.waitForFinished(50)) {
        out += process.readAllStandardOutput();
        err += process.readAllStandardError();
        if (process.state() == QProcess::NotRunning)
            break;
        const bool cancelled = cancel.isCancelled();
        if (cancelled || timer.elapsed() > run.timeoutMs) {
            process.kill();
            process.waitForFinished(5000);
            if (cancelled)
                return makeError(ErrorCategory::Cancelled,
                                 QStringLiteral("%1 was cancelled").arg(name));
            return makeError(ErrorCategory::Process,
                             QStringLiteral("%1 timed out after %2 s: raise the timeout or check "
                                            "the input").arg(name).arg(run.timeoutMs / 1000),
                             QString::fromUtf8(err));
        }
    }
    out += process.readAllStandardOutput();
    err += process.readAllStandardError();

    if (process.exitStatus() == QProcess::CrashExit)
        return makeError(ErrorCategory::Process, QStringLiteral("%1 crashed").arg(name),
                         QString::fromUtf8(err));
    if (process.exitCode() != 0)
        return makeError(ErrorCategory::Process,
                         QStringLiteral("%1 failed with exit code %2")
                             .arg(name)
                             .arg(process.exitCode()),
                         QString::fromUtf8(err).trimmed(), process.exitCode());
    return ToolOutput{out, err, process.exitCode()};
}

} // namespace sluice
