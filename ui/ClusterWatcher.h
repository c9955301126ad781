#pragma once

// Live status without polling: one watch per kind, cluster-wide, on the objects labelled
// sluice.dev/app in (the workspace's applications on this cluster). Each change (a new object
// of an application, a modification, a deletion) reports the application it belongs to;
// the ADDED events of the initial list are ignored for objects the last status already had at
// the same resourceVersion.
//
// A sandbox cluster is watched while its sandbox runs; a watch never starts one (it fails,
// and the next status check, which does, watches again). A cluster that stops answering (down,
// a sandbox stopped) is said once, and once more when it answers every watch again.
//
// Thread contract: create, configure and destroy on the GUI thread; the watches run on their
// own threads, which post changed(), failed() and answeringChanged() to be emitted on the GUI
// thread. A watcher destroyed (stopped, or replaced by one of more kinds) emits nothing more:
// what its threads posted goes with it.

#include "kube/KubeClient.h"
#include "workspace/Workspace.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QStringList>

#include <memory>
#include <vector>

class QThread;

namespace sluice {

class ClusterWatcher : public QObject
{
    Q_OBJECT

public:
    // Per application: object key ("group/Kind/ns/name") → resourceVersion in its last status.
    using Known = QHash<QString, QHash<QString, QString>>;

    // `kinds`: "group/Kind" of every kind to watch; `known`: what the last statuses saw (an
    // initial ADDED event of an object at that resourceVersion is no change).
    ClusterWatcher(const ClusterConfig &cluster, const QStringList &applications, const QSet<QString> &kinds,
                   const Known &known, QObject *parent = nullptr);
    ~ClusterWatcher() override; // stops the watches and waits for their threads

    const QSet<QString> &kinds() const { return m_kinds; }
    // What the application's last status saw. Thread-safe.
    void setKnown(const QString &application, const QHash<QString, QString> &resourceVersions);

signals:
    void changed(const QString &application);
    void failed(const QString &error); // a watch could not run (the monitor falls back to re-checks)
    // The cluster stopped answering a watch (the error; the watches go on trying), or answers
    // all of them again (empty).
    void answeringChanged(const QString &error);

private:
    struct Shared;
    std::shared_ptr<Shared> m_shared;
    QSet<QString> m_kinds;
    std::vector<std::unique_ptr<QThread>> m_threads;
};

// The Flux or Argo CD object that owns an application, watched the same way: the objects it
// applies carry its labels, not Sluice's, so its reconciles, suspensions and failures are what
// tells the window to look again. An initial ADDED event at `knownResourceVersion` is no change.
class OwnerWatcher : public QObject
{
    Q_OBJECT

public:
    OwnerWatcher(const ClusterConfig &cluster, const QString &application, const kube::ResourcePath &owner,
                 const QString &knownResourceVersion, QObject *parent = nullptr);
    ~OwnerWatcher() override; // stops the watch and waits for its thread

    QString ownerPath() const { return m_path; }

signals:
    void changed(const QString &application);
    void failed(const QString &error);

private:
    CancelToken m_stop;
    QString m_path;
    std::unique_ptr<QThread> m_thread;
};

} // namespace sluice
