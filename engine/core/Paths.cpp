#include "Paths.h"

#include <QDir>

namespace sluice {

QString cacheDir()
{
    QString base = qEnvironmentVariable("XDG_CACHE_HOME");
    if (base.isEmpty())
        base = QDir::homePath() + QLatin1String("/.cache");
    return base + QLatin1String("/sluice");
}

} // namespace sluice
