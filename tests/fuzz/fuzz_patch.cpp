// The sandbox's JSON patch, merge patch and strategic merge patch: "TARGET\nPATCH" as JSON.
#include "FuzzInput.h"
#include "sandbox/JsonPatch.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const auto documents = sluice::fuzz::twoJsonDocuments(data, size);
    if (!documents)
        return 0;
    const auto &[target, patch] = *documents;
    const QJsonValue targetValue = target.isObject() ? QJsonValue(target.object()) : QJsonValue(target.array());
    const QJsonValue patchValue = patch.isObject() ? QJsonValue(patch.object()) : QJsonValue(patch.array());
    (void)sluice::sandbox::applyJsonPatch(targetValue, patchValue);
    (void)sluice::sandbox::applyMergePatch(targetValue, patchValue);
    if (target.isObject() && patch.isObject())
        (void)sluice::sandbox::applyStrategicMergePatch(target.object(), patch.object());
    return 0;
}
