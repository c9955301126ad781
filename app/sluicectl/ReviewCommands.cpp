#include "ReviewCommands.h"

#include "ExternalDiff.h"
#include "ReviewReport.h"
#include "diff/DiffJson.h"
#include "diff/SecretMask.h"
#include "fleet/Discovery.h"
#include "render/YamlTree.h"
#include "review/Review.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace sluice::cli {
namespace {

// Everything a command needs about one application.
struct AppSession
{
    Workspace workspace;
    const ApplicationConfig *app = nullptr;
    std::optional<git::Repository> repo;
};

Result<AppSession> openApp(const Context &ctx, const QString &name)
{
    AppSession session;
    auto ws = loadWorkspace(ctx);
    if (!ws)
        return ws.error();
    session.workspace = std::move(*ws);
    auto app = findApplication(session.workspace, name);
    if (!app)
        return app.error();
    session.app = *app;
    auto repo = openApplicationRepository(**app);
    if (!repo)
        return repo.error();
    session.repo.emplace(std::move(*repo));
    return session;
}

// The diff tool opens the text review's objects: not with --stat, a report or JSON.
bool opensDiffTool(const Context &ctx, const ReviewArgs &args)
{
    return !args.diffTool.trimmed().isEmpty() && !args.stat && !ctx.json && (args.output.isEmpty() || args.output == QLatin1String("text"));
}

// Printing and reports need the unified diffs only; --stat not even those; a diff tool each side.
DiffTexts textsFor(const Context &ctx, const ReviewArgs &args)
{
    if (opensDiffTool(ctx, args))
        return DiffTexts::UnifiedAndSides;
    return args.stat ? DiffTexts::None : DiffTexts::Unified;
}

// The review as a command a reader of a report runs for everything the report left out.
QString reviewCommandLine(const Context &ctx, const ReviewArgs &args)
{
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_./:@%+=,~^-]+$"));
    const auto quoted = [](const QString &arg) {
        return plain.match(arg).hasMatch() ? arg : QLatin1Char('\'') + QString(arg).replace(QLatin1Char('\''), QStringLiteral("'\\''")) + QLatin1Char('\'');
    };
    QStringList words{QStringLiteral("sluicectl")};
    if (!ctx.repo.isEmpty())
        words << QStringLiteral("--repo") << ctx.repo;
    else if (ctx.workspacePath != Context().workspacePath)
        words << QStringLiteral("--workspace") << ctx.workspacePath;
    words << QStringLiteral("review");
    if (!args.app.isEmpty())
        words << args.app;
    if (!args.baseApp.isEmpty())
        words << QStringLiteral("--base-app") << args.baseApp << QStringLiteral("--head-app") << args.headApp;
    if (!args.base.isEmpty())
        words << QStringLiteral("--base") << args.base;
    if (!args.head.isEmpty())
        words << QStringLiteral("--head") << args.head;
    QStringList line;
    for (const QString &word : std::as_const(words))
        line << quoted(elideMiddle(word));
    return line.join(QLatin1Char(' '));
}

} // namespace

// The review a ReviewArgs asks for: one application's two revisions, a whole cluster's (every
// application of it), or two applications each at its revision (compare environments).
Result<ReviewResult> reviewFor(const Context &ctx, const ReviewArgs &args, QString &title)
{
    auto ws = loadWorkspace(ctx);
    if (!ws)
        return ws.error();
    RenderCache cache(renderCacheDir(ctx));
    SourceRenderer renderer(cache);
    if (!args.baseApp.isEmpty() || !args.headApp.isEmpty()) {
        auto baseApp = findApplication(*ws, args.baseApp);
        if (!baseApp)
            return baseApp.error();
        auto headApp = findApplication(*ws, args.headApp);
        if (!headApp)
            return headApp.error();
        auto repo = openApplicationRepository(**baseApp);
        if (!repo)
            return repo.error();
        if ((*baseApp)->repo != (*headApp)->repo)
            return makeError(ErrorCategory::Usage, QStringLiteral("%1 and %2 come from different repositories").arg(args.baseApp, args.headApp));
        title = QStringLiteral("Compare %1 → %2").arg(args.baseApp, args.headApp);
        return compareApplications(*repo, renderer, **baseApp, args.base.isEmpty() ? (*baseApp)->revision : args.base, **headApp,
                                   args.head.isEmpty() ? (*headApp)->revision : args.head, {}, textsFor(ctx, args));
    }
    if (args.base.isEmpty() || args.head.isEmpty())
        return makeError(ErrorCategory::Usage, QStringLiteral("review needs --base REV and --head REV"));
    title = QStringLiteral("Review of %1").arg(args.app);
    if (!ws->application(args.app)) {
        // A cluster's name: every application deployed to it, together.
        QList<ApplicationConfig> apps;
        for (const ApplicationConfig &app : ws->applications) {
            if (app.cluster == args.app || app.clusterLabel == args.app)
                apps.append(app);
        }
        if (!apps.isEmpty()) {
            auto repo = openApplicationRepository(apps.first());
            if (!repo)
                return repo.error();
            title = QStringLiteral("Review of cluster %1 (%2 applications)").arg(args.app).arg(apps.size());
            return reviewApplications(*repo, renderer, apps, args.base, args.head, {}, textsFor(ctx, args));
        }
    }
    auto app = findApplication(*ws, args.app);
    if (!app)
        return app.error();
    auto repo = openApplicationRepository(**app);
    if (!repo)
        return repo.error();
    return reviewRevisions(*repo, renderer, **app, args.base, args.head, {}, textsFor(ctx, args));
}

int runReview(const Context &ctx, const ReviewArgs &args)
{
    // Checked before the review, which may render for a while.
    const std::optional<ReportFormat> report = reportFormat(args.output);
    const bool json = ctx.json || args.output == QLatin1String("json");
    if (!report && !args.output.isEmpty() && args.output != QLatin1String("text") && args.output != QLatin1String("json"))
        return usageError(QStringLiteral("review --output takes markdown, html, json or text, not \"%1\"").arg(elideMiddle(args.output)));
    if (ctx.json && !args.output.isEmpty() && args.output != QLatin1String("json"))
        return usageError(QStringLiteral("--json and --output %1 ask for two outputs: give one").arg(elideMiddle(args.output)));
    QString title;
    auto review = reviewFor(ctx, args, title);
    if (!review)
        return review.error().category == ErrorCategory::Usage ? usageError(review.error().message) : fail(review.error());
    const ResourceDiff &diff = review->diff;
    const int exit = diff.summary.hasDifferences() ? ExitDifferences : ExitOk;
    if (report) {
        const QByteArray text = writeReport(*report, {title, review->base.displayName(), review->head.displayName(), &diff, args.stat,
                                                      reviewCommandLine(ctx, args), QStringLiteral("sluicectl ") + QCoreApplication::applicationVersion()});
        StandardOutputFile stdoutFile;
        if (!stdoutFile.openAfterOut() || stdoutFile.write(text) != text.size() || !stdoutFile.flush())
            return fail(makeError(ErrorCategory::Io, QStringLiteral("cannot write to standard output")));
        return exit;
    }
    if (opensDiffTool(ctx, args))
        return openInDiffTool(*review, args.diffTool);
    if (json) {
        const QJsonObject sides{{QStringLiteral("base"), QJsonObject{{QStringLiteral("revision"), review->base.spec},
                                                                     {QStringLiteral("commit"), review->base.commitId}}},
                                {QStringLiteral("head"), QJsonObject{{QStringLiteral("revision"), review->head.spec},
                                                                     {QStringLiteral("commit"), review->head.commitId}}}};
        StandardOutputFile stdoutFile;
        if (!stdoutFile.openAfterOut())
            return fail(makeError(ErrorCategory::Io, QStringLiteral("cannot write to standard output")));
        writeDiffJson(stdoutFile, diff, sides); // object by object: a large review is not built twice
        return exit;
    }
    out() << paint(ctx, "1", QStringLiteral("%1: %2 → %3").arg(title, review->base.displayName(), review->head.displayName()))
          << "\n";
    for (const ObjectDiff &o : diff.objects) {
        if (o.change != ChangeKind::Unchanged)
            printObjectDiff(ctx, o, {}, args.stat);
    }
    for (const QString &note : diff.notes) {
        if (note.startsWith(QLatin1String("warning: ")))
            out() << paint(ctx, "33", note) << '\n';
        else
            out() << paint(ctx, "2", QStringLiteral("note: ") + note) << '\n';
    }
    out() << summaryLine(diff.summary) << Qt::endl;
    return exit;
}

int runCommits(const Context &ctx, const CommitsArgs &args)
{
    if (args.base.isEmpty())
        return usageError(QStringLiteral("commits needs --base REV (the last applied revision)"));
    auto session = openApp(ctx, args.app);
    if (!session)
        return fail(session.error());
    RenderCache cache(renderCacheDir(ctx));
    SourceRenderer renderer(cache);
    const QString head = args.head.isEmpty() ? session->app->revision : args.head;
    // Text: each commit as soon as it is known (a long history renders for a while).
    const auto print = [&ctx](const CommitChanges &c) {
        out() << paint(ctx, "33", c.commit.id.left(8)) << ' ' << c.commit.time.toString(QStringLiteral("yyyy-MM-dd HH:mm"))
              << ' ' << paint(ctx, "36", c.commit.author) << "  " << c.commit.summary << '\n';
        for (const ResourceKey &k : c.changedKeys)
            out() << "    " << k.displayName() << '\n';
        if (!c.error.isEmpty())
            out() << "    " << paint(ctx, "31", QStringLiteral("render failed: ") + c.error) << '\n';
        out().flush();
    };
    auto commits = pendingCommitChanges(*session->repo, renderer, *session->app, args.base, head, args.firstParent, {},
                                        ctx.json ? CommitChangesFn() : CommitChangesFn(print));
    if (!commits)
        return fail(commits.error());
    if (ctx.json) {
        QJsonArray list;
        for (const CommitChanges &c : *commits) {
            QJsonArray keys;
            for (const ResourceKey &k : c.changedKeys)
                keys.append(QJsonObject{{QStringLiteral("group"), k.group},
                                        {QStringLiteral("kind"), k.kind},
                                        {QStringLiteral("namespace"), k.ns},
                                        {QStringLiteral("name"), k.name}});
            QJsonObject entry{{QStringLiteral("id"), c.commit.id},
                              {QStringLiteral("author"), c.commit.author},
                              {QStringLiteral("email"), c.commit.authorEmail},
                              {QStringLiteral("time"), c.commit.time.toString(Qt::ISODate)},
                              {QStringLiteral("summary"), c.commit.summary},
                              {QStringLiteral("parents"), QJsonArray::fromStringList(c.commit.parentIds)},
                              {QStringLiteral("objects"), keys}};
            if (!c.error.isEmpty())
                entry.insert(QStringLiteral("error"), c.error);
            list.append(entry);
        }
        out() << QJsonDocument(QJsonObject{{QStringLiteral("commits"), list}}).toJson(QJsonDocument::Indented);
        return ExitOk;
    }
    out() << commits->size() << (commits->size() == 1 ? " pending commit" : " pending commits") << Qt::endl;
    return ExitOk;
}

int runRender(const Context &ctx, const RenderArgs &args)
{
    if (args.output != QLatin1String("yaml") && args.output != QLatin1String("json"))
        return usageError(QStringLiteral("-o must be yaml or json, not %1").arg(args.output));
    auto session = openApp(ctx, args.app);
    if (!session)
        return fail(session.error());
    const QString spec = args.revision.isEmpty() ? session->app->revision : args.revision;
    auto rev = session->repo->resolve(spec);
    if (!rev)
        return fail(rev.error());
    RenderCache cache(renderCacheDir(ctx));
    SourceRenderer renderer(cache);
    auto set = renderer.render(*session->repo, *rev, *session->app);
    if (!set)
        return fail(set.error());
    // On stderr: the output stays a clean list of objects.
    for (const QString &note : set->notes)
        err() << (set->size() == 0 ? "warning: " : "note: ") << note << Qt::endl;

    // Object by object: a large render is not held twice (as trees, or as one text).
    StandardOutputFile stdoutFile;
    if (!stdoutFile.openAfterOut())
        return fail(makeError(ErrorCategory::Io, QStringLiteral("cannot write to standard output")));
    const bool json = ctx.json || args.output == QLatin1String("json");
    if (json) // as QJsonDocument::Indented writes a List, keys in order
        stdoutFile.write("{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n");
    SecretMasker masker;
    bool first = true;
    for (const Resource &resource : *set) {
        auto tree = displayTree(resource, {}, masker);
        if (!tree)
            return fail(tree.error());
        if (json) {
            QByteArray item = QJsonDocument(tree->toJson(tree->root()).toObject()).toJson(QJsonDocument::Indented);
            item.chop(1);
            item.replace("\n", "\n        ");
            stdoutFile.write((first ? "        " : ",\n        ") + item);
        } else {
            stdoutFile.write((first ? "" : "---\n") + yaml::toYaml(*tree, tree->root()));
        }
        first = false;
    }
    if (json)
        stdoutFile.write(first ? "    ],\n    \"kind\": \"List\"\n}\n" : "\n    ],\n    \"kind\": \"List\"\n}\n");
    stdoutFile.flush();
    return ExitOk;
}

int runTools(const Context &ctx)
{
    int exit = ExitOk;
    QJsonObject json;
    for (RendererKind kind : {RendererKind::Kustomize, RendererKind::Helm}) {
        auto tool = describeRenderTool(kind, {});
        if (!tool)
            exit = ExitError;
        const QString line = tool ? *tool : QStringLiteral("not usable: ") + tool.error().message;
        json.insert(rendererName(kind), line);
        if (!ctx.json)
            out() << rendererName(kind).leftJustified(10) << line << '\n';
    }
    if (ctx.json)
        out() << QJsonDocument(json).toJson(QJsonDocument::Indented);
    out().flush();
    return exit;
}

int runApps(const Context &ctx, const QString &saveTo)
{
    if (!saveTo.isEmpty()) {
        if (QFileInfo::exists(saveTo))
            return fail(makeError(ErrorCategory::Usage, QStringLiteral("%1 exists: choose another file, or remove it first").arg(saveTo)));
        auto ws = loadWorkspace(ctx);
        if (!ws)
            return fail(ws.error());
        QFile file(saveTo);
        const QString dir = QFileInfo(saveTo).absolutePath();
        if (!file.open(QIODevice::WriteOnly) || file.write(workspaceYaml(*ws, dir)) < 0)
            return fail(makeError(ErrorCategory::Io, QStringLiteral("cannot write %1: %2").arg(saveTo, file.errorString())));
        err() << "Saved " << ws->applications.size() << " applications to " << saveTo << Qt::endl;
    }
    QList<fleet::DiscoveredApp> apps;
    QList<fleet::SkippedSource> skipped;
    if (ctx.repo.isEmpty()) {
        auto ws = loadWorkspace(ctx);
        if (!ws)
            return fail(ws.error());
        for (const ApplicationConfig &config : ws->applications) {
            fleet::DiscoveredApp app;
            app.config = config;
            app.kind = QStringLiteral("sluice.yaml");
            app.cluster = config.cluster;
            app.destination = config.ns;
            app.declaredAt = QStringLiteral("%1:%2").arg(QFileInfo(ws->file).fileName()).arg(config.line);
            apps.append(app);
        }
    } else {
        auto fleet = fleet::openFleet(ctx.repo);
        if (!fleet)
            return fail(fleet.error());
        apps = fleet->apps;
        skipped = fleet->skipped;
    }
    if (ctx.json) {
        QJsonArray appsJson;
        for (const fleet::DiscoveredApp &app : apps) {
            appsJson.append(QJsonObject{{QStringLiteral("name"), app.config.name},
                                        {QStringLiteral("kind"), app.kind},
                                        {QStringLiteral("cluster"), app.cluster},
                                        {QStringLiteral("source"), app.source},
                                        {QStringLiteral("revision"), app.config.revision},
                                        {QStringLiteral("path"), app.config.path},
                                        {QStringLiteral("renderer"), rendererName(app.config.render.renderer)},
                                        {QStringLiteral("destination"), app.destination},
                                        {QStringLiteral("declaredAt"), app.declaredAt},
                                        {QStringLiteral("dependsOn"), QJsonArray::fromStringList(app.dependsOn)},
                                        {QStringLiteral("notes"), QJsonArray::fromStringList(app.notes)}});
        }
        QJsonArray skippedJson;
        for (const fleet::SkippedSource &s : skipped)
            skippedJson.append(QJsonObject{{QStringLiteral("what"), s.what}, {QStringLiteral("declaredAt"), s.declaredAt},
                                           {QStringLiteral("reason"), s.reason}});
        out() << QJsonDocument(QJsonObject{{QStringLiteral("applications"), appsJson}, {QStringLiteral("skipped"), skippedJson}})
                     .toJson(QJsonDocument::Indented);
        out().flush();
        return ExitOk;
    }
    // A table sized to its content: name, kind, cluster, renderer, path, destination.
    QList<QStringList> rows{{QStringLiteral("NAME"), QStringLiteral("KIND"), QStringLiteral("CLUSTER"), QStringLiteral("RENDERER"),
                             QStringLiteral("PATH"), QStringLiteral("DESTINATION"), QStringLiteral("DECLARED AT")}};
    for (const fleet::DiscoveredApp &app : apps)
        rows.append({app.config.name, app.kind, app.cluster.isEmpty() ? QStringLiteral("-") : app.cluster,
                     rendererName(app.config.render.renderer), app.config.path,
                     app.destination.isEmpty() ? QStringLiteral("-") : app.destination, app.declaredAt});
    QList<qsizetype> widths(rows.first().size(), 0);
    for (const QStringList &row : rows)
        for (qsizetype i = 0; i < row.size(); ++i)
            widths[i] = std::max(widths[i], row.at(i).size());
    for (const QStringList &row : rows) {
        QString line;
        for (qsizetype i = 0; i < row.size(); ++i)
            line += i + 1 < row.size() ? row.at(i).leftJustified(widths[i] + 2) : row.at(i);
        out() << line << '\n';
    }
    for (const fleet::DiscoveredApp &app : apps)
        for (const QString &note : app.notes)
            out() << paint(ctx, "2", QStringLiteral("note: %1: %2").arg(app.config.name, note)) << '\n';
    if (!skipped.isEmpty())
        out() << '\n' << paint(ctx, "33", QStringLiteral("Skipped (not rendered from this repository):")) << '\n';
    for (const fleet::SkippedSource &s : skipped)
        out() << QStringLiteral("  %1 (%2): %3").arg(s.what, s.declaredAt, s.reason) << '\n';
    out().flush();
    return ExitOk;
}

} // namespace sluice::cli
