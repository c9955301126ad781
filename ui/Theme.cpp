#include "Theme.h"

#include <QAbstractScrollArea>
#include <QApplication>
#include <QPainter>
#include <QProxyStyle>
#include <QStyleFactory>
#include <QStyleOption>

namespace sluice {

namespace {

class ClearFocusStyle : public QProxyStyle
{
public:
    using QProxyStyle::QProxyStyle;

    void drawPrimitive(PrimitiveElement element, const QStyleOption *option, QPainter *painter,
                       const QWidget *widget) const override
    {
        if (element == PE_FrameFocusRect) {
            ring(option->rect.adjusted(1, 1, -1, -1), option->palette, painter);
            return;
        }
        QProxyStyle::drawPrimitive(element, option, painter, widget);
        // On a dark palette Fusion's check box and radio outlines vanish; an unticked box must
        // still be seen.
        const bool indicator = element == PE_IndicatorCheckBox || element == PE_IndicatorItemViewItemCheck ||
                               element == PE_IndicatorRadioButton;
        if (indicator && option->palette.color(QPalette::Window).lightness() < 128) {
            painter->save();
            painter->setRenderHint(QPainter::Antialiasing);
            QColor outline = option->palette.color(QPalette::Text);
            outline.setAlpha(150);
            painter->setPen(QPen(outline, 1));
            painter->setBrush(Qt::NoBrush);
            const QRectF box = QRectF(option->rect).adjusted(0.5, 0.5, -0.5, -0.5);
            if (element == PE_IndicatorRadioButton)
                painter->drawEllipse(box);
            else
                painter->drawRoundedRect(box, 1.5, 1.5);
            painter->restore();
        }
    }

    void drawControl(ControlElement element, const QStyleOption *option, QPainter *painter,
                     const QWidget *widget) const override
    {
        QProxyStyle::drawControl(element, option, painter, widget);
        // A list, table or text pane with focus: its whole frame says so.
        const auto *area = qobject_cast<const QAbstractScrollArea *>(widget);
        if (element == CE_ShapedFrame && area && area->hasFocus() && area->frameShape() != QFrame::NoFrame)
            ring(option->rect.adjusted(1, 1, -1, -1), option->palette, painter);
    }

private:
    static void ring(const QRect &rect, const QPalette &palette, QPainter *painter)
    {
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        painter->setPen(QPen(palette.color(QPalette::Highlight), 2));
        painter->setBrush(Qt::NoBrush);
        painter->drawRoundedRect(QRectF(rect), 2, 2);
        painter->restore();
    }
};

} // namespace

QString themeName(Theme theme)
{
    switch (theme) {
    case Theme::Light: return QStringLiteral("light");
    case Theme::Dark: return QStringLiteral("dark");
    case Theme::System: break;
    }
    return QStringLiteral("system");
}

Theme parseThemeName(const QString &name)
{
    if (name == QLatin1String("light"))
        return Theme::Light;
    if (name == QLatin1String("dark"))
        return Theme::Dark;
    return Theme::System;
}

QPalette darkPalette()
{
    QPalette p;
    const QColor window(0x2b, 0x2d, 0x30), base(0x1e, 0x1f, 0x22), text(0xdf, 0xe1, 0xe5);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::Highlight, QColor(0x2f, 0x65, 0xca));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x8c, 0x8f, 0x94));
    p.setColor(QPalette::Link, QColor(0x6c, 0x9e, 0xf8));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x6f, 0x73, 0x7a));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x6f, 0x73, 0x7a));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x6f, 0x73, 0x7a));
    return p;
}

void applyTheme(Theme theme)
{
    static const QPalette system = QApplication::palette(); // as the desktop gave it, before any change
    switch (theme) {
    case Theme::System: QApplication::setPalette(system); break;
    case Theme::Light: QApplication::setPalette(QApplication::style()->standardPalette()); break;
    case Theme::Dark: QApplication::setPalette(darkPalette()); break;
    }
}

void useClearFocusStyle(const QString &styleName)
{
    QStyle *base = QStyleFactory::create(styleName.isEmpty() ? QApplication::style()->name() : styleName);
    QApplication::setStyle(new ClearFocusStyle(base));
}

} // namespace sluice
