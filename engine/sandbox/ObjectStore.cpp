#include "ObjectStore.h"

#include "core/Log.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>

namespace sluice::sandbox {

namespace {

const QString kSnapshot = QStringLiteral("store.snapshot");
const QString kJournal = QStringLiteral("store.journal");

QJsonObject metadataOf(const QJsonObject &object)
{
    return object.value(QStringLiteral("metadata")).toObject();
}

ObjectKey keyOf(const QString &resource, const QJsonObject &object)
{
    const QJsonObject metadata = metadataOf(object);
    return ObjectKey{resource, metadata.value(QStringLiteral("namespace")).toString(),
                     metadata.value(QStringLiteral("name")).toString()};
}

QByteArray journalRecord(const Mutation &m, quint64 rv)
{
    QJsonObject record{{QStringLiteral("rv"), QString::number(rv)}, {QStringLiteral("r"), m.key.resource}};
    if (m.op == Mutation::Op::Put) {
        record.insert(QStringLiteral("op"), QStringLiteral("put"));
        record.insert(QStringLiteral("obj"), m.object);
    } else {
        record.insert(QStringLiteral("op"), QStringLiteral("del"));
        record.insert(QStringLiteral("ns"), m.key.namespace_);
        record.insert(QStringLiteral("n"), m.key.name);
    }
    return QJsonDocument(record).toJson(QJsonDocument::Compact) + '\n';
}

} // namespace

Result<std::unique_ptr<ObjectStore>> ObjectStore::open(const QString &dataDir)
{
    auto store = std::make_unique<ObjectStore>();
    if (dataDir.isEmpty())
        return store;
    const QDir dir(dataDir);
    if (!dir.mkpath(QStringLiteral(".")))
        return makeError(ErrorCategory::Io, QStringLiteral("cannot create the sandbox data directory %1").arg(dataDir));
    Result<std::optional<QByteArray>> snapshot = readFileIfExists(dir.filePath(kSnapshot));
    if (!snapshot)
        return snapshot.error();
    Result<std::optional<QByteArray>> journal = readFileIfExists(dir.filePath(kJournal));
    if (!journal)
        return journal.error();
    store->m_fresh = !snapshot->has_value() && !journal->has_value();
    if (Status replayed = store->replay(snapshot->value_or(QByteArray()), journal->value_or(QByteArray())); !replayed)
        return replayed.error().prefixed(QStringLiteral("sandbox store in %1: ").arg(dataDir));

    // Compact: the snapshot holds everything, then the journal starts empty. A crash between
    // the two replays the old journal over the new snapshot, which is idempotent.
    if (Status written = writeFileDurably(dir.filePath(kSnapshot), store->snapshotBytes(), 0600); !written)
        return written.error();
    Result<AppendOnlyFile> file = AppendOnlyFile::open(dir.filePath(kJournal), true);
    if (!file)
        return file.error();
    store->m_journal = std::move(*file);
    return store;
}

Status ObjectStore::replay(const QByteArray &snapshot, const QByteArray &journal)
{
    if (!snapshot.isEmpty()) {
        QJsonParseError error;
        const QJsonObject root = QJsonDocument::fromJson(snapshot, &error).object();
        if (error.error != QJsonParseError::NoError)
            return makeError(ErrorCategory::Io, QStringLiteral("corrupt snapshot: %1").arg(error.errorString()));
        m_resourceVersion = root.value(QStringLiteral("resourceVersion")).toString().toULongLong();
        for (const QJsonValue &entry : root.value(QStringLiteral("objects")).toArray()) {
            const QJsonObject e = entry.toObject();
            const QJsonObject object = e.value(QStringLiteral("obj")).toObject();
            m_objects[keyOf(e.value(QStringLiteral("r")).toString(), object)] = object;
        }
    }
    const QList<QByteArray> lines = journal.split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        if (lines[i].isEmpty())
            continue;
        const bool last = i == lines.size() - 1; // no trailing newline: a torn, unacknowledged write
        QJsonParseError error;
        const QJsonObject record = QJsonDocument::fromJson(lines[i], &error).object();
        if (error.error != QJsonParseError::NoError || last) {
            if (last) {
                qCWarning(lcSandbox) << "dropping a torn journal record at the end of the store journal";
                break;
            }
            return makeError(ErrorCategory::Io, QStringLiteral("corrupt journal record %1: %2").arg(i + 1).arg(error.errorString()));
        }
        Mutation m;
        const QString resource = record.value(QStringLiteral("r")).toString();
        if (record.value(QStringLiteral("op")).toString() == QLatin1String("put")) {
            m.object = record.value(QStringLiteral("obj")).toObject();
            m.key = keyOf(resource, m.object);
        } else {
            m.op = Mutation::Op::Delete;
            m.key = ObjectKey{resource, record.value(QStringLiteral("ns")).toString(), record.value(QStringLiteral("n")).toString()};
        }
        apply(m, record.value(QStringLiteral("rv")).toString().toULongLong());
    }
    return {};
}

void ObjectStore::apply(const Mutation &mutation, quint64 resourceVersion)
{
    if (mutation.op == Mutation::Op::Put)
        m_objects[mutation.key] = mutation.object;
    else
        m_objects.erase(mutation.key);
    m_resourceVersion = std::max(m_resourceVersion, resourceVersion);
}

std::optional<QJsonObject> ObjectStore::get(const ObjectKey &key) const
{
    const auto it = m_objects.find(key);
    if (it == m_objects.end())
        return std::nullopt;
    return it->second;
}

QList<QJsonObject> ObjectStore::list(const QString &resource, const QString &namespace_) const
{
    QList<QJsonObject> result;
    for (auto it = m_objects.lower_bound(ObjectKey{resource, namespace_, QString()});
         it != m_objects.end() && it->first.resource == resource; ++it) {
        if (!namespace_.isEmpty() && it->first.namespace_ != namespace_)
            break;
        result << it->second;
    }
    return result;
}

QList<ObjectKey> ObjectStore::keysInNamespace(const QString &namespace_) const
{
    QList<ObjectKey> result;
    for (const auto &[key, object] : m_objects) {
        if (key.namespace_ == namespace_)
            result << key;
    }
    return result;
}

Status ObjectStore::commit(QList<Mutation> &mutations)
{
    if (m_failure)
        return m_failure->prefixed(QStringLiteral("the sandbox store refuses writes after a failed journal write (restart it): "));
    if (m_staged.empty())
        m_durableVersion = m_resourceVersion;
    const bool first = m_staged.empty();
    for (Mutation &m : mutations) {
        const quint64 rv = m_resourceVersion + 1;
        if (m.op == Mutation::Op::Put) {
            QJsonObject metadata = metadataOf(m.object);
            metadata.insert(QStringLiteral("resourceVersion"), QString::number(rv));
            m.object.insert(QStringLiteral("metadata"), metadata);
        }
        if (m_journal.isOpen())
            m_stagedRecords += journalRecord(m, rv);
        StagedChange change;
        change.key = m.key;
        change.previous = get(m.key);
        ChangeEvent &event = change.event;
        event.resource = m.key.resource;
        event.resourceVersion = rv;
        event.previous = change.previous.value_or(QJsonObject());
        if (m.op == Mutation::Op::Put) {
            event.type = event.previous.isEmpty() ? ChangeEvent::Type::Added : ChangeEvent::Type::Modified;
            event.object = m.object;
        } else if (event.previous.isEmpty()) {
            change.notify = false; // deleting a missing key changes nothing a watcher can see
        } else {
            event.type = ChangeEvent::Type::Deleted;
            event.object = event.previous;
            QJsonObject metadata = metadataOf(event.object);
            metadata.insert(QStringLiteral("resourceVersion"), QString::number(rv));
            event.object.insert(QStringLiteral("metadata"), metadata);
        }
        apply(m, rv);
        m_staged.push_back(std::move(change));
    }
    m_committedCount += quint64(mutations.size());
    if (!m_scheduleFlush)
        return flush();
    if (first && !m_staged.empty())
        m_scheduleFlush();
    return {};
}

Status ObjectStore::flush()
{
    if (m_staged.empty())
        return {};
    if (m_journal.isOpen() && !m_stagedRecords.isEmpty()) {
        ++m_syncCount;
        if (Status written = m_journal.append(m_stagedRecords); !written) {
            qCCritical(lcSandbox).noquote() << "the store journal failed; writes are refused until a restart:"
                                            << written.error().message;
            undoStaged();
            m_failure = written.error();
            return written;
        }
    }
    m_stagedRecords.clear();
    const std::vector<StagedChange> published = std::exchange(m_staged, {});
    for (const StagedChange &change : published) {
        if (!change.notify)
            continue;
        for (const ChangeListener &listener : m_listeners)
            listener(change.event);
    }
    return {};
}

void ObjectStore::undoStaged()
{
    for (auto it = m_staged.rbegin(); it != m_staged.rend(); ++it) {
        if (it->previous)
            m_objects[it->key] = *it->previous;
        else
            m_objects.erase(it->key);
    }
    m_resourceVersion = m_durableVersion;
    m_staged.clear();
    m_stagedRecords.clear();
}

QByteArray ObjectStore::snapshotBytes() const
{
    QJsonArray objects;
    for (const auto &[key, object] : m_objects)
        objects.append(QJsonObject{{QStringLiteral("r"), key.resource}, {QStringLiteral("obj"), object}});
    return QJsonDocument(QJsonObject{{QStringLiteral("resourceVersion"), QString::number(m_resourceVersion)},
                                     {QStringLiteral("objects"), objects}})
        .toJson(QJsonDocument::Compact);
}

} // namespace sluice::sandbox
