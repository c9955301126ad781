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
    // `launcher`: a command that runs it, e.g. {"prlimit", "--nofile=200"}. The data directory
    // is dir/data; a second start() on the same `dir` restarts on the same data.
    bool start(const QString &binary, const QString &dir, const QStringList &extraArgs = {}, const QStringList &launcher = {})
    {
        m_kubeconfig = dir + QStringLiteral("/kubeconfig");
        m_process = std::make_unique<QProcess>();
        m_process->setProcessChannelMode(QProcess::SeparateChannels);
        // Only the ready line is read from stdout; stderr goes to a file (a full pipe would stall it).
        QDir().mkpath(dir);
        m_process->setStandardErrorFile(dir + QStringLiteral("/sandbox.log"), QIODevice::Append);
        const QStringList args = QStringList{binary, QStringLiteral("--data-dir"), dir + QStringLiteral("/data"), QStringLiteral("--port"),
                                             QStringLiteral("0"), QStringLiteral("--kubeconfig-out"), m_kubeconfig} + extraArgs;
        const QStringList command = launcher + args;
        m_process->start(command.first(), command.mid(1));
        if (!m_process->waitForStarted(10000))
            return false;
        QByteArray out;
        while (!out.contains('\n')) {
            if (!m_process->waitForReadyRead(15000))
                return false;
            out += m_process->readAllStandardOutput();
        }
        if (!out.startsWith("sluice-sandbox ready: "))
            return false;
        m_url = QString::fromUtf8(out.mid(22, out.indexOf(' ', 22) - 22));
        return true;
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
    QString url() const { return m_url; } // https://127.0.0.1:PORT
    qint64 pid() const { return m_process ? m_process->processId() : 0; }

private:
    std::unique_ptr<QProcess> m_process;
    QString m_kubeconfig;
    QString m_url;
};

} // namespace sluice::test
