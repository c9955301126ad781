#pragma once

// Flux post-build variable substitution (kustomize.toolkit.fluxcd.io/v1 Kustomization,
// spec.postBuild.substitute and spec.postBuild.substituteFrom), reproduced so Sluice renders a
// Flux Kustomization the way kustomize-controller applies it.
//
// What Flux does (kustomize-controller docs/spec/v1/kustomizations.md, "Post build variable
// substitution"; fluxcd/pkg kustomize/kustomize_varsub.go; fluxcd/pkg envsubst, a fork of
// drone/envsubst):
//
// - It runs after `kustomize build`, once per rendered object, on that object's YAML as
//   kustomize re-serialises it (object -> JSON -> YAML: keys sorted, comments gone, quotes only
//   where needed). The result is parsed as YAML again, so "${replicas}" written in quotes in Git
//   becomes the number 3, and a value can inject YAML syntax (the documented ${quote} trick).
// - An object labelled or annotated `kustomize.toolkit.fluxcd.io/substitute: disabled` (exact,
//   lower-case value) is left alone and never fails.
// - Variables: substituteFrom entries in list order, a later entry overriding an earlier one for
//   the same key, then the inline `substitute` map on top (inline wins). Every value has its "\n"
//   characters removed. A missing ConfigMap/Secret fails the reconciliation unless the entry says
//   `optional: true`, in which case it counts as present but empty.
// - With no variables at all, nothing is substituted: ${var:=default} and $${x} stay as written.
//   (Newer fluxcd/pkg has an opt-in "always" strategy: SubstituteOptions::always.)
// - Every variable name must match ^[_[:alpha:]][_[:alpha:][:digit:]]*$ (ASCII), else every
//   object fails.
// - Syntax: ${var}; defaults ${var:=x}, ${var:-x}, ${var=x} (all three: x when var is unset OR
//   empty; ${var:?x} and ${var:+x} parse and behave the same way, unlike bash; ${var-x} is a
//   parse error); ${#var}; ${var^} ${var^^} ${var,} ${var,,}; ${var:offset} and
//   ${var:offset:length}; ${var#glob} ${var##glob} ${var%glob} ${var%%glob} (a glob's * and ?
//   also match "/"); ${var/from/to} ${var//from/to} ${var/#from/to} ${var/%from/to} (plain
//   text, not globs; "\/" is a slash). Defaults and operands may nest ${...}. Offsets, lengths
//   and ${#var} count UTF-8 bytes, as Go does.
// - "$$" is an escaped "$" outside ${...}: $${var} gives ${var}. A "$" not followed by "{" is
//   text, so $var in shell scripts is never touched.
// - Undefined variable without a default: replaced by an empty string (the default, non-strict
//   mode). With the controller flag --feature-gates=StrictPostBuildSubstitutions=true it is an
//   error instead ("variable not set (strict mode)"); defaults still apply and a variable set to
//   "" counts as set. Sluice warns where strict mode would fail.
// - A ${ that does not parse (no closing brace, empty name, ...) fails the object.
//
// Every function here is pure (no I/O, no shared state) and safe to call from any thread.
// Cost: linear in the text, apart from glob operands (length of value × length of glob).

#include "core/Result.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace sluice::flux {

// Variable name -> value.
using Variables = QHash<QString, QString>;

// One spec.postBuild.substituteFrom entry, fetched by the caller.
struct SubstituteSource
{
    QString kind; // "ConfigMap" or "Secret"; used in messages only
    QString name;
    bool optional = false;
    // ConfigMap .data, or Secret .data decoded from base64. std::nullopt: the object does not
    // exist (any other failure to read it is the caller's error, as in Flux).
    std::optional<Variables> data;
};

// The variables Flux substitutes, in its precedence: substituteFrom in order (later entries
// override earlier ones), then the inline `substitute` map over all of them. "\n" is removed
// from every value. Error when a non-optional source is missing.
Result<Variables> mergeVariables(const QList<SubstituteSource> &substituteFrom,
                                 const Variables &substitute);

// True when the object opts out: metadata.labels or metadata.annotations hold
// kustomize.toolkit.fluxcd.io/substitute: disabled. `object` is the whole object.
bool isSubstitutionDisabled(const QJsonObject &object);

struct SubstituteOptions
{
    bool strict = false; // StrictPostBuildSubstitutions: an undefined variable is an error
    bool always = false; // substitute even when there are no variables (defaults apply)
};

struct SubstituteResult
{
    QByteArray text;
    // For a person, "line N: …" (lines of the given text): undefined variables Flux empties,
    // operators that behave unlike bash, and text left as is because there are no variables.
    QStringList warnings;
    bool applied = false; // false: Flux leaves the text untouched (no variables)
};

// Substitutes variables in one object's YAML text, as Flux's envsubst does. Does not look at the
// opt-out label/annotation (see isSubstitutionDisabled) and does not re-parse the result. Errors
// (category Render): an invalid variable name, a malformed ${...} (with its line), an undefined
// variable in strict mode.
Result<SubstituteResult> substituteVariables(const QByteArray &yaml, const Variables &variables,
                                             const SubstituteOptions &options = {});

struct SubstitutedObject
{
    QJsonObject object;
    QStringList warnings; // as SubstituteResult::warnings; lines of the object's canonical YAML
};

// The whole per-object step of kustomize-controller: skips opted-out objects, writes the object
// as canonical YAML (yaml::toYaml), substitutes, and parses the result again. Errors as
// substituteVariables, plus a result that is no longer a valid YAML mapping.
Result<SubstitutedObject> substituteObject(const QJsonObject &object, const Variables &variables,
                                           const SubstituteOptions &options = {});

} // namespace sluice::flux
