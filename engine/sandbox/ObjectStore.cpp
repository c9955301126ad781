#include "ObjectStore.h"

#include "core/JsonText.h"
#include "core/Log.h"

#include <QDir>
#include <QtEndian>
#include <QJsonArray>
#include <QJsonDocument>

namespace sluice::sandbox {

namespace {

const QString kSnapshot = QStringLiteral("store.snapshot");
const QString kJournal = QStringLiteral("store.journal");
const QString kQuarantine = QStringLiteral("store.quarantine");

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

// A Put's record is written around the object's JSON (m.json), in the key order json::compact
// gives a QJsonObject: {"obj":…,"op":"put","r":…,"rv":…}.
QByteArray journalRecord(const Mutation &m, quint64 rv)
{
    if (m.op == Mutation::Op::Put) {
        QByteArray record = "{\"obj\":" + m.json + ",\"op\":\"put\",\"r\":";
        json::appendString(m.key.resource, record);
        return record + ",\"rv\":\"" + QByteArray::number(rv) + "\"}\n";
    }
    const QJsonObject record{{QStringLiteral("rv"), QString::number(rv)}, {QStringLiteral("r"), m.key.resource},
                             {QStringLiteral("op"), QStringLiteral("del")}, {QStringLiteral("ns"), m.key.namespace_},
                             {QStringLiteral("n"), m.key.name}};
    return json::compact(record) + '\n';
}

// The mutation a store record describes: a journal record {rv, r, op, obj | ns+n}, or a
// snapshot entry {r, obj}. Nothing for a record that does not name a resource and an object.
std::optional<Mutation> mutationOf(const QJsonObject &record)
{
    Mutation m;
    const QString resource = record.value(QStringLiteral("r")).toString();
    if (resource.isEmpty())
        return std::nullopt;
    if (record.value(QStringLiteral("op")).toString() == QLatin1String("del")) {
        m.op = Mutation::Op::Delete;
        m.key = ObjectKey{resource, record.value(QStringLiteral("ns")).toString(), record.value(QStringLiteral("n")).toString()};
    } else {
        m.object = record.value(QStringLiteral("obj")).toObject();
        m.key = keyOf(resource, m.object);
    }
    if (m.key.name.isEmpty())
        return std::nullopt;
    return m;
}

quint64 versionOf(const QJsonValue &value)
{
    return value.toString().toULongLong();
}

// The '{' and '[' bytes in `json`, in strings or not: a bound on its depth that costs a fraction
// of jsonDepth, counted eight bytes at a time. The two differ only in bit 0x20, so a byte is one
// of them when, with that bit set, it equals '{'.
qsizetype openingBrackets(QByteArrayView json)
{
    constexpr quint64 kOnes = 0x0101010101010101ULL, kLow7 = 0x7F * kOnes;
    qsizetype count = 0, i = 0;
    for (; i + 8 <= json.size(); i += 8) {
        const quint64 x = (qFromUnaligned<quint64>(json.data() + i) | 0x20 * kOnes) ^ '{' * kOnes;
        // A byte's high bit survives here exactly when the byte of x is not zero; the zero
        // bytes' ones, summed into the top byte by the multiplication, are the count.
        const quint64 nonZero = ((x & kLow7) + kLow7) | x;
        count += qsizetype(((~nonZero & 0x80 * kOnes) >> 7) * kOnes >> 56);
    }
    for (; i < json.size(); ++i)
        count += (json[i] | 0x20) == '{';
    return count;
}

} // namespace

int jsonDepth(QByteArrayView json)
{
    int depth = 0, deepest = 0;
    bool inString = false;
    for (qsizetype i = 0; i < json.size(); ++i) {
        const char c = json[i];
        if (inString) {
            if (c == '\\')
                ++i; // the escaped character
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '{' || c == '[') {
            deepest = std::max(deepest, ++depth);
        } else if (c == '}' || c == ']') {
            --depth;
        }
    }
    return deepest;
}

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
    QByteArray quarantined;
    store->replay(snapshot->value_or(QByteArray()), journal->value_or(QByteArray()), quarantined);

    // Unreadable records are kept before compaction drops them from the snapshot.
    if (!quarantined.isEmpty()) {
        const QString path = dir.filePath(kQuarantine);
        Result<std::optional<QByteArray>> earlier = readFileIfExists(path);
        if (!earlier)
            return earlier.error();
        if (Status kept = writeFileDurably(path, earlier->value_or(QByteArray()) + quarantined, 0600); !kept)
            return kept.error();
        qCWarning(lcSandbox).noquote() << QStringLiteral("%1 unreadable store records were set aside in %2; every other "
                                                         "object was loaded")
                                              .arg(quarantined.count('\n'))
                                              .arg(path);
    }

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

void ObjectStore::replay(const QByteArray &snapshot, const QByteArray &journal, QByteArray &quarantine)
{
    const auto setAside = [&quarantine](const char *file, qsizetype line, const QByteArray &text, const QString &why) {
        qCWarning(lcSandbox).noquote() << QStringLiteral("%1 line %2 is unreadable (%3): set aside").arg(QLatin1String(file)).arg(line).arg(why);
        quarantine += text + '\n';
    };
    const QList<QByteArray> snapshotLines = snapshot.split('\n');
    for (qsizetype i = 0; i < snapshotLines.size(); ++i) {
        if (snapshotLines[i].isEmpty())
            continue;
        QJsonParseError error;
        const QJsonObject line = QJsonDocument::fromJson(snapshotLines[i], &error).object();
        if (error.error != QJsonParseError::NoError) {
            setAside("store.snapshot", i + 1, snapshotLines[i], error.errorString());
            continue;
        }
        m_resourceVersion = std::max(m_resourceVersion, versionOf(line.value(QStringLiteral("resourceVersion"))));
        // A header line {resourceVersion}, an entry {r, obj}, or the older one-line snapshot
        // {resourceVersion, objects: [entries]}.
        QJsonArray entries = line.value(QStringLiteral("objects")).toArray();
        if (line.contains(QStringLiteral("obj")))
            entries.append(line);
        for (const QJsonValue &entry : entries) {
            const std::optional<Mutation> m = mutationOf(entry.toObject());
            if (!m || m->op != Mutation::Op::Put) {
                setAside("store.snapshot", i + 1, QJsonDocument(entry.toObject()).toJson(QJsonDocument::Compact),
                         QStringLiteral("not an object entry"));
                continue;
            }
            apply(*m, versionOf(metadataOf(m->object).value(QStringLiteral("resourceVersion"))));
        }
    }
    const QList<QByteArray> lines = journal.split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        if (lines[i].isEmpty())
            continue;
        if (i == lines.size() - 1) { // no trailing newline: a torn, never acknowledged write
            qCWarning(lcSandbox) << "dropping a torn journal record at the end of the store journal";
            break;
        }
        QJsonParseError error;
        const QJsonObject record = QJsonDocument::fromJson(lines[i], &error).object();
        const std::optional<Mutation> m = error.error == QJsonParseError::NoError ? mutationOf(record) : std::nullopt;
        if (!m) {
            setAside("store.journal", i + 1, lines[i],
                     error.error != QJsonParseError::NoError ? error.errorString() : QStringLiteral("not a store record"));
            continue;
        }
        apply(*m, versionOf(record.value(QStringLiteral("rv"))));
    }
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
    // (While a flush runs, its own failure undoes what is staged meanwhile.)
    if (!flushing() && m_journal.isBroken())
        return makeError(ErrorCategory::Io, QStringLiteral("the sandbox store refuses writes: its journal could not be "
                                                           "repaired after a failed write; restart the sandbox"));
    // Each object stamped with its resourceVersion and written as JSON (its record's and its
    // answer's) first: how deep it nests is read off that text, and nothing is staged unless
    // every object can be read back. Mutation i gets version firstVersion + i.
    const quint64 firstVersion = m_resourceVersion + 1;
    for (qsizetype i = 0; i < mutations.size(); ++i) {
        Mutation &m = mutations[i];
        if (m.op != Mutation::Op::Put)
            continue;
        QJsonObject metadata = metadataOf(m.object);
        metadata.insert(QStringLiteral("resourceVersion"), QString::number(firstVersion + quint64(i)));
        m.object.insert(QStringLiteral("metadata"), metadata);
        m.json = json::compact(m.object);
        if (const int depth = openingBrackets(m.json) > kMaxObjectDepth ? jsonDepth(m.json) : 0; depth > kMaxObjectDepth) {
            Error error = makeError(ErrorCategory::Io, QStringLiteral("the object nests %1 levels deep; the sandbox stores "
                                                                      "objects at most %2 levels deep")
                                                           .arg(depth)
                                                           .arg(kMaxObjectDepth));
            error.code = 422;
            return error;
        }
    }
    if (m_staged.empty())
        m_durableVersion = m_resourceVersion;
    const bool first = !hasUnflushed();
    for (qsizetype i = 0; i < mutations.size(); ++i) {
        Mutation &m = mutations[i];
        const quint64 rv = firstVersion + quint64(i);
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
    if (first && hasUnflushed())
        m_scheduleFlush();
    return {};
}

Status ObjectStore::flush()
{
    if (flushing())
        return makeError(ErrorCategory::Io, QStringLiteral("the sandbox store was flushed while a flush was unfinished"));
    const FlushWork work = beginFlush();
    if (!work.begun)
        return {};
    return finishFlush(work.write ? work.write() : Status());
}

ObjectStore::FlushWork ObjectStore::beginFlush()
{
    FlushWork work;
    if (flushing() || m_staged.empty())
        return work;
    work.begun = true;
    m_flushing = m_staged.size();
    QByteArray records = std::exchange(m_stagedRecords, {});
    if (m_journal.isOpen() && !records.isEmpty()) {
        ++m_syncCount;
        work.write = [journal = &m_journal, records = std::move(records)] { return journal->append(records); };
    }
    return work;
}

Status ObjectStore::finishFlush(const Status &written)
{
    const size_t count = std::exchange(m_flushing, 0);
    if (!written) {
        qCCritical(lcSandbox).noquote() << "a store journal write failed; its changes were undone:" << written.error().message;
        undoStaged();
        return written;
    }
    std::vector<StagedChange> published(std::make_move_iterator(m_staged.begin()), std::make_move_iterator(m_staged.begin() + qsizetype(count)));
    m_staged.erase(m_staged.begin(), m_staged.begin() + qsizetype(count));
    if (!published.empty())
        m_durableVersion = published.back().event.resourceVersion;
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
    QByteArray bytes = json::compact(QJsonObject{{QStringLiteral("resourceVersion"), QString::number(m_resourceVersion)}}) + '\n';
    for (const auto &[key, object] : m_objects) {
        json::appendCompact(QJsonObject{{QStringLiteral("r"), key.resource}, {QStringLiteral("obj"), object}}, bytes);
        bytes += '\n';
    }
    return bytes;
}

} // namespace sluice::sandbox
