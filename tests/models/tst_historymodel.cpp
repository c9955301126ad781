// HistoryModel: entries newest first with revision summaries, results with counts, which
// entries can be rolled back to; QAbstractItemModelTester throughout.

#include "HistoryModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace sluice;
using namespace sluice::sync;

namespace {

HistoryEntry entry(int id, const QString &action, const QString &revision, const QString &result)
{
    HistoryEntry e;
    e.id = id;
    e.action = action;
    e.revision = revision;
    e.ref = QStringLiteral("main");
    e.result = result;
    e.who = QStringLiteral("alex@ws");
    e.time = QDateTime(QDate(2026, 11, 30), QTime(14, 2), Qt::UTC);
    e.applied = 4;
    e.message = result == QLatin1String("Partial") ? QStringLiteral("ConfigMap shop/x: invalid") : QString();
    return e;
}

} // namespace

class TestHistoryModel : public QObject
{
    Q_OBJECT

private slots:
    void entriesAndTexts()
    {
        HistoryModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        History history;
        const QString a(40, QLatin1Char('a'));
        const QString b(40, QLatin1Char('b'));
        history.entries = {entry(4, "release", a, "Succeeded"), entry(3, "rollback", a, "Succeeded"), entry(2, "sync", b, "Partial"),
                           entry(1, "sync", a, "Succeeded")};
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        model.setHistory(history, {{a, QStringLiteral("web: scale prod to 4 replicas")}});
        QCOMPARE(resets.size(), 1);
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.index(0, HistoryModel::IdColumn).data().toString(), QStringLiteral("#4"));
        QCOMPARE(model.index(1, HistoryModel::RevisionColumn).data().toString(), QStringLiteral("aaaaaaa web: scale prod to 4 replicas"));
        QCOMPARE(model.index(2, HistoryModel::RevisionColumn).data().toString(), QStringLiteral("bbbbbbb")); // no summary known
        QCOMPARE(model.index(1, HistoryModel::RevisionColumn).data(Qt::ToolTipRole).toString(), a + QStringLiteral(" (from main)"));
        QCOMPARE(model.index(2, HistoryModel::ResultColumn).data().toString(), QStringLiteral("Partial (4 applied, 0 pruned, 0 failed)"));
        QCOMPARE(model.index(2, HistoryModel::ResultColumn).data(Qt::ToolTipRole).toString(), QStringLiteral("ConfigMap shop/x: invalid"));
        QCOMPARE(model.index(0, HistoryModel::ResultColumn).data().toString(), QStringLiteral("Succeeded")); // release: no counts
        QCOMPARE(model.index(0, HistoryModel::WhoColumn).data().toString(), QStringLiteral("alex@ws"));
        // Only successful deployments are somewhere to roll back to.
        QList<bool> canRollBack;
        for (int row = 0; row < model.rowCount(); ++row)
            canRollBack << model.index(row, 0).data(HistoryModel::CanRollBackRole).toBool();
        QCOMPARE(canRollBack, (QList<bool>{false, true, false, true}));
        QCOMPARE(model.index(3, 0).data(HistoryModel::EntryIdRole).toInt(), 1);
        QCOMPARE(model.entry(3)->revision, a);
        QVERIFY(!model.entry(4));
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestHistoryModel)
#include "tst_historymodel.moc"
