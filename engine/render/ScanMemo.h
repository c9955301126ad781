#pragma once

// Scans remembered for this process, so that what another revision (or file) already had is not
// scanned again: whole files by name and bytes, and each document of a YAML stream by its bytes
// wherever it stands (a commit that changes one object of a 5,000-object file; a revision that
// moves objects between files; a render tool's output that differs from the last one in a few
// objects). Thread-safe: the two sides of a review scan at once and share what they find.

#include "YamlScan.h"

#include <QHash>
#include <QMutex>

#include <optional>
#include <span>
#include <vector>

namespace sluice {

class ScanMemo
{
public:
    // Remembers up to `maxBytes` of scanned text (all forgotten at once past it); a file larger
    // than a quarter of that is scanned, not remembered.
    explicit ScanMemo(qsizetype maxBytes = 128 * 1024 * 1024) : m_maxBytes(maxBytes) {}

    // What scanManifests(bytes, name) gives: the same objects, files, lines, texts, hashes and
    // errors. Documents it has seen are not read again; the documents it has not seen, those
    // together between two it has, are read as one part of the stream. A stream it cannot cut
    // at its document markers alone (directives, "..." ends, UTF-16) is read whole.
    Result<ScannedManifests> scan(const QByteArray &bytes, const QString &name);

    struct Counts
    {
        qint64 fileHits = 0;      // whole files not scanned again
        qint64 documentHits = 0;  // documents not scanned again
        qint64 documentsRead = 0; // documents of cut streams that were scanned
    };
    Counts counts() const;

private:
    using Segment = StreamDocument;
    struct FileEntry
    {
        QByteArray bytes;
        ScannedManifests scanned;
    };
    struct DocumentEntry
    {
        QByteArray bytes;
        int firstLine = 0; // the line it began at where it was read: its objects' lines count from there
        QList<Resource> resources;
        QList<CrdScope> crds;
    };
    using FileKey = std::pair<QString, quint64>;

    // The objects of documents read together, each to its document (the last that begins at or
    // before the object's line), CRD scopes in their objects' order; none when they do not match.
    static std::vector<DocumentEntry> entriesOf(const QByteArray &bytes, std::span<const Segment> run,
                                                const ScannedManifests &scanned);
    Result<ScannedManifests> scanDocuments(const QByteArray &bytes, const QString &name, const std::vector<Segment> &segments);
    void remember(qsizetype bytes); // with the lock held: makes room

    const qsizetype m_maxBytes;
    mutable QMutex m_mutex;
    QHash<FileKey, FileEntry> m_files;
    QHash<quint64, DocumentEntry> m_documents;
    qsizetype m_bytes = 0;
    Counts m_counts;
};

// The memo plain renders and render tools' outputs share in this process.
ScanMemo &processScanMemo();

} // namespace sluice
