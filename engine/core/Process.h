#pragma once

// Running external tools (kustomize, kubectl, helm, git, exec credential plugins) as child
// processes. Each tool runs in a session of its own, so its process group holds whatever it
// starts; a timeout, a cancel or an output cap kills the whole group, leaving no orphan behind.

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
    qsizetype maxOutputBytes = 0; // per stream (stdout, stderr); 0 = no limit. A tool that
                                  // prints more is stopped: nothing it prints is read past this.
};

struct ToolOutput
{
    QByteArray standardOutput;
    QByteArray standardError;
    int exitCode = 0;
};

// Runs the tool to completion on the calling thread (which needs no event loop).
// Errors: the tool is missing ("kustomize not found on PATH"), it timed out, it was cancelled,
// it printed more than run.maxOutputBytes on a stream, or it exited non-zero (the error's detail
// is its stderr, code its exit code; code is 0 for every other error).
// Contract: blocks; call from a worker thread; polls `cancel` every 50 ms.
Result<ToolOutput> runTool(const ToolRun &run, const CancelToken &cancel = {});

// Kills the process groups of every tool running now. Async-signal-safe: for a handler of a
// signal that ends the program, since the tools are in their own groups, not the terminal's.
void killRunningTools();

// Installs handlers for SIGINT, SIGTERM and SIGHUP that call killRunningTools() and then end the
// program by the signal as before. For command-line programs; call once at startup.
void killRunningToolsOnTerminationSignals();

// Where scripts/deps.sh installs the tools Debian does not package (helm as `helm`, helm 4 as
// `helm4`): $SLUICE_TOOLS_DIR, else $XDG_DATA_HOME/sluice/tools, else ~/.local/share/sluice/tools.
QString toolsDirectory();

// The absolute path of `program`: as given when it is a path, else on PATH, else in
// toolsDirectory(); empty when it is nowhere.
QString findTool(const QString &program);

// What the tool prints about its version ("v3.17.3+ge4da497" for `helm version --short`), or
// an error (not found, or it failed). `arguments`: what makes it print its version. Blocks.
Result<QString> toolVersion(const QString &program, const QStringList &arguments);

} // namespace sluice
