#pragma once

#include "Cli.h"

namespace sluice::cli {

// `sluicectl cluster check [--context NAME] [--kubeconfig FILE]`: server version, discovery
// summary, who am I, latency. Exit 0 when the cluster answers, 2 otherwise.
int runClusterCheck(const Context &ctx, const QString &contextName, const QString &kubeconfig);

} // namespace sluice::cli
