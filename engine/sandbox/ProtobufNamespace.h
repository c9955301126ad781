#pragma once

// Decoder for the protobuf request bodies kubectl's typed clients send (kube-api.md §10):
// the "k8s\0" envelope around runtime.Unknown, and the v1 Namespace message inside it.
// Pure and bounded: every length is checked against the remaining input, nesting is fixed
// by the message layout, so hostile input yields an error, never a crash or a large
// allocation.

#include "core/Result.h"

#include <QByteArray>
#include <QJsonObject>

namespace sluice::sandbox {

// The Namespace as the JSON the create path expects: apiVersion, kind, metadata (name,
// generateName, labels, annotations) and spec.finalizers. Errors (ErrorCategory::Kube):
// code 415 when the envelope holds another kind than v1 Namespace, 400 when it is malformed.
Result<QJsonObject> decodeProtobufNamespace(const QByteArray &body);

} // namespace sluice::sandbox
