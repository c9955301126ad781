#pragma once

// Light, dark, or whatever the desktop uses: the application palette. Every widget of Sluice
// paints from the palette (the diff view's tints adapt to it), so switching is instant.

#include <QPalette>
#include <QString>

namespace sluice {

enum class Theme { System, Light, Dark };

QString themeName(Theme theme);                 // "system", "light", "dark" (as stored)
Theme parseThemeName(const QString &name);      // unknown names are System
QPalette darkPalette();
// Sets the application palette. System restores the palette the desktop gave at start.
// GUI thread; needs a QApplication.
void applyTheme(Theme theme);
// Wraps the application style (or `styleName`, e.g. "Fusion") so keyboard focus is plain to
// see: a 2 px highlight-coloured focus ring, and a highlighted frame around the focused list,
// table or text pane. GUI thread; needs a QApplication.
void useClearFocusStyle(const QString &styleName = {});

} // namespace sluice
