#pragma once

#include "Cli.h"

namespace sluice::cli {

struct ReviewArgs
{
    QString app;     // an application, or a cluster (every application of it together)
    QString base;
    QString head;
    bool stat = false;
    QString baseApp; // compare environments: baseApp at base vs headApp at head (each
    QString headApp; // defaults to its tracked revision)
    QString output;   // --output: empty = text (or JSON with --json); markdown or html: a report
    QString diffTool; // --diff-tool, else $SLUICE_EXTERNAL_DIFF: open base and head in it
};
int runReview(const Context &ctx, const ReviewArgs &args);

struct CommitsArgs
{
    QString app;
    QString base;
    QString head; // empty = the application's tracked revision
    bool firstParent = false;
};
int runCommits(const Context &ctx, const CommitsArgs &args);

struct RenderArgs
{
    QString app;
    QString revision; // empty = the tracked revision
    QString output = QStringLiteral("yaml");
};
int runRender(const Context &ctx, const RenderArgs &args);

// The external renderers Sluice would run (kustomize, helm): program, version, path. Exit 0 when
// every one was found and answered, 2 when one is missing (what to do is in its line).
int runTools(const Context &ctx);

// The applications: with --repo, those discovered (kind, cluster, path, renderer, destination,
// where declared) and every skipped source with its reason; else the workspace's. `saveTo`:
// also write them as a sluice.yaml there (never over an existing file).
int runApps(const Context &ctx, const QString &saveTo = {});

} // namespace sluice::cli
