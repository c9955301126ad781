// Issue 14: `sluicectl review --output markdown|html` (a report a CI job posts on a pull
// request) and SLUICE_EXTERNAL_DIFF / --diff-tool (base/ and head/ directories of masked YAML
// opened in the user's diff program), end to end on the demo repository and generated ones.
// The HTML report is opened in Debian's headless Chromium (the test fails without it).

#include "common/Demo.h"
#include "common/Fleet.h"
#include "common/GitFixture.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

// Secret values of the demo and of the generated repository: never in any output or file.
const QList<QByteArray> kSecrets{"s3cr3t-demo-1", "s3cr3t-demo-2", "demo-token-not-real", "big-secret-value-1",
                                 "big-secret-value-2"};

// The first secret value `text` holds, raw or base64; empty when none.
QByteArray leakedSecret(const QByteArray &text)
{
    for (const QByteArray &secret : kSecrets) {
        for (const QByteArray &form : {secret, secret.toBase64()}) {
            if (text.contains(form))
                return form;
        }
    }
    return {};
}

// Well-formedness as a strict parser sees it: the report is also well-formed XML. Returns an
// error or "", and counts the elements named in `counts`.
QString xmlError(const QByteArray &html, QHash<QString, int> *counts = nullptr)
{
    QXmlStreamReader xml(html);
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement() && counts)
            (*counts)[xml.name().toString()] += 1;
    }
    if (xml.hasError())
        return QStringLiteral("line %1: %2").arg(xml.lineNumber()).arg(xml.errorString());
    return {};
}

// The mask numbers of DATABASE_PASSWORD on the report's removed and added diff lines.
std::pair<QString, QString> passwordMasks(const QString &report)
{
    static const QRegularExpression line(QStringLiteral("([-+])  DATABASE_PASSWORD: (?:\"|&quot;)(?:<|&lt;)secret value #(\\d+)"));
    QString removed, added;
    for (auto it = line.globalMatch(report); it.hasNext();) {
        const auto m = it.next();
        (m.captured(1) == QLatin1String("-") ? removed : added) = m.captured(2);
    }
    return {removed, added};
}

} // namespace

class TestReviewReport : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_demo;
    QString m_bigWorkspace; // "many" (300 changed ConfigMaps) and "huge" (one very long diff)
    QString m_bigBase;      // the first commit of that repository

    Run sluicectl(const QStringList &args, const QString &workspace = {}, const QHash<QString, QString> &env = {})
    {
        QProcess p;
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.insert(QStringLiteral("XDG_CACHE_HOME"), m_dir.filePath("cache"));
        e.insert(QStringLiteral("NO_COLOR"), QStringLiteral("1"));
        e.remove(QStringLiteral("SLUICE_EXTERNAL_DIFF")); // a developer's own setting stays out
        for (auto it = env.begin(); it != env.end(); ++it)
            e.insert(it.key(), it.value());
        p.setProcessEnvironment(e);
        p.setWorkingDirectory(m_demo);
        p.start(QStringLiteral(SLUICE_BINARY_DIR "/app/sluicectl/sluicectl"),
                (workspace.isEmpty() ? QStringList() : QStringList{"--workspace", workspace}) + args);
        p.waitForFinished(180000);
        Run r{p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(), p.readAllStandardError()};
        if (const QByteArray leaked = leakedSecret(r.out + r.err); !leaked.isEmpty())
            qFatal("secret value %s printed by sluicectl %s", leaked.constData(), qPrintable(args.join(' ')));
        return r;
    }

    QString writeFile(const QString &name, const QByteArray &content, bool executable = false)
    {
        QFile f(m_dir.filePath(name));
        if (!f.open(QIODevice::WriteOnly) || f.write(content) != content.size())
            return {};
        f.close();
        if (executable)
            f.setPermissions(f.permissions() | QFileDevice::ExeOwner);
        return f.fileName();
    }

    // A "diff tool" that writes its arguments to $TOOL_OUT/args, copies its last two (the
    // directories) to $TOOL_OUT/base and $TOOL_OUT/head, and exits with $TOOL_EXIT.
    QString recordingTool()
    {
        return writeFile("record-diff.sh",
                         "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$TOOL_OUT/args\"\n"
                         "for a in \"$@\"; do prev=$last; last=$a; done\n"
                         "cp -R \"$prev\" \"$TOOL_OUT/base\" && cp -R \"$last\" \"$TOOL_OUT/head\" || exit 99\n"
                         "exit ${TOOL_EXIT:-0}\n",
                         true);
    }

    static QStringList fileNames(const QString &dir)
    {
        return QDir(dir).entryList(QDir::Files, QDir::Name);
    }

    static QByteArray readAll(const QString &path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("(missing: " + path.toUtf8() + ")");
    }

    // Runs headless Chromium; its exit code, or -1 when it did not finish.
    int chromium(const QStringList &args, QByteArray *out = nullptr)
    {
        QProcess p;
        p.start(QStringLiteral("chromium"), QStringList{"--headless", "--no-sandbox", "--disable-gpu",
                                                          "--user-data-dir=" + m_dir.filePath("chromium-profile")} + args);
        if (!p.waitForFinished(120000)) {
            p.kill();
            p.waitForFinished();
            return -1;
        }
        if (out)
            *out = p.readAllStandardOutput();
        return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_demo = m_dir.filePath("demo");
        const QString error = sluice::test::makeDemo(m_demo);
        QVERIFY2(error.isEmpty(), qPrintable(error));

        // "many": 300 ConfigMaps whose every value changes; "huge": one ConfigMap of 3,000 lines
        // between two small ones (one with text that would end a markdown block or an element)
        // and a Secret.
        sluice::test::GitFixture repo(m_dir.filePath("big"));
        QVERIFY(repo.init());
        const auto write = [&](const QByteArray &value) {
            QByteArray many;
            for (int i = 0; i < 300; ++i) {
                many += "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-" + QByteArray::number(i).rightJustified(3, '0') +
                        "\ndata:\n";
                for (int k = 0; k < 40; ++k)
                    many += "  KEY_" + QByteArray::number(k) + ": " + value + "-" + QByteArray::number(i * 100 + k) + "\n";
            }
            QByteArray huge = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b-huge\ndata:\n  big.txt: |\n";
            for (int line = 0; line < 3000; ++line)
                huge += "    line " + QByteArray::number(line) + " of the " + value + " text\n";
            const QByteArray small = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a-small\ndata:\n  MODE: " + value + "\n";
            const QByteArray hostile = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c-hostile\ndata:\n  README.md: |\n"
                                       "    ````\n    </details><script>alert(1)</script> & <b>" + value + "</b>\n    ````\n";
            const QByteArray secret = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: d-secret\nstringData:\n  PASSWORD: big-secret-value-" +
                                      QByteArray(value == "old" ? "1" : "2") + "\n";
            return repo.write("many/cms.yaml", many) && repo.write("huge/b-huge.yaml", huge) && repo.write("huge/a-small.yaml", small) &&
                   repo.write("huge/c-hostile.yaml", hostile) && repo.write("huge/d-secret.yaml", secret);
        };
        QVERIFY(write("old"));
        m_bigBase = repo.commitAll("old values");
        QVERIFY(write("new"));
        repo.commitAll("new values");
        m_bigWorkspace = writeFile("big.yaml", "apiVersion: sluice.dev/v1alpha1\nkind: Workspace\napplications:\n"
                                               "  - {name: many, source: {repo: " + repo.dir().toUtf8() + ", path: many, renderer: plain}}\n"
                                               "  - {name: huge, source: {repo: " + repo.dir().toUtf8() + ", path: huge, renderer: plain}}\n");
        QVERIFY(!m_bigWorkspace.isEmpty());
    }

    void markdown()
    {
        const Run r = sluicectl({"review", "web", "--base", "deployed", "--head", "refs/pull/7/head", "--output", "markdown"});
        QVERIFY2(r.exitCode == 1, r.err.constData());
        const QString md = QString::fromUtf8(r.out);
        QVERIFY2(md.startsWith("### Review of web: `deployed ("), r.out.constData());
        QVERIFY(md.contains("**2 added, 0 removed, 2 changed, 2 unchanged**"));
        QVERIFY(md.contains("| Kind | Namespace | Name | Change | Fields changed |\n| --- | --- | --- | --- | --- |\n"));
        // A row per object that differs, none for the unchanged ones.
        QVERIFY(md.contains("| `ConfigMap` | `shop` | `web-config` | ~ changed | `data.FEATURE_RECOMMENDATIONS` |\n"));
        QVERIFY(md.contains("| `Secret` | `shop` | `web-secrets` | ~ changed | `data.DATABASE_PASSWORD` |\n"));
        QVERIFY(md.contains("| `Service` | `shop` | `web-canary` | + added |  |\n"));
        QVERIFY(md.contains("| `Deployment.apps` | `shop` | `web-canary` | + added |  |\n"));
        QCOMPARE(md.count(QRegularExpression("^\\| `", QRegularExpression::MultilineOption)), 4);
        // A collapsible block with a diff per object.
        QCOMPARE(md.count("<details><summary>"), 4);
        QCOMPARE(md.count("\n```diff\n"), 4);
        QCOMPARE(md.count("</details>"), 4);
        QVERIFY(md.contains("<details><summary>~ <code>ConfigMap shop/web-config</code> (1 field)</summary>\n\n```diff\n"));
        QVERIFY(md.contains("<details><summary>+ <code>Deployment.apps shop/web-canary</code> added</summary>"));
        QVERIFY(md.contains("\n+  FEATURE_RECOMMENDATIONS: \"true\"\n"));
        QVERIFY(md.contains("\n+    track: canary\n"));
        QVERIFY(!md.contains("Cut to fit"));
        QVERIFY(r.out.size() < 65536);
    }

    void statIsSummaryAndTable_data()
    {
        QTest::addColumn<QString>("format");
        QTest::newRow("markdown") << QStringLiteral("markdown");
        QTest::newRow("html") << QStringLiteral("html");
    }
    void statIsSummaryAndTable()
    {
        QFETCH(QString, format);
        const Run r = sluicectl({"review", "web", "--base", "deployed", "--head", "refs/pull/7/head", "--output", format, "--stat"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.out.contains("web-config") && r.out.contains("web-canary"));
        QVERIFY(r.out.contains(format == "html" ? "<span class=\"count changed\">2 changed</span>" : "2 changed"));
        QVERIFY(!r.out.contains("<details"));
        QVERIFY(!r.out.contains("FEATURE_RECOMMENDATIONS: \"true\""));
        QVERIFY(!r.out.contains("```diff"));
    }

    void noDifferences_data() { statIsSummaryAndTable_data(); }
    void noDifferences()
    {
        QFETCH(QString, format);
        const Run r = sluicectl({"review", "web", "--base", "main", "--head", "main", "--output", format});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(format == "html" ? "No differences." : "0 added, 0 removed, 0 changed, 4 unchanged** · no differences"));
        QVERIFY(!r.out.contains("Fields changed"));
    }

    void outputUsage_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("xml") << QStringList{"--output", "xml"} << QStringLiteral("review --output takes markdown, html, json or text, not \"xml\"");
        QTest::newRow("yaml, as render takes it") << QStringList{"-o", "yaml"} << QStringLiteral("takes markdown, html, json or text");
        QTest::newRow("--json and markdown") << QStringList{"--json", "--output", "markdown"}
                                             << QStringLiteral("--json and --output markdown ask for two outputs");
    }
    void outputUsage()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const Run r = sluicectl(QStringList{"review", "web", "--base", "deployed", "--head", "main"} + args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.startsWith("error: ") && r.err.contains(message.toUtf8()), r.err.constData());
        QCOMPARE(r.out, QByteArray());
    }

    void outputJsonAndText()
    {
        // --output json is --json; text the plain review.
        const Run json = sluicectl({"review", "web", "--base", "deployed", "--head", "main", "-o", "json"});
        QCOMPARE(json.exitCode, 1);
        QVERIFY(json.out.startsWith("{"));
        QVERIFY(json.out.contains("\"changed\": 2"));
        const Run text = sluicectl({"review", "web", "--base", "deployed", "--head", "main", "--output", "text"});
        QCOMPARE(text.exitCode, 1);
        QVERIFY(text.out.startsWith("Review of web: deployed ("));
    }

    // The Secret's changed value: masked in both formats, and its two masks differ.
    void secretsMasked_data() { statIsSummaryAndTable_data(); }
    void secretsMasked()
    {
        QFETCH(QString, format);
        const Run r = sluicectl({"review", "web", "--base", "deployed", "--head", "main", "--output", format});
        QCOMPARE(r.exitCode, 1);
        const auto [removed, added] = passwordMasks(QString::fromUtf8(r.out));
        QVERIFY2(!removed.isEmpty() && !added.isEmpty(), r.out.constData());
        QVERIFY2(removed != added, qPrintable(removed + " = " + added));
        QVERIFY(leakedSecret(r.out).isEmpty()); // (also checked for every run)

        const Run big = sluicectl({"review", "huge", "--base", m_bigBase, "--head", "main", "--output", format}, m_bigWorkspace);
        QCOMPARE(big.exitCode, 1);
        QVERIFY(big.out.contains("PASSWORD: "));
        QVERIFY(big.out.contains(format == "html" ? "&lt;secret value #1&gt;" : "<secret value #1>"));
        QVERIFY(big.out.contains(format == "html" ? "&lt;secret value #2&gt;" : "<secret value #2>"));
    }

    void html()
    {
        const Run r = sluicectl({"review", "web", "--base", "deployed", "--head", "refs/pull/7/head", "--output", "html"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.out.startsWith("<!DOCTYPE html>\n<html lang=\"en\">"));
        QHash<QString, int> elements;
        const QString error = xmlError(r.out, &elements);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(elements.value("details"), 4);
        QCOMPARE(elements.value("tr"), 5); // the header and a row per object that differs
        QCOMPARE(elements.value("style"), 1);
        // Self-contained: no script, no external resource of any kind.
        for (const char *external : {"<script", "<link", "<img", "src=", "url(", "@import", "http:", "https:"})
            QVERIFY2(!r.out.contains(external), external);
        QVERIFY(r.out.contains("<title>Review of web: deployed ("));
        QVERIFY(r.out.contains("<span class=\"a\">+  FEATURE_RECOMMENDATIONS: &quot;true&quot;</span>"));
        QVERIFY(r.out.contains("<code>data.FEATURE_RECOMMENDATIONS</code>: <code>(absent)</code> → <code>&quot;true&quot;</code>"));
    }

    // The report as a browser renders it: a screenshot, and the DOM after parsing.
    void htmlInChromium()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("chromium")).isEmpty())
            QFAIL("chromium not found: install Debian's chromium package (scripts/deps.sh does)");
        const Run r = sluicectl({"review", "web", "--base", "deployed", "--head", "refs/pull/7/head", "--output", "html"});
        QCOMPARE(r.exitCode, 1);
        const QString page = writeFile("report.html", r.out);
        QVERIFY(!page.isEmpty());
        const QString url = QStringLiteral("file://") + page;
        const QString png = m_dir.filePath("report.png");
        QCOMPARE(chromium({"--screenshot=" + png, "--window-size=1200,900", url}), 0);
        const QByteArray image = readAll(png);
        QVERIFY2(image.startsWith("\x89PNG\r\n\x1a\n"), image.left(100).constData());
        QVERIFY2(image.size() > 10000, qPrintable(QString::number(image.size()))); // a page, not a blank

        QByteArray dom;
        QCOMPARE(chromium({"--dump-dom", url}, &dom), 0);
        for (const char *text : {"web-config", "web-secrets", "web-canary", "Deployment.apps shop/web-canary",
                                 "2 added</span> <span class=\"count removed\">0 removed", "data.FEATURE_RECOMMENDATIONS"})
            QVERIFY2(dom.contains(text), text);
        QCOMPARE(dom.count("<details"), 4);
    }

    // 300 ConfigMaps whose every value changes: far over GitHub's limit. Diffs are cut, then
    // left out from the end; the summary and every row stay, and a note says what to run.
    void truncatedToACommentsLimit()
    {
        const Run r = sluicectl({"review", "many", "--base", m_bigBase, "--head", "main", "--output", "markdown"}, m_bigWorkspace);
        QCOMPARE(r.exitCode, 1);
        const QString md = QString::fromUtf8(r.out);
        QVERIFY2(md.size() < 65536 && r.out.size() <= 65000, qPrintable(QString::number(r.out.size())));
        QVERIFY(md.contains("**0 added, 0 removed, 300 changed, 0 unchanged**"));
        QCOMPARE(md.count(QRegularExpression("^\\| `ConfigMap` \\| — \\| `cm-\\d{3}` \\| ~ changed \\| `data.KEY_0`, `data.KEY_1`, "
                                             "`data.KEY_10` and 37 more \\|$",
                                             QRegularExpression::MultilineOption)),
                 300);
        const int blocks = int(md.count("<details>"));
        QVERIFY2(blocks > 5 && blocks < 300, qPrintable(QString::number(blocks)));
        QCOMPARE(int(md.count("</details>")), blocks);
        QCOMPARE(int(md.count("\n```diff\n")), blocks);
        QCOMPARE(int(md.count(QRegularExpression("^```$", QRegularExpression::MultilineOption))), blocks); // every block closed
        QVERIFY(md.contains("<code>ConfigMap cm-000</code>"));
        QVERIFY(!md.contains("<code>ConfigMap cm-299</code>")); // dropped from the end
        const QString note = QStringLiteral("%1 diffs cut to their first lines, %2 objects' diffs left out; run `sluicectl --workspace %3 "
                                            "review many --base %4 --head main` locally for the whole review.")
                                 .arg(blocks)
                                 .arg(300 - blocks)
                                 .arg(m_bigWorkspace, m_bigBase);
        QVERIFY2(md.contains(note), qPrintable(md.left(2000)));
        QVERIFY(md.indexOf(note) < md.indexOf("| Kind |")); // at the top
        QVERIFY(md.contains("lines shown.*"));

        // The HTML report, a file, holds everything.
        const Run html = sluicectl({"review", "many", "--base", m_bigBase, "--head", "main", "--output", "html"}, m_bigWorkspace);
        QCOMPARE(html.exitCode, 1);
        QCOMPARE(int(html.out.count("<details ")), 300);
        QVERIFY(!html.out.contains("Cut to size"));
        QVERIFY(!html.out.contains("open=\"open\"")); // too many to start open
    }

    // One diff far longer than the rest: only it is cut, and every object keeps its block.
    void longDiffCutFirst()
    {
        const Run r = sluicectl({"review", "huge", "--base", m_bigBase, "--head", "main", "--output", "markdown"}, m_bigWorkspace);
        QCOMPARE(r.exitCode, 1);
        const QString md = QString::fromUtf8(r.out);
        QVERIFY2(r.out.size() <= 65000, qPrintable(QString::number(r.out.size())));
        QCOMPARE(md.count("<details>"), 4);
        QVERIFY(md.contains("> **Cut to fit a comment:** 1 diff cut to its first lines; run `"));
        QVERIFY(!md.contains("left out"));
        QVERIFY(md.contains(QRegularExpression("\\*Diff cut: \\d+ of 6\\d\\d\\d lines shown\\.\\*")));
        QVERIFY(r.out.size() > 50000); // the room is used
        QVERIFY(md.contains("\n-  MODE: old\n+  MODE: new\n")); // the small ones whole
        // Text that would end a code block or inject markup stays inside its fenced block.
        QVERIFY(md.contains("\n`````diff\n")); // longer than the ```` in the ConfigMap
        QVERIFY(md.contains("\n     ````\n-    </details><script>alert(1)</script> & <b>old</b>\n"
                            "+    </details><script>alert(1)</script> & <b>new</b>\n     ````\n"));
        QCOMPARE(md.count(QRegularExpression("^`````$", QRegularExpression::MultilineOption)), 1);

        const Run html = sluicectl({"review", "huge", "--base", m_bigBase, "--head", "main", "--output", "html"}, m_bigWorkspace);
        QCOMPARE(html.exitCode, 1);
        QVERIFY(!html.out.contains("<script>"));
        QVERIFY(html.out.contains("&lt;/details&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;new&lt;/b&gt;"));
        const QString error = xmlError(html.out);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(!html.out.contains("Diff cut")); // a file has the room
    }

    // The reports of a whole cluster and of two environments compared.
    void clusterAndCompare()
    {
        sluice::test::GitFixture fleet(m_dir.filePath("fleet"));
        QVERIFY2(sluice::test::makeFleet(fleet), qPrintable(fleet.lastError()));
        QVERIFY(fleet.write("apps/base/web/config.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\n"
                                                         "  namespace: web\ndata:\n  ENV: ${cluster_env}\n  URL: https://www.${domain}/\n"));
        const Run cluster = sluicectl({"--repo", fleet.dir(), "review", "production", "--base", "HEAD", "--head", "WORKTREE", "--output", "markdown"});
        QCOMPARE(cluster.exitCode, 1);
        const QString md = QString::fromUtf8(cluster.out);
        QVERIFY2(md.startsWith("### Review of cluster production \\(3 applications\\): `HEAD ("), cluster.out.constData());
        QVERIFY(md.contains("**0 added, 0 removed, 1 changed, "));
        QVERIFY(md.contains("| `ConfigMap` | `web` | `web-config` | ~ changed | `data.URL` |"));
        QVERIFY(md.contains("\n+  URL: https://www.production.example.com/\n"));

        const Run compare = sluicectl({"--repo", fleet.dir(), "review", "--base-app", "production/apps", "--head-app", "staging/apps",
                                       "--output", "html"});
        QCOMPARE(compare.exitCode, 1);
        QHash<QString, int> elements;
        const QString error = xmlError(compare.out, &elements);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(compare.out.contains("<h1>Compare production/apps → staging/apps</h1>"));
        QCOMPARE(elements.value("details"), 6); // 1 added, 3 removed, 2 changed
        QVERIFY(compare.out.contains("<span class=\"count added\">1 added</span> <span class=\"count removed\">3 removed</span>"));
    }

    void externalDiffTool()
    {
        const QString tool = recordingTool();
        QVERIFY(!tool.isEmpty());
        const QString record = m_dir.filePath("tool-out");
        QVERIFY(QDir().mkpath(record));
        // Split on whitespace as kubectl does: the program, its arguments, then base and head.
        const Run r = sluicectl({"review", "web", "--base", "deployed", "--head", "refs/pull/7/head"}, {},
                                {{"SLUICE_EXTERNAL_DIFF", tool + "  --flag\t-x"}, {"TOOL_OUT", record}});
        QVERIFY2(r.exitCode == 1, r.err.constData()); // review's code: objects differ
        QCOMPARE(r.out, QByteArray()); // the tool shows the review, not sluicectl
        const QStringList args = QString::fromUtf8(readAll(record + "/args")).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(args.size(), 4);
        QCOMPARE(args.mid(0, 2), (QStringList{"--flag", "-x"}));
        QVERIFY2(args.at(2).endsWith("/base") && args.at(3).endsWith("/head"), qPrintable(args.join(' ')));
        QCOMPARE(QFileInfo(args.at(2)).path(), QFileInfo(args.at(3)).path());
        QVERIFY2(!QFileInfo::exists(QFileInfo(args.at(2)).path()), "the temporary directories are removed");

        // One file per object that differs, on the sides that have it; unchanged ones absent.
        QCOMPARE(fileNames(record + "/base"), (QStringList{"v1.ConfigMap.shop.web-config.yaml", "v1.Secret.shop.web-secrets.yaml"}));
        QCOMPARE(fileNames(record + "/head"), (QStringList{"apps.v1.Deployment.shop.web-canary.yaml", "v1.ConfigMap.shop.web-config.yaml",
                                                           "v1.Secret.shop.web-secrets.yaml", "v1.Service.shop.web-canary.yaml"}));
        const QByteArray configBase = readAll(record + "/base/v1.ConfigMap.shop.web-config.yaml");
        const QByteArray configHead = readAll(record + "/head/v1.ConfigMap.shop.web-config.yaml");
        QVERIFY2(configBase.startsWith("apiVersion: v1\ndata:\n") && !configBase.contains("FEATURE_RECOMMENDATIONS"), configBase.constData());
        QVERIFY2(configHead.contains("\n  FEATURE_RECOMMENDATIONS: \"true\"\n"), configHead.constData());
        QVERIFY(readAll(record + "/head/apps.v1.Deployment.shop.web-canary.yaml").contains("image: ghcr.io/acme/web:1.6.0-rc.1"));
        // Normalised and masked: the two passwords' masks differ, no value is there.
        const QByteArray secretBase = readAll(record + "/base/v1.Secret.shop.web-secrets.yaml");
        const QByteArray secretHead = readAll(record + "/head/v1.Secret.shop.web-secrets.yaml");
        for (const QByteArray &file : {secretBase, secretHead}) {
            QVERIFY2(leakedSecret(file).isEmpty(), file.constData());
            QVERIFY2(file.contains("  API_TOKEN: \"<secret value #1>\"\n"), file.constData());
        }
        const auto [removed, added] = passwordMasks(QString::fromUtf8("-" + secretBase.mid(secretBase.indexOf("  DATABASE_PASSWORD")) + "\n+" +
                                                                      secretHead.mid(secretHead.indexOf("  DATABASE_PASSWORD"))));
        QVERIFY2(!removed.isEmpty() && !added.isEmpty() && removed != added, secretBase + secretHead);
    }

    void externalDiffToolExitCodes_data()
    {
        QTest::addColumn<QString>("toolExit");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("stderrContains");
        QTest::newRow("meld-like 0") << QStringLiteral("0") << 1 << QString();
        QTest::newRow("diff-like 1") << QStringLiteral("1") << 1 << QString();
        QTest::newRow("trouble 3") << QStringLiteral("3") << 1 << QStringLiteral("exited with code 3");
    }
    void externalDiffToolExitCodes()
    {
        QFETCH(QString, toolExit);
        QFETCH(int, exitCode);
        QFETCH(QString, stderrContains);
        const QString record = m_dir.filePath("tool-exit-" + toolExit);
        QVERIFY(QDir().mkpath(record));
        // --diff-tool wins over the variable, which names no program.
        const Run r = sluicectl({"review", "web", "--base", "deployed", "--head", "main", "--diff-tool", recordingTool()}, {},
                                {{"SLUICE_EXTERNAL_DIFF", "/nonexistent/meld"}, {"TOOL_OUT", record}, {"TOOL_EXIT", toolExit}});
        QVERIFY2(r.exitCode == exitCode, r.err.constData());
        QVERIFY2(r.err.contains(stderrContains.toUtf8()), r.err.constData());
        QVERIFY(QFileInfo::exists(record + "/args"));
    }

    void externalDiffToolNotRun()
    {
        const QString record = m_dir.filePath("tool-not-run");
        QVERIFY(QDir().mkpath(record));
        const QHash<QString, QString> env{{"SLUICE_EXTERNAL_DIFF", recordingTool()}, {"TOOL_OUT", record}};
        // No differences: nothing to open.
        const Run same = sluicectl({"review", "web", "--base", "main", "--head", "main"}, {}, env);
        QCOMPARE(same.exitCode, 0);
        QVERIFY2(same.out.contains("0 added, 0 removed, 0 changed, 4 unchanged (no differences"), same.out.constData());
        // A report, JSON or --stat is asked for: they are printed instead.
        const Run report = sluicectl({"review", "web", "--base", "deployed", "--head", "main", "--output", "markdown"}, {}, env);
        QCOMPARE(report.exitCode, 1);
        QVERIFY(report.out.startsWith("### Review of web"));
        const Run stat = sluicectl({"review", "web", "--base", "deployed", "--head", "main", "--stat"}, {}, env);
        QCOMPARE(stat.exitCode, 1);
        QVERIFY(stat.out.contains("~ ConfigMap shop/web-config"));
        QVERIFY(!QFileInfo::exists(record + "/args"));
    }

    void externalDiffToolFails_data()
    {
        QTest::addColumn<QString>("tool");
        QTest::addColumn<QString>("message");
        QTest::newRow("no such path") << QStringLiteral("/nonexistent/meld --newtab")
                                      << QStringLiteral("error: diff tool \"/nonexistent/meld\" (from --diff-tool or SLUICE_EXTERNAL_DIFF) "
                                                        "not found or not executable");
        QTest::newRow("not on PATH") << QStringLiteral("no-such-diff-program-14")
                                     << QStringLiteral("error: diff tool \"no-such-diff-program-14\" (from --diff-tool or "
                                                       "SLUICE_EXTERNAL_DIFF) not found on PATH");
        QTest::newRow("crashes") << QStringLiteral("CRASHING") << QStringLiteral("ended abnormally");
    }
    void externalDiffToolFails()
    {
        QFETCH(QString, tool);
        QFETCH(QString, message);
        if (tool == QLatin1String("CRASHING"))
            tool = writeFile("crash-diff.sh", "#!/bin/sh\nkill -KILL $$\n", true);
        const Run r = sluicectl({"review", "web", "--base", "deployed", "--head", "main"}, {}, {{"SLUICE_EXTERNAL_DIFF", tool}});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(message.toUtf8()), r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestReviewReport)
#include "tst_reviewreport.moc"
