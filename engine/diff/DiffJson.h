#pragma once

// The JSON shape every diff-like output uses (design.md, CLI):
// {"summary": {...}, "objects": [{"group","version","kind","namespace","name","change",
//   "fields": [{"path","before","after"[,"order": true]}], "diff": "..."}]}

#include "ResourceDiff.h"

#include <QJsonObject>

namespace sluice {

QJsonObject diffToJson(const ResourceDiff &diff);

// The same document written to `out` object by object (with `extra` top-level members), so a
// large diff is never a second time in memory as one JSON tree.
void writeDiffJson(QIODevice &out, const ResourceDiff &diff, const QJsonObject &extra = {});

} // namespace sluice
