#pragma once

// What the window's background jobs share: an immutable snapshot of the workspace and the
// settings, plus the render cache (thread-safe). Jobs capture the shared_ptr by value, so a
// job still running after the workspace changed keeps its own snapshot alive.

#include "fleet/Discovery.h"
#include "render/RenderCache.h"
#include "workspace/Workspace.h"

#include <memory>

namespace sluice {

struct Session
{
    Workspace workspace;
    ToolPaths tools; // from the settings; empty paths = PATH lookup
    QString repository;                    // opened as a Flux / Argo CD repository (no sluice.yaml)
    QList<fleet::SkippedSource> skipped;   // what that repository deploys that Sluice cannot render
    std::shared_ptr<RenderCache> cache;

    // The application as configured, with the settings' tool paths applied.
    ApplicationConfig application(const QString &name) const
    {
        const ApplicationConfig *app = workspace.application(name);
        if (!app)
            return {};
        ApplicationConfig copy = *app;
        copy.render.tools = tools;
        return copy;
    }
};

using SessionPtr = std::shared_ptr<const Session>;

} // namespace sluice
