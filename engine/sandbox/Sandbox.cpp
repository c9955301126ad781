#include "Sandbox.h"

#include "ApiRouter.h"
#include "ApiStatus.h"
#include "ArgoController.h"
#include "Controllers.h"
#include "CustomResources.h"
#include "Discovery.h"
#include "FaultInjector.h"
#include "FluxControllers.h"
#include "GitOpsApply.h"
#include "HttpServer.h"
#include "ObjectStore.h"
#include "ResourceCatalog.h"
#include "ResourceHandlers.h"
#include "SandboxCertificates.h"
#include "SandboxKubeconfig.h"
#include "WatchHub.h"

#include "core/Log.h"

#include <QDir>
#include <QSslCertificate>
#include <QSslCipher>
#include <QSslKey>

namespace sluice::sandbox {

struct Sandbox::Private
{
    SandboxOptions options;
    // One sandbox per data directory: held from start() to the end, released last.
    DirectoryLock lock;
    std::optional<SandboxCertificates> certificates;
    ResourceCatalog catalog = ResourceCatalog::builtin();
    std::unique_ptr<ObjectStore> store;
    std::unique_ptr<WatchHub> watchHub; // after `store`: destroyed first, and the store never commits then
    // After `store`: destroyed before it, so no deferred status write outlives it.
    std::unique_ptr<CustomResources> customResources;
    std::unique_ptr<Controllers> controllers;
    // Started once the server listens (they apply through it); destroyed after stop() closed
    // it and before the store.
    std::unique_ptr<FluxControllers> flux;
    std::unique_ptr<ArgoController> argo;
    std::unique_ptr<ResourceHandlers> handlers;
    std::unique_ptr<ApiRouter> router;
    std::unique_ptr<FaultInjector> faults; // only with options.faultRate > 0
    HttpServer *server = nullptr;
    int serverMinor = 32;
};

Sandbox::Sandbox(SandboxOptions options, QObject *parent) : QObject(parent), d(std::make_unique<Private>())
{
    d->options = std::move(options);
}

Sandbox::~Sandbox()
{
    stop();
}

Status Sandbox::start()
{
    if (d->options.dataDir.isEmpty())
        return makeError(ErrorCategory::Usage, QStringLiteral("the sandbox needs a data directory"));
    if (!QDir().mkpath(d->options.dataDir))
        return makeError(ErrorCategory::Io, QStringLiteral("cannot create the sandbox data directory %1").arg(d->options.dataDir));
    Result<DirectoryLock> lock = DirectoryLock::acquire(d->options.dataDir, QStringLiteral("sandbox.lock"));
    if (!lock)
        return lock.error();
    d->lock = std::move(*lock);
    const QHostAddress &address = d->options.listenAddress;
    QStringList extraHosts;
    if (!address.isLoopback() && address != QHostAddress::Any && address != QHostAddress::AnyIPv6)
        extraHosts << address.toString();
    Result<SandboxCertificates> certificates = SandboxCertificates::loadOrCreate(d->options.dataDir, extraHosts);
    if (!certificates)
        return certificates.error();
    d->certificates = *certificates;

    Result<std::unique_ptr<ObjectStore>> store = ObjectStore::open(d->options.dataDir);
    if (!store)
        return store.error();
    d->store = std::move(*store);
    d->watchHub = std::make_unique<WatchHub>(*d->store);
    d->customResources = std::make_unique<CustomResources>(*d->store, d->catalog);
    d->customResources->registerStored();
    d->controllers = std::make_unique<Controllers>(*d->store, d->options.controllerDelayMs, d->options.failRollouts);
    d->controllers->resumeStored();
    d->handlers = std::make_unique<ResourceHandlers>(*d->store, d->catalog);
    if (Status seeded = d->handlers->seedDefaultNamespaces(); !seeded)
        return seeded;
    d->serverMinor = detectServerMinor(d->options.maxServerMinor, d->options.kubectlPath);
    d->router = std::make_unique<ApiRouter>(d->catalog, *d->handlers, d->certificates->token(), d->serverMinor);
    d->router->setWatchHub(d->watchHub.get());

    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    const QList<QSslCertificate> chain = QSslCertificate::fromData(d->certificates->serverCertificatePem(), QSsl::Pem);
    const QSslKey key(d->certificates->serverKeyPem(), QSsl::Ec, QSsl::Pem, QSsl::PrivateKey);
    if (chain.isEmpty() || key.isNull())
        return makeError(ErrorCategory::Kube, QStringLiteral("the sandbox certificate or key in %1 cannot be loaded")
                                                  .arg(d->options.dataDir));
    tls.setLocalCertificate(chain.first());
    tls.setPrivateKey(key);
    tls.setPeerVerifyMode(QSslSocket::VerifyNone);
    tls.setProtocol(QSsl::TlsV1_2OrLater);
    // Only the suites an EC key can serve: TLS 1.3's and TLS 1.2's ECDSA ones. The handshakes are
    // the same; the context Qt builds for each connection parses a list a sixth as long.
    QList<QSslCipher> ciphers;
    for (const QSslCipher &cipher : tls.ciphers()) {
        if (cipher.protocol() == QSsl::TlsV1_3 || cipher.authenticationMethod() == QLatin1String("ECDSA"))
            ciphers << cipher;
    }
    tls.setCiphers(ciphers);
    if (d->options.faultRate > 0) {
        d->faults = std::make_unique<FaultInjector>(d->options.faultRate, d->options.faultSeed);
        qCWarning(lcSandbox).noquote() << "injecting faults into" << d->options.faultRate * 100 << "% of resource requests, seed"
                                       << d->options.faultSeed;
    }
    const HttpHandler serve = [router = d->router.get()](const HttpRequest &request) { return router->handle(request); };
    d->server = new HttpServer(tls, [this, serve](const HttpRequest &request) {
        if (d->faults && ApiRouter::isResourceRequest(request))
            return d->faults->serve(request, serve);
        return serve(request);
    }, this);
    d->server->setHeadCheck([this](const HttpRequest &head) { return d->router->checkHead(head); });
    d->server->setLimits(d->options.http);
    // Group commit: writes staged while requests are served are made durable together, each
    // round's on the flush thread while the next round is served, before any answer given
    // meanwhile leaves (ObjectStore.h, HttpServer.h).
    ObjectStore *objects = d->store.get();
    d->server->setCommitBarrier({[objects] { return objects->hasUnflushed(); },
                                 [objects]() -> std::optional<std::function<Status()>> {
                                     ObjectStore::FlushWork work = objects->beginFlush();
                                     if (!work.begun)
                                         return std::nullopt;
                                     return work.write;
                                 },
                                 [objects](const Status &written) { return objects->finishFlush(written); },
                                 [](const Error &error) {
                                     return internalError(QStringLiteral("the write could not be made durable: ") + error.message);
                                 }});
    d->store->setFlushScheduler([server = d->server] { server->scheduleFlush(); });
    QString error;
    if (!d->server->listen(address, d->options.port, &error))
        return makeError(ErrorCategory::Kube, error);
    d->router->setServerAddress(url().authority());
    auto client = connectToSandbox({url().toString(), d->certificates->caCertificatePem(), d->certificates->token()});
    if (!client)
        return client.error().prefixed(QStringLiteral("the sandbox's simulated GitOps controllers"));
    d->flux = std::make_unique<FluxControllers>(*d->store, *client);
    d->flux->resumeStored();
    d->argo = std::make_unique<ArgoController>(*d->store, *client);
    d->argo->resumeStored();

    if (!d->options.kubeconfigPath.isEmpty()) {
        if (Status written = writeSandboxKubeconfig(d->options.kubeconfigPath, url().toString(),
                                                    d->certificates->caCertificatePem(), d->certificates->token());
            !written)
            return written;
    }
    qCInfo(lcSandbox).noquote() << "sandbox serving" << url().toString() << "from" << d->options.dataDir;
    return {};
}

void Sandbox::stop()
{
    if (!d->server)
        return;
    // Staged writes (their answers are held) become durable now; later ones at once.
    d->server->waitForFlush();
    d->store->setFlushScheduler({});
    if (Status flushed = d->store->flush(); !flushed)
        qCWarning(lcSandbox).noquote() << "the last staged writes were not made durable:" << flushed.error().message;
    qCInfo(lcSandbox).noquote() << "journal:" << d->store->committedCount() << "writes made durable by"
                                << d->store->syncCount() << "fdatasyncs";
    d->server->close();
    delete d->server;
    d->server = nullptr;
}

QUrl Sandbox::url() const
{
    QUrl url;
    url.setScheme(QStringLiteral("https"));
    QHostAddress host = d->options.listenAddress;
    if (host == QHostAddress::Any || host == QHostAddress::AnyIPv4)
        host = QHostAddress(QHostAddress::LocalHost);
    else if (host == QHostAddress::AnyIPv6)
        host = QHostAddress(QHostAddress::LocalHostIPv6);
    url.setHost(host.toString());
    url.setPort(d->server ? d->server->port() : d->options.port);
    return url;
}

QByteArray Sandbox::caCertificatePem() const
{
    return d->certificates ? d->certificates->caCertificatePem() : QByteArray();
}

QByteArray Sandbox::token() const
{
    return d->certificates ? d->certificates->token() : QByteArray();
}

int Sandbox::serverMinor() const
{
    return d->serverMinor;
}

Sandbox::StoreCounters Sandbox::storeCounters() const
{
    return d->store ? StoreCounters{d->store->syncCount(), d->store->committedCount()} : StoreCounters();
}

} // namespace sluice::sandbox
