#pragma once

#include <QString>

namespace sluice {

// $XDG_CACHE_HOME/sluice (default ~/.cache/sluice); created on demand by the callers.
QString cacheDir();

} // namespace sluice
