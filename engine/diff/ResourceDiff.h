#pragma once

// The object-keyed semantic diff between two resource sets (two revisions, or desired vs live).

#include "FieldDiff.h"
#include "Normalize.h"
#include "render/Resource.h"
#include "core/Cancel.h"
#include "core/Result.h"

#include <QJsonObject>

#include <functional>
#include <memory>
#include <optional>

namespace sluice {

enum class ChangeKind { Added, Removed, Changed, Unchanged };
QString changeKindName(ChangeKind kind); // "added", "removed", "changed", "unchanged"

struct ObjectDiff
{
    ResourceKey key;
    QString apiVersion;  // of the head side when present, else the base side
    ChangeKind change = ChangeKind::Unchanged;
    QList<FieldChange> fields; // changed objects only; secrets masked
    QByteArray diff;           // unified diff of the normalized, masked YAML; empty if unchanged
    QByteArray beforeYaml;     // the normalized, masked YAML of each side (withText, not unchanged)
    QByteArray afterYaml;
    SourceLocation baseLocation; // empty on the side without the object
    SourceLocation headLocation;
};

struct DiffSummary
{
    int added = 0;
    int removed = 0;
    int changed = 0;
    int unchanged = 0;
    bool hasDifferences() const { return added + removed + changed > 0; }
};

struct DiffOptions
{
    QList<IgnoreRule> ignore;
    QByteArray baseLabel = "base"; // prefixes of the ---/+++ lines
    QByteArray headLabel = "head";
    bool withText = true;  // compute the unified YAML diff per changed object
    bool withSides = true; // with withText, keep each side's YAML too (the window shows them side by side)
    // With withText false, Secrets' texts all the same: their masks number across the whole diff,
    // so they cannot be written later one by one (the others can: objectTexts).
    bool withSecretTexts = false;
};

// What objectTexts() needs to write an object's texts after the diff: both sets, the options.
struct DiffSource
{
    ResourceSet base;
    ResourceSet head;
    DiffOptions options;
};

// Unchanged objects a diff holds elsewhere than in its list, in key order: a large review need
// not hold an ObjectDiff for each of its hundreds of thousands, nor a review read back from the
// cache read each one when it prints only what changed.
class UnchangedObjects
{
public:
    virtual ~UnchangedObjects() = default;
    virtual void forEach(const std::function<void(const ObjectDiff &)> &visit) const = 0;
};

struct ResourceDiff
{
    DiffSummary summary;
    // Every object of either side, in key order; when `unchanged` is set, without those it holds
    // (forEachObject lists them all).
    QList<ObjectDiff> objects;
    QStringList notes; // what the renderers left out of either side (ResourceSet::notes), once each
    std::shared_ptr<const DiffSource> source; // set when texts are written on demand (objectTexts)
    // Set by diffResourceSetsLettingGoOfTexts (the objects both sets hash alike) and by
    // resourceDiffFromBytes (every unchanged object, read when listed).
    std::shared_ptr<const UnchangedObjects> unchanged;
};

// Every object of `diff` in key order, those `objects` leaves out too.
void forEachObject(const ResourceDiff &diff, const std::function<void(const ObjectDiff &)> &visit);
// The same as a list, for a view that holds its rows.
QList<ObjectDiff> allObjects(const ResourceDiff &diff);

struct ObjectTexts
{
    QByteArray diff;
    QByteArray beforeYaml;
    QByteArray afterYaml;
};

// The texts of one object of `diff`: its own when the diff wrote them, else written now from the
// diff's source. A window shows one object at a time, so a large review need not write every
// text up front. Errors: a document that no longer parses (not expected: the diff parsed it).
Result<ObjectTexts> objectTexts(const ResourceDiff &diff, const ObjectDiff &object);

// Compares by key. Objects with equal structural hashes are unchanged without parsing; the
// others are parsed, normalized (normalizeObject), masked (Secrets) and compared: a text-only
// edit (comments, formatting, key order) is no change. Errors: a malformed document among those
// parsed (file:line), or cancellation. Blocks; run on a worker thread. Per-object work runs on
// QThreadPool::globalInstance(); the result does not depend on scheduling.
Result<ResourceDiff> diffResourceSets(const ResourceSet &base, const ResourceSet &head,
                                      const DiffOptions &options = {}, const CancelToken &cancel = {});

// As diffResourceSets, and lets go of each object's text once it is compared (both sets keep
// their keys, hashes and locations): a large review need not hold every text it compared until
// its last diff is written. A set whose objects are shared with another keeps its texts. The
// objects of equal hash get no ObjectDiff: ResourceDiff::unchanged lists them from the sets.
Result<ResourceDiff> diffResourceSetsLettingGoOfTexts(ResourceSet &base, ResourceSet &head, const DiffOptions &options = {},
                                                      const CancelToken &cancel = {});

// A diff as bytes, to cache a whole review (the same review asked again is read, not computed),
// and back: nullopt for bytes in another format. writeResourceDiff writes the same bytes to
// `out` as it goes. The unchanged objects are read back when listed (forEachObject), each a
// slice of `bytes` like the texts; the changed ones at once.
class StreamWriter;
void writeResourceDiff(StreamWriter &out, const ResourceDiff &diff);
QByteArray resourceDiffToBytes(const ResourceDiff &diff);
std::optional<ResourceDiff> resourceDiffFromBytes(const QByteArray &bytes);
// What a diff computed with `options` depends on besides its two sets and this format, for a
// cache key.
QString diffOptionsIdentity(const DiffOptions &options);

// The normalized, masked YAML of one object, as the diff shows it (for `render -o yaml`).
// `masker` may be shared across objects so that equal secret values share masks.
class SecretMasker;
Result<yaml::CompactTree> displayTree(const Resource &resource, const QList<IgnoreRule> &ignore, SecretMasker &masker);

} // namespace sluice
