#pragma once

// Full parse of one manifest document into a JSON tree, and YAML output of such trees.
// Used only for what differs or is shown: a tree costs far more memory than its text.

#include "CompactTree.h"
#include "core/Result.h"

#include <QByteArray>
#include <QJsonValue>
#include <QString>

namespace sluice::yaml {

// Parses the single YAML (or JSON) document in `text` into a JSON value. `file`/`firstLine`
// locate it for errors. Errors name file:line for malformed YAML, a duplicate key, a non-scalar
// key, nesting deeper than kMaxDepth, excessive aliasing, or more than one document.
Result<QJsonValue> parseDocument(const QByteArray &text, const QString &file, int firstLine = 1);

// The same value and errors, built node by node. parseDocument writes the document as JSON text
// for Qt's JSON reader (a third of the cost) and builds this way only what JSON cannot hold:
// infinities, NaN, -0, text that is not UTF-8.
Result<QJsonValue> parseDocumentByNodes(const QByteArray &text, const QString &file, int firstLine = 1);

// The tree parseDocument builds, as a CompactTree, read straight from the events where the document
// is what renderers print: std::nullopt for the rest, which parseDocument reads (and reports, if
// it is an error): anchors and aliases, keys that are not ASCII, floats JSON cannot hold, and
// every error. Cost: about half of parseDocument's (reading the events is most of it).
std::optional<CompactTree> parseCompact(const QByteArray &text, const QString &file, int firstLine = 1);

// Reads the YAML in `text` (any number of documents) as events, building nothing, and fails at
// the first mapping or sequence nested deeper than kMaxDepth or at malformed YAML, naming
// file:line:column. For readers that recurse (yaml-cpp) and would otherwise hit their own limit
// with a message that names no useful place. Cost: linear in the text, constant memory.
Status checkNesting(const QByteArray &text, const QString &file);

// Block-style YAML of a JSON value in kubectl's layout: keys sorted, sequences at their key's
// indentation, strings quoted where a YAML 1.1 or 1.2 reader would take them for something else,
// multi-line strings as literal blocks. Ends with a newline. Cost: linear in the value.
QByteArray toYaml(const CompactTree &tree, CompactTree::Node node);
QByteArray toYaml(const QJsonValue &value);

} // namespace sluice::yaml
