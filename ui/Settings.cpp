#include "Settings.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>

namespace sluice {

AppSettings AppSettings::load(QSettings &settings)
{
    AppSettings s;
    s.tools.kubectl = settings.value(QStringLiteral("tools/kubectl")).toString();
    s.tools.kustomize = settings.value(QStringLiteral("tools/kustomize")).toString();
    s.tools.helm = settings.value(QStringLiteral("tools/helm")).toString();
    s.diffMode = settings.value(QStringLiteral("diff/mode")).toString() == QLatin1String("unified") ? DiffView::Mode::Unified
                                                                                                  : DiffView::Mode::SideBySide;
    s.theme = parseThemeName(settings.value(QStringLiteral("appearance/theme")).toString());
    s.lastWorkspace = settings.value(QStringLiteral("workspace/last")).toString();
    s.recentWorkspaces = settings.value(QStringLiteral("workspace/recent")).toStringList();
    s.geometry = settings.value(QStringLiteral("window/geometry")).toByteArray();
    s.windowState = settings.value(QStringLiteral("window/state")).toByteArray();
    // Kept as JSON: repository paths and URLs are not QSettings keys.
    const QJsonObject repositories = QJsonDocument::fromJson(settings.value(QStringLiteral("repositories/contexts")).toByteArray()).object();
    for (auto repo = repositories.begin(); repo != repositories.end(); ++repo) {
        const QJsonObject clusters = repo->toObject();
        for (auto cluster = clusters.begin(); cluster != clusters.end(); ++cluster)
            s.clusterContexts[repo.key()].insert(cluster.key(), cluster->toString());
    }
    return s;
}

void AppSettings::save(QSettings &settings) const
{
    settings.setValue(QStringLiteral("tools/kubectl"), tools.kubectl);
    settings.setValue(QStringLiteral("tools/kustomize"), tools.kustomize);
    settings.setValue(QStringLiteral("tools/helm"), tools.helm);
    settings.setValue(QStringLiteral("diff/mode"),
                      diffMode == DiffView::Mode::Unified ? QStringLiteral("unified") : QStringLiteral("side-by-side"));
    settings.setValue(QStringLiteral("appearance/theme"), themeName(theme));
    settings.setValue(QStringLiteral("workspace/last"), lastWorkspace);
    settings.setValue(QStringLiteral("workspace/recent"), recentWorkspaces);
    settings.setValue(QStringLiteral("window/geometry"), geometry);
    settings.setValue(QStringLiteral("window/state"), windowState);
    QJsonObject repositories;
    for (auto repo = clusterContexts.begin(); repo != clusterContexts.end(); ++repo) {
        QJsonObject clusters;
        for (auto cluster = repo->begin(); cluster != repo->end(); ++cluster)
            clusters.insert(cluster.key(), cluster.value());
        repositories.insert(repo.key(), clusters);
    }
    settings.setValue(QStringLiteral("repositories/contexts"), QJsonDocument(repositories).toJson(QJsonDocument::Compact));
}

void AppSettings::noteWorkspace(const QString &path)
{
    lastWorkspace = path;
    recentWorkspaces.removeAll(path);
    recentWorkspaces.prepend(path);
    while (recentWorkspaces.size() > kMaxRecent)
        recentWorkspaces.removeLast();
}

} // namespace sluice
