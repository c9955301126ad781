#include "WatchHub.h"

#include "ApiStatus.h"
#include "LabelSelector.h"
#include "ResourceHandlers.h"
#include "TableOutput.h"

#include "core/JsonText.h"
#include "core/Log.h"

#include <QJsonDocument>
#include <QTimer>

#include <memory>

namespace sluice::sandbox {

namespace {

const QString kMetadata = QStringLiteral("metadata");

QString typeName(ChangeEvent::Type type)
{
    switch (type) {
    case ChangeEvent::Type::Added: return QStringLiteral("ADDED");
    case ChangeEvent::Type::Modified: return QStringLiteral("MODIFIED");
    case ChangeEvent::Type::Deleted: return QStringLiteral("DELETED");
    }
    return {};
}

} // namespace

// What one watch selects and how it renders events.
struct WatchFilter
{
    const ResourceType *type = nullptr;
    QString namespace_; // empty: every namespace (or a cluster-scoped type)
    LabelSelector labels;
    FieldSelector fields;
    bool table = false;
    IncludeObject include = IncludeObject::Metadata;

    bool selects(const QString &resource, const QJsonObject &object) const
    {
        if (object.isEmpty() || resource != type->storeKey())
            return false;
        const QJsonObject metadata = object.value(kMetadata).toObject();
        if (!namespace_.isEmpty() && metadata.value(QStringLiteral("namespace")).toString() != namespace_)
            return false;
        return labels.matches(metadata.value(QStringLiteral("labels")).toObject()) && fields.matches(object);
    }
};

// One open watch: the ResponseStream the connection drives.
class WatchStream : public ResponseStream
{
public:
    WatchStream(WatchHub *hub, WatchFilter filter, std::optional<quint64> from, int timeoutSeconds)
        : m_hub(hub), m_filter(std::move(filter)), m_from(from), m_timeoutSeconds(timeoutSeconds)
    {
    }
    ~WatchStream() override { end(false); }

    void attach(Write write, Finish finish) override
    {
        m_write = std::move(write);
        m_finish = std::move(finish);
        if (!m_hub) {
            end(true);
            return;
        }
        if (!m_from) {
            for (const QJsonObject &object : m_hub->m_store.list(m_filter.type->storeKey(), m_filter.type->namespaced ? m_filter.namespace_ : QString())) {
                if (m_filter.selects(m_filter.type->storeKey(), object))
                    send(QStringLiteral("ADDED"), object);
            }
        } else if (*m_from < m_hub->m_compactedThrough) {
            sendExpired(*m_from);
            end(true);
            return;
        } else {
            for (const ChangeEvent &event : m_hub->m_history) {
                if (event.resourceVersion > *m_from)
                    deliver(event);
            }
        }
        m_hub->add(this);
        if (m_timeoutSeconds > 0) {
            m_timer = std::make_unique<QTimer>();
            m_timer->setSingleShot(true);
            QObject::connect(m_timer.get(), &QTimer::timeout, [this] { end(true); });
            m_timer->start(m_timeoutSeconds * 1000);
        }
    }

    void detach() override
    {
        m_write = nullptr;
        m_finish = nullptr;
        end(false);
    }

    // Sends `event` if it concerns this watch, turning selector transitions into ADDED/DELETED.
    void deliver(const ChangeEvent &event)
    {
        const bool now = m_filter.selects(event.resource, event.object) && event.type != ChangeEvent::Type::Deleted;
        const bool before = m_filter.selects(event.resource, event.previous);
        if (event.type == ChangeEvent::Type::Deleted && before)
            send(typeName(event.type), event.object);
        else if (now && before)
            send(QStringLiteral("MODIFIED"), event.object);
        else if (now)
            send(QStringLiteral("ADDED"), event.object);
        else if (before)
            send(QStringLiteral("DELETED"), event.object);
    }

    void hubGone() { m_hub = nullptr; end(true); }

private:
    void send(const QString &type, const QJsonObject &object)
    {
        if (!m_write)
            return;
        QJsonObject payload = object;
        if (m_filter.table) {
            const QString rv = object.value(kMetadata).toObject().value(QStringLiteral("resourceVersion")).toString();
            payload = makeTable(*m_filter.type, {object}, rv, m_filter.include);
        }
        const QJsonObject event{{QStringLiteral("type"), type}, {QStringLiteral("object"), payload}};
        m_write(json::compact(event) + '\n');
    }

    void sendExpired(quint64 requested)
    {
        const QString message = QStringLiteral("too old resource version: %1 (%2)").arg(requested).arg(m_hub->m_compactedThrough);
        const QJsonObject status{{QStringLiteral("kind"), QStringLiteral("Status")},
                                 {QStringLiteral("apiVersion"), QStringLiteral("v1")},
                                 {kMetadata, QJsonObject()},
                                 {QStringLiteral("status"), QStringLiteral("Failure")},
                                 {QStringLiteral("message"), message},
                                 {QStringLiteral("reason"), QStringLiteral("Expired")},
                                 {QStringLiteral("code"), 410}};
        const QJsonObject event{{QStringLiteral("type"), QStringLiteral("ERROR")}, {QStringLiteral("object"), status}};
        m_write(json::compact(event) + '\n');
    }

    // Unregisters; with `finish`, also ends the HTTP stream cleanly (zero-length chunk).
    void end(bool finish)
    {
        if (m_hub)
            m_hub->remove(this);
        m_timer.reset();
        m_write = nullptr;
        if (Finish f = std::exchange(m_finish, nullptr); f && finish)
            f();
    }

    WatchHub *m_hub;
    WatchFilter m_filter;
    std::optional<quint64> m_from;
    int m_timeoutSeconds;
    Write m_write;
    Finish m_finish;
    std::unique_ptr<QTimer> m_timer;
};

WatchHub::WatchHub(ObjectStore &store, int historyLimit)
    : m_store(store), m_historyLimit(std::max(1, historyLimit)), m_compactedThrough(store.resourceVersion())
{
    m_store.addChangeListener([this](const ChangeEvent &event) { onChange(event); });
}

WatchHub::~WatchHub()
{
    for (WatchStream *watch : QList<WatchStream *>(m_watches))
        watch->hubGone();
}

void WatchHub::onChange(const ChangeEvent &event)
{
    m_history.push_back(event);
    while (int(m_history.size()) > m_historyLimit) {
        m_compactedThrough = m_history.front().resourceVersion;
        m_history.pop_front();
    }
    // A delivery may end a watch (never synchronously today), so walk a copy.
    for (WatchStream *watch : QList<WatchStream *>(m_watches)) {
        if (m_watches.contains(watch))
            watch->deliver(event);
    }
}

void WatchHub::add(WatchStream *watch)
{
    if (!m_watches.contains(watch))
        m_watches.append(watch);
}

void WatchHub::remove(WatchStream *watch)
{
    m_watches.removeAll(watch);
}

HttpResponse WatchHub::watch(const ResourcePath &path, const HttpRequest &request)
{
    WatchFilter filter;
    filter.type = path.type;
    filter.namespace_ = path.type->namespaced ? path.namespace_ : QString();
    Result<LabelSelector> labels = LabelSelector::parse(request.queryValue(QStringLiteral("labelSelector")));
    if (!labels)
        return badRequest(labels.error().message);
    Result<FieldSelector> fields = FieldSelector::parse(request.queryValue(QStringLiteral("fieldSelector")));
    if (!fields)
        return badRequest(fields.error().message);
    filter.labels = std::move(*labels);
    filter.fields = std::move(*fields);
    filter.table = acceptsTable(request.header("accept"));
    filter.include = includeObjectOf(request);

    if (std::optional<HttpResponse> error = resourceVersionParameterError(request))
        return *error;
    std::optional<quint64> from;
    const QString rvText = request.queryValue(QStringLiteral("resourceVersion"));
    if (!rvText.isEmpty() && rvText != QLatin1String("0"))
        from = rvText.toULongLong();
    int timeoutSeconds = 0;
    if (const QString text = request.queryValue(QStringLiteral("timeoutSeconds")); !text.isEmpty()) {
        bool ok = false;
        timeoutSeconds = text.toInt(&ok);
        if (!ok || timeoutSeconds < 0)
            return badRequest(QStringLiteral("invalid timeoutSeconds \"%1\"").arg(text));
    }

    HttpResponse response;
    response.contentType = filter.table ? QByteArray(kTableContentType) : QByteArray("application/json");
    response.stream = std::make_shared<WatchStream>(this, std::move(filter), from, timeoutSeconds);
    return response;
}

} // namespace sluice::sandbox
