#include "LiveDiff.h"

#include "sync/Reconcile.h"

#include <QObject>

namespace sluice {

Result<NamedDiff> liveDiff(const Session &session, const ApplicationConfig &app, const QString &revision,
                           const QString &afterName, const CancelToken &cancel)
{
    const sync::ReconcileContext reconcile{session.workspace, app, *session.cache, {}, cancel, true};
    auto status = sync::applicationStatus(reconcile, {revision, true});
    if (!status)
        return status.error();
    NamedDiff named;
    for (sync::ResourceState &resource : status->comparison.resources)
        named.diff.objects.append(std::move(resource.diff));
    named.diff.summary = status->comparison.summary;
    named.before = QObject::tr("live on %1").arg(app.cluster);
    named.after = afterName + QLatin1Char(' ') + status->comparedRevision.left(7);
    return named;
}

} // namespace sluice
