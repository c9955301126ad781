#pragma once

// The YAML event reader shared by the bulk scanner and the tree builder: libyaml's events, read
// by FastDocumentReader for the documents in its block-style subset, and by libyaml's parser for
// each document outside it (up to the next document marker, where the fast reader goes on).
// Internal to engine/render.

#include "YamlFastReader.h"
#include "core/Result.h"

#include <QByteArray>
#include <QString>

#include <yaml.h>

#include <memory>

namespace sluice::yaml {

// Limits that keep hostile input bounded in time and memory.
inline constexpr int kMaxDepth = 200;
// A document may expand aliases to at most this many nodes beyond 4× its parsed nodes.
inline constexpr qint64 kAliasAllowance = 100000;

// An event as the readers give it: libyaml's, without what no reader here looks at. Pointers are
// valid until the next event is read.
struct Event
{
    yaml_event_type_t type = YAML_NO_EVENT;
    yaml_scalar_style_t style = YAML_ANY_SCALAR_STYLE; // scalars
    bool flow = false;            // collections: [] or {}
    bool implicit = true;         // document start: no "---"
    QByteArrayView value;         // scalars
    const char *anchor = nullptr; // scalars and collections: the anchor they set; aliases: the one named
    const char *tag = nullptr;    // scalars and collections
};

class EventReader
{
public:
    enum class Engine { Fast, LibyamlOnly };
    // `data` must outlive the reader. `file` and `firstLine` (1-based line of data's first line
    // within file) only serve error messages. LibyamlOnly is for tests that compare the two.
    EventReader(const QByteArray &data, QString file, int firstLine = 1, Engine engine = Engine::Fast);
    ~EventReader();
    EventReader(const EventReader &) = delete;
    EventReader &operator=(const EventReader &) = delete;

    // Reads the next event into `event()`. Error: "FILE:LINE:COL: problem (context)".
    Status next()
    {
        if (m_fastNext < m_fastCount) { // inline: the next event of a document the fast reader read
            takeFastEvent(m_fastEvents[m_fastNext++]);
            return {};
        }
        return nextEvent();
    }
    const Event &event() const { return m_event; }
    // Where the event starts (made when asked: most events' marks are never needed).
    yaml_mark_t mark() const;
    // The byte of the data where the event starts. Asked in the order events come.
    qsizetype offset()
    {
        if (!m_markOfFastEvent)
            return byteOfCharacter(m_mark.index);
        const FastEvent &e = m_fastEvents[m_fastNext - 1];
        return e.line < 0 ? m_data.size() : e.at;
    }

    // 1-based line within the file of a libyaml mark.
    int lineOf(const yaml_mark_t &mark) const { return int(mark.line) + m_firstLine; }
    QString where(const yaml_mark_t &mark) const;
    Error errorAt(const yaml_mark_t &mark, const QString &what) const;

    // Documents read by the fast reader so far (for tests).
    int fastDocuments() const { return m_fastDocuments; }

private:
    Status nextEvent();
    Status nextFast();
    void takeFastEvent(const FastEvent &e)
    {
        m_event.type = e.type;
        m_event.style = e.style;
        m_event.flow = e.flow;
        m_event.implicit = e.implicit;
        m_event.value = QByteArrayView(m_fast->valueData(e), e.length);
        m_event.anchor = m_event.tag = nullptr; // the fast reader declines both
        m_markOfFastEvent = true;
    }
    void startLibyaml(qsizetype offset, qsizetype end, int line, qint64 index);
    qsizetype nextMarker(qsizetype from) const;
    yaml_mark_t markOfOffset(qsizetype offset) const;
    void setEvent(yaml_event_type_t type, const yaml_mark_t &mark);
    void setLibyamlEvent();
    qsizetype byteOfCharacter(size_t index);

    const QByteArray &m_data;
    std::unique_ptr<FastDocumentReader> m_fast; // null while libyaml reads
    const FastEvent *m_fastEvents = nullptr; // of the document m_fast read last
    size_t m_fastCount = 0;
    size_t m_fastNext = 0;
    int m_fastDocuments = 0;
    bool m_streamStarted = false;
    bool m_streamEnded = false;
    yaml_parser_t m_parser;
    bool m_parserReady = false;
    qsizetype m_libyamlStart = 0; // what libyaml reads
    qsizetype m_libyamlEnd = 0;
    size_t m_lineShift = 0;  // where libyaml started, for its marks
    size_t m_indexShift = 0;
    Event m_event;
    yaml_mark_t m_mark{};          // of an event the fast reader did not give
    bool m_markOfFastEvent = false; // else of m_fast's last event read
    yaml_event_t m_libyamlEvent;
    bool m_hasEvent = false; // m_libyamlEvent is set, to delete
    size_t m_walkedCharacters = 0; // byteOfCharacter's pass over the data
    qsizetype m_walkedBytes = 0;
    QString m_file;
    int m_firstLine;
};

} // namespace sluice::yaml
