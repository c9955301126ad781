#pragma once

// The destination cluster of an application: a kubeconfig context, or the workspace's sandbox
// started on demand (a detached `sluice-sandbox` process that stays up for the next command).
//
// Thread: blocking calls; run them on a worker thread. A ClusterConnection may be shared by
// threads (KubeClient and DiscoveryCache are thread-safe).

#include "kube/ApiDiscovery.h"
#include "workspace/Workspace.h"

#include <functional>
#include <memory>

namespace sluice::sync {

// The application's name as Kubernetes accepts it in a label value and an object name (the
// tracking label, the history ConfigMap, the Lease): a discovered "<cluster>/<name>" becomes
// "<cluster>.<name>"; other names are already valid and stay as they are.
QString clusterSafeName(const QString &application);

struct ClusterConnection
{
    QString name;        // the workspace's cluster name
    QString contextName; // kubeconfig context ("sluice-sandbox" for the sandbox)
    QString server;
    std::shared_ptr<kube::KubeClient> client;
    std::shared_ptr<kube::DiscoveryCache> discovery;

    // "cluster prod (context do-nyc1-prod, https://…)": for errors and confirmations.
    QString describe() const;
};

// Whether connecting to a sandbox cluster starts its sandbox when it is not running. A command,
// a status check or a live diff starts it; a watch only follows one that runs (a sandbox stopped
// with `sluicectl sandbox stop` stays stopped until the user asks for something of it).
enum class SandboxStart { IfStopped, Never };

// Resolves the cluster's kubeconfig context (or attaches to its sandbox, started as `start`
// says) and creates a client. Does not contact a kubeconfig cluster; errors name the cluster
// and what to do.
Result<ClusterConnection> connectCluster(const ClusterConfig &cluster, const CancelToken &cancel = {},
                                         SandboxStart start = SandboxStart::IfStopped);

// --- the sandbox as a background process ---------------------------------------------------

struct SandboxState
{
    bool running = false;
    qint64 pid = 0;
    QString url;        // https://127.0.0.1:PORT when running
    QString kubeconfig; // <dataDir>/kubeconfig
    QString logFile;    // <dataDir>/sandbox.log
    bool startedNow = false; // ensureSandbox started the process (it was not running)
};

// Whether the sandbox of `dataDir` runs (its pid file names a live sluice-sandbox). Cheap.
SandboxState sandboxState(const QString &dataDir);

// Starts `sluice-sandbox --data-dir DIR` detached unless it already runs, and waits (up to
// 20 s) until it serves. Two callers at once start one process (a lock file in DIR). The
// binary: $SLUICE_SANDBOX_BIN, next to this executable, ../sluice-sandbox/ (build tree), PATH.
Result<SandboxState> ensureSandbox(const QString &dataDir, const CancelToken &cancel = {});

// Stops it (SIGTERM, then waits up to 10 s). Not running is not an error. Holds the start lock
// meanwhile: a start waits for the stop to end (or it would find the pid file of the sandbox
// being stopped, or have its own removed).
Status stopSandbox(const QString &dataDir);

// The data dirs of the sandboxes this process started (ensureSandbox, from any thread) and has
// not stopped, in the order started: what the window stops when it quits, whichever of its jobs
// (a status check, a live diff, a sync) started one. Thread-safe.
QStringList sandboxesStartedHere();

// Called each time ensureSandbox starts a sandbox in this process, from whichever job (a status
// check, a live review, a sync), with its data dir and address: the window says so on its
// status bar. It runs on the starting thread under a lock that setSandboxStartedHandler() takes
// too, so once a handler is replaced (or cleared: {}) it is not running and never runs again.
// Keep it short: post and return.
using SandboxStartedHandler = std::function<void(const QString &dataDir, const QString &url)>;
void setSandboxStartedHandler(SandboxStartedHandler handler);

} // namespace sluice::sync
