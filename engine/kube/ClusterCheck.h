#pragma once

// `sluicectl cluster check`: can we reach the cluster, who are we, what does it serve.

#include "KubeClient.h"

namespace sluice::kube {

struct ClusterCheck
{
    QString server;
    QString context;
    QString gitVersion;   // /version
    QString platform;
    int apiGroups = 0;    // served API groups, the core group included
    int resources = 0;    // resource types (without subresources)
    bool aggregatedDiscovery = false;
    QString user;         // from a SelfSubjectReview, or empty when not served
    QStringList groups;   // the user's groups
    bool selfSubjectReviewServed = false;
    qint64 latencyMs = 0; // of the /version round trip
    bool insecure = false; // insecure-skip-tls-verify is on
};

// Blocking; errors start "cluster check of context NAME: " and say what failed and what to do
// (see KubeClient), e.g. that the server timed out.
Result<ClusterCheck> checkCluster(KubeClient &client, const CancelToken &cancel = {});

} // namespace sluice::kube
