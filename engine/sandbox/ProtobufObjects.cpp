#include "ProtobufObjects.h"

#include <QJsonArray>

#include <map>

namespace sluice::sandbox {

namespace {

Error malformed(const QString &what)
{
    return makeError(ErrorCategory::Kube, QStringLiteral("the protobuf request body is malformed: %1").arg(what), {}, 400);
}

struct WireField
{
    quint64 number = 0;
    int wireType = 0;
    quint64 varint = 0; // wire types 0, 1, 5
    QByteArray bytes;   // wire type 2
};

// Reads protobuf wire-format fields from a byte range it does not own.
class WireReader
{
public:
    explicit WireReader(const QByteArray &data) : m_data(data) {}

    bool atEnd() const { return m_pos >= m_data.size(); }

    Result<WireField> next()
    {
        std::optional<quint64> tag = varint();
        if (!tag)
            return malformed(QStringLiteral("truncated field tag"));
        WireField field;
        field.number = *tag >> 3;
        field.wireType = int(*tag & 7);
        if (field.number == 0)
            return malformed(QStringLiteral("field number 0"));
        switch (field.wireType) {
        case 0: {
            std::optional<quint64> value = varint();
            if (!value)
                return malformed(QStringLiteral("truncated varint"));
            field.varint = *value;
            return field;
        }
        case 1:
        case 5: {
            const qsizetype width = field.wireType == 1 ? 8 : 4;
            if (m_data.size() - m_pos < width)
                return malformed(QStringLiteral("truncated fixed-width value"));
            m_pos += width;
            return field;
        }
        case 2: {
            std::optional<quint64> length = varint();
            if (!length || *length > quint64(m_data.size() - m_pos))
                return malformed(QStringLiteral("a length-delimited field runs past the end of its message"));
            field.bytes = m_data.mid(m_pos, qsizetype(*length));
            m_pos += qsizetype(*length);
            return field;
        }
        default:
            return malformed(QStringLiteral("unsupported wire type %1").arg(field.wireType));
        }
    }

private:
    std::optional<quint64> varint()
    {
        quint64 value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (m_pos >= m_data.size())
                return std::nullopt;
            const auto byte = quint8(m_data[m_pos++]);
            value |= quint64(byte & 0x7f) << shift;
            if (!(byte & 0x80))
                return value;
        }
        return std::nullopt; // more than 10 bytes
    }

    const QByteArray &m_data;
    qsizetype m_pos = 0;
};

// Calls `onField` for every field of `message`; stops at the first malformed one.
template <typename F>
Status forEachField(const QByteArray &message, F onField)
{
    WireReader reader(message);
    while (!reader.atEnd()) {
        Result<WireField> field = reader.next();
        if (!field)
            return field.error();
        if (Status handled = onField(*field); !handled)
            return handled;
    }
    return {};
}

Status expectBytes(const WireField &field, const char *name)
{
    if (field.wireType != 2)
        return malformed(QStringLiteral("%1 has wire type %2, expected length-delimited").arg(QLatin1String(name)).arg(field.wireType));
    return {};
}

// A map<string,string> (or map<string,bytes>, written as base64 as JSON does) entry
// {1: key, 2: value}, inserted into `map`.
enum class MapValues { Strings, Bytes };
Status readMapEntry(const WireField &entry, QJsonObject &map, MapValues values = MapValues::Strings)
{
    if (Status ok = expectBytes(entry, "a map entry"); !ok)
        return ok;
    QString key;
    QString value;
    Status read = forEachField(entry.bytes, [&](const WireField &f) -> Status {
        if (f.number == 1 || f.number == 2) {
            if (Status ok = expectBytes(f, "a map key or value"); !ok)
                return ok;
            if (f.number == 1)
                key = QString::fromUtf8(f.bytes);
            else
                value = values == MapValues::Bytes ? QString::fromLatin1(f.bytes.toBase64()) : QString::fromUtf8(f.bytes);
        }
        return {};
    });
    if (!read)
        return read;
    map.insert(key, value);
    return {};
}

Result<QJsonObject> readObjectMeta(const QByteArray &bytes)
{
    QJsonObject metadata;
    QJsonObject labels;
    QJsonObject annotations;
    QJsonArray finalizers;
    Status read = forEachField(bytes, [&](const WireField &f) -> Status {
        switch (f.number) {
        case 1: // name
        case 2: // generateName
        case 3: // namespace
            if (Status ok = expectBytes(f, "an ObjectMeta string"); !ok)
                return ok;
            if (!f.bytes.isEmpty())
                metadata.insert(f.number == 1 ? QStringLiteral("name") : f.number == 2 ? QStringLiteral("generateName") : QStringLiteral("namespace"),
                                QString::fromUtf8(f.bytes));
            return {};
        case 11:
            return readMapEntry(f, labels);
        case 12:
            return readMapEntry(f, annotations);
        case 14:
            if (Status ok = expectBytes(f, "a finalizer"); !ok)
                return ok;
            finalizers.append(QString::fromUtf8(f.bytes));
            return {};
        default: // server-owned or unsupported fields (uid, resourceVersion, ownerReferences, …)
            return {};
        }
    });
    if (!read)
        return read.error();
    if (!labels.isEmpty())
        metadata.insert(QStringLiteral("labels"), labels);
    if (!annotations.isEmpty())
        metadata.insert(QStringLiteral("annotations"), annotations);
    if (!finalizers.isEmpty())
        metadata.insert(QStringLiteral("finalizers"), finalizers);
    return metadata;
}

Status readMetadata(const WireField &f, QJsonObject &object)
{
    if (Status ok = expectBytes(f, "metadata"); !ok)
        return ok;
    Result<QJsonObject> metadata = readObjectMeta(f.bytes);
    if (!metadata)
        return metadata.error();
    object.insert(QStringLiteral("metadata"), *metadata);
    return {};
}

Result<QJsonObject> readNamespace(const QByteArray &bytes)
{
    QJsonObject object{{QStringLiteral("apiVersion"), QStringLiteral("v1")}, {QStringLiteral("kind"), QStringLiteral("Namespace")}};
    QJsonArray specFinalizers;
    Status read = forEachField(bytes, [&](const WireField &f) -> Status {
        if (f.number == 1)
            return readMetadata(f, object);
        if (f.number == 2) {
            if (Status ok = expectBytes(f, "Namespace.spec"); !ok)
                return ok;
            return forEachField(f.bytes, [&](const WireField &s) -> Status {
                if (s.number != 1)
                    return {};
                if (Status ok = expectBytes(s, "NamespaceSpec.finalizers"); !ok)
                    return ok;
                specFinalizers.append(QString::fromUtf8(s.bytes));
                return {};
            });
        }
        return {}; // 3 status: server-owned
    });
    if (!read)
        return read.error();
    if (!specFinalizers.isEmpty())
        object.insert(QStringLiteral("spec"), QJsonObject{{QStringLiteral("finalizers"), specFinalizers}});
    return object;
}

// A ConfigMap {1 metadata, 2 data, 3 binaryData, 4 immutable} or a Secret {1 metadata,
// 2 data (bytes), 3 type, 4 stringData, 5 immutable}: maps, one string and one bool.
struct DataLayout
{
    QString kind;
    std::map<quint64, std::pair<QString, MapValues>> maps;
    quint64 stringField = 0; // Secret.type
    quint64 boolField = 0;   // immutable
};

Result<QJsonObject> readDataObject(const QByteArray &bytes, const DataLayout &layout)
{
    QJsonObject object{{QStringLiteral("apiVersion"), QStringLiteral("v1")}, {QStringLiteral("kind"), layout.kind}};
    std::map<QString, QJsonObject> maps;
    Status read = forEachField(bytes, [&](const WireField &f) -> Status {
        if (f.number == 1)
            return readMetadata(f, object);
        if (const auto map = layout.maps.find(f.number); map != layout.maps.end())
            return readMapEntry(f, maps[map->second.first], map->second.second);
        if (f.number == layout.stringField) {
            if (Status ok = expectBytes(f, "Secret.type"); !ok)
                return ok;
            object.insert(QStringLiteral("type"), QString::fromUtf8(f.bytes));
        } else if (f.number == layout.boolField) {
            if (f.wireType != 0)
                return malformed(QStringLiteral("immutable is not a varint"));
            object.insert(QStringLiteral("immutable"), f.varint != 0);
        }
        return {};
    });
    if (!read)
        return read.error();
    for (const auto &[name, map] : maps)
        object.insert(name, map);
    return object;
}

} // namespace

Result<QJsonObject> decodeProtobufObject(const QByteArray &body)
{
    static const QByteArray magic("k8s\0", 4);
    if (!body.startsWith(magic))
        return malformed(QStringLiteral("it does not start with the \"k8s\\0\" envelope"));
    QString apiVersion;
    QString kind;
    QByteArray raw;
    Status read = forEachField(body.mid(magic.size()), [&](const WireField &f) -> Status {
        if (f.number == 1) {
            if (Status ok = expectBytes(f, "Unknown.typeMeta"); !ok)
                return ok;
            return forEachField(f.bytes, [&](const WireField &t) -> Status {
                if (t.number == 1 || t.number == 2) {
                    if (Status ok = expectBytes(t, "a TypeMeta string"); !ok)
                        return ok;
                    (t.number == 1 ? apiVersion : kind) = QString::fromUtf8(t.bytes);
                }
                return {};
            });
        }
        if (f.number == 2) {
            if (Status ok = expectBytes(f, "Unknown.raw"); !ok)
                return ok;
            raw = f.bytes;
        }
        return {};
    });
    if (!read)
        return read.error();
    if (apiVersion == QLatin1String("v1")) {
        if (kind == QLatin1String("Namespace"))
            return readNamespace(raw);
        if (kind == QLatin1String("ConfigMap"))
            return readDataObject(raw, {kind, {{2, {QStringLiteral("data"), MapValues::Strings}}, {3, {QStringLiteral("binaryData"), MapValues::Bytes}}}, 0, 4});
        if (kind == QLatin1String("Secret"))
            return readDataObject(raw, {kind, {{2, {QStringLiteral("data"), MapValues::Bytes}}, {4, {QStringLiteral("stringData"), MapValues::Strings}}}, 3, 5});
    }
    return makeError(ErrorCategory::Kube,
                     QStringLiteral("protobuf bodies are supported for v1 Namespace, ConfigMap and Secret, not %1 %2; send JSON")
                         .arg(apiVersion, kind),
                     {}, 415);
}

} // namespace sluice::sandbox
