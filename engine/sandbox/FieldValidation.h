#pragma once

// Server-side field validation (kube-api.md §6.9–6.12, §7.4): the `fieldValidation` query
// parameter (Strict, Warn, Ignore; Warn when absent) and the detection of unknown fields.
// Unknown fields are never stored: Strict rejects the request (400 BadRequest listing every
// unknown field), Warn drops them with one `Warning: 299 - "unknown field \"path\""` header
// each, Ignore drops them silently.
//
// Known fields come from a per-kind table for the built-in types (top level, metadata, and the
// spec / pod template / container level of the common workloads) and from the CRD's
// openAPIV3Schema for custom types. A schema node without `properties`, or with
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

// Removes the fields of `object` unknown to `type`; returns their paths in document order,
// "spec.replicaz", "spec.template.spec.containers[0].imagez", "replicaz" at top level.
QStringList dropUnknownFields(const ResourceType &type, QJsonObject &object);

// How a Strict rejection words its message, as the real server does per request kind.
enum class UnknownFieldStyle {
    Decode, // create / replace: `Kind in version "v" cannot be handled as a Kind: strict decoding error: …`
    Patch,  // merge, JSON and strategic-merge patch: `strict decoding error: …`
    Apply,  // server-side apply: `.spec.replicaz: field not declared in schema`
};

// Applies the request's fieldValidation to `object`: drops unknown fields and appends one
// warning text per dropped field to `warnings` (Warn only). Returns the error response to send
// instead (Strict with unknown fields, or an unsupported directive), else nullopt.
std::optional<HttpResponse> enforceFieldValidation(const ResourceType &type, const HttpRequest &request,
                                                   QJsonObject &object, QStringList &warnings, UnknownFieldStyle style);

// Adds one `Warning: 299 - "<text>"` header per entry of `warnings` to `response`.
HttpResponse withWarnings(HttpResponse response, const QStringList &warnings);

} // namespace sluice::sandbox
