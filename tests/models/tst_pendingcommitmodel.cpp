// PendingCommitModel: batched appends (100,000 rows), relative dates, changed keys.

#include "PendingCommitModel.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using namespace sluice;

namespace {

const QDateTime kNow(QDate(2026, 11, 26), QTime(12, 0), Qt::UTC);

// A synthetic commit: id is 40 hex digits derived from n, newest first (n = 0 is the newest).
git::CommitInfo syntheticCommit(int n)
{
    git::CommitInfo c;
    c.id = QStringLiteral("%1").arg(n, 40, 16, QLatin1Char('0'));
    c.author = QStringLiteral("Author %1").arg(n % 17);
    c.authorEmail = QStringLiteral("author%1@example.com").arg(n % 17);
    c.time = kNow.addSecs(-qint64(n) * 60);
    c.summary = QStringLiteral("Commit number %1").arg(n);
    c.parentIds = {QStringLiteral("%1").arg(n + 1, 40, 16, QLatin1Char('0'))};
    return c;
}

QList<git::CommitInfo> batch(int first, int count)
{
    QList<git::CommitInfo> commits;
    commits.reserve(count);
    for (int n = first; n < first + count; ++n)
        commits.append(syntheticCommit(n));
    return commits;
}

ResourceKey key(const QString &group, const QString &kind, const QString &ns, const QString &name)
{
    return ResourceKey{group, kind, ns, name};
}

} // namespace

class TestPendingCommitModel : public QObject
{
    Q_OBJECT

private slots:
    void appendBatches_data()
    {
        QTest::addColumn<int>("batches");
        QTest::addColumn<int>("batchSize");

        struct Row { const char *tag; int batches; int batchSize; };
        const Row rows[] = {
            {"one commit", 1, 1},
            {"one batch", 1, 2000},
            {"100,000 in 50 batches", 50, 2000},
        };
        for (const Row &r : rows)
            QTest::newRow(r.tag) << r.batches << r.batchSize;
    }

    void appendBatches()
    {
        QFETCH(int, batches);
        QFETCH(int, batchSize);

        PendingCommitModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setNow(kNow);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);

        // Build the batches first so that the timing covers the model only (and the tester).
        QList<QList<git::CommitInfo>> input;
        for (int b = 0; b < batches; ++b)
            input.append(batch(b * batchSize, batchSize));

        QElapsedTimer timer;
        timer.start();
        for (const QList<git::CommitInfo> &commits : std::as_const(input))
            model.appendCommits(commits);
        const qint64 appendMs = timer.elapsed();

        const int total = batches * batchSize;
        QCOMPARE(model.rowCount(), total);
        QCOMPARE(model.columnCount(), int(PendingCommitModel::ColumnCount));

        // One rowsInserted per batch, each covering exactly that batch.
        QCOMPARE(inserted.size(), batches);
        for (int b = 0; b < batches; ++b) {
            QCOMPARE(inserted.at(b).at(1).toInt(), b * batchSize);
            QCOMPARE(inserted.at(b).at(2).toInt(), (b + 1) * batchSize - 1);
        }

        // Spot rows: first, last, and around batch boundaries.
        const QList<int> spots{0, batchSize - 1, batchSize, total / 2, total - 1};
        for (int row : spots) {
            if (row >= total)
                continue;
            const git::CommitInfo expected = syntheticCommit(row);
            QCOMPARE(model.data(model.index(row, PendingCommitModel::ShaColumn)).toString(), expected.id.left(7));
            QCOMPARE(model.data(model.index(row, PendingCommitModel::AuthorColumn)).toString(), expected.author);
            QCOMPARE(model.data(model.index(row, PendingCommitModel::SummaryColumn)).toString(), expected.summary);
            QCOMPARE(model.data(model.index(row, 0), PendingCommitModel::CommitIdRole).toString(), expected.id);
            QCOMPARE(model.data(model.index(row, 0), PendingCommitModel::ParentIdRole).toString(),
                     expected.parentIds.constFirst());
            QCOMPARE(model.data(model.index(row, 0), PendingCommitModel::TimeRole).toDateTime(), expected.time);
            QCOMPARE(model.rowOf(expected.id), row);
            QVERIFY(model.commit(row));
            QCOMPARE(model.commit(row)->id, expected.id);
        }
        QCOMPARE(model.rowOf(syntheticCommit(total).id), -1);
        QCOMPARE(model.commit(total), nullptr);
        QCOMPARE(model.commit(-1), nullptr);

        // What a view does on scrolling: every cell of every row once.
        timer.restart();
        qsizetype chars = 0;
        for (int row = 0; row < model.rowCount(); ++row) {
            for (int column = 0; column < PendingCommitModel::ColumnCount; ++column)
                chars += model.data(model.index(row, column)).toString().size();
        }
        const qint64 readMs = timer.elapsed();
        QVERIFY(chars > 0);

        // Reported, not asserted: machines differ.
        qInfo("%d rows: appended in %lld ms (with the model tester), all cells read in %lld ms",
              total, appendMs, readMs);
    }

    void emptyBatchInsertsNothing()
    {
        PendingCommitModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsAboutToBeInserted);
        model.appendCommits({});
        QCOMPARE(inserted.size(), 0);
        QCOMPARE(model.rowCount(), 0);
    }

    void relativeTime_data()
    {
        QTest::addColumn<qint64>("ageSecs");
        QTest::addColumn<QString>("expected");

        constexpr qint64 minute = 60, hour = 60 * minute, day = 24 * hour;
        struct Row { const char *tag; qint64 age; const char *expected; };
        const Row rows[] = {
            {"now", 0, "just now"},
            {"future (clock skew)", -5 * minute, "just now"},
            {"59 s", 59, "just now"},
            {"1 minute", minute, "1 minute ago"},
            {"5 minutes", 5 * minute + 30, "5 minutes ago"},
            {"59 minutes", 59 * minute + 59, "59 minutes ago"},
            {"1 hour", hour, "1 hour ago"},
            {"3 hours", 3 * hour + 20 * minute, "3 hours ago"},
            {"23 hours", 23 * hour + 59 * minute, "23 hours ago"},
            {"24 hours", day, "yesterday"},
            {"47 hours", 2 * day - 1, "yesterday"},
            {"2 days", 2 * day, "2 days ago"},
            {"4 days", 4 * day + 3 * hour, "4 days ago"},
            {"6 days", 7 * day - 1, "6 days ago"},
            {"a week: date", 7 * day, nullptr},
            {"months: date", 300 * day, nullptr},
        };
        for (const Row &r : rows) {
            // Dates are shown in local time, so the expectation is computed the same way.
            const QString expected = r.expected ? QString::fromUtf8(r.expected)
                                                : kNow.addSecs(-r.age).toLocalTime().date().toString(Qt::ISODate);
            QTest::newRow(r.tag) << r.age << expected;
        }
    }

    void relativeTime()
    {
        QFETCH(qint64, ageSecs);
        QFETCH(QString, expected);

        PendingCommitModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        const QDateTime time = kNow.addSecs(-ageSecs);
        QCOMPARE(PendingCommitModel::relativeTime(time, kNow), expected);

        // The same through the model's Date column, with the injected "now".
        git::CommitInfo c = syntheticCommit(0);
        c.time = time;
        model.appendCommits({c});
        model.setNow(kNow);
        QCOMPARE(model.data(model.index(0, PendingCommitModel::DateColumn)).toString(), expected);
    }

    void setChangedKeys_data()
    {
        QTest::addColumn<int>("commit"); // synthetic commit number (= its row)
        QTest::addColumn<int>("expectedRow");

        struct Row { const char *tag; int commit; int expectedRow; };
        const Row rows[] = {
            {"first row", 0, 0},
            {"middle row", 1234, 1234},
            {"last row", 2999, 2999},
            {"not loaded yet", 5000, -1},
        };
        for (const Row &r : rows)
            QTest::newRow(r.tag) << r.commit << r.expectedRow;
    }

    void setChangedKeys()
    {
        QFETCH(int, commit);
        QFETCH(int, expectedRow);

        PendingCommitModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.appendCommits(batch(0, 2000));
        model.appendCommits(batch(2000, 1000));

        const QString id = syntheticCommit(commit).id;
        const QList<ResourceKey> keys{key(QStringLiteral("apps"), QStringLiteral("Deployment"), QStringLiteral("shop"), QStringLiteral("web")),
                                      key(QString(), QStringLiteral("Namespace"), QString(), QStringLiteral("shop"))};
        const QStringList names{QStringLiteral("Deployment.apps shop/web"), QStringLiteral("Namespace shop")};

        if (expectedRow >= 0)
            QVERIFY(!model.data(model.index(expectedRow, 0), PendingCommitModel::ChangedKeysRole).isValid());

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setChangedKeys(id, keys);

        if (expectedRow < 0) {
            QCOMPARE(changed.size(), 0);
            // Kept for when the row arrives.
            model.appendCommits(batch(3000, 2001));
            QCOMPARE(model.data(model.index(model.rowOf(id), 0), PendingCommitModel::ChangedKeysRole).toStringList(), names);
            return;
        }

        QCOMPARE(changed.size(), 1);
        const QModelIndex topLeft = changed.at(0).at(0).value<QModelIndex>();
        const QModelIndex bottomRight = changed.at(0).at(1).value<QModelIndex>();
        QCOMPARE(topLeft.row(), expectedRow);
        QCOMPARE(bottomRight.row(), expectedRow);
        QCOMPARE(topLeft.column(), 0);
        QCOMPARE(bottomRight.column(), PendingCommitModel::ColumnCount - 1);
        const auto roles = changed.at(0).at(2).value<QList<int>>();
        QVERIFY(roles.contains(PendingCommitModel::ChangedKeysRole));

        QCOMPARE(model.data(model.index(expectedRow, 0), PendingCommitModel::ChangedKeysRole).toStringList(), names);
        QVERIFY(model.data(model.index(expectedRow, PendingCommitModel::SummaryColumn), Qt::ToolTipRole)
                    .toString().contains(names.constFirst()));
        QCOMPARE(model.data(model.index(expectedRow, PendingCommitModel::ObjectsColumn)).toString(),
                 names.isEmpty() ? QStringLiteral("none") : QString::number(names.size()));
        // Other rows untouched.
        const int other = expectedRow == 0 ? 1 : 0;
        QCOMPARE(model.data(model.index(other, PendingCommitModel::ObjectsColumn)).toString(), QString());
        QVERIFY(!model.data(model.index(other, 0), PendingCommitModel::ChangedKeysRole).isValid());
    }

    void clearResets()
    {
        PendingCommitModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.appendCommits(batch(0, 10));
        model.setChangedKeys(syntheticCommit(3).id, {});
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        model.clear();
        QCOMPARE(resets.size(), 1);
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.rowOf(syntheticCommit(3).id), -1);

        model.appendCommits(batch(0, 10));
        QVERIFY(!model.data(model.index(3, 0), PendingCommitModel::ChangedKeysRole).isValid());
    }

    void headers()
    {
        PendingCommitModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        QStringList titles;
        for (int column = 0; column < model.columnCount(); ++column)
            titles << model.headerData(column, Qt::Horizontal).toString();
        QCOMPARE(titles, (QStringList{"Commit", "Author", "Date", "Summary", "Objects"}));
    }
};

QTEST_GUILESS_MAIN(TestPendingCommitModel)
#include "tst_pendingcommitmodel.moc"
