#pragma once

// Scratch git repositories for the engine/git tests, built with the real `git` CLI in a
// QTemporaryDir. Deterministic: fixed author/committer and a clock that advances one minute
// per commit; the user's global and system git config are ignored.

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QMap>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStandardPaths>
#include <QString>
#include <QStringList>

namespace sluice::test {

class GitFixture
{
public:
    explicit GitFixture(QString dir = {}) : m_dir(std::move(dir)) {}

    static bool gitAvailable()
    {
        return !QStandardPaths::findExecutable(QStringLiteral("git")).isEmpty();
    }

    void setDir(const QString &dir) { m_dir = dir; }
    QString dir() const { return m_dir; }

    // Runs git in dir(); returns stdout (trimmed of the final newline). `ok` is false when git
    // failed; its stderr is kept in lastError().
    QString git(const QStringList &args, bool *ok = nullptr, const QByteArray &input = {})
    {
        QProcess p;
        p.setProcessEnvironment(environment());
        p.setWorkingDirectory(m_dir);
        p.start(QStringLiteral("git"), args);
        if (!input.isEmpty())
            p.write(input);
        p.closeWriteChannel();
        p.waitForFinished(60000);
        m_lastError = QString::fromUtf8(p.readAllStandardError());
        const bool success = p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
        if (ok)
            *ok = success;
        else if (!success)
            qWarning("git %s failed: %s", qPrintable(args.join(QLatin1Char(' '))),
                     qPrintable(m_lastError));
        QString out = QString::fromUtf8(p.readAllStandardOutput());
        if (out.endsWith(QLatin1Char('\n')))
            out.chop(1);
        return out;
    }
    QString lastError() const { return m_lastError; }

    QStringList gitLines(const QStringList &args)
    {
        const QString out = git(args);
        return out.isEmpty() ? QStringList() : out.split(QLatin1Char('\n'));
    }

    bool init(bool bare = false)
    {
        QDir().mkpath(m_dir);
        bool ok = false;
        QStringList args{QStringLiteral("-c"), QStringLiteral("init.defaultBranch=main"),
                         QStringLiteral("init"), QStringLiteral("-q")};
        if (bare)
            args << QStringLiteral("--bare");
        git(args, &ok);
        return ok;
    }

    bool write(const QString &rel, const QByteArray &content, bool executable = false)
    {
        const QString path = m_dir + QLatin1Char('/') + rel;
        QDir().mkpath(QFileInfo(path).path());
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
            f.write(content) != content.size())
            return false;
        f.close();
        QFileDevice::Permissions perms = QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                         QFileDevice::ReadGroup | QFileDevice::ReadOther;
        if (executable)
            perms |= QFileDevice::ExeOwner | QFileDevice::ExeGroup | QFileDevice::ExeOther;
        return f.setPermissions(perms);
    }

    bool symlink(const QString &rel, const QString &target)
    {
        const QString path = m_dir + QLatin1Char('/') + rel;
        QDir().mkpath(QFileInfo(path).path());
        QFile::remove(path);
        return QFile::link(target, path);
    }

    // Stages everything and commits; returns the new commit id.
    QString commitAll(const QString &message)
    {
        git({QStringLiteral("add"), QStringLiteral("-A")});
        return commit(message);
    }

    // Commit times are minutes from a fixed epoch, advancing one per commit; setClock() moves the
    // clock (backwards too, for clock skew) and can stop it (every later commit at that minute).
    void setClock(int minutes, bool advancing = true)
    {
        m_clock = minutes;
        m_advancing = advancing;
    }

    QString commit(const QString &message)
    {
        m_clock += m_advancing ? 1 : 0;
        git({QStringLiteral("commit"), QStringLiteral("-q"), QStringLiteral("--allow-empty"),
             QStringLiteral("-m"), message});
        return git({QStringLiteral("rev-parse"), QStringLiteral("HEAD")});
    }

    // For `git merge`, `git tag -a`: advances the clock like commit() does.
    QString gitTimed(const QStringList &args)
    {
        m_clock += m_advancing ? 1 : 0;
        return git(args);
    }

    QString revParse(const QString &spec) { return git({QStringLiteral("rev-parse"), spec}); }

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        const QString date = QStringLiteral("%1 +0000").arg(1700000000 + m_clock * 60);
        env.insert(QStringLiteral("GIT_AUTHOR_NAME"), QStringLiteral("Ada Author"));
        env.insert(QStringLiteral("GIT_AUTHOR_EMAIL"), QStringLiteral("ada@example.com"));
        env.insert(QStringLiteral("GIT_COMMITTER_NAME"), QStringLiteral("Carl Committer"));
        env.insert(QStringLiteral("GIT_COMMITTER_EMAIL"), QStringLiteral("carl@example.com"));
        env.insert(QStringLiteral("GIT_AUTHOR_DATE"), date);
        env.insert(QStringLiteral("GIT_COMMITTER_DATE"), date);
        env.insert(QStringLiteral("GIT_CONFIG_NOSYSTEM"), QStringLiteral("1"));
        env.insert(QStringLiteral("GIT_CONFIG_GLOBAL"), QStringLiteral("/dev/null"));
        env.insert(QStringLiteral("GIT_TERMINAL_PROMPT"), QStringLiteral("0"));
        return env;
    }

private:
    QString m_dir;
    QString m_lastError;
    int m_clock = 0;
    bool m_advancing = true;
};

// Every regular file below `root` as relative path → content (symlinks are reported as
// "-> target" so a test sees that none were written).
inline QMap<QString, QByteArray> readTree(const QString &root)
{
    QMap<QString, QByteArray> files;
    QDirIterator it(root, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QString rel = QDir(root).relativeFilePath(path);
        const QFileInfo info(path);
        if (info.isSymLink()) {
            files.insert(rel, "-> " + info.symLinkTarget().toUtf8());
            continue;
        }
        QFile f(path);
        f.open(QIODevice::ReadOnly);
        files.insert(rel, f.readAll());
    }
    return files;
}

} // namespace sluice::test
