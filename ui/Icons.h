#pragma once

// Icons: the desktop theme's when it has them, else the ones bundled in resources/icons.

#include <QIcon>

namespace sluice {

enum class IconId { Fetch, Cancel, Next, Previous, Copy, Open, Settings, Commit, Review, Application, Repository, Error };

QIcon icon(IconId id);

} // namespace sluice
