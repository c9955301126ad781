// The sandbox's protobuf request body decoder (Namespace, ConfigMap, Secret), on arbitrary bytes.
#include "FuzzInput.h"
#include "sandbox/ProtobufObjects.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)sluice::sandbox::decodeProtobufObject(sluice::fuzz::bytesOf(data, size));
    return 0;
}
