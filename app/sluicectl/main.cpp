// sluicectl: Sluice's command-line interface: review, and the cluster side (status, sync, rollback).

#include "Cli.h"
#include "ClusterCommands.h"
#include "ReviewCommands.h"
#include "SyncCommands.h"
#include "core/Process.h"

#include <QCommandLineParser>
#include <QCoreApplication>

#include <unistd.h>

using namespace sluice::cli;

namespace {

const char *const kUsage = R"(Usage: sluicectl [--workspace FILE | --repo PATH_OR_URL] [--json] COMMAND ...

Commands:
  apps [--save FILE]                          the applications: a workspace's, or those a Flux or
                                              Argo CD repository deploys (--repo) and what was
                                              skipped; --save writes them as a sluice.yaml
  review APP --base REV --head REV [--stat]   rendered diff between two revisions, object by object;
                                              APP may be a cluster: all of its applications together
  review --base-app APP --head-app APP [--base REV] [--head REV]
                                              compare environments: what the head application runs
                                              that the base one does not (each at its revision)
  commits APP --base REV [--head REV] [--first-parent]
                                              pending commits and the objects each one changes
  render APP [--revision REV] [-o yaml|json]  the rendered objects (secrets masked)
  status [APP...]                             sync status, health, deployed vs tracked, pending commits, hold
  diff APP [--revision REV]                   live vs desired, object by object
  sync APP [--revision REV] [--dry-run] [--prune] [--only GROUP/KIND/NS/NAME]... [--no-wait]
           [--timeout D] [--release-hold] [--confirm APP]
                                              show the plan, apply it, wait for health
  history APP                                 syncs and rollbacks recorded in the cluster
  reconcile APP [--with-source] [--timeout D] through the Flux or Argo CD object that owns APP:
                                              Flux: reconcile.fluxcd.io/requestedAt, waited for
                                              until handled and Ready; Argo CD: refresh, then a
                                              sync operation, waited for until it ends
  suspend APP | resume APP                    Flux spec.suspend (resume then reconciles); Argo CD
                                              automated sync off / on
  refresh APP [--hard]                        Argo CD: argocd.argoproj.io/refresh, waited for
  rollback APP [--to ID] [--dry-run] [--confirm APP]
                                              cluster rollback to a history entry (default: the
                                              previous deployment), then hold further syncs
  rollback APP --git-revert REV... [--branch NAME] [--push] [--dry-run]
                                              a revert branch in your clone, and what it deploys
  sandbox start|stop|status                   the workspace's sandbox cluster
  tools                                       the kustomize and helm Sluice runs: version, path
  cluster check [--context NAME] [--kubeconfig FILE] [--timeout D]
                                              server version, API groups, who am I, latency
                                              (--timeout: per request, default 30s; no retries)

Revisions: a branch, tag, remote branch (origin/main), pull/N, a short or long SHA, main~2,
or WORKTREE for the uncommitted state of a local clone.

Options:
  --workspace FILE   the workspace file (default ./sluice.yaml)
  --repo PATH|URL    open a Flux or Argo CD repository as it is, no workspace file: each Flux
                     Kustomization is an application <cluster>/<name>, each Argo CD Application
                     of this repository one by its name
  --cluster-context CLUSTER=CONTEXT
                     with --repo: the kubeconfig context a cluster of it is on (repeatable);
                     without one a cluster is offline (review and render only)
  --json             machine-readable output
  --no-cache         do not read or write the render cache on disk
  --request-timeout D
                     give up on one attempt of an API request after D (default 30s)
  --request-retries N
                     attempts after a failed one (default 3, with backoff) of requests that
                     are safe to repeat: reads, server-side applies, deletes, creates
  -h, --help         this help

helm is looked up as $SLUICE_HELM, else on PATH, else in ~/.local/share/sluice/tools
(scripts/deps.sh installs it there; $SLUICE_TOOLS_DIR moves that folder).

Clusters come from kubectl's rules: KUBECONFIG (a ':' list) or ~/.kube/config.

A cluster marked `protected: true` in the workspace changes only with --confirm APP.

Exit codes: review/diff 0 no differences, 1 differences, 2 error; status 0 when Synced and
Healthy, 1 when not; sync/rollback 0 only when everything attempted succeeded (1 when not).
)";

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("sluicectl"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SLUICE_VERSION));
    // The tools sluicectl runs are in process groups of their own, which Ctrl+C does not reach.
    sluice::killRunningToolsOnTerminationSignals();

    QCommandLineParser parser;
    parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsOptions);
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("help"));
    const QCommandLineOption version(QStringLiteral("version"), QStringLiteral("version"));
    const QCommandLineOption workspace(QStringLiteral("workspace"), QStringLiteral("workspace file"), QStringLiteral("FILE"));
    const QCommandLineOption repo(QStringLiteral("repo"), QStringLiteral("a Flux or Argo CD repository"), QStringLiteral("PATH_OR_URL"));
    const QCommandLineOption clusterContext(QStringLiteral("cluster-context"), QStringLiteral("a repository's cluster on a context"),
                                            QStringLiteral("CLUSTER=CONTEXT"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("JSON output"));
    const QCommandLineOption noCache(QStringLiteral("no-cache"), QStringLiteral("no disk cache"));
    const QCommandLineOption requestTimeout(QStringLiteral("request-timeout"), QStringLiteral("per API request attempt"), QStringLiteral("D"));
    const QCommandLineOption requestRetries(QStringLiteral("request-retries"), QStringLiteral("retries of an API request"), QStringLiteral("N"));
    const QCommandLineOption base(QStringLiteral("base"), QStringLiteral("base revision"), QStringLiteral("REV"));
    const QCommandLineOption head(QStringLiteral("head"), QStringLiteral("head revision"), QStringLiteral("REV"));
    const QCommandLineOption revision(QStringLiteral("revision"), QStringLiteral("revision"), QStringLiteral("REV"));
    const QCommandLineOption save(QStringLiteral("save"), QStringLiteral("write a sluice.yaml"), QStringLiteral("FILE"));
    const QCommandLineOption baseApp(QStringLiteral("base-app"), QStringLiteral("base application"), QStringLiteral("APP"));
    const QCommandLineOption headApp(QStringLiteral("head-app"), QStringLiteral("head application"), QStringLiteral("APP"));
    const QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")}, QStringLiteral("format"), QStringLiteral("FORMAT"), QStringLiteral("yaml"));
    const QCommandLineOption stat(QStringLiteral("stat"), QStringLiteral("object list only"));
    const QCommandLineOption firstParent(QStringLiteral("first-parent"), QStringLiteral("first-parent history"));
    const QCommandLineOption context(QStringLiteral("context"), QStringLiteral("kubeconfig context"), QStringLiteral("NAME"));
    const QCommandLineOption kubeconfig(QStringLiteral("kubeconfig"), QStringLiteral("kubeconfig file"), QStringLiteral("FILE"));
    const QCommandLineOption dryRun(QStringLiteral("dry-run"), QStringLiteral("dryRun=All: change nothing"));
    const QCommandLineOption prune(QStringLiteral("prune"), QStringLiteral("delete objects no longer in Git"));
    const QCommandLineOption only(QStringLiteral("only"), QStringLiteral("selective sync"), QStringLiteral("GROUP/KIND/NS/NAME"));
    const QCommandLineOption noWait(QStringLiteral("no-wait"), QStringLiteral("do not wait for health"));
    const QCommandLineOption timeout(QStringLiteral("timeout"), QStringLiteral("health wait"), QStringLiteral("D"), QStringLiteral("5m"));
    const QCommandLineOption releaseHold(QStringLiteral("release-hold"), QStringLiteral("lift a rollback hold"));
    const QCommandLineOption to(QStringLiteral("to"), QStringLiteral("history entry"), QStringLiteral("ID"));
    const QCommandLineOption gitRevert(QStringLiteral("git-revert"), QStringLiteral("commit to revert"), QStringLiteral("REV"));
    const QCommandLineOption branch(QStringLiteral("branch"), QStringLiteral("revert branch name"), QStringLiteral("NAME"));
    const QCommandLineOption push(QStringLiteral("push"), QStringLiteral("push the revert branch"));
    const QCommandLineOption withSource(QStringLiteral("with-source"), QStringLiteral("reconcile the Flux source first"));
    const QCommandLineOption hard(QStringLiteral("hard"), QStringLiteral("an Argo CD hard refresh"));
    const QCommandLineOption diffTool(QStringLiteral("diff-tool"), QStringLiteral("external diff program"), QStringLiteral("PROGRAM"));
    const QCommandLineOption confirm(QStringLiteral("confirm"), QStringLiteral("the application's name, for a protected cluster"), QStringLiteral("NAME"));
    parser.addOptions({help, version, workspace, repo, clusterContext, json, noCache, requestTimeout, requestRetries, base, head, revision, save, baseApp, headApp, output, stat, firstParent, context, kubeconfig,
                       dryRun, prune, only, noWait, timeout, releaseHold, to, gitRevert, branch, push, withSource, hard, confirm, diffTool});
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
    if (parser.isSet(workspace) && parser.isSet(repo))
        return usageError(QStringLiteral("--workspace and --repo are two ways to say what to open: give one"));
    if (parser.isSet(workspace))
        ctx.workspacePath = parser.value(workspace);
    ctx.repo = parser.value(repo);
    for (const QString &mapping : parser.values(clusterContext)) {
        if (!mapping.contains(QLatin1Char('=')) || ctx.repo.isEmpty())
            return usageError(QStringLiteral("--cluster-context takes CLUSTER=CONTEXT, with --repo"));
        ctx.clusterContexts.insert(mapping.section(QLatin1Char('='), 0, 0), mapping.section(QLatin1Char('='), 1));
    }
    ctx.json = parser.isSet(json);
    ctx.diskCache = !parser.isSet(noCache);
    ctx.color = isatty(STDOUT_FILENO) && qEnvironmentVariableIsEmpty("NO_COLOR") && !ctx.json;
    if (parser.isSet(requestTimeout)) {
        auto ms = parseDuration(parser.value(requestTimeout));
        if (!ms || *ms <= 0)
            return usageError(QStringLiteral("--request-timeout needs a positive duration such as 10s"));
        ctx.requestTimeoutMs = *ms;
    }
    if (parser.isSet(requestRetries)) {
        bool ok = false;
        ctx.requestRetries = parser.value(requestRetries).toInt(&ok);
        if (!ok || ctx.requestRetries < 0 || ctx.requestRetries > 100)
            return usageError(QStringLiteral("--request-retries needs a number from 0 to 100"));
    }

    const QStringList args = parser.positionalArguments();
    if (args.isEmpty()) {
        err() << kUsage;
        return ExitError;
    }
    const QString command = args.first();
    if (command == QLatin1String("cluster")) {
        if (args.value(1) != QLatin1String("check") || args.size() > 2)
            return usageError(QStringLiteral("cluster needs a subcommand: cluster check"));
        return runClusterCheck(ctx, parser.value(context), parser.value(kubeconfig),
                               parser.isSet(timeout) ? parser.value(timeout) : QString());
    }
    if (command == QLatin1String("status"))
        return runStatus(ctx, args.mid(1));
    if (command == QLatin1String("apps"))
        return args.size() == 1 ? runApps(ctx, parser.value(save)) : usageError(QStringLiteral("apps takes no arguments"));
    if (command == QLatin1String("tools"))
        return args.size() == 1 ? runTools(ctx) : usageError(QStringLiteral("tools takes no arguments"));
    if (command == QLatin1String("sandbox")) {
        if (args.size() != 2)
            return usageError(QStringLiteral("sandbox needs one subcommand: start, stop or status"));
        return runSandbox(ctx, args.at(1));
    }
    const QString appName = args.value(1);
    const bool gitRevertMode = command == QLatin1String("rollback") && parser.isSet(gitRevert);
    if (args.size() > 2 && !gitRevertMode)
        return usageError(QStringLiteral("unexpected argument \"%1\"").arg(args.at(2)));
    const bool needsApp = QStringList{QStringLiteral("review"), QStringLiteral("commits"), QStringLiteral("render"),
                                      QStringLiteral("diff"), QStringLiteral("sync"), QStringLiteral("history"),
                                      QStringLiteral("rollback"), QStringLiteral("reconcile"), QStringLiteral("suspend"),
                                      QStringLiteral("resume"), QStringLiteral("refresh")}.contains(command);
    const bool comparing = command == QLatin1String("review") && (parser.isSet(baseApp) || parser.isSet(headApp));
    if (comparing && (!appName.isEmpty() || !parser.isSet(baseApp) || !parser.isSet(headApp)))
        return usageError(QStringLiteral("compare environments with --base-app APP --head-app APP (and no application name)"));
    if (needsApp && appName.isEmpty() && !comparing)
        return usageError(QStringLiteral("%1 needs an application name").arg(command));

    if (command == QLatin1String("review"))
        return runReview(ctx, {appName, parser.value(base), parser.value(head), parser.isSet(stat), parser.value(baseApp),
                               parser.value(headApp), parser.isSet(output) ? parser.value(output) : QString(),
                               parser.isSet(diffTool) ? parser.value(diffTool) : qEnvironmentVariable("SLUICE_EXTERNAL_DIFF")});
    if (command == QLatin1String("commits"))
        return runCommits(ctx, {appName, parser.value(base), parser.value(head), parser.isSet(firstParent)});
    if (command == QLatin1String("render"))
        return runRender(ctx, {appName, parser.value(revision), parser.value(output)});
    if (command == QLatin1String("diff"))
        return runLiveDiff(ctx, appName, parser.value(revision));
    if (command == QLatin1String("sync")) {
        return runSync(ctx, {appName, parser.value(revision), parser.isSet(dryRun), parser.isSet(prune), parser.values(only),
                             !parser.isSet(noWait), parser.value(timeout), parser.isSet(releaseHold), parser.value(confirm)});
    }
    if (command == QLatin1String("history"))
        return runHistory(ctx, appName);
    if (QStringList{QStringLiteral("reconcile"), QStringLiteral("suspend"), QStringLiteral("resume"), QStringLiteral("refresh")}.contains(command))
        return runControllerAction(ctx, command, appName, parser.isSet(withSource), parser.isSet(hard), parser.value(timeout));
    if (command == QLatin1String("rollback")) {
        RollbackArgs rollback;
        rollback.app = appName;
        if (parser.isSet(to)) {
            bool ok = false;
            rollback.toId = parser.value(to).toInt(&ok);
            if (!ok || rollback.toId <= 0)
                return usageError(QStringLiteral("--to needs a history entry number (see sluicectl history %1)").arg(appName));
        }
        rollback.gitRevert = parser.values(gitRevert) + args.mid(2);
        rollback.branch = parser.value(branch);
        rollback.push = parser.isSet(push);
        rollback.dryRun = parser.isSet(dryRun);
        rollback.wait = !parser.isSet(noWait);
        rollback.timeout = parser.value(timeout);
        rollback.confirm = parser.value(confirm);
        if (!rollback.gitRevert.isEmpty() && rollback.toId > 0)
            return usageError(QStringLiteral("rollback takes either --to ID (cluster rollback) or --git-revert REV, not both"));
        return runRollback(ctx, rollback);
    }
    return usageError(QStringLiteral("unknown command \"%1\"").arg(command));
}
