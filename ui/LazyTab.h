#pragma once

// A tab built when it is first shown or asked for, so that a window paints sooner: until then an
// empty placeholder holds its place in the QTabWidget, and what its page tells it is kept (the
// latest call of each topic) and told, in order, once it is built.

#include <QSignalBlocker>
#include <QTabWidget>

#include <functional>
#include <utility>
#include <vector>

namespace sluice {

template <typename Tab>
class LazyTab
{
public:
    using Call = std::function<void(Tab &)>;

    // Adds the placeholder to `tabs`; `make` builds the tab when it is needed.
    void add(QTabWidget *tabs, std::function<Tab *()> make, const QIcon &icon, const QString &label)
    {
        m_tabs = tabs;
        m_make = std::move(make);
        m_placeholder = new QWidget(tabs);
        tabs->addTab(m_placeholder, icon, label);
    }

    Tab *built() const { return m_tab; }

    // The tab, built now if it was not: it takes the placeholder's place (and stays current if
    // the placeholder was: no tab change to tell anyone), then hears what was kept for it.
    Tab *get()
    {
        if (m_tab)
            return m_tab;
        m_tab = m_make();
        const int index = m_tabs->indexOf(m_placeholder);
        {
            const QSignalBlocker sameTab(m_tabs);
            const bool current = m_tabs->currentIndex() == index;
            m_tabs->insertTab(index, m_tab, m_tabs->tabIcon(index), m_tabs->tabText(index));
            m_tabs->removeTab(index + 1);
            if (current)
                m_tabs->setCurrentIndex(index);
        }
        delete m_placeholder;
        m_placeholder = nullptr;
        for (const auto &[topic, call] : std::exchange(m_kept, {}))
            call(*m_tab);
        return m_tab;
    }

    // Builds the tab when `page` is its placeholder (the QTabWidget is about to show it).
    void buildIfShown(QWidget *page)
    {
        if (page && page == m_placeholder)
            get();
    }

    // Tells the tab now if it is built, else keeps the call: a later call of the same topic
    // replaces it and goes last.
    void tell(int topic, Call call)
    {
        if (m_tab) {
            call(*m_tab);
            return;
        }
        std::erase_if(m_kept, [topic](const auto &kept) { return kept.first == topic; });
        m_kept.emplace_back(topic, std::move(call));
    }

private:
    QTabWidget *m_tabs = nullptr;
    std::function<Tab *()> m_make;
    QWidget *m_placeholder = nullptr;
    Tab *m_tab = nullptr;
    std::vector<std::pair<int, Call>> m_kept;
};

} // namespace sluice
