#include "YamlScan.h"

#include "StructuralHash.h"
#include "YamlEvents.h"
#include "YamlScalar.h"
#include "YamlTree.h"
#include "core/Bytes.h"
#include "core/Heap.h"

#include <QHash>
#include <QSet>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QThread>
#include <QtConcurrent/QtConcurrentMap>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace sluice {
namespace {

using namespace hashing;
using Node = yaml::CompactTree::Node;

// Whether `bytes` has a line break other than "\n" and "\r\n" (a lone "\r", NEL, LS, PS): the
// reader counts lines at those too, so the lines counted here would be off. Each lead byte is
// looked for with memchr (manifests rarely hold one), then what follows it.
bool hasOtherLineBreaks(const QByteArray &bytes)
{
    const char *begin = bytes.constData(), *end = begin + bytes.size();
    const auto breaksAt = [end](const char *p) {
        switch (uchar(*p)) {
        case '\r':
            return p + 1 == end || p[1] != '\n';
        case 0xC2:
            return p + 1 < end && uchar(p[1]) == 0x85;
        default: // 0xE2
            return p + 2 < end && uchar(p[1]) == 0x80 && (uchar(p[2]) == 0xA8 || uchar(p[2]) == 0xA9);
        }
    };
    for (const int lead : {int('\r'), 0xC2, 0xE2}) {
        for (const char *p = begin; (p = static_cast<const char *>(std::memchr(p, lead, size_t(end - p)))); ++p) {
            if (breaksAt(p))
                return true;
        }
    }
    return false;
}

// The bytes of the line at `p` (its "\n" too) when it is a bare document marker: "---", blanks,
// and its end; else 0.
int bareMarkerLine(const char *p, const char *end)
{
    const char *q = p + 3;
    while (q < end && (*q == ' ' || *q == '\t'))
        ++q;
    if (q < end && *q == '\r')
        ++q;
    return q < end && *q == '\n' ? int(q + 1 - p) : 0;
}

// A compact tree's fields as QJsonValue reads them: a map or nothing, a string or "".
std::optional<Node> valueAt(const yaml::CompactTree &tree, std::optional<Node> map, QByteArrayView key)
{
    const qsizetype i = map ? tree.indexOf(*map, key) : -1;
    return i >= 0 ? std::optional(tree.value(*map, i)) : std::nullopt;
}

std::optional<Node> mapAt(const yaml::CompactTree &tree, std::optional<Node> map, QByteArrayView key)
{
    const auto value = valueAt(tree, map, key);
    return value && tree.isMap(*value) ? value : std::nullopt;
}

QString stringAt(const yaml::CompactTree &tree, std::optional<Node> map, QByteArrayView key)
{
    const auto value = valueAt(tree, map, key);
    return value && tree.type(*value) == yaml::CompactTree::Type::String ? QString::fromUtf8(tree.string(*value)) : QString();
}

// Where a mapping sits, for the few fields the scanner captures.
enum class Role { Other, Root, Metadata, Spec, Names };

struct Frame
{
    bool isMap = false;
    Role role = Role::Other;
    quint64 acc = 0;
    quint64 count = 0;
    qint64 expanded = 1;
    bool haveKey = false;
    quint64 keyHash = 0;
    std::string key;       // the pending key, kept only where fields are captured (role != Other);
                           // the keys compared are short: no allocation (std::string's own buffer)
    size_t keyStart = 0;   // this mapping's keys start here in Scanner::m_keyHashes
    std::unique_ptr<QSet<quint64>> manyKeys; // replaces the linear search in large mappings
    QByteArray anchor;
};

struct Captured
{
    QString apiVersion, kind, name, ns;
    QString crdGroup, crdScope, crdKind;
};

struct Anchor
{
    quint64 hash;
    qint64 expanded;
};

// `kind: List`, or a `*List` (ConfigMapList, what `kubectl get -o yaml` prints) without a name of
// its own. A custom kind that merely ends in "List" (AllowList with a metadata.name) is an object.
bool isTreeWorthyList(const QString &kind, bool named)
{
    return kind == QLatin1String("List") || (kind.endsWith(QLatin1String("List")) && !named);
}

// A decimal integer of five digits at most, without a leading zero ("2", "8080"): the text its
// number is written as (100000 is written 1e+05, 007 as 7).
bool isShortCanonicalInteger(QByteArrayView value)
{
    const auto isDigit = [](char c) { return c >= '0' && c <= '9'; };
    return !value.isEmpty() && value.size() <= 5 && (value.front() != '0' || value.size() == 1) &&
           std::all_of(value.begin(), value.end(), isDigit);
}

quint64 hashPlainOrQuoted(const yaml::Event &e, QByteArrayView value)
{
    const bool plain = e.style == YAML_PLAIN_SCALAR_STYLE;
    const bool tagged = e.tag != nullptr;
    if (!plain && !tagged)
        return hashString(value);
    if (!tagged && isShortCanonicalInteger(value))
        return hashNumberText(value);
    // Plain scalars that resolve to a string ("ns-1", "100m") hash as one, without the QJsonValue.
    if (!tagged && yaml::isPlainString(value))
        return hashString(value);
    const QByteArrayView tag = tagged ? QByteArrayView(e.tag) : QByteArrayView();
    return hashScalar(yaml::resolveScalar(value, plain ? yaml::ScalarStyle::Plain : yaml::ScalarStyle::Quoted, tag));
}

// From this size up, a stream's documents are counted before it is read (a pass over its lines).
constexpr qsizetype kLargeListBytes = 1 << 20;

// How many documents `data` holds at most as a stream usually separates them: one more than the
// lines that start with "---" (a block scalar's line can too: an over-count).
qsizetype documentsAtMost(const QByteArray &data)
{
    qsizetype count = 1;
    const char *p = data.constData(), *end = p + data.size();
    while (p < end) { // line by line: memchr is many times faster than memmem's search for "---"
        if (end - p >= 3 && p[0] == '-' && p[1] == '-' && p[2] == '-')
            ++count;
        const void *newline = std::memchr(p, '\n', size_t(end - p));
        p = newline ? static_cast<const char *>(newline) + 1 : end;
    }
    return count;
}

class Scanner
{
public:
    Scanner(const QByteArray &data, const QString &file, int firstLine)
        : m_data(data), m_file(file), m_reader(data, file, firstLine)
    {
        // A large stream's list is made its size at once: grown by doubling and then squeezed, it
        // was held twice over (the doubled list and its copy), the peak of a large render.
        if (data.size() >= kLargeListBytes)
            m_out.resources.reserve(documentsAtMost(data));
    }

    Result<ScannedManifests> run()
    {
        for (;;) {
            if (Status s = m_reader.next(); !s)
                return s.error();
            const yaml::Event &e = m_reader.event();
            Status step;
            switch (e.type) {
            case YAML_STREAM_END_EVENT:
                if (m_out.resources.capacity() > m_out.resources.size() + m_out.resources.size() / 8)
                    m_out.resources.squeeze(); // a large stream's list keeps no growth slack
                return std::move(m_out);
            case YAML_DOCUMENT_START_EVENT:
                m_docStart = -1;
                m_captured = {};
                m_anchors.clear();
                m_events = 0;
                m_aliasExpanded = 0;
                m_rootHash = 0;
                m_rootIsMap = false;
                m_rootSeen = false;
                break;
            case YAML_DOCUMENT_END_EVENT:
                step = finishDocument();
                break;
            case YAML_MAPPING_START_EVENT:
            case YAML_SEQUENCE_START_EVENT:
                step = open(e);
                break;
            case YAML_MAPPING_END_EVENT:
            case YAML_SEQUENCE_END_EVENT:
                step = close();
                break;
            case YAML_SCALAR_EVENT:
                step = scalar(e);
                break;
            case YAML_ALIAS_EVENT:
                step = alias(e);
                break;
            default:
                break;
            }
            if (!step)
                return step.error();
            ++m_events;
        }
    }

private:
    void noteRootStart()
    {
        if (m_stack.empty() && m_docStart < 0) {
            m_docStart = m_reader.offset();
            m_docLine = m_reader.lineOf(m_reader.mark());
        }
    }

    Status open(const yaml::Event &e)
    {
        noteRootStart();
        if (int(m_stack.size()) >= yaml::kMaxDepth)
            return m_reader.errorAt(m_reader.mark(), QStringLiteral("nesting deeper than %1 levels").arg(yaml::kMaxDepth));
        Frame f;
        f.isMap = e.type == YAML_MAPPING_START_EVENT;
        if (e.anchor)
            f.anchor = QByteArray(e.anchor);
        if (f.isMap)
            f.role = childRole();
        f.keyStart = m_keyHashes.size();
        m_stack.push_back(std::move(f));
        return {};
    }

    // The role of a mapping about to open, from its parent and the parent's pending key.
    Role childRole() const
    {
        if (m_stack.empty())
            return Role::Root;
        const Frame &p = m_stack.back();
        if (!p.isMap || !p.haveKey)
            return Role::Other;
        if (p.role == Role::Root && p.key == "metadata")
            return Role::Metadata;
        if (p.role == Role::Root && p.key == "spec")
            return Role::Spec;
        if (p.role == Role::Spec && p.key == "names")
            return Role::Names;
        return Role::Other;
    }

    Status close()
    {
        Frame f = std::move(m_stack.back());
        m_stack.pop_back();
        m_keyHashes.resize(f.keyStart);
        const quint64 h = finish(f.isMap ? Map : Seq, f.acc, f.count);
        if (!f.anchor.isEmpty())
            m_anchors.insert(f.anchor, Anchor{h, f.expanded});
        if (m_stack.empty()) {
            m_rootIsMap = f.isMap;
            m_rootSeen = true;
        }
        return add(h, f.expanded, nullptr);
    }

    Status scalar(const yaml::Event &e)
    {
        noteRootStart();
        const QByteArrayView value = e.value;
        const bool keyPosition = !m_stack.empty() && m_stack.back().isMap && !m_stack.back().haveKey;
        const quint64 h = keyPosition ? hashString(value) : hashPlainOrQuoted(e, value);
        if (e.anchor)
            m_anchors.insert(QByteArray(e.anchor), Anchor{h, 1});
        if (m_stack.empty()) {
            m_rootSeen = !(value.isEmpty() && e.style == YAML_PLAIN_SCALAR_STYLE);
            return {};
        }
        if (!keyPosition)
            capture(value);
        return add(h, 1, keyPosition ? &value : nullptr);
    }

    Status alias(const yaml::Event &e)
    {
        noteRootStart();
        const QByteArray name(e.anchor);
        const auto it = m_anchors.constFind(name);
        if (it == m_anchors.constEnd())
            return m_reader.errorAt(m_reader.mark(), QStringLiteral("unknown alias *%1").arg(QString::fromUtf8(name)));
        m_aliasExpanded += it->expanded;
        if (m_aliasExpanded > 4 * m_events + yaml::kAliasAllowance)
            return m_reader.errorAt(m_reader.mark(),
                                    QStringLiteral("document contains excessive aliasing (an alias bomb?): refused"));
        if (m_stack.empty())
            return m_reader.errorAt(m_reader.mark(), QStringLiteral("a document may not be a bare alias"));
        return add(it->hash, it->expanded, nullptr);
    }

    void capture(QByteArrayView value)
    {
        const Frame &f = m_stack.back();
        if (!f.isMap || f.role == Role::Other)
            return;
        auto set = [&](QString &field) { field = QString::fromUtf8(value); };
        switch (f.role) {
        case Role::Root:
            if (f.key == "apiVersion")
                set(m_captured.apiVersion);
            else if (f.key == "kind")
                set(m_captured.kind);
            break;
        case Role::Metadata:
            if (f.key == "name")
                set(m_captured.name);
            else if (f.key == "namespace")
                set(m_captured.ns);
            break;
        case Role::Spec:
            if (f.key == "group")
                set(m_captured.crdGroup);
            else if (f.key == "scope")
                set(m_captured.crdScope);
            break;
        case Role::Names:
            if (f.key == "kind")
                set(m_captured.crdKind);
            break;
        case Role::Other:
            break;
        }
    }

    // Adds a finished node to the open collection. `keyBytes` is set when the node is a scalar
    // in key position.
    Status add(quint64 h, qint64 expanded, const QByteArrayView *keyBytes)
    {
        if (m_stack.empty()) {
            m_rootHash = h;
            return {};
        }
        Frame &p = m_stack.back();
        p.expanded += expanded;
        if (!p.isMap) {
            p.acc = seqStep(p.acc, h);
            ++p.count;
            return {};
        }
        if (!p.haveKey) {
            if (!keyBytes)
                return m_reader.errorAt(m_reader.mark(), QStringLiteral("a mapping key must be a scalar"));
            if (isDuplicateKey(p, h))
                return m_reader.errorAt(m_reader.mark(), QStringLiteral("duplicate key \"%1\"").arg(QString::fromUtf8(*keyBytes)));
            p.haveKey = true;
            p.keyHash = h;
            if (p.role != Role::Other)
                p.key.assign(keyBytes->data(), size_t(keyBytes->size()));
            return {};
        }
        p.acc += mapEntry(p.keyHash, h);
        ++p.count;
        p.haveKey = false;
        return {};
    }

    // Records the key hash of mapping `p`; true when it was there already.
    bool isDuplicateKey(Frame &p, quint64 h)
    {
        constexpr size_t kLinearLimit = 32;
        if (p.manyKeys) {
            if (p.manyKeys->contains(h))
                return true;
            p.manyKeys->insert(h);
            return false;
        }
        const auto keysBegin = m_keyHashes.begin() + qsizetype(p.keyStart);
        if (std::find(keysBegin, m_keyHashes.end(), h) != m_keyHashes.end())
            return true;
        m_keyHashes.push_back(h);
        if (m_keyHashes.size() - p.keyStart > kLinearLimit)
            p.manyKeys = std::make_unique<QSet<quint64>>(keysBegin, m_keyHashes.end());
        return false;
    }

    Status finishDocument()
    {
        if (!m_rootSeen)
            return {}; // an empty document
        const QString where = m_file + QLatin1Char(':') + QString::number(m_docLine);
        if (!m_rootIsMap)
            return makeError(ErrorCategory::Yaml,
                             QStringLiteral("%1: document is not a Kubernetes object (expected a mapping)").arg(where));
        const QByteArray text = sharedSlice(m_data, m_docStart, m_reader.offset() - m_docStart);
        if (isTreeWorthyList(m_captured.kind, !m_captured.name.isEmpty()))
            return flattenList(text);
        Resource r;
        r.apiVersion = sharedKeyPart(m_captured.apiVersion);
        r.key = {sharedKeyPart(groupOfApiVersion(m_captured.apiVersion)), sharedKeyPart(m_captured.kind), sharedKeyPart(m_captured.ns),
                 m_captured.name};
        r.sourceFile = m_file;
        r.line = m_docLine;
        r.text = text;
        r.hash = m_rootHash;
        if (Status s = checkIdentity(r); !s)
            return s;
        if (m_captured.kind == QLatin1String("CustomResourceDefinition"))
            m_out.crds.append({m_captured.crdGroup, m_captured.crdKind, m_captured.crdScope == QLatin1String("Cluster")});
        m_out.resources.append(std::move(r));
        return {};
    }

    Status flattenList(const QByteArray &text)
    {
        std::optional<yaml::CompactTree> tree = yaml::parseCompact(text, m_file, m_docLine);
        if (!tree) { // anchors and the rest parseCompact leaves to parseDocument
            auto parsed = yaml::parseDocument(text, m_file, m_docLine);
            if (!parsed)
                return parsed.error();
            tree = yaml::CompactTree::fromJson(*parsed);
        }
        return appendTreeItems(*tree, m_file, m_docLine, m_out);
    }

public:
    static Status checkIdentity(const Resource &r)
    {
        const char *missing = r.apiVersion.isEmpty() ? "apiVersion"
                              : r.key.kind.isEmpty() ? "kind"
                              : r.key.name.isEmpty() ? "metadata.name"
                                                     : nullptr;
        if (!missing)
            return {};
        return makeError(ErrorCategory::Yaml, QStringLiteral("%1: object has no %2").arg(r.location(), QLatin1String(missing)));
    }

    // The object at `node` (a List's item, or a JSON file's object) as JSON text, with the hash
    // hashJson gives it; its fields read as QJsonValue reads them.
    static Status appendTreeObject(const yaml::CompactTree &tree, Node node, const QString &file, int line, ScannedManifests &out)
    {
        if (!tree.isMap(node))
            return makeError(ErrorCategory::Yaml, QStringLiteral("%1:%2: list item is not a Kubernetes object").arg(file).arg(line));
        const auto metadata = mapAt(tree, node, "metadata");
        Resource r;
        r.apiVersion = sharedKeyPart(stringAt(tree, node, "apiVersion"));
        r.key = {sharedKeyPart(groupOfApiVersion(r.apiVersion)), sharedKeyPart(stringAt(tree, node, "kind")),
                 sharedKeyPart(stringAt(tree, metadata, "namespace")), stringAt(tree, metadata, "name")};
        r.sourceFile = file;
        r.line = line;
        r.format = Resource::Format::Json;
        r.text = yaml::toJsonText(tree, node);
        r.hash = hashTree(tree, node);
        if (Status s = checkIdentity(r); !s)
            return s;
        if (r.key.kind == QLatin1String("CustomResourceDefinition")) {
            const auto spec = mapAt(tree, node, "spec");
            out.crds.append({stringAt(tree, spec, "group"), stringAt(tree, mapAt(tree, spec, "names"), "kind"),
                             stringAt(tree, spec, "scope") == QLatin1String("Cluster")});
        }
        out.resources.append(std::move(r));
        return {};
    }

    // The items of a List.
    static Status appendTreeItems(const yaml::CompactTree &tree, const QString &file, int line, ScannedManifests &out)
    {
        const auto items = valueAt(tree, tree.root(), "items");
        if (!items || !tree.isSequence(*items))
            return {};
        for (qsizetype i = 0; i < tree.size(*items); ++i) {
            if (Status s = appendTreeObject(tree, tree.item(*items, i), file, line, out); !s)
                return s;
        }
        return {};
    }

private:
    const QByteArray &m_data;
    QString m_file;
    yaml::EventReader m_reader;
    ScannedManifests m_out;
    std::vector<Frame> m_stack;
    std::vector<quint64> m_keyHashes; // keys of the open mappings, for duplicate detection

    QHash<QByteArray, Anchor> m_anchors;
    Captured m_captured;
    qsizetype m_docStart = -1;
    int m_docLine = 1;
    qint64 m_events = 0;
    qint64 m_aliasExpanded = 0;
    quint64 m_rootHash = 0;
    bool m_rootIsMap = false;
    bool m_rootSeen = false;
};

Result<ScannedManifests> scanJson(const QByteArray &data, const QString &file)
{
    std::optional<yaml::CompactTree> tree = yaml::parseCompactJson(data);
    if (!tree) { // what it leaves to QJsonDocument, errors included
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(data, &error);
        if (error.error != QJsonParseError::NoError) {
            const int line = int(data.left(error.offset).count('\n')) + 1;
            return makeError(ErrorCategory::Yaml, QStringLiteral("%1:%2: malformed JSON: %3").arg(file).arg(line).arg(error.errorString()));
        }
        tree = yaml::CompactTree::fromJson(doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object()));
    }
    ScannedManifests out;
    const Node root = tree->root();
    const bool list = isTreeWorthyList(stringAt(*tree, root, "kind"), !stringAt(*tree, mapAt(*tree, root, "metadata"), "name").isEmpty());
    const Status s = list ? Scanner::appendTreeItems(*tree, file, 1, out) : Scanner::appendTreeObject(*tree, root, file, 1, out);
    if (!s)
        return s.error();
    return out;
}

// The least a part of a stream scanned in parts holds: a stream of two parts or more is.
constexpr qsizetype kPartBytes = 4 * 1024 * 1024;

// A large stream scanned in parts at once, cut at its document markers (a few parts per core),
// and their objects put together in the stream's order: the same objects, lines and texts
// (slices of `data`) as one pass. A part that fails is read again as one pass, so that an error
// reads as the whole stream gives it. Nothing for a stream that cannot be cut.
std::optional<Result<ScannedManifests>> scanInParts(const QByteArray &data, const QString &file, int firstLine)
{
    const std::optional<std::vector<StreamDocument>> documents = cutAtDocumentMarkers(data);
    if (!documents)
        return std::nullopt;
    struct Part
    {
        qsizetype from = 0;
        qsizetype size = 0;
        int firstLine = 1; // of `file`
        std::optional<Result<ScannedManifests>> scanned;
    };
    const qsizetype partBytes = std::max(kPartBytes, data.size() / (4 * std::max(1, QThread::idealThreadCount())));
    std::vector<Part> parts;
    for (const StreamDocument &d : *documents) {
        if (parts.empty() || parts.back().size >= partBytes)
            parts.push_back({d.from, 0, firstLine + d.firstLine - 1, {}});
        parts.back().size = d.from + d.size - parts.back().from;
    }
    if (parts.size() < 2)
        return std::nullopt;
    QtConcurrent::blockingMap(parts, [&](Part &p) { p.scanned = Scanner(sharedSlice(data, p.from, p.size), file, p.firstLine).run(); });
    qsizetype count = 0;
    for (const Part &p : parts) {
        if (!*p.scanned)
            return std::nullopt;
        count += (*p.scanned)->resources.size();
    }
    ScannedManifests all;
    all.resources.reserve(count); // its pages are touched as the parts' objects move in
    for (Part &p : parts) {
        ScannedManifests &scanned = **p.scanned;
        for (Resource &r : scanned.resources)
            all.resources.append(std::move(r));
        all.crds.append(std::move(scanned.crds));
        p.scanned.reset(); // each part's list goes as the next moves in
        if (data.size() >= kLargeInputBytes)
            trimFreedMemory();
    }
    return all;
}

} // namespace

std::optional<std::vector<StreamDocument>> cutAtDocumentMarkers(const QByteArray &bytes)
{
    if (bytes.startsWith("\xFE\xFF") || bytes.startsWith("\xFF\xFE") || hasOtherLineBreaks(bytes))
        return std::nullopt;
    std::vector<StreamDocument> segments;
    const char *begin = bytes.constData(), *end = begin + bytes.size();
    qsizetype from = 0;
    int firstLine = 1, line = 1, markerBytes = 0;
    for (const char *p = begin; p < end; ++line) { // p: a line's start
        if (*p == '%')
            return std::nullopt; // a directive
        if (end - p >= 3 && (*p == '-' || *p == '.') && p[1] == *p && p[2] == *p) {
            const uchar after = p + 3 < end ? uchar(p[3]) : uchar('\n');
            if (after == ' ' || after == '\t' || after == '\r' || after == '\n') {
                if (*p == '.')
                    return std::nullopt; // a document end
                if (p - begin > from)
                    segments.push_back({from, p - begin - from, firstLine, markerBytes});
                from = p - begin;
                firstLine = line;
                markerBytes = bareMarkerLine(p, end);
            } else if (after >= 0x80 || after == 0) {
                return std::nullopt; // a byte the reader may take for a break
            }
        }
        const char *eol = static_cast<const char *>(std::memchr(p, '\n', size_t(end - p)));
        p = eol ? eol + 1 : end;
    }
    if (from < bytes.size() || segments.empty())
        segments.push_back({from, bytes.size() - from, firstLine, markerBytes});
    return segments;
}

QString groupOfApiVersion(const QString &apiVersion)
{
    const qsizetype slash = apiVersion.indexOf(QLatin1Char('/'));
    return slash < 0 ? QString() : apiVersion.left(slash);
}

Result<ScannedManifests> scanManifests(const QByteArray &data, const QString &file, int firstLine)
{
    if (data.size() >= kLargeInputBytes) // a render tool's output, a cache entry
        returnFreedMemory();
    if (file.endsWith(QLatin1String(".json"), Qt::CaseInsensitive))
        return scanJson(data, file);
    if (data.size() >= 2 * kPartBytes) {
        if (std::optional<Result<ScannedManifests>> scanned = scanInParts(data, file, firstLine))
            return std::move(*scanned);
    }
    return Scanner(data, file, firstLine).run();
}

} // namespace sluice
