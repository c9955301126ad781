// The sandbox's HTTP request head parser (request line, headers, Content-Length), on arbitrary
// bytes: what any local process can send before it has shown a token.
#include "FuzzInput.h"
#include "sandbox/HttpMessage.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    qsizetype bodyLength = 0;
    if (auto request = sluice::sandbox::parseRequestHead(sluice::fuzz::bytesOf(data, size), &bodyLength))
        (void)request->queryValue(QStringLiteral("labelSelector"));
    return 0;
}
