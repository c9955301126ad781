#pragma once

// Kubernetes label selectors (`a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`,
// comma-separated = AND) and the field selectors kubectl sends (`metadata.name`,
// `metadata.namespace` with =, ==, !=). Pure; parse errors are values for a 400.

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
    enum class Op { Equals, NotEquals, In, NotIn, Exists, NotExists };
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
    // Supports metadata.name and metadata.namespace; anything else is an error.
    static Result<FieldSelector> parse(const QString &text);
    bool matches(const QJsonObject &object) const;

private:
    struct Term
    {
        QString field;
        bool negate;
        QString value;
    };
    QList<Term> m_terms;
};

} // namespace sluice::sandbox
