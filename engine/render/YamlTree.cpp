#include "YamlTree.h"

#include "YamlEvents.h"
#include "YamlScalar.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>

#include <yaml-cpp/yaml.h>

#include <vector>

namespace sluice::yaml {
namespace {

struct Frame
{
    bool isMap = false;
    QJsonObject object;
    QJsonArray array;
    QString key; // the pending key in a map
    bool haveKey = false;
    QByteArray anchor;
    qint64 expanded = 1; // nodes this collection expands to, aliases included
    yaml_mark_t start{};
};

struct Node
{
    QJsonValue value;
    qint64 expanded = 1;
};

class TreeBuilder
{
public:
    TreeBuilder(const QByteArray &text, const QString &file, int firstLine)
        : m_reader(text, file, firstLine)
    {
    }

    Result<QJsonValue> run()
    {
        int documents = 0;
        std::optional<QJsonValue> root;
        for (;;) {
            if (Status s = m_reader.next(); !s)
                return s.error();
            const yaml_event_t &e = m_reader.event();
            switch (e.type) {
            case YAML_STREAM_END_EVENT:
                return root.value_or(QJsonValue(QJsonValue::Null));
            case YAML_DOCUMENT_START_EVENT:
                if (++documents > 1)
                    return m_reader.errorAt(e.start_mark,
                                            QStringLiteral("expected one document, found more"));
                break;
            case YAML_MAPPING_START_EVENT:
            case YAML_SEQUENCE_START_EVENT: {
                if (int(m_stack.size()) >= kMaxDepth)
                    return m_reader.errorAt(e.start_mark,
                                            QStringLiteral("nesting deeper than %1 levels").arg(kMaxDepth));
                Frame f;
                f.isMap = e.type == YAML_MAPPING_START_EVENT;
                const auto *anchor = f.isMap ? e.data.mapping_start.anchor : e.data.sequence_start.anchor;
                if (anchor)
                    f.anchor = QByteArray(reinterpret_cast<const char *>(anchor));
                f.start = e.start_mark;
                m_stack.push_back(std::move(f));
                break;
            }
            case YAML_MAPPING_END_EVENT:
            case YAML_SEQUENCE_END_EVENT: {
                Frame f = std::move(m_stack.back());
                m_stack.pop_back();
                Node node{f.isMap ? QJsonValue(f.object) : QJsonValue(f.array), f.expanded};
                if (!f.anchor.isEmpty())
                    m_anchors.insert(f.anchor, node);
                if (Status s = add(std::move(node), f.start, root); !s)
                    return s.error();
                break;
            }
            case YAML_SCALAR_EVENT: {
                const QByteArray value = scalarBytes(e);
                const auto style = e.data.scalar.style == YAML_PLAIN_SCALAR_STYLE ? ScalarStyle::Plain
                                   : (e.data.scalar.style == YAML_LITERAL_SCALAR_STYLE ||
                                      e.data.scalar.style == YAML_FOLDED_SCALAR_STYLE)
                                       ? ScalarStyle::Block
                                       : ScalarStyle::Quoted;
                const QByteArray tag = e.data.scalar.tag
                                           ? QByteArray(reinterpret_cast<const char *>(e.data.scalar.tag))
                                           : QByteArray();
                Node node{isKeyPosition() ? QJsonValue(QString::fromUtf8(value))
                                          : resolveScalar(value, style, tag),
                          1};
                if (e.data.scalar.anchor)
                    m_anchors.insert(QByteArray(reinterpret_cast<const char *>(e.data.scalar.anchor)), node);
                if (Status s = add(std::move(node), e.start_mark, root); !s)
                    return s.error();
                break;
            }
            case YAML_ALIAS_EVENT: {
                const QByteArray name(reinterpret_cast<const char *>(e.data.alias.anchor));
                const auto it = m_anchors.constFind(name);
                if (it == m_anchors.constEnd())
                    return m_reader.errorAt(e.start_mark,
                                            QStringLiteral("unknown alias *%1").arg(QString::fromUtf8(name)));
                m_aliasExpanded += it->expanded;
                if (m_aliasExpanded > 4 * m_events + kAliasAllowance)
                    return m_reader.errorAt(e.start_mark,
                                            QStringLiteral("document contains excessive aliasing (an "
                                                           "alias bomb?): refused"));
                if (Status s = add(*it, e.start_mark, root); !s)
                    return s.error();
                break;
            }
            default:
                break;
            }
            ++m_events;
        }
    }

private:
    bool isKeyPosition() const { return !m_stack.empty() && m_stack.back().isMap && !m_stack.back().haveKey; }

    Status add(Node node, const yaml_mark_t &mark, std::optional<QJsonValue> &root)
    {
        if (m_stack.empty()) {
            root = std::move(node.value);
            return {};
        }
        Frame &parent = m_stack.back();
        parent.expanded += node.expanded;
        if (!parent.isMap) {
            parent.array.append(node.value);
            return {};
        }
        if (!parent.haveKey) {
            if (!node.value.isString())
                return m_reader.errorAt(mark, QStringLiteral("a mapping key must be a scalar"));
            parent.key = node.value.toString();
            if (parent.object.contains(parent.key))
                return m_reader.errorAt(mark, QStringLiteral("duplicate key \"%1\"").arg(parent.key));
            parent.haveKey = true;
            return {};
        }
        parent.object.insert(parent.key, node.value);
        parent.haveKey = false;
        return {};
    }

    EventReader m_reader;
    std::vector<Frame> m_stack;
    QHash<QByteArray, Node> m_anchors;
    qint64 m_events = 0;
    qint64 m_aliasExpanded = 0;
};

bool needsQuotes(const QString &s)
{
    if (s.isEmpty())
        return true;
    const QByteArray utf8 = s.toUtf8();
    const QJsonValue plain = resolveScalar(utf8, ScalarStyle::Plain);
    if (!plain.isString())
        return true;
    // Leave the rest to yaml-cpp, which quotes indicators and special characters itself.
    return false;
}

void emitValue(YAML::Emitter &out, const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Object: {
        const QJsonObject object = value.toObject();
        if (object.isEmpty()) {
            out << YAML::Flow << YAML::BeginMap << YAML::EndMap;
            return;
        }
        out << YAML::BeginMap;
        for (auto it = object.begin(); it != object.end(); ++it) {
            out << YAML::Key << it.key().toStdString() << YAML::Value;
            emitValue(out, it.value());
        }
        out << YAML::EndMap;
        return;
    }
    case QJsonValue::Array: {
        const QJsonArray array = value.toArray();
        if (array.isEmpty()) {
            out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
            return;
        }
        out << YAML::BeginSeq;
        for (const QJsonValue &item : array)
            emitValue(out, item);
        out << YAML::EndSeq;
        return;
    }
    case QJsonValue::String: {
        const QString s = value.toString();
        if (s.contains(QLatin1Char('\n')) && !s.contains(QLatin1String(" \n")) &&
            !s.contains(QLatin1Char('\t')) && !s.startsWith(QLatin1Char(' ')))
            out << YAML::Literal << s.toStdString();
        else if (needsQuotes(s))
            out << YAML::DoubleQuoted << s.toStdString();
        else
            out << s.toStdString();
        return;
    }
    case QJsonValue::Double: {
        const QVariant v = value.toVariant();
        if (v.typeId() == QMetaType::LongLong)
            out << v.toLongLong();
        else
            out << QByteArray::number(value.toDouble(), 'g', QLocale::FloatingPointShortest).toStdString();
        return;
    }
    case QJsonValue::Bool:
        out << (value.toBool() ? "true" : "false");
        return;
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        out << YAML::Null;
        return;
    }
}

} // namespace

Result<QJsonValue> parseDocument(const QByteArray &text, const QString &file, int firstLine)
{
    return TreeBuilder(text, file, firstLine).run();
}

QByteArray toYaml(const QJsonValue &value)
{
    YAML::Emitter out;
    out.SetIndent(2);
    out.SetSeqFormat(YAML::Block);
    out.SetMapFormat(YAML::Block);
    out.SetNullFormat(YAML::LowerNull);
    emitValue(out, value);
    QByteArray result(out.c_str(), qsizetype(out.size()));
    if (!result.endsWith('\n'))
        result.append('\n');
    return result;
}

} // namespace sluice::yaml
