#pragma once

// The application's persistent settings (QSettings): window geometry, the last and recent
// workspaces, the diff mode, the theme, and the paths of kubectl, kustomize and helm.

#include "DiffView.h"
#include "Theme.h"
#include "render/Renderer.h"

#include <QByteArray>
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

    static constexpr int kMaxRecent = 8;

    static AppSettings load(QSettings &settings);
    void save(QSettings &settings) const;
    // Puts `path` first in the recent list and makes it the last workspace.
    void noteWorkspace(const QString &path);
};

} // namespace sluice
