// ResourceStatusModel: objects with sync, health and the rule that fired, flat or grouped, text
// filter, refreshes in place; 10,000 objects with refreshes arriving in batches, all under
// QAbstractItemModelTester.

#include "ResourceStatusModel.h"
#include "sync/Plan.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using namespace sluice;
using namespace sluice::sync;

namespace {

ResourceState resource(const QString &key, SyncState sync, HealthState health, const QString &message)
{
    ResourceState r;
    r.key = *parseResourceKey(key);
    r.sync = sync;
    r.health = {health, message};
    r.reason = sync == SyncState::OutOfSync ? QStringLiteral("differs in 1 field") : QString();
    return r;
}

QList<ResourceState> small()
{
    return {resource("apps/Deployment/shop/web", SyncState::Synced, HealthState::Progressing, "2/3 new replicas updated"),
            resource("/ConfigMap/shop/web", SyncState::OutOfSync, HealthState::None, "no health rule for ConfigMap"),
            resource("/Namespace//shop", SyncState::Synced, HealthState::Healthy, "active")};
}

QList<ResourceState> many(int count, HealthState health)
{
    QList<ResourceState> out;
    for (int i = 0; i < count; ++i)
        out << resource(QStringLiteral("apps/Deployment/ns-%1/app-%2").arg(i % 10).arg(i, 5, 10, QLatin1Char('0')), SyncState::Synced, health,
                        health == HealthState::Healthy ? QStringLiteral("2/2 replicas available") : QStringLiteral("0/2 new replicas updated"));
    return out;
}

} // namespace

class TestResourceStatusModel : public QObject
{
    Q_OBJECT

private slots:
    void flatGroupedAndFiltered()
    {
        ResourceStatusModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setResources(small());
        QCOMPARE(model.rowCount(), 3);
        const QModelIndex web = model.index(0, 0);
        QCOMPARE(web.data().toString(), QStringLiteral("web \u00b7 Deployment.apps \u00b7 shop")); // name first
        QCOMPARE(model.index(0, ResourceStatusModel::HealthColumn).data().toString(), QStringLiteral("Progressing"));
        QCOMPARE(model.index(0, ResourceStatusModel::MessageColumn).data().toString(), QStringLiteral("2/3 new replicas updated"));
        QCOMPARE(model.index(1, ResourceStatusModel::HealthColumn).data().toString(), QString()); // no rule: no health shown
        QCOMPARE(model.index(1, ResourceStatusModel::MessageColumn).data().toString(), QStringLiteral("differs in 1 field"));
        QCOMPARE(web.data(ResourceStatusModel::KeyRole).toString(), QStringLiteral("apps/Deployment/shop/web"));

        model.setGrouping(ResourceStatusModel::Grouping::Kind);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.index(0, 0).data().toString(), QStringLiteral("ConfigMap (1)"));
        QVERIFY(!(model.flags(model.index(0, 0)) & Qt::ItemIsSelectable));
        QCOMPARE(model.index(1, 0).data().toString(), QStringLiteral("Deployment.apps (1)"));
        QCOMPARE(model.index(0, 0, model.index(1, 0)).data().toString(), QStringLiteral("web \u00b7 shop"));
        model.setGrouping(ResourceStatusModel::Grouping::Namespace);
        QCOMPARE(model.index(0, 0).data().toString(), QStringLiteral("(cluster-scoped) (1)"));
        QCOMPARE(model.index(1, 0).data().toString(), QStringLiteral("shop (2)"));

        model.setFilterText(QStringLiteral("outofsync"));
        QCOMPARE(model.visibleCount(), 1);
        model.setFilterText(QStringLiteral("replicas"));
        QCOMPARE(model.visibleCount(), 1);
        model.setFilterText({});
        QCOMPARE(model.visibleCount(), 3);
    }

    void refreshKeepsRows()
    {
        ResourceStatusModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setResources(small());
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QList<ResourceState> next = small();
        next[0].health = {HealthState::Healthy, QStringLiteral("3/3 replicas available")};
        model.setResources(next);
        QCOMPARE(resets.size(), 0);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(model.index(0, ResourceStatusModel::HealthColumn).data().toString(), QStringLiteral("Healthy"));
        next.removeLast(); // different objects: a reset
        model.setResources(next);
        QCOMPARE(resets.size(), 1);
        QCOMPARE(model.rowCount(), 2);
    }

    void tenThousandWithBatchedRefreshes()
    {
        ResourceStatusModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Warning);
        QElapsedTimer clock;
        clock.start();
        QList<ResourceState> resources = many(10000, HealthState::Progressing);
        model.setResources(resources);
        QCOMPARE(model.rowCount(), 10000);
        model.setGrouping(ResourceStatusModel::Grouping::Namespace);
        QCOMPARE(model.rowCount(), 10);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        // Objects become Healthy in batches of 1,000, as rollouts finish.
        for (int batch = 0; batch < 10; ++batch) {
            for (int i = batch * 1000; i < (batch + 1) * 1000; ++i)
                resources[i].health = {HealthState::Healthy, QStringLiteral("2/2 replicas available")};
            model.setResources(resources);
        }
        QCOMPARE(resets.size(), 0);
        int healthy = 0;
        for (int g = 0; g < model.rowCount(); ++g) {
            const QModelIndex group = model.index(g, 0);
            for (int r = 0; r < model.rowCount(group); ++r)
                healthy += model.index(r, ResourceStatusModel::HealthColumn, group).data().toString() == QLatin1String("Healthy");
        }
        QCOMPARE(healthy, 10000);
        qInfo("10,000 objects, grouping and 10 refreshes: %lld ms", clock.elapsed());
    }
};

QTEST_GUILESS_MAIN(TestResourceStatusModel)
#include "tst_resourcestatusmodel.moc"
