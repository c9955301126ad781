// The workspace (sluice.yaml) parser, and writing a parsed workspace back, on arbitrary bytes.
#include "FuzzInput.h"
#include "workspace/Workspace.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString dir = QStringLiteral("/nonexistent/fuzz");
    auto workspace = sluice::parseWorkspace(sluice::fuzz::bytesOf(data, size), dir + QStringLiteral("/sluice.yaml"), dir);
    if (workspace)
        (void)sluice::workspaceYaml(*workspace, dir);
    return 0;
}
