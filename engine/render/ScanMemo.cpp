#include "ScanMemo.h"

#include "StructuralHash.h"
#include "core/Bytes.h"

#include <cstring>

namespace sluice {

namespace {

constexpr quint64 kFileSeed = 0x7363616e;     // "scan"
constexpr quint64 kDocumentSeed = 0x646f6373; // "docs"

} // namespace

Result<ScannedManifests> ScanMemo::scan(const QByteArray &bytes, const QString &name)
{
    if (bytes.size() > m_maxBytes / 4)
        return scanManifests(bytes, name);
    const FileKey key{name, hashing::checksum(bytes, kFileSeed)};
    {
        QMutexLocker lock(&m_mutex);
        if (auto it = m_files.constFind(key); it != m_files.constEnd() && it->bytes == bytes) {
            ++m_counts.fileHits;
            return it->scanned;
        }
    }
    std::optional<std::vector<Segment>> segments;
    if (!name.endsWith(QLatin1String(".json"), Qt::CaseInsensitive))
        segments = cutAtDocumentMarkers(bytes);
    auto scanned = segments ? scanDocuments(bytes, name, *segments) : scanManifests(bytes, name);
    if (scanned) {
        QMutexLocker lock(&m_mutex);
        if (!m_files.contains(key)) {
            remember(bytes.size());
            m_files.insert(key, FileEntry{bytes, *scanned});
        }
    }
    return scanned;
}

Result<ScannedManifests> ScanMemo::scanDocuments(const QByteArray &bytes, const QString &name,
                                                 const std::vector<Segment> &segments)
{
    const auto view = [&bytes](const Segment &s) { return QByteArrayView(bytes).sliced(s.contentFrom(), s.contentSize()); };
    std::vector<quint64> keys;
    keys.reserve(segments.size());
    for (const Segment &s : segments)
        keys.push_back(hashing::checksum(view(s), kDocumentSeed));
    // A byte order mark is read as one only at the stream's start: a document that begins with one
    // reads otherwise elsewhere.
    const auto memoizable = [&view](const Segment &s) { return !view(s).startsWith("\xEF\xBB\xBF"); };
    std::vector<std::optional<DocumentEntry>> known(segments.size());
    {
        QMutexLocker lock(&m_mutex);
        for (size_t i = 0; i < segments.size(); ++i) {
            auto it = m_documents.constFind(keys[i]);
            if (it != m_documents.constEnd() && it->bytes == view(segments[i]) && memoizable(segments[i]))
                known[i] = *it;
        }
    }
    ScannedManifests out;
    std::vector<std::pair<quint64, DocumentEntry>> learnt;
    qint64 hits = 0, read = 0;
    for (size_t i = 0; i < segments.size();) {
        if (known[i]) {
            const DocumentEntry &entry = *known[i];
            const int shift = segments[i].contentLine() - entry.firstLine;
            for (Resource r : entry.resources) {
                r.sourceFile = name;
                r.line += shift;
                out.resources.append(std::move(r));
            }
            out.crds.append(entry.crds);
            ++hits;
            ++i;
            continue;
        }
        // The documents not seen, up to the next one seen, are read as one part of the stream.
        size_t j = i;
        while (j < segments.size() && !known[j])
            ++j;
        const Segment &first = segments[i], &last = segments[j - 1];
        auto scanned = scanManifests(sharedSlice(bytes, first.from, last.from + last.size - first.from), name, first.firstLine);
        if (!scanned)
            return scanManifests(bytes, name); // the error as the whole stream gives it
        read += qint64(j - i);
        const std::span<const Segment> run(segments.data() + i, j - i);
        std::vector<DocumentEntry> entries = entriesOf(bytes, run, *scanned);
        for (size_t d = 0; d < entries.size(); ++d) {
            if (memoizable(run[d]))
                learnt.emplace_back(keys[i + d], std::move(entries[d]));
        }
        out.resources.append(std::move(scanned->resources));
        out.crds.append(std::move(scanned->crds));
        i = j;
    }
    QMutexLocker lock(&m_mutex);
    m_counts.documentHits += hits;
    m_counts.documentsRead += read;
    for (auto &[key, entry] : learnt) {
        if (!m_documents.contains(key)) {
            remember(entry.bytes.size());
            m_documents.insert(key, std::move(entry));
        }
    }
    return out;
}

std::vector<ScanMemo::DocumentEntry> ScanMemo::entriesOf(const QByteArray &bytes, std::span<const Segment> run,
                                                         const ScannedManifests &scanned)
{
    std::vector<DocumentEntry> entries;
    entries.reserve(run.size());
    for (const Segment &s : run)
        entries.push_back({sharedSlice(bytes, s.contentFrom(), s.contentSize()), s.contentLine(), {}, {}});
    qsizetype crd = 0;
    size_t d = 0;
    for (const Resource &r : scanned.resources) {
        while (d + 1 < run.size() && run[d + 1].firstLine <= r.line)
            ++d;
        entries[d].resources.append(r);
        if (r.key.kind == QLatin1String("CustomResourceDefinition") && crd < scanned.crds.size())
            entries[d].crds.append(scanned.crds.at(crd++));
    }
    if (crd != scanned.crds.size())
        return {};
    return entries;
}

void ScanMemo::remember(qsizetype bytes)
{
    if (m_bytes + bytes > m_maxBytes) {
        m_files.clear();
        m_documents.clear();
        m_bytes = 0;
    }
    m_bytes += bytes;
}

ScanMemo::Counts ScanMemo::counts() const
{
    QMutexLocker lock(&m_mutex);
    return m_counts;
}

ScanMemo &processScanMemo()
{
    static ScanMemo memo;
    return memo;
}

} // namespace sluice
