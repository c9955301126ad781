#include "ResourceDiff.h"

#include "SecretMask.h"
#include "TextDiff.h"
#include "core/Bytes.h"
#include "core/Heap.h"
#include "render/YamlTree.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtConcurrent/QtConcurrentMap>

#include <array>
#include <atomic>
#include <optional>
#include <vector>

namespace sluice {

QString changeKindName(ChangeKind kind)
{
    switch (kind) {
    case ChangeKind::Added: return QStringLiteral("added");
    case ChangeKind::Removed: return QStringLiteral("removed");
    case ChangeKind::Changed: return QStringLiteral("changed");
    case ChangeKind::Unchanged: return QStringLiteral("unchanged");
    }
    return {};
}

Result<yaml::CompactTree> displayTree(const Resource &resource, const QList<IgnoreRule> &ignore, SecretMasker &masker)
{
    auto tree = resource.parseCompactTree();
    if (!tree)
        return tree.error();
    normalizeObject(*tree, resource.key, ignore);
    if (SecretMasker::appliesTo(resource.key))
        masker.mask(*tree);
    return tree;
}

namespace {

QByteArray label(const QByteArray &prefix, const ResourceKey &key)
{
    return prefix + "  " + key.displayName().toUtf8();
}

// The trees built for a pair while it is compared.
struct Trees
{
    yaml::CompactTree before;
    yaml::CompactTree after;
};

// One object of the comparison that may differ. A large review holds one per changed object,
// so what is held only while comparing is behind a pointer.
struct Pair
{
    const Resource *before = nullptr;
    const Resource *after = nullptr;
    qsizetype beforeIndex = 0; // of `before` and `after` in their sets
    qsizetype afterIndex = 0;
    ObjectDiff *result = nullptr;
    qsizetype index = 0; // of result in the diff's list, which may move while it grows
    std::unique_ptr<Trees> trees;
    std::unique_ptr<Error> error;
};

Status parseAndNormalize(Pair &pair, const QList<IgnoreRule> &ignore)
{
    pair.trees = std::make_unique<Trees>();
    for (auto [resource, tree] : {std::pair{pair.before, &pair.trees->before}, std::pair{pair.after, &pair.trees->after}}) {
        if (!resource)
            continue;
        auto parsed = resource->parseCompactTree();
        if (!parsed)
            return parsed.error();
        *tree = std::move(*parsed);
        normalizeObject(*tree, resource->key, ignore);
    }
    return {};
}

void compare(Pair &pair, const DiffOptions &options)
{
    ObjectDiff &object = *pair.result;
    if (pair.before && pair.after) {
        const yaml::CompactTree &before = pair.trees->before;
        const yaml::CompactTree &after = pair.trees->after;
        if (before.equal(before.root(), after, after.root())) {
            object.change = ChangeKind::Unchanged;
            return;
        }
        object.change = ChangeKind::Changed;
        object.fields = diffFields(before, before.root(), after, after.root());
    } else {
        object.change = pair.after ? ChangeKind::Added : ChangeKind::Removed;
    }
    if (options.withText || (options.withSecretTexts && SecretMasker::appliesTo(object.key))) {
        const Trees &trees = *pair.trees;
        object.beforeYaml = pair.before ? yaml::toYaml(trees.before, trees.before.root()) : QByteArray();
        object.afterYaml = pair.after ? yaml::toYaml(trees.after, trees.after.root()) : QByteArray();
        object.diff = unifiedDiff(object.beforeYaml, object.afterYaml,
                                  pair.before ? label(options.baseLabel, object.key) : QByteArray("/dev/null"),
                                  pair.after ? label(options.headLabel, object.key) : QByteArray("/dev/null"));
        if (!options.withSides) {
            object.beforeYaml.clear();
            object.afterYaml.clear();
        }
    }
}

// The objects of a diff's two sets whose texts go once compared; an empty side keeps them. The
// texts were copied on the caller's thread, in its heap; the diff texts are written in the
// workers' heaps: every 8 MiB of texts let go, their pages go back to the system.
struct TextRelease
{
    std::span<Resource> base;
    std::span<Resource> head;
    std::atomic<qsizetype> untrimmed = 0;
    static constexpr qsizetype kTrimEvery = 8 * 1024 * 1024;

    void letGo(QByteArray &text)
    {
        const qsizetype bytes = text.size();
        text = QByteArray();
        if (untrimmed.fetch_add(bytes) + bytes >= kTrimEvery && untrimmed.exchange(0) >= kTrimEvery)
            trimFreedMemory();
    }
};

// Compares a pair and drops its trees (a large review does not hold every tree at once), and
// its texts when the diff lets go of them.
void finish(Pair &pair, const DiffOptions &options, TextRelease *release)
{
    compare(pair, options);
    pair.trees.reset();
    if (!release)
        return;
    if (pair.before && !release->base.empty())
        release->letGo(release->base[pair.beforeIndex].text);
    if (pair.after && !release->head.empty())
        release->letGo(release->head[pair.afterIndex].text);
}

// Runs `work` on every pair that needs it, on the global thread pool.
template <typename Fn>
void forEachParallel(std::vector<Pair *> &pairs, Fn work)
{
    QtConcurrent::blockingMap(pairs, [&work](Pair *pair) { work(*pair); });
}

} // namespace

Result<ObjectTexts> objectTexts(const ResourceDiff &diff, const ObjectDiff &object)
{
    const bool written = !object.diff.isEmpty() || !object.beforeYaml.isEmpty() || !object.afterYaml.isEmpty();
    if (written || object.change == ChangeKind::Unchanged || !diff.source)
        return ObjectTexts{object.diff, object.beforeYaml, object.afterYaml};
    ObjectDiff texts;
    texts.key = object.key;
    Pair pair;
    pair.before = diff.source->base.find(object.key);
    pair.after = diff.source->head.find(object.key);
    pair.result = &texts;
    if (Status s = parseAndNormalize(pair, diff.source->options.ignore); !s)
        return s.error();
    DiffOptions options = diff.source->options;
    options.withText = options.withSides = true;
    compare(pair, options);
    return ObjectTexts{texts.diff, texts.beforeYaml, texts.afterYaml};
}

namespace {

// Walks both sets in key order: `visit(before, after, beforeIndex, afterIndex)` for each key,
// either side null where that set lacks it.
template <typename Visit>
void walkByKey(const ResourceSet &base, const ResourceSet &head, Visit visit)
{
    auto b = base.begin();
    auto h = head.begin();
    while (b != base.end() || h != head.end()) {
        const qsizetype beforeIndex = b - base.begin(), afterIndex = h - head.begin();
        if (h == head.end() || (b != base.end() && b->key < h->key))
            visit(&*b++, nullptr, beforeIndex, afterIndex);
        else if (b == base.end() || h->key < b->key)
            visit(nullptr, &*h++, beforeIndex, afterIndex);
        else
            visit(&*b++, &*h++, beforeIndex, afterIndex);
    }
}

bool sameHash(const Resource *before, const Resource *after)
{
    return before && after && before->hash == after->hash;
}

// An object as listed before it is compared: unchanged.
ObjectDiff unchangedObject(const Resource *before, const Resource *after)
{
    const Resource *either = after ? after : before;
    ObjectDiff object;
    object.key = either->key;
    object.apiVersion = either->apiVersion;
    object.baseLocation = before ? before->source() : SourceLocation();
    object.headLocation = after ? after->source() : SourceLocation();
    return object;
}

// The objects two sets hash alike: what a diff that lets go of texts does not list.
class HashedAlike final : public UnchangedObjects
{
public:
    HashedAlike(ResourceSet base, ResourceSet head) : m_base(std::move(base)), m_head(std::move(head)) {}

    void forEach(const std::function<void(const ObjectDiff &)> &visit) const override
    {
        walkByKey(m_base, m_head, [&](const Resource *before, const Resource *after, qsizetype, qsizetype) {
            if (sameHash(before, after))
                visit(unchangedObject(before, after));
        });
    }

private:
    ResourceSet m_base;
    ResourceSet m_head;
};

Result<ResourceDiff> diffSets(const ResourceSet &base, const ResourceSet &head, const DiffOptions &options,
                              const CancelToken &cancel, TextRelease *release)
{
    // 1. Walk both sets in key order; equal hashes are unchanged without parsing. Only the
    // others get a Pair (a large review with few changes holds few), and in a diff that lets go
    // of texts only they are listed.
    ResourceDiff result;
    const bool listUnchanged = !release;
    std::vector<Pair> pairs;
    qsizetype listed = 0, differing = 0;
    walkByKey(base, head, [&](const Resource *before, const Resource *after, qsizetype, qsizetype) {
        differing += sameHash(before, after) ? 0 : 1;
        ++listed;
    });
    result.objects.reserve(listUnchanged ? listed : differing);
    pairs.reserve(size_t(differing));
    walkByKey(base, head, [&](const Resource *before, const Resource *after, qsizetype beforeIndex, qsizetype afterIndex) {
        const bool same = sameHash(before, after);
        if (same && !listUnchanged) {
            ++result.summary.unchanged;
            return;
        }
        result.objects.append(unchangedObject(before, after));
        if (!same) {
            Pair &pair = pairs.emplace_back();
            pair.before = before;
            pair.after = after;
            pair.beforeIndex = beforeIndex;
            pair.afterIndex = afterIndex;
            pair.index = result.objects.size() - 1;
        }
    });
    std::vector<Pair *> work;
    work.reserve(pairs.size());
    for (Pair &pair : pairs) {
        pair.result = &result.objects[pair.index];
        work.push_back(&pair);
    }

    // 2. Parse, normalize and compare what may differ (field changes, text diffs), in parallel:
    // pure per object. Secrets wait for step 3.
    forEachParallel(work, [&](Pair &pair) {
        if (cancel.isCancelled())
            return;
        if (Status s = parseAndNormalize(pair, options.ignore); !s)
            pair.error = std::make_unique<Error>(s.error());
        else if (!SecretMasker::appliesTo(pair.result->key))
            finish(pair, options, release);
    });
    if (cancel.isCancelled())
        return makeError(ErrorCategory::Cancelled, QStringLiteral("diff was cancelled"));
    for (Pair *pair : work) {
        if (pair->error)
            return *pair->error;
    }

    // 3. Mask secrets in key order, so masks number the same way every run, then compare them.
    SecretMasker masker;
    std::vector<Pair *> secrets;
    for (Pair *pair : work) {
        if (!SecretMasker::appliesTo(pair->result->key))
            continue;
        if (pair->before)
            masker.mask(pair->trees->before);
        if (pair->after)
            masker.mask(pair->trees->after);
        secrets.push_back(pair);
    }
    forEachParallel(secrets, [&](Pair &pair) { finish(pair, options, release); });

    pairs = std::vector<Pair>(); // the trees are gone; the pairs too before the caller goes on
    for (const ObjectDiff &object : std::as_const(result.objects)) {
        switch (object.change) {
        case ChangeKind::Added: ++result.summary.added; break;
        case ChangeKind::Removed: ++result.summary.removed; break;
        case ChangeKind::Changed: ++result.summary.changed; break;
        case ChangeKind::Unchanged: ++result.summary.unchanged; break;
        }
    }
    for (const QString &note : base.notes + head.notes) {
        if (!result.notes.contains(note))
            result.notes.append(note);
    }
    return result;
}

} // namespace

Result<ResourceDiff> diffResourceSets(const ResourceSet &base, const ResourceSet &head, const DiffOptions &options,
                                      const CancelToken &cancel)
{
    return diffSets(base, head, options, cancel, nullptr);
}

Result<ResourceDiff> diffResourceSetsLettingGoOfTexts(ResourceSet &base, ResourceSet &head, const DiffOptions &options,
                                                      const CancelToken &cancel)
{
    TextRelease release{base.ownObjects(), head.ownObjects()};
    auto diff = diffSets(base, head, options, cancel, &release);
    if (diff)
        diff->unchanged = std::make_shared<const HashedAlike>(base, head);
    return diff;
}

void forEachObject(const ResourceDiff &diff, const std::function<void(const ObjectDiff &)> &visit)
{
    auto next = diff.objects.cbegin();
    const auto end = diff.objects.cend();
    if (diff.unchanged) {
        diff.unchanged->forEach([&](const ObjectDiff &u) {
            while (next != end && next->key < u.key)
                visit(*next++);
            visit(u);
        });
    }
    while (next != end)
        visit(*next++);
}

QList<ObjectDiff> allObjects(const ResourceDiff &diff)
{
    if (!diff.unchanged)
        return diff.objects;
    QList<ObjectDiff> all;
    all.reserve(diff.summary.added + diff.summary.removed + diff.summary.changed + diff.summary.unchanged);
    forEachObject(diff, [&all](const ObjectDiff &o) { all.append(o); });
    return all;
}

namespace {

// Bump when the diff's result changes for the same inputs (normalizing, masking, text format),
// or the bytes of a stored diff do. 2: keyed lists' order changes, secrets of any type masked
// apart; 3: locations as file and line; 4: shared strings once, in a table; 5: field values as
// JSON text (QDataStream writes every number as a double: 2^60 read back as 1.152921504606847e+18);
// 6: a string value as its UTF-8 bytes after 's' (a dashboard's JSON text, read back through
// QJsonDocument, cost 87% of a cached review of kube-prometheus: it unescapes a character at a time);
// 7: texts by the histogram diff, not Myers'; 8: the unchanged objects after the others
constexpr quint32 kDiffBytesVersion = 8;

// The strings of an object many others share.
std::array<const QString *, 6> sharedStrings(const ObjectDiff &o)
{
    return {&o.key.group, &o.key.kind, &o.key.ns, &o.apiVersion, &o.baseLocation.file, &o.headLocation.file};
}

void writeObject(StreamWriter &out, StringTable &table, const ObjectDiff &o)
{
    for (const QString *s : sharedStrings(o))
        out.u32(table.id(*s));
    out.string(o.key.name);
    out.u8(quint8(o.change));
    out.byteArray(o.diff);
    out.byteArray(o.beforeYaml);
    out.byteArray(o.afterYaml);
    out.i32(o.baseLocation.line);
    out.i32(o.headLocation.line);
    out.i32(qint32(o.fields.size()));
    for (const FieldChange &f : o.fields) {
        out.u32(table.id(f.path));
        out.byteArray(f.before.bytes());
        out.byteArray(f.after.bytes());
    }
}

// Texts are slices of the buffer `in` reads.
bool readObject(StreamReader &in, const QStringList &strings, ObjectDiff &o)
{
    for (QString *s : {&o.key.group, &o.key.kind, &o.key.ns, &o.apiVersion, &o.baseLocation.file, &o.headLocation.file}) {
        if (!in.tableString(strings, *s))
            return false;
    }
    o.key.name = in.string();
    const quint8 change = in.u8();
    o.diff = in.slice();
    o.beforeYaml = in.slice();
    o.afterYaml = in.slice();
    o.baseLocation.line = in.i32();
    o.headLocation.line = in.i32();
    const qint32 fields = in.i32();
    if (!in.ok() || change > quint8(ChangeKind::Unchanged) || fields < 0)
        return false;
    o.change = ChangeKind(change);
    o.fields.reserve(qMin(fields, 1024));
    for (qint32 i = 0; i < fields; ++i) {
        FieldChange f;
        if (!in.tableString(strings, f.path))
            return false;
        const std::optional<FieldValue> before = FieldValue::fromBytes(in.slice());
        const std::optional<FieldValue> after = FieldValue::fromBytes(in.slice());
        if (!in.ok() || !before || !after)
            return false;
        f.before = *before;
        f.after = *after;
        o.fields.append(std::move(f));
    }
    return true;
}

// Past one unchanged object's record, checking what readObject checks without building it.
bool skipUnchangedObject(StreamReader &in, const QStringList &strings)
{
    for (int i = 0; i < 6; ++i) {
        if (in.u32() >= quint32(strings.size()))
            return false;
    }
    const qsizetype name = in.skip();
    const quint8 change = in.u8();
    for (int i = 0; i < 3; ++i)
        in.skip();
    in.i32();
    in.i32();
    const qint32 fields = in.i32();
    if (!in.ok() || name % 2 != 0 || change != quint8(ChangeKind::Unchanged) || fields < 0)
        return false;
    for (qint32 i = 0; i < fields; ++i) {
        if (in.u32() >= quint32(strings.size()) || !FieldValue::fromBytes(in.slice()) || !FieldValue::fromBytes(in.slice()))
            return false;
    }
    return in.ok();
}

// The unchanged objects of a stored diff, read from its bytes each time they are listed.
class StoredUnchanged final : public UnchangedObjects
{
public:
    StoredUnchanged(QByteArray bytes, qsizetype at, qint64 count, QStringList strings)
        : m_bytes(std::move(bytes)), m_at(at), m_count(count), m_strings(std::move(strings))
    {
    }

    void forEach(const std::function<void(const ObjectDiff &)> &visit) const override
    {
        StreamReader in(m_bytes, m_at);
        for (qint64 i = 0; i < m_count; ++i) {
            ObjectDiff o;
            if (!readObject(in, m_strings, o)) // checked when read back (skipUnchangedObject)
                return;
            visit(o);
        }
    }

private:
    QByteArray m_bytes;
    qsizetype m_at = 0; // of the first record
    qint64 m_count = 0;
    QStringList m_strings;
};

} // namespace

QString diffOptionsIdentity(const DiffOptions &options)
{
    QStringList parts{QString::number(kDiffBytesVersion), QString::fromUtf8(options.baseLabel),
                      QString::fromUtf8(options.headLabel), options.withText ? QStringLiteral("text") : QStringLiteral("list"),
                      options.withSides ? QStringLiteral("sides") : QStringLiteral("unified"),
                      options.withSecretTexts ? QStringLiteral("secrets") : QString()};
    for (const IgnoreRule &rule : options.ignore)
        parts << rule.group << rule.kind << rule.ns << rule.name << rule.jsonPointers.join(QLatin1Char('\x1f'));
    return parts.join(QLatin1Char('\x1e'));
}

void writeResourceDiff(StreamWriter &out, const ResourceDiff &diff)
{
    StringTable table; // filled first: the table goes before the objects
    qint64 changed = 0, unchanged = 0;
    forEachObject(diff, [&](const ObjectDiff &o) {
        for (const QString *s : sharedStrings(o))
            table.id(*s);
        for (const FieldChange &f : o.fields)
            table.id(f.path);
        ++(o.change == ChangeKind::Unchanged ? unchanged : changed);
    });
    out.u32(kDiffBytesVersion);
    for (int n : {diff.summary.added, diff.summary.removed, diff.summary.changed, diff.summary.unchanged})
        out.i32(n);
    out.stringList(diff.notes);
    out.stringList(table.strings());
    // The objects that changed, then the unchanged ones: a review read back prints the first
    // without reading the others.
    out.i64(changed);
    for (const ObjectDiff &o : diff.objects) {
        if (o.change != ChangeKind::Unchanged)
            writeObject(out, table, o);
    }
    out.i64(unchanged);
    forEachObject(diff, [&](const ObjectDiff &o) {
        if (o.change == ChangeKind::Unchanged)
            writeObject(out, table, o);
    });
}

QByteArray resourceDiffToBytes(const ResourceDiff &diff)
{
    StreamWriter out;
    writeResourceDiff(out, diff);
    return out.take();
}

std::optional<ResourceDiff> resourceDiffFromBytes(const QByteArray &bytes)
{
    StreamReader in(bytes);
    if (in.u32() != kDiffBytesVersion)
        return std::nullopt;
    ResourceDiff diff;
    diff.summary.added = in.i32();
    diff.summary.removed = in.i32();
    diff.summary.changed = in.i32();
    diff.summary.unchanged = in.i32();
    QStringList strings;
    if (!in.stringList(diff.notes) || !in.stringList(strings))
        return std::nullopt;
    const qint64 changed = in.i64();
    constexpr qint64 kMinObjectBytes = 32; // an object's record is longer: a damaged count allocates little
    if (!in.ok() || changed < 0 || changed > bytes.size() / kMinObjectBytes)
        return std::nullopt;
    diff.objects.resize(changed);
    for (ObjectDiff &o : diff.objects) {
        if (!readObject(in, strings, o))
            return std::nullopt;
    }
    const qint64 unchanged = in.i64();
    const qsizetype at = in.position();
    if (!in.ok() || unchanged < 0 || unchanged > in.remaining() / kMinObjectBytes)
        return std::nullopt;
    for (qint64 i = 0; i < unchanged; ++i) {
        if (!skipUnchangedObject(in, strings))
            return std::nullopt;
    }
    if (!in.atEnd())
        return std::nullopt;
    if (unchanged > 0)
        diff.unchanged = std::make_shared<const StoredUnchanged>(bytes, at, unchanged, strings);
    return diff;
}

} // namespace sluice
