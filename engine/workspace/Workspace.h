#pragma once

// The workspace file (sluice.yaml): clusters and applications.

#include "diff/Normalize.h"
#include "render/Renderer.h"
#include "core/Result.h"

#include <QList>
#include <QString>

#include <optional>

namespace sluice {

struct ClusterConfig
{
    QString name;
    QString context;        // a kubeconfig context, or empty for the sandbox
    QString kubeconfig;     // optional explicit kubeconfig path (absolute)
    bool sandbox = false;
    QString sandboxDataDir; // absolute
    bool isProtected = false; // `protected: true`: changing it needs the application's name typed
    int requestTimeoutMs = 0; // per API request attempt; 0 = the client's default (sluicectl --request-timeout)
    int requestRetries = -1;  // extra attempts of a retryable request; -1 = the client's default (--request-retries)
};

// The Flux or Argo CD object that deploys an application (`controller:` in sluice.yaml; set for
// applications discovered in a Flux or Argo CD repository). Sluice also finds it from the live
// objects' labels; this names it before anything is applied.
struct ControllerRef
{
    QString kind; // Kustomization, HelmRelease (Flux) or Application (Argo CD); empty = none
    QString ns;
    QString name;
};

struct ApplicationConfig
{
    QString name;
    QString repo;     // as written: a URL or a local path
    QString repoPath; // a local path made absolute against the workspace dir; empty for URLs
    QString revision = QStringLiteral("HEAD"); // the tracked revision
    QString path = QStringLiteral(".");        // inside the repository
    RenderOptions render;                       // renderer, helm options, default namespace
    QString cluster;                            // destination cluster name
    QString clusterLabel;                       // a discovered cluster with no context chosen:
                                                // grouped under it, offline (no status, no sync)
    QString origin;                             // where a discovered application is declared
    QString ns;                                 // destination namespace
    ControllerRef controller;
    bool prune = false;
    int historyLimit = 20; // sync entries kept in the cluster's history ConfigMap
    QList<IgnoreRule> ignore;
    int line = 0; // where it is declared in the file
};

struct Workspace
{
    QString file; // absolute path of sluice.yaml
    QString dir;  // its directory
    QList<ClusterConfig> clusters;
    QList<ApplicationConfig> applications;

    const ApplicationConfig *application(const QString &name) const;
    const ClusterConfig *cluster(const QString &name) const;
};

// Parses and validates workspace text. Unknown keys, wrong types, missing fields, duplicate
// names, unknown destination clusters and bad renderer names are errors naming file:line.
// Relative paths resolve against `dir`. Pure (no I/O): clusters are not contacted.
Result<Workspace> parseWorkspace(const QByteArray &text, const QString &file, const QString &dir);

// Reads and parses a workspace file.
Result<Workspace> loadWorkspace(const QString &path);

// The workspace as sluice.yaml text that parses back to the same workspace, for a file in `dir`
// (local repositories are written relative to it). Discovered applications keep their render
// options (flux, recurse) so they render the same.
QByteArray workspaceYaml(const Workspace &workspace, const QString &dir);

} // namespace sluice
