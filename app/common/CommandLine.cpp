#include "CommandLine.h"

#include <QHash>
#include <QRegularExpression>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

namespace sluice::cli {

namespace {

bool isOptionToken(const QString &token)
{
    return token.startsWith(QLatin1Char('-')) && token.size() > 1;
}

QString dashed(const QString &name)
{
    return (name.size() == 1 ? QStringLiteral("-") : QStringLiteral("--")) + name;
}

// "-o, --output FORMAT"
QString optionLabel(const OptionSpec &option)
{
    QStringList names;
    for (const QString &name : option.names)
        names << dashed(name);
    QString label = names.join(QStringLiteral(", "));
    if (!option.valueName.isEmpty())
        label += QLatin1Char(' ') + option.valueName;
    return label;
}

QString optionHelp(const OptionSpec &option)
{
    if (option.defaultValue.isEmpty() || option.help.contains(QLatin1String("default")))
        return option.help;
    return option.help + QStringLiteral(" (default: %1)").arg(option.defaultValue);
}

// A completion's description: the help up to its first full stop or semicolon, at most 72 characters.
QString shortHelp(const QString &text)
{
    QString flat = text.simplified();
    for (const char *end : {". ", "; "}) {
        if (const qsizetype at = flat.indexOf(QLatin1String(end)); at > 0)
            flat.truncate(at);
    }
    if (flat.endsWith(QLatin1Char('.')))
        flat.chop(1);
    return flat.size() > 72 ? flat.left(71) + QChar(0x2026) : flat;
}

// Paragraphs (blank-line separated); within one, lines that start with two spaces are kept as
// they are (preformatted), the others are joined and refilled.
struct Paragraph
{
    bool preformatted = false;
    QStringList lines;
};

QList<Paragraph> paragraphs(const QString &text)
{
    QList<Paragraph> result;
    for (const QString &block : text.split(QStringLiteral("\n\n"), Qt::SkipEmptyParts)) {
        const QStringList lines = block.split(QLatin1Char('\n'));
        const bool pre = lines.first().startsWith(QLatin1String("  "));
        result.append({pre, pre ? lines : QStringList{lines.join(QLatin1Char(' ')).simplified()}});
    }
    return result;
}

// Word-wraps `text` to `width` columns; every line but the first is indented by `indent`.
QStringList wrap(const QString &text, int width, int firstWidth, int indent)
{
    QStringList lines;
    QString line;
    int limit = firstWidth;
    for (const QString &word : text.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        if (!line.isEmpty() && line.size() + 1 + word.size() > limit) {
            lines << line;
            line.clear();
            limit = width - indent;
        }
        line += (line.isEmpty() ? QString() : QStringLiteral(" ")) + word;
    }
    if (!line.isEmpty() || lines.isEmpty())
        lines << line;
    for (qsizetype i = 1; i < lines.size(); ++i)
        lines[i] = QString(indent, QLatin1Char(' ')) + lines[i];
    return lines;
}

// A two-column entry: the label at column 2, its help from column `column` (on the label's line
// when it fits, else below it).
void appendEntry(QString &out, const QString &label, const QString &help, int column, int width)
{
    QString first = QStringLiteral("  ") + label;
    const QList<Paragraph> parts = paragraphs(help);
    bool sameLine = first.size() + 2 <= column;
    if (!sameLine)
        out += first + QLatin1Char('\n');
    for (qsizetype p = 0; p < parts.size(); ++p) {
        QStringList lines = parts[p].preformatted ? parts[p].lines : wrap(parts[p].lines.first(), width - column, width - column, 0);
        for (const QString &line : lines) {
            const QString lead = sameLine ? first.leftJustified(column, QLatin1Char(' ')) : QString(column, QLatin1Char(' '));
            out += lead + line + QLatin1Char('\n');
            sameLine = false;
        }
    }
    if (parts.isEmpty() && sameLine)
        out += first + QLatin1Char('\n');
}

// roff: backslashes, minus signs and control characters at the start of a line escaped.
QString roffEscape(const QString &text)
{
    QString out = text;
    out.replace(QLatin1Char('\\'), QLatin1String("\\e"));
    out.replace(QLatin1Char('-'), QLatin1String("\\-"));
    return out;
}

QString roffLine(const QString &line)
{
    return (line.startsWith(QLatin1Char('.')) || line.startsWith(QLatin1Char('\'')) ? QStringLiteral("\\&") : QString()) + line;
}

// Options in bold, UPPERCASE values in italics, the rest escaped.
QString roffMarkup(const QString &text)
{
    static const QRegularExpression token(QStringLiteral(R"((?<![\w-])(--?[a-zA-Z][\w-]*)|\b([A-Z][A-Z0-9_]*(?:/[A-Z0-9_]+)*)\b)"));
    QString out;
    qsizetype at = 0;
    for (auto it = token.globalMatch(text); it.hasNext();) {
        const auto match = it.next();
        out += roffEscape(text.mid(at, match.capturedStart() - at));
        out += (match.capturedLength(1) ? QStringLiteral("\\fB%1\\fR") : QStringLiteral("\\fI%1\\fR")).arg(roffEscape(match.captured()));
        at = match.capturedEnd();
    }
    return out + roffEscape(text.mid(at));
}

QString roffParagraphs(const QString &text)
{
    QStringList blocks;
    for (const Paragraph &paragraph : paragraphs(text)) {
        if (paragraph.preformatted) {
            QStringList lines;
            for (const QString &line : paragraph.lines)
                lines << roffLine(roffEscape(line.mid(2)));
            blocks << QStringLiteral(".nf\n.RS 4\n%1\n.RE\n.fi").arg(lines.join(QLatin1Char('\n')));
        } else {
            blocks << roffLine(roffMarkup(paragraph.lines.first()));
        }
    }
    return blocks.join(QStringLiteral("\n.PP\n"));
}

// A command's synopsis, read for completion: its name, the options it names and its positional
// arguments (a placeholder such as APP, or literal choices such as start|stop|status).
struct Synopsis
{
    QString command;
    QStringList options;   // long or short names without dashes
    QStringList positions; // "APP", "REV", "start|stop|status", "check"; "APP..." repeats
};

Synopsis readSynopsis(const QString &synopsis)
{
    Synopsis result;
    QStringList tokens = synopsis.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    result.command = tokens.takeFirst();
    bool valueNext = false;
    for (QString token : tokens) {
        token.remove(QLatin1Char('[')).remove(QLatin1Char(']'));
        if (token.isEmpty() || token == QLatin1String("|"))
            continue;
        if (isOptionToken(token)) {
            result.options << token.mid(token.startsWith(QLatin1String("--")) ? 2 : 1).section(QLatin1Char('='), 0, 0);
            valueNext = true;
            continue;
        }
        const bool value = token == token.toUpper() || token.contains(QLatin1Char('|'));
        if (!(value && valueNext))
            result.positions << token;
        valueNext = false;
    }
    return result;
}

QStringList complete(Complete kind, const QStringList &choices, const QString &app, const CompletionSources &sources)
{
    switch (kind) {
    case Complete::Files:
        return {QStringLiteral(":files")};
    case Complete::Directories:
        return {QStringLiteral(":directories")};
    case Complete::Applications:
        return sources.applications ? sources.applications() : QStringList();
    case Complete::Revisions:
        return sources.revisions ? sources.revisions(app) : QStringList();
    case Complete::Contexts:
        return sources.contexts ? sources.contexts() : QStringList();
    case Complete::Choices:
        return choices;
    case Complete::Nothing:
        break;
    }
    return {};
}

} // namespace

OptionSpec option(const QStringList &names, const QString &valueName, const QString &help, Complete complete,
                  const QStringList &choices, const QString &defaultValue)
{
    OptionSpec option;
    option.names = names;
    option.valueName = valueName;
    option.help = help;
    option.complete = complete;
    option.choices = choices;
    option.defaultValue = defaultValue;
    return option;
}

QList<QCommandLineOption> commandLineOptions(const ProgramSpec &spec)
{
    QList<QCommandLineOption> options;
    for (const OptionSpec &option : spec.options) {
        QCommandLineOption parsed(option.names, option.help, option.valueName, option.defaultValue);
        if (option.hidden)
            parsed.setFlags(QCommandLineOption::HiddenFromHelp);
        options << parsed;
    }
    options << QCommandLineOption({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("this help"))
            << QCommandLineOption(QStringLiteral("version"), QStringLiteral("the version"))
            << QCommandLineOption(QStringLiteral("man"), QStringLiteral("the man page, in roff"));
    return options;
}

QString helpText(const ProgramSpec &spec, int width)
{
    QString out = QStringLiteral("Usage: %1 %2\n").arg(spec.name, spec.usage);
    for (const Paragraph &paragraph : paragraphs(spec.description))
        out += QLatin1Char('\n') + (paragraph.preformatted ? paragraph.lines : wrap(paragraph.lines.first(), width, width, 0)).join(QLatin1Char('\n')) + QLatin1Char('\n');
    if (!spec.commands.isEmpty()) {
        out += QStringLiteral("\nCommands:\n");
        for (const CommandSpec &command : spec.commands) {
            const QString first = command.synopsis.section(QLatin1Char(' '), 0, 0);
            const QStringList synopsis = wrap(command.synopsis, width, width - 2, 2 + first.size() + 1);
            for (qsizetype i = 0; i + 1 < synopsis.size(); ++i)
                out += QStringLiteral("  ") + synopsis[i] + QLatin1Char('\n');
            appendEntry(out, synopsis.last().trimmed().prepend(synopsis.size() > 1 ? QString(first.size() + 1, QLatin1Char(' ')) : QString()),
                        command.help, 46, width);
        }
    }
    out += QStringLiteral("\nOptions:\n");
    for (const OptionSpec &option : spec.options) {
        if (!option.hidden)
            appendEntry(out, optionLabel(option), optionHelp(option), 21, width);
    }
    appendEntry(out, QStringLiteral("-h, --help"), QStringLiteral("this help"), 21, width);
    appendEntry(out, QStringLiteral("--version"), QStringLiteral("the version"), 21, width);
    appendEntry(out, QStringLiteral("--man"), QStringLiteral("the man page, in roff (man -l <(%1 --man))").arg(spec.name), 21, width);
    for (const Section &section : spec.sections) {
        out += QStringLiteral("\n%1:\n").arg(section.title);
        for (const Paragraph &paragraph : paragraphs(section.text))
            out += (paragraph.preformatted ? paragraph.lines : wrap(paragraph.lines.first(), width, width - 2, 4)).join(QLatin1Char('\n')).prepend(paragraph.preformatted ? QString() : QStringLiteral("  ")) + QLatin1Char('\n');
    }
    return out;
}

QString manPage(const ProgramSpec &spec, const QString &version)
{
    QStringList out;
    out << QStringLiteral(".TH %1 1 \"\" \"Sluice %2\" \"User Commands\"").arg(spec.name.toUpper(), version)
        << QStringLiteral(".SH NAME") << QStringLiteral("%1 \\- %2").arg(roffEscape(spec.name), roffEscape(spec.summary))
        << QStringLiteral(".SH SYNOPSIS") << QStringLiteral(".B %1").arg(roffEscape(spec.name)) << roffLine(roffMarkup(spec.usage))
        << QStringLiteral(".SH DESCRIPTION") << roffParagraphs(spec.description);
    if (!spec.commands.isEmpty()) {
        out << QStringLiteral(".SH COMMANDS");
        for (const CommandSpec &command : spec.commands)
            out << QStringLiteral(".TP") << roffLine(roffMarkup(command.synopsis)) << roffParagraphs(command.help);
    }
    out << QStringLiteral(".SH OPTIONS");
    const auto optionEntry = [&out](const OptionSpec &option) {
        QStringList names;
        for (const QString &name : option.names)
            names << QStringLiteral("\\fB%1\\fR").arg(roffEscape(dashed(name)));
        out << QStringLiteral(".TP")
            << names.join(QStringLiteral(", ")) + (option.valueName.isEmpty() ? QString() : QStringLiteral(" \\fI%1\\fR").arg(roffEscape(option.valueName)))
            << roffParagraphs(optionHelp(option));
    };
    for (const OptionSpec &option : spec.options) {
        if (!option.hidden)
            optionEntry(option);
    }
    for (const auto &[names, help] : {std::pair{QStringList{QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Print the help and exit.")},
                                      std::pair{QStringList{QStringLiteral("version")}, QStringLiteral("Print the version and exit.")},
                                      std::pair{QStringList{QStringLiteral("man")}, QStringLiteral("Print this man page in roff and exit.")}}) {
        optionEntry(option(names, {}, help));
    }
    for (const Section &section : spec.sections)
        out << QStringLiteral(".SH %1").arg(roffEscape(section.title.toUpper())) << roffParagraphs(section.text);
    if (!spec.seeAlso.isEmpty()) {
        QStringList refs;
        for (const QString &ref : spec.seeAlso)
            refs << QStringLiteral("\\fB%1\\fR(%2)").arg(roffEscape(ref.section(QLatin1Char('('), 0, 0)), ref.section(QLatin1Char('('), 1).chopped(1));
        out << QStringLiteral(".SH SEE ALSO") << refs.join(QStringLiteral(", "));
    }
    return out.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

int answerInformationalOptions(const ProgramSpec &spec, int argc, char **argv, const QString &version, const QString &errorPrefix)
{
    for (int i = 1; i < argc; ++i) {
        const char *arg = argv[i];
        if (std::strcmp(arg, "--") == 0 || std::strcmp(arg, "__complete") == 0)
            break;
        QString text;
        if (std::strcmp(arg, "-h") == 0 || std::strcmp(arg, "--help") == 0)
            text = helpText(spec);
        else if (std::strcmp(arg, "--version") == 0)
            text = QStringLiteral("%1 %2\n").arg(spec.name, version);
        else if (std::strcmp(arg, "--man") == 0)
            text = manPage(spec, version);
        else
            continue;
        if (std::fputs(text.toLocal8Bit().constData(), stdout) == EOF)
            noteStandardOutputError(QString::fromLocal8Bit(std::strerror(errno)));
        return standardOutputComplete(errorPrefix) ? 0 : 2;
    }
    return -1;
}

namespace {
QString &notedStandardOutputError()
{
    static QString reason;
    return reason;
}
} // namespace

void noteStandardOutputError(const QString &reason)
{
    if (notedStandardOutputError().isEmpty())
        notedStandardOutputError() = reason;
}

bool standardOutputComplete(const QString &errorPrefix)
{
    const bool flushed = std::fflush(stdout) == 0;
    const int error = errno;
    if (flushed && !std::ferror(stdout))
        return true;
    const QString noted = std::exchange(notedStandardOutputError(), QString());
    const QString why = flushed ? noted : QString::fromLocal8Bit(std::strerror(error));
    const QString reason = why.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(why);
    std::fprintf(stderr, "%s: could not write all of the output to standard output%s; what was written is incomplete: free space "
                         "where it goes, or send it elsewhere, and run the command again\n",
                 qPrintable(errorPrefix), qPrintable(reason));
    std::clearerr(stdout);
    return false;
}

QStringList completionCandidates(const ProgramSpec &spec, const QStringList &words, const CompletionSources &sources)
{
    QHash<QString, const OptionSpec *> optionsByName;
    for (const OptionSpec &option : spec.options) {
        for (const QString &name : option.names)
            optionsByName.insert(name, &option);
    }
    const auto optionNamed = [&](const QString &token) -> const OptionSpec * {
        return optionsByName.value(token.mid(token.startsWith(QLatin1String("--")) ? 2 : 1).section(QLatin1Char('='), 0, 0));
    };

    // What has been typed before the cursor: positionals, and the options' values.
    QStringList positionals;
    QHash<QString, QString> values; // the option's long name -> its value
    const OptionSpec *pendingValue = nullptr;
    for (qsizetype i = 0; i + 1 < words.size(); ++i) {
        const QString &word = words[i];
        if (pendingValue) {
            values.insert(pendingValue->names.last(), word);
            pendingValue = nullptr;
        } else if (isOptionToken(word)) {
            const OptionSpec *option = optionNamed(word);
            if (option && !option->valueName.isEmpty()) {
                if (word.contains(QLatin1Char('=')))
                    values.insert(option->names.last(), word.section(QLatin1Char('='), 1));
                else
                    pendingValue = option;
            }
        } else {
            positionals << word;
        }
    }
    const QString current = words.isEmpty() ? QString() : words.last();

    QList<Synopsis> synopses;
    QStringList commandOptions; // options some command names: the rest are global
    for (const CommandSpec &command : spec.commands) {
        synopses << readSynopsis(command.synopsis);
        commandOptions << synopses.last().options;
    }
    const QString command = positionals.value(0);
    QList<Synopsis> forCommand;
    for (const Synopsis &synopsis : std::as_const(synopses)) {
        if (synopsis.command == command)
            forCommand << synopsis;
    }
    // The application revisions belong to: the command's APP, else an option naming one.
    QString app;
    if (!forCommand.isEmpty() && forCommand.first().positions.value(0) == QLatin1String("APP"))
        app = positionals.value(1);
    for (const OptionSpec &option : spec.options) {
        if (app.isEmpty() && option.complete == Complete::Applications)
            app = values.value(option.names.last());
    }

    if (pendingValue)
        return complete(pendingValue->complete, pendingValue->choices, app, sources);

    if (isOptionToken(current)) {
        QStringList candidates;
        for (const OptionSpec &option : spec.options) {
            if (option.hidden)
                continue;
            bool applies = spec.commands.isEmpty();
            for (const QString &name : option.names) {
                if (!commandOptions.contains(name))
                    applies = true; // global
                for (const Synopsis &synopsis : std::as_const(forCommand))
                    applies = applies || synopsis.options.contains(name);
            }
            if (applies)
                candidates << dashed(option.names.last()) + QLatin1Char('\t') + shortHelp(option.help);
        }
        return candidates << QStringLiteral("--help\tthis help");
    }

    if (spec.commands.isEmpty()) // a program without commands: its positionals are paths
        return {QStringLiteral(":files")};
    if (positionals.isEmpty()) {
        QStringList candidates, names;
        for (const CommandSpec &entry : spec.commands) {
            const QString name = entry.synopsis.section(QLatin1Char(' '), 0, 0);
            if (!names.contains(name))
                candidates << name + QLatin1Char('\t') + shortHelp(entry.help);
            names << name;
        }
        return candidates;
    }
    QStringList candidates;
    for (const Synopsis &synopsis : std::as_const(forCommand)) {
        const qsizetype index = positionals.size() - 1;
        QString slot = synopsis.positions.value(index);
        if (slot.isEmpty() && !synopsis.positions.isEmpty() && synopsis.positions.last().endsWith(QLatin1String("...")))
            slot = synopsis.positions.last();
        if (slot.endsWith(QLatin1String("...")))
            slot.chop(3);
        if (slot == QLatin1String("APP"))
            candidates << complete(Complete::Applications, {}, app, sources);
        else if (slot == QLatin1String("REV"))
            candidates << complete(Complete::Revisions, {}, app, sources);
        else if (!slot.isEmpty() && slot != slot.toUpper())
            candidates << slot.split(QLatin1Char('|'));
    }
    candidates.removeDuplicates();
    return candidates;
}

QString completionScript(const ProgramSpec &spec, const QString &shell)
{
    QString script;
    if (shell == QLatin1String("bash")) {
        script = QStringLiteral(R"SH(# bash completion for @NAME@ (generated by `@NAME@ completion bash`)
_@FUNC@() {
    local cur="${COMP_WORDS[COMP_CWORD]}" out
    out="$("${COMP_WORDS[0]}" __complete "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)" || return
    case "$out" in
    :files) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
    :directories) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -d -- "$cur") ;;
    *) local IFS=$'\n'; mapfile -t COMPREPLY < <(compgen -W "$(printf '%s\n' "$out" | cut -f1)" -- "$cur") ;;
    esac
}
complete -F _@FUNC@ @NAME@
)SH");
    } else if (shell == QLatin1String("zsh")) {
        script = QStringLiteral(R"SH(#compdef @NAME@
# zsh completion for @NAME@ (generated by `@NAME@ completion zsh`)
_@FUNC@() {
    local -a lines candidates
    lines=("${(@f)$("${words[1]}" __complete "${(@)words[2,CURRENT]}" 2>/dev/null)}")
    case "${lines[1]}" in
    :files) _files ;;
    :directories) _files -/ ;;
    *)
        local line
        for line in "${lines[@]}"; do
            [[ -n "$line" ]] && candidates+=("${${line%%$'\t'*}//:/\\:}:${line#*$'\t'}")
        done
        _describe -t values '@NAME@' candidates ;;
    esac
}
if [[ "${funcstack[1]}" == _@FUNC@ ]]; then _@FUNC@ "$@"; else compdef _@FUNC@ @NAME@; fi
)SH");
    } else if (shell == QLatin1String("fish")) {
        script = QStringLiteral(R"SH(# fish completion for @NAME@ (generated by `@NAME@ completion fish`)
function __@FUNC@_complete
    set -l cur (commandline -ct)
    set -l tokens (commandline -opc) "$cur"
    set -l out ($tokens[1] __complete $tokens[2..-1] 2>/dev/null)
    switch "$out[1]"
        case :files
            __fish_complete_path "$cur"
        case :directories
            __fish_complete_directories "$cur"
        case '*'
            printf '%s\n' $out
    end
end
complete -c @NAME@ -f -a '(__@FUNC@_complete)'
)SH");
    }
    QString function = spec.name;
    function.replace(QLatin1Char('-'), QLatin1Char('_'));
    return script.replace(QLatin1String("@NAME@"), spec.name).replace(QLatin1String("@FUNC@"), function);
}

} // namespace sluice::cli
