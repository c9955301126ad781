#pragma once

// A sluice-sandbox process for a test or a benchmark: started on a fresh data directory with a
// kubeconfig written next to it, stopped when the object goes.

#include <QDir>
#include <QProcess>
#include <QStringList>

#include <csignal>
#include <memory>

namespace sluice::test {

class SandboxProcess
{
public:
    // `binary`: the built sluice-sandbox. `extraArgs`: e.g. --fail-rollouts, --controller-delay N.
    bool start(const QString &binary, const QString &dir, const QStringList &extraArgs = {})
    {
        m_kubeconfig = dir + QStringLiteral("/kubeconfig");
        m_process = std::make_unique<QProcess>();
        m_process->setProcessChannelMode(QProcess::SeparateChannels);
        // Only the ready line is read from stdout; stderr goes to a file (a full pipe would stall it).
        QDir().mkpath(dir);
        m_process->setStandardErrorFile(dir + QStringLiteral("/sandbox.log"));
        m_process->start(binary, QStringList{QStringLiteral("--data-dir"), dir + QStringLiteral("/data"), QStringLiteral("--port"),
                                             QStringLiteral("0"), QStringLiteral("--kubeconfig-out"), m_kubeconfig} + extraArgs);
        if (!m_process->waitForStarted(10000))
            return false;
        QByteArray out;
        while (!out.contains('\n')) {
            if (!m_process->waitForReadyRead(15000))
                return false;
            out += m_process->readAllStandardOutput();
        }
        return out.startsWith("sluice-sandbox ready: ");
    }

    void stop()
    {
        if (!m_process)
            return;
        // processId() is 0 once the process is gone (a test may have killed it): kill(0, …)
        // would signal our whole process group.
        if (const qint64 pid = m_process->processId(); pid > 0)
            ::kill(pid_t(pid), SIGTERM);
        if (!m_process->waitForFinished(10000))
            m_process->kill();
        m_process.reset();
    }

    ~SandboxProcess() { stop(); }

    QString kubeconfig() const { return m_kubeconfig; }
    qint64 pid() const { return m_process ? m_process->processId() : 0; }

private:
    std::unique_ptr<QProcess> m_process;
    QString m_kubeconfig;
};

} // namespace sluice::test
