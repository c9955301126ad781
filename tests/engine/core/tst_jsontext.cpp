// json::compact writes the same bytes as QJsonDocument::toJson(Compact): scalars at the edges of
// what a double and a qint64 hold, every kind of character a string may carry, nesting, and the
// JSON files the tests keep.

#include "core/JsonText.h"

#include <QDirIterator>
#include <QJsonDocument>
#include <QTest>

#include <cmath>
#include <limits>

using namespace sluice;

class TestJsonText : public QObject
{
    Q_OBJECT

    static QByteArray qtCompact(const QJsonObject &object) { return QJsonDocument(object).toJson(QJsonDocument::Compact); }

private slots:
    void sameBytesAsQt_data()
    {
        QTest::addColumn<QJsonValue>("value");
        const qint64 big = (qint64(1) << 53) + 1;
        QTest::newRow("true") << QJsonValue(true);
        QTest::newRow("false") << QJsonValue(false);
        QTest::newRow("null") << QJsonValue(QJsonValue::Null);
        QTest::newRow("zero") << QJsonValue(0);
        QTest::newRow("negative") << QJsonValue(-17);
        QTest::newRow("2^53") << QJsonValue(double(qint64(1) << 53));
        QTest::newRow("2^53 + 1, an integer") << QJsonValue(big);
        QTest::newRow("-(2^53 + 1), an integer") << QJsonValue(-big);
        QTest::newRow("qint64 max") << QJsonValue(std::numeric_limits<qint64>::max());
        QTest::newRow("qint64 min") << QJsonValue(std::numeric_limits<qint64>::min());
        QTest::newRow("1e20, a double") << QJsonValue(1e20);
        QTest::newRow("-1e300") << QJsonValue(-1e300);
        QTest::newRow("0.1") << QJsonValue(0.1);
        QTest::newRow("-0.0") << QJsonValue(-0.0);
        QTest::newRow("1.5e-7") << QJsonValue(1.5e-7);
        QTest::newRow("2.5") << QJsonValue(2.5);
        QTest::newRow("1/3") << QJsonValue(1.0 / 3);
        QTest::newRow("infinity") << QJsonValue(std::numeric_limits<double>::infinity());
        QTest::newRow("NaN") << QJsonValue(std::nan(""));
        QTest::newRow("empty string") << QJsonValue(QString());
        QTest::newRow("escapes") << QJsonValue(QStringLiteral("a\"b\\c/d\be\ff\ng\rh\ti"));
        QString controls;
        for (char16_t c = 0; c < 0x20; ++c)
            controls += QChar(c);
        controls += QChar(0x7f);
        QTest::newRow("control characters") << QJsonValue(controls);
        QTest::newRow("two-byte UTF-8") << QJsonValue(QStringLiteral("Zürich ß é"));
        QTest::newRow("three-byte UTF-8") << QJsonValue(QStringLiteral("東京 € \u2028"));
        QTest::newRow("four-byte UTF-8") << QJsonValue(QString::fromUtf8("\xF0\x9F\x9A\x80 rocket"));
        QTest::newRow("empty object") << QJsonValue(QJsonObject());
        QTest::newRow("empty array") << QJsonValue(QJsonArray());
        QTest::newRow("nested") << QJsonValue(QJsonObject{
            {"metadata", QJsonObject{{"name", "web"}, {"labels", QJsonObject{{"a\"b", "c"}}}}},
            {"spec", QJsonObject{{"replicas", 3}, {"ports", QJsonArray{QJsonObject{{"port", 80}}, 443, QJsonArray{}, QJsonValue::Null}}}},
            {"ratio", 0.25}});
    }
    void sameBytesAsQt()
    {
        QFETCH(QJsonValue, value);
        const QJsonObject object{{QStringLiteral("v"), value}, {QStringLiteral("list"), QJsonArray{value, value}}};
        QCOMPARE(json::compact(object), qtCompact(object));
        const QJsonArray array{value};
        QCOMPARE(json::compact(array), QJsonDocument(array).toJson(QJsonDocument::Compact));
    }

    // Plain ASCII is written four units at a time up to the first unit that is not: every kind
    // of unit, at every offset around those blocks, in strings of every length around them.
    void everyKindOfUnitAtEveryOffset()
    {
        const QString kinds[] = {QStringLiteral("\""), QStringLiteral("\\"), QStringLiteral("\n"), QString(QChar(0x1F)), QString(QChar(0x7F)),
                                 QStringLiteral(" "), QStringLiteral("~"), QStringLiteral("é"), QStringLiteral("€"), QString(QChar(0x100)),
                                 QString::fromUtf8("\xF0\x9F\x9A\x80")};
        for (const QString &kind : kinds) {
            for (int before = 0; before < 10; ++before) {
                for (int after = 0; after < 6; ++after) {
                    const QString text = QString(before, QLatin1Char('a')) + kind + QString(after, QLatin1Char('z'));
                    const QJsonObject object{{text, text}};
                    QCOMPARE(json::compact(object), qtCompact(object));
                }
            }
        }
    }

    // UTF-8 text is written as Qt writes the string it decodes to: every kind of unit at every
    // offset around the eight-byte ASCII check, and bytes that are not UTF-8 (U+FFFD each).
    void utf8TextAsQtWritesItsString()
    {
        const QByteArray kinds[] = {"\"", "\\", "\n", "\x1F", "\x7F", " ", "~", "é", "€", "\xF0\x9F\x9A\x80", "\xFF", "\xC3"};
        for (const QByteArray &kind : kinds) {
            for (int before = 0; before < 18; ++before) {
                for (int after = 0; after < 10; ++after) {
                    const QByteArray utf8 = QByteArray(before, 'a') + kind + QByteArray(after, 'z');
                    QByteArray written("x");
                    json::appendUtf8String(utf8, written);
                    const QByteArray qt = QJsonDocument(QJsonArray{QString::fromUtf8(utf8)}).toJson(QJsonDocument::Compact);
                    QCOMPARE(written, "x" + qt.mid(1, qt.size() - 2));
                }
            }
        }
    }

    // A lone surrogate cannot be UTF-8: it is written as U+FFFD, and the text stays valid JSON.
    void loneSurrogate()
    {
        const QJsonObject object{{QStringLiteral("s"), QString(QChar(0xD800)) + QLatin1Char('x')}};
        const QByteArray text = json::compact(object);
        QCOMPARE(text, QByteArray("{\"s\":\"\xEF\xBF\xBDx\"}"));
        QJsonParseError error;
        QJsonDocument::fromJson(text, &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
    }

    // Every JSON file the tests keep (live objects, health cases, API answers).
    void testDataFiles()
    {
        int compared = 0;
        QDirIterator files(QStringLiteral(SLUICE_TEST_DATA), {QStringLiteral("*.json")}, QDir::Files, QDirIterator::Subdirectories);
        while (files.hasNext()) {
            QFile file(files.next());
            QVERIFY(file.open(QIODevice::ReadOnly));
            const QJsonDocument document = QJsonDocument::fromJson(file.readAll());
            if (document.isObject()) {
                QVERIFY2(json::compact(document.object()) == qtCompact(document.object()), qPrintable(file.fileName()));
                ++compared;
            } else if (document.isArray()) {
                QVERIFY2(json::compact(document.array()) == document.toJson(QJsonDocument::Compact), qPrintable(file.fileName()));
                ++compared;
            }
        }
        QVERIFY2(compared >= 10, qPrintable(QString::number(compared)));
    }
};

QTEST_GUILESS_MAIN(TestJsonText)
#include "tst_jsontext.moc"
