#include "LabelSelector.h"

#include <QHash>
#include <QRegularExpression>

#include <algorithm>

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

Error selectorError(const QString &why)
{
    return makeError(ErrorCategory::Usage, why);
}

// `found '<text>', <rest>`, the upstream parser's wording.
QString found(const QString &text, const char *rest)
{
    return QStringLiteral("found '%1'%2").arg(text, QLatin1String(rest));
}

// The upstream lexer's tokens: an identifier runs up to whitespace or one of = ! ( ) , > <;
// "in" and "notin" are keywords only where an operator is expected.
enum class Token { End, Identifier, Comma, Not, Equals, DoubleEquals, NotEquals, In, NotIn, Open, Close, Greater, Less };

struct Lexeme
{
    Token token;
    QString text;
};

bool isSymbolChar(QChar c)
{
    return QStringView(u"=!(),><").contains(c);
}

QList<Lexeme> lex(const QString &text)
{
    // Longest first: the upstream lexer reads "!=" and "==" greedily.
    static const std::pair<const char *, Token> symbols[] = {
        {"!=", Token::NotEquals}, {"==", Token::DoubleEquals}, {"=", Token::Equals}, {"!", Token::Not}, {"(", Token::Open},
        {")", Token::Close},      {",", Token::Comma},         {">", Token::Greater}, {"<", Token::Less}};
    QList<Lexeme> lexemes;
    qsizetype i = 0;
    while (true) {
        while (i < text.size() && text[i].isSpace())
            ++i;
        if (i == text.size())
            break;
        const QStringView rest = QStringView(text).mid(i);
        if (isSymbolChar(text[i])) {
            const auto *symbol = std::find_if(std::begin(symbols), std::end(symbols),
                                              [&](const auto &s) { return rest.startsWith(QLatin1String(s.first)); });
            lexemes << Lexeme{symbol->second, QLatin1String(symbol->first)};
            i += qsizetype(qstrlen(symbol->first));
            continue;
        }
        const qsizetype start = i;
        while (i < text.size() && !text[i].isSpace() && !isSymbolChar(text[i]))
            ++i;
        const QString word = text.mid(start, i - start);
        const Token token = word == QLatin1String("in") ? Token::In : word == QLatin1String("notin") ? Token::NotIn : Token::Identifier;
        lexemes << Lexeme{token, word};
    }
    lexemes << Lexeme{Token::End, QString()};
    return lexemes;
}

// IsQualifiedName: an optional DNS subdomain prefix and '/', then a name of at most 63
// alphanumeric characters, '-', '_' or '.' that starts and ends alphanumeric.
std::optional<QString> labelKeyError(const QString &key)
{
    static const QRegularExpression name(QStringLiteral("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$"));
    static const QRegularExpression prefix(QStringLiteral("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"));
    const QStringList parts = key.split(QLatin1Char('/'));
    QString why;
    if (parts.size() > 2 || (parts.size() == 2 && (parts[0].size() > 253 || !prefix.match(parts[0]).hasMatch())))
        why = QStringLiteral("prefix part must be a lowercase RFC 1123 subdomain of at most 253 characters");
    else if (parts.last().isEmpty())
        why = QStringLiteral("name part must be non-empty");
    else if (parts.last().size() > 63)
        why = QStringLiteral("name part must be no more than 63 characters");
    else if (!name.match(parts.last()).hasMatch())
        why = QStringLiteral("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
                             "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
                             "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
    if (why.isEmpty())
        return std::nullopt;
    return QStringLiteral("invalid label key \"%1\": %2").arg(key, why);
}

// IsValidLabelValue: empty, or at most 63 alphanumeric characters, '-', '_' or '.' that start
// and end alphanumeric.
std::optional<QString> labelValueError(const QString &value)
{
    static const QRegularExpression pattern(QStringLiteral("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$"));
    QStringList errors;
    if (value.size() > 63)
        errors << QStringLiteral("must be no more than 63 characters");
    if (!pattern.match(value).hasMatch())
        errors << QStringLiteral("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and "
                                 "must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', "
                                 "regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
    if (errors.isEmpty())
        return std::nullopt;
    return errors.join(QStringLiteral("; "));
}

} // namespace

// A recursive-descent parser over lex(), after upstream's labels.Parse: same grammar, same
// error texts (without the Go field-path noise).
class LabelSelector::Parser
{
public:
    explicit Parser(const QString &text) : m_lexemes(lex(text)) {}

    Result<LabelSelector> selector()
    {
        LabelSelector selector;
        for (Lexeme ahead = peek(); ahead.token != Token::End;) {
            if (ahead.token != Token::Identifier && ahead.token != Token::Not)
                return selectorError(found(ahead.text, ", expected: !, identifier, or 'end of string'"));
            Result<Term> term = requirement();
            if (!term)
                return selectorError(QStringLiteral("unable to parse requirement: ") + term.error().message);
            selector.m_terms << *term;
            const Lexeme after = next();
            if (after.token == Token::End)
                break;
            if (after.token != Token::Comma)
                return selectorError(found(after.text, ", expected: ',' or 'end of string'"));
            ahead = peek();
            if (ahead.token != Token::Identifier && ahead.token != Token::Not)
                return selectorError(found(ahead.text, ", expected: identifier after ','"));
        }
        return selector;
    }

private:
    // `asValue`: "in" and "notin" read as identifiers (everywhere but the operator position).
    Lexeme peek(bool asValue = true) const { return asIdentifier(m_lexemes.at(m_position), asValue); }
    Lexeme next(bool asValue = true)
    {
        const Lexeme lexeme = peek(asValue);
        if (lexeme.token != Token::End)
            ++m_position;
        return lexeme;
    }
    static Lexeme asIdentifier(Lexeme lexeme, bool asValue)
    {
        if (asValue && (lexeme.token == Token::In || lexeme.token == Token::NotIn))
            lexeme.token = Token::Identifier;
        return lexeme;
    }

    Result<Term> requirement()
    {
        Term term;
        Lexeme key = next();
        const bool negated = key.token == Token::Not;
        if (negated)
            key = next();
        if (key.token != Token::Identifier)
            return selectorError(found(key.text, ", expected: identifier"));
        if (std::optional<QString> error = labelKeyError(key.text))
            return selectorError(*error);
        term.key = key.text;
        if (negated || peek().token == Token::End || peek().token == Token::Comma) {
            term.op = negated ? Op::NotExists : Op::Exists;
            return term;
        }
        const Lexeme op = next(false);
        switch (op.token) {
        case Token::In: term.op = Op::In; break;
        case Token::NotIn: term.op = Op::NotIn; break;
        case Token::Equals:
        case Token::DoubleEquals: term.op = Op::Equals; break;
        case Token::NotEquals: term.op = Op::NotEquals; break;
        case Token::Greater: term.op = Op::GreaterThan; break;
        case Token::Less: term.op = Op::LessThan; break;
        default: return selectorError(found(op.text, ", expected: in, notin, =, ==, !=, gt, lt"));
        }
        Result<QStringList> values = term.op == Op::In || term.op == Op::NotIn ? valueSet() : exactValue();
        if (!values)
            return values.error();
        term.values = *values;
        for (qsizetype i = 0; i < term.values.size(); ++i) {
            const QString &value = term.values[i];
            bool integer = true;
            if (term.op == Op::GreaterThan || term.op == Op::LessThan)
                value.toLongLong(&integer);
            if (!integer)
                return selectorError(QStringLiteral("values[0]: Invalid value: \"%1\": for 'Gt', 'Lt' operators, the value must be an integer").arg(value));
            if (std::optional<QString> error = labelValueError(value))
                return selectorError(QStringLiteral("values[%1][%2]: Invalid value: \"%3\": %4").arg(i).arg(term.key, value, *error));
        }
        return term;
    }

    // "(a, b, , c)": possibly empty values; "()" is one empty value.
    Result<QStringList> valueSet()
    {
        const Lexeme open = next();
        if (open.token != Token::Open)
            return selectorError(found(open.text, " expected: '('"));
        const Lexeme first = peek();
        if (first.token == Token::Close) {
            next();
            return QStringList{QString()};
        }
        if (first.token != Token::Identifier && first.token != Token::Comma)
            return selectorError(found(first.text, ", expected: ',', ')' or identifier"));
        QStringList values;
        for (Lexeme lexeme = next();; lexeme = next()) {
            const Lexeme ahead = peek();
            if (lexeme.token == Token::Identifier) {
                values << lexeme.text;
                if (ahead.token == Token::Close)
                    break;
                if (ahead.token != Token::Comma)
                    return selectorError(found(ahead.text, ", expected: ',' or ')'"));
            } else if (lexeme.token == Token::Comma) {
                if (values.isEmpty() || ahead.token == Token::Close || ahead.token == Token::Comma)
                    values << QString();
                if (ahead.token == Token::Close)
                    break;
            } else {
                return selectorError(found(lexeme.text, ", expected: ',', or identifier"));
            }
        }
        next(); // ')'
        values.removeDuplicates();
        return values;
    }

    Result<QStringList> exactValue()
    {
        if (peek().token == Token::End || peek().token == Token::Comma)
            return QStringList{QString()};
        const Lexeme value = next();
        if (value.token != Token::Identifier)
            return selectorError(found(value.text, ", expected: identifier"));
        return QStringList{value.text};
    }

    QList<Lexeme> m_lexemes;
    qsizetype m_position = 0;
};

Result<LabelSelector> LabelSelector::parse(const QString &text)
{
    return Parser(text).selector();
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
        case Op::GreaterThan:
        case Op::LessThan: {
            bool integer = false;
            const qint64 number = value.toLongLong(&integer);
            const qint64 bound = t.values.first().toLongLong();
            ok = has && integer && (t.op == Op::GreaterThan ? number > bound : number < bound);
            break;
        }
        }
        if (!ok)
            return false;
    }
    return true;
}

namespace {

// The field labels served, each with the path of the field it selects on. A real server allows
// some only on some types (involvedObject.* on events); here they match nothing where the field
// is absent. kubectl describe lists a resource's events by involvedObject.
const QHash<QString, QStringList> &fieldLabels()
{
    static const QHash<QString, QStringList> labels = [] {
        QHash<QString, QStringList> result;
        for (const char *label : {"metadata.name", "metadata.namespace", "involvedObject.kind", "involvedObject.namespace",
                                  "involvedObject.name", "involvedObject.uid", "involvedObject.apiVersion",
                                  "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason", "reportingComponent",
                                  "type", "spec.nodeName", "status.phase"})
            result.insert(QLatin1String(label), QString::fromLatin1(label).split(QLatin1Char('.')));
        result.insert(QStringLiteral("source"), {QStringLiteral("source"), QStringLiteral("component")});
        return result;
    }();
    return labels;
}

} // namespace

Result<FieldSelector> FieldSelector::parse(const QString &text)
{
    static const QRegularExpression re(QStringLiteral(R"(^([A-Za-z.]+)\s*(==|=|!=)\s*(.*)$)"));
    FieldSelector selector;
    for (const QString &term : splitTerms(text)) {
        const QRegularExpressionMatch m = re.match(term);
        if (!m.hasMatch())
            return makeError(ErrorCategory::Usage, QStringLiteral("invalid field selector \"%1\"").arg(term));
        const QString field = m.captured(1);
        if (!fieldLabels().contains(field))
            return makeError(ErrorCategory::Usage, QStringLiteral("field label not supported: %1").arg(field));
        selector.m_terms << Term{fieldLabels().value(field), m.captured(2) == QLatin1String("!="), m.captured(3).trimmed()};
    }
    return selector;
}

bool FieldSelector::matches(const QJsonObject &object) const
{
    for (const Term &t : m_terms) {
        QJsonValue value = object;
        for (const QString &key : t.path)
            value = value.toObject().value(key);
        if ((value.toString() == t.value) == t.negate)
            return false;
    }
    return true;
}

} // namespace sluice::sandbox
