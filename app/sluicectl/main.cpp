// sluicectl: Sluice's command-line interface: review, and the cluster side (status, sync, rollback).

#include "Cli.h"
#include "ClusterCommands.h"
#include "Completion.h"
#include "ReviewCommands.h"
#include "SyncCommands.h"
#include "Usage.h"
#include "core/Heap.h"
#include "core/Process.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QIODevice>

#include <unistd.h>

using namespace sluice::cli;

namespace {

int runCommand(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("sluicectl"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SLUICE_VERSION));
    // The tools sluicectl runs are in process groups of their own, which Ctrl+C does not reach.
    sluice::killRunningToolsOnTerminationSignals();

    const ProgramSpec &spec = sluicectlSpec();
    if (int code = answerInformationalOptions(spec, argc, argv, QStringLiteral(SLUICE_VERSION), QStringLiteral("error")); code >= 0)
        return code;
    if (argc > 1 && qstrcmp(argv[1], "__complete") == 0)
        return runComplete(QCoreApplication::arguments().mid(2));
    sluice::reserveHeapInLargePages(); // not for --help, --version or a shell's completion
    // Into a file or a pipe, standard output is written in blocks of 64 KiB (stdio's 4 KiB made a
    // review's text four times the system calls); out().flush() still writes at once.
    static char stdoutBuffer[1 << 16]; // glibc takes a size only with a buffer
    if (!isatty(STDOUT_FILENO))
        std::setvbuf(stdout, stdoutBuffer, _IOFBF, sizeof stdoutBuffer);

    QCommandLineParser parser;
    parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsOptions);
    parser.addOptions(commandLineOptions(spec));
    parser.addPositionalArgument(QStringLiteral("command"), QStringLiteral("command"));

    if (!parser.parse(QCoreApplication::arguments()))
        return usageError(parser.errorText());

    Context ctx;
    if (parser.isSet(QStringLiteral("workspace")) && parser.isSet(QStringLiteral("repo")))
        return usageError(QStringLiteral("--workspace and --repo are two ways to say what to open: give one"));
    if (parser.isSet(QStringLiteral("workspace")))
        ctx.workspacePath = parser.value(QStringLiteral("workspace"));
    ctx.repo = parser.value(QStringLiteral("repo"));
    for (const QString &mapping : parser.values(QStringLiteral("cluster-context"))) {
        if (!mapping.contains(QLatin1Char('=')) || ctx.repo.isEmpty())
            return usageError(QStringLiteral("--cluster-context takes CLUSTER=CONTEXT, with --repo"));
        ctx.clusterContexts.insert(mapping.section(QLatin1Char('='), 0, 0), mapping.section(QLatin1Char('='), 1));
    }
    ctx.json = parser.isSet(QStringLiteral("json"));
    ctx.diskCache = !parser.isSet(QStringLiteral("no-cache"));
    ctx.color = isatty(STDOUT_FILENO) && qEnvironmentVariableIsEmpty("NO_COLOR") && !ctx.json;
    if (parser.isSet(QStringLiteral("request-timeout"))) {
        auto ms = parseDuration(parser.value(QStringLiteral("request-timeout")));
        if (!ms || *ms <= 0)
            return usageError(QStringLiteral("--request-timeout needs a positive duration such as 10s"));
        ctx.requestTimeoutMs = *ms;
    }
    if (parser.isSet(QStringLiteral("request-retries"))) {
        bool ok = false;
        ctx.requestRetries = parser.value(QStringLiteral("request-retries")).toInt(&ok);
        if (!ok || ctx.requestRetries < 0 || ctx.requestRetries > 100)
            return usageError(QStringLiteral("--request-retries needs a number from 0 to 100"));
    }

    const QStringList args = parser.positionalArguments();
    if (args.isEmpty()) {
        err() << helpText(spec);
        return ExitError;
    }
    const QString command = args.first();
    if (command == QLatin1String("cluster")) {
        if (args.value(1) != QLatin1String("check") || args.size() > 2)
            return usageError(QStringLiteral("cluster needs a subcommand: cluster check"));
        return runClusterCheck(ctx, parser.value(QStringLiteral("context")), parser.value(QStringLiteral("kubeconfig")),
                               parser.isSet(QStringLiteral("timeout")) ? parser.value(QStringLiteral("timeout")) : QString());
    }
    if (command == QLatin1String("completion"))
        return args.size() == 2 ? runCompletionScript(args.at(1)) : usageError(QStringLiteral("completion needs a shell: bash, zsh or fish"));
    if (command == QLatin1String("status"))
        return runStatus(ctx, args.mid(1));
    if (command == QLatin1String("apps"))
        return args.size() == 1 ? runApps(ctx, parser.value(QStringLiteral("save"))) : usageError(QStringLiteral("apps takes no arguments"));
    if (command == QLatin1String("tools"))
        return args.size() == 1 ? runTools(ctx) : usageError(QStringLiteral("tools takes no arguments"));
    if (command == QLatin1String("sandbox")) {
        if (args.size() != 2)
            return usageError(QStringLiteral("sandbox needs one subcommand: start, stop or status"));
        return runSandbox(ctx, args.at(1));
    }
    const QString appName = args.value(1);
    const bool gitRevertMode = command == QLatin1String("rollback") && parser.isSet(QStringLiteral("git-revert"));
    if (args.size() > 2 && !gitRevertMode)
        return usageError(QStringLiteral("unexpected argument \"%1\"").arg(args.at(2)));
    const bool needsApp = QStringList{QStringLiteral("review"), QStringLiteral("commits"), QStringLiteral("render"),
                                      QStringLiteral("diff"), QStringLiteral("sync"), QStringLiteral("history"),
                                      QStringLiteral("rollback"), QStringLiteral("reconcile"), QStringLiteral("suspend"),
                                      QStringLiteral("resume"), QStringLiteral("refresh")}.contains(command);
    const bool comparing = command == QLatin1String("review") && (parser.isSet(QStringLiteral("base-app")) || parser.isSet(QStringLiteral("head-app")));
    if (comparing && (!appName.isEmpty() || !parser.isSet(QStringLiteral("base-app")) || !parser.isSet(QStringLiteral("head-app"))))
        return usageError(QStringLiteral("compare environments with --base-app APP --head-app APP (and no application name)"));
    if (needsApp && appName.isEmpty() && !comparing)
        return usageError(QStringLiteral("%1 needs an application name").arg(command));

    if (command == QLatin1String("review"))
        return runReview(ctx, {appName, parser.value(QStringLiteral("base")), parser.value(QStringLiteral("head")), parser.isSet(QStringLiteral("stat")), parser.value(QStringLiteral("base-app")),
                               parser.value(QStringLiteral("head-app")), parser.isSet(QStringLiteral("output")) ? parser.value(QStringLiteral("output")) : QString(),
                               parser.isSet(QStringLiteral("diff-tool")) ? parser.value(QStringLiteral("diff-tool")) : qEnvironmentVariable("SLUICE_EXTERNAL_DIFF")});
    if (command == QLatin1String("commits"))
        return runCommits(ctx, {appName, parser.value(QStringLiteral("base")), parser.value(QStringLiteral("head")), parser.isSet(QStringLiteral("first-parent"))});
    if (command == QLatin1String("render"))
        return runRender(ctx, {appName, parser.value(QStringLiteral("revision")),
                               parser.isSet(QStringLiteral("output")) ? parser.value(QStringLiteral("output")) : QStringLiteral("yaml")});
    if (command == QLatin1String("diff"))
        return runLiveDiff(ctx, appName, parser.value(QStringLiteral("revision")));
    if (command == QLatin1String("sync")) {
        return runSync(ctx, {appName, parser.value(QStringLiteral("revision")), parser.isSet(QStringLiteral("dry-run")), parser.isSet(QStringLiteral("prune")), parser.values(QStringLiteral("only")),
                             !parser.isSet(QStringLiteral("no-wait")), parser.value(QStringLiteral("timeout")), parser.isSet(QStringLiteral("release-hold")), parser.value(QStringLiteral("confirm"))});
    }
    if (command == QLatin1String("history"))
        return runHistory(ctx, appName);
    if (QStringList{QStringLiteral("reconcile"), QStringLiteral("suspend"), QStringLiteral("resume"), QStringLiteral("refresh")}.contains(command))
        return runControllerAction(ctx, command, appName, parser.isSet(QStringLiteral("with-source")), parser.isSet(QStringLiteral("hard")), parser.value(QStringLiteral("timeout")));
    if (command == QLatin1String("rollback")) {
        RollbackArgs rollback;
        rollback.app = appName;
        if (parser.isSet(QStringLiteral("to"))) {
            bool ok = false;
            rollback.toId = parser.value(QStringLiteral("to")).toInt(&ok);
            if (!ok || rollback.toId <= 0)
                return usageError(QStringLiteral("--to needs a history entry number (see sluicectl history %1)").arg(appName));
        }
        rollback.gitRevert = parser.values(QStringLiteral("git-revert")) + args.mid(2);
        rollback.branch = parser.value(QStringLiteral("branch"));
        rollback.push = parser.isSet(QStringLiteral("push"));
        rollback.dryRun = parser.isSet(QStringLiteral("dry-run"));
        rollback.wait = !parser.isSet(QStringLiteral("no-wait"));
        rollback.timeout = parser.value(QStringLiteral("timeout"));
        rollback.confirm = parser.value(QStringLiteral("confirm"));
        if (!rollback.gitRevert.isEmpty() && rollback.toId > 0)
            return usageError(QStringLiteral("rollback takes either --to ID (cluster rollback) or --git-revert REV, not both"));
        return runRollback(ctx, rollback);
    }
    return usageError(QStringLiteral("unknown command \"%1\"").arg(command));
}

// A command's output reached standard output whole, or the command fails: a review written
// into a file on a full disk must not end as if it had been written (or as "differences").
int checkedOutput(int code)
{
    out().flush();
    if (out().status() != QTextStream::Ok) // what QFile told of the write out() made last
        noteStandardOutputError(out().device()->errorString());
    return standardOutputComplete(QStringLiteral("error")) ? code : ExitError;
}

} // namespace

int main(int argc, char **argv)
{
    return checkedOutput(runCommand(argc, argv));
}
