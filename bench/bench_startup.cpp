// Start to main window painted on the demo (sluice, offscreen) vs `chromium --headless` loading
// an empty page, in the same run; wall time of each process, median of several alternating runs.
// Chromium is installed for this bench only (Debian's `chromium`).
//
// Usage: bench_startup [RUNS]

#include "BenchUtil.h"

#include <QCoreApplication>
#include <QDir>
#include <QStandardPaths>
#include <QTemporaryDir>

using namespace sluice::bench;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int runs = argc > 1 ? QString::fromLocal8Bit(argv[1]).toInt() : 7;
    const QString chromium = QStandardPaths::findExecutable(QStringLiteral("chromium"));
    if (chromium.isEmpty()) {
        qWarning("chromium is not installed: apt-get install -y --no-install-recommends chromium");
        return 1;
    }
    QTemporaryDir tmp;
    const QString demo = tmp.filePath("demo");
    if (!runPeer(QStringLiteral(SLUICE_SOURCE_DIR "/scripts/make-demo.sh"), {demo})) {
        qWarning("could not generate the demo");
        return 1;
    }
    qputenv("QT_QPA_PLATFORM", "offscreen");
    qputenv("SLUICE_EXIT_AFTER_FIRST_PAINT", "1");
    qputenv("XDG_CONFIG_HOME", tmp.filePath("config").toUtf8()); // no settings of the user's
    const QString sluice = QStringLiteral(SLUICE_BINARY_DIR "/app/sluice/sluice");
    const QStringList chromiumArgs = {"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                                      "--disable-background-networking", "--disable-component-update", "--disable-sync",
                                      "--user-data-dir=" + tmp.filePath("chromium"), "--dump-dom", "about:blank"};
    // One warm-up each, so neither pays for a cold disk cache.
    runPeer(sluice, {"--workspace", demo + "/sluice.yaml"});
    runPeer(chromium, chromiumArgs);
    const auto [sluiceMs, chromiumMs] = interleavedMediansMs(
        runs, [&] { runPeer(sluice, {"--workspace", demo + "/sluice.yaml"}); }, [&] { runPeer(chromium, chromiumArgs); });
    report(QStringLiteral("start to main window painted (demo)"), sluiceMs, QStringLiteral("chromium --headless about:blank"),
           chromiumMs, QStringLiteral("<= 0.1x"));
    return 0;
}
