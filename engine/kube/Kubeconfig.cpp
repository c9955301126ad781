// parseKubeconfig: the pure part. Loading, merging and resolving live in KubeconfigResolve.cpp.

#include "Kubeconfig.h"

#include "render/YamlTree.h"

#include <QDir>
#include <QFileInfo>

#include <yaml-cpp/yaml.h>

namespace sluice::kube {

QString Origin::toString() const
{
    if (file.isEmpty())
        return QStringLiteral("<inline>:%1").arg(line);
    return QStringLiteral("%1:%2").arg(file).arg(line);
}

namespace {

// Typed access to yaml-cpp nodes. Every failure is an Error "file:line: what".
class Reader
{
public:
    Reader(QString file, QString dir) : m_file(std::move(file)), m_dir(std::move(dir)) {}

    int line(const YAML::Node &node, int fallback = 0) const
    {
        return node.Mark().is_null() ? fallback : node.Mark().line + 1;
    }

    Origin origin(const YAML::Node &node) const { return Origin{m_file, line(node)}; }

    Error error(const YAML::Node &node, const QString &what, int fallbackLine = 0) const
    {
        return errorAt(line(node, fallbackLine), what);
    }

    Error errorAt(int line, const QString &what) const
    {
        const QString file = m_file.isEmpty() ? QStringLiteral("<inline>") : m_file;
        return makeError(ErrorCategory::Kube,
                         QStringLiteral("%1:%2: %3").arg(file).arg(line).arg(what));
    }

    // A string field. Any scalar is accepted (kubectl turns `token: 123` into "123"); null or
    // absent leaves `out` unchanged; a list or a mapping is an error.
    Status string(const YAML::Node &map, const char *key, QString &out) const
    {
        const YAML::Node node = map[key];
        if (!node || node.IsNull())
            return {};
        if (!node.IsScalar())
            return error(node, QStringLiteral("\"%1\" must be a string").arg(QLatin1String(key)),
                         line(map));
        out = QString::fromStdString(node.Scalar());
        return {};
    }

    Status boolean(const YAML::Node &map, const char *key, bool &out) const
    {
        const YAML::Node node = map[key];
        if (!node || node.IsNull())
            return {};
        // YAML 1.1 booleans, as kubectl's YAML reader accepts them.
        static const QStringList yes = {"true", "True", "TRUE", "yes", "Yes",
                                        "YES",  "on",   "On",   "ON"};
        static const QStringList no = {"false", "False", "FALSE", "no", "No",
                                       "NO",    "off",   "Off",   "OFF"};
        const QString s = node.IsScalar() ? QString::fromStdString(node.Scalar()) : QString();
        if (yes.contains(s))
            out = true;
        else if (no.contains(s))
            out = false;
        else
            return error(node,
                         QStringLiteral("\"%1\" must be true or false").arg(QLatin1String(key)),
                         line(map));
        return {};
    }

    // A `*-data` field: base64 as in kubectl (line breaks inside the text are allowed).
    Status base64(const YAML::Node &map, const char *key, QByteArray &out) const
    {
        QString text;
        if (Status s = string(map, key, text); !s)
            return s;
        QByteArray encoded = text.toLatin1();
        encoded.replace('\n', QByteArray()).replace('\r', QByteArray());
        if (encoded.isEmpty())
            return {};
        auto decoded =
            QByteArray::fromBase64Encoding(encoded, QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded)
            return error(map[key],
                         QStringLiteral("\"%1\" is not valid base64").arg(QLatin1String(key)),
                         line(map));
        out = *decoded;
        return {};
    }

    // A path field, made absolute against the kubeconfig's directory when relative.
    Status path(const YAML::Node &map, const char *key, QString &out) const
    {
        if (Status s = string(map, key, out); !s)
            return s;
        out = resolve(out);
        return {};
    }

    QString resolve(const QString &path) const
    {
        if (path.isEmpty() || m_dir.isEmpty() || QDir::isAbsolutePath(path))
            return path;
        return QDir::cleanPath(QDir(m_dir).absoluteFilePath(path));
    }

    Status stringList(const YAML::Node &map, const char *key, QStringList &out) const
    {
        const YAML::Node node = map[key];
        if (!node || node.IsNull())
            return {};
        if (!node.IsSequence())
            return error(node,
                         QStringLiteral("\"%1\" must be a list of strings").arg(QLatin1String(key)),
                         line(map));
        for (const auto &item : node) {
            if (!item.IsScalar())
                return error(
                    item,
                    QStringLiteral("\"%1\" must be a list of strings").arg(QLatin1String(key)),
                    line(node));
            out << QString::fromStdString(item.Scalar());
        }
        return {};
    }

    // A mapping (null counts as an empty one).
    Status mapping(const YAML::Node &node, const QString &what, int fallbackLine) const
    {
        if (node && !node.IsNull() && !node.IsMap())
            return error(node, QStringLiteral("%1 must be a mapping").arg(what), fallbackLine);
        return {};
    }

private:
    QString m_file;
    QString m_dir;
};

Result<Cluster> readCluster(const Reader &r, const YAML::Node &node, const Origin &origin)
{
    Cluster c;
    c.origin = origin;
    SLUICE_TRY(r.mapping(node, QStringLiteral("\"cluster\""), origin.line));
    if (!node || node.IsNull())
        return c;
    SLUICE_TRY(r.string(node, "server", c.server));
    SLUICE_TRY(r.path(node, "certificate-authority", c.certificateAuthority));
    SLUICE_TRY(r.base64(node, "certificate-authority-data", c.certificateAuthorityData));
    SLUICE_TRY(r.boolean(node, "insecure-skip-tls-verify", c.insecureSkipTlsVerify));
    SLUICE_TRY(r.string(node, "tls-server-name", c.tlsServerName));
    SLUICE_TRY(r.string(node, "proxy-url", c.proxyUrl));
    return c;
}

Result<ExecConfig> readExec(const Reader &r, const YAML::Node &node, int fallbackLine)
{
    ExecConfig e;
    SLUICE_TRY(r.string(node, "apiVersion", e.apiVersion));
    SLUICE_TRY(r.string(node, "command", e.command));
    if (e.command.contains(QLatin1Char('/')))
        e.command = r.resolve(e.command);
    SLUICE_TRY(r.stringList(node, "args", e.args));
    if (const YAML::Node env = node["env"]; env && !env.IsNull()) {
        if (!env.IsSequence())
            return r.error(env, QStringLiteral("\"env\" must be a list of {name, value}"),
                           fallbackLine);
        for (const auto &item : env) {
            SLUICE_TRY(r.mapping(item, QStringLiteral("an \"env\" entry"), r.line(env)));
            ExecEnvVar var;
            if (item.IsMap()) {
                SLUICE_TRY(r.string(item, "name", var.name));
                SLUICE_TRY(r.string(item, "value", var.value));
            }
            e.env.append(var);
        }
    }
    SLUICE_TRY(r.boolean(node, "provideClusterInfo", e.provideClusterInfo));
    SLUICE_TRY(r.string(node, "interactiveMode", e.interactiveMode));
    SLUICE_TRY(r.string(node, "installHint", e.installHint));
    return e;
}

Result<AuthInfo> readUser(const Reader &r, const YAML::Node &node, const Origin &origin)
{
    AuthInfo u;
    u.origin = origin;
    SLUICE_TRY(r.mapping(node, QStringLiteral("\"user\""), origin.line));
    if (!node || node.IsNull())
        return u;
    SLUICE_TRY(r.path(node, "client-certificate", u.clientCertificate));
    SLUICE_TRY(r.base64(node, "client-certificate-data", u.clientCertificateData));
    SLUICE_TRY(r.path(node, "client-key", u.clientKey));
    SLUICE_TRY(r.base64(node, "client-key-data", u.clientKeyData));
    SLUICE_TRY(r.string(node, "token", u.token));
    SLUICE_TRY(r.path(node, "tokenFile", u.tokenFile));
    SLUICE_TRY(r.string(node, "username", u.username));
    SLUICE_TRY(r.string(node, "password", u.password));
    if (const YAML::Node exec = node["exec"]; exec && !exec.IsNull()) {
        SLUICE_TRY(r.mapping(exec, QStringLiteral("\"exec\""), origin.line));
        auto e = readExec(r, exec, r.line(exec, origin.line));
        if (!e)
            return e.error();
        u.exec = *e;
    }
    if (const YAML::Node provider = node["auth-provider"]; provider && !provider.IsNull()) {
        SLUICE_TRY(r.mapping(provider, QStringLiteral("\"auth-provider\""), origin.line));
        SLUICE_TRY(r.string(provider, "name", u.authProvider));
        if (u.authProvider.isEmpty())
            u.authProvider = QStringLiteral("(unnamed)");
    }
    return u;
}

Result<Context> readContext(const Reader &r, const YAML::Node &node, const Origin &origin)
{
    Context c;
    c.origin = origin;
    SLUICE_TRY(r.mapping(node, QStringLiteral("\"context\""), origin.line));
    if (!node || node.IsNull())
        return c;
    SLUICE_TRY(r.string(node, "cluster", c.cluster));
    SLUICE_TRY(r.string(node, "user", c.user));
    SLUICE_TRY(r.string(node, "namespace", c.ns));
    return c;
}

// Reads one of the named lists (clusters, users, contexts): [{name: …, <field>: {…}}].
template <typename T, typename ReadFn>
Status readNamedList(const Reader &r, const YAML::Node &root, const char *listKey,
                     const char *itemKey, QMap<QString, T> &out, ReadFn read)
{
    const YAML::Node list = root[listKey];
    if (!list || list.IsNull())
        return {};
    if (!list.IsSequence())
        return r.error(list, QStringLiteral("\"%1\" must be a list").arg(QLatin1String(listKey)),
                       r.line(root));
    for (const auto &item : list) {
        if (!item.IsMap())
            return r.error(
                item,
                QStringLiteral("an entry of \"%1\" must be a mapping with \"name\" and \"%2\"")
                    .arg(QLatin1String(listKey), QLatin1String(itemKey)),
                r.line(list));
        QString name;
        SLUICE_TRY(r.string(item, "name", name));
        if (out.contains(name))
            return r.error(item, QStringLiteral("duplicate name \"%1\" in \"%2\"")
                                     .arg(name, QLatin1String(listKey)));
        auto value = read(r, item[itemKey], r.origin(item));
        if (!value)
            return value.error();
        out.insert(name, *value);
    }
    return {};
}

Result<Kubeconfig> parseDocument(const Reader &r, const YAML::Node &root)
{
    Kubeconfig config;
    if (!root || root.IsNull())
        return config;
    if (!root.IsMap())
        return r.error(
            root,
            QStringLiteral(
                "a kubeconfig must be a mapping (apiVersion, clusters, users, contexts, …)"),
            1);
    QString kind;
    SLUICE_TRY(r.string(root, "kind", kind));
    if (!kind.isEmpty() && kind != QLatin1String("Config"))
        return r.error(
            root["kind"],
            QStringLiteral("kind must be Config, not \"%1\": this is not a kubeconfig").arg(kind));
    SLUICE_TRY(r.string(root, "current-context", config.currentContext));
    SLUICE_TRY(readNamedList(r, root, "clusters", "cluster", config.clusters, readCluster));
    SLUICE_TRY(readNamedList(r, root, "users", "user", config.users, readUser));
    SLUICE_TRY(readNamedList(r, root, "contexts", "context", config.contexts, readContext));
    return config;
}

} // namespace

Result<Kubeconfig> parseKubeconfig(const QByteArray &bytes, const QString &path)
{
    const QString dir = path.isEmpty() ? QString() : QFileInfo(path).absolutePath();
    const Reader r(path, dir);
    try {
        const YAML::Node root = YAML::Load(bytes.toStdString());
        // yaml-cpp keeps both of two equal keys (a lookup finds the first) and reads only the
        // first document: a second `token:` or `users:`, or a second document, would pass
        // unread. The YAML tree builder refuses both, naming file:line.
        if (auto strict = yaml::parseDocument(bytes, path.isEmpty() ? QStringLiteral("<inline>") : path); !strict) {
            Error error = strict.error();
            error.category = ErrorCategory::Kube;
            return error;
        }
        auto config = parseDocument(r, root);
        if (config && !path.isEmpty())
            config->files = QStringList{path};
        return config;
    } catch (const YAML::Exception &e) {
        const int line = e.mark.is_null() ? 0 : e.mark.line + 1;
        return r.errorAt(line,
                         QStringLiteral("malformed YAML: %1").arg(QString::fromStdString(e.msg)));
    }
}

} // namespace sluice::kube
