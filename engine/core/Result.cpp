#include "Result.h"

namespace sluice {

QString categoryName(ErrorCategory category)
{
    switch (category) {
    case ErrorCategory::Git: return QStringLiteral("git");
    case ErrorCategory::Render: return QStringLiteral("render");
    case ErrorCategory::Yaml: return QStringLiteral("yaml");
    case ErrorCategory::Diff: return QStringLiteral("diff");
    case ErrorCategory::Kube: return QStringLiteral("kube");
    case ErrorCategory::Io: return QStringLiteral("io");
    case ErrorCategory::Process: return QStringLiteral("process");
    case ErrorCategory::Workspace: return QStringLiteral("workspace");
    case ErrorCategory::Usage: return QStringLiteral("usage");
    case ErrorCategory::Cancelled: return QStringLiteral("cancelled");
    }
    return QStringLiteral("unknown");
}

QString Error::toString() const
{
    if (detail.isEmpty())
        return message;
    QString indented = detail.trimmed();
    indented.replace(QLatin1Char('\n'), QLatin1String("\n  "));
    return message + QLatin1String("\n  ") + indented;
}

Error Error::prefixed(const QString &context) const
{
    QString joined = context;
    while (joined.endsWith(QLatin1Char(' ')) || joined.endsWith(QLatin1Char(':')))
        joined.chop(1);
    if (!message.isEmpty())
        joined += QLatin1String(": ") + message;
    Error copy = *this;
    copy.message = elideMiddle(joined, kMaxMessageChars);
    return copy;
}

QString elideMiddle(const QString &text, qsizetype maxChars)
{
    if (text.size() <= maxChars)
        return text;
    qsizetype headEnd = maxChars / 2;
    qsizetype tailStart = text.size() - (maxChars - headEnd);
    // Never split a surrogate pair.
    if (headEnd > 0 && text.at(headEnd - 1).isHighSurrogate())
        --headEnd;
    if (text.at(tailStart).isLowSurrogate())
        ++tailStart;
    return text.left(headEnd) + QStringLiteral("… (%1 more characters) …").arg(tailStart - headEnd) +
           text.mid(tailStart);
}

QString elideList(const QStringList &items, qsizetype maxItems)
{
    QStringList shown;
    for (qsizetype i = 0; i < qMin(items.size(), maxItems); ++i)
        shown << elideMiddle(items.at(i));
    if (items.size() > maxItems)
        shown << QStringLiteral("… (%1 more)").arg(items.size() - maxItems);
    return shown.join(QLatin1String(", "));
}

Error makeError(ErrorCategory category, QString message, QString detail, int code)
{
    return Error{category, code, elideMiddle(message, kMaxMessageChars), elideMiddle(detail, kMaxDetailChars)};
}

} // namespace sluice
