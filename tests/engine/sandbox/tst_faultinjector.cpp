// Fault injection (sluice-sandbox --inject-faults): each kind happens at about the configured
// rate with a fixed seed (counted, not timed), the same seed gives the same faults, and over
// HTTPS each fault is what a client sees from a failing server: a 500 before handling, no
// answer at all, a closed connection; a write handled before its answer was withheld or dropped
// is durable, one faulted before handling is not there. /version and discovery stay reliable.

#include "RawConnection.h"
#include "sandbox/FaultInjector.h"
#include "sandbox/Sandbox.h"

#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>

using namespace sluice;
using namespace sluice::sandbox;

namespace {

HttpRequest resourceRequest()
{
    HttpRequest request;
    request.method = "GET";
    request.target = "/api/v1/namespaces/default/configmaps";
    request.path = QStringLiteral("/api/v1/namespaces/default/configmaps");
    return request;
}

struct Counts
{
    int none = 0;
    int internalError = 0;
    int timeout = 0;
    int drop = 0;
    int afterHandling = 0; // of the timeouts and drops
    int handled = 0;       // requests the handler saw
};

Counts serveMany(FaultInjector &injector, int requests)
{
    Counts counts;
    const HttpHandler handler = [&counts](const HttpRequest &) {
        ++counts.handled;
        return HttpResponse();
    };
    for (int i = 0; i < requests; ++i) {
        const HttpResponse response = injector.serve(resourceRequest(), handler);
        if (response.status == 500)
            ++counts.internalError;
        else if (response.delivery == HttpResponse::Delivery::Withhold)
            ++counts.timeout;
        else if (response.delivery == HttpResponse::Delivery::Drop)
            ++counts.drop;
        else
            ++counts.none;
    }
    counts.afterHandling = counts.handled - counts.none;
    return counts;
}

QJsonObject configMap(const QString &name)
{
    return {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", QJsonObject{{"name", name}}}, {"data", QJsonObject{{"k", "v"}}}};
}

} // namespace

class TestFaultInjector : public QObject
{
    Q_OBJECT

private slots:
    void kindsHappenAtTheRate_data()
    {
        QTest::addColumn<double>("rate");
        QTest::addColumn<quint64>("seed");
        QTest::newRow("0.1, seed 1") << 0.1 << quint64(1);
        QTest::newRow("0.1, seed 42") << 0.1 << quint64(42);
        QTest::newRow("0.3, seed 7") << 0.3 << quint64(7);
        QTest::newRow("0.02, seed 9") << 0.02 << quint64(9);
    }

    void kindsHappenAtTheRate()
    {
        QFETCH(double, rate);
        QFETCH(quint64, seed);
        constexpr int kRequests = 20000;
        FaultInjector injector(rate, seed);
        const Counts counts = serveMany(injector, kRequests);
        const int faults = counts.internalError + counts.timeout + counts.drop;
        // Binomial counts: within 5 standard deviations (never flaky: the seed is fixed).
        const double expected = rate * kRequests;
        const double sigma = std::sqrt(kRequests * rate * (1 - rate));
        QVERIFY2(std::abs(faults - expected) < 5 * sigma, qPrintable(QStringLiteral("%1 faults, expected about %2").arg(faults).arg(expected)));
        for (const int kind : {counts.internalError, counts.timeout, counts.drop}) {
            const double third = faults / 3.0;
            QVERIFY2(std::abs(kind - third) < 5 * std::sqrt(faults * (1.0 / 3) * (2.0 / 3)),
                     qPrintable(QStringLiteral("%1 of %2 faults of one kind").arg(kind).arg(faults)));
        }
        // Half of the timeouts and drops are handled first; an InternalError never is.
        const int ambiguous = counts.timeout + counts.drop;
        QVERIFY(std::abs(counts.afterHandling - ambiguous / 2.0) < 5 * std::sqrt(ambiguous / 4.0));
        QCOMPARE(counts.handled, counts.none + counts.afterHandling);
        QCOMPARE(counts.none + faults, kRequests);
    }

    void sameSeedSameFaults()
    {
        FaultInjector a(0.2, 5), b(0.2, 5), c(0.2, 6);
        QList<int> drawsA, drawsB, drawsC;
        for (int i = 0; i < 500; ++i) {
            for (auto [injector, draws] : {std::pair{&a, &drawsA}, std::pair{&b, &drawsB}, std::pair{&c, &drawsC}}) {
                const Fault fault = injector->draw();
                draws->append(int(fault.kind) * 2 + (fault.afterHandling ? 1 : 0));
            }
        }
        QCOMPARE(drawsA, drawsB);
        QVERIFY(drawsA != drawsC);
    }

    void rateZeroAndOne()
    {
        FaultInjector never(0, 3), always(1, 3);
        QCOMPARE(serveMany(never, 1000).none, 1000);
        QCOMPARE(serveMany(always, 1000).none, 0);
    }

    // Every resource request meets a fault (rate 1); a twin injector with the same seed says
    // which. Raw connections, so that no client resends behind the test's back. Each create is
    // then looked for after a restart without faults.
    void faultsOverHttps()
    {
        QTemporaryDir dir;
        SandboxOptions options;
        options.dataDir = dir.filePath("data");
        options.kubeconfigPath = dir.filePath("kubeconfig");
        options.faultRate = 1;
        options.faultSeed = 11;
        std::map<QString, Fault> expected;
        {
            Sandbox sandbox(options);
            const Status started = sandbox.start();
            QVERIFY2(started, started ? "" : qPrintable(started.error().toString()));
            const test::Endpoint endpoint = test::Endpoint::of(sandbox);
            // Not resource requests: never a fault.
            QCOMPARE(test::exchange(endpoint, "GET", "/version"), 200);
            QCOMPARE(test::exchange(endpoint, "GET", "/api/v1"), 200);
            FaultInjector twin(1, options.faultSeed);
            for (int i = 0; i < 12; ++i) {
                const QString name = QStringLiteral("cm-%1").arg(i);
                const Fault fault = expected[name] = twin.draw();
                const QByteArray body = QJsonDocument(configMap(name)).toJson(QJsonDocument::Compact);
                test::RawConnection connection(endpoint);
                connection.write(test::requestHead("POST", "/api/v1/namespaces/default/configmaps", endpoint.token, body.size()) + body);
                const QString what = name + QLatin1Char(' ') + faultKindName(fault.kind);
                switch (fault.kind) {
                case FaultKind::InternalError:
                    QCOMPARE(connection.waitStatus(5000), 500);
                    QCOMPARE(connection.body().value("reason").toString(), QStringLiteral("InternalError"));
                    break;
                case FaultKind::Timeout:
                    QCOMPARE(connection.waitStatus(500), 0);
                    QVERIFY2(!connection.isClosed(), qPrintable(what));
                    break;
                case FaultKind::Drop:
                    QTRY_VERIFY2(connection.isClosed(), qPrintable(what));
                    QCOMPARE(connection.status(), 0);
                    break;
                case FaultKind::None:
                    QFAIL("rate 1 drew no fault");
                }
            }
            QVERIFY(std::any_of(expected.begin(), expected.end(), [](const auto &e) { return e.second.afterHandling; }));
            QVERIFY(std::any_of(expected.begin(), expected.end(), [](const auto &e) { return !e.second.afterHandling; }));
        }
        options.faultRate = 0;
        Sandbox restarted(options);
        QVERIFY(restarted.start());
        const test::Endpoint endpoint = test::Endpoint::of(restarted);
        for (const auto &[name, fault] : expected) {
            const int status = test::exchange(endpoint, "GET", "/api/v1/namespaces/default/configmaps/" + name.toUtf8());
            QVERIFY2(status == (fault.afterHandling ? 200 : 404),
                     qPrintable(QStringLiteral("%1 (%2%3): GET answered %4").arg(name, faultKindName(fault.kind),
                                                                                fault.afterHandling ? QStringLiteral(" after handling") : QString())
                                    .arg(status)));
        }
    }
};

QTEST_GUILESS_MAIN(TestFaultInjector)
#include "tst_faultinjector.moc"
