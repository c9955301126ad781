#include "YamlScalar.h"

#include <QString>

#include <cmath>
#include <cstring>
#include <limits>

namespace sluice::yaml {
namespace {

bool isNull(QByteArrayView v)
{
    if (v.size() > 4)
        return false;
    return v.isEmpty() || v == "~" || v == "null" || v == "Null" || v == "NULL";
}

std::optional<bool> asBool(QByteArrayView v)
{
    if (v.size() < 4 || v.size() > 5) // "ns-1", "tier": most scalars are neither length
        return std::nullopt;
    if (v == "true" || v == "True" || v == "TRUE")
        return true;
    if (v == "false" || v == "False" || v == "FALSE")
        return false;
    return std::nullopt;
}

bool allDigits(const char *begin, const char *end, int base)
{
    if (begin == end)
        return false;
    for (const char *p = begin; p != end; ++p) {
        const char c = *p;
        const bool ok = base == 16 ? std::isxdigit(static_cast<unsigned char>(c))
                                   : (c >= '0' && c < '0' + base);
        if (!ok)
            return false;
    }
    return true;
}

std::optional<qint64> asInt(QByteArrayView v)
{
    const char *begin = v.constData();
    const char *end = begin + v.size();
    bool ok = false;
    qint64 n = 0;
    if (v.startsWith("0x") && allDigits(begin + 2, end, 16))
        n = v.sliced(2).toLongLong(&ok, 16);
    else if (v.startsWith("0o") && allDigits(begin + 2, end, 8))
        n = v.sliced(2).toLongLong(&ok, 8);
    else if (allDigits(begin + ((*begin == '-' || *begin == '+') ? 1 : 0), end, 10))
        n = v.toLongLong(&ok, 10);
    if (!ok)
        return std::nullopt;
    return n;
}

bool looksFloat(QByteArrayView v)
{
    // [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
    qsizetype i = 0;
    const qsizetype n = v.size();
    if (i < n && (v[i] == '-' || v[i] == '+'))
        ++i;
    int intDigits = 0;
    while (i < n && std::isdigit(static_cast<unsigned char>(v[i])))
        ++i, ++intDigits;
    int fracDigits = 0;
    if (i < n && v[i] == '.') {
        ++i;
        while (i < n && std::isdigit(static_cast<unsigned char>(v[i])))
            ++i, ++fracDigits;
    }
    if (intDigits == 0 && fracDigits == 0)
        return false;
    if (i < n && (v[i] == 'e' || v[i] == 'E')) {
        ++i;
        if (i < n && (v[i] == '-' || v[i] == '+'))
            ++i;
        int expDigits = 0;
        while (i < n && std::isdigit(static_cast<unsigned char>(v[i])))
            ++i, ++expDigits;
        if (expDigits == 0)
            return false;
    }
    return i == n;
}

std::optional<double> asFloat(QByteArrayView v)
{
    const bool named = v.startsWith('.') || v.startsWith("+.") || v.startsWith("-.");
    if (named && (v == ".inf" || v == ".Inf" || v == ".INF" || v == "+.inf" || v == "+.Inf" || v == "+.INF"))
        return std::numeric_limits<double>::infinity();
    if (named && (v == "-.inf" || v == "-.Inf" || v == "-.INF"))
        return -std::numeric_limits<double>::infinity();
    if (named && (v == ".nan" || v == ".NaN" || v == ".NAN"))
        return std::numeric_limits<double>::quiet_NaN();
    if (!looksFloat(v))
        return std::nullopt;
    bool ok = false;
    const double d = v.toDouble(&ok);
    return ok ? std::optional<double>(d) : std::nullopt;
}

// Only these first characters can start a null, bool, int or float.
bool cannotBeOtherThanString(QByteArrayView value)
{
    if (value.isEmpty())
        return false;
    switch (value.front()) {
    case '~': case 'n': case 'N': case 't': case 'T': case 'f': case 'F': case '.': case '+': case '-':
    case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8': case '9':
        return false;
    default:
        return true;
    }
}

} // namespace

bool isPlainString(QByteArrayView value)
{
    if (cannotBeOtherThanString(value))
        return true;
    if (isNull(value) || asBool(value))
        return false;
    // Not empty (a null). Only a digit, a sign or a dot starts an int or a float: "ns-1" is a string.
    const char first = value.front();
    if (first != '.' && first != '+' && first != '-' && !std::isdigit(static_cast<unsigned char>(first)))
        return true;
    return !asInt(value) && !asFloat(value);
}

QJsonValue resolveScalar(QByteArrayView value, ScalarStyle style, QByteArrayView tag)
{
    const auto asString = [&value] { return QJsonValue(QString::fromUtf8(value)); };
    if (tag == QByteArrayView("tag:yaml.org,2002:str") || tag == QByteArrayView("tag:yaml.org,2002:binary"))
        return asString();
    if (style != ScalarStyle::Plain && tag.isEmpty())
        return asString();
    if (tag.isEmpty() && cannotBeOtherThanString(value))
        return asString();
    if (tag == QByteArrayView("tag:yaml.org,2002:null") || (tag.isEmpty() && isNull(value)))
        return QJsonValue::Null;
    if (auto b = asBool(value))
        return *b;
    if (auto i = asInt(value))
        return *i;
    if (auto f = asFloat(value))
        return *f;
    return asString();
}

void appendUtf8(QByteArray &out, char32_t cp)
{
    if (cp < 0x80) {
        out += char(cp);
    } else if (cp < 0x800) {
        out += char(0xC0 | (cp >> 6));
        out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += char(0xE0 | (cp >> 12));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    } else {
        out += char(0xF0 | (cp >> 18));
        out += char(0x80 | ((cp >> 12) & 0x3F));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    }
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

} // namespace sluice::yaml
