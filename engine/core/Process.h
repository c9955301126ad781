#pragma once

// Running external tools (kustomize, kubectl, helm, git) as child processes.

#include "Cancel.h"
#include "Result.h"

#include <QByteArray>
#include <QStringList>

namespace sluice {

struct ToolRun
{
    QString program;          // name looked up on PATH, or an absolute path
    QStringList arguments;
    QString workingDirectory; // empty = inherit
    int timeoutMs = 120000;
    QStringList extraEnvironment; // "NAME=value" entries added to the inherited environment
    QByteArray standardInput;     // written to the tool's stdin, which is then closed; empty =
                                  // stdin closed at once. May hold a secret: never logged.
};

struct ToolOutput
{
    QByteArray standardOutput;
    QByteArray standardError;
    int exitCode = 0;
};

// Runs the tool to completion on the calling thread (which needs no event loop).
// Errors: the tool is missing ("kustomize not found on PATH"), it timed out, it was cancelled,
// or it exited non-zero (the error's detail is its stderr, code its exit code).
// Contract: blocks; call from a worker thread; polls `cancel` every 50 ms.
Result<ToolOutput> runTool(const ToolRun &run, const CancelToken &cancel = {});

// The absolute path of `program` on PATH, or empty when it is not there.
QString findTool(const QString &program);

} // namespace sluice
