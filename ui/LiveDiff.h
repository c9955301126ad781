#pragma once

// The diff between what runs on an application's cluster and a revision of it, for the
// window's object diff panels (Review's live side, History's "this entry against live").

#include "Session.h"
#include "diff/ResourceDiff.h"

namespace sluice {

// A diff with the names of its sides, ready for ObjectDiffPanel::setDiff.
struct NamedDiff
{
    ResourceDiff diff;
    QString before;
    QString after;
};

// Renders `revision` (a spec or commit id) and compares it with the cluster: live before,
// the objects as a sync would apply them after (normalised, secrets masked). `afterName`
// names the revision's side ("main", "#3"); its short commit id is appended.
// Blocks; call from a worker thread.
Result<NamedDiff> liveDiff(const Session &session, const ApplicationConfig &app, const QString &revision,
                           const QString &afterName, const CancelToken &cancel);

} // namespace sluice
