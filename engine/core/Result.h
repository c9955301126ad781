#pragma once

// The engine's one error type and an expected-style Result<T>.
//
// Every fallible engine call returns Result<T> (or Status for no value). Errors are written for a
// person: they say what failed, where, and what the user can do. No exception crosses the
// engine's API; parsers that throw (yaml-cpp) are caught at their boundary.

#include <QString>
#include <QStringList>

#include <optional>
#include <utility>
#include <variant>

namespace sluice {

enum class ErrorCategory {
    Git,       // libgit2 or a repository problem
    Render,    // a renderer failed (tool exit code, bad tree)
    Yaml,      // malformed YAML / not a Kubernetes object
    Diff,
    Kube,
    Io,        // filesystem
    Process,   // an external tool could not run
    Workspace, // sluice.yaml validation
    Usage,     // bad arguments
    Cancelled, // the caller cancelled
};

QString categoryName(ErrorCategory category);

struct Error
{
    ErrorCategory category = ErrorCategory::Io;
    int code = 0;    // category specific (libgit2 error code, exit code, HTTP status …)
    QString message; // one sentence for a person: what failed, where, what to do
    QString detail;  // optional longer text (tool stderr, …); never a secret

    // "message" or "message\n  detail".
    QString toString() const;
    // Returns a copy whose message is prefixed with context ("render of web: " + message). A
    // context that ends in ": " or a space is joined once ("a: " + "b" is "a: b", never "a: : b");
    // an empty message leaves the context alone.
    Error prefixed(const QString &context) const;
};

// Messages quote input (paths, names, a tool's stderr), and input can be huge: a 100 MB path,
// a 100,000-entry list. These caps keep every message readable; quote with the helpers below.
inline constexpr qsizetype kMaxQuotedChars = 200;     // one quoted path or name
inline constexpr qsizetype kMaxQuotedItems = 10;      // items of a quoted list
inline constexpr qsizetype kMaxMessageChars = 4000;   // a whole Error::message
inline constexpr qsizetype kMaxDetailChars = 65536;   // a whole Error::detail

// `text` when it has at most `maxChars` characters, else its start and end around
// "… (N more characters) …". Pure; cost linear in maxChars.
QString elideMiddle(const QString &text, qsizetype maxChars = kMaxQuotedChars);

// "a, b, c" of at most `maxItems` items, each elided, then "… (N more)". Pure.
QString elideList(const QStringList &items, qsizetype maxItems = kMaxQuotedItems);

// Builds an Error; a message or detail longer than its cap (above) is elided in the middle, so
// no error floods a terminal or a dialog whatever a call site quoted.
Error makeError(ErrorCategory category, QString message, QString detail = {}, int code = 0);

template <typename T>
class [[nodiscard]] Result
{
public:
    Result(const T &value) : m_value(value) {}
    Result(T &&value) : m_value(std::move(value)) {}
    Result(const Error &error) : m_value(error) {}
    Result(Error &&error) : m_value(std::move(error)) {}

    bool ok() const { return std::holds_alternative<T>(m_value); }
    explicit operator bool() const { return ok(); }

    T &value() & { return std::get<T>(m_value); }
    const T &value() const & { return std::get<T>(m_value); }
    T &&value() && { return std::get<T>(std::move(m_value)); }
    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }

    const Error &error() const { return std::get<Error>(m_value); }

private:
    std::variant<T, Error> m_value;
};

// Result<void>: success or an Error.
class [[nodiscard]] Status
{
public:
    Status() = default;
    Status(const Error &error) : m_error(error) {}
    Status(Error &&error) : m_error(std::move(error)) {}

    bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }
    const Error &error() const { return *m_error; }

private:
    std::optional<Error> m_error;
};

} // namespace sluice

// In a function returning Result<T> or Status: evaluates a Status expression and returns its
// error when it failed. For parsers that validate field after field.
#define SLUICE_TRY(expr)                                                                           \
    if (::sluice::Status sluiceTryStatus_ = (expr); !sluiceTryStatus_)                             \
    return sluiceTryStatus_.error()
