#include "Cluster.h"

#include "kube/Kubeconfig.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QThread>
#include <QUrl>

#include <csignal>
#include <mutex>

namespace sluice::sync {
namespace {

QString pidFile(const QString &dataDir) { return dataDir + QStringLiteral("/sandbox.pid"); }

struct StartedHere
{
    std::mutex mutex;
    QStringList dataDirs;
    SandboxStartedHandler handler; // called under `mutex`
};

StartedHere &startedHere()
{
    static StartedHere started;
    return started;
}

// Whether `pid` is a live sluice-sandbox serving `dataDir` (its command line says so).
bool isSandboxProcess(qint64 pid, const QString &dataDir)
{
    if (pid <= 0 || ::kill(pid_t(pid), 0) != 0)
        return false;
    QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(pid));
    if (!cmdline.open(QIODevice::ReadOnly))
        return false;
    const QList<QByteArray> args = cmdline.readAll().split('\0');
    const bool isSandbox = !args.isEmpty() && args.first().endsWith("sluice-sandbox");
    return isSandbox && args.contains(QDir::cleanPath(dataDir).toUtf8());
}

// The "ready: URL" line the sandbox prints once it serves, from its log; empty until then.
QString readyUrl(const QString &logFile)
{
    QFile log(logFile);
    if (!log.open(QIODevice::ReadOnly))
        return {};
    for (const QByteArray &line : log.readAll().split('\n')) {
        if (line.startsWith("sluice-sandbox ready: "))
            return QString::fromUtf8(line.mid(22).split(' ').value(0));
    }
    return {};
}

Error startLockBusy(const QString &dataDir)
{
    return makeError(ErrorCategory::Io, QStringLiteral("another process is starting or stopping the sandbox in %1 (lock file %2/start.lock)")
                                            .arg(dataDir, dataDir));
}

// Whether something accepts connections at `url`: a sandbox closes its port as it stops.
bool accepts(const QString &url)
{
    const QUrl address(url);
    QTcpSocket socket;
    socket.connectToHost(address.host(), quint16(address.port()));
    return socket.waitForConnected(2000);
}

QString sandboxBinary()
{
    const QString fromEnv = qEnvironmentVariable("SLUICE_SANDBOX_BIN");
    if (!fromEnv.isEmpty())
        return fromEnv;
    const QString appDir = QCoreApplication::applicationDirPath();
    for (const QString &candidate : {appDir + QStringLiteral("/sluice-sandbox"),
                                     appDir + QStringLiteral("/../sluice-sandbox/sluice-sandbox"),
                                     appDir + QStringLiteral("/../app/sluice-sandbox/sluice-sandbox")}) {
        if (QFileInfo(candidate).isExecutable())
            return QFileInfo(candidate).canonicalFilePath();
    }
    return QStandardPaths::findExecutable(QStringLiteral("sluice-sandbox"));
}

Result<ClusterConnection> connectContext(const ClusterConfig &cluster, const QString &kubeconfig, const QString &contextName)
{
    auto config = kubeconfig.isEmpty() ? kube::loadKubeconfig(kube::kubeconfigFiles()) : kube::loadKubeconfigFor(kubeconfig);
    if (!config)
        return config.error().prefixed(QStringLiteral("cluster %1").arg(cluster.name));
    auto context = kube::resolveContext(*config, contextName);
    if (!context)
        return context.error().prefixed(QStringLiteral("cluster %1").arg(cluster.name));
    kube::ClientOptions options;
    options.maxConcurrent = 16;
    if (cluster.requestTimeoutMs > 0)
        options.timeoutMs = cluster.requestTimeoutMs;
    if (cluster.requestRetries >= 0)
        options.retries = cluster.requestRetries;
    auto client = kube::KubeClient::create(*context, options);
    if (!client)
        return client.error().prefixed(QStringLiteral("cluster %1").arg(cluster.name));
    ClusterConnection connection;
    connection.name = cluster.name;
    connection.contextName = context->contextName;
    connection.server = context->server;
    connection.client = *client;
    connection.discovery = std::make_shared<kube::DiscoveryCache>(connection.client);
    return connection;
}

} // namespace

QString clusterSafeName(const QString &application)
{
    QString name = application;
    return name.replace(QLatin1Char('/'), QLatin1Char('.'));
}

QString ClusterConnection::describe() const
{
    return QStringLiteral("cluster %1 (context %2, %3)").arg(name, contextName, server);
}

Result<ClusterConnection> connectCluster(const ClusterConfig &cluster, const CancelToken &cancel, SandboxStart start)
{
    if (!cluster.sandbox)
        return connectContext(cluster, cluster.kubeconfig, cluster.context);
    if (start == SandboxStart::Never) {
        const SandboxState state = sandboxState(cluster.sandboxDataDir);
        if (!state.running || state.url.isEmpty())
            return makeError(ErrorCategory::Kube, QStringLiteral("cluster %1: its sandbox (%2) is not running; start it with "
                                                                 "`sluicectl sandbox start` or check the status again (F5)")
                                                      .arg(cluster.name, cluster.sandboxDataDir));
        return connectContext(cluster, state.kubeconfig, QStringLiteral("sluice-sandbox"));
    }
    auto sandbox = ensureSandbox(cluster.sandboxDataDir, cancel);
    if (!sandbox)
        return sandbox.error().prefixed(QStringLiteral("cluster %1").arg(cluster.name));
    return connectContext(cluster, sandbox->kubeconfig, QStringLiteral("sluice-sandbox"));
}

SandboxState sandboxState(const QString &dataDir)
{
    SandboxState state;
    state.kubeconfig = dataDir + QStringLiteral("/kubeconfig");
    state.logFile = dataDir + QStringLiteral("/sandbox.log");
    QFile file(pidFile(dataDir));
    if (file.open(QIODevice::ReadOnly))
        state.pid = file.readAll().trimmed().toLongLong();
    state.running = isSandboxProcess(state.pid, dataDir);
    if (state.running)
        state.url = readyUrl(state.logFile);
    return state;
}

Result<SandboxState> ensureSandbox(const QString &dataDir, const CancelToken &cancel)
{
    if (!QDir().mkpath(dataDir))
        return makeError(ErrorCategory::Io, QStringLiteral("cannot create the sandbox data directory %1").arg(dataDir));
    const auto cancelled = [] { return makeError(ErrorCategory::Cancelled, QStringLiteral("starting the sandbox was cancelled")); };
    // Another thread or process may be starting it: wait for it (in slices, so a cancel is seen).
    QLockFile lock(dataDir + QStringLiteral("/start.lock"));
    lock.setStaleLockTime(30000);
    for (QDeadlineTimer lockDeadline(30000); !lock.tryLock(0); QThread::msleep(20)) {
        if (cancel.isCancelled())
            return cancelled();
        if (lockDeadline.hasExpired())
            return startLockBusy(dataDir);
    }
    SandboxState state = sandboxState(dataDir);
    if (state.running && !state.url.isEmpty()) {
        if (accepts(state.url))
            return state;
        // Stopping (its port closed before it exits): start another once it has gone.
        for (QDeadlineTimer gone(10000); isSandboxProcess(state.pid, dataDir); QThread::msleep(20)) {
            if (cancel.isCancelled())
                return cancelled();
            if (gone.hasExpired())
                return makeError(ErrorCategory::Process, QStringLiteral("the sandbox in %1 (pid %2) runs but refuses connections at %3; "
                                                                        "stop it with `sluicectl sandbox stop`")
                                                             .arg(dataDir, QString::number(state.pid), state.url));
        }
        state = sandboxState(dataDir);
    }
    if (cancel.isCancelled()) // do not start one that nobody will wait for
        return cancelled();

    const QString binary = sandboxBinary();
    if (binary.isEmpty())
        return makeError(ErrorCategory::Process, QStringLiteral("cannot find sluice-sandbox (looked next to %1 and on PATH; "
                                                                "set SLUICE_SANDBOX_BIN)").arg(QCoreApplication::applicationDirPath()));
    QProcess process;
    process.setProgram(binary);
    process.setArguments({QStringLiteral("--data-dir"), QDir::cleanPath(dataDir), QStringLiteral("--port"), QStringLiteral("0"),
                          QStringLiteral("--kubeconfig-out"), state.kubeconfig});
    process.setStandardOutputFile(state.logFile);
    process.setStandardErrorFile(state.logFile, QIODevice::Append);
    process.setStandardInputFile(QProcess::nullDevice());
    qint64 pid = 0;
    if (!process.startDetached(&pid))
        return makeError(ErrorCategory::Process, QStringLiteral("cannot start %1: %2").arg(binary, process.errorString()));
    QFile file(pidFile(dataDir));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(QByteArray::number(pid)) < 0)
        return makeError(ErrorCategory::Io, QStringLiteral("cannot write %1").arg(file.fileName()));
    file.close();

    QDeadlineTimer deadline(20000);
    while (!deadline.hasExpired()) {
        if (cancel.isCancelled()) {
            ::kill(pid_t(pid), SIGTERM); // ours, and nobody will use it
            QFile::remove(pidFile(dataDir));
            return cancelled();
        }
        state = sandboxState(dataDir);
        if (!state.running) {
            QFile log(state.logFile);
            const QString output = log.open(QIODevice::ReadOnly) ? QString::fromUtf8(log.readAll()).trimmed() : QString();
            return makeError(ErrorCategory::Process, QStringLiteral("the sandbox in %1 exited at start (log %2)").arg(dataDir, state.logFile),
                             output.left(2000));
        }
        if (!state.url.isEmpty()) {
            state.startedNow = true;
            std::lock_guard lock(startedHere().mutex);
            startedHere().dataDirs.append(QDir::cleanPath(dataDir));
            if (startedHere().handler)
                startedHere().handler(QDir::cleanPath(dataDir), state.url);
            return state;
        }
        QThread::msleep(20);
    }
    return makeError(ErrorCategory::Process, QStringLiteral("the sandbox in %1 did not get ready within 20 s (log %2)").arg(dataDir, state.logFile));
}

Status stopSandbox(const QString &dataDir)
{
    const auto stopped = [&] {
        std::lock_guard lock(startedHere().mutex);
        startedHere().dataDirs.removeAll(QDir::cleanPath(dataDir));
        return Status();
    };
    if (!sandboxState(dataDir).running)
        return stopped();
    QLockFile lock(dataDir + QStringLiteral("/start.lock"));
    lock.setStaleLockTime(30000);
    if (!lock.tryLock(30000))
        return startLockBusy(dataDir);
    const SandboxState state = sandboxState(dataDir);
    if (!state.running)
        return stopped();
    ::kill(pid_t(state.pid), SIGTERM);
    QDeadlineTimer deadline(10000);
    while (!deadline.hasExpired()) {
        if (!isSandboxProcess(state.pid, dataDir)) {
            QFile::remove(pidFile(dataDir));
            return stopped();
        }
        QThread::msleep(50);
    }
    return makeError(ErrorCategory::Process, QStringLiteral("the sandbox (pid %1) did not stop within 10 s").arg(state.pid));
}

void setSandboxStartedHandler(SandboxStartedHandler handler)
{
    std::lock_guard lock(startedHere().mutex);
    startedHere().handler = std::move(handler);
}

QStringList sandboxesStartedHere()
{
    std::lock_guard lock(startedHere().mutex);
    return startedHere().dataDirs;
}

} // namespace sluice::sync
