#pragma once

// The real manifest sets of ../shared/data, found through SLUICE_CORPUS_DIR. Without it a test
// skips, unless SLUICE_REQUIRE_CORPUS=1 (CI) makes that a failure.

#include <QFileInfo>
#include <QString>
#include <QTest>

namespace sluice::test {

// The corpus folder holding `file`, or "" when SLUICE_CORPUS_DIR is unset or lacks it.
inline QString corpusDir(const QString &file)
{
    const QString dir = qEnvironmentVariable("SLUICE_CORPUS_DIR");
    return !dir.isEmpty() && QFileInfo::exists(dir + QLatin1Char('/') + file) ? dir : QString();
}

} // namespace sluice::test

// In a test function: `dir` becomes the corpus folder holding `file`, or the test skips (fails
// under SLUICE_REQUIRE_CORPUS=1).
#define SLUICE_CORPUS_OR_SKIP(dir, file)                                                                               \
    const QString dir = ::sluice::test::corpusDir(file);                                                               \
    if (dir.isEmpty()) {                                                                                               \
        if (qEnvironmentVariableIntValue("SLUICE_REQUIRE_CORPUS") == 1)                                                \
            QFAIL(qPrintable(QStringLiteral("SLUICE_REQUIRE_CORPUS=1 but %1 is not in SLUICE_CORPUS_DIR (%2)")         \
                                 .arg(file, qEnvironmentVariable("SLUICE_CORPUS_DIR"))));                              \
        QSKIP("no corpus: set SLUICE_CORPUS_DIR to shared/data");                                                      \
    }
