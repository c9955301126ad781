#include "LabelSelector.h"

#include <QRegularExpression>

namespace sluice::sandbox {

namespace {

// Splits on commas outside parentheses.
QStringList splitTerms(const QString &text)
{
    QStringList terms;
    QString current;
    int depth = 0;
    for (const QChar c : text) {
        if (c == QLatin1Char('('))
            ++depth;
        else if (c == QLatin1Char(')'))
            --depth;
        if (c == QLatin1Char(',') && depth == 0) {
            terms << current.trimmed();
            current.clear();
        } else {
            current += c;
        }
    }
    if (!current.trimmed().isEmpty() || !terms.isEmpty())
        terms << current.trimmed();
    return terms;
}

Error selectorError(const QString &text, const QString &why)
{
    return makeError(ErrorCategory::Usage, QStringLiteral("unable to parse requirement \"%1\": %2").arg(text, why));
}

const QRegularExpression &keyPattern()
{
    static const QRegularExpression re(QStringLiteral(R"(^([A-Za-z0-9][-A-Za-z0-9_.]*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$)"));
    return re;
}

} // namespace

Result<LabelSelector> LabelSelector::parse(const QString &text)
{
    static const QRegularExpression setRe(QStringLiteral(R"(^(\S+)\s+(in|notin)\s*\(([^()]*)\)$)"));
    static const QRegularExpression cmpRe(QStringLiteral(R"(^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$)"));
    LabelSelector selector;
    for (const QString &term : splitTerms(text)) {
        if (term.isEmpty())
            return selectorError(text, QStringLiteral("empty requirement"));
        Term t;
        if (const QRegularExpressionMatch m = setRe.match(term); m.hasMatch()) {
            t.key = m.captured(1);
            t.op = m.captured(2) == QLatin1String("in") ? Op::In : Op::NotIn;
            for (const QString &v : m.captured(3).split(QLatin1Char(',')))
                t.values << v.trimmed();
        } else if (const QRegularExpressionMatch c = cmpRe.match(term); c.hasMatch()) {
            t.key = c.captured(1);
            t.op = c.captured(2) == QLatin1String("!=") ? Op::NotEquals : Op::Equals;
            t.values << c.captured(3);
        } else if (term.startsWith(QLatin1Char('!'))) {
            t.key = term.mid(1).trimmed();
            t.op = Op::NotExists;
        } else {
            t.key = term;
            t.op = Op::Exists;
        }
        if (!keyPattern().match(t.key).hasMatch())
            return selectorError(term, QStringLiteral("invalid label key \"%1\"").arg(t.key));
        selector.m_terms << t;
    }
    return selector;
}

bool LabelSelector::matches(const QJsonObject &labels) const
{
    for (const Term &t : m_terms) {
        const bool has = labels.contains(t.key);
        const QString value = labels.value(t.key).toString();
        bool ok = false;
        switch (t.op) {
        case Op::Equals: ok = has && value == t.values.first(); break;
        case Op::NotEquals: ok = !has || value != t.values.first(); break;
        case Op::In: ok = has && t.values.contains(value); break;
        case Op::NotIn: ok = !has || !t.values.contains(value); break;
        case Op::Exists: ok = has; break;
        case Op::NotExists: ok = !has; break;
        }
        if (!ok)
            return false;
    }
    return true;
}

Result<FieldSelector> FieldSelector::parse(const QString &text)
{
    static const QRegularExpression re(QStringLiteral(R"(^([A-Za-z.]+)\s*(==|=|!=)\s*(.*)$)"));
    FieldSelector selector;
    for (const QString &term : splitTerms(text)) {
        const QRegularExpressionMatch m = re.match(term);
        if (!m.hasMatch())
            return makeError(ErrorCategory::Usage, QStringLiteral("invalid field selector \"%1\"").arg(term));
        const QString field = m.captured(1);
        if (field != QLatin1String("metadata.name") && field != QLatin1String("metadata.namespace"))
            return makeError(ErrorCategory::Usage,
                             QStringLiteral("field label not supported: %1").arg(field));
        selector.m_terms << Term{field, m.captured(2) == QLatin1String("!="), m.captured(3).trimmed()};
    }
    return selector;
}

bool FieldSelector::matches(const QJsonObject &object) const
{
    const QJsonObject metadata = object.value(QStringLiteral("metadata")).toObject();
    for (const Term &t : m_terms) {
        const QString value = metadata.value(t.field.mid(int(qstrlen("metadata.")))).toString();
        if ((value == t.value) == t.negate)
            return false;
    }
    return true;
}

} // namespace sluice::sandbox
