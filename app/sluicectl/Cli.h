#pragma once

// Shared plumbing of sluicectl commands: output streams, colour, exit codes, workspace.

#include "core/Result.h"
#include "diff/ResourceDiff.h"
#include "workspace/Workspace.h"

#include <QFile>
#include <QHash>
#include <QTextStream>

namespace sluice::cli {

// Exit codes, like `kubectl diff`: 0 same / success, 1 differences, 2 error.
enum ExitCode { ExitOk = 0, ExitDifferences = 1, ExitError = 2 };

struct Context
{
    QString workspacePath = QStringLiteral("sluice.yaml");
    QString repo; // --repo: a Flux or Argo CD repository opened without a workspace file
    QHash<QString, QString> clusterContexts; // --cluster-context CLUSTER=CONTEXT, for --repo
    bool json = false;
    bool color = false; // only on a TTY, and not when NO_COLOR is set
    bool diskCache = true;
    int requestTimeoutMs = 0; // --request-timeout: per API request attempt, on every cluster; 0 = default
    int requestRetries = -1;  // --request-retries: extra attempts of a retryable request; -1 = default
};

QTextStream &out();
QTextStream &err();

// Standard output as a QFile, for writers that take a device: openAfterOut() places it after
// what out() holds; when it is destroyed, a write that failed is noted with QFile's reason for
// the check at the end of the command (noteStandardOutputError).
class StandardOutputFile : public QFile
{
public:
    bool openAfterOut();
    ~StandardOutputFile() override;
};

// Prints "error: …" (and the detail) to stderr and returns ExitError.
int fail(const Error &error);
int usageError(const QString &message);

// Wraps text in an ANSI colour when colour is on ("31" red, "32" green, "33" yellow, "1" bold,
// "36" cyan, "2" dim).
QString paint(const Context &ctx, const char *code, const QString &text);

// "2 added, 0 removed, 1 changed, 40 unchanged"
QString summaryLine(const DiffSummary &summary);
// One differing object: "~ Deployment shop/web (2 fields)  NOTE", its field changes and, unless
// `stat`, its coloured unified diff.
void printObjectDiff(const Context &ctx, const ObjectDiff &object, const QString &note, bool stat);

// The workspace file, or with --repo the applications discovered in that repository.
Result<Workspace> loadWorkspace(const Context &ctx);
Result<const ApplicationConfig *> findApplication(const Workspace &ws, const QString &name);

// The render cache used by the CLI: on disk under the XDG cache dir unless disabled.
QString renderCacheDir(const Context &ctx);

} // namespace sluice::cli
