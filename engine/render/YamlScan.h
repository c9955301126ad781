#pragma once

// Bulk scanning of manifest streams: split into documents, key each object and hash it from
// YAML events, without building trees. This is what makes rendering thousands of objects
// cheap; trees are built later only for the objects that differ or are shown.

#include "Resource.h"
#include "core/Result.h"

#include <QList>

#include <optional>
#include <vector>

namespace sluice {

// What a CustomResourceDefinition in the stream declares, for namespace scoping.
struct CrdScope
{
    QString group;
    QString kind;
    bool clusterScoped = false;
};

struct ScannedManifests
{
    QList<Resource> resources; // key.ns is as written (not yet defaulted or scoped)
    QList<CrdScope> crds;
};

// Scans every document of a YAML stream (or, for `.json` files, one JSON value). Empty
// documents are skipped; `*List` kinds are flattened into their items. Errors name file:line:
// malformed YAML, a document that is not a mapping or lacks apiVersion/kind/metadata.name,
// duplicate keys, nesting deeper than yaml::kMaxDepth, excessive aliasing.
// `firstLine`: the line of `file` that `data` begins at (a part of a YAML stream cut at a
// document marker), for the objects' lines and errors.
// Thread-safe (pure). Cost: one pass of the YAML reader (YamlEvents.h) over the bytes.
Result<ScannedManifests> scanManifests(const QByteArray &data, const QString &file, int firstLine = 1);

// One document of a YAML stream, as cutAtDocumentMarkers finds it.
struct StreamDocument
{
    qsizetype from = 0;
    qsizetype size = 0;
    int firstLine = 1;   // of the stream
    int markerBytes = 0; // of a first line that is a bare "---": the document is the rest, kept as
                         // the same document wherever it stands (the first of a stream has none)

    qsizetype contentFrom() const { return from + markerBytes; }
    qsizetype contentSize() const { return size - markerBytes; }
    int contentLine() const { return firstLine + (markerBytes > 0 ? 1 : 0); }
};

// The documents of a YAML stream, cut before each line that starts with "---" and a space, a tab
// or the line's end: YAML lets a document marker stand only at a line's start, and nothing else
// that could stand there ("c-forbidden"), so each part reads alone as it reads in the stream.
// Nothing when a line could make the cut differ from how the reader reads the stream: a directive
// ("%": it belongs to the next document), a document end ("..."), a marker followed by a byte
// the reader may take for a break; nor for UTF-16, nor for line breaks other than "\n" and "\r\n"
// (the reader counts lines at those too).
std::optional<std::vector<StreamDocument>> cutAtDocumentMarkers(const QByteArray &bytes);

// "apps/v1" -> "apps", "v1" -> "".
QString groupOfApiVersion(const QString &apiVersion);

} // namespace sluice
