// sluicectl: Sluice's command-line interface (headless review for now).

#include "Cli.h"
#include "ClusterCommands.h"
#include "ReviewCommands.h"

#include <QCommandLineParser>
#include <QCoreApplication>

#include <unistd.h>

using namespace sluice::cli;

namespace {

const char *const kUsage = R"(Usage: sluicectl [--workspace FILE] [--json] COMMAND ...

Commands:
  review APP --base REV --head REV [--stat]   rendered diff between two revisions, object by object
  commits APP --base REV [--head REV] [--first-parent]
                                              pending commits and the objects each one changes
  render APP [--revision REV] [-o yaml|json]  the rendered objects (secrets masked)
  cluster check [--context NAME] [--kubeconfig FILE]
                                              server version, API groups, who am I, latency

Revisions: a branch, tag, remote branch (origin/main), pull/N, a short or long SHA, main~2,
or WORKTREE for the uncommitted state of a local clone.

Options:
  --workspace FILE   the workspace file (default ./sluice.yaml)
  --json             machine-readable output
  --no-cache         do not read or write the render cache on disk
  -h, --help         this help

Clusters come from kubectl's rules: KUBECONFIG (a ':' list) or ~/.kube/config.

Exit codes (review): 0 no differences, 1 differences, 2 error.
)";

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("sluicectl"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SLUICE_VERSION));

    QCommandLineParser parser;
    parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsOptions);
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("help"));
    const QCommandLineOption version(QStringLiteral("version"), QStringLiteral("version"));
    const QCommandLineOption workspace(QStringLiteral("workspace"), QStringLiteral("workspace file"), QStringLiteral("FILE"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("JSON output"));
    const QCommandLineOption noCache(QStringLiteral("no-cache"), QStringLiteral("no disk cache"));
    const QCommandLineOption base(QStringLiteral("base"), QStringLiteral("base revision"), QStringLiteral("REV"));
    const QCommandLineOption head(QStringLiteral("head"), QStringLiteral("head revision"), QStringLiteral("REV"));
    const QCommandLineOption revision(QStringLiteral("revision"), QStringLiteral("revision"), QStringLiteral("REV"));
    const QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")}, QStringLiteral("format"), QStringLiteral("FORMAT"), QStringLiteral("yaml"));
    const QCommandLineOption stat(QStringLiteral("stat"), QStringLiteral("object list only"));
    const QCommandLineOption firstParent(QStringLiteral("first-parent"), QStringLiteral("first-parent history"));
    const QCommandLineOption context(QStringLiteral("context"), QStringLiteral("kubeconfig context"), QStringLiteral("NAME"));
    const QCommandLineOption kubeconfig(QStringLiteral("kubeconfig"), QStringLiteral("kubeconfig file"), QStringLiteral("FILE"));
    parser.addOptions({help, version, workspace, json, noCache, base, head, revision, output, stat, firstParent, context, kubeconfig});
    parser.addPositionalArgument(QStringLiteral("command"), QStringLiteral("command"));

    if (!parser.parse(QCoreApplication::arguments()))
        return usageError(parser.errorText());
    if (parser.isSet(help)) {
        out() << kUsage;
        return ExitOk;
    }
    if (parser.isSet(version)) {
        out() << "sluicectl " << SLUICE_VERSION << Qt::endl;
        return ExitOk;
    }

    Context ctx;
    if (parser.isSet(workspace))
        ctx.workspacePath = parser.value(workspace);
    ctx.json = parser.isSet(json);
    ctx.diskCache = !parser.isSet(noCache);
    ctx.color = isatty(STDOUT_FILENO) && qEnvironmentVariableIsEmpty("NO_COLOR") && !ctx.json;

    const QStringList args = parser.positionalArguments();
    if (args.isEmpty()) {
        err() << kUsage;
        return ExitError;
    }
    const QString command = args.first();
    if (command == QLatin1String("cluster")) {
        if (args.value(1) != QLatin1String("check") || args.size() > 2)
            return usageError(QStringLiteral("cluster needs a subcommand: cluster check"));
        return runClusterCheck(ctx, parser.value(context), parser.value(kubeconfig));
    }
    const QString appName = args.value(1);
    if (args.size() > 2)
        return usageError(QStringLiteral("unexpected argument \"%1\"").arg(args.at(2)));
    const bool needsApp = command == QLatin1String("review") || command == QLatin1String("commits") ||
                          command == QLatin1String("render");
    if (needsApp && appName.isEmpty())
        return usageError(QStringLiteral("%1 needs an application name").arg(command));

    if (command == QLatin1String("review"))
        return runReview(ctx, {appName, parser.value(base), parser.value(head), parser.isSet(stat)});
    if (command == QLatin1String("commits"))
        return runCommits(ctx, {appName, parser.value(base), parser.value(head), parser.isSet(firstParent)});
    if (command == QLatin1String("render"))
        return runRender(ctx, {appName, parser.value(revision), parser.value(output)});
    return usageError(QStringLiteral("unknown command \"%1\"").arg(command));
}
