#include "YamlEvents.h"

namespace sluice::yaml {

EventReader::EventReader(const QByteArray &data, QString file, int firstLine)
    : m_file(std::move(file)), m_firstLine(firstLine)
{
    yaml_parser_initialize(&m_parser);
    yaml_parser_set_input_string(&m_parser, reinterpret_cast<const unsigned char *>(data.constData()),
                                 size_t(data.size()));
}

EventReader::~EventReader()
{
    if (m_hasEvent)
        yaml_event_delete(&m_event);
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

Status EventReader::next()
{
    if (m_hasEvent) {
        yaml_event_delete(&m_event);
        m_hasEvent = false;
    }
    if (!yaml_parser_parse(&m_parser, &m_event)) {
        QString what = QString::fromUtf8(m_parser.problem ? m_parser.problem : "invalid YAML");
        if (m_parser.context)
            what += QLatin1String(" (") + QString::fromUtf8(m_parser.context) + QLatin1Char(')');
        return errorAt(m_parser.problem_mark, QLatin1String("malformed YAML: ") + what);
    }
    m_hasEvent = true;
    return {};
}

} // namespace sluice::yaml
