#include "Process.h"

#include "Log.h"

#include <QElapsedTimer>
#include <QDir>
#include <QFileInfo>
#include <QLocale>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStandardPaths>

#include <array>
#include <atomic>

#include <signal.h>
#include <unistd.h>

namespace sluice {
namespace {

// The process groups of the tools running now (0 = a free slot). killRunningTools() reads them
// in a signal handler, hence lock-free atomics only. A run that finds no free slot is not listed.
std::array<std::atomic<pid_t>, 64> g_runningGroups{};
static_assert(std::atomic<pid_t>::is_always_lock_free);
// Tools between their start and their listing, and a termination signal that came meanwhile:
// such a tool may already run (a signal right after its first output), so it ends itself and
// the process once listed.
std::atomic<int> g_startingTools{0};
std::atomic<int> g_pendingSignal{0};

// A started tool's process group (the tool leads it: it runs in a session of its own), listed
// for killRunningTools() while the run lasts.
class ToolGroup
{
public:
    explicit ToolGroup(pid_t leader) : m_group(leader)
    {
        for (std::atomic<pid_t> &slot : g_runningGroups) {
            pid_t free = 0;
            if (slot.compare_exchange_strong(free, leader)) {
                m_slot = &slot;
                break;
            }
        }
        startEnded();
    }

    // A start has ended (listed, or failed): a termination signal that came meanwhile ends it all now.
    static void startEnded()
    {
        --g_startingTools;
        if (const int signal = g_pendingSignal.load()) {
            killRunningTools();
            ::raise(signal); // its handler was reset: this ends the process
        }
    }
    ~ToolGroup()
    {
        if (m_slot)
            m_slot->store(0);
    }
    ToolGroup(const ToolGroup &) = delete;
    ToolGroup &operator=(const ToolGroup &) = delete;

    // Kills the tool and everything it started, also what it left running in the background.
    void kill() const { ::kill(-m_group, SIGKILL); }

private:
    const pid_t m_group;
    std::atomic<pid_t> *m_slot = nullptr;
};

void killToolsAndEnd(int signal)
{
    killRunningTools();
    if (g_startingTools.load() > 0) {
        g_pendingSignal.store(signal); // the tool being started ends it all once listed (ToolGroup)
        return;
    }
    ::raise(signal); // the handler was reset (SA_RESETHAND): delivered once it returns
}

} // namespace

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
    // A session of its own makes the tool lead a process group that holds all it starts, and
    // leaves it no terminal to prompt on (Sluice never answers one).
    process.setChildProcessModifier([] { ::setsid(); });
    // Arguments are not logged: an exec credential plugin may be given secrets in them.
    qCDebug(lcProcess) << "running" << path << "with" << run.arguments.size() << "arguments";
    ++g_startingTools;
    process.start(QIODevice::ReadWrite);
    if (!process.waitForStarted(10000)) {
        ToolGroup::startEnded();
        return makeError(ErrorCategory::Process,
                         QStringLiteral("%1 could not be started: %2").arg(name, process.errorString()));
    }
    const ToolGroup group(pid_t(process.processId()));
    const auto stop = [&] {
        group.kill();
        process.waitForFinished(5000);
    };

    // Output is taken as QProcess reads it (it signals inside its waits), so a tool that floods
    // a stream is stopped within a pipe's buffer of the cap, not after all it printed in a poll.
    QByteArray out;
    QByteArray err;
    const char *overflowed = nullptr; // the stream that passed run.maxOutputBytes
    const auto take = [&](const QByteArray &chunk, QByteArray &into, const char *stream) {
        if (overflowed)
            return;
        into += chunk;
        if (run.maxOutputBytes > 0 && into.size() > run.maxOutputBytes) {
            overflowed = stream;
            into.truncate(run.maxOutputBytes);
            group.kill();
        }
    };
    QObject reading; // ends these connections before what they capture is gone
    QObject::connect(&process, &QProcess::readyReadStandardOutput, &reading,
                     [&] { take(process.readAllStandardOutput(), out, "stdout"); });
    QObject::connect(&process, &QProcess::readyReadStandardError, &reading,
                     [&] { take(process.readAllStandardError(), err, "stderr"); });

    if (!run.standardInput.isEmpty())
        process.write(run.standardInput);
    process.closeWriteChannel(); // flushes what was written, then EOF

    QElapsedTimer timer;
    timer.start();
    // Short slices: a cancel (another selection, quitting the window) stops the tool at once.
    while (!overflowed && !process.waitForFinished(10)) {
        if (process.state() == QProcess::NotRunning)
            break;
        const bool cancelled = cancel.isCancelled();
        if (cancelled || timer.elapsed() > run.timeoutMs) {
            stop();
            if (cancelled)
                return makeError(ErrorCategory::Cancelled,
                                 QStringLiteral("%1 was cancelled").arg(name));
            return makeError(ErrorCategory::Process,
                             QStringLiteral("%1 timed out after %2 s: raise the timeout or check "
                                            "the input").arg(name).arg(run.timeoutMs / 1000),
                             QString::fromUtf8(err));
        }
    }
    take(process.readAllStandardOutput(), out, "stdout");
    take(process.readAllStandardError(), err, "stderr");
    if (overflowed) {
        stop();
        return makeError(ErrorCategory::Process,
                         QStringLiteral("%1 printed more than %2 on %3, more than Sluice reads from it, "
                                        "and was stopped: run it by hand to see what it prints")
                             .arg(name,
                                  QLocale::c().formattedDataSize(run.maxOutputBytes, 0, QLocale::DataSizeIecFormat),
                                  QLatin1String(overflowed)),
                         QString::fromUtf8(err));
    }

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

void killRunningTools()
{
    for (const std::atomic<pid_t> &slot : g_runningGroups) {
        if (const pid_t group = slot.load(); group > 0)
            ::kill(-group, SIGKILL);
    }
}

void killRunningToolsOnTerminationSignals()
{
    struct sigaction action = {};
    action.sa_handler = killToolsAndEnd;
    action.sa_flags = SA_RESETHAND;
    sigemptyset(&action.sa_mask);
    for (int signal : {SIGINT, SIGTERM, SIGHUP})
        ::sigaction(signal, &action, nullptr);
}

} // namespace sluice
