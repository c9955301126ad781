// Errors: joining a context onto a message, and the caps on what a message quotes.

#include "core/Result.h"

#include <QTest>

using namespace sluice;

class TestResult : public QObject
{
    Q_OBJECT

private slots:
    void prefixed_data()
    {
        QTest::addColumn<QString>("context");
        QTest::addColumn<QString>("message");
        QTest::addColumn<QString>("expected");
        QTest::newRow("plain") << "render of web" << "kubectl failed" << "render of web: kubectl failed";
        // Contexts written with their own separator used to give "store in /d: : corrupt journal".
        QTest::newRow("context ends in colon and space") << "sandbox store in /d: " << "corrupt journal" << "sandbox store in /d: corrupt journal";
        QTest::newRow("context ends in colon") << "sandbox store in /d:" << "corrupt journal" << "sandbox store in /d: corrupt journal";
        QTest::newRow("context ends in space") << "the sandbox data directory " << "/d is in use" << "the sandbox data directory: /d is in use";
        QTest::newRow("empty message") << "cluster prod" << "" << "cluster prod";
    }
    void prefixed()
    {
        QFETCH(QString, context);
        QFETCH(QString, message);
        QFETCH(QString, expected);
        const Error error = makeError(ErrorCategory::Io, message, QStringLiteral("detail"), 5);
        const Error joined = error.prefixed(context);
        QCOMPARE(joined.message, expected);
        QCOMPARE(joined.detail, QStringLiteral("detail"));
        QCOMPARE(joined.code, 5);
        QCOMPARE(error.prefixed(QStringLiteral("outer")).prefixed(QStringLiteral("outermost: ")).message.count(QStringLiteral(": :")), 0);
    }

    void elideMiddle_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("max");
        QTest::addColumn<QString>("expected");
        QTest::newRow("short") << "apps/web" << 10 << "apps/web";
        QTest::newRow("exactly the cap") << "0123456789" << 10 << "0123456789";
        QTest::newRow("long") << "0123456789abcdefghij" << 10 << "01234… (10 more characters) …fghij";
        // A character outside the BMP is a surrogate pair: never cut in two.
        QTest::newRow("surrogate at the head's end") << QStringLiteral("abcd\U0001F600") + QString(20, QLatin1Char('x')) << 10
                                                     << QStringLiteral("abcd… (17 more characters) …xxxxx");
        QTest::newRow("surrogate at the tail's start") << QString(20, QLatin1Char('x')) + QStringLiteral("\U0001F600wxyz") << 10
                                                       << QStringLiteral("xxxxx… (17 more characters) …wxyz");
    }
    void elideMiddle()
    {
        QFETCH(QString, text);
        QFETCH(int, max);
        QFETCH(QString, expected);
        QCOMPARE(sluice::elideMiddle(text, max), expected);
    }

    void elideList()
    {
        QStringList names;
        for (int i = 0; i < 100000; ++i)
            names << QStringLiteral("app-%1").arg(i);
        QCOMPARE(sluice::elideList(names.mid(0, 3)), QStringLiteral("app-0, app-1, app-2"));
        QCOMPARE(sluice::elideList(names.mid(0, kMaxQuotedItems)).count(QLatin1Char(',')), kMaxQuotedItems - 1);
        QCOMPARE(sluice::elideList(names, 3), QStringLiteral("app-0, app-1, app-2, … (99997 more)"));
        const QString longName(1000000, QLatin1Char('n'));
        QVERIFY(sluice::elideList({longName, longName}).size() < 3 * kMaxQuotedChars);
        QCOMPARE(sluice::elideList({}), QString());
    }

    void errorsAreCapped()
    {
        // Whatever a call site quoted, an error stays readable (a 100 MB path once made 104 MB of
        // stderr).
        const QString path(10000000, QLatin1Char('p'));
        const Error error = makeError(ErrorCategory::Git, QStringLiteral("path %1 does not exist").arg(path), path);
        QVERIFY(error.message.size() < kMaxMessageChars + 100);
        QVERIFY(error.message.startsWith(QStringLiteral("path ppp")));
        QVERIFY(error.message.endsWith(QStringLiteral("ppp does not exist")));
        QVERIFY(error.detail.size() < kMaxDetailChars + 100);
        QVERIFY(error.prefixed(path).message.size() < kMaxMessageChars + 100);
    }
};

QTEST_GUILESS_MAIN(TestResult)
#include "tst_result.moc"
