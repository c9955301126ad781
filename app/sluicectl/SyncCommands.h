#pragma once

// The cluster side of sluicectl: status, live diff, sync, history, rollback, sandbox.

#include "Cli.h"

#include <QStringList>

namespace sluice::cli {

// `status [APP...]`: exit 0 when every application is Synced and Healthy, 1 when not, 2 on error.
int runStatus(const Context &ctx, const QStringList &apps);

// `diff APP [--revision REV]`: live vs desired, object by object; exit 0 same, 1 differs, 2 error.
int runLiveDiff(const Context &ctx, const QString &app, const QString &revision);

struct SyncArgs
{
    QString app;
    QString revision;
    bool dryRun = false;
    bool prune = false;
    QStringList only;
    bool wait = true;
    QString timeout = QStringLiteral("5m");
    bool releaseHold = false;
    QString confirm; // --confirm NAME, for a protected cluster
};
// Exit 0 only when everything attempted succeeded (and settled Healthy when waited).
int runSync(const Context &ctx, const SyncArgs &args);

int runHistory(const Context &ctx, const QString &app);

// `reconcile APP [--with-source]`, `suspend APP`, `resume APP`, `refresh APP [--hard]`: through the
// Flux or Argo CD object that owns the application (an error when none does).
int runControllerAction(const Context &ctx, const QString &verb, const QString &app, bool withSource, bool hard,
                        const QString &timeout);

struct RollbackArgs
{
    QString app;
    int toId = 0;
    QStringList gitRevert; // commits: Git-revert mode
    QString branch;
    bool push = false;
    bool dryRun = false;
    bool wait = true;
    QString timeout = QStringLiteral("5m");
    QString confirm;
};
int runRollback(const Context &ctx, const RollbackArgs &args);

// `sandbox start|stop|status` for the workspace's sandbox cluster.
int runSandbox(const Context &ctx, const QString &subcommand);

// "90s", "5m", "1h", "300" (seconds) in milliseconds; error text for anything else.
Result<int> parseDuration(const QString &text);

} // namespace sluice::cli
