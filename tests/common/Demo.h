#pragma once

// The demo GitOps repository (scripts/make-demo.sh) generated into a test's temporary folder.

#include <QProcess>
#include <QString>

namespace sluice::test {

// Generates the demo repository at `dir` (which must not exist); returns an error or "".
inline QString makeDemo(const QString &dir, const QStringList &extraArgs = {})
{
    QProcess make;
    make.start(QStringLiteral(SLUICE_SOURCE_DIR "/scripts/make-demo.sh"), extraArgs + QStringList{dir});
    if (!make.waitForFinished(60000))
        return QStringLiteral("make-demo.sh did not finish");
    if (make.exitStatus() != QProcess::NormalExit || make.exitCode() != 0)
        return QString::fromUtf8(make.readAllStandardError());
    return {};
}

// Runs the built sluicectl with `args`; its exit code, or -1 when it crashed or hung. `errors`,
// when given, receives what it wrote to stderr.
inline int sluicectl(const QStringList &args, QString *errors = nullptr)
{
    QProcess p;
    p.start(QStringLiteral(SLUICE_BINARY_DIR "/app/sluicectl/sluicectl"), args);
    const bool finished = p.waitForFinished(120000);
    if (errors)
        *errors = QString::fromUtf8(p.readAllStandardError());
    return finished && p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

// The demo as `sluicectl` first syncs it: the `deployed` tag on the sandbox, so the window opens
// on OutOfSync with pending commits. Returns an error or "".
inline QString makeDeployedDemo(const QString &dir)
{
    const QString error = makeDemo(dir);
    if (!error.isEmpty())
        return error;
    QString errors;
    if (sluicectl({"--workspace", dir + "/sluice.yaml", "sync", "web", "--revision", "deployed", "--no-wait"}, &errors) != 0)
        return QStringLiteral("sluicectl sync web --revision deployed failed: ") + errors;
    return {};
}

// The deployed demo with its status application deployed by Flux (scripts/demo-flux.sh, on the
// sandbox's simulated Flux) from Flux's CRDs at `fluxCrds`. Returns an error or "".
inline QString makeFluxDemo(const QString &dir, const QString &fluxCrds)
{
    const QString error = makeDeployedDemo(dir);
    if (!error.isEmpty())
        return error;
    QProcess flux;
    flux.start(QStringLiteral(SLUICE_SOURCE_DIR "/scripts/demo-flux.sh"), {dir, fluxCrds});
    if (!flux.waitForFinished(120000) || flux.exitStatus() != QProcess::NormalExit || flux.exitCode() != 0)
        return QStringLiteral("demo-flux.sh failed: ") + QString::fromUtf8(flux.readAllStandardError());
    return {};
}

} // namespace sluice::test
