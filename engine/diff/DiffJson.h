#pragma once

// The JSON shape every diff-like output uses (design.md, CLI):
// {"summary": {...}, "objects": [{"group","version","kind","namespace","name","change",
//   "fields": [{"path","before","after"}], "diff": "..."}]}

#include "ResourceDiff.h"

#include <QJsonObject>

namespace sluice {

QJsonObject diffToJson(const ResourceDiff &diff);

} // namespace sluice
