#include "Cli.h"
#include "CommandLine.h"

#include "core/Paths.h"
#include "fleet/Discovery.h"

#include <QStringList>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

namespace sluice::cli {
namespace {

const char *changeColor(ChangeKind kind)
{
    switch (kind) {
    case ChangeKind::Added: return "32";
    case ChangeKind::Removed: return "31";
    case ChangeKind::Changed: return "33";
    case ChangeKind::Unchanged: return "2";
    }
    return "0";
}

char changeMark(ChangeKind kind)
{
    switch (kind) {
    case ChangeKind::Added: return '+';
    case ChangeKind::Removed: return '-';
    case ChangeKind::Changed: return '~';
    case ChangeKind::Unchanged: return '=';
    }
    return ' ';
}

// Of one field value on its line: the object's diff below shows all of a long value (a
// dashboard's JSON is 100 KB on one line).
constexpr qsizetype kMaxValueChars = 200;

// `text` as UTF-8: ASCII (kinds, names, paths) a byte per character, without a conversion.
void appendUtf8(std::string &out, QStringView text)
{
    const size_t start = out.size();
    out.resize(start + size_t(text.size()));
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t c = text[i].unicode();
        if (c >= 0x80) {
            out.resize(start);
            const QByteArray utf8 = text.toUtf8();
            out.append(utf8.constData(), size_t(utf8.size()));
            return;
        }
        out[start + size_t(i)] = char(c);
    }
}

void appendUtf8(std::string &out, const QByteArray &bytes)
{
    out.append(bytes.constData(), size_t(bytes.size()));
}

// key.displayName(), written as UTF-8.
void appendDisplayName(std::string &out, const ResourceKey &key)
{
    appendUtf8(out, key.kind);
    if (!key.group.isEmpty()) {
        out += '.';
        appendUtf8(out, key.group);
    }
    out += ' ';
    if (!key.ns.isEmpty()) {
        appendUtf8(out, key.ns);
        out += '/';
    }
    appendUtf8(out, key.name);
}

// An object's diff text, UTF-8 as it is: uncoloured and without an empty line to leave out (a
// diff has none), whole; else line by line, each coloured by what it is.
void appendDiffText(const Context &ctx, const ObjectDiff &o, std::string &out)
{
    const std::string_view text(o.diff.constData(), o.diff.size()); // its find is memchr's speed; QByteArray's is not
    if (!ctx.color && text.ends_with('\n') && !text.starts_with('\n') && text.find("\n\n") == text.npos) {
        out += text;
        return;
    }
    for (const QByteArray &line : o.diff.split('\n')) {
        if (line.isEmpty())
            continue;
        const char *code = line.startsWith("+++") || line.startsWith("---") ? "1"
                           : line.startsWith('+')                          ? "32"
                           : line.startsWith('-')                          ? "31"
                           : line.startsWith('@')                          ? "36"
                                                                           : nullptr;
        if (ctx.color && code)
            out.append("\x1b[").append(code).append("m").append(line.constData(), size_t(line.size())).append("\x1b[0m\n");
        else
            out.append(line.constData(), size_t(line.size())).append("\n");
    }
}

// Bytes for standard output after what out() holds: its text is flushed to the same FILE first
// (no system call when it holds none), then these are buffered there too.
void writeOut(std::string_view bytes)
{
    out().flush();
    if (std::fwrite(bytes.data(), 1, bytes.size(), stdout) != bytes.size())
        noteStandardOutputError(QString::fromLocal8Bit(std::strerror(errno)));
}

} // namespace

QString summaryLine(const DiffSummary &s)
{
    return QStringLiteral("%1 added, %2 removed, %3 changed, %4 unchanged")
        .arg(s.added)
        .arg(s.removed)
        .arg(s.changed)
        .arg(s.unchanged);
}

void printObjectDiff(const Context &ctx, const ObjectDiff &o, const QString &note, bool stat)
{
    // Made as UTF-8 bytes (the diff texts are UTF-8, which QTextStream took to UTF-16 and back),
    // in one buffer for every object printed.
    static std::string text;
    text.clear();
    if (ctx.color)
        text.append("\x1b[").append(changeColor(o.change)).append("m");
    text += changeMark(o.change);
    text += ' ';
    appendDisplayName(text, o.key);
    if (o.change == ChangeKind::Changed)
        text.append(" (").append(std::to_string(o.fields.size())).append(o.fields.size() == 1 ? " field)" : " fields)");
    if (!note.isEmpty()) {
        text += "  ";
        appendUtf8(text, note);
    }
    if (ctx.color)
        text += "\x1b[0m";
    text += '\n';
    if (!stat) {
        for (const FieldChange &f : o.fields) {
            text += "    ";
            appendUtf8(text, f.path);
            text += ": ";
            appendUtf8(text, fieldValueLine(f.before, kMaxValueChars));
            text += " \u2192 "; // →
            appendUtf8(text, fieldValueLine(f.after, kMaxValueChars));
            text += '\n';
        }
        appendDiffText(ctx, o, text);
        text += '\n';
    }
    writeOut(text);
}

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

bool StandardOutputFile::openAfterOut()
{
    out().flush();
    return QFile::open(stdout, QIODevice::WriteOnly);
}

StandardOutputFile::~StandardOutputFile()
{
    if (isOpen() && (!flush() || error() != QFileDevice::NoError))
        noteStandardOutputError(errorString());
}

QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}

int fail(const Error &error)
{
    out().flush();
    err() << "error: " << error.toString() << Qt::endl;
    return ExitError;
}

int usageError(const QString &message)
{
    out().flush();
    err() << "error: " << message << "\nRun 'sluicectl --help' for usage." << Qt::endl;
    return ExitError;
}

QString paint(const Context &ctx, const char *code, const QString &text)
{
    if (!ctx.color)
        return text;
    return QStringLiteral("\x1b[%1m%2\x1b[0m").arg(QLatin1String(code), text);
}

Result<Workspace> loadWorkspace(const Context &ctx)
{
    auto workspace = [&]() -> Result<Workspace> {
        if (ctx.repo.isEmpty())
            return sluice::loadWorkspace(ctx.workspacePath);
        auto fleet = fleet::openFleet(ctx.repo);
        if (!fleet)
            return fleet.error();
        return fleet->workspace(ctx.clusterContexts);
    }();
    if (workspace) {
        for (ClusterConfig &cluster : workspace->clusters) {
            cluster.requestTimeoutMs = ctx.requestTimeoutMs;
            cluster.requestRetries = ctx.requestRetries;
        }
    }
    return workspace;
}

Result<const ApplicationConfig *> findApplication(const Workspace &ws, const QString &name)
{
    if (const ApplicationConfig *app = ws.application(name))
        return app;
    QStringList names;
    for (const ApplicationConfig &a : ws.applications)
        names << a.name;
    return makeError(ErrorCategory::Usage, QStringLiteral("no application \"%1\" in %2 (applications: %3)")
                                               .arg(elideMiddle(name), ws.file, names.isEmpty() ? QStringLiteral("none") : elideList(names)));
}

QString renderCacheDir(const Context &ctx)
{
    return ctx.diskCache ? cacheDir() + QLatin1String("/render") : QString();
}

} // namespace sluice::cli
