// ActivityLogModel: entries appended by begin(), finished in place, durations, the failed signal.

#include "ActivityLogModel.h"

#include <QAbstractItemModelTester>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

using namespace sluice;

using State = ActivityLogModel::State;
Q_DECLARE_METATYPE(sluice::ActivityLogModel::State)

namespace {

QString cell(const ActivityLogModel &model, int row, int column, int role = Qt::DisplayRole)
{
    return model.data(model.index(row, column), role).toString();
}

} // namespace

class TestActivityLogModel : public QObject
{
    Q_OBJECT

private slots:
    void beginAppendsARunningRow()
    {
        ActivityLogModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);

        const int fetch = model.begin(QStringLiteral("fetch origin"));
        const int render = model.begin(QStringLiteral("render web"));
        QVERIFY(fetch != render);

        QCOMPARE(inserted.size(), 2);
        QCOMPARE(inserted.at(1).at(1).toInt(), 1);
        QCOMPARE(inserted.at(1).at(2).toInt(), 1);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.columnCount(), int(ActivityLogModel::ColumnCount));

        QCOMPARE(cell(model, 1, ActivityLogModel::ActivityColumn), QStringLiteral("render web"));
        QCOMPARE(cell(model, 1, ActivityLogModel::DurationColumn), QStringLiteral("\u2026"));
        QCOMPARE(cell(model, 1, ActivityLogModel::StateColumn), QStringLiteral("running"));
        QVERIFY(QRegularExpression(QStringLiteral("^\\d\\d:\\d\\d:\\d\\d$"))
                    .match(cell(model, 1, ActivityLogModel::TimeColumn)).hasMatch());
        QCOMPARE(model.data(model.index(1, 0), ActivityLogModel::IdRole).toInt(), render);
        QCOMPARE(model.data(model.index(1, 0), ActivityLogModel::StateRole).toInt(), int(State::Running));
        QCOMPARE(cell(model, 1, 0, ActivityLogModel::DetailRole), QString());
        QVERIFY(!model.data(model.index(1, 0), Qt::ToolTipRole).isValid());
    }

    void finish_data()
    {
        QTest::addColumn<State>("state");
        QTest::addColumn<QString>("detail");
        QTest::addColumn<QString>("stateText");
        QTest::addColumn<bool>("failedEmitted");

        struct Row { const char *tag; State state; const char *detail; const char *stateText; bool failed; };
        const Row rows[] = {
            {"succeeded", State::Succeeded, "", "done", false},
            {"failed", State::Failed, "fetch of origin failed: authentication required", "failed", true},
            {"failed without detail", State::Failed, "", "failed", true},
            {"cancelled", State::Cancelled, "", "cancelled", false},
        };
        for (const Row &r : rows)
            QTest::newRow(r.tag) << r.state << QString::fromUtf8(r.detail) << QString::fromUtf8(r.stateText) << r.failed;
    }

    void finish()
    {
        QFETCH(State, state);
        QFETCH(QString, detail);
        QFETCH(QString, stateText);
        QFETCH(bool, failedEmitted);

        ActivityLogModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.begin(QStringLiteral("fetch origin"));
        const int id = model.begin(QStringLiteral("review web"));
        model.begin(QStringLiteral("render api"));

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy failed(&model, &ActivityLogModel::failed);
        QSignalSpy succeeded(&model, &ActivityLogModel::succeeded);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        model.finish(id, state, detail);

        QCOMPARE(inserted.size(), 0);
        QCOMPARE(changed.size(), 1);
        const QModelIndex topLeft = changed.at(0).at(0).value<QModelIndex>();
        const QModelIndex bottomRight = changed.at(0).at(1).value<QModelIndex>();
        QCOMPARE(topLeft.row(), 1);
        QCOMPARE(bottomRight.row(), 1);
        QCOMPARE(topLeft.column(), 0);
        QCOMPARE(bottomRight.column(), ActivityLogModel::ColumnCount - 1);

        QCOMPARE(cell(model, 1, ActivityLogModel::StateColumn), stateText);
        QCOMPARE(model.data(model.index(1, 0), ActivityLogModel::StateRole).toInt(), int(state));
        QCOMPARE(cell(model, 1, 0, ActivityLogModel::DetailRole), detail);
        QCOMPARE(model.data(model.index(1, ActivityLogModel::ActivityColumn), Qt::ToolTipRole).isValid(),
                 !detail.isEmpty());
        // Finished immediately: milliseconds (or seconds on a very loaded machine), never "…".
        QVERIFY2(QRegularExpression(QStringLiteral("^(\\d+ ms|\\d+\\.\\d s)$"))
                     .match(cell(model, 1, ActivityLogModel::DurationColumn)).hasMatch(),
                 qPrintable(cell(model, 1, ActivityLogModel::DurationColumn)));
        // Neighbours still running.
        QCOMPARE(cell(model, 0, ActivityLogModel::StateColumn), QStringLiteral("running"));
        QCOMPARE(cell(model, 2, ActivityLogModel::DurationColumn), QStringLiteral("\u2026"));

        QCOMPARE(failed.size(), failedEmitted ? 1 : 0);
        if (failedEmitted) {
            QCOMPARE(failed.at(0).at(0).toString(), QStringLiteral("review web"));
            QCOMPARE(failed.at(0).at(1).toString(), detail);
            QCOMPARE(failed.at(0).at(2).toString(), QStringLiteral("review web")); // no work given: its text
        }
        QCOMPARE(succeeded.size(), state == State::Succeeded ? 1 : 0);
        if (!succeeded.isEmpty())
            QCOMPARE(succeeded.at(0).at(0).toString(), QStringLiteral("review web"));
    }

    // Entries of one work (a tab's review, whatever revisions) name it in both signals.
    void workIsNamedInTheSignals()
    {
        ActivityLogModel model;
        QSignalSpy failed(&model, &ActivityLogModel::failed);
        QSignalSpy succeeded(&model, &ActivityLogModel::succeeded);
        model.finish(model.begin(QStringLiteral("Review of web: a \u2192 b"), QStringLiteral("review")), State::Failed, QStringLiteral("why"));
        model.finish(model.begin(QStringLiteral("Review of web: c \u2192 d"), QStringLiteral("review")), State::Succeeded);
        QCOMPARE(failed.size(), 1);
        QCOMPARE(failed.at(0).at(2).toString(), QStringLiteral("review"));
        QCOMPARE(succeeded.size(), 1);
        QCOMPARE(succeeded.at(0).at(0).toString(), QStringLiteral("Review of web: c \u2192 d"));
        QCOMPARE(succeeded.at(0).at(1).toString(), QStringLiteral("review"));
    }

    void finishIsIgnored_data()
    {
        QTest::addColumn<QString>("case_");
        QTest::newRow("twice") << QStringLiteral("twice");
        QTest::newRow("unknown id") << QStringLiteral("unknown id");
        QTest::newRow("after clear") << QStringLiteral("after clear");
        QTest::newRow("to running") << QStringLiteral("to running");
    }

    void finishIsIgnored()
    {
        QFETCH(QString, case_);

        ActivityLogModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        const int id = model.begin(QStringLiteral("fetch origin"));
        if (case_ == QLatin1String("twice"))
            model.finish(id, State::Succeeded);

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy failed(&model, &ActivityLogModel::failed);
        if (case_ == QLatin1String("twice"))
            model.finish(id, State::Failed, QStringLiteral("late"));
        else if (case_ == QLatin1String("unknown id"))
            model.finish(id + 100, State::Failed, QStringLiteral("nobody"));
        else if (case_ == QLatin1String("after clear")) {
            model.clear();
            model.finish(id, State::Failed, QStringLiteral("gone"));
        } else if (case_ == QLatin1String("to running"))
            model.finish(id, State::Running);

        QCOMPARE(changed.size(), 0);
        QCOMPARE(failed.size(), 0);
    }

    void formatDuration_data()
    {
        QTest::addColumn<qint64>("ms");
        QTest::addColumn<QString>("text");

        struct Row { qint64 ms; const char *text; };
        const Row rows[] = {
            {-1, "\u2026"}, {0, "0 ms"}, {85, "85 ms"}, {999, "999 ms"}, {1000, "1.0 s"},
            {1234, "1.2 s"}, {1250, "1.3 s"} /* half rounds up */, {1260, "1.3 s"}, {59900, "59.9 s"}, {125000, "125.0 s"},
        };
        for (const Row &r : rows)
            QTest::addRow("%lld", r.ms) << r.ms << QString::fromUtf8(r.text);
    }

    void formatDuration()
    {
        QFETCH(qint64, ms);
        QFETCH(QString, text);

        ActivityLogModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        QCOMPARE(ActivityLogModel::formatDuration(ms), text);
    }

    void clearResets()
    {
        ActivityLogModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        const int first = model.begin(QStringLiteral("a"));
        model.begin(QStringLiteral("b"));
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        model.clear();
        QCOMPARE(resets.size(), 1);
        QCOMPARE(model.rowCount(), 0);
        // Ids are not reused, so a late finish() of a cleared entry cannot hit a new one.
        const int next = model.begin(QStringLiteral("c"));
        QVERIFY(next != first);
        QCOMPARE(model.rowCount(), 1);
    }

    void headers()
    {
        ActivityLogModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        QStringList titles;
        for (int column = 0; column < model.columnCount(); ++column)
            titles << model.headerData(column, Qt::Horizontal).toString();
        QCOMPARE(titles, (QStringList{"Time", "Activity", "Duration", "State"}));
    }
};

QTEST_GUILESS_MAIN(TestActivityLogModel)
#include "tst_activitylogmodel.moc"
