#include "FluxBuild.h"

#include "YamlTree.h"
#include "FluxSubstitute.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <optional>

namespace sluice {
namespace {

const QStringList kKustomizationNames = {QStringLiteral("kustomization.yaml"), QStringLiteral("kustomization.yml"),
                                         QStringLiteral("Kustomization")};

QString kustomizationIn(const QString &dir)
{
    for (const QString &name : kKustomizationNames) {
        if (QFileInfo(dir + QLatin1Char('/') + name).isFile())
            return dir + QLatin1Char('/') + name;
    }
    return {};
}

// What Flux's generator lists: YAML files below `dir` in lexical order; a sub-folder with its
// own kustomization is one resource and is not descended into.
void collectResources(const QDir &root, const QString &dir, QStringList &resources)
{
    const QFileInfoList entries = QDir(dir).entryInfoList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    for (const QFileInfo &entry : entries) {
        if (entry.fileName().startsWith(QLatin1Char('.')))
            continue; // .git, .github …: not part of what Flux's source artifact carries
        const QString relative = QStringLiteral("./") + root.relativeFilePath(entry.filePath());
        if (entry.isDir()) {
            if (!kustomizationIn(entry.filePath()).isEmpty())
                resources.append(relative);
            else
                collectResources(root, entry.filePath(), resources);
        } else if (entry.suffix() == QLatin1String("yaml") || entry.suffix() == QLatin1String("yml")) {
            resources.append(relative);
        }
    }
}

YAML::Node yamlFromJson(const QJsonValue &value)
{
    const QByteArray json = value.isObject() ? QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact)
                                             : QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact);
    return YAML::Load(json.toStdString()); // JSON is YAML
}

// Helm's coalescing of values: maps merge key by key, anything else is replaced.
QJsonObject mergeValues(QJsonObject base, const QJsonObject &over)
{
    for (auto it = over.begin(); it != over.end(); ++it) {
        if (it->isObject() && base.value(it.key()).isObject())
            base.insert(it.key(), mergeValues(base.value(it.key()).toObject(), it->toObject()));
        else
            base.insert(it.key(), *it);
    }
    return base;
}

// Sets `value` at a dotted path ("ingress.host"), making the maps on the way.
void setAtPath(QJsonObject &root, QStringList path, const QJsonValue &value)
{
    const QString first = path.takeFirst();
    if (path.isEmpty()) {
        root.insert(first, value);
        return;
    }
    QJsonObject child = root.value(first).toObject();
    setAtPath(child, path, value);
    root.insert(first, child);
}

QString field(const QJsonObject &object, const char *key, const QString &fallback = {})
{
    return object.value(QLatin1String(key)).toString(fallback);
}

// A ConfigMap or Secret of the build, by kind, namespace and name.
const Resource *findInBuild(const ScannedManifests &scanned, const QString &kind, const QString &ns, const QString &name)
{
    for (const Resource &r : scanned.resources) {
        if (r.key.group.isEmpty() && r.key.kind == kind && r.key.name == name && (r.key.ns == ns || r.key.ns.isEmpty()))
            return &r;
    }
    return nullptr;
}

// A ConfigMap or Secret declared elsewhere in the repository (FluxOptions::repositoryObjects).
std::optional<Resource> findInRepository(const RenderOptions &options, const QString &kind, const QString &ns, const QString &name)
{
    const QString file = options.flux.repositoryObjects.value(kind + QLatin1Char('/') + ns + QLatin1Char('/') + name);
    QFile in(QDir(options.repoRoot).filePath(file));
    if (file.isEmpty() || options.repoRoot.isEmpty() || !in.open(QIODevice::ReadOnly))
        return std::nullopt;
    auto scanned = scanManifests(in.readAll(), file);
    if (!scanned)
        return std::nullopt;
    for (const Resource &r : scanned->resources) {
        if (r.key.group.isEmpty() && r.key.kind == kind && r.key.name == name)
            return r;
    }
    return std::nullopt;
}

// The values helm-controller passes: valuesFrom in order, then spec.values over them.
Result<QJsonObject> releaseValues(const QJsonObject &spec, const ScannedManifests &scanned, const RenderOptions &options,
                                  const QString &ns, const QString &what, QStringList &notes)
{
    QJsonObject values;
    for (const QJsonValue entry : spec.value(QLatin1String("valuesFrom")).toArray()) {
        const QJsonObject from = entry.toObject();
        const QString kind = field(from, "kind"), name = field(from, "name");
        const QString key = field(from, "valuesKey", QStringLiteral("values.yaml"));
        // Made by the same build (a configMapGenerator, say), else declared elsewhere in the repository.
        const Resource *source = findInBuild(scanned, kind, ns, name);
        const std::optional<Resource> elsewhere = source ? std::nullopt : findInRepository(options, kind, ns, name);
        if (elsewhere)
            source = &*elsewhere;
        auto tree = source ? source->parseTree() : Result<QJsonObject>(QJsonObject());
        if (!tree)
            return tree.error();
        QString text = tree->value(QLatin1String("data")).toObject().value(key).toString();
        if (kind == QLatin1String("Secret"))
            text = QString::fromUtf8(QByteArray::fromBase64(text.toLatin1()));
        if (!source || !tree->value(QLatin1String("data")).toObject().contains(key)) {
            if (!from.value(QLatin1String("optional")).toBool())
                notes.append(QStringLiteral("%1: valuesFrom %2 %3 (key %4) is not in this build; its values are left out")
                                 .arg(what, kind, name, key));
            continue;
        }
        if (const QString path = field(from, "targetPath"); !path.isEmpty()) {
            setAtPath(values, path.split(QLatin1Char('.')), text);
            continue;
        }
        auto parsed = yaml::parseDocument(text.toUtf8(), QStringLiteral("%1 %2 (%3)").arg(kind, name, key));
        if (!parsed)
            return parsed.error().prefixed(what);
        values = mergeValues(values, parsed->toObject());
    }
    return mergeValues(values, spec.value(QLatin1String("values")).toObject());
}

// A glob as a regular expression. `crossFolders`: "**" matches any path (doublestar, as in
// exclude patterns); else "**" is "*" (Go's path.Match, as in copy sources). "*" and "?" never
// match "/".
QRegularExpression globExpression(const QString &glob, bool crossFolders)
{
    QString re;
    for (qsizetype i = 0; i < glob.size(); ++i) {
        const QChar c = glob.at(i);
        if (c == QLatin1Char('*') && glob.mid(i, 2) == QLatin1String("**")) {
            const bool folder = glob.mid(i, 3) == QLatin1String("**/");
            re += !crossFolders ? QStringLiteral("[^/]*") : folder ? QStringLiteral("(?:.*/)?") : QStringLiteral(".*");
            i += folder && crossFolders ? 2 : 1;
        } else if (c == QLatin1Char('*')) {
            re += QStringLiteral("[^/]*");
        } else if (c == QLatin1Char('?')) {
            re += QStringLiteral("[^/]");
        } else {
            re += QRegularExpression::escape(QString(c));
        }
    }
    return QRegularExpression(QRegularExpression::anchoredPattern(re));
}

// Copies a file, or a folder's files, from `from` to `to`; files whose path relative to
// `excludeBase` matches an exclude pattern are left out.
Status copyTree(const QString &repoRoot, const QString &from, const QString &to, const QString &excludeBase,
                const QList<QRegularExpression> &excludes)
{
    const auto excluded = [&](const QString &path) {
        const QString relative = QDir(QDir(repoRoot).filePath(excludeBase)).relativeFilePath(path);
        return std::any_of(excludes.begin(), excludes.end(), [&](const QRegularExpression &e) { return e.match(relative).hasMatch(); });
    };
    QStringList files;
    if (QFileInfo(from).isDir()) {
        QDirIterator it(from, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext())
            files.append(it.next());
    } else {
        files.append(from);
    }
    for (const QString &file : files) {
        if (excluded(file))
            continue;
        const QString target = QFileInfo(from).isDir() ? QDir(to).filePath(QDir(from).relativeFilePath(file)) : to;
        QDir().mkpath(QFileInfo(target).path());
        QFile::remove(target);
        if (!QFile::copy(file, target))
            return makeError(ErrorCategory::Io, QStringLiteral("cannot copy %1 into the artifact").arg(QDir(repoRoot).relativeFilePath(file)));
    }
    return {};
}

QByteArray jsonArrayText(const QJsonValue &value)
{
    return value.isArray() ? QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact) : QByteArray();
}

} // namespace

FluxOptions fluxOptionsFromSpec(const QJsonObject &spec)
{
    FluxOptions flux;
    flux.targetNamespace = spec.value(QLatin1String("targetNamespace")).toString();
    flux.namePrefix = spec.value(QLatin1String("namePrefix")).toString();
    flux.nameSuffix = spec.value(QLatin1String("nameSuffix")).toString();
    flux.patches = jsonArrayText(spec.value(QLatin1String("patches")));
    flux.images = jsonArrayText(spec.value(QLatin1String("images")));
    return flux;
}

Status buildFluxArtifact(const QString &repoRoot, const QByteArray &copies, const QString &artifactDir)
{
    QStringList everything; // repository paths (files and folders), for glob sources
    for (QDirIterator it(repoRoot, QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot, QDirIterator::Subdirectories); it.hasNext();)
        everything.append(QDir(repoRoot).relativeFilePath(it.next()));
    everything.sort();
    const QDir root(repoRoot);
    const QDir artifact(artifactDir);
    for (const QJsonValue value : QJsonDocument::fromJson(copies).array()) {
        const QJsonObject op = value.toObject();
        const QString from = QDir::cleanPath(field(op, "from"));
        const QString to = field(op, "to");
        const QString dest = to.isEmpty() ? QStringLiteral(".") : QDir::cleanPath(to);
        QList<QRegularExpression> excludes;
        for (const QJsonValue e : op.value(QLatin1String("exclude")).toArray())
            excludes.append(globExpression(e.toString(), true));
        const bool optional = op.value(QLatin1String("optional")).toBool();
        const QString what = QStringLiteral("copy from %1 to %2").arg(field(op, "from"), to);

        if (!from.contains(QRegularExpression(QStringLiteral("[*?\\[]")))) {
            const QFileInfo source(root.filePath(from));
            if (!source.exists()) {
                if (optional)
                    continue;
                return makeError(ErrorCategory::Render, QStringLiteral("%1: %2 does not exist in the repository").arg(what, from));
            }
            // cp-like: a folder goes into `to`; a file into `to` when it is (or ends like) a folder.
            const bool intoFolder = source.isDir() || to.endsWith(QLatin1Char('/')) || QFileInfo(artifact.filePath(dest)).isDir();
            const QString target = intoFolder ? artifact.filePath(dest + QLatin1Char('/') + source.fileName()) : artifact.filePath(dest);
            if (Status s = copyTree(repoRoot, source.filePath(), target, source.isDir() ? from : QStringLiteral("."), excludes); !s)
                return s;
            continue;
        }
        const QRegularExpression pattern = globExpression(from, false);
        QStringList literal; // the folders before the first glob: what excludes are relative to
        for (const QString &part : from.split(QLatin1Char('/'))) {
            if (part.contains(QRegularExpression(QStringLiteral("[*?\\[]"))))
                break;
            literal.append(part);
        }
        const QString base = literal.isEmpty() ? QStringLiteral(".") : literal.join(QLatin1Char('/'));
        const QString contentsOf = from.endsWith(QLatin1String("/**")) ? from.chopped(3) : QString();
        int copied = 0;
        for (const QString &match : everything) {
            if (!pattern.match(match).hasMatch())
                continue;
            const QString relative = !contentsOf.isEmpty() && match.startsWith(contentsOf + QLatin1Char('/')) ? match.mid(contentsOf.size() + 1) : match;
            if (Status s = copyTree(repoRoot, root.filePath(match), artifact.filePath(dest + QLatin1Char('/') + relative), base, excludes); !s)
                return s;
            ++copied;
        }
        if (copied == 0 && !optional)
            return makeError(ErrorCategory::Render, QStringLiteral("%1: nothing in the repository matches %2").arg(what, from));
    }
    return {};
}

Status prepareFluxKustomization(const QString &dir, const FluxOptions &flux)
{
    QString file = kustomizationIn(dir);
    YAML::Node kustomization;
    try {
        if (file.isEmpty()) {
            QStringList resources;
            collectResources(QDir(dir), dir, resources);
            file = dir + QStringLiteral("/kustomization.yaml");
            kustomization["apiVersion"] = "kustomize.config.k8s.io/v1beta1";
            kustomization["kind"] = "Kustomization";
            for (const QString &resource : resources)
                kustomization["resources"].push_back(resource.toStdString());
        } else {
            kustomization = YAML::LoadFile(file.toStdString());
        }
        if (!flux.targetNamespace.isEmpty())
            kustomization["namespace"] = flux.targetNamespace.toStdString();
        if (!flux.namePrefix.isEmpty())
            kustomization["namePrefix"] = flux.namePrefix.toStdString();
        if (!flux.nameSuffix.isEmpty())
            kustomization["nameSuffix"] = flux.nameSuffix.toStdString();
        for (const auto &[key, json] : {std::pair{"commonLabels", flux.commonLabels}, std::pair{"commonAnnotations", flux.commonAnnotations}}) {
            const QJsonObject map = QJsonDocument::fromJson(json).object();
            for (auto it = map.begin(); it != map.end(); ++it)
                kustomization[key][it.key().toStdString()] = it->toString().toStdString();
        }
        for (const QJsonValue patch : QJsonDocument::fromJson(flux.patches).array())
            kustomization["patches"].push_back(yamlFromJson(patch));
        // An image of the same name is replaced, others are added (as Flux does).
        for (const QJsonValue image : QJsonDocument::fromJson(flux.images).array()) {
            YAML::Node images = kustomization["images"];
            bool replaced = false;
            for (std::size_t i = 0; images && i < images.size(); ++i) {
                if (images[i]["name"] && images[i]["name"].as<std::string>() == image.toObject().value(QLatin1String("name")).toString().toStdString()) {
                    images[i] = yamlFromJson(image);
                    replaced = true;
                }
            }
            if (!replaced)
                kustomization["images"].push_back(yamlFromJson(image));
        }
    } catch (const YAML::Exception &e) {
        return makeError(ErrorCategory::Yaml, QStringLiteral("%1: %2").arg(QDir(dir).relativeFilePath(file), QString::fromStdString(e.what())));
    }
    YAML::Emitter out;
    out << kustomization;
    QFile written(file);
    if (!written.open(QIODevice::WriteOnly | QIODevice::Truncate) || written.write(out.c_str()) < 0)
        return makeError(ErrorCategory::Io, QStringLiteral("cannot write %1: %2").arg(file, written.errorString()));
    return {};
}

Result<ScannedManifests> substituteFluxVariables(ScannedManifests scanned, const FluxOptions &flux, QStringList &notes)
{
    if (!flux.substitute)
        return scanned;
    ScannedManifests result;
    result.crds = std::move(scanned.crds);
    for (const Resource &resource : scanned.resources) {
        auto tree = resource.parseTree();
        if (!tree)
            return tree.error();
        auto substituted = flux::substituteObject(*tree, flux.variables);
        if (!substituted)
            return substituted.error().prefixed(QStringLiteral("postBuild substitution in %1").arg(resource.key.displayName()));
        for (const QString &warning : substituted->warnings)
            notes.append(QStringLiteral("%1: %2").arg(resource.key.displayName(), warning));
        auto rescanned = scanManifests(yaml::toYaml(substituted->object), resource.sourceFile);
        if (!rescanned)
            return rescanned.error();
        for (Resource &r : rescanned->resources) {
            r.line = resource.line;
            result.resources.append(std::move(r));
        }
    }
    return result;
}

Result<ScannedManifests> expandHelmReleases(ScannedManifests scanned, const RenderOptions &options, QStringList &notes,
                                            const CancelToken &cancel)
{
    QList<Resource> rendered;
    for (const Resource &resource : scanned.resources) {
        if (resource.key.group != QLatin1String("helm.toolkit.fluxcd.io") || resource.key.kind != QLatin1String("HelmRelease"))
            continue;
        auto tree = resource.parseTree();
        if (!tree)
            return tree.error();
        const QJsonObject spec = tree->value(QLatin1String("spec")).toObject();
        const QString ns = resource.key.ns.isEmpty() ? options.defaultNamespace : resource.key.ns;
        const QString what = QStringLiteral("HelmRelease %1/%2").arg(ns, resource.key.name);
        if (spec.contains(QLatin1String("chartRef"))) {
            notes.append(QStringLiteral("%1: its chartRef (%2) is not rendered offline yet").arg(what, field(spec.value(QLatin1String("chartRef")).toObject(), "kind")));
            continue;
        }
        const QJsonObject chart = spec.value(QLatin1String("chart")).toObject().value(QLatin1String("spec")).toObject();
        const QJsonObject ref = chart.value(QLatin1String("sourceRef")).toObject();
        const QString source = QStringLiteral("%1/%2").arg(field(ref, "namespace", ns), field(ref, "name"));
        const QString sourceKind = field(ref, "kind");

        RenderOptions helm;
        helm.renderer = RendererKind::Helm;
        helm.tools = options.tools;
        helm.timeoutMs = options.timeoutMs;
        const QString targetNamespace = field(spec, "targetNamespace");
        helm.defaultNamespace = targetNamespace.isEmpty() ? ns : targetNamespace;
        helm.helm.releaseName = field(spec, "releaseName", targetNamespace.isEmpty() ? resource.key.name
                                                                                    : targetNamespace + QLatin1Char('-') + resource.key.name);
        QTemporaryDir scratch; // the merged values, and the folder a repository chart renders in
        QString chartDir = scratch.path();
        if (sourceKind == QLatin1String("GitRepository") && options.flux.localGitRepositories.contains(source) && !options.repoRoot.isEmpty()) {
            chartDir = QDir(options.repoRoot).filePath(QDir::cleanPath(field(chart, "chart")));
            for (const QJsonValue file : chart.value(QLatin1String("valuesFiles")).toArray())
                helm.helm.valueFiles.append(file.toString());
        } else if (sourceKind == QLatin1String("HelmRepository") && options.flux.helmRepositories.contains(source)) {
            helm.helm.repo = options.flux.helmRepositories.value(source);
            helm.helm.chart = field(chart, "chart");
            const QString version = field(chart, "version", QStringLiteral("*"));
            helm.helm.version = version == QLatin1String("*") ? QString() : version;
        } else {
            notes.append(QStringLiteral("%1: its chart source %2 %3 is not this repository or a known HelmRepository; not rendered")
                             .arg(what, sourceKind, source));
            continue;
        }
        auto values = releaseValues(spec, scanned, options, ns, what, notes);
        if (!values)
            return values.error();
        const QString valuesFile = scratch.filePath(QStringLiteral("helmrelease-values.yaml"));
        QFile file(valuesFile);
        if (!file.open(QIODevice::WriteOnly) || file.write(yaml::toYaml(*values)) < 0)
            return makeError(ErrorCategory::Io, QStringLiteral("cannot write %1: %2").arg(valuesFile, file.errorString()));
        file.close();
        helm.helm.valueFiles.append(valuesFile);
        if (spec.contains(QLatin1String("postRenderers")))
            notes.append(QStringLiteral("%1: its postRenderers are not applied yet").arg(what));
        auto set = renderDirectory(chartDir, what, helm, cancel);
        if (!set)
            return set.error();
        notes.append(set->notes);
        for (const Resource &object : *set)
            rendered.append(object); // its source names the HelmRelease: "HelmRelease shop/web (helm output)"
    }
    scanned.resources.append(std::move(rendered));
    return scanned;
}

} // namespace sluice
