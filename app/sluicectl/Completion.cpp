#include "Completion.h"

#include "Cli.h"
#include "Usage.h"
#include "git/Mirror.h"
#include "git/Repository.h"
#include "kube/Kubeconfig.h"

#include <QDir>

namespace sluice::cli {

namespace {

// The value of --NAME in `words` (as "--NAME VALUE" or "--NAME=VALUE"), if any.
QString optionValue(const QStringList &words, const QString &name)
{
    const QString flag = QStringLiteral("--") + name;
    for (qsizetype i = 0; i + 1 < words.size(); ++i) {
        if (words[i] == flag)
            return words[i + 1];
        if (words[i].startsWith(flag + QLatin1Char('=')))
            return words[i].mid(flag.size() + 1);
    }
    return {};
}

QStringList revisionsOf(const ApplicationConfig &app)
{
    const QString path = app.repoPath.isEmpty() ? git::mirrorPathFor(app.repo) : app.repoPath;
    if (!QDir(path).exists())
        return {}; // a URL not fetched yet: completion never fetches
    auto repo = git::Repository::open(path);
    if (!repo)
        return {};
    auto refs = repo->refs();
    if (!refs)
        return {};
    QStringList names{QStringLiteral("HEAD")};
    for (const git::RefInfo &ref : *refs)
        names << ref.shortName;
    if (!app.repoPath.isEmpty())
        names << QStringLiteral("WORKTREE");
    names.removeDuplicates();
    return names;
}

} // namespace

int runComplete(const QStringList &words)
{
    Context ctx;
    ctx.repo = optionValue(words, QStringLiteral("repo"));
    if (const QString file = optionValue(words, QStringLiteral("workspace")); !file.isEmpty())
        ctx.workspacePath = file;
    std::optional<Result<Workspace>> workspace;
    const auto applications = [&]() -> const QList<ApplicationConfig> & {
        static const QList<ApplicationConfig> none;
        if (!workspace)
            workspace = loadWorkspace(ctx);
        return *workspace ? (*workspace)->applications : none;
    };

    CompletionSources sources;
    sources.applications = [&] {
        QStringList names;
        for (const ApplicationConfig &app : applications())
            names << app.name;
        return names;
    };
    sources.revisions = [&](const QString &name) {
        for (const ApplicationConfig &app : applications()) {
            if (name.isEmpty() || app.name == name)
                return revisionsOf(app);
        }
        return QStringList();
    };
    sources.contexts = [] {
        auto kubeconfig = kube::loadKubeconfig(kube::kubeconfigFiles());
        return kubeconfig ? QStringList(kubeconfig->contexts.keys()) : QStringList();
    };
    for (const QString &line : completionCandidates(sluicectlSpec(), words, sources))
        out() << line << '\n';
    out().flush();
    return ExitOk;
}

int runCompletionScript(const QString &shell)
{
    const QString script = completionScript(sluicectlSpec(), shell);
    if (script.isEmpty())
        return usageError(QStringLiteral("completion needs a shell: bash, zsh or fish"));
    out() << script;
    return ExitOk;
}

} // namespace sluice::cli
