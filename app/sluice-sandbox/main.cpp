// sluice-sandbox: runs the sandbox cluster until SIGTERM/SIGINT.
//
// Prints exactly one line to stdout once it serves:
//   sluice-sandbox ready: https://127.0.0.1:PORT kubeconfig=FILE
// Errors go to stderr with exit code 2 (usage) or 1 (start failure).

#include "sandbox/Sandbox.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QSocketNotifier>

#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

namespace {

int g_signalPipe[2] = {-1, -1};

// Async-signal-safe: only writes one byte; the event loop does the rest.
void onSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const ssize_t n = ::write(g_signalPipe[1], &byte, 1);
}

bool installSignalHandlers()
{
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, g_signalPipe) != 0)
        return false;
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    // A file size limit reached must fail the write (EFBIG, handled like a full disk), not kill.
    std::signal(SIGXFSZ, SIG_IGN);
    return ::sigaction(SIGTERM, &action, nullptr) == 0 && ::sigaction(SIGINT, &action, nullptr) == 0;
}

int usageError(const QString &message)
{
    std::fprintf(stderr, "sluice-sandbox: %s\n", qPrintable(message));
    return 2;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("sluice-sandbox"));

    sluice::sandbox::SandboxOptions options;
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("A Kubernetes-API-compatible sandbox cluster on loopback."));
    parser.addHelpOption();
    const QCommandLineOption dataDir(QStringLiteral("data-dir"), QStringLiteral("Directory for certificates, token and objects."), QStringLiteral("DIR"));
    const QCommandLineOption port(QStringLiteral("port"), QStringLiteral("TCP port, 0 = any free port."), QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption kubeconfig(QStringLiteral("kubeconfig-out"), QStringLiteral("Kubeconfig file to write (mode 0600)."), QStringLiteral("FILE"));
    const QCommandLineOption controllerDelay(QStringLiteral("controller-delay"), QStringLiteral("Delay before the simulated controllers finish a rollout or Job."), QStringLiteral("MS"), QStringLiteral("2000"));
    const QCommandLineOption listen(QStringLiteral("listen"), QStringLiteral("Address to bind."), QStringLiteral("ADDR"), QStringLiteral("127.0.0.1"));
    const QCommandLineOption serverMinor(QStringLiteral("server-minor"), QStringLiteral("Highest Kubernetes minor version /version may report."), QStringLiteral("N"), QStringLiteral("32"));
    const QCommandLineOption failRollouts(QStringLiteral("fail-rollouts"),
                                          QStringLiteral("Leave rollouts stuck (ProgressDeadlineExceeded) and fail Jobs, to test health."));
    const QCommandLineOption headerTimeout(QStringLiteral("header-timeout"),
                                           QStringLiteral("Time a client has to send a request head; then 408 and the connection closes."),
                                           QStringLiteral("MS"), QString::number(options.http.headTimeoutMs));
    const QCommandLineOption maxConnections(QStringLiteral("max-connections"),
                                            QStringLiteral("Open connections at most (also kept below the file descriptor limit)."),
                                            QStringLiteral("N"), QString::number(options.http.maxConnections));
    const QCommandLineOption maxPerClient(QStringLiteral("max-connections-per-client"),
                                          QStringLiteral("Open connections at most from one client address."), QStringLiteral("N"),
                                          QString::number(options.http.maxConnectionsPerClient));
    const QCommandLineOption injectFaults(QStringLiteral("inject-faults"),
                                          QStringLiteral("Fraction (0..1) of resource requests that meet a fault: a 500, an answer never "
                                                         "sent, or a dropped connection (before or after handling)."),
                                          QStringLiteral("RATE"), QStringLiteral("0"));
    const QCommandLineOption faultSeed(QStringLiteral("fault-seed"), QStringLiteral("Seed of the fault draws, for reproducible runs."),
                                       QStringLiteral("N"), QString::number(options.faultSeed));
    parser.addOptions({dataDir, port, kubeconfig, controllerDelay, failRollouts, listen, serverMinor, headerTimeout,
                       maxConnections, maxPerClient, injectFaults, faultSeed});
    parser.process(app);

    options.dataDir = parser.value(dataDir);
    if (options.dataDir.isEmpty())
        return usageError(QStringLiteral("--data-dir is required"));
    bool ok = false;
    const uint portValue = parser.value(port).toUInt(&ok);
    if (!ok || portValue > 65535)
        return usageError(QStringLiteral("--port must be 0..65535"));
    options.port = quint16(portValue);
    options.controllerDelayMs = parser.value(controllerDelay).toInt(&ok);
    if (!ok || options.controllerDelayMs < 0)
        return usageError(QStringLiteral("--controller-delay must be a number of milliseconds"));
    options.failRollouts = parser.isSet(failRollouts);
    options.maxServerMinor = parser.value(serverMinor).toInt(&ok);
    if (!ok || options.maxServerMinor < 20)
        return usageError(QStringLiteral("--server-minor must be a Kubernetes minor version such as 32"));
    options.listenAddress = QHostAddress(parser.value(listen));
    if (options.listenAddress.isNull())
        return usageError(QStringLiteral("--listen must be an IP address"));
    options.kubeconfigPath = parser.value(kubeconfig);
    for (auto [option, value] : {std::pair{&headerTimeout, &options.http.headTimeoutMs}, std::pair{&maxConnections, &options.http.maxConnections},
                                 std::pair{&maxPerClient, &options.http.maxConnectionsPerClient}}) {
        *value = parser.value(*option).toInt(&ok);
        if (!ok || *value <= 0)
            return usageError(QStringLiteral("--%1 must be a positive number").arg(option->names().first()));
    }

    options.faultRate = parser.value(injectFaults).toDouble(&ok);
    if (!ok || options.faultRate < 0 || options.faultRate > 1)
        return usageError(QStringLiteral("--inject-faults must be a fraction from 0 to 1, such as 0.1"));
    options.faultSeed = parser.value(faultSeed).toULongLong(&ok);
    if (!ok)
        return usageError(QStringLiteral("--fault-seed must be a non-negative integer"));

    if (!installSignalHandlers())
        return usageError(QStringLiteral("cannot install signal handlers"));
    QSocketNotifier signalNotifier(g_signalPipe[0], QSocketNotifier::Read);
    QObject::connect(&signalNotifier, &QSocketNotifier::activated, &app, [] {
        char byte = 0;
        [[maybe_unused]] const ssize_t n = ::read(g_signalPipe[0], &byte, 1);
        QCoreApplication::quit();
    });

    sluice::sandbox::Sandbox sandbox(options);
    if (sluice::Status started = sandbox.start(); !started) {
        std::fprintf(stderr, "sluice-sandbox: %s\n", qPrintable(started.error().toString()));
        return 1;
    }
    std::printf("sluice-sandbox ready: %s kubeconfig=%s\n", qPrintable(sandbox.url().toString()),
                qPrintable(options.kubeconfigPath));
    std::fflush(stdout);
    const int rc = QCoreApplication::exec();
    sandbox.stop();
    return rc;
}
