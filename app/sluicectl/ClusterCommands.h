#pragma once

#include "Cli.h"

namespace sluice::cli {

// `sluicectl cluster check [--context NAME] [--kubeconfig FILE] [--timeout D]`: server version,
// discovery summary, who am I, latency. `timeout`: per request, empty = the client's default.
// Exit 0 when the cluster answers, 2 otherwise.
int runClusterCheck(const Context &ctx, const QString &contextName, const QString &kubeconfig, const QString &timeout);

} // namespace sluice::cli
