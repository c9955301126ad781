#pragma once

#include <QStringList>

namespace sluice::cli {

// `sluicectl __complete WORDS…` (what the completion scripts call): the candidates for the last
// word, with applications from the workspace (or --repo) named in WORDS, revisions from the
// application's repository (never fetched) and contexts from the kubeconfig. Silent on errors.
int runComplete(const QStringList &words);

// `sluicectl completion bash|zsh|fish`: the script.
int runCompletionScript(const QString &shell);

} // namespace sluice::cli
