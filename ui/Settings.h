#pragma once

// The application's persistent settings (QSettings): window geometry, the last and recent
// workspaces, the diff mode, the theme, the paths of kubectl, kustomize and helm, and the
// kubeconfig context chosen for each cluster of a repository opened as it is.

#include "DiffView.h"
#include "Theme.h"
#include "render/Renderer.h"

#include <QByteArray>
#include <QHash>
#include <QStringList>

class QSettings;

namespace sluice {

struct AppSettings
{
    ToolPaths tools;
    DiffView::Mode diffMode = DiffView::Mode::SideBySide;
    Theme theme = Theme::System;
    QString lastWorkspace;
    QStringList recentWorkspaces; // newest first, at most kMaxRecent
    QByteArray geometry;
    QByteArray windowState;
    // Repository (path or URL) → its cluster → the kubeconfig context it is on.
    QHash<QString, QHash<QString, QString>> clusterContexts;

    static constexpr int kMaxRecent = 8;

    static AppSettings load(QSettings &settings);
    void save(QSettings &settings) const;
    // Puts `path` first in the recent list and makes it the last workspace.
    void noteWorkspace(const QString &path);
};

} // namespace sluice
