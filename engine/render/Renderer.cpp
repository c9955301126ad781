#include "Renderer.h"

#include "FluxBuild.h"
#include "ScanMemo.h"
#include "Scope.h"
#include "YamlScan.h"
#include "core/Bytes.h"
#include "core/Log.h"
#include "core/Paths.h"
#include "core/Process.h"

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QCryptographicHash>
#include <QFileInfo>
#include <QJsonObject>
#include <QMap>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <algorithm>

namespace sluice {
namespace {

const QStringList kKustomizationFiles = {QStringLiteral("kustomization.yaml"), QStringLiteral("kustomization.yml"),
                                         QStringLiteral("Kustomization")};

// Whether the plain renderer looks at a file at all: hidden files and folders (.git, .github …)
// are not manifests, and sub-folders only count when recursing.
bool isInScope(const QString &relative, bool recurse)
{
    const bool hidden = relative.startsWith(QLatin1Char('.')) || relative.contains(QLatin1String("/."));
    return !hidden && (recurse || !relative.contains(QLatin1Char('/')));
}

// What a folder that rendered no objects holds instead, for a note: "3 .jsonnet files;
// jsonnet is not supported", "2 YAML/JSON files with no object in them", "no files".
QString whatIsThereInstead(const QList<FileBytes> &files, bool recurse, qsizetype manifestFiles)
{
    QMap<QString, int> bySuffix;
    for (const FileBytes &file : files) {
        if (!isInScope(file.path, recurse))
            continue;
        const QString suffix = QFileInfo(file.path).suffix().toLower();
        if (suffix != QLatin1String("yaml") && suffix != QLatin1String("yml") && suffix != QLatin1String("json"))
            bySuffix[suffix.isEmpty() ? QString() : QLatin1Char('.') + suffix] += 1;
    }
    QStringList found;
    if (manifestFiles > 0)
        found << QStringLiteral("%1 YAML/JSON file%2 with no object in %3").arg(manifestFiles).arg(manifestFiles == 1 ? "" : "s",
                                                                                  manifestFiles == 1 ? "it" : "them");
    QList<std::pair<int, QString>> counts; // most first
    for (auto c = bySuffix.begin(); c != bySuffix.end(); ++c)
        counts.append({c.value(), c.key()});
    std::stable_sort(counts.begin(), counts.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
    for (const auto &[count, suffix] : counts.mid(0, 5))
        found << QStringLiteral("%1 %2file%3").arg(count).arg(suffix.isEmpty() ? QString() : suffix + QLatin1Char(' '), count == 1 ? "" : "s");
    if (counts.size() > 5)
        found << QStringLiteral("other files");
    QString text = found.isEmpty() ? QStringLiteral("no files") : found.join(QLatin1String(", "));
    if (bySuffix.contains(QStringLiteral(".jsonnet")) || bySuffix.contains(QStringLiteral(".libsonnet")))
        text += QStringLiteral("; jsonnet is not supported");
    return text;
}

// The objects of the plain manifests among `files` (sorted by path), in that order.
Result<ScannedManifests> scanPlainFiles(const QList<FileBytes> &files, const QString &displayPath, bool recurse,
                                        const CancelToken &cancel, QStringList &notes)
{
    ScannedManifests all;
    qsizetype scannedFiles = 0;
    for (const FileBytes &file : files) {
        if (cancel.isCancelled())
            return makeError(ErrorCategory::Cancelled, QStringLiteral("render of %1 was cancelled").arg(displayPath));
        if (!isPlainManifest(file.path, recurse))
            continue;
        ++scannedFiles;
        const QString shown = displayPath.isEmpty() || displayPath == QLatin1String(".")
                                  ? file.path
                                  : displayPath + QLatin1Char('/') + file.path;
        auto scanned = processScanMemo().scan(file.bytes, shown);
        if (!scanned)
            return scanned.error();
        if (all.resources.isEmpty()) // taken, not copied (QList::append copies into a new block)
            all.resources = std::move(scanned->resources);
        else
            all.resources.append(std::move(scanned->resources));
        all.crds.append(std::move(scanned->crds));
    }
    if (all.resources.isEmpty())
        notes.append(QStringLiteral("%1 has no objects: %2").arg(displayPath, whatIsThereInstead(files, recurse, scannedFiles)));
    return all;
}

// The files of `dir` (all of them: the note on an empty render names the others), with the
// bytes of those the plain renderer reads.
Result<QList<FileBytes>> readFolder(const QString &dir, bool recurse, const CancelToken &cancel)
{
    QList<FileBytes> files;
    QDirIterator it(dir, QDir::Files, recurse ? QDirIterator::Subdirectories : QDirIterator::NoIteratorFlags);
    const QDir base(dir);
    while (it.hasNext()) {
        if (cancel.isCancelled())
            return makeError(ErrorCategory::Cancelled, QStringLiteral("reading %1 was cancelled").arg(dir));
        FileBytes &file = files.emplace_back();
        const QString path = it.next();
        file.path = base.relativeFilePath(path);
        if (!isPlainManifest(file.path, recurse))
            continue;
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            return makeError(ErrorCategory::Io, QStringLiteral("cannot read %1: %2").arg(file.path, f.errorString()));
        file.bytes = readWhole(f);
    }
    std::sort(files.begin(), files.end(), [](const FileBytes &a, const FileBytes &b) { return a.path < b.path; });
    return files;
}

// The set of what a renderer printed, with its notes.
Result<ResourceSet> scoped(ScannedManifests scanned, const RenderOptions &options, const QStringList &notes)
{
    auto set = scopeResources(std::move(scanned), options.defaultNamespace);
    if (set)
        set->notes = notes;
    return set;
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

// SLUICE_HELM, else the settings' path, else `helm` (PATH, then toolsDirectory()).
Tool helmTool(const ToolPaths &tools)
{
    const QString fromEnvironment = qEnvironmentVariable("SLUICE_HELM");
    const QString program = !fromEnvironment.isEmpty() ? fromEnvironment : tools.helm.isEmpty() ? QStringLiteral("helm") : tools.helm;
    return {program, {QStringLiteral("template")}};
}

// Helm test hooks (helm.sh/hook: test, or the old test-success / test-failure) are run by
// `helm test`; a release (and so Flux or Argo CD) never deploys them. They are left out of the
// desired state, each with a note.
void dropHelmTestHooks(ScannedManifests &scanned, const QString &defaultNamespace, QStringList &notes)
{
    const auto isTestHook = [](const Resource &resource) {
        auto tree = resource.parseTree();
        if (!tree)
            return false;
        const QString hooks = tree->value(QLatin1String("metadata")).toObject().value(QLatin1String("annotations")).toObject()
                                  .value(QLatin1String("helm.sh/hook")).toString();
        for (const QString &hook : hooks.split(QLatin1Char(','))) {
            const QString h = hook.trimmed();
            if (h == QLatin1String("test") || h == QLatin1String("test-success") || h == QLatin1String("test-failure"))
                return true;
        }
        return false;
    };
    QList<Resource> kept;
    for (Resource &resource : scanned.resources) {
        if (isTestHook(resource)) {
            ResourceKey shown = resource.key; // test hooks are Pods and Jobs: namespaced
            if (shown.ns.isEmpty())
                shown.ns = defaultNamespace;
            notes.append(QStringLiteral("left out %1 (a helm test hook: `helm test` runs it, a release does not deploy it)")
                             .arg(shown.displayName()));
            continue;
        }
        kept.append(std::move(resource));
    }
    scanned.resources = std::move(kept);
}

// helm keeps its repository index and settings under the cache, not in the user's helm setup.
QStringList helmEnvironment()
{
    const QString home = cacheDir() + QStringLiteral("/helm");
    return {QStringLiteral("HELM_CACHE_HOME=") + home + QStringLiteral("/cache"),
            QStringLiteral("HELM_CONFIG_HOME=") + home + QStringLiteral("/config"),
            QStringLiteral("HELM_DATA_HOME=") + home + QStringLiteral("/data")};
}

// The chart `helm` names from its repository, as a .tgz in the chart cache: an exact version
// is pulled once and then found offline; a range (or no version) asks the repository each time.
Result<QString> cachedChart(const HelmOptions &helm, const Tool &tool, const RenderOptions &options, const CancelToken &cancel)
{
    const QString name = helm.repo + QLatin1Char('/') + helm.chart;
    if (helm.repo.startsWith(QLatin1String("oci://"), Qt::CaseInsensitive))
        return makeError(ErrorCategory::Render,
                         QStringLiteral("chart %1: OCI chart references are not supported yet; use an HTTP chart repository, "
                                        "or keep the chart in Git (helm pull --untar)").arg(name));
    const QString dir = cacheDir() + QStringLiteral("/charts/") +
                        QString::fromLatin1(QCryptographicHash::hash(helm.repo.toUtf8(), QCryptographicHash::Sha256).toHex().left(16));
    static const QRegularExpression exact(QStringLiteral("^v?(\\d+\\.\\d+\\.\\d+([-+][0-9A-Za-z.+-]*)?)$"));
    const QRegularExpressionMatch version = exact.match(helm.version);
    const QString cached = version.hasMatch() ? QStringLiteral("%1/%2-%3.tgz").arg(dir, helm.chart, version.captured(1)) : QString();
    if (!cached.isEmpty() && QFileInfo::exists(cached))
        return cached;
    if (!QDir().mkpath(dir))
        return makeError(ErrorCategory::Io, QStringLiteral("cannot create the chart cache %1").arg(dir));
    QTemporaryDir pulled(dir + QStringLiteral("/pull-XXXXXX"));
    ToolRun run;
    run.program = tool.program;
    run.arguments = {QStringLiteral("pull"), helm.chart, QStringLiteral("--repo"), helm.repo, QStringLiteral("--destination"), pulled.path()};
    if (!helm.version.isEmpty())
        run.arguments << QStringLiteral("--version") << helm.version;
    run.timeoutMs = options.timeoutMs;
    run.extraEnvironment = helmEnvironment();
    auto output = runTool(run, cancel);
    if (!output)
        return output.error().prefixed(QStringLiteral("fetching chart %1%2").arg(name, helm.version.isEmpty() ? QString() : QLatin1Char(' ') + helm.version));
    const QStringList files = QDir(pulled.path()).entryList({QStringLiteral("*.tgz")}, QDir::Files);
    if (files.size() != 1)
        return makeError(ErrorCategory::Render, QStringLiteral("fetching chart %1: helm pull left no chart archive").arg(name));
    const QString target = dir + QLatin1Char('/') + files.first();
    QFile::remove(target);
    if (!QFile::rename(pulled.filePath(files.first()), target))
        return makeError(ErrorCategory::Io, QStringLiteral("cannot move the chart into the cache %1").arg(target));
    return target;
}

// kubectl (kustomize) and helm are Go programs whose render is over in a fraction of a second.
// Go collects from a 4 MB heap on, and those collections run beside the render on the same
// cores: a small kustomize render spends about a fifth of its CPU on them (more of its wall time
// when the other cores are busy, as in a render of many commits at once). With GOGC=off until
// the heap nears GOMEMLIMIT (256 MiB) a small render collects never, a large one collects less
// often than by default (a live heap of 60 MB: every 190 MB, not every 60) and peaks a little
// higher (README, Benchmarks). A user's own GOGC or GOMEMLIMIT is left as it is.
QStringList goRenderEnvironment()
{
    if (qEnvironmentVariableIsSet("GOGC") || qEnvironmentVariableIsSet("GOMEMLIMIT"))
        return {};
    return {QStringLiteral("GOGC=off"), QStringLiteral("GOMEMLIMIT=256MiB")};
}

Result<ScannedManifests> runRenderTool(const Tool &tool, QStringList arguments, const QString &dir,
                                       const QString &outputName, const RenderOptions &options,
                                       const CancelToken &cancel)
{
    ToolRun run;
    run.program = tool.program;
    run.arguments = tool.prefix + arguments;
    run.workingDirectory = dir;
    run.extraEnvironment = goRenderEnvironment();
    run.timeoutMs = options.timeoutMs;
    auto output = runTool(run, cancel);
    if (!output)
        return output.error().prefixed(QStringLiteral("render of %1").arg(outputName));
    return processScanMemo().scan(output->standardOutput, outputName);
}

} // namespace

QString rendererName(RendererKind kind)
{
    switch (kind) {
    case RendererKind::Auto: return QStringLiteral("auto");
    case RendererKind::Plain: return QStringLiteral("plain");
    case RendererKind::Kustomize: return QStringLiteral("kustomize");
    case RendererKind::Helm: return QStringLiteral("helm");
    case RendererKind::Flux: return QStringLiteral("flux");
    }
    return {};
}

std::optional<RendererKind> parseRendererName(const QString &name)
{
    for (RendererKind kind : {RendererKind::Auto, RendererKind::Plain, RendererKind::Kustomize, RendererKind::Helm, RendererKind::Flux}) {
        if (rendererName(kind) == name)
            return kind;
    }
    return std::nullopt;
}

QString RenderOptions::identity() const
{
    return QStringList{rendererName(renderer), defaultNamespace, helm.releaseName.isEmpty() ? releaseName : helm.releaseName,
                       helm.valueFiles.join(QLatin1Char(',')), helm.repo, helm.chart, helm.version, QString::fromUtf8(helm.values),
                       renderer == RendererKind::Flux || flux.editsKustomization() ? flux.identity() : QString(), recurse ? QString() : QStringLiteral("top-level")}
        .join(QLatin1Char('|'));
}

bool FluxOptions::editsKustomization() const
{
    return !targetNamespace.isEmpty() || !namePrefix.isEmpty() || !nameSuffix.isEmpty() || !patches.isEmpty() || !images.isEmpty() ||
           !commonLabels.isEmpty() || !commonAnnotations.isEmpty();
}

QString FluxOptions::identity() const
{
    QStringList variableList;
    for (auto it = variables.begin(); it != variables.end(); ++it)
        variableList.append(it.key() + QLatin1Char('=') + it.value());
    variableList.sort();
    QStringList repositories;
    for (auto it = helmRepositories.begin(); it != helmRepositories.end(); ++it)
        repositories.append(it.key() + QLatin1Char('=') + it.value());
    repositories.sort();
    for (auto it = repositoryObjects.begin(); it != repositoryObjects.end(); ++it)
        repositories.append(it.key() + QLatin1Char('@') + it.value());
    repositories.sort();
    return QStringList{targetNamespace, namePrefix, nameSuffix, QString::fromUtf8(patches), QString::fromUtf8(images),
                       substitute ? QStringLiteral("substitute") : QString(), variableList.join(QLatin1Char('\n')),
                       localGitRepositories.join(QLatin1Char(',')), repositories.join(QLatin1Char(',')),
                       QString::fromUtf8(artifactCopies), artifactPath, QString::fromUtf8(commonLabels),
                       QString::fromUtf8(commonAnnotations)}
        .join(QLatin1Char('|'));
}

RendererKind detectRenderer(const QString &dir)
{
    const QDir d(dir);
    return detectRenderer([&d](const QString &name) { return d.exists(name); });
}

RendererKind detectRenderer(const std::function<bool(const QString &name)> &hasFile)
{
    if (hasFile(QStringLiteral("Chart.yaml")))
        return RendererKind::Helm;
    for (const QString &name : kKustomizationFiles) {
        if (hasFile(name))
            return RendererKind::Kustomize;
    }
    return RendererKind::Plain;
}

bool readsOutsidePath(RendererKind kind)
{
    return kind != RendererKind::Plain;
}

QString toolIdentity(RendererKind kind, const ToolPaths &tools)
{
    Tool tool;
    if (kind == RendererKind::Kustomize || kind == RendererKind::Flux)
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

Result<QString> describeRenderTool(RendererKind kind, const ToolPaths &tools)
{
    const bool helm = kind == RendererKind::Helm;
    if (!helm && kind != RendererKind::Kustomize && kind != RendererKind::Flux)
        return makeError(ErrorCategory::Render, QStringLiteral("%1 runs no external tool").arg(rendererName(kind)));
    const Tool tool = helm ? helmTool(tools) : kustomizeTool(tools);
    const bool viaKubectl = tool.prefix.value(0) == QLatin1String("kustomize");
    // helm and kustomize print their version; kubectl names its kustomize's in `version --client`.
    auto version = toolVersion(tool.program, helm ? QStringList{QStringLiteral("version"), QStringLiteral("--short")}
                                                  : QStringList{QStringLiteral("version"), QStringLiteral("--client")});
    if (!version)
        return version.error();
    const QString name = helm ? QStringLiteral("helm") : viaKubectl ? QStringLiteral("kubectl kustomize") : QStringLiteral("kustomize");
    QString line = version->section(QLatin1Char('\n'), 0, 0);
    if (viaKubectl) {
        const qsizetype at = version->indexOf(QLatin1String("Kustomize Version: "));
        line = at < 0 ? QStringLiteral("(version unknown)") : version->mid(at + 19).section(QLatin1Char('\n'), 0, 0).trimmed();
    }
    return QStringLiteral("%1 %2 (%3)").arg(name, line, findTool(tool.program));
}

Result<ResourceSet> renderDirectory(const QString &dir, const QString &displayPath, const RenderOptions &options,
                                    const CancelToken &cancel)
{
    if (!QFileInfo(dir).isDir())
        return makeError(ErrorCategory::Render, QStringLiteral("path %1 does not exist or is not a directory").arg(displayPath));
    const RendererKind kind = options.renderer != RendererKind::Auto ? options.renderer
                              : !options.helm.chart.isEmpty()     ? RendererKind::Helm
                                                                  : detectRenderer(dir);
    qCDebug(lcRender) << "rendering" << displayPath << "with" << rendererName(kind);

    Result<ScannedManifests> scanned = makeError(ErrorCategory::Render, QString());
    QStringList notes;
    switch (kind) {
    case RendererKind::Auto:
    case RendererKind::Plain: {
        auto files = readFolder(dir, options.recurse, cancel);
        if (!files)
            return files.error();
        scanned = scanPlainFiles(*files, displayPath, options.recurse, cancel, notes);
        break;
    }
    case RendererKind::Kustomize:
        if (options.flux.editsKustomization()) {
            if (Status edited = prepareFluxKustomization(dir, options.flux); !edited)
                return edited.error().prefixed(QStringLiteral("render of %1").arg(displayPath));
        }
        if (!options.repoRoot.isEmpty()) {
            if (Status inside = checkKustomizeReach(options.repoRoot, dir, options.refusedLinks); !inside)
                return inside.error().prefixed(QStringLiteral("render of %1").arg(displayPath));
        }
        scanned = runRenderTool(kustomizeTool(options.tools), {QStringLiteral(".")}, dir,
                                displayPath + QLatin1String(" (kustomize output)"), options, cancel);
        break;
    case RendererKind::Helm: {
        const Tool helm = helmTool(options.tools);
        QString chart = QStringLiteral(".");
        if (!options.helm.chart.isEmpty()) {
            auto cached = cachedChart(options.helm, helm, options, cancel);
            if (!cached)
                return cached.error().prefixed(QStringLiteral("render of %1").arg(displayPath));
            chart = *cached;
        }
        const QString release = options.helm.releaseName.isEmpty() ? options.releaseName : options.helm.releaseName;
        QStringList args{release.isEmpty() ? QStringLiteral("release") : release, chart, QStringLiteral("--include-crds")};
        if (!options.defaultNamespace.isEmpty())
            args << QStringLiteral("--namespace") << options.defaultNamespace;
        for (const QString &values : options.helm.valueFiles) {
            if (!options.repoRoot.isEmpty()) {
                if (Status inside = checkPathInside(options.repoRoot, dir, values, QStringLiteral("helm values file"), options.refusedLinks); !inside)
                    return inside.error().prefixed(QStringLiteral("render of %1").arg(displayPath));
            }
            args << QStringLiteral("--values") << values;
        }
        QTemporaryDir inlineDir; // inline values go last, over the files
        if (!options.helm.values.isEmpty()) {
            QFile inlineValues(inlineDir.filePath(QStringLiteral("inline-values.yaml")));
            if (!inlineValues.open(QIODevice::WriteOnly) || inlineValues.write(options.helm.values) < 0)
                return makeError(ErrorCategory::Io, QStringLiteral("cannot write the inline helm values: %1").arg(inlineValues.errorString()));
            args << QStringLiteral("--values") << inlineValues.fileName();
        }
        scanned = runRenderTool(helm, args, dir, displayPath + QLatin1String(" (helm output)"),
                                options, cancel);
        if (scanned)
            dropHelmTestHooks(*scanned, options.defaultNamespace, notes);
        break;
    }
    case RendererKind::Flux: {
        // An ExternalArtifact from an ArtifactGenerator: its files first, then the build inside it.
        QTemporaryDir artifact;
        QString buildDir = dir;
        if (!options.flux.artifactCopies.isEmpty()) {
            if (Status built = buildFluxArtifact(dir, options.flux.artifactCopies, artifact.path()); !built)
                return built.error().prefixed(QStringLiteral("render of %1").arg(displayPath));
            buildDir = QDir(artifact.path()).filePath(options.flux.artifactPath);
            if (!QFileInfo(buildDir).isDir())
                return makeError(ErrorCategory::Render, QStringLiteral("render of %1: path %2 does not exist in the artifact")
                                                            .arg(displayPath, options.flux.artifactPath));
        }
        if (Status prepared = prepareFluxKustomization(buildDir, options.flux); !prepared)
            return prepared.error().prefixed(QStringLiteral("render of %1").arg(displayPath));
        if (const QString root = options.flux.artifactCopies.isEmpty() ? options.repoRoot : artifact.path(); !root.isEmpty()) {
            if (Status inside = checkKustomizeReach(root, buildDir, options.refusedLinks); !inside)
                return inside.error().prefixed(QStringLiteral("render of %1").arg(displayPath));
        }
        // Flux builds with no load restrictions: a kustomization may use files outside its folder.
        scanned = runRenderTool(kustomizeTool(options.tools), {QStringLiteral("--load-restrictor"), QStringLiteral("LoadRestrictionsNone"),
                                                              QStringLiteral(".")},
                                buildDir, displayPath + QLatin1String(" (flux build)"), options, cancel);
        if (scanned)
            scanned = substituteFluxVariables(std::move(*scanned), options.flux, notes);
        if (scanned)
            scanned = expandHelmReleases(std::move(*scanned), options, notes, cancel);
        break;
    }
    }
    if (!scanned)
        return scanned.error();
    if (scanned->resources.isEmpty() && notes.isEmpty())
        notes.append(QStringLiteral("%1 has no objects: the %2 build produced none").arg(displayPath, rendererName(kind)));
    return scoped(std::move(*scanned), options, notes);
}

bool isPlainManifest(const QString &path, bool recurse)
{
    if (!isInScope(path, recurse))
        return false;
    for (QLatin1String suffix : {QLatin1String(".yaml"), QLatin1String(".yml"), QLatin1String(".json")}) {
        if (path.endsWith(suffix, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

Result<ResourceSet> renderPlainFiles(const QList<FileBytes> &files, const QString &displayPath, const RenderOptions &options,
                                     const CancelToken &cancel)
{
    QStringList notes;
    auto scanned = scanPlainFiles(files, displayPath, options.recurse, cancel, notes);
    if (!scanned)
        return scanned.error();
    return scoped(std::move(*scanned), options, notes);
}

qint64 plainScanMemoHits()
{
    return processScanMemo().counts().fileHits;
}

} // namespace sluice
