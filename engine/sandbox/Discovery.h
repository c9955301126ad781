#pragma once

// Discovery documents (kube-api.md §6.1–6.4): /version, /api, /apis in aggregated (v2) or
// legacy form chosen from Accept, /api/v1 and /apis/G/V. Pure functions of the catalog.

#include "HttpMessage.h"
#include "ResourceCatalog.h"

namespace sluice::sandbox {

// The minor version /version reports: the highest N <= `maxMinor` for which `kubectl.1.N`
// sits beside the `kubectl` found on PATH (or at `kubectlPath`), following symlinks; `maxMinor`
// when none is found. Cost: a PATH lookup and a few stat calls.
int detectServerMinor(int maxMinor, const QString &kubectlPath = {});

HttpResponse versionResponse(int minor);
// /api and /apis: aggregated when `accept` asks for as=APIGroupDiscoveryList;v=v2.
HttpResponse coreDiscovery(const ResourceCatalog &catalog, const QByteArray &accept, const QString &serverAddress);
HttpResponse groupsDiscovery(const ResourceCatalog &catalog, const QByteArray &accept);
// /api/v1 or /apis/G/V as an APIResourceList; 404 Status for an unknown group-version.
HttpResponse resourceListDiscovery(const ResourceCatalog &catalog, const QString &group, const QString &version);
// /apis/G as an APIGroup; 404 for an unknown group.
HttpResponse groupDiscovery(const ResourceCatalog &catalog, const QString &group);

bool wantsAggregatedDiscovery(const QByteArray &accept);

} // namespace sluice::sandbox
