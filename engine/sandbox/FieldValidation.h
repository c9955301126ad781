#pragma once

// Decoding a write body as the API server does (kube-api.md §5, §6.9–6.12, §7.4): fields of the
// wrong JSON type, and the `fieldValidation` query parameter (Strict, Warn, Ignore; Warn when
// absent) for unknown fields.
//
// A field of the wrong JSON type (`data: "x"` in a ConfigMap, a label value 5, a numeric
// resourceVersion) or a []byte field that is not base64 fails the request as the API server's
// typed JSON decoder does, e.g. `json: cannot unmarshal string into Go struct field
// ConfigMap.data of type map[string]string`. Checked: ObjectMeta (top level, for built-in and
// custom types, and in pod and job templates), ConfigMap and Secret fields, DeleteOptions.
//
// Unknown fields are never stored: Strict rejects the request (400 BadRequest listing every
// unknown field), Warn drops them with one `Warning: 299 - "unknown field \"path\""` header
// each, Ignore drops them silently. Known fields come from a per-kind table for the built-in types
// (top level, metadata, and the spec / pod template / container level of the common workloads)
// and from the CRD's openAPIV3Schema for custom types. A schema node without `properties`, or with
// x-kubernetes-preserve-unknown-fields, accepts any field below it. Pure; thread-safe.

#include "HttpMessage.h"

#include <QJsonObject>
#include <QStringList>

#include <optional>
#include <variant>

namespace sluice::sandbox {

struct ResourceType;

enum class FieldValidation { Ignore, Warn, Strict };

// The request's directive; a 400 BadRequest response for an unsupported value.
std::variant<FieldValidation, HttpResponse> fieldValidationOf(const HttpRequest &request);

// The openAPI-shaped known-field schema of `type` (properties / items / additionalProperties /
// x-kubernetes-preserve-unknown-fields); an empty object accepts everything.
QJsonObject knownFieldSchema(const ResourceType &type);

// How a rejection is worded, as the real server does per request kind.
enum class DecodeStyle {
    // create / replace: 400 `Kind in version "v" cannot be handled as a Kind: <why>`, where <why>
    // is `json: cannot unmarshal …` or `strict decoding error: unknown field …`.
    Decode,
    // merge, JSON and strategic-merge patch (checks the patched object): a type error is 422
    // Invalid on field `patch`; unknown fields are 400 `strict decoding error: …`.
    Patch,
    // server-side apply (checks the applied configuration): 400 `.data: expected map, got "x"`,
    // `.spec.replicaz: field not declared in schema`.
    Apply,
};

// Decodes `object` for `type`: returns the error response for a field of the wrong type, an
// unsupported fieldValidation or (Strict) unknown fields; otherwise drops the unknown fields,
// appends one warning text per dropped field to `warnings` (Warn only) and returns nullopt.
std::optional<HttpResponse> decodeObject(const ResourceType &type, const HttpRequest &request, QJsonObject &object,
                                         QStringList &warnings, DecodeStyle style);

// Why a DELETE body (meta/v1 DeleteOptions) does not decode, e.g. `json: cannot unmarshal number
// into Go struct field Preconditions.preconditions.resourceVersion of type string`; nullopt when
// it does. Unknown fields are ignored, as the API server does.
std::optional<QString> deleteOptionsError(const QJsonObject &options);

// Adds one `Warning: 299 - "<text>"` header per entry of `warnings` to `response`.
HttpResponse withWarnings(HttpResponse response, const QStringList &warnings);

} // namespace sluice::sandbox
