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

} // namespace sluice::test
