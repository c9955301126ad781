// ResourceDiffModel: counts, the row structure per grouping, the filter, the visible change set
// and lookups, on a ResourceDiff built by hand.

#include "ResourceDiffModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace sluice;

using Grouping = ResourceDiffModel::Grouping;
Q_DECLARE_METATYPE(sluice::ResourceDiffModel::Grouping)
Q_DECLARE_METATYPE(sluice::ChangeKind)
Q_DECLARE_METATYPE(sluice::ResourceKey)

namespace {

ObjectDiff object(const QString &group, const QString &kind, const QString &ns, const QString &name,
                  ChangeKind change, int fieldCount = 0)
{
    ObjectDiff o;
    o.key = ResourceKey{group, kind, ns, name};
    o.change = change;
    for (int i = 0; i < fieldCount; ++i)
        o.fields.append(FieldChange{QStringLiteral("spec.field%1").arg(i), QJsonValue(i), QJsonValue(i + 1)});
    return o;
}

// Seven objects in key order (group, kind, namespace, name), every change kind.
ResourceDiff demoDiff()
{
    ResourceDiff diff;
    diff.objects = {
        object({}, QStringLiteral("ConfigMap"), QStringLiteral("shop"), QStringLiteral("settings"), ChangeKind::Changed, 2),
        object({}, QStringLiteral("Namespace"), {}, QStringLiteral("shop"), ChangeKind::Unchanged),
        object({}, QStringLiteral("Service"), QStringLiteral("shop"), QStringLiteral("web"), ChangeKind::Added),
        object(QStringLiteral("apps"), QStringLiteral("Deployment"), QStringLiteral("billing"), QStringLiteral("api"), ChangeKind::Added),
        object(QStringLiteral("apps"), QStringLiteral("Deployment"), QStringLiteral("shop"), QStringLiteral("web"), ChangeKind::Changed, 1),
        object(QStringLiteral("apps"), QStringLiteral("Deployment"), QStringLiteral("shop"), QStringLiteral("worker"), ChangeKind::Removed),
        object(QStringLiteral("rbac.authorization.k8s.io"), QStringLiteral("ClusterRole"), {}, QStringLiteral("reader"), ChangeKind::Added),
    };
    diff.summary = DiffSummary{3, 1, 2, 1};
    return diff;
}

// The visible tree as text: "name change" per row, children indented by two spaces.
QStringList dump(const QAbstractItemModel &model, const QModelIndex &parent = {}, const QString &indent = {})
{
    QStringList lines;
    for (int row = 0; row < model.rowCount(parent); ++row) {
        const QModelIndex name = model.index(row, ResourceDiffModel::NameColumn, parent);
        const QString change = model.index(row, ResourceDiffModel::ChangeColumn, parent).data().toString();
        lines << indent + name.data().toString() + (change.isEmpty() ? QString() : QLatin1Char(' ') + change);
        lines << dump(model, name, indent + QStringLiteral("  "));
    }
    return lines;
}

const QSet<ChangeKind> kDefaultVisible{ChangeKind::Added, ChangeKind::Removed, ChangeKind::Changed};
const QSet<ChangeKind> kAll{ChangeKind::Added, ChangeKind::Removed, ChangeKind::Changed, ChangeKind::Unchanged};

} // namespace

class TestResourceDiffModel : public QObject
{
    Q_OBJECT

private slots:
    // A large review's diff lists only the objects whose hashes differ (ResourceDiff::unchanged
    // has the others): the model's rows are every object all the same.
    void rowsOfALargeReviewsDiffAreEveryObject()
    {
        const auto set = [](const QList<std::pair<QString, quint64>> &objects) {
            QList<Resource> list;
            for (const auto &[name, hash] : objects) {
                Resource &r = list.emplace_back();
                r.key = ResourceKey{{}, QStringLiteral("ConfigMap"), QStringLiteral("shop"), name};
                r.apiVersion = QStringLiteral("v1");
                r.text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name.toUtf8() + "\ndata:\n  v: \"" +
                         QByteArray::number(hash) + "\"\n";
                r.hash = hash;
            }
            return *ResourceSet::fromList(list);
        };
        ResourceSet base = set({{QStringLiteral("a"), 1}, {QStringLiteral("b"), 2}, {QStringLiteral("gone"), 3}});
        ResourceSet head = set({{QStringLiteral("a"), 1}, {QStringLiteral("b"), 5}, {QStringLiteral("c"), 4}});
        auto diff = diffResourceSetsLettingGoOfTexts(base, head);
        QVERIFY(diff);
        QCOMPARE(diff->objects.size(), 3); // a is not listed
        ResourceDiffModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setGrouping(Grouping::None);
        model.setVisibleChanges(kAll);
        model.setDiff(*diff);
        QCOMPARE(model.diff().objects.size(), 4);
        QCOMPARE(dump(model), QStringList({QStringLiteral("a · ConfigMap · shop ="), QStringLiteral("b · ConfigMap · shop ~"),
                                           QStringLiteral("c · ConfigMap · shop +"), QStringLiteral("gone · ConfigMap · shop −")}));
    }

    void summaryCountsTheWholeDiff()
    {
        ResourceDiffModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setDiff(demoDiff());
        model.setFilterText(QStringLiteral("web")); // the summary ignores the filter
        const DiffSummary s = model.summary();
        QCOMPARE(s.added, 3);
        QCOMPARE(s.removed, 1);
        QCOMPARE(s.changed, 2);
        QCOMPARE(s.unchanged, 1);
        QCOMPARE(model.visibleObjectCount(), 2);
        QCOMPARE(model.diff().objects.size(), 7);
    }

    void structure_data()
    {
        QTest::addColumn<Grouping>("grouping");
        QTest::addColumn<QString>("filter");
        QTest::addColumn<QSet<ChangeKind>>("visible");
        QTest::addColumn<QStringList>("tree");

        const QString minus = QStringLiteral("\u2212");
        struct Row { const char *tag; Grouping grouping; QString filter; QSet<ChangeKind> visible; QStringList tree; };
        const Row rows[] = {
            {"none: objects at top level, unchanged hidden", Grouping::None, {}, kDefaultVisible,
             {"settings \u00b7 ConfigMap \u00b7 shop ~", "web \u00b7 Service \u00b7 shop +", "api \u00b7 Deployment.apps \u00b7 billing +",
              "web \u00b7 Deployment.apps \u00b7 shop ~", "worker \u00b7 Deployment.apps \u00b7 shop " + minus,
              "reader \u00b7 ClusterRole.rbac.authorization.k8s.io +"}},
            {"none: unchanged shown", Grouping::None, {}, kAll,
             {"settings \u00b7 ConfigMap \u00b7 shop ~", "shop \u00b7 Namespace =", "web \u00b7 Service \u00b7 shop +", "api \u00b7 Deployment.apps \u00b7 billing +",
              "web \u00b7 Deployment.apps \u00b7 shop ~", "worker \u00b7 Deployment.apps \u00b7 shop " + minus,
              "reader \u00b7 ClusterRole.rbac.authorization.k8s.io +"}},
            {"kind: groups by label", Grouping::Kind, {}, kDefaultVisible,
             {"ClusterRole.rbac.authorization.k8s.io (1)", "  reader +",
              "ConfigMap (1)", "  settings \u00b7 shop ~",
              "Deployment.apps (3)", "  api \u00b7 billing +", "  web \u00b7 shop ~",
              "  worker \u00b7 shop " + minus,
              "Service (1)", "  web \u00b7 shop +"}},
            {"kind: unchanged shown", Grouping::Kind, {}, kAll,
             {"ClusterRole.rbac.authorization.k8s.io (1)", "  reader +",
              "ConfigMap (1)", "  settings \u00b7 shop ~",
              "Deployment.apps (3)", "  api \u00b7 billing +", "  web \u00b7 shop ~",
              "  worker \u00b7 shop " + minus,
              "Namespace (1)", "  shop =",
              "Service (1)", "  web \u00b7 shop +"}},
            {"namespace: cluster-scoped first", Grouping::Namespace, {}, kDefaultVisible,
             {"(cluster) (1)", "  reader \u00b7 ClusterRole.rbac.authorization.k8s.io +",
              "billing (1)", "  api \u00b7 Deployment.apps +",
              "shop (4)", "  settings \u00b7 ConfigMap ~", "  web \u00b7 Service +", "  web \u00b7 Deployment.apps ~",
              "  worker \u00b7 Deployment.apps " + minus}},
            {"filter is case-insensitive", Grouping::None, QStringLiteral("WEB"), kDefaultVisible,
             {"web \u00b7 Service \u00b7 shop +", "web \u00b7 Deployment.apps \u00b7 shop ~"}},
            {"filter over namespace/name", Grouping::Namespace, QStringLiteral("shop/w"), kDefaultVisible,
             {"shop (3)", "  web \u00b7 Service +", "  web \u00b7 Deployment.apps ~", "  worker \u00b7 Deployment.apps " + minus}},
            {"filter over kind and group", Grouping::Kind, QStringLiteral("deployment.APPS"), kDefaultVisible,
             {"Deployment.apps (3)", "  api \u00b7 billing +", "  web \u00b7 shop ~",
              "  worker \u00b7 shop " + minus}},
            {"filter over namespace", Grouping::Kind, QStringLiteral("billing"), kDefaultVisible,
             {"Deployment.apps (1)", "  api \u00b7 billing +"}},
            {"filter matching nothing", Grouping::Kind, QStringLiteral("nothing"), kDefaultVisible, {}},
            {"only added", Grouping::Kind, {}, QSet<ChangeKind>{ChangeKind::Added},
             {"ClusterRole.rbac.authorization.k8s.io (1)", "  reader +",
              "Deployment.apps (1)", "  api \u00b7 billing +",
              "Service (1)", "  web \u00b7 shop +"}},
            {"only unchanged", Grouping::Namespace, {}, QSet<ChangeKind>{ChangeKind::Unchanged},
             {"(cluster) (1)", "  shop \u00b7 Namespace ="}},
            {"nothing visible", Grouping::None, {}, QSet<ChangeKind>{}, {}},
        };
        for (const Row &r : rows)
            QTest::newRow(r.tag) << r.grouping << r.filter << r.visible << r.tree;
    }

    void structure()
    {
        QFETCH(Grouping, grouping);
        QFETCH(QString, filter);
        QFETCH(QSet<ChangeKind>, visible);
        QFETCH(QStringList, tree);

        ResourceDiffModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setDiff(demoDiff());
        model.setGrouping(grouping);
        model.setFilterText(filter);
        model.setVisibleChanges(visible);

        QCOMPARE(model.grouping(), grouping);
        QCOMPARE(dump(model), tree);

        // Same result in the other order of calls (grouping last).
        ResourceDiffModel other;
        QAbstractItemModelTester otherTester(&other, QAbstractItemModelTester::FailureReportingMode::Fatal);
        other.setVisibleChanges(visible);
        other.setFilterText(filter);
        other.setDiff(demoDiff());
        other.setGrouping(grouping);
        QCOMPARE(dump(other), tree);

        int objects = 0;
        for (const QString &line : tree)
            objects += (grouping == Grouping::None || line.startsWith(QLatin1String("  "))) ? 1 : 0;
        QCOMPARE(model.visibleObjectCount(), objects);
    }

    void changesResetTheModel_data()
    {
        QTest::addColumn<QString>("change");
        QTest::addColumn<int>("resets");

        struct Row { const char *change; int resets; };
        const Row rows[] = {
            {"setDiff", 1}, {"clear", 1}, {"setGrouping", 1}, {"setGrouping same", 0},
            {"setFilterText", 1}, {"setFilterText same", 0}, {"setVisibleChanges", 1},
            {"setVisibleChanges same", 0},
        };
        for (const Row &r : rows)
            QTest::newRow(r.change) << QString::fromUtf8(r.change) << r.resets;
    }

    void changesResetTheModel()
    {
        QFETCH(QString, change);
        QFETCH(int, resets);

        ResourceDiffModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setDiff(demoDiff());
        model.setGrouping(Grouping::Kind);
        model.setFilterText(QStringLiteral("shop"));

        QSignalSpy resetSpy(&model, &QAbstractItemModel::modelReset);
        if (change == QLatin1String("setDiff"))
            model.setDiff(demoDiff());
        else if (change == QLatin1String("clear"))
            model.clear();
        else if (change == QLatin1String("setGrouping"))
            model.setGrouping(Grouping::Namespace);
        else if (change == QLatin1String("setGrouping same"))
            model.setGrouping(Grouping::Kind);
        else if (change == QLatin1String("setFilterText"))
            model.setFilterText(QStringLiteral("web"));
        else if (change == QLatin1String("setFilterText same"))
            model.setFilterText(QStringLiteral("shop"));
        else if (change == QLatin1String("setVisibleChanges"))
            model.setVisibleChanges(kAll);
        else if (change == QLatin1String("setVisibleChanges same"))
            model.setVisibleChanges(kDefaultVisible);
        QCOMPARE(resetSpy.size(), resets);
        if (change == QLatin1String("clear")) {
            QCOMPARE(model.rowCount(), 0);
            QCOMPARE(model.summary().added, 0);
            QVERIFY(!model.firstObjectIndex().isValid());
        }
    }

    void firstObjectIndex_data()
    {
        QTest::addColumn<Grouping>("grouping");
        QTest::addColumn<QString>("filter");
        QTest::addColumn<QString>("expected"); // display of the first object, "" for invalid

        struct Row { const char *tag; Grouping grouping; const char *filter; const char *expected; };
        const Row rows[] = {
            {"none", Grouping::None, "", "settings \u00b7 ConfigMap \u00b7 shop"},
            {"kind", Grouping::Kind, "", "reader"},
            {"namespace", Grouping::Namespace, "shop", "settings \u00b7 ConfigMap"},
            {"nothing visible", Grouping::Kind, "nothing", ""},
        };
        for (const Row &r : rows)
            QTest::newRow(r.tag) << r.grouping << QString::fromUtf8(r.filter) << QString::fromUtf8(r.expected);
    }

    void firstObjectIndex()
    {
        QFETCH(Grouping, grouping);
        QFETCH(QString, filter);
        QFETCH(QString, expected);

        ResourceDiffModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        QVERIFY(!model.firstObjectIndex().isValid());
        model.setDiff(demoDiff());
        model.setGrouping(grouping);
        model.setFilterText(filter);

        const QModelIndex first = model.firstObjectIndex();
        if (expected.isEmpty()) {
            QVERIFY(!first.isValid());
            return;
        }
        QVERIFY(first.isValid());
        QCOMPARE(first.model(), &model);
        QCOMPARE(first.data().toString(), expected);
        QVERIFY(model.object(first));
        QCOMPARE(first.data(ResourceDiffModel::IsGroupRole).toBool(), false);
    }

    void indexOfKey_data()
    {
        QTest::addColumn<Grouping>("grouping");
        QTest::addColumn<ResourceKey>("key");
        QTest::addColumn<bool>("found");

        const ResourceKey web{QStringLiteral("apps"), QStringLiteral("Deployment"), QStringLiteral("shop"), QStringLiteral("web")};
        const ResourceKey reader{QStringLiteral("rbac.authorization.k8s.io"), QStringLiteral("ClusterRole"), {}, QStringLiteral("reader")};
        const ResourceKey ns{{}, QStringLiteral("Namespace"), {}, QStringLiteral("shop")};
        const ResourceKey absent{QStringLiteral("apps"), QStringLiteral("Deployment"), QStringLiteral("shop"), QStringLiteral("cart")};
        const ResourceKey wrongGroup{{}, QStringLiteral("Deployment"), QStringLiteral("shop"), QStringLiteral("web")};

        struct Row { const char *tag; Grouping grouping; ResourceKey key; bool found; };
        const Row rows[] = {
            {"none", Grouping::None, web, true},
            {"kind", Grouping::Kind, web, true},
            {"namespace", Grouping::Namespace, web, true},
            {"cluster-scoped by namespace", Grouping::Namespace, reader, true},
            {"unchanged is hidden", Grouping::Kind, ns, false},
            {"absent", Grouping::None, absent, false},
            {"the group is part of the key", Grouping::Kind, wrongGroup, false},
        };
        for (const Row &r : rows)
            QTest::newRow(r.tag) << r.grouping << r.key << r.found;
    }

    void indexOfKey()
    {
        QFETCH(Grouping, grouping);
        QFETCH(ResourceKey, key);
        QFETCH(bool, found);

        ResourceDiffModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setDiff(demoDiff());
        model.setGrouping(grouping);

        const QModelIndex index = model.indexOfKey(key);
        QCOMPARE(index.isValid(), found);
        if (!found) {
            QCOMPARE(model.object(index), nullptr);
            return;
        }
        QCOMPARE(index.column(), 0);
        QCOMPARE(index.data(ResourceDiffModel::KeyRole).toString(), key.toString());
        QCOMPARE(index.data().toString(), key.listName(grouping != Grouping::Kind, grouping != Grouping::Namespace));
        QCOMPARE(index.parent().isValid(), grouping != Grouping::None);
        const ObjectDiff *o = model.object(index);
        QVERIFY(o);
        QCOMPARE(o->key, key);
    }

    void objectRowsAndGroupRows()
    {
        ResourceDiffModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setDiff(demoDiff());
        model.setGrouping(Grouping::Kind);

        const QModelIndex group = model.index(2, 0); // "Deployment.apps (3)"
        QCOMPARE(group.data().toString(), QStringLiteral("Deployment.apps (3)"));
        QCOMPARE(group.data(ResourceDiffModel::IsGroupRole).toBool(), true);
        QCOMPARE(group.data(ResourceDiffModel::ObjectIndexRole).toInt(), -1);
        QVERIFY(!group.data(ResourceDiffModel::ChangeKindRole).isValid());
        QVERIFY(!group.data(ResourceDiffModel::KeyRole).isValid());
        QCOMPARE(model.object(group), nullptr);
        QVERIFY(!(model.flags(group) & Qt::ItemIsSelectable));

        const QModelIndex web = model.index(1, 0, group);
        const ObjectDiff *o = model.object(web);
        QVERIFY(o);
        QCOMPARE(o->key.name, QStringLiteral("web"));
        QCOMPARE(o, &model.diff().objects.at(4));
        QCOMPARE(web.data(ResourceDiffModel::ObjectIndexRole).toInt(), 4);
        QCOMPARE(web.data(ResourceDiffModel::ChangeKindRole).toInt(), int(ChangeKind::Changed));
        QCOMPARE(web.data(ResourceDiffModel::FieldCountRole).toInt(), 1);
        QCOMPARE(web.data(ResourceDiffModel::KeyRole).toString(), QStringLiteral("apps/Deployment/shop/web"));
        QVERIFY2(web.data(Qt::ToolTipRole).toString().endsWith(QLatin1String("Deployment shop/web\nchanged: 1 field")),
                 qPrintable(web.data(Qt::ToolTipRole).toString())); // the full identity, then the change
        QCOMPARE(web.siblingAtColumn(ResourceDiffModel::ChangeColumn).data().toString(), QStringLiteral("~"));
        QVERIFY(model.flags(web) & Qt::ItemIsSelectable);
        QVERIFY(model.flags(web) & Qt::ItemNeverHasChildren);
        // The object is found from either column.
        QCOMPARE(model.object(web.siblingAtColumn(ResourceDiffModel::ChangeColumn)), o);

        const QModelIndex settings = model.index(0, 0, model.index(1, 0));
        QVERIFY(settings.data(Qt::ToolTipRole).toString().endsWith(QLatin1String("\nchanged: 2 fields")));
        const QModelIndex worker = model.index(2, 0, group);
        QVERIFY(worker.data(Qt::ToolTipRole).toString().endsWith(QLatin1String("\nremoved")));

        QCOMPARE(model.headerData(ResourceDiffModel::NameColumn, Qt::Horizontal).toString(), QStringLiteral("Object"));
        QCOMPARE(model.headerData(ResourceDiffModel::ChangeColumn, Qt::Horizontal).toString(), QStringLiteral("Change"));
    }
};

QTEST_GUILESS_MAIN(TestResourceDiffModel)
#include "tst_resourcediffmodel.moc"
