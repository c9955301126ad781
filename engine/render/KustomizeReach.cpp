#include "KustomizeReach.h"

#include "YamlTree.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QSet>

namespace sluice {
namespace {

const QStringList kKustomizationFiles{QStringLiteral("kustomization.yaml"), QStringLiteral("kustomization.yml"),
                                      QStringLiteral("Kustomization")};

// Fields whose entries are paths (strings) or {path: …} objects.
const QStringList kPathLists{QStringLiteral("resources"), QStringLiteral("bases"), QStringLiteral("components"),
                             QStringLiteral("crds"), QStringLiteral("patches"), QStringLiteral("patchesStrategicMerge"),
                             QStringLiteral("patchesJson6902"), QStringLiteral("replacements"),
                             QStringLiteral("configurations"), QStringLiteral("generators"), QStringLiteral("transformers"),
                             QStringLiteral("validators")};

bool isRemote(const QString &ref)
{
    return ref.contains(QLatin1String("://")) || ref.startsWith(QLatin1String("git@")) || ref.contains(QLatin1String("?ref=")) ||
           ref.startsWith(QLatin1String("github.com/")) || ref.startsWith(QLatin1String("gitlab.com/")) ||
           ref.startsWith(QLatin1String("bitbucket.org/"));
}

// `path` below `root`, "" for the root itself.
QString relativeTo(const QString &root, const QString &path)
{
    const QString rel = QDir::cleanPath(QDir(root).relativeFilePath(path));
    return rel == QLatin1String(".") ? QString() : rel;
}

QString joined(const QString &dir, const QString &ref)
{
    return QDir::cleanPath(dir.isEmpty() ? ref : dir + QLatin1Char('/') + ref);
}

// Why `ref`, named in repository directory `dir`, may not be read; empty when it may.
QString refusal(const QString &dir, const QString &ref, const RefusedLinks &refused, QString *resolved)
{
    if (ref.startsWith(QLatin1Char('/')))
        return QStringLiteral("is an absolute path, outside the repository: refused");
    const QString path = joined(dir, ref);
    if (path == QLatin1String("..") || path.startsWith(QLatin1String("../")))
        return QStringLiteral("leaves the repository: refused");
    if (const QString link = refusedLinkAt(path, refused); !link.isEmpty())
        return QStringLiteral("goes through the symlink %1, which %2").arg(link, refused.value(link));
    *resolved = path == QLatin1String(".") ? QString() : path;
    return {};
}

class Walk
{
public:
    Walk(const QString &root, const RefusedLinks &refused) : m_root(root), m_refused(refused) {}

    Status visit(const QString &dir)
    {
        if (m_visited.contains(dir))
            return {};
        m_visited.insert(dir);
        const QDir onDisk(joined(m_root, dir));
        for (const QString &name : kKustomizationFiles) {
            QFile file(onDisk.filePath(name));
            if (!file.exists())
                continue;
            if (!file.open(QIODevice::ReadOnly))
                return {}; // kustomize says why
            m_file = joined(dir, name);
            m_text = file.readAll();
            auto parsed = yaml::parseDocument(m_text, m_file);
            if (!parsed || !parsed->isObject())
                return {};
            return follow(dir, parsed->toObject());
        }
        return {};
    }

private:
    Status follow(const QString &dir, const QJsonObject &k)
    {
        // Keep this file's name and text: visiting a directory replaces them.
        const QString file = m_file;
        const QByteArray text = m_text;
        QStringList directories;
        const auto check = [&](const QString &field, const QString &ref) -> Status {
            if (ref.isEmpty() || ref.contains(QLatin1Char('\n')) || isRemote(ref))
                return {};
            QString path;
            if (const QString why = refusal(dir, ref, m_refused, &path); !why.isEmpty())
                return makeError(ErrorCategory::Render, QStringLiteral("%1:%2: %3 entry %4 %5")
                                                            .arg(file).arg(lineOf(text, ref)).arg(field, elideMiddle(ref), why));
            if (QFileInfo(joined(m_root, path)).isDir())
                directories.append(path);
            return {};
        };
        for (auto it = k.begin(); it != k.end(); ++it) {
            const QString &field = it.key();
            if (kPathLists.contains(field)) {
                for (const QJsonValue item : it.value().toArray())
                    SLUICE_TRY(check(field, item.isString() ? item.toString() : item.toObject().value(QLatin1String("path")).toString()));
            } else if (field == QLatin1String("configMapGenerator") || field == QLatin1String("secretGenerator")) {
                for (const QJsonValue entry : it.value().toArray()) {
                    const QJsonObject g = entry.toObject();
                    for (const QJsonValue f : g.value(QLatin1String("files")).toArray()) {
                        const QString spec = f.toString();
                        SLUICE_TRY(check(field, spec.contains(QLatin1Char('=')) ? spec.section(QLatin1Char('='), 1) : spec));
                    }
                    for (const QJsonValue env : g.value(QLatin1String("envs")).toArray())
                        SLUICE_TRY(check(field, env.toString()));
                    SLUICE_TRY(check(field, g.value(QLatin1String("env")).toString()));
                }
            } else if (field == QLatin1String("openapi")) {
                SLUICE_TRY(check(field, it.value().toObject().value(QLatin1String("path")).toString()));
            } else if (field == QLatin1String("helmGlobals")) {
                SLUICE_TRY(check(field, it.value().toObject().value(QLatin1String("chartHome")).toString()));
            } else if (field == QLatin1String("helmCharts")) {
                for (const QJsonValue chart : it.value().toArray()) {
                    const QJsonObject c = chart.toObject();
                    SLUICE_TRY(check(field, c.value(QLatin1String("valuesFile")).toString()));
                    for (const QJsonValue values : c.value(QLatin1String("additionalValuesFiles")).toArray())
                        SLUICE_TRY(check(field, values.toString()));
                }
            }
        }
        for (const QString &sub : std::as_const(directories))
            SLUICE_TRY(visit(sub));
        return {};
    }

    // The first line of the kustomization that names `ref` (1 when none does verbatim).
    static int lineOf(const QByteArray &text, const QString &ref)
    {
        const qsizetype at = text.indexOf(ref.toUtf8());
        return at < 0 ? 1 : int(text.left(at).count('\n')) + 1;
    }

    const QString m_root;
    const RefusedLinks &m_refused;
    QSet<QString> m_visited;
    QString m_file;
    QByteArray m_text;
};

} // namespace

QString refusedLinkAt(const QString &path, const RefusedLinks &refused)
{
    for (auto it = refused.begin(); it != refused.end(); ++it) {
        if (path == it.key() || path.startsWith(it.key() + QLatin1Char('/')))
            return it.key();
    }
    return {};
}

Status checkKustomizeReach(const QString &root, const QString &dir, const RefusedLinks &refused)
{
    const QString start = relativeTo(root, dir);
    if (const QString link = refusedLinkAt(start, refused); !link.isEmpty())
        return makeError(ErrorCategory::Render, QStringLiteral("path %1 goes through the symlink %2, which %3")
                                                    .arg(elideMiddle(start), link, refused.value(link)));
    return Walk(root, refused).visit(start);
}

Status checkPathInside(const QString &root, const QString &dir, const QString &ref, const QString &what,
                       const RefusedLinks &refused)
{
    QString path;
    if (const QString why = refusal(relativeTo(root, dir), ref, refused, &path); !why.isEmpty())
        return makeError(ErrorCategory::Render, QStringLiteral("%1 %2 %3").arg(what, elideMiddle(ref), why));
    return {};
}

} // namespace sluice
