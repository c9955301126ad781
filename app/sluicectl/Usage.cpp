#include "Usage.h"

namespace sluice::cli {

namespace {

QString s(const char *text)
{
    return QString::fromUtf8(text);
}

ProgramSpec makeSpec()
{
    ProgramSpec spec;
    spec.name = s("sluicectl");
    spec.summary = s("review, sync and roll back GitOps applications from the command line");
    spec.usage = s("[--workspace FILE | --repo PATH_OR_URL] [--json] COMMAND ...");
    spec.description = s(
        "sluicectl is the command-line side of Sluice. It reviews the rendered manifests of an application "
        "between two revisions object by object (secrets masked), lists pending commits, and on the cluster "
        "side shows sync status and health, syncs with a previewed plan, keeps a history and rolls back.\n\n"
        "Applications come from a workspace file (sluice.yaml) or, with --repo, from a Flux or Argo CD "
        "repository as it is.");

    spec.commands = {
        {s("apps [--save FILE]"), s("the applications: a workspace's, or those a Flux or Argo CD repository deploys (--repo) "
                                    "and what was skipped; --save writes them as a sluice.yaml")},
        {s("review APP --base REV --head REV [--stat] [-o markdown|html] [--diff-tool PROGRAM]"),
         s("rendered diff between two revisions, object by object; APP may be a cluster: all of its applications "
           "together. -o markdown or html writes a report for a pull request; --diff-tool opens base and head in a diff program")},
        {s("review --base-app APP --head-app APP [--base REV] [--head REV]"),
         s("compare environments: what the head application runs that the base one does not (each at its revision)")},
        {s("commits APP --base REV [--head REV] [--first-parent]"), s("pending commits and the objects each one changes")},
        {s("render APP [--revision REV] [-o yaml|json]"), s("the rendered objects (secrets masked)")},
        {s("status [APP]..."), s("sync status, health, deployed vs tracked, pending commits, hold")},
        {s("diff APP [--revision REV]"), s("live vs desired, object by object")},
        {s("sync APP [--revision REV] [--dry-run] [--prune] [--only GROUP/KIND/NS/NAME]... [--no-wait] [--timeout D] "
           "[--release-hold] [--confirm APP]"),
         s("show the plan, apply it, wait for health")},
        {s("history APP"), s("syncs and rollbacks recorded in the cluster")},
        {s("reconcile APP [--with-source] [--timeout D]"),
         s("through the Flux or Argo CD object that owns APP. Flux: reconcile.fluxcd.io/requestedAt, waited for until "
           "handled and Ready; Argo CD: refresh, then a sync operation, waited for until it ends")},
        {s("suspend APP"), s("Flux: spec.suspend; Argo CD: automated sync off")},
        {s("resume APP"), s("Flux: spec.suspend off, then a reconcile; Argo CD: automated sync on")},
        {s("refresh APP [--hard]"), s("Argo CD: argocd.argoproj.io/refresh, waited for")},
        {s("rollback APP [--to ID] [--dry-run] [--confirm APP]"),
         s("cluster rollback to a history entry (default: the previous deployment), then hold further syncs")},
        {s("rollback APP --git-revert REV... [--branch NAME] [--push] [--dry-run]"),
         s("a revert branch in your clone, and what it deploys")},
        {s("sandbox start|stop|status"), s("the workspace's sandbox cluster")},
        {s("tools"), s("the kustomize and helm Sluice runs: version, path")},
        {s("cluster check [--context NAME] [--kubeconfig FILE] [--timeout D]"),
         s("server version, API groups, who am I, latency (--timeout: per request, default 30s; no retries)")},
        {s("completion bash|zsh|fish"), s("the shell completion script (completes commands, options, applications and revisions)")},
    };

    spec.options = {
        option({s("workspace")}, s("FILE"), s("the workspace file (default ./sluice.yaml)"), Complete::Files),
        option({s("repo")}, s("PATH_OR_URL"),
         s("open a Flux or Argo CD repository as it is, no workspace file: each Flux Kustomization is an application "
           "<cluster>/<name>, each Argo CD Application of this repository one by its name"),
         Complete::Directories),
        option({s("cluster-context")}, s("CLUSTER=CONTEXT"),
         s("with --repo: the kubeconfig context a cluster of it is on (repeatable); without one a cluster is offline "
           "(review and render only)")),
        option({s("json")}, {}, s("machine-readable output")),
        option({s("no-cache")}, {}, s("do not read or write the render cache on disk")),
        option({s("request-timeout")}, s("D"), s("give up on one attempt of an API request after D (default 30s)")),
        option({s("request-retries")}, s("N"),
         s("attempts after a failed one (default 3, with backoff) of requests that are safe to repeat: reads, "
           "server-side applies, deletes, creates")),
        option({s("base")}, s("REV"), s("the base revision"), Complete::Revisions),
        option({s("head")}, s("REV"), s("the head revision (default: the tracked one)"), Complete::Revisions),
        option({s("revision")}, s("REV"), s("the revision to render, diff or sync (default: the tracked one)"), Complete::Revisions),
        option({s("stat")}, {}, s("the object list only, no text diffs")),
        option({s("base-app")}, s("APP"), s("the base application of an environment comparison"), Complete::Applications),
        option({s("head-app")}, s("APP"), s("the head application of an environment comparison"), Complete::Applications),
        option({s("o"), s("output")}, s("FORMAT"),
         s("render: yaml (default) or json; review: markdown or html, a report to post on a pull request "
           "(summary, a table of changed objects, each diff folded, secrets masked, capped below 65,536 characters)"),
         Complete::Choices, {s("yaml"), s("json"), s("markdown"), s("html")}),
        option({s("diff-tool")}, s("PROGRAM"),
         s("review: write base and head as directories of normalised, masked YAML, one file per object, and run "
           "PROGRAM BASE_DIR HEAD_DIR (as kubectl diff does with KUBECTL_EXTERNAL_DIFF); default $SLUICE_EXTERNAL_DIFF")),
        option({s("save")}, s("FILE"), s("apps: also write the applications as a sluice.yaml there (never over an existing file)"), Complete::Files),
        option({s("first-parent")}, {}, s("commits: follow only the first parent of merges")),
        option({s("context")}, s("NAME"), s("cluster check: the kubeconfig context (default: the current one)"), Complete::Contexts),
        option({s("kubeconfig")}, s("FILE"), s("cluster check: the kubeconfig file (default: KUBECONFIG, else ~/.kube/config)"), Complete::Files),
        option({s("dry-run")}, {}, s("sync, rollback: dryRun=All, change nothing")),
        option({s("prune")}, {}, s("sync: delete objects no longer in Git")),
        option({s("only")}, s("GROUP/KIND/NS/NAME"), s("sync: only this object (repeatable)")),
        option({s("no-wait")}, {}, s("sync, rollback: do not wait for health")),
        option({s("timeout")}, s("D"), s("how long to wait for health or for a controller (default 5m)"), Complete::Nothing, {}, s("5m")),
        option({s("release-hold")}, {}, s("sync: lift a rollback hold")),
        option({s("to")}, s("ID"), s("rollback: the history entry to go back to (see history)")),
        option({s("git-revert")}, s("REV"), s("rollback: a commit to revert (repeatable)"), Complete::Revisions),
        option({s("branch")}, s("NAME"), s("rollback --git-revert: the name of the revert branch")),
        option({s("push")}, {}, s("rollback --git-revert: push the revert branch")),
        option({s("with-source")}, {}, s("reconcile: reconcile the Flux source first")),
        option({s("hard")}, {}, s("refresh: an Argo CD hard refresh")),
        option({s("confirm")}, s("APP"), s("the application's name, needed to change a protected cluster"), Complete::Applications),
    };

    spec.sections = {
        {s("Revisions"), s("A branch, tag, remote branch (origin/main), pull/N, a short or long SHA, main~2, or WORKTREE "
                           "for the uncommitted state of a local clone.")},
        {s("Environment"),
         s("KUBECONFIG: clusters come from kubectl's rules, a ':' list of files, else ~/.kube/config.\n\n"
           "SLUICE_HELM: the helm program; else helm on PATH, else in ~/.local/share/sluice/tools (scripts/deps.sh "
           "installs it there; SLUICE_TOOLS_DIR moves that folder).\n\n"
           "SLUICE_EXTERNAL_DIFF: the diff program of review (see --diff-tool).\n\n"
           "NO_COLOR: no colours, even on a terminal.")},
        {s("Protected clusters"), s("A cluster marked protected: true in the workspace changes only with --confirm APP.")},
        {s("Exit codes"), s("review/diff 0 no differences, 1 differences, 2 error; status 0 when Synced and Healthy, 1 when "
                            "not; sync/rollback 0 only when everything attempted succeeded (1 when not); 2 for a usage error, and "
                            "for output that could not be written whole.")},
    };
    spec.seeAlso = {s("sluice(1)"), s("sluice-sandbox(1)"), s("kubectl(1)"), s("git(1)")};
    return spec;
}

} // namespace

const ProgramSpec &sluicectlSpec()
{
    static const ProgramSpec spec = makeSpec();
    return spec;
}

} // namespace sluice::cli
