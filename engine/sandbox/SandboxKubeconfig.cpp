#include "SandboxKubeconfig.h"

#include "DurableFile.h"

#include <QDir>
#include <QFileInfo>

namespace sluice::sandbox {

QByteArray sandboxKubeconfig(const QString &serverUrl, const QByteArray &caPem, const QByteArray &token)
{
    const QByteArray name(kSandboxContext);
    return "apiVersion: v1\n"
           "kind: Config\n"
           "clusters:\n"
           "- name: " + name + "\n"
           "  cluster:\n"
           "    server: " + serverUrl.toUtf8() + "\n"
           "    certificate-authority-data: " + caPem.toBase64() + "\n"
           "contexts:\n"
           "- name: " + name + "\n"
           "  context:\n"
           "    cluster: " + name + "\n"
           "    user: " + name + "\n"
           "    namespace: default\n"
           "current-context: " + name + "\n"
           "preferences: {}\n"
           "users:\n"
           "- name: " + name + "\n"
           "  user:\n"
           "    token: " + token + "\n";
}

Status writeSandboxKubeconfig(const QString &path, const QString &serverUrl, const QByteArray &caPem, const QByteArray &token)
{
    if (!QDir().mkpath(QFileInfo(path).absolutePath()))
        return makeError(ErrorCategory::Io, QStringLiteral("cannot create the directory of %1").arg(path));
    return writeFileDurably(path, sandboxKubeconfig(serverUrl, caPem, token), 0600);
}

} // namespace sluice::sandbox
