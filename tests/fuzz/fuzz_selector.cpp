// Label and field selectors as the sandbox parses them from a query string.
#include "FuzzInput.h"
#include "sandbox/LabelSelector.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString text = QString::fromUtf8(sluice::fuzz::bytesOf(data, size));
    (void)sluice::sandbox::LabelSelector::parse(text);
    (void)sluice::sandbox::FieldSelector::parse(text);
    return 0;
}
