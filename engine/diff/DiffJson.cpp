#include "DiffJson.h"

#include "core/JsonText.h"

#include <QIODevice>
#include <QJsonArray>
#include <QJsonDocument>

#include <charconv>
#include <cstring>
#include <string_view>

namespace sluice {

namespace {

// An object's entry. IndentedObjectWriter writes the same as text (tst_resourcediff compares the
// two byte for byte): change both together.
QJsonObject objectToJson(const ObjectDiff &o)
{
    const QString version = o.apiVersion.section(QLatin1Char('/'), -1);
    QJsonObject entry{{QStringLiteral("group"), o.key.group},
                      {QStringLiteral("version"), version},
                      {QStringLiteral("kind"), o.key.kind},
                      {QStringLiteral("namespace"), o.key.ns},
                      {QStringLiteral("name"), o.key.name},
                      {QStringLiteral("change"), changeKindName(o.change)}};
    if (!o.baseLocation.isEmpty())
        entry.insert(QStringLiteral("baseSource"), o.baseLocation.toString());
    if (!o.headLocation.isEmpty())
        entry.insert(QStringLiteral("headSource"), o.headLocation.toString());
    if (o.change != ChangeKind::Unchanged) {
        QJsonArray fields;
        for (const FieldChange &f : o.fields) {
            QJsonObject field{{QStringLiteral("path"), f.path}};
            if (isOrderValue(f.before)) // a keyed list's items in another order: "before"/"after" name each order
                field.insert(QStringLiteral("order"), true);
            if (!f.before.isAbsent())
                field.insert(QStringLiteral("before"), fieldValueText(f.before));
            if (!f.after.isAbsent())
                field.insert(QStringLiteral("after"), fieldValueText(f.after));
            fields.append(field);
        }
        entry.insert(QStringLiteral("fields"), fields);
        entry.insert(QStringLiteral("diff"), QString::fromUtf8(o.diff));
    }
    return entry;
}

// Writes what QJsonDocument::toJson(Indented) writes for objectToJson(o) at `depth` levels of
// four spaces (members in key order, as a QJsonObject keeps them), the same bytes without the
// tree: a review's JSON is mostly its objects.
class IndentedObjectWriter
{
public:
    IndentedObjectWriter(QByteArray &out, int depth) : m_out(out), m_depth(depth) {}

    void write(const ObjectDiff &o)
    {
        open("{");
        if (!o.baseLocation.isEmpty())
            locationMember("baseSource", o.baseLocation);
        stringMember("change", changeKindName(o.change));
        if (o.change != ChangeKind::Unchanged) {
            member("diff");
            json::appendUtf8String(o.diff, m_out);
            member("fields");
            open("[");
            for (const FieldChange &f : o.fields) {
                item();
                open("{");
                if (!f.after.isAbsent())
                    stringMember("after", fieldValueText(f.after));
                if (!f.before.isAbsent())
                    stringMember("before", fieldValueText(f.before));
                if (isOrderValue(f.before)) { // a keyed list's items in another order: "before"/"after" name each order
                    member("order");
                    raw("true");
                }
                stringMember("path", f.path);
                close("}");
            }
            close("]");
        }
        stringMember("group", o.key.group);
        if (!o.headLocation.isEmpty())
            locationMember("headSource", o.headLocation);
        stringMember("kind", o.key.kind);
        stringMember("name", o.key.name);
        stringMember("namespace", o.key.ns);
        stringMember("version", o.apiVersion.section(QLatin1Char('/'), -1));
        close("}");
    }

private:
    // Appended through resize and memcpy: QByteArray's append costs several times more a call.
    void raw(std::string_view bytes)
    {
        const qsizetype at = m_out.size();
        m_out.resize(at + qsizetype(bytes.size()));
        std::memcpy(m_out.data() + at, bytes.data(), bytes.size());
    }
    void indent()
    {
        Q_ASSERT(4 * m_depth < int(sizeof kSpaces));
        raw({kSpaces, size_t(4 * m_depth)});
    }
    void open(std::string_view bracket)
    {
        raw(bracket);
        raw("\n");
        ++m_depth;
        m_first = true;
    }
    void close(std::string_view bracket)
    {
        --m_depth;
        if (!m_first) // the last member's line ends (an empty one's "[\n" ended already)
            raw("\n");
        indent();
        raw(bracket);
        m_first = false;
    }
    void item()
    {
        if (!m_first)
            raw(",\n");
        m_first = false;
        indent();
    }
    void member(std::string_view key)
    {
        item();
        raw("\"");
        raw(key);
        raw("\": ");
    }
    void stringMember(std::string_view key, const QString &value)
    {
        member(key);
        json::appendString(value, m_out);
    }
    // location.toString(), without making it: the file's string, then ":line" inside its quotes.
    void locationMember(std::string_view key, const SourceLocation &location)
    {
        stringMember(key, location.file);
        if (location.line > 0) {
            char number[16];
            const char *end = std::to_chars(number, number + sizeof number, location.line).ptr;
            m_out.chop(1); // the closing quote
            raw(":");
            raw({number, size_t(end - number)});
            raw("\"");
        }
    }

    static constexpr char kSpaces[] = "                                "; // deep enough for a field's members
    QByteArray &m_out;
    int m_depth;
    bool m_first = true;
};

// Everything but the objects.
QJsonObject headerToJson(const ResourceDiff &diff)
{
    const QJsonObject summary{{QStringLiteral("added"), diff.summary.added},
                              {QStringLiteral("removed"), diff.summary.removed},
                              {QStringLiteral("changed"), diff.summary.changed},
                              {QStringLiteral("unchanged"), diff.summary.unchanged}};
    QJsonObject json{{QStringLiteral("summary"), summary}};
    if (!diff.notes.isEmpty())
        json.insert(QStringLiteral("notes"), QJsonArray::fromStringList(diff.notes));
    return json;
}

} // namespace

QJsonObject diffToJson(const ResourceDiff &diff)
{
    QJsonArray objects;
    forEachObject(diff, [&objects](const ObjectDiff &o) { objects.append(objectToJson(o)); });
    QJsonObject json = headerToJson(diff);
    json.insert(QStringLiteral("objects"), objects);
    return json;
}

void writeDiffJson(QIODevice &out, const ResourceDiff &diff, const QJsonObject &extra)
{
    QJsonObject header = headerToJson(diff);
    for (auto it = extra.begin(); it != extra.end(); ++it)
        header.insert(it.key(), it.value());
    // The header's members, then "objects" written one by one.
    QByteArray text = QJsonDocument(header).toJson(QJsonDocument::Indented);
    text.chop(3); // the closing "\n}\n": the objects follow
    out.write(text);
    out.write(",\n    \"objects\": [");
    bool first = true;
    QByteArray object; // one buffer for every object
    forEachObject(diff, [&](const ObjectDiff &o) {
        object.resize(0);
        object += first ? "\n        " : ",\n        ";
        first = false;
        IndentedObjectWriter(object, 2).write(o);
        out.write(object);
    });
    out.write(first ? "]\n}\n" : "\n    ]\n}\n");
}

} // namespace sluice
