#include "LiveCompare.h"

#include "Controller.h"

#include "core/JsonText.h"
#include "core/Log.h"
#include "render/StructuralHash.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMutex>
#include <QRegularExpression>
#include <QSemaphore>
#include <QThreadPool>

#include <atomic>
#include <memory>
#include <optional>
#include <vector>

namespace sluice::sync {

QString syncStateName(SyncState state)
{
    switch (state) {
    case SyncState::Synced: return QStringLiteral("Synced");
    case SyncState::OutOfSync: return QStringLiteral("OutOfSync");
    case SyncState::Unknown: return QStringLiteral("Unknown");
    }
    return {};
}

QString actionName(Action action)
{
    switch (action) {
    case Action::Create: return QStringLiteral("create");
    case Action::Update: return QStringLiteral("update");
    case Action::Prune: return QStringLiteral("prune");
    case Action::Unchanged: return QStringLiteral("unchanged");
    }
    return {};
}

namespace {

constexpr int kMaxThreads = 16; // requests in flight to a cluster (sync, compare)

// The threads every parallelFor runs on. A thread keeps its connection to each cluster (a socket
// and its TLS session) while it lives, 30 s once idle: a sync's compare and apply phases reuse
// them, where a pool of their own made each phase connect and handshake again (a hundred TLS
// handshakes for a sync of 1,000 objects, a third of the client's CPU). Never destroyed: its
// idle threads end with the process.
QThreadPool &clusterThreads()
{
    static QThreadPool *const pool = [] {
        auto *threads = new QThreadPool;
        threads->setMaxThreadCount(kMaxThreads);
        return threads;
    }();
    return *pool;
}

} // namespace

void parallelFor(int count, int threads, const std::function<void(int)> &work)
{
    if (count <= 0)
        return;
    // Lanes, each taking the next index until none is left: one on this thread, the others on
    // the pool. Once this thread's lane ends there is nothing left to take: lanes still waiting in
    // the pool's queue are taken back, not waited for (a call from a pool thread while all the
    // others are busy would wait for itself).
    std::atomic<int> next{0};
    const auto lane = [&] {
        for (int i; (i = next++) < count;)
            work(i);
    };
    QSemaphore finished;
    std::vector<std::unique_ptr<QRunnable>> others;
    for (int more = qBound(1, threads, qMin(count, kMaxThreads)) - 1; int(others.size()) < more;) {
        others.emplace_back(QRunnable::create([&] {
            lane();
            finished.release();
        }));
        others.back()->setAutoDelete(false);
        clusterThreads().start(others.back().get());
    }
    lane();
    for (const auto &other : others) {
        if (clusterThreads().tryTake(other.get()))
            finished.release(); // never started
    }
    finished.acquire(int(others.size()));
}

namespace {

QString groupOf(const QString &apiVersion)
{
    const qsizetype slash = apiVersion.indexOf(QLatin1Char('/'));
    return slash < 0 ? QString() : apiVersion.left(slash);
}

ResourceKey keyOf(const QJsonObject &object)
{
    const QJsonObject metadata = object.value(QLatin1String("metadata")).toObject();
    return {groupOf(object.value(QLatin1String("apiVersion")).toString()), object.value(QLatin1String("kind")).toString(),
            metadata.value(QLatin1String("namespace")).toString(), metadata.value(QLatin1String("name")).toString()};
}

int waveOf(const QJsonObject &object)
{
    const QJsonObject annotations = object.value(QLatin1String("metadata")).toObject().value(QLatin1String("annotations")).toObject();
    for (const char *name : {"sluice.dev/sync-wave", "argocd.argoproj.io/sync-wave"}) {
        bool ok = false;
        const int wave = annotations.value(QLatin1String(name)).toString().toInt(&ok);
        if (ok)
            return wave;
    }
    return 0;
}

// A JSON object as a Resource for diffResourceSets: normalised first, so equal objects have
// equal hashes and are not parsed again.
Resource asResource(const ResourceKey &key, const QString &apiVersion, const QJsonObject &object, const QString &origin,
                    int line = 0)
{
    const QJsonObject normalized = normalizeObject(object, key, {});
    Resource r;
    r.key = key;
    r.apiVersion = apiVersion;
    r.sourceFile = origin;
    r.line = line;
    r.text = json::compact(normalized);
    r.format = Resource::Format::Json;
    r.hash = hashing::hashJson(normalized);
    return r;
}

// "takes .data.key1 from kubectl-patch" for every cause of an apply conflict Status.
QStringList takeoversFrom(const QJsonObject &status)
{
    static const QRegularExpression manager(QStringLiteral("conflict with \"([^\"]+)\""));
    QStringList result;
    for (const QJsonValue &cause : status.value(QLatin1String("details")).toObject().value(QLatin1String("causes")).toArray()) {
        const QJsonObject c = cause.toObject();
        const QRegularExpressionMatch m = manager.match(c.value(QLatin1String("message")).toString());
        result << QStringLiteral("takes %1 from %2").arg(c.value(QLatin1String("field")).toString(),
                                                        m.hasMatch() ? m.captured(1) : QStringLiteral("another manager"));
    }
    return result;
}

// A hash that is the same in every process (StatusMemo persists it; qHash is seeded per process).
quint64 stableHash(const QByteArray &data)
{
    return hashing::hashBytes(data, 0x51a7e5);
}

// One desired object on its way through the comparison.
struct Item
{
    const Resource *resource = nullptr;
    ResourceState state;
    std::optional<kube::ApiResource> type;
    bool servedLater = false;  // its kind comes with a CRD of this sync
    QJsonObject predicted;     // the object after apply (dry-run answer)
    bool compared = false;     // predicted is valid
    quint64 bodyHash = 0;      // of the apply body and the ignore rules (StatusMemo: stable across processes)
};

// The dry-run apply of one object: predicted object, takeovers, or why it is Unknown.
void dryRunApply(kube::KubeClient &client, Item &item, const CancelToken &cancel)
{
    const kube::ResourcePath path = item.type->path(item.state.key.ns, item.state.key.name);
    const QByteArray body = json::compact(item.state.applyBody);
    for (bool force : {false, true}) {
        kube::Request request;
        request.method = "PATCH";
        request.pathAndQuery = path.path() + QStringLiteral("?fieldManager=sluice&dryRun=All") + (force ? QStringLiteral("&force=true") : QString());
        request.body = body;
        request.contentType = "application/apply-patch+yaml";
        request.errorBodies = true;
        auto response = client.send(request, cancel);
        if (!response) {
            item.state.reason = response.error().message;
            return;
        }
        const QJsonObject answer = QJsonDocument::fromJson(response->body).object();
        if (response->status >= 200 && response->status < 300) {
            item.predicted = answer;
            item.compared = true;
            return;
        }
        const QString message = answer.value(QLatin1String("message")).toString();
        const QString reason = answer.value(QLatin1String("reason")).toString();
        if (response->status == 409 && !force) {
            item.state.takeovers = takeoversFrom(answer);
            continue;
        }
        if (response->status == 404 && item.state.live.isEmpty()) {
            // Its namespace does not exist yet (this sync may create it): compare with the body.
            item.predicted = item.state.applyBody;
            item.compared = true;
            item.state.reason = QStringLiteral("missing (%1)").arg(message);
            return;
        }
        if (response->status == 422 && message.contains(QLatin1String("immutable"))) {
            item.predicted = item.state.applyBody;
            item.compared = true;
            item.state.replace = true;
            item.state.reason = QStringLiteral("an immutable field changes: apply replaces the object (%1)").arg(message);
            return;
        }
        item.state.reason = response->status == 403
                                ? QStringLiteral("forbidden: %1").arg(message)
                                : QStringLiteral("dry-run failed (%1 %2): %3").arg(response->status).arg(reason, message);
        return;
    }
}

// Whether a CRD among the desired objects serves group/kind.
bool definedByDesired(const QList<Item> &items, const ResourceKey &key)
{
    for (const Item &item : items) {
        if (item.state.key.kind != QLatin1String("CustomResourceDefinition"))
            continue;
        const QJsonObject spec = item.state.applyBody.value(QLatin1String("spec")).toObject();
        if (spec.value(QLatin1String("group")).toString() == key.group &&
            spec.value(QLatin1String("names")).toObject().value(QLatin1String("kind")).toString() == key.kind)
            return true;
    }
    return false;
}

// On an object a Flux or Argo CD controller applied, Sluice's tracking label is bookkeeping a
// direct sync would add, not a difference from Git: left out of the comparison.
QJsonObject withoutTrackingOnControlled(const QJsonObject &predicted, const QJsonObject &live)
{
    if (live.isEmpty() || !ownerOfObject(live).isController())
        return predicted;
    const QJsonObject liveLabels = live.value(QLatin1String("metadata")).toObject().value(QLatin1String("labels")).toObject();
    if (liveLabels.contains(kTrackingLabel))
        return predicted;
    QJsonObject object = predicted;
    QJsonObject metadata = object.value(QLatin1String("metadata")).toObject();
    QJsonObject labels = metadata.value(QLatin1String("labels")).toObject();
    labels.remove(kTrackingLabel);
    if (labels.isEmpty())
        metadata.remove(QLatin1String("labels"));
    else
        metadata.insert(QLatin1String("labels"), labels);
    object.insert(QLatin1String("metadata"), metadata);
    return object;
}

} // namespace

Result<QJsonObject> applyBodyFor(const Resource &resource, const QString &application)
{
    auto tree = resource.parseTree();
    if (!tree)
        return tree.error();
    QJsonObject object = std::move(*tree);
    QJsonObject metadata = object.value(QLatin1String("metadata")).toObject();
    QJsonObject labels = metadata.value(QLatin1String("labels")).toObject();
    labels.insert(kTrackingLabel, clusterSafeName(application));
    metadata.insert(QLatin1String("labels"), labels);
    metadata.remove(QLatin1String("creationTimestamp")); // tools write `null`; the server owns it
    object.insert(QLatin1String("metadata"), metadata);
    object.remove(QLatin1String("status"));
    return object;
}

Result<std::map<ResourceKey, QJsonObject>> listLiveObjects(ClusterConnection &cluster, const QString &application,
                                                           QStringList &warnings, const CancelToken &cancel)
{
    auto discovery = cluster.discovery->get(false, cancel);
    if (!discovery)
        return discovery.error();
    QList<kube::ApiResource> kinds;
    QSet<QString> seen;
    for (const kube::ApiResource &r : discovery->resources) {
        const QString id = r.group + QLatin1Char('/') + r.resource;
        if (seen.contains(id) || !r.verbs.contains(QLatin1String("list")) || r.kind == QLatin1String("Event"))
            continue;
        seen.insert(id);
        kinds.append(r);
    }
    const QString selector = kTrackingLabel + QLatin1Char('=') + clusterSafeName(application);
    QMutex mutex;
    std::map<ResourceKey, QJsonObject> live;
    std::optional<Error> failure;
    parallelFor(int(kinds.size()), kMaxThreads, [&](int i) {
        const kube::ApiResource &type = kinds.at(i);
        auto items = cluster.client->list(type.path(), selector, 500, cancel);
        QMutexLocker lock(&mutex);
        if (!items) {
            if (items.error().category == ErrorCategory::Cancelled || items.error().code == 0)
                failure = items.error(); // cancelled or unreachable: the whole comparison fails
            else
                warnings << QStringLiteral("cannot list %1: %2").arg(type.kind, items.error().message);
            return;
        }
        for (const QJsonObject &item : *items) {
            QJsonObject object = item;
            object.insert(QStringLiteral("apiVersion"), type.group.isEmpty() ? type.version : type.group + QLatin1Char('/') + type.version);
            object.insert(QStringLiteral("kind"), type.kind);
            live.emplace(keyOf(object), object);
        }
    });
    if (failure)
        return *failure;
    warnings.sort();
    return live;
}

Result<LiveComparison> compareWithCluster(ClusterConnection &cluster, const QString &application,
                                          const ResourceSet &desired, const CompareOptions &options)
{
    const CancelToken &cancel = options.cancel;
    const ProgressFn progress = serializedProgress(options.progress); // called from the pool
    auto report = [&](qint64 done, qint64 total, const QString &what) {
        if (progress)
            progress(done, total, what);
    };
    LiveComparison result;
    QElapsedTimer clock;
    clock.start();

    // 1. The live set (tracking label) and the desired objects as they would be applied.
    report(0, 0, QStringLiteral("listing live objects"));
    auto live = listLiveObjects(cluster, application, result.warnings, cancel);
    if (!live)
        return live.error();
    qCDebug(lcSync) << "listed" << live->size() << "live objects in" << clock.elapsed() << "ms";
    auto discovery = cluster.discovery->get(false, cancel);
    if (!discovery)
        return discovery.error();

    QJsonArray ignoreRules;
    for (const IgnoreRule &rule : options.ignore)
        ignoreRules.append(QJsonArray{rule.group, rule.kind, rule.ns, rule.name, QJsonArray::fromStringList(rule.jsonPointers)});
    const QByteArray ignoreText = QJsonDocument(ignoreRules).toJson(QJsonDocument::Compact);

    QList<Item> items;
    items.reserve(desired.size());
    for (const Resource &resource : desired) {
        const ResourceKey &key = resource.key;
        Item item;
        item.resource = &resource;
        item.state.key = key;
        item.state.apiVersion = resource.apiVersion;
        auto body = applyBodyFor(resource, application);
        if (!body)
            return body.error();
        item.state.applyBody = *body;
        item.bodyHash = stableHash(json::compact(*body) + ignoreText);
        item.state.wave = waveOf(*body);
        item.type = discovery->find(key.group, key.kind);
        if (auto it = live->find(key); it != live->end()) {
            item.state.live = it->second;
            live->erase(it);
        }
        items.append(std::move(item));
    }
    for (Item &item : items) {
        if (!item.type)
            item.servedLater = definedByDesired(items, item.state.key);
    }

    // 2. Desired objects not labelled yet: fetch by name. Then dry-run every served one.
    std::atomic<int> done{0};
    parallelFor(int(items.size()), kMaxThreads, [&](int i) {
        Item &item = items[i];
        if (cancel.isCancelled() || !item.type)
            return;
        if (options.memo && options.memo->knownSynced(item.state.key, item.state.live, item.bodyHash)) {
            item.predicted = item.state.live; // unchanged since a dry-run found it in sync
            item.compared = true;
            report(++done, items.size(), item.state.key.displayName());
            return;
        }
        if (item.state.live.isEmpty()) {
            auto object = cluster.client->get(item.type->path(item.state.key.ns, item.state.key.name), cancel);
            if (object)
                item.state.live = *object;
            else if (object.error().code != 404)
                item.state.reason = object.error().message;
        }
        if (item.state.reason.isEmpty())
            dryRunApply(*cluster.client, item, cancel);
        report(++done, items.size(), item.state.key.displayName());
    });
    if (cancel.isCancelled())
        return makeError(ErrorCategory::Cancelled, QStringLiteral("the comparison with %1 was cancelled").arg(cluster.describe()));

    qCDebug(lcSync) << "fetched and dry-ran" << items.size() << "desired objects by" << clock.elapsed() << "ms";

    // 3. Object-keyed diff of live vs after-apply (masked, normalised, ignore rules).
    QList<Resource> beforeList, afterList;
    for (Item &item : items) {
        const ResourceKey &key = item.state.key;
        if (item.compared && !item.state.live.isEmpty())
            beforeList.append(asResource(key, item.state.apiVersion, item.state.live, QStringLiteral("live")));
        if (item.compared) {
            const QJsonObject predicted = withoutTrackingOnControlled(item.predicted, item.state.live);
            afterList.append(asResource(key, item.state.apiVersion, predicted, item.resource->sourceFile, item.resource->line));
        } else if (!item.type && item.servedLater) {
            afterList.append(asResource(key, item.state.apiVersion, item.state.applyBody, item.resource->sourceFile, item.resource->line));
        }
    }
    for (const auto &[key, object] : *live) {
        const bool controlled = [&object = object] { // clang 14 cannot capture a structured binding
            for (const QJsonValue &owner : object.value(QLatin1String("metadata")).toObject().value(QLatin1String("ownerReferences")).toArray()) {
                if (owner.toObject().value(QLatin1String("controller")).toBool())
                    return true;
            }
            return false;
        }();
        if (!controlled)
            beforeList.append(asResource(key, object.value(QLatin1String("apiVersion")).toString(), object, QStringLiteral("live")));
    }
    auto before = ResourceSet::fromList(std::move(beforeList));
    if (!before)
        return before.error();
    auto after = ResourceSet::fromList(std::move(afterList));
    if (!after)
        return after.error();
    DiffOptions diffOptions;
    diffOptions.ignore = options.ignore;
    diffOptions.baseLabel = "live";
    diffOptions.headLabel = "desired";
    diffOptions.withText = options.withText;
    auto diff = diffResourceSets(*before, *after, diffOptions, cancel);
    if (!diff)
        return diff.error();
    qCDebug(lcSync) << "diffed by" << clock.elapsed() << "ms";

    // 4. Per-object state.
    std::map<ResourceKey, Item *> byKey;
    for (Item &item : items)
        byKey.emplace(item.state.key, &item);
    for (ObjectDiff &objectDiff : diff->objects) {
        auto it = byKey.find(objectDiff.key);
        ResourceState state;
        if (it != byKey.end()) {
            state = std::move(it->second->state);
            if (options.memo && objectDiff.change == ChangeKind::Unchanged)
                options.memo->remember(state.key, state.live, it->second->bodyHash);
            else if (options.memo)
                options.memo->forget(state.key);
            byKey.erase(it);
        } else {
            state.key = objectDiff.key;
            state.apiVersion = objectDiff.apiVersion;
            state.live = (*live)[objectDiff.key];
        }
        switch (objectDiff.change) {
        case ChangeKind::Added:
            state.sync = SyncState::OutOfSync;
            state.action = Action::Create;
            if (state.reason.isEmpty())
                state.reason = state.live.isEmpty() ? QStringLiteral("missing") : QStringLiteral("differs");
            break;
        case ChangeKind::Removed:
            state.sync = SyncState::OutOfSync;
            state.action = Action::Prune;
            state.reason = QStringLiteral("would be pruned (no longer in Git)");
            break;
        case ChangeKind::Changed:
            state.sync = SyncState::OutOfSync;
            state.action = Action::Update;
            if (state.reason.isEmpty())
                state.reason = QStringLiteral("differs in %1 field%2").arg(objectDiff.fields.size()).arg(objectDiff.fields.size() == 1 ? "" : "s");
            break;
        case ChangeKind::Unchanged:
            state.sync = SyncState::Synced;
            state.action = Action::Unchanged;
            state.reason.clear();
            break;
        }
        state.diff = std::move(objectDiff);
        result.resources.append(std::move(state));
    }
    // Desired objects that could not be compared: Unknown, still applied by a sync.
    for (auto &[key, item] : byKey) {
        ResourceState state = std::move(item->state);
        state.sync = SyncState::Unknown;
        state.action = state.live.isEmpty() ? Action::Create : Action::Update;
        if (state.reason.isEmpty())
            state.reason = QStringLiteral("the cluster does not serve %1 (is its CustomResourceDefinition installed?)")
                               .arg(key.group.isEmpty() ? key.kind : key.kind + QLatin1Char('.') + key.group);
        state.diff.key = key;
        state.diff.apiVersion = state.apiVersion;
        result.resources.append(std::move(state));
    }
    std::sort(result.resources.begin(), result.resources.end(), [](const ResourceState &a, const ResourceState &b) { return a.key < b.key; });

    // 5. Health, and the application's sync and health.
    bool anyUnknown = false;
    result.health = HealthState::None;
    for (ResourceState &state : result.resources) {
        state.health = state.live.isEmpty() ? Health{HealthState::Missing, QStringLiteral("not in the cluster")} : assessHealth(state.live);
        if (state.sync == SyncState::OutOfSync)
            result.sync = SyncState::OutOfSync;
        anyUnknown = anyUnknown || state.sync == SyncState::Unknown;
        if (state.desired())
            result.health = worseHealth(result.health, state.health.state);
        switch (state.action) {
        case Action::Create: ++result.summary.added; break;
        case Action::Prune: ++result.summary.removed; break;
        case Action::Update: ++result.summary.changed; break;
        case Action::Unchanged: ++result.summary.unchanged; break;
        }
    }
    if (result.health == HealthState::None)
        result.health = HealthState::Healthy;
    if (result.sync == SyncState::Synced && anyUnknown)
        result.sync = SyncState::Unknown;
    return result;
}

} // namespace sluice::sync
