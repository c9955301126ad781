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
    Error copy = *this;
    copy.message = context + QLatin1String(": ") + message;
    return copy;
}

} // namespace sluice
