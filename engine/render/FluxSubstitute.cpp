#include "FluxSubstitute.h"

#include "YamlTree.h"

#include <QChar>
#include <QJsonValue>
#include <QSet>

#include <algorithm>
#include <limits>
#include <utility>
#include <vector>

namespace sluice::flux {
namespace {

const QLatin1String kOptOutKey("kustomize.toolkit.fluxcd.io/substitute");
const QLatin1String kNamePattern("^[_[:alpha:]][_[:alpha:][:digit:]]*$");
constexpr int kMaxNesting = 64;     // ${a:=${b:=…}} deeper than this is refused
constexpr qsizetype kMaxQuote = 60; // bytes of the input quoted in one message
constexpr qsizetype kMaxListed = 5; // invalid variable names listed in one message

// --- Go's view of strings: bytes, decoded to runes only where Go decodes them ----------------

struct Rune
{
    char32_t value = 0;
    int width = 1;
};

// The rune at `at`; an invalid or truncated sequence is U+FFFD of width 1 (utf8.DecodeRune).
Rune decodeRune(QByteArrayView s, qsizetype at)
{
    const uchar lead = uchar(s[at]);
    if (lead < 0x80)
        return {lead, 1};
    int width = 0;
    char32_t value = 0;
    char32_t smallest = 0;
    if ((lead & 0xE0) == 0xC0) {
        width = 2, value = lead & 0x1F, smallest = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
        width = 3, value = lead & 0x0F, smallest = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
        width = 4, value = lead & 0x07, smallest = 0x10000;
    } else {
        return {0xFFFD, 1};
    }
    if (at + width > s.size())
        return {0xFFFD, 1};
    for (int i = 1; i < width; ++i) {
        const uchar next = uchar(s[at + i]);
        if ((next & 0xC0) != 0x80)
            return {0xFFFD, 1};
        value = (value << 6) | (next & 0x3F);
    }
    if (value < smallest || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF))
        return {0xFFFD, 1};
    return {value, width};
}

std::vector<char32_t> toRunes(QByteArrayView s)
{
    std::vector<char32_t> runes;
    for (qsizetype at = 0; at < s.size();) {
        const Rune rune = decodeRune(s, at);
        runes.push_back(rune.value);
        at += rune.width;
    }
    return runes;
}

QByteArray fromRunes(const std::vector<char32_t> &runes)
{
    return QString::fromUcs4(runes.data(), qsizetype(runes.size())).toUtf8();
}

QByteArray reversed(QByteArrayView s)
{
    std::vector<char32_t> runes = toRunes(s);
    std::reverse(runes.begin(), runes.end());
    return fromRunes(runes);
}

// strconv.Atoi: an optional sign and decimal digits, within 64 bits.
std::optional<qint64> parseGoInt(QByteArrayView s)
{
    qsizetype i = 0;
    const bool negative = !s.isEmpty() && s[0] == '-';
    if (!s.isEmpty() && (s[0] == '-' || s[0] == '+'))
        i = 1;
    if (i == s.size())
        return std::nullopt;
    const quint64 limit = quint64(std::numeric_limits<qint64>::max()) + (negative ? 1 : 0);
    quint64 value = 0;
    for (; i < s.size(); ++i) {
        if (s[i] < '0' || s[i] > '9')
            return std::nullopt;
        const quint64 digit = quint64(s[i] - '0');
        if (value > (limit - digit) / 10)
            return std::nullopt;
        value = value * 10 + digit;
    }
    return negative ? qint64(0 - value) : qint64(value);
}

// strings.Replace: up to `limit` (-1: all) occurrences; an empty `from` matches before every
// rune and at the end.
QByteArray replaceText(const QByteArray &s, const QByteArray &from, const QByteArray &to, int limit)
{
    if (from == to || limit == 0)
        return s;
    QByteArray out;
    qsizetype start = 0;
    int done = 0;
    if (from.isEmpty()) {
        out += to;
        for (++done; start < s.size() && (limit < 0 || done < limit); ++done) {
            const int width = decodeRune(s, start).width;
            out += s.mid(start, width) + to;
            start += width;
        }
        return out + s.mid(start);
    }
    for (; limit < 0 || done < limit; ++done) {
        const qsizetype at = s.indexOf(from, start);
        if (at < 0)
            break;
        out += s.mid(start, at - start) + to;
        start = at + from.size();
    }
    return out + s.mid(start);
}

// --- Globs: Go's path.Match as drone/envsubst changed it ('*' and '?' also match '/') ------

// Reads one character of a class at `i` ("\c" escapes it). False when Go reports a bad
// pattern: nothing left, an unescaped '-' or ']', an invalid byte, or the class not closed.
bool readClassChar(QByteArrayView glob, qsizetype &i, char32_t &out)
{
    if (i >= glob.size() || glob[i] == '-' || glob[i] == ']')
        return false;
    if (glob[i] == '\\' && ++i >= glob.size())
        return false;
    const Rune rune = decodeRune(glob, i);
    if (rune.value == 0xFFFD && rune.width == 1)
        return false;
    out = rune.value;
    i += rune.width;
    return i < glob.size();
}

// Reads the class "[...]" or "[^...]" starting at `i`, leaves `i` after it and sets `matched`
// to whether `c` belongs to it. False when the class is malformed.
bool readClass(QByteArrayView glob, qsizetype &i, char32_t c, bool &matched)
{
    ++i; // '['
    const bool negated = i < glob.size() && glob[i] == '^';
    if (negated)
        ++i;
    bool inClass = false;
    for (int ranges = 0;; ++ranges) {
        if (ranges > 0 && i < glob.size() && glob[i] == ']') {
            ++i;
            break;
        }
        char32_t low = 0;
        if (!readClassChar(glob, i, low))
            return false;
        char32_t high = low;
        if (glob[i] == '-' && !readClassChar(glob, ++i, high))
            return false;
        inClass = inClass || (low <= c && c <= high);
    }
    matched = inClass != negated;
    return true;
}

bool isValidGlob(QByteArrayView glob)
{
    for (qsizetype i = 0; i < glob.size();) {
        bool unused = false;
        if (glob[i] == '[') {
            if (!readClass(glob, i, 0, unused))
                return false;
        } else if (glob[i] == '\\') {
            if (i + 1 >= glob.size())
                return false;
            i += 2;
        } else {
            ++i;
        }
    }
    return true;
}

// Whether a valid glob matches all of `name`. The last '*' seen absorbs one more byte each
// time the rest fails, so the cost is at most |glob| × |name|.
bool globMatches(QByteArrayView glob, QByteArrayView name)
{
    qsizetype g = 0;
    qsizetype n = 0;
    qsizetype afterStar = -1; // glob position after the last '*', -1 before any
    qsizetype starFrom = 0;   // where that '*' began absorbing `name`
    while (true) {
        if (g < glob.size() && glob[g] == '*') {
            afterStar = ++g;
            starFrom = n;
            continue;
        }
        if (g == glob.size() && n == name.size())
            return true;
        if (g < glob.size() && n < name.size()) {
            bool matched = false;
            qsizetype nextG = g + 1;
            qsizetype nextN = n + 1;
            if (glob[g] == '?') {
                matched = true;
                nextN = n + decodeRune(name, n).width;
            } else if (glob[g] == '[') {
                const Rune rune = decodeRune(name, n);
                nextG = g;
                readClass(glob, nextG, rune.value, matched);
                nextN = n + rune.width;
            } else if (glob[g] == '\\') {
                matched = glob[g + 1] == name[n];
                nextG = g + 2;
            } else {
                matched = glob[g] == name[n];
            }
            if (matched) {
                g = nextG;
                n = nextN;
                continue;
            }
        }
        if (afterStar < 0 || starFrom >= name.size())
            return false;
        g = afterStar;
        n = ++starFrom;
    }
}

// ${var#glob}: the shortest (or longest) non-empty prefix matching the glob is removed. A
// malformed glob leaves the value as is.
QByteArray trimPrefix(const QByteArray &s, const QByteArray &glob, bool longest)
{
    if (!isValidGlob(glob))
        return s;
    for (qsizetype i = 1; i <= s.size(); ++i) {
        const qsizetype length = longest ? s.size() + 1 - i : i;
        if (globMatches(glob, QByteArrayView(s).first(length)))
            return s.mid(length);
    }
    return s;
}

// ${var%glob}: as Go does it, the prefix trim of the reversed value with the reversed glob (so
// a class like [a-z] becomes malformed and nothing is removed).
QByteArray trimSuffix(const QByteArray &s, const QByteArray &glob, bool longest)
{
    return reversed(trimPrefix(reversed(s), reversed(glob), longest));
}

// --- The operators ---------------------------------------------------------------------------

QByteArray mapRunes(const QByteArray &s, bool upper, bool firstOnly)
{
    if (s.isEmpty())
        return s;
    if (firstOnly) {
        const Rune first = decodeRune(s, 0);
        const char32_t mapped = upper ? QChar::toUpper(first.value) : QChar::toLower(first.value);
        return fromRunes({mapped}) + s.mid(first.width);
    }
    std::vector<char32_t> runes = toRunes(s);
    for (char32_t &rune : runes)
        rune = upper ? QChar::toUpper(rune) : QChar::toLower(rune);
    return fromRunes(runes);
}

// ${var:offset} and ${var:offset:length}, in bytes. An operand that is not a number returns
// the value unchanged, as bash (and envsubst) do.
QByteArray substring(const QByteArray &s, const QList<QByteArray> &args)
{
    const qint64 size = s.size();
    const std::optional<qint64> offset = parseGoInt(args.value(0));
    if (!offset)
        return s;
    qint64 position = *offset < 0 ? std::max<qint64>(0, size + *offset) : *offset;
    if (args.size() == 1)
        return position < size ? s.mid(position) : QByteArray();
    const std::optional<qint64> length = parseGoInt(args.value(1));
    if (!length)
        return s;
    if (*length < 0) {
        const qint64 end = size + *length;
        return end < position ? QByteArray() : s.mid(position, end - position);
    }
    if (position >= size)
        return {};
    if (*length >= size - position)
        return s.mid(position);
    return s.mid(position, *length);
}

// The operators that supply their own value for an unset variable: strict mode accepts them.
bool providesDefault(const QByteArray &op)
{
    static const QSet<QByteArray> kDefaults{"-", "+", "=", "?", ":-", ":+", ":=", ":?"};
    return kDefaults.contains(op);
}

QByteArray applyOperator(const QByteArray &op, const QByteArray &value,
                         const QList<QByteArray> &args)
{
    const QByteArray first = args.value(0);
    if (op == ",")
        return mapRunes(value, false, true);
    if (op == ",,")
        return mapRunes(value, false, false);
    if (op == "^")
        return mapRunes(value, true, true);
    if (op == "^^")
        return mapRunes(value, true, false);
    if (op == "#")
        return args.isEmpty() ? QByteArray::number(value.size()) : trimPrefix(value, first, false);
    if (op == "##")
        return trimPrefix(value, first, true);
    if (op == "%")
        return trimSuffix(value, first, false);
    if (op == "%%")
        return trimSuffix(value, first, true);
    if (op == ":")
        return substring(value, args);
    if (op == "/" || op == "//")
        return args.isEmpty() ? value
                              : replaceText(value, first, args.value(1), op == "/" ? 1 : -1);
    if (op == "/#")
        return args.size() == 2 && value.startsWith(first) ? args[1] + value.mid(first.size())
                                                           : value;
    if (op == "/%")
        return args.size() == 2 && value.endsWith(first) ? value.chopped(first.size()) + args[1]
                                                         : value;
    // ${var}, every default operator and unknown casing pairs such as ",^": the value, or the
    // operands joined when the value is empty.
    return value.isEmpty() && !args.isEmpty() ? args.join() : value;
}

// --- Parsing ---------------------------------------------------------------------------------

// One piece of a parsed text: literal text, or a ${...} expression.
struct Node
{
    bool isExpression = false;
    QByteArray text;        // literal text
    QByteArray name;        // the variable
    QByteArray op;          // "" for ${name}; else the operator as written: ":=", "#", "//", …
    std::vector<Node> args; // the operands, each literal text or a nested expression
    int line = 0;           // 1-based line of the "${"
};

QByteArray clipped(QByteArrayView text)
{
    return text.size() <= kMaxQuote ? text.toByteArray()
                                    : text.first(kMaxQuote).toByteArray() + "…";
}

bool isNameRune(char32_t r)
{
    return r == '_' || QChar::isLetter(r) || QChar::isDigit(r);
}
bool isNotClosingBrace(char32_t r)
{
    return r != '}';
}
bool isNotSlash(char32_t r)
{
    return r != '/';
}
bool isNotColonOrBrace(char32_t r)
{
    return r != ':' && r != '}';
}

// Parses text the way fluxcd/pkg envsubst does, failure for failure. Outside ${...} only "$$"
// is special; inside, each operator reads its operands up to its own stop characters.
class Parser
{
public:
    explicit Parser(QByteArrayView text) : m_text(text) {}

    Result<std::vector<Node>> parse()
    {
        std::vector<Node> nodes;
        QByteArray text;
        while (m_pos < m_text.size()) {
            if (startsExpression(m_pos)) {
                if (!text.isEmpty())
                    nodes.push_back(Node{false, std::exchange(text, {}), {}, {}, {}, 0});
                const qsizetype start = m_pos;
                Node node;
                if (!parseExpression(node, 1))
                    return error(start);
                nodes.push_back(std::move(node));
            } else if (m_text[m_pos] == '$' && peek(1) == '$') {
                text += '$';
                m_pos += 2;
            } else {
                text += m_text[m_pos++];
            }
        }
        if (!text.isEmpty())
            nodes.push_back(Node{false, text, {}, {}, {}, 0});
        return nodes;
    }

private:
    enum class Token
    {
        End,
        Expression,
        Text,
        Rejected
    };
    using Accept = bool (*)(char32_t);

    char peek(qsizetype ahead = 0) const
    {
        return m_pos + ahead < m_text.size() ? m_text[m_pos + ahead] : '\0';
    }
    bool startsExpression(qsizetype at) const
    {
        return at + 1 < m_text.size() && m_text[at] == '$' && m_text[at + 1] == '{';
    }
    bool startsEscape(qsizetype at) const
    {
        if (at + 1 >= m_text.size())
            return false;
        const char c = m_text[at];
        const char next = m_text[at + 1];
        return (c == '$' && next == '$') || (c == '\\' && (next == '/' || next == '\\'));
    }

    // One token, as envsubst's scanner reads it: the end, an opening "${" (when
    // `stopAtExpression`), or a run of accepted runes that stops before the first rejected one
    // or before "${". With `escapes`, "$$", "\/" and "\\" stand for their second character.
    Token scan(Accept accept, bool stopAtExpression, bool escapes, QByteArray &text)
    {
        text.clear();
        if (m_pos >= m_text.size())
            return Token::End;
        if (stopAtExpression && startsExpression(m_pos)) {
            m_pos += 2;
            return Token::Expression;
        }
        while (m_pos < m_text.size() && !(stopAtExpression && startsExpression(m_pos))) {
            if (escapes && startsEscape(m_pos)) {
                text += m_text[m_pos + 1];
                m_pos += 2;
                continue;
            }
            const Rune rune = decodeRune(m_text, m_pos);
            if (!accept(rune.value))
                break;
            text += m_text.sliced(m_pos, rune.width);
            m_pos += rune.width;
        }
        return text.isEmpty() ? Token::Rejected : Token::Text;
    }

    // After "${": the variable name, then the operator that follows it.
    bool parseExpression(Node &node, int depth)
    {
        node.isExpression = true;
        node.line = lineAt(m_pos);
        m_pos += 2;
        if (depth > kMaxNesting)
            return fail("references nested too deeply");
        if (peek() == '#')
            return parseLength(node);
        if (scan(isNameRune, false, false, node.name) != Token::Text)
            return fail("unable to parse variable name");
        switch (peek()) {
        case ':': {
            const char next = peek(1);
            if (next == '=' || next == '-' || next == '?' || next == '+')
                return parseDefault(node, depth);
            return parseSubstring(node, depth);
        }
        case '=':
            return parseDefault(node, depth);
        case ',':
        case '^':
            return parseCasing(node);
        case '/':
            return parseReplace(node, depth);
        case '#':
        case '%':
            return parseRemove(node, depth);
        }
        return close("missing closing brace");
    }

    // One operand: literal text up to a stop character, or a nested ${...}.
    bool parseOperand(Node &node, Accept accept, bool escapes, int depth)
    {
        QByteArray text;
        const qsizetype start = m_pos;
        switch (scan(accept, true, escapes, text)) {
        case Token::Expression:
            node.args.emplace_back();
            m_pos = start;
            return parseExpression(node.args.back(), depth + 1);
        case Token::Text:
            node.args.push_back(Node{false, text, {}, {}, {}, 0});
            return true;
        default:
            return fail("unable to parse substitution within function");
        }
    }

    // ${#var}
    bool parseLength(Node &node)
    {
        node.op = "#";
        ++m_pos;
        if (scan(isNameRune, false, false, node.name) != Token::Text)
            return fail("bad substitution");
        return close("bad substitution");
    }

    // ${var=x} ${var:=x} ${var:-x} ${var:?x} ${var:+x}: operands up to the closing brace.
    bool parseDefault(Node &node, int depth)
    {
        node.op = m_text.sliced(m_pos, peek() == '=' ? 1 : 2).toByteArray();
        m_pos += node.op.size();
        while (peek() != '}') {
            if (!parseOperand(node, isNotClosingBrace, false, depth))
                return false;
        }
        ++m_pos;
        return true;
    }

    // ${var:offset} ${var:offset:length}
    bool parseSubstring(Node &node, int depth)
    {
        node.op = ":";
        ++m_pos;
        if (!parseOperand(node, isNotColonOrBrace, false, depth))
            return false;
        if (peek() == '}') {
            ++m_pos;
            return true;
        }
        if (peek() != ':')
            return fail("bad substitution");
        while (peek() == ':') // envsubst reads a run of colons as one delimiter
            ++m_pos;
        if (!parseOperand(node, isNotClosingBrace, false, depth))
            return false;
        return close("bad substitution");
    }

    // ${var#glob} ${var##glob} ${var%glob} ${var%%glob}
    bool parseRemove(Node &node, int depth)
    {
        node.op = QByteArray(1, peek());
        ++m_pos;
        if (peek() == node.op[0]) {
            node.op += node.op[0];
            ++m_pos;
        }
        if (!parseOperand(node, isNotClosingBrace, false, depth))
            return false;
        return close("bad substitution");
    }

    // ${var/from/to} ${var//from/to} ${var/#from/to} ${var/%from/to}; "to" may be left out.
    bool parseReplace(Node &node, int depth)
    {
        node.op = "/";
        ++m_pos;
        if (peek() == '/' || peek() == '#' || peek() == '%') {
            node.op += peek();
            ++m_pos;
        }
        if (peek() == '/')
            node.args.push_back(Node{});
        else if (!parseOperand(node, isNotSlash, true, depth))
            return false;
        if (peek() != '/')
            return fail("bad substitution");
        while (peek() == '/') // envsubst reads a run of slashes as one delimiter
            ++m_pos;
        if (peek() == '}') {
            ++m_pos;
            return true;
        }
        if (!parseOperand(node, isNotClosingBrace, true, depth))
            return false;
        return close("bad substitution");
    }

    // ${var^} ${var^^} ${var,} ${var,,} (and mixed pairs, which change nothing)
    bool parseCasing(Node &node)
    {
        node.op = QByteArray(1, peek());
        ++m_pos;
        if (peek() == ',' || peek() == '^') {
            node.op += peek();
            ++m_pos;
        }
        return close("bad substitution");
    }

    bool close(const char *failure)
    {
        if (m_pos >= m_text.size() || m_text[m_pos] != '}')
            return fail(failure);
        ++m_pos;
        return true;
    }

    bool fail(const char *failure)
    {
        m_failure = failure;
        return false;
    }

    // Positions only grow while parsing, so lines are counted once.
    int lineAt(qsizetype at)
    {
        for (; m_countedTo < at; ++m_countedTo)
            m_countedLines += m_text[m_countedTo] == '\n' ? 1 : 0;
        return m_countedLines;
    }

    Error error(qsizetype start)
    {
        const int line = lineAt(start);
        qsizetype end = std::min(m_pos + 1, m_text.size());
        const qsizetype newline = m_text.sliced(start, end - start).indexOf('\n');
        if (newline >= 0)
            end = start + newline;
        const QByteArray quoted = clipped(m_text.sliced(start, end - start));
        return makeError(ErrorCategory::Render,
                         QStringLiteral("line %1: invalid variable reference \"%2\": %3; close it "
                                        "with \"}\", or write \"$${\" to keep a literal \"${\"")
                             .arg(line)
                             .arg(QString::fromUtf8(quoted), QString::fromUtf8(m_failure)));
    }

    QByteArrayView m_text;
    qsizetype m_pos = 0;
    const char *m_failure = "bad substitution"; // fluxcd/pkg envsubst's words for the failure
    qsizetype m_countedTo = 0;
    int m_countedLines = 1;
};

// --- Evaluation ------------------------------------------------------------------------------

// Evaluates parsed nodes as envsubst's Execute does: the operands first, then the variable,
// then the operator. Warns (once per variable or operator) where Flux silently does something
// a person may not expect.
class Evaluator
{
public:
    Evaluator(const Variables &variables, bool strict) : m_variables(variables), m_strict(strict) {}

    Status append(const std::vector<Node> &nodes, QByteArray &out)
    {
        for (const Node &node : nodes)
            SLUICE_TRY(evaluate(node, out));
        return {};
    }

    QStringList warnings() const { return m_warnings; }

private:
    Status evaluate(const Node &node, QByteArray &out)
    {
        if (!node.isExpression) {
            out += node.text;
            return {};
        }
        QList<QByteArray> args;
        for (const Node &arg : node.args) {
            QByteArray value;
            SLUICE_TRY(evaluate(arg, value));
            args.append(value);
        }
        const QString name = QString::fromUtf8(clipped(node.name));
        const auto found = m_variables.constFind(QString::fromUtf8(node.name));
        const bool defined = found != m_variables.cend();
        if (!defined && !providesDefault(node.op)) {
            if (m_strict)
                return makeError(ErrorCategory::Render,
                                 QStringLiteral("line %1: ${%2} is not defined and has no default, "
                                                "and strict substitution is on; define it in "
                                                "postBuild.substitute or a substituteFrom source, "
                                                "or give a default: ${%2:=value}")
                                     .arg(node.line)
                                     .arg(name));
            warnOnce("name:" + node.name,
                     QStringLiteral("line %1: ${%2} is not defined and has no default: Flux puts "
                                    "an empty string there (strict substitution would fail)")
                         .arg(node.line)
                         .arg(name));
        }
        if (node.op == ":+" || node.op == ":?")
            warnOnce("op:" + node.op,
                     QStringLiteral("line %1: ${%2%3…} is not bash's %3: Flux gives the value "
                                    "when it is set and not empty, else the text after %3")
                         .arg(node.line)
                         .arg(name, QString::fromLatin1(node.op)));
        out += applyOperator(node.op, defined ? found->toUtf8() : QByteArray(), args);
        return {};
    }

    void warnOnce(const QByteArray &key, const QString &warning)
    {
        if (m_warned.contains(key))
            return;
        m_warned.insert(key);
        m_warnings.append(warning);
    }

    const Variables &m_variables;
    bool m_strict = false;
    QSet<QByteArray> m_warned;
    QStringList m_warnings;
};

// ^[_[:alpha:]][_[:alpha:][:digit:]]*$ with Go's ASCII classes.
bool isValidVariableName(const QString &name)
{
    const auto isAlpha = [](QChar c) {
        return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || c == u'_';
    };
    if (name.isEmpty() || !isAlpha(name.front()))
        return false;
    return std::all_of(name.begin(), name.end(),
                       [&](QChar c) { return isAlpha(c) || (c >= u'0' && c <= u'9'); });
}

Status checkVariableNames(const Variables &variables)
{
    QStringList invalid;
    for (auto it = variables.cbegin(); it != variables.cend(); ++it) {
        if (!isValidVariableName(it.key()))
            invalid.append(QLatin1Char('"') + QString::fromUtf8(clipped(it.key().toUtf8())) +
                           QLatin1Char('"'));
    }
    if (invalid.isEmpty())
        return {};
    invalid.sort();
    const qsizetype count = invalid.size();
    if (count > kMaxListed) {
        invalid.resize(kMaxListed);
        invalid.append(QStringLiteral("…"));
    }
    return makeError(
        ErrorCategory::Render,
        QStringLiteral("postBuild variable name%1 %2 %3 invalid: Flux requires %4 "
                       "(ASCII letters, digits and \"_\", not starting with a digit) "
                       "and fails every object; rename the key in "
                       "postBuild.substitute or in the substituteFrom ConfigMap or "
                       "Secret")
            .arg(count == 1 ? QString() : QStringLiteral("s"), invalid.join(QStringLiteral(", ")),
                 count == 1 ? QStringLiteral("is") : QStringLiteral("are"), QString(kNamePattern)));
}

} // namespace

Result<Variables> mergeVariables(const QList<SubstituteSource> &substituteFrom,
                                 const Variables &substitute)
{
    const auto withoutNewlines = [](QString value) { return value.remove(QLatin1Char('\n')); };
    Variables merged;
    for (const SubstituteSource &source : substituteFrom) {
        if (!source.data) {
            if (source.optional)
                continue;
            return makeError(ErrorCategory::Render,
                             QStringLiteral("postBuild.substituteFrom: %1 \"%2\" not found, and "
                                            "Flux fails the reconciliation until it exists; create "
                                            "it in the Kustomization's namespace, or set "
                                            "optional: true on the reference")
                                 .arg(source.kind, source.name));
        }
        for (auto it = source.data->cbegin(); it != source.data->cend(); ++it)
            merged.insert(it.key(), withoutNewlines(it.value()));
    }
    for (auto it = substitute.cbegin(); it != substitute.cend(); ++it)
        merged.insert(it.key(), withoutNewlines(it.value()));
    return merged;
}

bool isSubstitutionDisabled(const QJsonObject &object)
{
    const QJsonObject metadata = object.value(QLatin1String("metadata")).toObject();
    const auto optsOut = [&](QLatin1String field) {
        return metadata.value(field).toObject().value(kOptOutKey).toString() ==
               QLatin1String("disabled");
    };
    return optsOut(QLatin1String("labels")) || optsOut(QLatin1String("annotations"));
}

Result<SubstituteResult> substituteVariables(const QByteArray &yaml, const Variables &variables,
                                             const SubstituteOptions &options)
{
    SubstituteResult result;
    if (variables.isEmpty() && !options.always) {
        result.text = yaml;
        if (yaml.contains("${"))
            result.warnings.append(QStringLiteral(
                "no postBuild variables are defined, so Flux substitutes nothing here: ${…} "
                "references, defaults included, stay as written; define any variable to turn "
                "substitution on"));
        return result;
    }
    SLUICE_TRY(checkVariableNames(variables));
    Parser parser(yaml);
    Result<std::vector<Node>> nodes = parser.parse();
    if (!nodes)
        return nodes.error();
    Evaluator evaluator(variables, options.strict);
    SLUICE_TRY(evaluator.append(*nodes, result.text));
    result.warnings = evaluator.warnings();
    result.applied = true;
    return result;
}

Result<SubstitutedObject> substituteObject(const QJsonObject &object, const Variables &variables,
                                           const SubstituteOptions &options)
{
    if (isSubstitutionDisabled(object))
        return SubstitutedObject{object, {}};
    Result<SubstituteResult> substituted =
        substituteVariables(yaml::toYaml(object), variables, options);
    if (!substituted)
        return substituted.error();
    if (!substituted->applied)
        return SubstitutedObject{object, substituted->warnings};
    const Result<QJsonValue> parsed =
        yaml::parseDocument(substituted->text, QStringLiteral("the substituted object"));
    if (!parsed)
        return parsed.error().prefixed(QStringLiteral(
            "after variable substitution the object is no longer valid YAML (does a value "
            "hold quotes, \": \" or a line break?)"));
    if (!parsed->isObject())
        return makeError(ErrorCategory::Render,
                         QStringLiteral("after variable substitution the object is no longer a "
                                        "YAML mapping"));
    return SubstitutedObject{parsed->toObject(), substituted->warnings};
}

} // namespace sluice::flux
