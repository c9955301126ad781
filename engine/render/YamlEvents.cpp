#include "YamlEvents.h"

#include <QtEndian>

#include <cstring>

namespace sluice::yaml {

EventReader::EventReader(const QByteArray &data, QString file, int firstLine, Engine engine)
    : m_data(data), m_file(std::move(file)), m_firstLine(firstLine)
{
    std::memset(&m_libyamlEvent, 0, sizeof m_libyamlEvent);
    // UTF-16 (libyaml knows it by its byte order mark) has no lines the fast reader could read.
    const bool utf16 = data.startsWith("\xFE\xFF") || data.startsWith("\xFF\xFE");
    if (engine == Engine::Fast && !utf16)
        m_fast = std::make_unique<FastDocumentReader>(data);
    else
        startLibyaml(0, data.size(), 0, 0);
}

EventReader::~EventReader()
{
    if (m_hasEvent)
        yaml_event_delete(&m_libyamlEvent);
    if (m_parserReady)
        yaml_parser_delete(&m_parser);
}

QString EventReader::where(const yaml_mark_t &mark) const
{
    return QStringLiteral("%1:%2:%3").arg(m_file).arg(lineOf(mark)).arg(mark.column + 1);
}

Error EventReader::errorAt(const yaml_mark_t &mark, const QString &what) const
{
    return makeError(ErrorCategory::Yaml, where(mark) + QLatin1String(": ") + what);
}

// libyaml reads [offset, end) (line starts) as a stream of its own; its marks are shifted to the
// whole data.
void EventReader::startLibyaml(qsizetype offset, qsizetype end, int line, qint64 index)
{
    yaml_parser_initialize(&m_parser);
    yaml_parser_set_input_string(&m_parser, reinterpret_cast<const unsigned char *>(m_data.constData()) + offset,
                                 size_t(end - offset));
    m_parserReady = true;
    m_libyamlStart = offset;
    m_libyamlEnd = end;
    m_lineShift = size_t(line);
    m_indexShift = size_t(index);
}

// Where a document the fast reader declined at `from` surely ends: the first document marker
// ("---" at a line start) after a line of content, not counting directives and comments before
// a marker (they belong to the document after it), or the data's end.
qsizetype EventReader::nextMarker(qsizetype from) const
{
    const QByteArrayView data(m_data);
    bool content = false;
    for (qsizetype start = from; start < data.size();) {
        qsizetype end = data.indexOf('\n', start);
        if (end < 0)
            end = data.size();
        const QByteArrayView line = data.sliced(start, end - start);
        const bool marker = line.startsWith("---") && (line.size() == 3 || line[3] == ' ');
        if (marker && content && start > from)
            return start;
        // A directive needs the document after it in the same read (if it is one: in a scalar
        // at the root it is text).
        const QByteArrayView trimmed = line.trimmed();
        if (line.startsWith('%'))
            content = false;
        else
            content = content || (!trimmed.isEmpty() && !trimmed.startsWith('#') && !marker);
        start = end + 1;
    }
    return data.size();
}

void EventReader::setEvent(yaml_event_type_t type, const yaml_mark_t &mark)
{
    m_event = Event{};
    m_event.type = type;
    m_mark = mark;
    m_markOfFastEvent = false;
}

yaml_mark_t EventReader::mark() const
{
    return m_markOfFastEvent ? m_fast->markOf(m_fastEvents[m_fastNext - 1]) : m_mark;
}

Status EventReader::nextFast()
{
    if (!m_streamStarted) {
        m_streamStarted = true;
        setEvent(YAML_STREAM_START_EVENT, {});
        return {};
    }
    if (m_streamEnded) {
        setEvent(YAML_NO_EVENT, m_fast->streamEndMark());
        return {};
    }
    // The last document's events are all read (next() takes them inline): the next document.
    m_fastCount = 0;
    switch (m_fast->readDocument()) {
    case FastDocumentReader::Outcome::Document:
        ++m_fastDocuments;
        m_fastEvents = m_fast->events().data();
        m_fastCount = m_fast->events().size(); // a document start and end at least
        m_fastNext = 0;
        break;
    case FastDocumentReader::Outcome::StreamEnd:
        m_streamEnded = true;
        setEvent(YAML_STREAM_END_EVENT, m_fast->streamEndMark());
        return {};
    case FastDocumentReader::Outcome::Declined: {
        // libyaml reads up to the next document marker; its stream start is not passed on.
        const qsizetype from = m_fast->boundary();
        startLibyaml(from, nextMarker(from), m_fast->boundaryLine(), m_fast->boundaryIndex());
        m_fast.reset();
        if (Status s = next(); !s)
            return s;
        return next();
    }
    }
    takeFastEvent(m_fastEvents[m_fastNext++]);
    return {};
}

// The event libyaml just read, as an Event (its marks are shifted already).
void EventReader::setLibyamlEvent()
{
    const yaml_event_t &e = m_libyamlEvent;
    setEvent(e.type, e.start_mark);
    const auto text = [](const yaml_char_t *s) { return reinterpret_cast<const char *>(s); };
    switch (e.type) {
    case YAML_DOCUMENT_START_EVENT:
        m_event.implicit = e.data.document_start.implicit;
        break;
    case YAML_SCALAR_EVENT:
        m_event.style = e.data.scalar.style;
        m_event.value = QByteArrayView(text(e.data.scalar.value), qsizetype(e.data.scalar.length));
        m_event.anchor = text(e.data.scalar.anchor);
        m_event.tag = text(e.data.scalar.tag);
        break;
    case YAML_SEQUENCE_START_EVENT:
        m_event.flow = e.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
        m_event.anchor = text(e.data.sequence_start.anchor);
        m_event.tag = text(e.data.sequence_start.tag);
        break;
    case YAML_MAPPING_START_EVENT:
        m_event.flow = e.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE;
        m_event.anchor = text(e.data.mapping_start.anchor);
        m_event.tag = text(e.data.mapping_start.tag);
        break;
    case YAML_ALIAS_EVENT:
        m_event.anchor = text(e.data.alias.anchor);
        break;
    default:
        break;
    }
}

// libyaml marks count characters, not bytes: maps a (growing) character index to a byte offset
// in the UTF-8 data, in one forward pass overall.
qsizetype EventReader::byteOfCharacter(size_t index)
{
    const auto isAscii8 = [](const char *p) { return (qFromUnaligned<quint64>(p) & 0x8080808080808080ULL) == 0; };
    const qsizetype size = m_data.size();
    while (m_walkedCharacters < index && m_walkedBytes < size) {
        if (index - m_walkedCharacters >= 8 && m_walkedBytes + 8 <= size && isAscii8(m_data.constData() + m_walkedBytes)) {
            m_walkedBytes += 8;
            m_walkedCharacters += 8;
        } else {
            ++m_walkedBytes;
            ++m_walkedCharacters;
        }
        while (m_walkedBytes < size && (static_cast<unsigned char>(m_data[m_walkedBytes]) & 0xC0) == 0x80)
            ++m_walkedBytes; // continuation bytes of the same (last) character
    }
    return m_walkedBytes;
}

// libyaml's reader errors (bad UTF-8, control characters) carry a byte offset, not a mark.
yaml_mark_t EventReader::markOfOffset(qsizetype offset) const
{
    yaml_mark_t mark{};
    const qsizetype lineStart = m_data.lastIndexOf('\n', offset - 1) + 1;
    mark.line = size_t(m_data.left(lineStart).count('\n'));
    for (qsizetype i = lineStart; i < offset; ++i)
        mark.column += (static_cast<unsigned char>(m_data[i]) & 0xC0) != 0x80;
    return mark;
}

Status EventReader::nextEvent()
{
    if (m_hasEvent) {
        yaml_event_delete(&m_libyamlEvent);
        m_hasEvent = false;
    }
    if (m_fast)
        return nextFast();
    auto shift = [this](yaml_mark_t &mark) {
        mark.line += m_lineShift;
        mark.index += m_indexShift;
    };
    if (!yaml_parser_parse(&m_parser, &m_libyamlEvent)) {
        QString what = QString::fromUtf8(m_parser.problem ? m_parser.problem : "invalid YAML");
        if (m_parser.context)
            what += QLatin1String(" (") + QString::fromUtf8(m_parser.context) + QLatin1Char(')');
        yaml_mark_t mark = m_parser.problem_mark;
        shift(mark);
        if (m_parser.error == YAML_READER_ERROR)
            mark = markOfOffset(m_libyamlStart + qsizetype(m_parser.problem_offset));
        return errorAt(mark, QLatin1String("malformed YAML: ") + what);
    }
    shift(m_libyamlEvent.start_mark);
    shift(m_libyamlEvent.end_mark);
    m_hasEvent = true;
    if (m_libyamlEvent.type == YAML_STREAM_END_EVENT && m_libyamlEnd < m_data.size()) {
        // The end of what libyaml read, not of the data: the fast reader goes on from there.
        const yaml_mark_t end = m_libyamlEvent.start_mark;
        yaml_event_delete(&m_libyamlEvent);
        m_hasEvent = false;
        yaml_parser_delete(&m_parser);
        m_parserReady = false;
        m_fast = std::make_unique<FastDocumentReader>(m_data);
        m_fast->resumeAt(m_libyamlEnd, int(end.line), qint64(end.index));
        return nextFast();
    }
    setLibyamlEvent();
    return {};
}

} // namespace sluice::yaml
