// The manifest scanner and the full YAML tree parser, on arbitrary bytes; the fast YAML reader
// against libyaml: the same events, or the same error; and the two tree builders (through JSON
// text, node by node): the same YAML out, or the same error; the compact readers (YAML and JSON)
// against the trees parseDocument and QJsonDocument build.
#include "FuzzInput.h"
#include "render/YamlEvents.h"
#include "render/YamlScan.h"
#include "render/YamlTree.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

using sluice::yaml::EventReader;

bool sameMark(const yaml_mark_t &a, const yaml_mark_t &b)
{
    return a.line == b.line && a.column == b.column && a.index == b.index;
}

bool sameText(const char *a, const char *b)
{
    return (!a && !b) || (a && b && std::strcmp(a, b) == 0);
}

bool sameEvent(const EventReader &a, const EventReader &b)
{
    const sluice::yaml::Event &x = a.event(), &y = b.event();
    if (x.type != y.type || !sameMark(a.mark(), b.mark()))
        return false;
    switch (x.type) {
    case YAML_DOCUMENT_START_EVENT:
        return x.implicit == y.implicit;
    case YAML_SCALAR_EVENT:
        return x.value == y.value && x.style == y.style && sameText(x.anchor, y.anchor) && sameText(x.tag, y.tag);
    case YAML_MAPPING_START_EVENT:
    case YAML_SEQUENCE_START_EVENT:
        return x.flow == y.flow && sameText(x.anchor, y.anchor) && sameText(x.tag, y.tag);
    case YAML_ALIAS_EVENT:
        return sameText(x.anchor, y.anchor);
    default:
        return true;
    }
}

// Both succeed with the same events, or both fail. libyaml checks its whole input for bad bytes
// before parsing far, while the fast reader hands libyaml one document at a time: on input with
// several faults each may name a different one first.
bool readsToTheEnd(EventReader &reader)
{
    for (;;) {
        if (!reader.next())
            return false;
        if (reader.event().type == YAML_STREAM_END_EVENT)
            return true;
    }
}

void compareReaders(const QByteArray &input)
{
    EventReader fast(input, QStringLiteral("fuzz.yaml"), 1, EventReader::Engine::Fast);
    EventReader slow(input, QStringLiteral("fuzz.yaml"), 1, EventReader::Engine::LibyamlOnly);
    for (int i = 0;; ++i) {
        const sluice::Status f = fast.next(), s = slow.next();
        if (!s || !f) {
            const bool fastFails = !f || !readsToTheEnd(fast);
            const bool slowFails = !s || !readsToTheEnd(slow);
            if (fastFails != slowFails) {
                std::fprintf(stderr, "event %d: libyaml %s, the fast reader %s\n", i, slowFails ? "failed" : "did not fail",
                             fastFails ? "failed" : "did not fail");
                std::abort();
            }
            return;
        }
        if (!sameEvent(fast, slow)) {
            std::fprintf(stderr, "event %d differs: type %d/%d at %zu:%zu/%zu:%zu\n", i, fast.event().type, slow.event().type,
                         fast.mark().line, fast.mark().column, slow.mark().line, slow.mark().column);
            std::abort();
        }
        if (slow.event().type == YAML_STREAM_END_EVENT)
            return;
    }
}

void compareTreeBuilders(const QByteArray &input)
{
    const auto viaJson = sluice::yaml::parseDocument(input, QStringLiteral("fuzz.yaml"));
    const auto byNodes = sluice::yaml::parseDocumentByNodes(input, QStringLiteral("fuzz.yaml"));
    const bool same = bool(viaJson) == bool(byNodes) &&
                      (viaJson ? sluice::yaml::toYaml(*viaJson) == sluice::yaml::toYaml(*byNodes)
                               : viaJson.error().message == byNodes.error().message);
    if (!same) {
        std::fprintf(stderr, "the tree builders differ: %s / %s\n", viaJson ? "built" : qPrintable(viaJson.error().message),
                     byNodes ? "built" : qPrintable(byNodes.error().message));
        std::abort();
    }
}

// What the compact reader reads, parseDocument reads the same.
void compareCompactReader(const QByteArray &input)
{
    const auto compact = sluice::yaml::parseCompact(input, QStringLiteral("fuzz.yaml"));
    if (!compact)
        return;
    const auto viaJson = sluice::yaml::parseDocument(input, QStringLiteral("fuzz.yaml"));
    const auto converted = viaJson ? sluice::yaml::CompactTree::fromJson(*viaJson) : sluice::yaml::CompactTree();
    if (!viaJson || !converted.equal(converted.root(), *compact, compact->root()) ||
        sluice::yaml::toYaml(*compact, compact->root()) != sluice::yaml::toYaml(*viaJson)) {
        std::fprintf(stderr, "the compact reader differs: %s\n", viaJson ? "another tree" : qPrintable(viaJson.error().message));
        std::abort();
    }
}

// What the JSON reader reads, QJsonDocument reads the same.
void compareJsonReader(const QByteArray &input)
{
    const auto compact = sluice::yaml::parseCompactJson(input);
    if (!compact)
        return;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(input, &error);
    const auto converted = sluice::yaml::CompactTree::fromJson(doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object()));
    if (error.error != QJsonParseError::NoError || !converted.equal(converted.root(), *compact, compact->root()) ||
        sluice::yaml::toYaml(*compact, compact->root()) != sluice::yaml::toYaml(converted, converted.root())) {
        std::fprintf(stderr, "the JSON reader differs: %s\n", qPrintable(error.errorString()));
        std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input = sluice::fuzz::bytesOf(data, size);
    compareReaders(input);
    (void)sluice::scanManifests(input, QStringLiteral("fuzz.yaml"));
    compareTreeBuilders(input);
    compareCompactReader(input);
    compareJsonReader(input);
    return 0;
}
