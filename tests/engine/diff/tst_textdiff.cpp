// Line diff: minimal like `git diff --minimal`, and its unified output applies with `patch`.

#include "diff/TextDiff.h"

#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace sluice;

namespace {

QByteArray randomText(QRandomGenerator &rng, int lines)
{
    QByteArray out;
    for (int i = 0; i < lines; ++i)
        out += "line " + QByteArray::number(rng.bounded(8)) + "\n";
    return out;
}

QByteArray mutate(QRandomGenerator &rng, const QByteArray &text)
{
    QList<QByteArray> lines = text.split('\n');
    lines.removeLast();
    const int edits = 1 + rng.bounded(6);
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

// Lines added + removed by `git diff --no-index --minimal` (a minimal edit script).
int gitMinimalEdits(const QString &a, const QString &b)
{
    QProcess git;
    git.start(QStringLiteral("git"), {"diff", "--no-index", "--minimal", "--numstat", a, b});
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

    void randomAgainstGitAndPatch()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QRandomGenerator rng(20261126);
        for (int round = 0; round < 40; ++round) {
            const QByteArray before = randomText(rng, 5 + rng.bounded(60));
            const QByteArray after = mutate(rng, before);
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
            QCOMPARE(edits, gitMinimalEdits(a, b));

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
