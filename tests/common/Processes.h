#pragma once

// Processes a test's tools start behind its back (a plugin's `sleep 1000 &`): whether one is
// gone, and killing one a failing test would otherwise leave running.

#include <QFile>
#include <QString>

#include <cerrno>

#include <signal.h>

namespace sluice::test {

// True when `pid` no longer runs: no such process, or a zombie that only waits for init to
// reap it (an orphan's parent is init, which may take its time).
inline bool processGone(qint64 pid)
{
    if (::kill(pid_t(pid), 0) != 0)
        return errno == ESRCH;
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return true;
    // "pid (name) S …": the state follows the name, which may itself hold ") ".
    const QByteArray line = stat.readAll();
    return line.mid(line.lastIndexOf(')') + 2, 1) == "Z";
}

// Kills `pid` unless it is gone already (then its number may belong to someone else by now).
inline void killIfRunning(qint64 pid)
{
    if (pid > 0 && !processGone(pid))
        ::kill(pid_t(pid), SIGKILL);
}

} // namespace sluice::test
