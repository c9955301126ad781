#pragma once

// One table per executable describes its command line: commands, options, notes. From it come
// the QCommandLineParser options, `--help`, the man page (`--man`) and the shell completions
// (`completion bash|zsh|fish` and the hidden `__complete` they call), so none can drift from the
// others.

#include <QCommandLineOption>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

namespace sluice::cli {

// What a value, or a positional argument, completes to.
enum class Complete { Nothing, Files, Directories, Applications, Revisions, Contexts, Choices };

struct OptionSpec
{
    QStringList names;    // {"o", "output"}: one-letter names become -o, the others --output
    QString valueName;    // empty: a flag
    QString help;         // sentences; a blank line starts a new paragraph
    QString defaultValue; // as QCommandLineOption's (also shown in --help)
    Complete complete = Complete::Nothing;
    QStringList choices;  // for Complete::Choices
    bool hidden = false;  // parsed, but in neither --help nor the man page
};

// An option of the table, in one line: option({"o", "output"}, "FORMAT", "help", …).
OptionSpec option(const QStringList &names, const QString &valueName, const QString &help, Complete complete = Complete::Nothing,
                  const QStringList &choices = {}, const QString &defaultValue = {});

struct CommandSpec
{
    QString synopsis; // "review APP --base REV --head REV [--stat]": the first word is the
                      // command; UPPERCASE words are values; a|b|c are literal choices
    QString help;
};

struct Section
{
    QString title; // "Exit codes"
    QString text;  // paragraphs separated by blank lines; lines starting with two spaces stay as they are
};

struct ProgramSpec
{
    QString name;        // sluicectl
    QString summary;     // one line, for the man page's NAME
    QString usage;       // after the name: "[--workspace FILE] COMMAND ..."
    QString description; // paragraphs
    QList<CommandSpec> commands;
    QList<OptionSpec> options;
    QList<Section> sections;
    QStringList seeAlso; // "sluice(1)"
};

// The parser options of the table (hidden ones included), plus --help, --version and --man.
QList<QCommandLineOption> commandLineOptions(const ProgramSpec &spec);

// `--help`: usage, commands, options, sections, wrapped at `width` columns.
QString helpText(const ProgramSpec &spec, int width = 100);

// The man page (section 1) in roff, for `version`.
QString manPage(const ProgramSpec &spec, const QString &version);

// Handles --help, --version and --man before anything else is set up (the window can then answer
// them without a display). Returns the exit code when one of them was given (2 when the text could
// not be written whole: standardOutputComplete says so after `errorPrefix`), else -1.
int answerInformationalOptions(const ProgramSpec &spec, int argc, char **argv, const QString &version, const QString &errorPrefix);

// Flushes standard output. When any of what was written to it could not be (a full disk), says so
// on standard error after `errorPrefix` ("error", a program's name), with the reason (this
// flush's, else the first one noted), and returns false; the error is then cleared, so it is told
// once.
bool standardOutputComplete(const QString &errorPrefix);

// Notes why a write to standard output failed, when it is known only at the write (stdio keeps
// only that a write failed): the first reason noted is the one told.
void noteStandardOutputError(const QString &reason);

// Completion. `words` are the arguments after the program name, the last one being the word
// under the cursor (possibly empty). The answer is one candidate per line, "word\tdescription",
// or the single line ":files" / ":directories" when the shell should complete paths itself.
struct CompletionSources
{
    std::function<QStringList()> applications;               // names
    std::function<QStringList(const QString &app)> revisions; // of the application's repository
    std::function<QStringList()> contexts;                   // kubeconfig contexts
};
QStringList completionCandidates(const ProgramSpec &spec, const QStringList &words, const CompletionSources &sources);

// The script for `shell` (bash, zsh or fish) that asks `PROGRAM __complete WORDS…`; empty for
// an unknown shell.
QString completionScript(const ProgramSpec &spec, const QString &shell);

} // namespace sluice::cli
