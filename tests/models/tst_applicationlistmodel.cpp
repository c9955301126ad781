// ApplicationListModel: the workspace row, its clusters, their applications, lookups, tooltips,
// application status and cluster errors.

#include "ApplicationListModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace sluice;

namespace {

ApplicationConfig app(const QString &name, const QString &repo, const QString &revision,
                      const QString &path, const QString &cluster, const QString &ns)
{
    ApplicationConfig a;
    a.name = name;
    a.repo = repo;
    a.revision = revision;
    a.path = path;
    a.cluster = cluster;
    a.ns = ns;
    return a;
}

Workspace demoWorkspace()
{
    Workspace ws;
    ws.file = QStringLiteral("/ws/sluice.yaml");
    ws.dir = QStringLiteral("/ws");
    ws.applications = {
        app(QStringLiteral("web"), QStringLiteral("."), QStringLiteral("main"),
            QStringLiteral("apps/web/overlays/prod"), QStringLiteral("prod"), QStringLiteral("web")),
        app(QStringLiteral("api"), QStringLiteral("https://git.example.com/acme/infra.git"),
            QStringLiteral("HEAD"), QStringLiteral("apps/api"), QStringLiteral("sandbox"), QString()),
        app(QStringLiteral("worker"), QStringLiteral("../worker"), QStringLiteral("v1.2"),
            QStringLiteral("."), QStringLiteral("prod"), QStringLiteral("jobs")),
    };
    return ws;
}

} // namespace

class TestApplicationListModel : public QObject
{
    Q_OBJECT

private slots:
    void emptyUntilWorkspaceSet()
    {
        ApplicationListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(!model.indexOfApplication(QStringLiteral("web")).isValid());
        QVERIFY(!model.index(0, 0).isValid());
    }

    void tree()
    {
        ApplicationListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        model.setWorkspace(demoWorkspace());
        QCOMPARE(resets.size(), 1);

        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.columnCount(), 1);
        const QModelIndex ws = model.index(0, 0);
        QCOMPARE(ws.data().toString(), QStringLiteral("ws"));
        QCOMPARE(ws.data(ApplicationListModel::NameRole).toString(), QStringLiteral("sluice.yaml"));
        QCOMPARE(ws.data(Qt::ToolTipRole).toString(), QStringLiteral("/ws/sluice.yaml"));
        QCOMPARE(ws.data(ApplicationListModel::IsWorkspaceRole).toBool(), true);
        QCOMPARE(model.application(ws), nullptr);
        QVERIFY(!model.parent(ws).isValid());

        QCOMPARE(model.rowCount(ws), 2); // clusters in the order the applications name them
        const QModelIndex prod = model.index(0, 0, ws);
        const QModelIndex sandbox = model.index(1, 0, ws);
        QCOMPARE(prod.data().toString(), QStringLiteral("prod"));
        QCOMPARE(sandbox.data().toString(), QStringLiteral("sandbox"));
        QCOMPARE(prod.data(ApplicationListModel::IsClusterRole).toBool(), true);
        QCOMPARE(model.parent(prod), ws);
        QCOMPARE(model.application(prod), nullptr);
        QStringList names;
        for (const QModelIndex &cluster : {prod, sandbox}) {
            for (int row = 0; row < model.rowCount(cluster); ++row) {
                const QModelIndex child = model.index(row, 0, cluster);
                QCOMPARE(model.parent(child), cluster);
                QCOMPARE(child.data(ApplicationListModel::IsWorkspaceRole).toBool(), false);
                QCOMPARE(child.data(ApplicationListModel::IsClusterRole).toBool(), false);
                QCOMPARE(model.rowCount(child), 0);
                QVERIFY(model.flags(child) & Qt::ItemNeverHasChildren);
                names << child.data().toString();
            }
        }
        QCOMPARE(names, (QStringList{"web", "worker", "api"}));

        const QModelIndex web = model.index(0, 0, prod);
        QCOMPARE(web.data(ApplicationListModel::NameRole).toString(), QStringLiteral("web"));
        QCOMPARE(web.data(ApplicationListModel::RepoRole).toString(), QStringLiteral("."));
        QCOMPARE(web.data(ApplicationListModel::RevisionRole).toString(), QStringLiteral("main"));
        QCOMPARE(web.data(ApplicationListModel::PathRole).toString(), QStringLiteral("apps/web/overlays/prod"));
        QCOMPARE(web.data(ApplicationListModel::ClusterRole).toString(), QStringLiteral("prod"));
        QCOMPARE(web.data(ApplicationListModel::NamespaceRole).toString(), QStringLiteral("web"));
        QVERIFY(model.roleNames().contains(ApplicationListModel::NameRole));
    }

    void indexOfApplication_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("cluster"); // row of its cluster under the workspace
        QTest::addColumn<int>("row");     // -1: invalid index

        struct Row { const char *tag; const char *name; int cluster; int row; };
        const Row rows[] = {
            {"first", "web", 0, 0},
            {"other cluster", "api", 1, 0},
            {"second of its cluster", "worker", 0, 1},
            {"unknown", "billing", 0, -1},
            {"case-sensitive", "Web", 0, -1},
            {"empty", "", 0, -1},
        };
        for (const Row &r : rows)
            QTest::newRow(r.tag) << QString::fromUtf8(r.name) << r.cluster << r.row;
    }

    void indexOfApplication()
    {
        QFETCH(QString, name);
        QFETCH(int, cluster);
        QFETCH(int, row);

        ApplicationListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setWorkspace(demoWorkspace());

        const QModelIndex index = model.indexOfApplication(name);
        if (row < 0) {
            QVERIFY(!index.isValid());
            QCOMPARE(model.application(index), nullptr);
            return;
        }
        QVERIFY(index.isValid());
        QCOMPARE(index, model.index(row, 0, model.index(cluster, 0, model.index(0, 0))));
        const ApplicationConfig *config = model.application(index);
        QVERIFY(config);
        QCOMPARE(config->name, name);
    }

    void tooltip_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("tooltip");

        struct Row { const char *name; const char *tooltip; };
        const Row rows[] = {
            {"web", ". @ main: apps/web/overlays/prod \u2192 prod/web"},
            {"api", "https://git.example.com/acme/infra.git @ HEAD: apps/api \u2192 sandbox"},
            {"worker", "../worker @ v1.2: . \u2192 prod/jobs"},
        };
        for (const Row &r : rows)
            QTest::newRow(r.name) << QString::fromUtf8(r.name) << QString::fromUtf8(r.tooltip);
    }

    void tooltip()
    {
        QFETCH(QString, name);
        QFETCH(QString, tooltip);

        ApplicationListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setWorkspace(demoWorkspace());
        QCOMPARE(model.indexOfApplication(name).data(Qt::ToolTipRole).toString(), tooltip);
    }

    void replacingTheWorkspaceResets()
    {
        ApplicationListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setWorkspace(demoWorkspace());

        Workspace smaller = demoWorkspace();
        smaller.applications.removeFirst();
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        model.setWorkspace(smaller);
        QCOMPARE(resets.size(), 1);
        QCOMPARE(model.rowCount(model.index(0, 0)), 2);
        QVERIFY(!model.indexOfApplication(QStringLiteral("web")).isValid());
        QCOMPARE(model.indexOfApplication(QStringLiteral("api")).row(), 0);
        QCOMPARE(model.workspace().applications.size(), 2);
    }

    void statusIsPerApplicationAndChangesOneRow()
    {
        ApplicationListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setWorkspace(demoWorkspace());
        const QModelIndex web = model.indexOfApplication(QStringLiteral("web"));
        QCOMPARE(web.data(ApplicationListModel::StatusStateRole).toInt(), int(ApplicationStatusSummary::State::NotChecked));
        QCOMPARE(web.data(ApplicationListModel::PendingRole).toInt(), -1);

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        ApplicationStatusSummary status;
        status.state = ApplicationStatusSummary::State::Known;
        status.sync = QStringLiteral("OutOfSync");
        status.health = QStringLiteral("Progressing");
        status.pending = 3;
        status.hold = QStringLiteral("held at d221256 by alex@ws since 14:02");
        model.setStatus(QStringLiteral("web"), status);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.first().at(0).toModelIndex(), web);
        QCOMPARE(changed.first().at(1).toModelIndex(), web);
        QCOMPARE(web.data(ApplicationListModel::SyncRole).toString(), QStringLiteral("OutOfSync"));
        QCOMPARE(web.data(ApplicationListModel::HealthRole).toString(), QStringLiteral("Progressing"));
        QCOMPARE(web.data(ApplicationListModel::PendingRole).toInt(), 3);
        QCOMPARE(web.data(ApplicationListModel::HoldRole).toString(), status.hold);
        QVERIFY(web.data(Qt::ToolTipRole).toString().contains(QLatin1String("OutOfSync, Progressing, 3 pending commits")));
        // Other rows keep theirs; unknown names change nothing.
        QCOMPARE(model.indexOfApplication(QStringLiteral("api")).data(ApplicationListModel::SyncRole).toString(), QString());
        model.setStatus(QStringLiteral("nope"), status);
        QCOMPARE(changed.size(), 1);

        ApplicationStatusSummary failed;
        failed.state = ApplicationStatusSummary::State::Failed;
        failed.error = QStringLiteral("cannot reach https://prod: connection refused");
        model.setStatus(QStringLiteral("api"), failed);
        QVERIFY(model.indexOfApplication(QStringLiteral("api")).data(Qt::ToolTipRole).toString().contains(QLatin1String("Status unknown: cannot reach")));
        // A new workspace starts unchecked.
        model.setWorkspace(demoWorkspace());
        QCOMPARE(model.indexOfApplication(QStringLiteral("web")).data(ApplicationListModel::StatusStateRole).toInt(),
                 int(ApplicationStatusSummary::State::NotChecked));
    }

    void clusterRowsSayWhyOnce()
    {
        ApplicationListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        Workspace ws = demoWorkspace();
        ClusterConfig prod;
        prod.name = QStringLiteral("prod");
        prod.context = QStringLiteral("do-nyc1-prod");
        ws.clusters = {prod};
        ws.applications.append(app(QStringLiteral("tools"), QStringLiteral("."), QStringLiteral("main"), QStringLiteral("tools"), {}, {}));
        model.setWorkspace(ws);
        const QModelIndex root = model.index(0, 0);
        QCOMPARE(model.rowCount(root), 3); // prod (declared), sandbox, (no cluster)
        QCOMPARE(model.index(0, 0, root).data(Qt::ToolTipRole).toString(), QStringLiteral("context do-nyc1-prod"));
        QCOMPARE(model.index(2, 0, root).data().toString(), QStringLiteral("(no cluster)"));
        QCOMPARE(model.index(0, 0, model.index(2, 0, root)).data().toString(), QStringLiteral("tools"));
        QCOMPARE(model.indexOfCluster(QStringLiteral("sandbox")), model.index(1, 0, root));

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setClusterError(QStringLiteral("prod"), QStringLiteral("connection refused"));
        QCOMPARE(changed.size(), 1);
        QCOMPARE(model.index(0, 0, root).data(ApplicationListModel::ClusterErrorRole).toString(), QStringLiteral("connection refused"));
        model.setClusterError(QStringLiteral("prod"), QStringLiteral("connection refused")); // unchanged: no signal
        QCOMPARE(changed.size(), 1);
        model.setClusterError(QStringLiteral("prod"), {});
        QCOMPARE(model.index(0, 0, root).data(ApplicationListModel::ClusterErrorRole).toString(), QString());
    }

    void emptyWorkspaceHasOnlyItsRow()
    {
        ApplicationListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        Workspace ws;
        ws.file = QStringLiteral("/ws/sluice.yaml");
        model.setWorkspace(ws);
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.rowCount(model.index(0, 0)), 0);
    }
};

QTEST_GUILESS_MAIN(TestApplicationListModel)
#include "tst_applicationlistmodel.moc"
