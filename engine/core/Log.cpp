#include "Log.h"

Q_LOGGING_CATEGORY(lcGit, "sluice.git", QtWarningMsg)
Q_LOGGING_CATEGORY(lcRender, "sluice.render", QtWarningMsg)
Q_LOGGING_CATEGORY(lcDiff, "sluice.diff", QtWarningMsg)
Q_LOGGING_CATEGORY(lcWorkspace, "sluice.workspace", QtWarningMsg)
Q_LOGGING_CATEGORY(lcProcess, "sluice.process", QtWarningMsg)
Q_LOGGING_CATEGORY(lcKube, "sluice.kube", QtWarningMsg)
Q_LOGGING_CATEGORY(lcSandbox, "sluice.sandbox", QtWarningMsg)
Q_LOGGING_CATEGORY(lcSync, "sluice.sync", QtWarningMsg)
