#include "KustomizeInputs.h"

#include "render/YamlTree.h"

#include <QCryptographicHash>
#include <QDir>
#include <QJsonArray>
#include <QJsonObject>
#include <QMap>
#include <QSet>

namespace sluice {
namespace {

// Fields that name no file (the rest of what kustomize knows is followed below; anything else
// makes the input unknowable).
const QSet<QString> kPlainFields{
    QStringLiteral("apiVersion"), QStringLiteral("kind"), QStringLiteral("metadata"), QStringLiteral("namespace"),
    QStringLiteral("namePrefix"), QStringLiteral("nameSuffix"), QStringLiteral("commonLabels"), QStringLiteral("labels"),
    QStringLiteral("commonAnnotations"), QStringLiteral("images"), QStringLiteral("replicas"), QStringLiteral("generatorOptions"),
    QStringLiteral("buildMetadata"), QStringLiteral("sortOptions"), QStringLiteral("vars"), QStringLiteral("helmGlobals")};

const QStringList kKustomizationFiles{QStringLiteral("kustomization.yaml"), QStringLiteral("kustomization.yml"),
                                      QStringLiteral("Kustomization")};

bool isRemote(const QString &ref)
{
    return ref.contains(QLatin1String("://")) || ref.startsWith(QLatin1String("git@")) || ref.contains(QLatin1String("?ref=")) ||
           ref.startsWith(QLatin1String("github.com/")) || ref.startsWith(QLatin1String("gitlab.com/")) ||
           ref.startsWith(QLatin1String("bitbucket.org/"));
}

// Inline YAML instead of a path (patchesStrategicMerge, generators and transformers allow both).
bool isInline(const QString &ref)
{
    return ref.contains(QLatin1Char('\n'));
}

class Walk
{
public:
    Walk(const git::Repository &repo, const git::Revision &rev) : m_repo(repo), m_rev(rev) {}

    // false when the input cannot be known.
    bool visit(const QString &dir)
    {
        if (m_visited.contains(dir))
            return true;
        m_visited.insert(dir);
        auto tree = m_repo.object(m_rev, dir);
        if (!tree || tree->kind != git::Repository::PathObject::Kind::Tree || tree->hasSymlinks)
            return false;
        m_inputs.insert(dir, tree->id);
        m_dirs.append(dir);
        for (const QString &name : kKustomizationFiles) {
            auto file = m_repo.object(m_rev, join(dir, name));
            if (file && file->kind == git::Repository::PathObject::Kind::File)
                return follow(dir, file->content, join(dir, name));
        }
        return false; // no kustomization: not something this knows how to follow
    }

    KustomizeInputs inputs() const { return {id(), m_dirs, m_files}; }

    QString id() const
    {
        QCryptographicHash hash(QCryptographicHash::Sha1);
        for (auto it = m_inputs.begin(); it != m_inputs.end(); ++it)
            hash.addData((it.key() + QLatin1Char('\0') + it.value() + QLatin1Char('\n')).toUtf8());
        return QString::fromLatin1(hash.result().toHex());
    }

private:
    static QString join(const QString &dir, const QString &ref)
    {
        return QDir::cleanPath(dir.isEmpty() || dir == QLatin1String(".") ? ref : dir + QLatin1Char('/') + ref);
    }

    // A file or directory a kustomization names, relative to its directory.
    bool reference(const QString &dir, const QString &ref)
    {
        if (ref.isEmpty() || isInline(ref))
            return true;
        if (isRemote(ref) || ref.startsWith(QLatin1Char('/')))
            return false;
        const QString path = join(dir, ref);
        if (path == QLatin1String("..") || path.startsWith(QLatin1String("../")))
            return false;
        auto object = m_repo.object(m_rev, path);
        if (!object) {
            if (object.error().code != git::kErrorNotFound)
                return false;
            m_inputs.insert(path, QStringLiteral("missing")); // kustomize fails on it; its arrival is a change
            return true;
        }
        switch (object->kind) {
        case git::Repository::PathObject::Kind::File:
            m_inputs.insert(path, object->id);
            m_files.append(path);
            return true;
        case git::Repository::PathObject::Kind::Tree:
            return visit(path);
        default:
            return false; // a symlink or a submodule
        }
    }

    bool references(const QString &dir, const QJsonValue &list)
    {
        for (const QJsonValue item : list.toArray()) {
            if (!(item.isString() ? reference(dir, item.toString()) : item.isObject() && pathOf(dir, item.toObject())))
                return false;
        }
        return true;
    }

    // {path: FILE, …} as in patches, patchesJson6902, replacements.
    bool pathOf(const QString &dir, const QJsonObject &object)
    {
        return !object.contains(QLatin1String("path")) || reference(dir, object.value(QLatin1String("path")).toString());
    }

    // configMapGenerator / secretGenerator entries: files ("key=path" or "path"), envs, env.
    bool generator(const QString &dir, const QJsonValue &list)
    {
        for (const QJsonValue entry : list.toArray()) {
            const QJsonObject g = entry.toObject();
            for (const QJsonValue file : g.value(QLatin1String("files")).toArray()) {
                const QString spec = file.toString();
                if (!reference(dir, spec.contains(QLatin1Char('=')) ? spec.section(QLatin1Char('='), 1) : spec))
                    return false;
            }
            for (const QJsonValue env : g.value(QLatin1String("envs")).toArray()) {
                if (!reference(dir, env.toString()))
                    return false;
            }
            if (!reference(dir, g.value(QLatin1String("env")).toString()))
                return false;
        }
        return true;
    }

    bool follow(const QString &dir, const QByteArray &text, const QString &file)
    {
        auto parsed = yaml::parseDocument(text, file);
        if (!parsed || !parsed->isObject())
            return false;
        const QJsonObject k = parsed->toObject();
        for (auto it = k.begin(); it != k.end(); ++it) {
            const QString &field = it.key();
            const QJsonValue &value = it.value();
            bool ok = true;
            if (kPlainFields.contains(field))
                ok = field != QLatin1String("helmGlobals") ||
                     reference(dir, value.toObject().value(QLatin1String("chartHome")).toString());
            else if (field == QLatin1String("configMapGenerator") || field == QLatin1String("secretGenerator"))
                ok = generator(dir, value);
            else if (field == QLatin1String("openapi"))
                ok = pathOf(dir, value.toObject());
            else if (field == QLatin1String("helmCharts"))
                ok = helmCharts(dir, value);
            else if (QStringList{QStringLiteral("resources"), QStringLiteral("bases"), QStringLiteral("components"),
                                 QStringLiteral("crds"), QStringLiteral("patches"), QStringLiteral("patchesStrategicMerge"),
                                 QStringLiteral("patchesJson6902"), QStringLiteral("replacements"), QStringLiteral("configurations"),
                                 QStringLiteral("generators"), QStringLiteral("transformers"), QStringLiteral("validators")}
                         .contains(field))
                ok = references(dir, value);
            else
                ok = false; // a field that may name files Sluice does not follow
            if (!ok)
                return false;
        }
        return true;
    }

    // Local charts only (a chart repository is fetched: not an input Git knows).
    bool helmCharts(const QString &dir, const QJsonValue &list)
    {
        for (const QJsonValue chart : list.toArray()) {
            const QJsonObject c = chart.toObject();
            if (!c.value(QLatin1String("repo")).toString().isEmpty())
                return false;
            if (!reference(dir, c.value(QLatin1String("valuesFile")).toString()))
                return false;
            for (const QJsonValue file : c.value(QLatin1String("additionalValuesFiles")).toArray()) {
                if (!reference(dir, file.toString()))
                    return false;
            }
        }
        return true;
    }

    const git::Repository &m_repo;
    const git::Revision &m_rev;
    QSet<QString> m_visited;
    QMap<QString, QString> m_inputs; // path → git id, sorted
    QStringList m_dirs;
    QStringList m_files;
};

} // namespace

std::optional<KustomizeInputs> kustomizeInputs(const git::Repository &repo, const git::Revision &rev, const QString &path)
{
    if (rev.worktree)
        return std::nullopt;
    Walk walk(repo, rev);
    if (!walk.visit(QDir::cleanPath(path.isEmpty() ? QStringLiteral(".") : path)))
        return std::nullopt;
    return walk.inputs();
}

} // namespace sluice
