#pragma once

// Namespace scoping of rendered objects: which kinds are cluster-scoped, and defaulting the
// namespace of the others.

#include "YamlScan.h"

namespace sluice {

// True for the built-in cluster-scoped kinds of Kubernetes (Namespace, ClusterRole, CRDs, …).
bool isBuiltinClusterScoped(const QString &group, const QString &kind);

// Moves scanned resources into a ResourceSet: namespaced kinds without a namespace take
// `defaultNamespace`; cluster-scoped kinds (built-in, or declared cluster-scoped by a CRD in
// the same set) lose any namespace. Error on duplicate keys.
Result<ResourceSet> scopeResources(ScannedManifests scanned, const QString &defaultNamespace);

} // namespace sluice
