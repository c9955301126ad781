#include "FluxBuild.h"

#include "YamlTree.h"
#include "fleet/Substitute.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <yaml-cpp/yaml.h>

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

} // namespace

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
        auto substituted = fleet::substituteObject(*tree, flux.variables);
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

} // namespace sluice
