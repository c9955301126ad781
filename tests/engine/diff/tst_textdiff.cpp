// Line diff: the lines `git diff --histogram` adds and removes (a minimal script, as `git diff
// --minimal`, where every common line is frequent), and its unified output applies with `patch`.

#include "diff/TextDiff.h"

#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace sluice;

namespace {

// `lines` lines drawn from `kinds` different ones.
QByteArray randomText(QRandomGenerator &rng, int lines, int kinds)
{
    QByteArray out;
    for (int i = 0; i < lines; ++i)
        out += "line " + QByteArray::number(rng.bounded(kinds)) + "\n";
    return out;
}

// A Grafana dashboard's shape: the same few lines ("},", "\"type\": \"prometheus\"") again and
// again around rarer ones, as in the large ConfigMaps of kube-prometheus.
QByteArray dashboardText(QRandomGenerator &rng, int panels)
{
    QByteArray out = "{\n  \"panels\": [\n";
    for (int i = 0; i < panels; ++i) {
        out += "    {\n      \"datasource\": {\n        \"type\": \"prometheus\",\n        \"uid\": \"$datasource\"\n      },\n";
        out += "      \"expr\": \"sum(rate(metric_" + QByteArray::number(rng.bounded(40)) + "[5m]))\",\n";
        out += "      \"id\": " + QByteArray::number(i) + ",\n      \"span\": " + QByteArray::number(rng.bounded(3) * 4) + "\n    },\n";
    }
    return out + "  ]\n}\n";
}

QByteArray mutate(QRandomGenerator &rng, const QByteArray &text, int maxEdits)
{
    QList<QByteArray> lines = text.split('\n');
    lines.removeLast();
    const int edits = 1 + rng.bounded(maxEdits);
    for (int e = 0; e < edits; ++e) {
        const int at = lines.isEmpty() ? 0 : rng.bounded(int(lines.size()));
        switch (rng.bounded(3)) {
        case 0: lines.insert(at, "new " + QByteArray::number(rng.bounded(100))); break;
        case 1: if (!lines.isEmpty()) lines.removeAt(at); break;
        default: if (!lines.isEmpty()) lines[at] = "changed " + QByteArray::number(rng.bounded(100)); break;
        }
    }
    QByteArray out;
    for (const QByteArray &l : lines)
        out += l + '\n';
    return out;
}

bool writeFile(const QString &path, const QByteArray &data)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(data) == data.size();
}

// Lines added + removed by `git diff --no-index` with `option` (--histogram, --minimal).
int gitEdits(const QString &option, const QString &a, const QString &b)
{
    QProcess git;
    git.start(QStringLiteral("git"), {"diff", "--no-index", option, "--numstat", a, b});
    git.waitForFinished();
    const QList<QByteArray> fields = git.readAllStandardOutput().split('\t');
    if (fields.size() < 2)
        return 0;
    return fields[0].toInt() + fields[1].toInt();
}

} // namespace

class TestTextDiff : public QObject
{
    Q_OBJECT

private slots:
    void fixedCases_data()
    {
        QTest::addColumn<QByteArray>("before");
        QTest::addColumn<QByteArray>("after");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("equal") << QByteArray("a\nb\n") << QByteArray("a\nb\n") << QByteArray();
        QTest::newRow("all added") << QByteArray() << QByteArray("a\nb\n") << QByteArray("--- x\n+++ y\n@@ -0,0 +1,2 @@\n+a\n+b\n");
        QTest::newRow("all removed") << QByteArray("a\n") << QByteArray() << QByteArray("--- x\n+++ y\n@@ -1,1 +0,0 @@\n-a\n");
        QTest::newRow("one change with context")
            << QByteArray("1\n2\n3\n4\n5\n6\n7\n8\n9\n") << QByteArray("1\n2\n3\n4\nfive\n6\n7\n8\n9\n")
            << QByteArray("--- x\n+++ y\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
        QTest::newRow("two hunks")
            << QByteArray("a\n1\n2\n3\n4\n5\n6\n7\n8\nb\n") << QByteArray("A\n1\n2\n3\n4\n5\n6\n7\n8\nB\n")
            << QByteArray("--- x\n+++ y\n@@ -1,4 +1,4 @@\n-a\n+A\n 1\n 2\n 3\n@@ -7,4 +7,4 @@\n 6\n 7\n 8\n-b\n+B\n");
    }
    void fixedCases()
    {
        QFETCH(QByteArray, before);
        QFETCH(QByteArray, after);
        QFETCH(QByteArray, expected);
        QCOMPARE(unifiedDiff(before, after, "x", "y"), expected);
    }

    void randomAgainstGitAndPatch_data()
    {
        QTest::addColumn<QString>("shape");
        QTest::addColumn<QString>("gitOption");
        QTest::addColumn<int>("rounds");
        QTest::newRow("short texts of 8 lines repeated") << "short" << "--histogram" << 40;
        // Where the histogram diff is far from minimal ("cbbaddaaabddU" to "bXbaddaaabddcU": 23
        // lines where 3 do), Sluice's is too: the same lines as git's.
        QTest::newRow("tiny texts of 5 lines repeated") << "tiny" << "--histogram" << 200;
        QTest::newRow("dashboards, many edits") << "dashboard" << "--histogram" << 12;
        // Every line of A occurs more than 64 times: the histogram diff hands the region to
        // Myers, whose script is minimal as `git diff --minimal`'s is (git's own fallback is not).
        QTest::newRow("two lines repeated, each over 64 times") << "frequent" << "--minimal" << 12;
    }
    void randomAgainstGitAndPatch()
    {
        QFETCH(QString, shape);
        QFETCH(QString, gitOption);
        QFETCH(int, rounds);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QRandomGenerator rng(20261126);
        for (int round = 0; round < rounds; ++round) {
            QByteArray before, after;
            if (shape == "tiny") {
                before = randomText(rng, 6 + rng.bounded(9), 5);
                after = mutate(rng, before, 4);
            } else if (shape == "short") {
                before = randomText(rng, 5 + rng.bounded(60), 8);
                after = mutate(rng, before, 6);
            } else if (shape == "dashboard") {
                before = dashboardText(rng, 40 + rng.bounded(200));
                after = mutate(rng, before, 200);
            } else {
                before = randomText(rng, 200 + rng.bounded(60), 2);
                after = mutate(rng, before, 10);
            }
            const QString a = dir.filePath("a.txt"), b = dir.filePath("b.txt"), p = dir.filePath("d.patch");
            QVERIFY(writeFile(a, before) && writeFile(b, after));

            const QList<DiffLine> lines = diffLines(before, after);
            QByteArray rebuiltBefore, rebuiltAfter;
            int edits = 0;
            for (const DiffLine &l : lines) {
                if (l.op != DiffLine::Op::Insert)
                    rebuiltBefore += l.text + '\n';
                if (l.op != DiffLine::Op::Delete)
                    rebuiltAfter += l.text + '\n';
                edits += l.op != DiffLine::Op::Equal;
            }
            QCOMPARE(rebuiltBefore, before);
            QCOMPARE(rebuiltAfter, after);
            QCOMPARE(edits, gitEdits(gitOption, a, b));

            QVERIFY(writeFile(p, unifiedDiff(before, after, "a.txt", "b.txt")));
            QProcess patch;
            patch.start(QStringLiteral("patch"), {"--silent", "--force", a, p});
            QVERIFY(patch.waitForFinished());
            QVERIFY2(patch.exitCode() == 0, patch.readAllStandardOutput().constData());
            QFile patched(a);
            QVERIFY(patched.open(QIODevice::ReadOnly));
            QCOMPARE(patched.readAll(), after);
        }
    }
};

QTEST_GUILESS_MAIN(TestTextDiff)
#include "tst_textdiff.moc"
