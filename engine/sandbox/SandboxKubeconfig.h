#pragma once

// Writes the kubeconfig that points kubectl (and Sluice) at a running sandbox.

#include "core/Result.h"

#include <QByteArray>
#include <QString>

namespace sluice::sandbox {

inline constexpr char kSandboxContext[] = "sluice-sandbox";

// The kubeconfig text: cluster/context/user all named "sluice-sandbox", current-context set,
// the CA as certificate-authority-data and the bearer token. Pure.
QByteArray sandboxKubeconfig(const QString &serverUrl, const QByteArray &caPem, const QByteArray &token);

// Writes sandboxKubeconfig(...) to `path` atomically with mode 0600 (it holds the token).
Status writeSandboxKubeconfig(const QString &path, const QString &serverUrl, const QByteArray &caPem,
                              const QByteArray &token);

} // namespace sluice::sandbox
