#include "Renderer.h"

#include "Scope.h"
#include "YamlScan.h"
#include "core/Log.h"
#include "core/Process.h"

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

#include <algorithm>

namespace sluice {
namespace {

const QStringList kKustomizationFiles = {QStringLiteral("kustomization.yaml"), QStringLiteral("kustomization.yml"),
                                         QStringLiteral("Kustomization")};

Result<ScannedManifests> renderPlain(const QString &dir, const QString &displayPath, const CancelToken &cancel)
{
    QStringList files;
    QDirIterator it(dir, {QStringLiteral("*.yaml"), QStringLiteral("*.yml"), QStringLiteral("*.json")},
                    QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        files.append(it.next());
    std::sort(files.begin(), files.end());

    ScannedManifests all;
    const QDir base(dir);
    for (const QString &path : files) {
        if (cancel.isCancelled())
            return makeError(ErrorCategory::Cancelled, QStringLiteral("render of %1 was cancelled").arg(displayPath));
        const QString relative = base.relativeFilePath(path);
        if (relative.startsWith(QLatin1Char('.')) || relative.contains(QLatin1String("/.")))
            continue; // hidden files and folders (.git, .github …) are not manifests
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return makeError(ErrorCategory::Io, QStringLiteral("cannot read %1: %2").arg(relative, file.errorString()));
        const QString shown = displayPath.isEmpty() || displayPath == QLatin1String(".")
                                  ? relative
                                  : displayPath + QLatin1Char('/') + relative;
        auto scanned = scanManifests(file.readAll(), shown);
        if (!scanned)
            return scanned.error();
        all.resources.append(std::move(scanned->resources));
        all.crds.append(std::move(scanned->crds));
    }
    return all;
}

struct Tool
{
    QString program;
    QStringList prefix; // arguments before the tool's own ("kustomize" for kubectl)
};

Tool kustomizeTool(const ToolPaths &tools)
{
    if (!tools.kustomize.isEmpty())
        return {tools.kustomize, {QStringLiteral("build")}};
    if (!tools.kubectl.isEmpty())
        return {tools.kubectl, {QStringLiteral("kustomize")}};
    if (!findTool(QStringLiteral("kustomize")).isEmpty())
        return {QStringLiteral("kustomize"), {QStringLiteral("build")}};
    return {QStringLiteral("kubectl"), {QStringLiteral("kustomize")}};
}

Tool helmTool(const ToolPaths &tools)
{
    return {tools.helm.isEmpty() ? QStringLiteral("helm") : tools.helm, {QStringLiteral("template")}};
}

Result<ScannedManifests> runRenderTool(const Tool &tool, QStringList arguments, const QString &dir,
                                       const QString &outputName, const RenderOptions &options,
                                       const CancelToken &cancel)
{
    ToolRun run;
    run.program = tool.program;
    run.arguments = tool.prefix + arguments;
    run.workingDirectory = dir;
    run.timeoutMs = options.timeoutMs;
    auto output = runTool(run, cancel);
    if (!output)
        return output.error().prefixed(QStringLiteral("render of %1").arg(outputName));
    return scanManifests(output->standardOutput, outputName);
}

} // namespace

QString rendererName(RendererKind kind)
{
    switch (kind) {
    case RendererKind::Auto: return QStringLiteral("auto");
    case RendererKind::Plain: return QStringLiteral("plain");
    case RendererKind::Kustomize: return QStringLiteral("kustomize");
    case RendererKind::Helm: return QStringLiteral("helm");
    }
    return {};
}

std::optional<RendererKind> parseRendererName(const QString &name)
{
    for (RendererKind kind : {RendererKind::Auto, RendererKind::Plain, RendererKind::Kustomize, RendererKind::Helm}) {
        if (rendererName(kind) == name)
            return kind;
    }
    return std::nullopt;
}

QString RenderOptions::identity() const
{
    return QStringList{rendererName(renderer), defaultNamespace, helm.releaseName.isEmpty() ? releaseName : helm.releaseName,
                       helm.valueFiles.join(QLatin1Char(','))}
        .join(QLatin1Char('|'));
}

RendererKind detectRenderer(const QString &dir)
{
    const QDir d(dir);
    if (d.exists(QStringLiteral("Chart.yaml")))
        return RendererKind::Helm;
    for (const QString &name : kKustomizationFiles) {
        if (d.exists(name))
            return RendererKind::Kustomize;
    }
    return RendererKind::Plain;
}

bool readsOutsidePath(RendererKind kind)
{
    return kind == RendererKind::Kustomize || kind == RendererKind::Helm || kind == RendererKind::Auto;
}

QString toolIdentity(RendererKind kind, const ToolPaths &tools)
{
    Tool tool;
    if (kind == RendererKind::Kustomize)
        tool = kustomizeTool(tools);
    else if (kind == RendererKind::Helm)
        tool = helmTool(tools);
    else
        return {};
    const QString path = findTool(tool.program);
    const QFileInfo info(QFileInfo(path).canonicalFilePath());
    return QStringLiteral("%1 %2 size=%3 mtime=%4")
        .arg(info.filePath(), tool.prefix.join(QLatin1Char(' ')))
        .arg(info.size())
        .arg(info.lastModified().toMSecsSinceEpoch());
}

Result<ResourceSet> renderDirectory(const QString &dir, const QString &displayPath, const RenderOptions &options,
                                    const CancelToken &cancel)
{
    if (!QFileInfo(dir).isDir())
        return makeError(ErrorCategory::Render, QStringLiteral("path %1 does not exist or is not a directory").arg(displayPath));
    const RendererKind kind = options.renderer == RendererKind::Auto ? detectRenderer(dir) : options.renderer;
    qCDebug(lcRender) << "rendering" << displayPath << "with" << rendererName(kind);

    Result<ScannedManifests> scanned = makeError(ErrorCategory::Render, QString());
    switch (kind) {
    case RendererKind::Auto:
    case RendererKind::Plain:
        scanned = renderPlain(dir, displayPath, cancel);
        break;
    case RendererKind::Kustomize:
        scanned = runRenderTool(kustomizeTool(options.tools), {QStringLiteral(".")}, dir,
                                displayPath + QLatin1String(" (kustomize output)"), options, cancel);
        break;
    case RendererKind::Helm: {
        const QString release = options.helm.releaseName.isEmpty() ? options.releaseName : options.helm.releaseName;
        QStringList args{release.isEmpty() ? QStringLiteral("release") : release, QStringLiteral("."),
                         QStringLiteral("--include-crds")};
        if (!options.defaultNamespace.isEmpty())
            args << QStringLiteral("--namespace") << options.defaultNamespace;
        for (const QString &values : options.helm.valueFiles)
            args << QStringLiteral("--values") << values;
        scanned = runRenderTool(helmTool(options.tools), args, dir, displayPath + QLatin1String(" (helm output)"),
                                options, cancel);
        break;
    }
    }
    if (!scanned)
        return scanned.error();
    return scopeResources(std::move(*scanned), options.defaultNamespace);
}

} // namespace sluice
