// SyncPlanModel: steps in plan order with checkboxes only where a step can be left out, the
// selection as keys, outcomes after applying; every test runs QAbstractItemModelTester.

#include "SyncPlanModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace sluice;
using namespace sluice::sync;

namespace {

ResourceState state(const QString &key, Action action, const QStringList &takeovers = {})
{
    ResourceState s;
    s.key = *parseResourceKey(key);
    s.action = action;
    s.sync = action == Action::Unchanged ? SyncState::Synced : SyncState::OutOfSync;
    s.reason = action == Action::Create ? QStringLiteral("missing") : QString();
    s.takeovers = takeovers;
    if (action != Action::Prune)
        s.applyBody = QJsonObject{{QStringLiteral("kind"), s.key.kind}};
    return s;
}

SyncPlan plan(bool prune)
{
    LiveComparison c;
    c.resources = {state("/ConfigMap/shop/web", Action::Update, {QStringLiteral("takes .data.LOG_LEVEL from kubectl-patch")}),
                   state("apps/Deployment/shop/web", Action::Create), state("/Secret/shop/db", Action::Unchanged),
                   state("/ConfigMap/shop/old", Action::Prune)};
    return buildPlan(c, {prune, {}});
}

} // namespace

class TestSyncPlanModel : public QObject
{
    Q_OBJECT

private slots:
    void rowsCheckboxesAndTexts()
    {
        SyncPlanModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setPlan(plan(false));
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.columnCount(), int(SyncPlanModel::ColumnCount));
        QStringList objects;
        for (int row = 0; row < model.rowCount(); ++row)
            objects << model.index(row, SyncPlanModel::ObjectColumn).data().toString();
        QCOMPARE(objects, (QStringList{"Secret shop/db", "ConfigMap shop/web", "Deployment.apps shop/web", "ConfigMap shop/old"}));
        // Unchanged steps and prunes while prune is off have no checkbox.
        QVERIFY(!model.index(0, 0).data(Qt::CheckStateRole).isValid());
        QVERIFY(!(model.flags(model.index(0, 0)) & Qt::ItemIsUserCheckable));
        QCOMPARE(model.index(1, 0).data(Qt::CheckStateRole).toInt(), int(Qt::Checked));
        QVERIFY(!model.index(3, 0).data(Qt::CheckStateRole).isValid());
        QCOMPARE(model.index(3, SyncPlanModel::ActionColumn).data().toString(), QStringLiteral("would prune (prune is off)"));
        QCOMPARE(model.index(1, SyncPlanModel::NotesColumn).data().toString(), QStringLiteral("takes .data.LOG_LEVEL from kubectl-patch"));
        QCOMPARE(model.index(2, SyncPlanModel::NotesColumn).data().toString(), QStringLiteral("missing"));
        QCOMPARE(model.index(2, 0).data(Qt::ToolTipRole).toString(), QStringLiteral("apps/Deployment/shop/web"));
        QCOMPARE(model.selectedCount(), 2);
    }

    void selectionAndResult()
    {
        SyncPlanModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setPlan(plan(true));
        QCOMPARE(model.selectedCount(), 3); // update, create, prune
        QSignalSpy selection(&model, &SyncPlanModel::selectionChanged);
        QVERIFY(model.setData(model.index(2, 0), Qt::Unchecked, Qt::CheckStateRole));
        QVERIFY(!model.setData(model.index(0, 0), Qt::Unchecked, Qt::CheckStateRole)); // unchanged: nothing to leave out
        QCOMPARE(selection.size(), 1);
        QCOMPARE(model.selectedKeys(), (QList<ResourceKey>{*parseResourceKey("/ConfigMap/shop/web"), *parseResourceKey("/ConfigMap/shop/old")}));
        model.setAllSelected(false);
        QCOMPARE(model.selectedCount(), 0);
        model.setAllSelected(true);
        QCOMPARE(model.selectedCount(), 3);

        SyncResult result;
        for (const PlanStep &step : model.plan().steps)
            result.steps.append({step.resource.key, step.resource.action, Outcome::Applied, {}, {HealthState::Healthy, {}}});
        result.steps[2].outcome = Outcome::Failed;
        result.steps[2].message = QStringLiteral("Deployment.apps \"web\" is invalid");
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setResult(result);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(model.index(1, SyncPlanModel::OutcomeColumn).data().toString(), QStringLiteral("applied \u00b7 Healthy"));
        QCOMPARE(model.index(2, SyncPlanModel::OutcomeColumn).data().toString(), QStringLiteral("failed: Deployment.apps \"web\" is invalid"));
        model.clearResult();
        QCOMPARE(model.index(1, SyncPlanModel::OutcomeColumn).data().toString(), QString());
        // A result of another plan is ignored.
        result.steps.removeLast();
        model.setResult(result);
        QCOMPARE(model.index(1, SyncPlanModel::OutcomeColumn).data().toString(), QString());
    }

    void aNewPlanResets()
    {
        SyncPlanModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setPlan(plan(true));
        QVERIFY(model.setData(model.index(1, 0), Qt::Unchecked, Qt::CheckStateRole));
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        model.setPlan(plan(true));
        QCOMPARE(resets.size(), 1);
        QCOMPARE(model.selectedCount(), 3);
        model.setPlan({});
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestSyncPlanModel)
#include "tst_syncplanmodel.moc"
