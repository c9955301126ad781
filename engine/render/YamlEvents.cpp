#include "YamlEvents.h"

#include "YamlFastReader.h"

#include <cstring>

namespace sluice::yaml {

EventReader::EventReader(const QByteArray &data, QString file, int firstLine, Engine engine)
    : m_data(data), m_file(std::move(file)), m_firstLine(firstLine)
{
    std::memset(&m_event, 0, sizeof m_event);
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
        yaml_event_delete(&m_event);
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
    std::memset(&m_event, 0, sizeof m_event);
    m_event.type = type;
    m_event.start_mark = mark;
    m_event.end_mark = mark;
}

Status EventReader::nextFast()
{
    if (!m_streamStarted) {
        m_streamStarted = true;
        setEvent(YAML_STREAM_START_EVENT, {});
        m_event.data.stream_start.encoding = YAML_UTF8_ENCODING;
        return {};
    }
    if (m_streamEnded) {
        setEvent(YAML_NO_EVENT, m_fast->streamEndMark());
        return {};
    }
    if (m_fastNext >= m_fast->events().size()) {
        switch (m_fast->readDocument()) {
        case FastDocumentReader::Outcome::Document:
            ++m_fastDocuments;
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
    }
    const FastEvent &e = m_fast->events()[m_fastNext++];
    setEvent(e.type, e.mark);
    switch (e.type) {
    case YAML_DOCUMENT_START_EVENT:
        m_event.data.document_start.implicit = e.implicit;
        break;
    case YAML_DOCUMENT_END_EVENT:
        m_event.data.document_end.implicit = 1;
        break;
    case YAML_SCALAR_EVENT:
        m_event.data.scalar.value = reinterpret_cast<yaml_char_t *>(const_cast<char *>(m_fast->valueData(e)));
        m_event.data.scalar.length = size_t(e.length);
        m_event.data.scalar.style = e.style;
        m_event.data.scalar.plain_implicit = e.style == YAML_PLAIN_SCALAR_STYLE;
        m_event.data.scalar.quoted_implicit = e.style != YAML_PLAIN_SCALAR_STYLE;
        break;
    case YAML_SEQUENCE_START_EVENT:
        m_event.data.sequence_start.implicit = 1;
        m_event.data.sequence_start.style = e.flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE;
        break;
    case YAML_MAPPING_START_EVENT:
        m_event.data.mapping_start.implicit = 1;
        m_event.data.mapping_start.style = e.flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE;
        break;
    default:
        break;
    }
    return {};
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

Status EventReader::next()
{
    if (m_hasEvent) {
        yaml_event_delete(&m_event);
        m_hasEvent = false;
    }
    if (m_fast)
        return nextFast();
    auto shift = [this](yaml_mark_t &mark) {
        mark.line += m_lineShift;
        mark.index += m_indexShift;
    };
    if (!yaml_parser_parse(&m_parser, &m_event)) {
        QString what = QString::fromUtf8(m_parser.problem ? m_parser.problem : "invalid YAML");
        if (m_parser.context)
            what += QLatin1String(" (") + QString::fromUtf8(m_parser.context) + QLatin1Char(')');
        yaml_mark_t mark = m_parser.problem_mark;
        shift(mark);
        if (m_parser.error == YAML_READER_ERROR)
            mark = markOfOffset(m_libyamlStart + qsizetype(m_parser.problem_offset));
        return errorAt(mark, QLatin1String("malformed YAML: ") + what);
    }
    shift(m_event.start_mark);
    shift(m_event.end_mark);
    m_hasEvent = true;
    if (m_event.type == YAML_STREAM_END_EVENT && m_libyamlEnd < m_data.size()) {
        // The end of what libyaml read, not of the data: the fast reader goes on from there.
        const yaml_mark_t end = m_event.start_mark;
        yaml_event_delete(&m_event);
        m_hasEvent = false;
        yaml_parser_delete(&m_parser);
        m_parserReady = false;
        m_fast = std::make_unique<FastDocumentReader>(m_data);
        m_fast->resumeAt(m_libyamlEnd, int(end.line), qint64(end.index));
        m_fastNext = 0;
        return nextFast();
    }
    return {};
}

} // namespace sluice::yaml
