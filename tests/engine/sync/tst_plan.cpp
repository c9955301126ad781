// Sync plans from comparisons: apply order (waves, Namespaces, CRDs, cluster-scoped, namespaced
// kinds by dependency, custom resources last), prunes last in reverse, selective sync, the
// summary with prunes first. Pure: no cluster.

#include "sync/Plan.h"

#include <QTest>

using namespace sluice;
using namespace sluice::sync;

namespace {

ResourceState state(const QString &text, Action action, int wave = 0)
{
    ResourceState s;
    s.key = *parseResourceKey(text);
    s.action = action;
    s.sync = action == Action::Unchanged ? SyncState::Synced : SyncState::OutOfSync;
    s.wave = wave;
    if (action != Action::Prune)
        s.applyBody = QJsonObject{{QStringLiteral("kind"), s.key.kind}};
    return s;
}

QStringList order(const SyncPlan &plan)
{
    QStringList keys;
    for (const PlanStep &step : plan.steps)
        keys << step.resource.key.toString();
    return keys;
}

} // namespace

class TestPlan : public QObject
{
    Q_OBJECT

private slots:
    void applyOrder()
    {
        LiveComparison c;
        c.resources = {state("apps/Deployment/shop/web", Action::Create), state("/ConfigMap/shop/web", Action::Update),
                       state("acme.io/Widget/shop/w", Action::Create), state("/Namespace//shop", Action::Create),
                       state("rbac.authorization.k8s.io/ClusterRole//reader", Action::Create),
                       state("apiextensions.k8s.io/CustomResourceDefinition//widgets.acme.io", Action::Create),
                       state("/Service/shop/web", Action::Create), state("/ServiceAccount/shop/web", Action::Create),
                       state("/Secret/shop/web", Action::Unchanged)};
        const SyncPlan plan = buildPlan(c, {});
        QCOMPARE(order(plan), (QStringList{"/Namespace//shop", "apiextensions.k8s.io/CustomResourceDefinition//widgets.acme.io",
                                           "rbac.authorization.k8s.io/ClusterRole//reader", "/ServiceAccount/shop/web",
                                           "/Secret/shop/web", "/ConfigMap/shop/web", "/Service/shop/web",
                                           "apps/Deployment/shop/web", "acme.io/Widget/shop/w"}));
        // Each kind is its own phase here, increasing.
        for (qsizetype i = 1; i < plan.steps.size(); ++i)
            QVERIFY(plan.steps.at(i).phase > plan.steps.at(i - 1).phase);
    }

    void wavesComeFirst()
    {
        LiveComparison c;
        c.resources = {state("/ConfigMap/shop/late", Action::Create, 5), state("apps/Deployment/shop/early", Action::Create, -1),
                       state("/ConfigMap/shop/a", Action::Create), state("/ConfigMap/shop/b", Action::Create)};
        const SyncPlan plan = buildPlan(c, {});
        QCOMPARE(order(plan), (QStringList{"apps/Deployment/shop/early", "/ConfigMap/shop/a", "/ConfigMap/shop/b", "/ConfigMap/shop/late"}));
        QCOMPARE(plan.steps.at(1).phase, plan.steps.at(2).phase); // same wave and kind: concurrent
        QVERIFY(plan.steps.at(3).phase > plan.steps.at(2).phase);
    }

    void prunesLastInReverse()
    {
        LiveComparison c;
        c.resources = {state("/Namespace//old", Action::Prune), state("apps/Deployment/old/web", Action::Prune),
                       state("/ConfigMap/old/web", Action::Prune), state("/ConfigMap/shop/new", Action::Create)};
        const SyncPlan pruning = buildPlan(c, {true, {}});
        QCOMPARE(order(pruning), (QStringList{"/ConfigMap/shop/new", "apps/Deployment/old/web", "/ConfigMap/old/web", "/Namespace//old"}));
        QCOMPARE(pruning.summary.prune, 3);
        QVERIFY(pruning.summary.text().startsWith(QLatin1String("prune 3, create 1")));

        const SyncPlan keeping = buildPlan(c, {false, {}});
        QCOMPARE(keeping.summary.prune, 0);
        QCOMPARE(keeping.summary.skippedPrunes, 3);
        QVERIFY(keeping.steps.last().skippedPrune);
        QVERIFY2(keeping.summary.text().contains(QLatin1String("3 would be pruned (prune is off)")), qPrintable(keeping.summary.text()));
    }

    void selectiveSync()
    {
        LiveComparison c;
        c.resources = {state("/ConfigMap/shop/a", Action::Create), state("/ConfigMap/shop/b", Action::Update),
                       state("/ConfigMap/shop/gone", Action::Prune)};
        const SyncPlan plan = buildPlan(c, {true, {*parseResourceKey(QStringLiteral("core/ConfigMap/shop/b"))}});
        QCOMPARE(plan.summary.update, 1);
        QCOMPARE(plan.summary.create, 0);
        QCOMPARE(plan.summary.prune, 0);
        QCOMPARE(plan.summary.notSelected, 2);
        QVERIFY(!plan.steps.at(0).selected);
        QVERIFY(plan.steps.at(1).selected);
        QVERIFY(plan.hasChanges());
    }

    void parseKeys_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("key"); // empty = error
        QTest::newRow("namespaced") << "apps/Deployment/shop/web" << "apps/Deployment/shop/web";
        QTest::newRow("core word") << "core/ConfigMap/shop/web" << "/ConfigMap/shop/web";
        QTest::newRow("core empty") << "/Secret/shop/db" << "/Secret/shop/db";
        QTest::newRow("cluster-scoped") << "/Namespace//shop" << "/Namespace//shop";
        QTest::newRow("too few parts") << "Deployment/web" << "";
        QTest::newRow("no name") << "apps/Deployment/shop/" << "";
        QTest::newRow("no kind") << "apps//shop/web" << "";
    }

    void parseKeys()
    {
        QFETCH(QString, text);
        QFETCH(QString, key);
        auto parsed = parseResourceKey(text);
        QCOMPARE(parsed.ok(), !key.isEmpty());
        if (parsed)
            QCOMPARE(parsed->toString(), key);
        else
            QVERIFY(parsed.error().message.contains(QLatin1String("GROUP/KIND/NAMESPACE/NAME")));
    }
};

QTEST_GUILESS_MAIN(TestPlan)
#include "tst_plan.moc"
