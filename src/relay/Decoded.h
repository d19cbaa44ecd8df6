#pragma once
// The outcome of decoding untrusted input: a value, or a human-readable reason it was rejected.
// Decoders return this instead of throwing so that malformed network input is an ordinary value.

#include <QString>

#include <optional>
#include <utility>

namespace caduceus::relay {

template <typename T> class Decoded
{
public:
    static Decoded success(T value)
    {
        Decoded result;
        result.m_value = std::move(value);
        return result;
    }
    static Decoded failure(QString error)
    {
        Decoded result;
        result.m_error = std::move(error);
        return result;
    }

    bool ok() const { return m_value.has_value(); }
    explicit operator bool() const { return ok(); }
    const T &value() const { return *m_value; }
    T &value() { return *m_value; }
    const QString &error() const { return m_error; }

private:
    Decoded() = default;
    std::optional<T> m_value;
    QString m_error;
};

} // namespace caduceus::relay
