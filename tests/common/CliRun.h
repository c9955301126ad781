#pragma once

// Running the built sluicectl and the real kubectl from a test: exit code, stdout, stderr.

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStringList>

namespace sluice::test {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
};

inline Run runProcess(QProcess &p, const QString &program, const QStringList &args, int timeoutMs)
{
    p.start(program, args);
    p.waitForFinished(timeoutMs);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(), p.readAllStandardError()};
}

// The built sluicectl with ARGS, its caches under `cacheDir`, the built sandbox, and KUBECONFIG
// when `kubeconfig` is given.
inline Run sluicectlWith(const QStringList &args, const QString &cacheDir, const QString &kubeconfig = {})
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_CACHE_HOME"), cacheDir);
    env.insert(QStringLiteral("SLUICE_SANDBOX_BIN"), QStringLiteral(SLUICE_BINARY_DIR "/app/sluice-sandbox/sluice-sandbox"));
    if (!kubeconfig.isEmpty())
        env.insert(QStringLiteral("KUBECONFIG"), kubeconfig);
    p.setProcessEnvironment(env);
    return runProcess(p, QStringLiteral(SLUICE_BINARY_DIR "/app/sluicectl/sluicectl"), args, 180000);
}

// sluicectl --workspace WORKSPACE ARGS.
inline Run sluicectl(const QString &workspace, const QString &cacheDir, const QStringList &args)
{
    return sluicectlWith(QStringList{QStringLiteral("--workspace"), workspace} + args, cacheDir);
}

// kubectl --kubeconfig KUBECONFIG --cache-dir CACHE ARGS (stdin from `input` when given).
inline Run kubectl(const QString &kubeconfig, const QString &cacheDir, const QStringList &args, const QByteArray &input = {})
{
    QProcess p;
    p.start(QStringLiteral("kubectl"), QStringList{QStringLiteral("--kubeconfig"), kubeconfig, QStringLiteral("--cache-dir"), cacheDir} + args);
    if (!input.isEmpty()) {
        p.write(input);
        p.closeWriteChannel();
    }
    p.waitForFinished(60000);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(), p.readAllStandardError()};
}

} // namespace sluice::test
