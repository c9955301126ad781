#pragma once

// Private to engine/git: the set of files a sub-path holds at a commit (from the object
// database) or in the working tree (from disk), read-only. Used by Repository::materialize
// and Repository::contentId.
//
// Both sources are first collected into one EntryMap (path below subPath → entry), then
// "planned": symlinks are resolved against that map, so a link is written as a copy of what
// it points to, and only when that stays inside subPath. The worktree contentId hashes exactly
// the planned files, so it changes iff materialize() would write something different.

#include "GitHandles.h"
#include "Repository.h"

#include <QList>
#include <QMap>
#include <QString>

namespace sluice::git {

struct SourceEntry
{
    enum class Kind
    {
        File,
        Executable,
        Symlink,
        Submodule
    };
    Kind kind = Kind::File;
    git_oid oid{};      // commit source: the blob
    QString fsPath;     // worktree source: the file on disk
    QString linkTarget; // Symlink: the link text
};

using EntryMap = QMap<QString, SourceEntry>; // key: path relative to subPath

struct OutFile
{
    QString outPath;   // relative to the destination
    QString sourceKey; // the File/Executable entry whose content it gets
};

// The files of one sub-path: entries as found, and the planned output files.
struct Collected
{
    QString subPath; // normalised, repo-relative, "" = root
    QString where;   // "main (abc1234)" or "the working tree", for messages
    EntryMap entries;
    QList<OutFile> files;
    QList<Repository::RefusedLink> refused; // lenient planning only: symlinks left out
};

// Collects and plans the files of `subPath` at `rev`. Errors: path missing, a symlink leaving
// subPath or dangling, a submodule, cancellation. Cost: reads every tree of the sub-path (the
// commit case) or lists the directories and checks ignore rules (the worktree case); file
// contents are not read.
// `lenient`: a symlink that leaves subPath, dangles or loops is listed in Collected::refused
// (and planned as nothing) instead of being an error.
Result<Collected> collectFiles(git_repository *repo, const Revision &rev, const QString &subPath,
                               const CancelToken &cancel, bool lenient = false);

} // namespace sluice::git
