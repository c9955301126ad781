#pragma once

// The YAML event reader shared by the bulk scanner and the tree builder: libyaml's events, read
// by FastDocumentReader for the documents in its block-style subset, and by libyaml's parser for
// each document outside it (up to the next document marker, where the fast reader goes on).
// Internal to engine/render.

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

class FastDocumentReader;

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
    Status next();
    const yaml_event_t &event() const { return m_event; }

    // 1-based line within the file of a libyaml mark.
    int lineOf(const yaml_mark_t &mark) const { return int(mark.line) + m_firstLine; }
    QString where(const yaml_mark_t &mark) const;
    Error errorAt(const yaml_mark_t &mark, const QString &what) const;

    // Documents read by the fast reader so far (for tests).
    int fastDocuments() const { return m_fastDocuments; }

private:
    Status nextFast();
    void startLibyaml(qsizetype offset, qsizetype end, int line, qint64 index);
    qsizetype nextMarker(qsizetype from) const;
    yaml_mark_t markOfOffset(qsizetype offset) const;
    void setEvent(yaml_event_type_t type, const yaml_mark_t &mark);

    const QByteArray &m_data;
    std::unique_ptr<FastDocumentReader> m_fast; // null while libyaml reads
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
    yaml_event_t m_event;
    bool m_hasEvent = false; // m_event is libyaml's, to delete
    QString m_file;
    int m_firstLine;
};

} // namespace sluice::yaml
