#pragma once

// Golden-file comparison: `actual` must equal the file at `path`. With SLUICE_UPDATE_GOLDEN=1 in
// the environment the file is rewritten instead (then review the change with git diff).
// On mismatch the failure message is `diff -u expected actual`.

#include <QFile>
#include <QProcess>
#include <QTemporaryFile>
#include <QTest>

namespace sluice::test {

inline bool compareGolden(const QByteArray &actual, const QString &path, QString *message)
{
    if (qEnvironmentVariableIntValue("SLUICE_UPDATE_GOLDEN") == 1) {
        QFile out(path);
        if (!out.open(QIODevice::WriteOnly)) {
            *message = QStringLiteral("cannot write %1").arg(path);
            return false;
        }
        out.write(actual);
        return true;
    }
    QFile expectedFile(path);
    if (!expectedFile.open(QIODevice::ReadOnly)) {
        *message = QStringLiteral("missing golden file %1 (run with SLUICE_UPDATE_GOLDEN=1)").arg(path);
        return false;
    }
    const QByteArray expected = expectedFile.readAll();
    if (expected == actual)
        return true;
    QTemporaryFile actualFile;
    actualFile.open();
    actualFile.write(actual);
    actualFile.flush();
    QProcess diff;
    diff.start(QStringLiteral("diff"), {QStringLiteral("-u"), path, actualFile.fileName()});
    diff.waitForFinished();
    *message = QStringLiteral("output differs from %1:\n%2").arg(path, QString::fromUtf8(diff.readAllStandardOutput()));
    return false;
}

} // namespace sluice::test

#define SLUICE_COMPARE_GOLDEN(actual, path)                                                                            \
    do {                                                                                                               \
        QString goldenMessage_;                                                                                        \
        QVERIFY2(sluice::test::compareGolden((actual), (path), &goldenMessage_), qPrintable(goldenMessage_));          \
    } while (false)
