#pragma once

// Kubernetes label selectors (`a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`,
// `a>1`, `a<1`, comma-separated = AND), parsed by upstream's grammar with its error texts
// (`a=b=c`: "found '=', expected: ',' or 'end of string'"), keys and values validated as label
// keys and values; and field selectors (=, ==, !=) on metadata.name, metadata.namespace and the
// fields kubectl selects Events by (`kubectl describe`: involvedObject.kind, .name, .uid, …).
// Pure; parse errors are values for a 400.

#include "core/Result.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace sluice::sandbox {

class LabelSelector
{
public:
    // Empty text selects everything. Errors (ErrorCategory::Usage) describe the bad term.
    static Result<LabelSelector> parse(const QString &text);
    bool matches(const QJsonObject &labels) const;
    bool isEmpty() const { return m_terms.isEmpty(); }

private:
    class Parser;
    enum class Op { Equals, NotEquals, In, NotIn, Exists, NotExists, GreaterThan, LessThan };
    struct Term
    {
        QString key;
        Op op;
        QStringList values;
    };
    QList<Term> m_terms;
};

class FieldSelector
{
public:
    // Supports metadata.name, metadata.namespace, Event's involvedObject.*, reason, type, source
    // and reportingComponent, Pod's spec.nodeName and status.phase (on any type: an absent field
    // is ""); anything else is an error.
    static Result<FieldSelector> parse(const QString &text);
    bool matches(const QJsonObject &object) const;

private:
    struct Term
    {
        QStringList path; // {"involvedObject", "kind"}
        bool negate;
        QString value;
    };
    QList<Term> m_terms;
};

} // namespace sluice::sandbox
