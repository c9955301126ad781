// The manifest scanner and the full YAML tree parser, on arbitrary bytes.
#include "FuzzInput.h"
#include "render/YamlScan.h"
#include "render/YamlTree.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input = sluice::fuzz::bytesOf(data, size);
    (void)sluice::scanManifests(input, QStringLiteral("fuzz.yaml"));
    if (auto tree = sluice::yaml::parseDocument(input, QStringLiteral("fuzz.yaml")))
        (void)sluice::yaml::toYaml(*tree);
    return 0;
}
