#pragma once

// Small helpers shared by the benchmarks: median timings and a peer process timed the same way.

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTextStream>

#include <algorithm>
#include <functional>
#include <unistd.h>
#include <vector>

namespace sluice::bench {

// Median wall time in milliseconds of `runs` calls of `f`.
inline double medianMs(int runs, const std::function<void()> &f)
{
    std::vector<double> times;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer t;
        t.start();
        f();
        times.push_back(double(t.nsecsElapsed()) / 1e6);
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

// Median wall times of `a` and `b`, run alternately so that drifting machine load hits both alike.
inline std::pair<double, double> interleavedMediansMs(int runs, const std::function<void()> &a, const std::function<void()> &b)
{
    std::vector<double> ta, tb;
    for (int i = 0; i < runs; ++i) {
        ta.push_back(medianMs(1, a));
        tb.push_back(medianMs(1, b));
    }
    std::sort(ta.begin(), ta.end());
    std::sort(tb.begin(), tb.end());
    return {ta[ta.size() / 2], tb[tb.size() / 2]};
}

// Runs a peer command to completion (output discarded unless `out` is given); false on failure.
inline bool runPeer(const QString &program, const QStringList &args, const QString &cwd = {}, QByteArray *out = nullptr)
{
    QProcess p;
    if (!cwd.isEmpty())
        p.setWorkingDirectory(cwd);
    if (!out)
        p.setStandardOutputFile(QProcess::nullDevice());
    p.start(program, args);
    if (!p.waitForFinished(600000))
        return false;
    if (out)
        *out = p.readAllStandardOutput();
    // git diff exits 1 when files differ.
    return p.exitStatus() == QProcess::NormalExit && (p.exitCode() == 0 || p.exitCode() == 1);
}

// Writes a file, creating its folder.
inline bool writeFile(const QString &path, const QByteArray &data)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(data) == data.size();
}

// Proportional set size of a process (0 = this one) in KiB, or -1 when unknown.
inline qint64 pssKiB(qint64 pid = 0)
{
    QFile f(pid ? QStringLiteral("/proc/%1/smaps_rollup").arg(pid) : QStringLiteral("/proc/self/smaps_rollup"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith("Pss:"))
            return line.mid(4).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

// CPU time (user + system) a process (0 = this one) has used so far, in ms, or -1 when unknown.
inline double cpuMs(qint64 pid = 0)
{
    QFile f(pid ? QStringLiteral("/proc/%1/stat").arg(pid) : QStringLiteral("/proc/self/stat"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    // The fields after the command name, which may hold spaces: utime and stime are the 12th
    // and 13th of them, in clock ticks.
    const QByteArray stat = f.readAll();
    const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 13)
        return -1;
    return (fields[11].toDouble() + fields[12].toDouble()) * 1000.0 / double(sysconf(_SC_CLK_TCK));
}

// `git -C dir ARGS` with a fixed identity, for generating bench repositories.
inline bool runGit(const QString &dir, const QStringList &args)
{
    return runPeer(QStringLiteral("git"),
                   QStringList{"-C", dir, "-c", "user.name=bench", "-c", "user.email=bench@example.com"} + args);
}

inline void report(const QString &what, double sluiceMs, const QString &peer, double peerMs, const QString &aim = {})
{
    QTextStream out(stdout);
    out << qSetFieldWidth(0) << what << ": sluice " << QString::number(sluiceMs, 'f', 2) << " ms, " << peer << ' '
        << QString::number(peerMs, 'f', 2) << " ms, ratio " << QString::number(sluiceMs / peerMs, 'f', 3) << "x";
    if (!aim.isEmpty())
        out << " (aim " << aim << ")";
    out << Qt::endl;
}

} // namespace sluice::bench
