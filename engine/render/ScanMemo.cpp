#include "ScanMemo.h"

#include "StructuralHash.h"
#include "core/Bytes.h"

#include <cstring>

namespace sluice {

struct ScanMemo::Segment
{
    qsizetype from = 0;
    qsizetype size = 0;
    int firstLine = 1;   // of the file
    int markerBytes = 0; // of a first line that is a bare "---": the document is the rest, kept as
                         // the same document wherever it stands (the first of a file has none)

    qsizetype contentFrom() const { return from + markerBytes; }
    qsizetype contentSize() const { return size - markerBytes; }
    int contentLine() const { return firstLine + (markerBytes > 0 ? 1 : 0); }
};

namespace {

constexpr quint64 kFileSeed = 0x7363616e;     // "scan"
constexpr quint64 kDocumentSeed = 0x646f6373; // "docs"

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

} // namespace

// The documents of a YAML stream, cut before each line that starts with "---" and a space, a tab
// or the line's end: YAML lets a document marker stand only at a line's start, and nothing else
// that could stand there ("c-forbidden"), so each part reads alone as it reads in the stream.
// Nothing when a line could make the cut differ from how the reader reads the stream: a directive
// ("%": it belongs to the next document), a document end ("..."), a marker followed by a byte
// the reader may take for a break; nor for UTF-16, nor for other line breaks (hasOtherLineBreaks).
std::optional<std::vector<ScanMemo::Segment>> ScanMemo::cutAtMarkers(const QByteArray &bytes)
{
    if (bytes.startsWith("\xFE\xFF") || bytes.startsWith("\xFF\xFE") || hasOtherLineBreaks(bytes))
        return std::nullopt;
    std::vector<ScanMemo::Segment> segments;
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
        segments = cutAtMarkers(bytes);
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
