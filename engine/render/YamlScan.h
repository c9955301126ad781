#pragma once

// Bulk scanning of manifest streams: split into documents, key each object and hash it from
// YAML events, without building trees. This is what makes rendering thousands of objects
// cheap; trees are built later only for the objects that differ or are shown.

#include "Resource.h"
#include "core/Result.h"

#include <QList>

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

// "apps/v1" -> "apps", "v1" -> "".
QString groupOfApiVersion(const QString &apiVersion);

} // namespace sluice
