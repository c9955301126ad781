#pragma once

// Decoder for the protobuf request bodies kubectl's typed clients send (kube-api.md §10):
// the "k8s\0" envelope around runtime.Unknown, and the v1 Namespace, ConfigMap and Secret
// messages inside it (what `kubectl create namespace|configmap|secret` send).
// Pure and bounded: every length is checked against the remaining input, nesting is fixed
// by the message layout, so hostile input yields an error, never a crash or a large
// allocation.

#include "core/Result.h"

#include <QByteArray>
#include <QJsonObject>

namespace sluice::sandbox {

// The object as the JSON the create path expects: apiVersion, kind, metadata (name,
// generateName, namespace, labels, annotations, finalizers), and Namespace spec.finalizers;
// ConfigMap data, binaryData (base64) and immutable; Secret data (base64), stringData, type
// and immutable. Errors (ErrorCategory::Kube): code 415 when the envelope holds another kind,
// 400 when it is malformed.
Result<QJsonObject> decodeProtobufObject(const QByteArray &body);

} // namespace sluice::sandbox
