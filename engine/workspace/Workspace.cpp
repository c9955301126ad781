#include "Workspace.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include "git/Mirror.h"
#include "render/YamlTree.h"

#include <yaml-cpp/yaml.h>

#include <initializer_list>

namespace sluice {
namespace {

// Validation helpers over yaml-cpp nodes. Each returns an Error naming file:line on failure.
class Reader
{
public:
    explicit Reader(QString file) : m_file(std::move(file)) {}

    Error error(const YAML::Node &node, const QString &what) const
    {
        const int line = node.Mark().is_null() ? 0 : node.Mark().line + 1;
        return makeError(ErrorCategory::Workspace, QStringLiteral("%1:%2: %3").arg(m_file).arg(line).arg(what));
    }

    int line(const YAML::Node &node) const { return node.Mark().is_null() ? 0 : node.Mark().line + 1; }

    Status expectMap(const YAML::Node &node, const QString &what, std::initializer_list<const char *> allowed) const
    {
        if (!node.IsMap())
            return error(node, QStringLiteral("%1 must be a mapping").arg(what));
        for (const auto &entry : node) {
            const std::string key = entry.first.Scalar();
            bool known = false;
            for (const char *a : allowed)
                known = known || key == a;
            if (!known) {
                QStringList names;
                for (const char *a : allowed)
                    names << QLatin1String(a);
                return error(entry.first, QStringLiteral("unknown key \"%1\" in %2 (expected one of: %3)")
                                              .arg(elideMiddle(QString::fromStdString(key)), what, names.join(QStringLiteral(", "))));
            }
        }
        return {};
    }

    Status integer(const YAML::Node &map, const char *key, int &out, int min, int max) const
    {
        const YAML::Node node = map[key];
        if (!node)
            return {};
        bool ok = false;
        const int value = node.IsScalar() ? QString::fromStdString(node.Scalar()).toInt(&ok) : 0;
        if (!ok || value < min || value > max)
            return error(node, QStringLiteral("\"%1\" must be a whole number from %2 to %3").arg(QLatin1String(key)).arg(min).arg(max));
        out = value;
        return {};
    }

    // An optional string field; absent leaves `out` unchanged.
    Status string(const YAML::Node &map, const char *key, QString &out, bool required = false) const
    {
        const YAML::Node node = map[key];
        if (!node) {
            if (required)
                return error(map, QStringLiteral("missing required key \"%1\"").arg(QLatin1String(key)));
            return {};
        }
        if (!node.IsScalar())
            return error(node, QStringLiteral("\"%1\" must be a string").arg(QLatin1String(key)));
        out = QString::fromStdString(node.Scalar());
        if (required && out.isEmpty())
            return error(node, QStringLiteral("\"%1\" must not be empty").arg(QLatin1String(key)));
        return {};
    }

    Status boolean(const YAML::Node &map, const char *key, bool &out) const
    {
        const YAML::Node node = map[key];
        if (!node)
            return {};
        const std::string s = node.IsScalar() ? node.Scalar() : std::string();
        if (s == "true")
            out = true;
        else if (s == "false")
            out = false;
        else
            return error(node, QStringLiteral("\"%1\" must be true or false").arg(QLatin1String(key)));
        return {};
    }

    Status stringMap(const YAML::Node &map, const char *key, QHash<QString, QString> &out) const
    {
        const YAML::Node node = map[key];
        if (!node)
            return {};
        if (!node.IsMap())
            return error(node, QStringLiteral("\"%1\" must be a mapping of strings").arg(QLatin1String(key)));
        for (const auto &entry : node) {
            if (!entry.second.IsScalar())
                return error(entry.second, QStringLiteral("\"%1\" must be a mapping of strings").arg(QLatin1String(key)));
            out.insert(QString::fromStdString(entry.first.Scalar()), QString::fromStdString(entry.second.Scalar()));
        }
        return {};
    }

    // A list kept as JSON text (Flux patches, images, copy operations); scalars are strings.
    Status jsonList(const YAML::Node &map, const char *key, QByteArray &out) const
    {
        const YAML::Node node = map[key];
        if (!node)
            return {};
        if (!node.IsSequence())
            return error(node, QStringLiteral("\"%1\" must be a list").arg(QLatin1String(key)));
        out = QJsonDocument(toJson(node).toArray()).toJson(QJsonDocument::Compact);
        return {};
    }

    static QJsonValue toJson(const YAML::Node &node)
    {
        if (node.IsSequence()) {
            QJsonArray array;
            for (const auto &item : node)
                array.append(toJson(item));
            return array;
        }
        if (node.IsMap()) {
            QJsonObject object;
            for (const auto &entry : node)
                object.insert(QString::fromStdString(entry.first.Scalar()), toJson(entry.second));
            return object;
        }
        if (node.Tag() != "!" && (node.Scalar() == "true" || node.Scalar() == "false"))
            return node.Scalar() == "true"; // optional: true in copy operations
        return QString::fromStdString(node.Scalar());
    }

    Status stringList(const YAML::Node &map, const char *key, QStringList &out) const
    {
        const YAML::Node node = map[key];
        if (!node)
            return {};
        if (!node.IsSequence())
            return error(node, QStringLiteral("\"%1\" must be a list of strings").arg(QLatin1String(key)));
        for (const auto &item : node) {
            if (!item.IsScalar())
                return error(item, QStringLiteral("\"%1\" must be a list of strings").arg(QLatin1String(key)));
            out << QString::fromStdString(item.Scalar());
        }
        return {};
    }

private:
    QString m_file;
};

QString absoluteAgainst(const QString &dir, const QString &path)
{
    return QDir::cleanPath(QDir(dir).absoluteFilePath(path));
}

Result<ClusterConfig> readCluster(const Reader &r, const YAML::Node &node, const QString &dir)
{
    SLUICE_TRY(r.expectMap(node, QStringLiteral("a cluster"), {"name", "context", "kubeconfig", "sandbox", "protected"}));
    ClusterConfig c;
    SLUICE_TRY(r.string(node, "name", c.name, true));
    SLUICE_TRY(r.string(node, "context", c.context));
    SLUICE_TRY(r.string(node, "kubeconfig", c.kubeconfig));
    SLUICE_TRY(r.boolean(node, "protected", c.isProtected));
    if (!c.kubeconfig.isEmpty())
        c.kubeconfig = absoluteAgainst(dir, c.kubeconfig);
    if (const YAML::Node sandbox = node["sandbox"]) {
        SLUICE_TRY(r.expectMap(sandbox, QStringLiteral("sandbox"), {"dataDir"}));
        c.sandbox = true;
        QString dataDir = QStringLiteral(".sluice/sandbox");
        SLUICE_TRY(r.string(sandbox, "dataDir", dataDir));
        c.sandboxDataDir = absoluteAgainst(dir, dataDir);
    }
    if (c.sandbox == !c.context.isEmpty())
        return r.error(node, QStringLiteral("cluster \"%1\" needs exactly one of \"context\" or \"sandbox\"").arg(elideMiddle(c.name)));
    return c;
}

Result<IgnoreRule> readIgnore(const Reader &r, const YAML::Node &node)
{
    SLUICE_TRY(r.expectMap(node, QStringLiteral("an ignore rule"), {"group", "kind", "namespace", "name", "jsonPointers"}));
    IgnoreRule rule;
    SLUICE_TRY(r.string(node, "group", rule.group));
    SLUICE_TRY(r.string(node, "kind", rule.kind));
    SLUICE_TRY(r.string(node, "namespace", rule.ns));
    SLUICE_TRY(r.string(node, "name", rule.name));
    SLUICE_TRY(r.stringList(node, "jsonPointers", rule.jsonPointers));
    if (rule.jsonPointers.isEmpty())
        return r.error(node, QStringLiteral("an ignore rule needs \"jsonPointers\""));
    for (const QString &p : rule.jsonPointers) {
        if (!p.startsWith(QLatin1Char('/')))
            return r.error(node, QStringLiteral("JSON pointer \"%1\" must start with \"/\"").arg(elideMiddle(p)));
    }
    return rule;
}

Result<ApplicationConfig> readApplication(const Reader &r, const YAML::Node &node, const QString &dir)
{
    SLUICE_TRY(r.expectMap(node, QStringLiteral("an application"), {"name", "source", "destination", "sync", "ignore", "controller"}));
    ApplicationConfig app;
    app.line = r.line(node);
    SLUICE_TRY(r.string(node, "name", app.name, true));

    const YAML::Node source = node["source"];
    if (!source)
        return r.error(node, QStringLiteral("application \"%1\" has no \"source\"").arg(elideMiddle(app.name)));
    SLUICE_TRY(r.expectMap(source, QStringLiteral("source"), {"repo", "revision", "path", "renderer", "helm", "flux", "recurse"}));
    SLUICE_TRY(r.string(source, "repo", app.repo, true));
    SLUICE_TRY(r.string(source, "revision", app.revision));
    SLUICE_TRY(r.string(source, "path", app.path));
    if (!git::isRemoteUrl(app.repo))
        app.repoPath = absoluteAgainst(dir, app.repo);
    if (app.path.startsWith(QLatin1Char('/')) || QDir::cleanPath(app.path).startsWith(QLatin1String("..")))
        return r.error(source, QStringLiteral("\"path\" must stay inside the repository: %1").arg(elideMiddle(app.path)));
    QString renderer = QStringLiteral("auto");
    SLUICE_TRY(r.string(source, "renderer", renderer));
    const auto kind = parseRendererName(renderer);
    if (!kind)
        return r.error(source["renderer"], QStringLiteral("unknown renderer \"%1\" (expected auto, plain, kustomize, helm or flux)").arg(elideMiddle(renderer)));
    app.render.renderer = *kind;
    app.render.releaseName = app.name;
    if (const YAML::Node helm = source["helm"]) {
        SLUICE_TRY(r.expectMap(helm, QStringLiteral("helm"), {"releaseName", "valueFiles", "values", "repo", "chart", "version"}));
        QString values;
        SLUICE_TRY(r.string(helm, "values", values));
        app.render.helm.values = values.toUtf8();
        SLUICE_TRY(r.string(helm, "releaseName", app.render.helm.releaseName));
        SLUICE_TRY(r.stringList(helm, "valueFiles", app.render.helm.valueFiles));
        SLUICE_TRY(r.string(helm, "repo", app.render.helm.repo));
        SLUICE_TRY(r.string(helm, "chart", app.render.helm.chart));
        SLUICE_TRY(r.string(helm, "version", app.render.helm.version));
        if (app.render.helm.repo.isEmpty() != app.render.helm.chart.isEmpty())
            return r.error(helm, QStringLiteral("helm needs both \"repo\" and \"chart\" for a chart from a chart repository"));
    }

    SLUICE_TRY(r.boolean(source, "recurse", app.render.recurse));
    if (const YAML::Node flux = source["flux"]) {
        FluxOptions &f = app.render.flux;
        SLUICE_TRY(r.expectMap(flux, QStringLiteral("flux"), {"targetNamespace", "namePrefix", "nameSuffix", "patches", "images",
                                                              "substitute", "variables", "gitRepositories", "helmRepositories",
                                                              "artifactPath", "artifactCopies", "commonLabels", "commonAnnotations",
                                                              "repositoryObjects"}));
        SLUICE_TRY(r.stringMap(flux, "repositoryObjects", f.repositoryObjects));
        SLUICE_TRY(r.string(flux, "targetNamespace", f.targetNamespace));
        SLUICE_TRY(r.string(flux, "namePrefix", f.namePrefix));
        SLUICE_TRY(r.string(flux, "nameSuffix", f.nameSuffix));
        SLUICE_TRY(r.jsonList(flux, "patches", f.patches));
        SLUICE_TRY(r.jsonList(flux, "images", f.images));
        SLUICE_TRY(r.boolean(flux, "substitute", f.substitute));
        SLUICE_TRY(r.stringMap(flux, "variables", f.variables));
        SLUICE_TRY(r.stringList(flux, "gitRepositories", f.localGitRepositories));
        SLUICE_TRY(r.stringMap(flux, "helmRepositories", f.helmRepositories));
        SLUICE_TRY(r.string(flux, "artifactPath", f.artifactPath));
        SLUICE_TRY(r.jsonList(flux, "artifactCopies", f.artifactCopies));
        QHash<QString, QString> labels, annotations;
        SLUICE_TRY(r.stringMap(flux, "commonLabels", labels));
        SLUICE_TRY(r.stringMap(flux, "commonAnnotations", annotations));
        for (const auto &[map, out] : {std::pair{&labels, &f.commonLabels}, std::pair{&annotations, &f.commonAnnotations}}) {
            QJsonObject object;
            for (auto it = map->begin(); it != map->end(); ++it)
                object.insert(it.key(), it.value());
            if (!object.isEmpty())
                *out = QJsonDocument(object).toJson(QJsonDocument::Compact);
        }
    }

    if (const YAML::Node destination = node["destination"]) {
        SLUICE_TRY(r.expectMap(destination, QStringLiteral("destination"), {"cluster", "namespace"}));
        SLUICE_TRY(r.string(destination, "cluster", app.cluster));
        SLUICE_TRY(r.string(destination, "namespace", app.ns));
    }
    app.render.defaultNamespace = app.ns;
    if (const YAML::Node controller = node["controller"]) {
        SLUICE_TRY(r.expectMap(controller, QStringLiteral("controller"), {"kind", "namespace", "name"}));
        SLUICE_TRY(r.string(controller, "kind", app.controller.kind, true));
        SLUICE_TRY(r.string(controller, "namespace", app.controller.ns, true));
        SLUICE_TRY(r.string(controller, "name", app.controller.name, true));
        const QStringList kinds{QStringLiteral("Kustomization"), QStringLiteral("HelmRelease"), QStringLiteral("Application")};
        if (!kinds.contains(app.controller.kind))
            return r.error(controller["kind"], QStringLiteral("unknown controller kind \"%1\" (expected Kustomization, HelmRelease or "
                                                              "Application)").arg(elideMiddle(app.controller.kind)));
    }
    if (const YAML::Node sync = node["sync"]) {
        SLUICE_TRY(r.expectMap(sync, QStringLiteral("sync"), {"prune", "historyLimit"}));
        SLUICE_TRY(r.boolean(sync, "prune", app.prune));
        SLUICE_TRY(r.integer(sync, "historyLimit", app.historyLimit, 1, 1000));
    }
    if (const YAML::Node ignore = node["ignore"]) {
        if (!ignore.IsSequence())
            return r.error(ignore, QStringLiteral("\"ignore\" must be a list of rules"));
        for (const auto &item : ignore) {
            auto rule = readIgnore(r, item);
            if (!rule)
                return rule.error();
            app.ignore.append(*rule);
        }
    }
    return app;
}

Result<Workspace> readWorkspace(const Reader &r, const YAML::Node &root, const QString &file, const QString &dir)
{
    SLUICE_TRY(r.expectMap(root, QStringLiteral("the workspace"), {"apiVersion", "kind", "clusters", "applications"}));
    QString apiVersion, kind;
    SLUICE_TRY(r.string(root, "apiVersion", apiVersion, true));
    SLUICE_TRY(r.string(root, "kind", kind, true));
    if (apiVersion != QLatin1String("sluice.dev/v1alpha1"))
        return r.error(root["apiVersion"], QStringLiteral("unsupported apiVersion \"%1\" (expected sluice.dev/v1alpha1)").arg(elideMiddle(apiVersion)));
    if (kind != QLatin1String("Workspace"))
        return r.error(root["kind"], QStringLiteral("kind must be Workspace, not \"%1\"").arg(elideMiddle(kind)));

    Workspace ws;
    ws.file = file;
    ws.dir = dir;
    QSet<QString> names;
    if (const YAML::Node clusters = root["clusters"]) {
        if (!clusters.IsSequence())
            return r.error(clusters, QStringLiteral("\"clusters\" must be a list"));
        for (const auto &item : clusters) {
            auto cluster = readCluster(r, item, dir);
            if (!cluster)
                return cluster.error();
            if (names.contains(cluster->name))
                return r.error(item, QStringLiteral("duplicate cluster name \"%1\"").arg(elideMiddle(cluster->name)));
            names.insert(cluster->name);
            ws.clusters.append(*cluster);
        }
    }
    names.clear();
    const YAML::Node applications = root["applications"];
    if (applications && !applications.IsSequence())
        return r.error(applications, QStringLiteral("\"applications\" must be a list"));
    for (const auto &item : applications) {
        auto app = readApplication(r, item, dir);
        if (!app)
            return app.error();
        if (names.contains(app->name))
            return r.error(item, QStringLiteral("duplicate application name \"%1\"").arg(elideMiddle(app->name)));
        if (!app->cluster.isEmpty() && !ws.cluster(app->cluster))
            return r.error(item["destination"], QStringLiteral("application \"%1\" names unknown cluster \"%2\"")
                                                    .arg(elideMiddle(app->name), elideMiddle(app->cluster)));
        names.insert(app->name);
        ws.applications.append(*app);
    }
    return ws;
}

} // namespace

const ApplicationConfig *Workspace::application(const QString &name) const
{
    for (const ApplicationConfig &app : applications) {
        if (app.name == name)
            return &app;
    }
    return nullptr;
}

const ClusterConfig *Workspace::cluster(const QString &name) const
{
    for (const ClusterConfig &c : clusters) {
        if (c.name == name)
            return &c;
    }
    return nullptr;
}

Result<Workspace> parseWorkspace(const QByteArray &text, const QString &file, const QString &dir)
{
    // yaml-cpp recurses: deep nesting would end in its "bad file" at the end of the text.
    if (Status nesting = yaml::checkNesting(text, file); !nesting) {
        Error error = nesting.error();
        error.category = ErrorCategory::Workspace;
        return error;
    }
    const Reader reader(file);
    try {
        const YAML::Node root = YAML::Load(text.toStdString());
        // yaml-cpp keeps both of two equal keys (a lookup finds the first) and reads only the
        // first document: a second `path:` or `applications:`, or a second document, would pass
        // unread. The tree builder refuses both, naming file:line.
        if (auto strict = yaml::parseDocument(text, file); !strict) {
            Error error = strict.error();
            error.category = ErrorCategory::Workspace;
            return error;
        }
        if (!root || root.IsNull())
            return makeError(ErrorCategory::Workspace, QStringLiteral("%1: the workspace file is empty").arg(file));
        return readWorkspace(reader, root, file, dir);
    } catch (const YAML::Exception &e) {
        return makeError(ErrorCategory::Workspace,
                         QStringLiteral("%1:%2:%3: malformed YAML: %4")
                             .arg(file)
                             .arg(e.mark.line + 1)
                             .arg(e.mark.column + 1)
                             .arg(QString::fromStdString(e.msg)));
    }
}

Result<Workspace> loadWorkspace(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return makeError(ErrorCategory::Workspace,
                         QStringLiteral("cannot open workspace %1: %2 (create one, or pass --workspace FILE)")
                             .arg(path, f.errorString()));
    const QFileInfo info(path);
    return parseWorkspace(f.readAll(), info.absoluteFilePath(), info.absolutePath());
}

QByteArray workspaceYaml(const Workspace &workspace, const QString &dir)
{
    QJsonArray clusters;
    for (const ClusterConfig &c : workspace.clusters) {
        QJsonObject cluster{{QStringLiteral("name"), c.name}};
        if (c.sandbox)
            cluster.insert(QStringLiteral("sandbox"), QJsonObject{{QStringLiteral("dataDir"), QDir(dir).relativeFilePath(c.sandboxDataDir)}});
        else
            cluster.insert(QStringLiteral("context"), c.context);
        if (!c.kubeconfig.isEmpty())
            cluster.insert(QStringLiteral("kubeconfig"), c.kubeconfig);
        if (c.isProtected)
            cluster.insert(QStringLiteral("protected"), true);
        clusters.append(cluster);
    }
    const auto strings = [](const QHash<QString, QString> &map) {
        QJsonObject object;
        for (auto it = map.begin(); it != map.end(); ++it)
            object.insert(it.key(), it.value());
        return object;
    };
    const auto list = [](const QByteArray &json) { return QJsonDocument::fromJson(json).array(); };
    QJsonArray applications;
    for (const ApplicationConfig &app : workspace.applications) {
        const RenderOptions &render = app.render;
        QJsonObject source{{QStringLiteral("repo"), app.repoPath.isEmpty() ? app.repo : QDir(dir).relativeFilePath(app.repoPath)},
                           {QStringLiteral("revision"), app.revision},
                           {QStringLiteral("path"), app.path},
                           {QStringLiteral("renderer"), rendererName(render.renderer)}};
        if (!render.recurse)
            source.insert(QStringLiteral("recurse"), false);
        QJsonObject helm;
        if (!render.helm.releaseName.isEmpty())
            helm.insert(QStringLiteral("releaseName"), render.helm.releaseName);
        if (!render.helm.valueFiles.isEmpty())
            helm.insert(QStringLiteral("valueFiles"), QJsonArray::fromStringList(render.helm.valueFiles));
        for (const auto &[key, value] : {std::pair{"repo", render.helm.repo}, std::pair{"chart", render.helm.chart},
                                         std::pair{"version", render.helm.version}, std::pair{"values", QString::fromUtf8(render.helm.values)}}) {
            if (!value.isEmpty())
                helm.insert(QLatin1String(key), value);
        }
        if (!helm.isEmpty())
            source.insert(QStringLiteral("helm"), helm);
        if (render.renderer == RendererKind::Flux || render.flux.editsKustomization()) {
            const FluxOptions &f = render.flux;
            QJsonObject flux;
            for (const auto &[key, value] : {std::pair{"targetNamespace", f.targetNamespace}, std::pair{"namePrefix", f.namePrefix},
                                             std::pair{"nameSuffix", f.nameSuffix}, std::pair{"artifactPath", f.artifactPath}}) {
                if (!value.isEmpty())
                    flux.insert(QLatin1String(key), value);
            }
            for (const auto &[key, value] : {std::pair{"patches", f.patches}, std::pair{"images", f.images},
                                             std::pair{"artifactCopies", f.artifactCopies}}) {
                if (!value.isEmpty())
                    flux.insert(QLatin1String(key), list(value));
            }
            if (f.substitute) {
                flux.insert(QStringLiteral("substitute"), true);
                flux.insert(QStringLiteral("variables"), strings(f.variables));
            }
            for (const auto &[key, value] : {std::pair{"commonLabels", f.commonLabels}, std::pair{"commonAnnotations", f.commonAnnotations}}) {
                if (!value.isEmpty())
                    flux.insert(QLatin1String(key), QJsonDocument::fromJson(value).object());
            }
            if (!f.localGitRepositories.isEmpty())
                flux.insert(QStringLiteral("gitRepositories"), QJsonArray::fromStringList(f.localGitRepositories));
            if (!f.helmRepositories.isEmpty())
                flux.insert(QStringLiteral("helmRepositories"), strings(f.helmRepositories));
            if (!f.repositoryObjects.isEmpty())
                flux.insert(QStringLiteral("repositoryObjects"), strings(f.repositoryObjects));
            source.insert(QStringLiteral("flux"), flux);
        }
        QJsonObject application{{QStringLiteral("name"), app.name}, {QStringLiteral("source"), source}};
        QJsonObject destination;
        if (!app.cluster.isEmpty())
            destination.insert(QStringLiteral("cluster"), app.cluster);
        if (!app.ns.isEmpty())
            destination.insert(QStringLiteral("namespace"), app.ns);
        if (!destination.isEmpty())
            application.insert(QStringLiteral("destination"), destination);
        if (!app.controller.kind.isEmpty())
            application.insert(QStringLiteral("controller"), QJsonObject{{QStringLiteral("kind"), app.controller.kind},
                                                                         {QStringLiteral("namespace"), app.controller.ns},
                                                                         {QStringLiteral("name"), app.controller.name}});
        application.insert(QStringLiteral("sync"), QJsonObject{{QStringLiteral("prune"), app.prune}, {QStringLiteral("historyLimit"), app.historyLimit}});
        QJsonArray ignore;
        for (const IgnoreRule &rule : app.ignore) {
            QJsonObject r{{QStringLiteral("jsonPointers"), QJsonArray::fromStringList(rule.jsonPointers)}};
            for (const auto &[key, value] : {std::pair{"group", rule.group}, std::pair{"kind", rule.kind}, std::pair{"namespace", rule.ns},
                                             std::pair{"name", rule.name}}) {
                if (!value.isEmpty())
                    r.insert(QLatin1String(key), value);
            }
            ignore.append(r);
        }
        if (!ignore.isEmpty())
            application.insert(QStringLiteral("ignore"), ignore);
        applications.append(application);
    }
    QJsonObject root{{QStringLiteral("apiVersion"), QStringLiteral("sluice.dev/v1alpha1")}, {QStringLiteral("kind"), QStringLiteral("Workspace")},
                     {QStringLiteral("applications"), applications}};
    if (!clusters.isEmpty())
        root.insert(QStringLiteral("clusters"), clusters);
    return yaml::toYaml(root);
}

} // namespace sluice
