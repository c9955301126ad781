// sluice-sandbox: runs the sandbox cluster until SIGTERM/SIGINT.
//
// Prints exactly one line to stdout once it serves:
//   sluice-sandbox ready: https://127.0.0.1:PORT kubeconfig=FILE
// Errors go to stderr with exit code 2 (usage) or 1 (start failure).

#include "CommandLine.h"
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

// The command line: parser, --help and the man page come from this one table.
sluice::cli::ProgramSpec sandboxSpec(const sluice::sandbox::SandboxOptions &defaults)
{
    using sluice::cli::Complete;
    const auto option = [](const char *name, const char *value, const char *help, const QString &defaultValue = {},
                           Complete complete = Complete::Nothing) {
        return sluice::cli::option({QString::fromUtf8(name)}, QString::fromUtf8(value), QString::fromUtf8(help), complete, {}, defaultValue);
    };
    sluice::cli::ProgramSpec spec;
    spec.name = QStringLiteral("sluice-sandbox");
    spec.summary = QStringLiteral("a Kubernetes-API-compatible sandbox cluster on loopback");
    spec.usage = QStringLiteral("--data-dir DIR [--port N] [--kubeconfig-out FILE] [OPTION]...");
    spec.description = QStringLiteral(
        "sluice-sandbox serves the Kubernetes API (discovery, CRUD, server-side apply, watch, dry run) over TLS "
        "with a bearer token, from objects kept in DIR, with simulated controllers that roll Deployments out and "
        "run Jobs. kubectl and Sluice talk to it as to a real cluster. It runs until SIGTERM or SIGINT.\n\n"
        "Once it serves it prints exactly one line to stdout:\n\n"
        "  sluice-sandbox ready: https://127.0.0.1:PORT kubeconfig=FILE");
    spec.options = {
        option("data-dir", "DIR", "directory for the certificates, the token and the objects (required; one sandbox per directory)",
               {}, Complete::Directories),
        option("port", "N", "TCP port, 0 = any free port", QStringLiteral("0")),
        option("kubeconfig-out", "FILE", "kubeconfig file to write (mode 0600)", {}, Complete::Files),
        option("controller-delay", "MS", "delay before the simulated controllers finish a rollout or Job", QStringLiteral("2000")),
        option("fail-rollouts", "", "leave rollouts stuck (ProgressDeadlineExceeded) and fail Jobs, to test health"),
        option("listen", "ADDR", "address to bind", QStringLiteral("127.0.0.1")),
        option("server-minor", "N", "highest Kubernetes minor version /version may report", QStringLiteral("32")),
        option("header-timeout", "MS", "time a client has to send a request head; then 408 and the connection closes",
               QString::number(defaults.http.headTimeoutMs)),
        option("max-connections", "N", "open connections at most (also kept below the file descriptor limit)",
               QString::number(defaults.http.maxConnections)),
        option("max-connections-per-client", "N", "open connections at most from one client address",
               QString::number(defaults.http.maxConnectionsPerClient)),
        option("inject-faults", "RATE",
               "fraction (0..1) of resource requests that meet a fault: a 500, an answer never sent, or a dropped "
               "connection (before or after handling)",
               QStringLiteral("0")),
        option("fault-seed", "N", "seed of the fault draws, for reproducible runs", QString::number(defaults.faultSeed)),
    };
    spec.sections = {{QStringLiteral("Exit codes"), QStringLiteral("0 after SIGTERM or SIGINT, 1 when it cannot start (the reason is on "
                                                                   "stderr), 2 for a usage error.")}};
    spec.seeAlso = {QStringLiteral("sluicectl(1)"), QStringLiteral("sluice(1)"), QStringLiteral("kubectl(1)")};
    return spec;
}

int main(int argc, char *argv[])
{
    sluice::sandbox::SandboxOptions options;
    const sluice::cli::ProgramSpec spec = sandboxSpec(options);
    if (int code = sluice::cli::answerInformationalOptions(spec, argc, argv, QStringLiteral(SLUICE_VERSION), QStringLiteral("sluice-sandbox")); code >= 0)
        return code;
    // Qt's own event dispatcher, not GLib's: GLib's wakes its loop with a write to an eventfd for
    // every event posted, four per request served (and polls every descriptor each round); Qt's
    // writes once until the loop wakes, and its rounds take in more requests per group commit.
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("sluice-sandbox"));
    QCommandLineParser parser;
    parser.addOptions(sluice::cli::commandLineOptions(spec));
    if (!parser.parse(QCoreApplication::arguments()))
        return usageError(parser.errorText());
    if (!parser.positionalArguments().isEmpty())
        return usageError(QStringLiteral("unexpected argument \"%1\"").arg(parser.positionalArguments().first()));

    options.dataDir = parser.value(QStringLiteral("data-dir"));
    if (options.dataDir.isEmpty())
        return usageError(QStringLiteral("--data-dir is required"));
    bool ok = false;
    const uint portValue = parser.value(QStringLiteral("port")).toUInt(&ok);
    if (!ok || portValue > 65535)
        return usageError(QStringLiteral("--port must be 0..65535"));
    options.port = quint16(portValue);
    options.controllerDelayMs = parser.value(QStringLiteral("controller-delay")).toInt(&ok);
    if (!ok || options.controllerDelayMs < 0)
        return usageError(QStringLiteral("--controller-delay must be a number of milliseconds"));
    options.failRollouts = parser.isSet(QStringLiteral("fail-rollouts"));
    options.maxServerMinor = parser.value(QStringLiteral("server-minor")).toInt(&ok);
    if (!ok || options.maxServerMinor < 20)
        return usageError(QStringLiteral("--server-minor must be a Kubernetes minor version such as 32"));
    options.listenAddress = QHostAddress(parser.value(QStringLiteral("listen")));
    if (options.listenAddress.isNull())
        return usageError(QStringLiteral("--listen must be an IP address"));
    options.kubeconfigPath = parser.value(QStringLiteral("kubeconfig-out"));
    for (auto [name, value] : {std::pair{"header-timeout", &options.http.headTimeoutMs}, std::pair{"max-connections", &options.http.maxConnections},
                               std::pair{"max-connections-per-client", &options.http.maxConnectionsPerClient}}) {
        *value = parser.value(QString::fromLatin1(name)).toInt(&ok);
        if (!ok || *value <= 0)
            return usageError(QStringLiteral("--%1 must be a positive number").arg(QLatin1String(name)));
    }

    options.faultRate = parser.value(QStringLiteral("inject-faults")).toDouble(&ok);
    if (!ok || options.faultRate < 0 || options.faultRate > 1)
        return usageError(QStringLiteral("--inject-faults must be a fraction from 0 to 1, such as 0.1"));
    options.faultSeed = parser.value(QStringLiteral("fault-seed")).toULongLong(&ok);
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
