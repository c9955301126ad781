// The kubeconfig parser and context resolution, on arbitrary bytes.
#include "FuzzInput.h"
#include "kube/Kubeconfig.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    auto config = sluice::kube::parseKubeconfig(sluice::fuzz::bytesOf(data, size), QStringLiteral("/nonexistent/fuzz/config"));
    if (config)
        (void)sluice::kube::resolveContext(*config);
    return 0;
}
