// The three executables' command lines: --help, --man and the parser agree (they come from one
// table), --version is the project's, none needs a display, and the shell completions of
// sluicectl work in real bash, zsh and fish on a real demo repository.

#include "common/Demo.h"

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>
#include <cstring>

namespace {

struct Output
{
    int exitCode = -1;
    QString out;
    QString err;
};

const QString kBin = QStringLiteral(SLUICE_BINARY_DIR "/app");

QString programPath(const QString &name)
{
    return kBin + QLatin1Char('/') + name + QLatin1Char('/') + name;
}

// Runs without a display: no DISPLAY, WAYLAND_DISPLAY or QT_QPA_PLATFORM. Standard output goes
// to `outputFile` when one is given.
Output run(const QString &program, const QStringList &args, const QByteArray &input = {}, const QString &cwd = {},
           const QString &outputFile = {})
{
    QProcess p;
    if (!outputFile.isEmpty())
        p.setStandardOutputFile(outputFile);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char *name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
        env.remove(QString::fromLatin1(name));
    env.insert(QStringLiteral("PATH"), kBin + QStringLiteral("/sluicectl:") + env.value(QStringLiteral("PATH")));
    p.setProcessEnvironment(env);
    if (!cwd.isEmpty())
        p.setWorkingDirectory(cwd);
    p.start(program, args);
    if (!input.isEmpty())
        p.write(input);
    p.closeWriteChannel();
    if (!p.waitForFinished(60000))
        return {};
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

// The long options an "Options:" section of --help lists.
QStringList helpOptions(const QString &help)
{
    QStringList options;
    const QString section = help.section(QStringLiteral("\nOptions:\n"), 1).section(QStringLiteral("\n\n"), 0, 0);
    static const QRegularExpression option(QStringLiteral(R"(^  (?:-\w, )?(--[a-z][a-z-]*))"), QRegularExpression::MultilineOption);
    for (auto it = option.globalMatch(section); it.hasNext();)
        options << it.next().captured(1);
    return options;
}

// The long options of the man page's OPTIONS section (bold, minus signs escaped).
QStringList manOptions(const QString &man)
{
    QStringList options;
    const QString section = man.section(QStringLiteral(".SH OPTIONS\n"), 1).section(QStringLiteral("\n.SH "), 0, 0);
    static const QRegularExpression option(QStringLiteral(R"(^(?:\\fB\\-\w\\fR, )?\\fB((?:\\-){2}[a-z][a-z\\-]*)\\fR)"),
                                           QRegularExpression::MultilineOption);
    for (auto it = option.globalMatch(section); it.hasNext();)
        options << it.next().captured(1).remove(QLatin1Char('\\'));
    return options;
}

} // namespace

class TestCommandLine : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_workspace;

    QString completionScript(const QString &shell)
    {
        const Output script = run(programPath(QStringLiteral("sluicectl")), {QStringLiteral("completion"), shell});
        if (script.exitCode != 0)
            return {};
        const QString file = m_dir.filePath(QStringLiteral("completion.") + shell);
        QFile out(file);
        if (!out.open(QIODevice::WriteOnly))
            return {};
        out.write(script.out.toUtf8());
        return file;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString error = sluice::test::makeDemo(m_dir.filePath(QStringLiteral("demo")));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_workspace = m_dir.filePath(QStringLiteral("demo/sluice.yaml"));
    }

    void helpManAndParserAgree_data()
    {
        QTest::addColumn<QString>("program");
        QTest::newRow("sluicectl") << QStringLiteral("sluicectl");
        QTest::newRow("sluice-sandbox") << QStringLiteral("sluice-sandbox");
        QTest::newRow("sluice") << QStringLiteral("sluice");
    }

    void helpManAndParserAgree()
    {
        QFETCH(QString, program);
        const Output help = run(programPath(program), {QStringLiteral("--help")});
        QCOMPARE(help.exitCode, 0);
        QVERIFY2(help.err.isEmpty(), qPrintable(help.err));
        QVERIFY(help.out.startsWith(QStringLiteral("Usage: ") + program));
        const QStringList fromHelp = helpOptions(help.out);
        QVERIFY2(fromHelp.size() >= 5, qPrintable(fromHelp.join(QLatin1Char(' '))));

        const Output man = run(programPath(program), {QStringLiteral("--man")});
        QCOMPARE(man.exitCode, 0);
        QVERIFY(man.out.startsWith(QStringLiteral(".TH %1 1 ").arg(program.toUpper())));
        QCOMPARE(manOptions(man.out), fromHelp);

        // groff reads the page without a single warning.
        const Output groff = run(QStringLiteral("groff"), {QStringLiteral("-man"), QStringLiteral("-ww"), QStringLiteral("-z")}, man.out.toUtf8());
        QCOMPARE(groff.exitCode, 0);
        QVERIFY2(groff.err.isEmpty(), qPrintable(groff.err));

        // The parser accepts every option the help lists (sluicectl then fails on the command,
        // the sandbox on the missing --data-dir: not on the option).
        if (program == QLatin1String("sluice"))
            return; // its parser runs after the window exists; its two options are read by whatToOpen
        for (const QString &option : fromHelp) {
            if (option == QLatin1String("--help") || option == QLatin1String("--version") || option == QLatin1String("--man") ||
                option == QLatin1String("--data-dir"))
                continue;
            const Output r = run(programPath(program), {option + QStringLiteral("=1"), QStringLiteral("no-such-command")});
            const Output flag = run(programPath(program), {option, QStringLiteral("no-such-command")});
            QVERIFY2(!r.err.contains(QLatin1String("Unknown option")) || !flag.err.contains(QLatin1String("Unknown option")),
                     qPrintable(option + QLatin1String(": ") + r.err + flag.err));
            QCOMPARE(flag.exitCode, 2);
        }
        const Output unknown = run(programPath(program), {QStringLiteral("--no-such-option")});
        QCOMPARE(unknown.exitCode, 2);
        QVERIFY2(unknown.err.contains(QLatin1String("no-such-option")), qPrintable(unknown.err));
    }

    void versionIsTheProjectsWithoutADisplay_data()
    {
        helpManAndParserAgree_data();
    }

    void versionIsTheProjectsWithoutADisplay()
    {
        QFETCH(QString, program);
        const Output version = run(programPath(program), {QStringLiteral("--version")});
        QCOMPARE(version.exitCode, 0);
        QCOMPARE(version.out, program + QStringLiteral(" " SLUICE_PROJECT_VERSION "\n"));
    }

    // --help, --version and --man into a full disk: each program says the output is incomplete
    // and exits 2 (they had exited 1 without a word, the window and the sandbox).
    void informationalOutputToAFullDisk_data()
    {
        QTest::addColumn<QString>("program");
        QTest::addColumn<QString>("option");
        QTest::addColumn<QString>("prefix");
        for (const char *option : {"--help", "--version", "--man"}) {
            QTest::addRow("sluicectl %s", option) << QStringLiteral("sluicectl") << QString::fromLatin1(option) << QStringLiteral("error");
            for (const char *program : {"sluice-sandbox", "sluice"})
                QTest::addRow("%s %s", program, option) << QString::fromLatin1(program) << QString::fromLatin1(option) << QString::fromLatin1(program);
        }
    }

    void informationalOutputToAFullDisk()
    {
        QFETCH(QString, program);
        QFETCH(QString, option);
        QFETCH(QString, prefix);
        if (!QFile::exists(QStringLiteral("/dev/full")))
            QSKIP("this system has no /dev/full");
        const Output r = run(programPath(program), {option}, {}, {}, QStringLiteral("/dev/full"));
        QVERIFY2(r.exitCode == 2, qPrintable(r.err));
        QVERIFY2(r.err.startsWith(prefix + QStringLiteral(": could not write all of the output to standard output")), qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("what was written is incomplete")), qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral(" (%1)").arg(QString::fromLocal8Bit(std::strerror(ENOSPC)))), qPrintable(r.err));
        QCOMPARE(r.err.count(QStringLiteral("could not write")), 1);
    }

    void bashCompletes_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<QStringList>("expected");
        const QString ws = QStringLiteral("--workspace WS ");
        QTest::newRow("commands") << QStringLiteral("re") << QStringList{"review", "render", "reconcile", "resume", "refresh"};
        QTest::newRow("applications") << ws + QStringLiteral("review w") << QStringList{"web"};
        QTest::newRow("revisions") << ws + QStringLiteral("review web --base ma") << QStringList{"main"};
        QTest::newRow("pull requests") << ws + QStringLiteral("review web --head pull/") << QStringList{"pull/7"};
        QTest::newRow("tags") << ws + QStringLiteral("commits web --base v") << QStringList{"v1.0.0"};
        QTest::newRow("options of the command") << QStringLiteral("review web --st") << QStringList{"--stat"};
        QTest::newRow("not another command's options") << QStringLiteral("review web --pru") << QStringList{};
        QTest::newRow("choices") << QStringLiteral("sandbox st") << QStringList{"start", "status", "stop"};
        QTest::newRow("output formats") << QStringLiteral("review web -o m") << QStringList{"markdown"};
        QTest::newRow("files") << QStringLiteral("--workspace demo/slu") << QStringList{"demo/sluice.yaml"};
        QTest::newRow("environments") << ws + QStringLiteral("review --base-app w") << QStringList{"web"};
    }

    void bashCompletes()
    {
        QFETCH(QString, line);
        QFETCH(QStringList, expected);
        const QString script = completionScript(QStringLiteral("bash"));
        QVERIFY(!script.isEmpty());
        QStringList words = line.replace(QStringLiteral("WS"), m_workspace).split(QLatin1Char(' '));
        words.prepend(programPath(QStringLiteral("sluicectl")));
        QString quoted;
        for (const QString &word : std::as_const(words))
            quoted += QStringLiteral(" '%1'").arg(word);
        const QString program = QStringLiteral("source '%1'\nCOMP_WORDS=(%2)\nCOMP_CWORD=%3\n_sluicectl\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n")
                                    .arg(script, quoted, QString::number(words.size() - 1));
        const Output r = run(QStringLiteral("bash"), {QStringLiteral("--norc"), QStringLiteral("-c"), program}, {}, m_dir.path());
        QCOMPARE(r.exitCode, 0);
        QStringList got = r.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        got.sort();
        expected.sort();
        QCOMPARE(got, expected);
    }

    void zshCompletes()
    {
        const QString script = completionScript(QStringLiteral("zsh"));
        QVERIFY(!script.isEmpty());
        // _describe and _files stand in for zsh's completion system: they print what they were given.
        const QString program = QStringLiteral(
            "compdef() { :; }\n"
            "_describe() { print -rl -- \"${(@P)${@[-1]}}\"; }\n"
            "_files() { print -r -- \"FILES $*\"; }\n"
            "source '%1'\n"
            "words=('%2' --workspace '%3' review web --base ''); CURRENT=7; _sluicectl\n"
            "words=('%2' sy); CURRENT=2; _sluicectl\n"
            "words=('%2' --kubeconfig ''); CURRENT=3; _sluicectl\n")
                                    .arg(script, programPath(QStringLiteral("sluicectl")), m_workspace);
        const Output r = run(QStringLiteral("zsh"), {QStringLiteral("-f"), QStringLiteral("-c"), program});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.err.isEmpty(), qPrintable(r.err));
        const QStringList lines = r.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QVERIFY2(lines.contains(QStringLiteral("pull/7:pull/7")) && lines.contains(QStringLiteral("main:main")), qPrintable(r.out));
        QVERIFY2(lines.contains(QStringLiteral("sync:show the plan, apply it, wait for health")), qPrintable(r.out));
        QVERIFY2(lines.contains(QStringLiteral("FILES ")), qPrintable(r.out));
    }

    void fishCompletes()
    {
        const QString script = completionScript(QStringLiteral("fish"));
        QVERIFY(!script.isEmpty());
        const QString program = QStringLiteral("source '%1'; complete -C'sluicectl --workspace %2 review web --head pull/'; "
                                               "complete -C'sluicectl sy'")
                                    .arg(script, m_workspace);
        const Output r = run(QStringLiteral("fish"), {QStringLiteral("--no-config"), QStringLiteral("-c"), program});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.err.isEmpty(), qPrintable(r.err));
        const QStringList lines = r.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QVERIFY2(lines.contains(QStringLiteral("pull/7")), qPrintable(r.out));
        QVERIFY2(lines.contains(QStringLiteral("sync\tshow the plan, apply it, wait for health")), qPrintable(r.out));
    }

    void completionOfAnUnknownShellIsAUsageError()
    {
        const Output r = run(programPath(QStringLiteral("sluicectl")), {QStringLiteral("completion"), QStringLiteral("tcsh")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QLatin1String("bash, zsh or fish")), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestCommandLine)
#include "tst_commandline.moc"
