#include "ExternalDiff.h"

#include "Cli.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <signal.h>

namespace sluice::cli {
namespace {

constexpr qsizetype kMaxFileNameBytes = 200;

// SIGINT and SIGQUIT ignored while it lives, their handlers restored after: the program in the
// foreground has the terminal, and the user's Ctrl+C is for it (system(3) does the same).
class TerminalSignalsToChild
{
public:
    TerminalSignalsToChild()
    {
        struct sigaction ignore = {};
        ignore.sa_handler = SIG_IGN;
        sigemptyset(&ignore.sa_mask);
        sigaction(SIGINT, &ignore, &m_int);
        sigaction(SIGQUIT, &ignore, &m_quit);
    }
    ~TerminalSignalsToChild()
    {
        sigaction(SIGINT, &m_int, nullptr);
        sigaction(SIGQUIT, &m_quit, nullptr);
    }
    TerminalSignalsToChild(const TerminalSignalsToChild &) = delete;
    TerminalSignalsToChild &operator=(const TerminalSignalsToChild &) = delete;

private:
    struct sigaction m_int = {};
    struct sigaction m_quit = {};
};

Status writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly) || file.write(content) != content.size())
        return makeError(ErrorCategory::Io, QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    return {};
}

// The program as a path: as given when it names one, else found on PATH.
QString programPath(const QString &program)
{
    if (program.contains(QLatin1Char('/')))
        return QFileInfo(program).isExecutable() && QFileInfo(program).isFile() ? program : QString();
    return QStandardPaths::findExecutable(program);
}

} // namespace

QStringList splitDiffCommand(const QString &command)
{
    static const QRegularExpression whitespace(QStringLiteral("\\s+"));
    return command.split(whitespace, Qt::SkipEmptyParts);
}

QString diffFileName(const ObjectDiff &o)
{
    const QString version = o.apiVersion.section(QLatin1Char('/'), -1);
    QString name = (o.key.group.isEmpty() ? QString() : o.key.group + QLatin1Char('.')) + version + QLatin1Char('.') +
                   o.key.kind + QLatin1Char('.') + o.key.ns + QLatin1Char('.') + o.key.name;
    for (QChar &c : name) {
        const bool safe = (c.unicode() < 128 && c.isLetterOrNumber()) || QStringLiteral("._:@+=,-").contains(c);
        if (!safe)
            c = QLatin1Char('_');
    }
    if (name.size() > kMaxFileNameBytes) { // ASCII only by now: characters are bytes
        const QByteArray hash = QCryptographicHash::hash(name.toUtf8(), QCryptographicHash::Sha256).toHex().left(12);
        name = name.left(kMaxFileNameBytes - 13) + QLatin1Char('~') + QString::fromLatin1(hash);
    }
    return name + QStringLiteral(".yaml");
}

int openInDiffTool(const ReviewResult &review, const QString &command)
{
    const QStringList parts = splitDiffCommand(command);
    if (parts.isEmpty())
        return usageError(QStringLiteral("the diff tool (--diff-tool or SLUICE_EXTERNAL_DIFF) is empty"));
    const QString program = programPath(parts.first());
    if (program.isEmpty())
        return fail(makeError(ErrorCategory::Process,
                              QStringLiteral("diff tool \"%1\" (from --diff-tool or SLUICE_EXTERNAL_DIFF) not found%2: install it, "
                                             "or name another program")
                                  .arg(elideMiddle(parts.first()),
                                       parts.first().contains(QLatin1Char('/')) ? QStringLiteral(" or not executable")
                                                                                : QStringLiteral(" on PATH"))));
    const ResourceDiff &diff = review.diff;
    for (const QString &note : diff.notes)
        err() << (note.startsWith(QLatin1String("warning: ")) ? QString() : QStringLiteral("note: ")) << note << '\n';
    if (!diff.summary.hasDifferences()) {
        out() << summaryLine(diff.summary) << " (no differences: " << parts.first() << " not started)" << Qt::endl;
        return ExitOk;
    }

    QTemporaryDir root(QDir::tempPath() + QStringLiteral("/sluice-diff-XXXXXX"));
    if (!root.isValid())
        return fail(makeError(ErrorCategory::Io, QStringLiteral("cannot create a temporary directory: %1").arg(root.errorString())));
    const QString base = root.filePath(QStringLiteral("base"));
    const QString head = root.filePath(QStringLiteral("head"));
    if (!QDir().mkdir(base) || !QDir().mkdir(head))
        return fail(makeError(ErrorCategory::Io, QStringLiteral("cannot create directories in %1").arg(root.path())));
    QSet<QString> taken;
    for (const ObjectDiff &o : diff.objects) {
        if (o.change == ChangeKind::Unchanged)
            continue;
        // Two keys made the same by the character rule stay apart, under one name on both sides.
        QString name = diffFileName(o);
        for (int n = 2; taken.contains(name); ++n)
            name = diffFileName(o).chopped(5) + QLatin1Char('~') + QString::number(n) + QStringLiteral(".yaml");
        taken.insert(name);
        if (o.change != ChangeKind::Added) {
            if (Status s = writeFile(base + QLatin1Char('/') + name, o.beforeYaml); !s)
                return fail(s.error());
        }
        if (o.change != ChangeKind::Removed) {
            if (Status s = writeFile(head + QLatin1Char('/') + name, o.afterYaml); !s)
                return fail(s.error());
        }
    }

    out().flush();
    err().flush();
    QProcess tool;
    tool.setProcessChannelMode(QProcess::ForwardedChannels);
    tool.setInputChannelMode(QProcess::ForwardedInputChannel);
    tool.start(program, parts.mid(1) + QStringList{base, head});
    if (!tool.waitForStarted(-1))
        return fail(makeError(ErrorCategory::Process,
                              QStringLiteral("diff tool %1 did not start: %2").arg(elideMiddle(program), tool.errorString())));
    {
        TerminalSignalsToChild signalsToChild;
        tool.waitForFinished(-1);
    }
    if (tool.exitStatus() != QProcess::NormalExit)
        return fail(makeError(ErrorCategory::Process, QStringLiteral("diff tool %1 ended abnormally (%2)").arg(elideMiddle(program), tool.errorString())));
    if (tool.exitCode() > 1)
        err() << "note: " << parts.first() << " exited with code " << tool.exitCode() << Qt::endl;
    return ExitDifferences;
}

} // namespace sluice::cli
