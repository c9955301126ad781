// RefsModel: the WORKTREE row, ordering, display strings, specs and lookups.

#include "RefsModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace sluice;

using Kind = git::RefInfo::Kind;

namespace {

git::RefInfo ref(Kind kind, const QString &name, const QString &shortName, char idDigit)
{
    return git::RefInfo{kind, name, shortName, QString(40, QLatin1Char(idDigit))};
}

// As git::Repository::refs() returns them: sorted by kind, then name.
QList<git::RefInfo> demoRefs()
{
    return {
        ref(Kind::LocalBranch, QStringLiteral("refs/heads/feature/x"), QStringLiteral("feature/x"), 'a'),
        ref(Kind::LocalBranch, QStringLiteral("refs/heads/main"), QStringLiteral("main"), 'b'),
        ref(Kind::RemoteBranch, QStringLiteral("refs/remotes/origin/main"), QStringLiteral("origin/main"), 'c'),
        ref(Kind::Tag, QStringLiteral("refs/tags/v1.0.0"), QStringLiteral("v1.0.0"), 'd'),
        ref(Kind::PullRequest, QStringLiteral("refs/pull/7/head"), QStringLiteral("pull/7"), 'e'),
        ref(Kind::PullRequest, QStringLiteral("refs/pull/12/head"), QStringLiteral("pull/12"), 'f'),
        ref(Kind::MergeRequest, QStringLiteral("refs/merge-requests/3/head"), QStringLiteral("merge-requests/3"), '1'),
    };
}

QStringList column(const RefsModel &model, int role)
{
    QStringList values;
    for (int row = 0; row < model.rowCount(); ++row)
        values << model.data(model.index(row), role).toString();
    return values;
}

} // namespace

class TestRefsModel : public QObject
{
    Q_OBJECT

private slots:
    void ordering_data()
    {
        QTest::addColumn<bool>("withWorktree");
        QTest::addColumn<QStringList>("displays");
        QTest::addColumn<QStringList>("specs");

        const QStringList displays{"feature/x", "main", "origin/main", "v1.0.0 (tag)", "pull/7 (pull request)",
                                   "pull/12 (pull request)", "merge-requests/3 (merge request)"};
        const QStringList specs{"feature/x", "main", "origin/main", "v1.0.0", "pull/7", "pull/12", "merge-requests/3"};

        struct Row { const char *tag; bool withWorktree; QStringList displays; QStringList specs; };
        const Row rows[] = {
            {"bare mirror", false, displays, specs},
            {"local clone: WORKTREE first", true, QStringList{"Working tree (uncommitted)"} + displays,
             QStringList{git::kWorktree} + specs},
        };
        for (const Row &r : rows)
            QTest::newRow(r.tag) << r.withWorktree << r.displays << r.specs;
    }

    void ordering()
    {
        QFETCH(bool, withWorktree);
        QFETCH(QStringList, displays);
        QFETCH(QStringList, specs);

        RefsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        model.setRefs(demoRefs(), withWorktree);
        QCOMPARE(resets.size(), 1);
        QCOMPARE(column(model, Qt::DisplayRole), displays);
        QCOMPARE(column(model, RefsModel::SpecRole), specs);
    }

    void worktreeRow()
    {
        RefsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setRefs(demoRefs(), true);
        const QModelIndex worktree = model.index(0);
        QCOMPARE(worktree.data(RefsModel::SpecRole).toString(), git::kWorktree);
        QCOMPARE(worktree.data(RefsModel::KindRole).toInt(), -1);
        QCOMPARE(worktree.data(RefsModel::CommitIdRole).toString(), QString());
        QCOMPARE(worktree.data().toString(), QStringLiteral("Working tree (uncommitted)"));
    }

    void rolesPerRef_data()
    {
        QTest::addColumn<int>("row");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("tooltip");

        struct Row { const char *tag; int row; Kind kind; const char *tooltip; };
        const Row rows[] = {
            {"branch", 1, Kind::LocalBranch, "refs/heads/main\nbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"},
            {"remote branch", 2, Kind::RemoteBranch, "refs/remotes/origin/main\ncccccccccccccccccccccccccccccccccccccccc"},
            {"tag", 3, Kind::Tag, "refs/tags/v1.0.0\ndddddddddddddddddddddddddddddddddddddddd"},
            {"pull request", 4, Kind::PullRequest, "refs/pull/7/head\neeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"},
            {"merge request", 6, Kind::MergeRequest, "refs/merge-requests/3/head\n1111111111111111111111111111111111111111"},
        };
        for (const Row &r : rows)
            QTest::newRow(r.tag) << r.row << int(r.kind) << QString::fromUtf8(r.tooltip);
    }

    void rolesPerRef()
    {
        QFETCH(int, row);
        QFETCH(int, kind);
        QFETCH(QString, tooltip);

        RefsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setRefs(demoRefs(), false);
        const QModelIndex index = model.index(row);
        QCOMPARE(index.data(RefsModel::KindRole).toInt(), kind);
        QCOMPARE(index.data(Qt::ToolTipRole).toString(), tooltip);
        QCOMPARE(index.data(RefsModel::CommitIdRole).toString(), demoRefs().at(row).commitId);
    }

    void rowOfSpec_data()
    {
        QTest::addColumn<bool>("withWorktree");
        QTest::addColumn<QString>("spec");
        QTest::addColumn<int>("row");

        struct Row { const char *tag; bool withWorktree; const char *spec; int row; };
        const Row rows[] = {
            {"worktree", true, "WORKTREE", 0},
            {"worktree absent", false, "WORKTREE", -1},
            {"branch after worktree", true, "main", 2},
            {"branch", false, "main", 1},
            {"remote branch", false, "origin/main", 2},
            {"tag by name", false, "v1.0.0", 3},
            {"tag display is not a spec", false, "v1.0.0 (tag)", -1},
            {"pull request", false, "pull/12", 5},
            {"merge request", true, "merge-requests/3", 7},
            {"full ref name is not a spec", false, "refs/heads/main", -1},
            {"unknown", false, "develop", -1},
            {"empty", false, "", -1},
        };
        for (const Row &r : rows)
            QTest::newRow(r.tag) << r.withWorktree << QString::fromUtf8(r.spec) << r.row;
    }

    void rowOfSpec()
    {
        QFETCH(bool, withWorktree);
        QFETCH(QString, spec);
        QFETCH(int, row);

        RefsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setRefs(demoRefs(), withWorktree);
        QCOMPARE(model.rowOfSpec(spec), row);
    }

    void replacingRefsResets()
    {
        RefsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setRefs(demoRefs(), true);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        model.setRefs({}, false);
        QCOMPARE(resets.size(), 1);
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.rowOfSpec(QStringLiteral("main")), -1);
        model.setRefs({}, true);
        QCOMPARE(model.rowCount(), 1);
    }
};

QTEST_GUILESS_MAIN(TestRefsModel)
#include "tst_refsmodel.moc"
