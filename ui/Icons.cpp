#include "Icons.h"

#include <QString>

static void initSluiceResources()
{
    Q_INIT_RESOURCE(resources);
}

namespace sluice {

QIcon icon(IconId id)
{
    static const bool resourcesReady = (initSluiceResources(), true);
    Q_UNUSED(resourcesReady);
    const char *name = nullptr;
    switch (id) {
    case IconId::Fetch: name = "view-refresh"; break;
    case IconId::Cancel: name = "process-stop"; break;
    case IconId::Next: name = "go-down"; break;
    case IconId::Previous: name = "go-up"; break;
    case IconId::Copy: name = "edit-copy"; break;
    case IconId::Open: name = "document-open"; break;
    case IconId::Settings: name = "preferences-system"; break;
    case IconId::Commit: name = "vcs-commit"; break;
    case IconId::Review: name = "vcs-diff"; break;
    case IconId::Application: name = "application-x-sluice"; break;
    case IconId::Repository: name = "folder-git"; break;
    case IconId::Error: name = "dialog-error"; break;
    }
    const QString themeName = QLatin1String(name);
    return QIcon::fromTheme(themeName, QIcon(QStringLiteral(":/icons/%1.svg").arg(themeName)));
}

} // namespace sluice
