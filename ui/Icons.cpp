#include "Icons.h"

#include <QHash>
#include <QString>

static void initSluiceResources()
{
    Q_INIT_RESOURCE(resources);
}

namespace sluice {

namespace {

QIcon load(IconId id)
{
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

} // namespace

// Each looked up once: a theme lookup searches the icon folders (~0.2 M instructions, a dozen
// of them before the window's first paint). A theme icon follows a change of theme by itself.
// GUI thread only, as QIcon is. Never destroyed: icons must not outlive Qt's icon loader, which
// goes at exit before a static of ours made after it would.
QIcon icon(IconId id)
{
    static const bool resourcesReady = (initSluiceResources(), true);
    Q_UNUSED(resourcesReady);
    static auto *const loaded = new QHash<IconId, QIcon>;
    auto it = loaded->find(id);
    if (it == loaded->end())
        it = loaded->insert(id, load(id));
    return *it;
}

} // namespace sluice
