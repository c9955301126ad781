#pragma once

// The sandbox cluster: a Kubernetes-API-compatible HTTPS server on loopback with a bearer
// token, a durable object store in its data directory, and a kubeconfig for kubectl.
//
// Thread: create, start and use it on one thread with an event loop; requests are served
// there. start() costs a few ms (key generation on the first start, snapshot compaction).

#include "HttpMessage.h"

#include "core/Result.h"

#include <QHostAddress>
#include <QObject>
#include <QUrl>

#include <memory>

namespace sluice::sandbox {

struct SandboxOptions
{
    QString dataDir;                              // required: certificates, token, store
    QHostAddress listenAddress = QHostAddress(QHostAddress::LocalHost);
    quint16 port = 0;                             // 0 = any free port
    QString kubeconfigPath;                       // empty = no kubeconfig written
    int controllerDelayMs = 2000;                 // simulated controllers finish rollouts after this (0 = at once)
    bool failRollouts = false;                    // simulated rollouts get stuck, Jobs fail (Controllers.h)
    int maxServerMinor = 32;                      // /version reports the highest kubectl.1.N <= this
    QString kubectlPath;                          // empty = look up `kubectl` on PATH
    HttpLimits http;                              // timeouts and connection caps
    double faultRate = 0;                         // > 0: inject faults into resource requests (FaultInjector.h)
    quint64 faultSeed = 1;
};

class Sandbox : public QObject
{
    Q_OBJECT

public:
    explicit Sandbox(SandboxOptions options, QObject *parent = nullptr);
    ~Sandbox() override;

    // Loads or creates the identity and store, listens, writes the kubeconfig.
    // Errors: Io (data dir, kubeconfig), Kube (TLS setup, listen).
    Status start();
    // Stops listening and closes connections; the store is already durable.
    void stop();

    QUrl url() const;                  // https://127.0.0.1:PORT
    QByteArray caCertificatePem() const;
    QByteArray token() const;          // secret: never log
    int serverMinor() const;

    // Journal counters since start(): fdatasyncs and mutations committed. Group commit makes
    // the first smaller than the second under concurrent writes (tst_sandboxapi checks it).
    struct StoreCounters
    {
        quint64 syncs = 0;
        quint64 writes = 0;
    };
    StoreCounters storeCounters() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace sluice::sandbox
