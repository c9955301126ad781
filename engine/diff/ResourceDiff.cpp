#include "ResourceDiff.h"

#include "SecretMask.h"
#include "TextDiff.h"
#include "render/YamlTree.h"

namespace sluice {

QString changeKindName(ChangeKind kind)
{
    switch (kind) {
    case ChangeKind::Added: return QStringLiteral("added");
    case ChangeKind::Removed: return QStringLiteral("removed");
    case ChangeKind::Changed: return QStringLiteral("changed");
    case ChangeKind::Unchanged: return QStringLiteral("unchanged");
    }
    return {};
}

Result<QJsonObject> displayTree(const Resource &resource, const QList<IgnoreRule> &ignore, SecretMasker &masker)
{
    auto tree = resource.parseTree();
    if (!tree)
        return tree.error();
    QJsonObject object = normalizeObject(std::move(*tree), resource.key, ignore);
    if (SecretMasker::appliesTo(resource.key))
        object = masker.mask(std::move(object));
    return object;
}

namespace {

QByteArray label(const QByteArray &prefix, const ResourceKey &key)
{
    return prefix + "  " + key.displayName().toUtf8();
}

} // namespace

Result<ResourceDiff> diffResourceSets(const ResourceSet &base, const ResourceSet &head, const DiffOptions &options,
                                      const CancelToken &cancel)
{
    ResourceDiff result;
    SecretMasker masker;
    auto b = base.begin();
    auto h = head.begin();
    while (b != base.end() || h != head.end()) {
        if (cancel.isCancelled())
            return makeError(ErrorCategory::Cancelled, QStringLiteral("diff was cancelled"));
        const Resource *before = nullptr;
        const Resource *after = nullptr;
        if (h == head.end() || (b != base.end() && b->first < h->first)) {
            before = &(b++)->second;
        } else if (b == base.end() || h->first < b->first) {
            after = &(h++)->second;
        } else {
            before = &(b++)->second;
            after = &(h++)->second;
        }

        ObjectDiff object;
        object.key = (after ? after : before)->key;
        object.apiVersion = (after ? after : before)->apiVersion;
        object.baseLocation = before ? before->location() : QString();
        object.headLocation = after ? after->location() : QString();
        if (before && after && before->hash == after->hash) {
            object.change = ChangeKind::Unchanged;
            ++result.summary.unchanged;
            result.objects.append(std::move(object));
            continue;
        }

        QJsonObject beforeTree;
        QJsonObject afterTree;
        if (before) {
            auto tree = displayTree(*before, options.ignore, masker);
            if (!tree)
                return tree.error();
            beforeTree = std::move(*tree);
        }
        if (after) {
            auto tree = displayTree(*after, options.ignore, masker);
            if (!tree)
                return tree.error();
            afterTree = std::move(*tree);
        }

        if (before && after) {
            if (beforeTree == afterTree) {
                object.change = ChangeKind::Unchanged;
                ++result.summary.unchanged;
                result.objects.append(std::move(object));
                continue;
            }
            object.change = ChangeKind::Changed;
            object.fields = diffFields(beforeTree, afterTree);
            ++result.summary.changed;
        } else if (after) {
            object.change = ChangeKind::Added;
            ++result.summary.added;
        } else {
            object.change = ChangeKind::Removed;
            ++result.summary.removed;
        }
        if (options.withText) {
            const QByteArray beforeYaml = before ? yaml::toYaml(beforeTree) : QByteArray();
            const QByteArray afterYaml = after ? yaml::toYaml(afterTree) : QByteArray();
            object.diff = unifiedDiff(beforeYaml, afterYaml,
                                      before ? label(options.baseLabel, object.key) : QByteArray("/dev/null"),
                                      after ? label(options.headLabel, object.key) : QByteArray("/dev/null"));
        }
        result.objects.append(std::move(object));
    }
    return result;
}

} // namespace sluice
