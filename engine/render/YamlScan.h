#pragma once

// Bulk scanning of manifest streams: split into documents, key each object and hash it from
// YAML events, without building trees. This is what makes rendering thousands of objects
// cheap; trees are built later only for the objects that differ or are shown.

#include "Resource.h"
#include "core/Result.h"

#include <QList>

#include <memory>
#include <optional>

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

// Documents already scanned, by their bytes: a review's two revisions, and consecutive commits,
// share most documents (wherever they sit), so each is scanned once. Thread-safe: a document
// that another thread is scanning is waited for, after the caller's other documents, not scanned
// twice. Holds copies of the documents (no caller's buffer), up to a bound in bytes, past which
// it forgets them all at once.
class DocumentMemo
{
public:
    DocumentMemo();
    ~DocumentMemo();
    DocumentMemo(const DocumentMemo &) = delete;
    DocumentMemo &operator=(const DocumentMemo &) = delete;

    static DocumentMemo &process(); // the one the renderers share

    qint64 scans() const; // documents read by the YAML reader through this memo (for tests)

private:
    friend Result<ScannedManifests> scanManifests(const QByteArray &data, const QString &file, DocumentMemo *memo);
    struct State;
    Result<ScannedManifests> scan(const QByteArray &data, const QString &file);
    std::unique_ptr<State> m_state;
};

// Scans every document of a YAML stream (or, for `.json` files, one JSON value). Empty
// documents are skipped; `*List` kinds are flattened into their items. Errors name file:line:
// malformed YAML, a document that is not a mapping or lacks apiVersion/kind/metadata.name,
// duplicate keys, nesting deeper than yaml::kMaxDepth, excessive aliasing.
// Documents found in `memo` are not read again (null: every document is read now); the result
// is the same either way. Thread-safe. Cost: one pass of the YAML reader (YamlEvents.h) over the
// bytes of the documents not in the memo.
Result<ScannedManifests> scanManifests(const QByteArray &data, const QString &file,
                                       DocumentMemo *memo = &DocumentMemo::process());

// "apps/v1" -> "apps", "v1" -> "".
QString groupOfApiVersion(const QString &apiVersion);

} // namespace sluice
