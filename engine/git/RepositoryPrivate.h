#pragma once

// Private to engine/git: the state behind Repository and helpers shared by its .cpp files
// (Repository.cpp, CommitWalk.cpp, Materialize.cpp).

#include "GitHandles.h"
#include "Repository.h"

namespace sluice::git {

struct Repository::Private
{
    RepositoryHandle repo;
    QString path; // as given to open()
};

// Normalises a path inside the repository: "" and "." become "", "./a//b/" becomes "a/b".
// Returns false for absolute paths and paths that leave the repository ("../x").
bool normalizeSubPath(const QString &in, QString *out);

} // namespace sluice::git
