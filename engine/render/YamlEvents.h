#pragma once

// A thin RAII reader over libyaml's event parser, shared by the bulk scanner and the tree
// builder. Internal to engine/render.

#include "core/Result.h"

#include <QByteArray>
#include <QString>

#include <yaml.h>

namespace sluice::yaml {

// Limits that keep hostile input bounded in time and memory.
inline constexpr int kMaxDepth = 200;
// A document may expand aliases to at most this many nodes beyond 4× its parsed nodes.
inline constexpr qint64 kAliasAllowance = 100000;

class EventReader
{
public:
    // `data` must outlive the reader. `file` and `firstLine` (1-based line of data's first line
    // within file) only serve error messages.
    EventReader(const QByteArray &data, QString file, int firstLine = 1);
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

private:
    yaml_parser_t m_parser;
    yaml_event_t m_event;
    bool m_hasEvent = false;
    QString m_file;
    int m_firstLine;
};

inline QByteArray scalarBytes(const yaml_event_t &e)
{
    return QByteArray(reinterpret_cast<const char *>(e.data.scalar.value),
                      qsizetype(e.data.scalar.length));
}

} // namespace sluice::yaml
