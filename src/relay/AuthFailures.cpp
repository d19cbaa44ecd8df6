#include "relay/AuthFailures.h"

#include <QLoggingCategory>

#include <algorithm>

namespace caduceus::relay {

Q_LOGGING_CATEGORY(lcAuth, "caduceus.relay.auth")

AuthFailures::AuthFailures() : AuthFailures(Options{}) {}

AuthFailures::AuthFailures(const Options &options) : m_options(options)
{
    m_clock.start();
}

void AuthFailures::forgetOld(qint64 now)
{
    for (auto it = m_entries.begin(); it != m_entries.end();) {
        if (now - it->lastFailureMs > m_options.forgetAfterMs)
            it = m_entries.erase(it);
        else
            ++it;
    }
    while (m_entries.size() >= m_options.maxAddresses) {
        auto oldest =
            std::min_element(m_entries.begin(), m_entries.end(), [](const Entry &a, const Entry &b) {
                return a.lastFailureMs < b.lastFailureMs;
            });
        m_entries.erase(oldest);
    }
}

int AuthFailures::recordFailure(const QHostAddress &address, const QString &what)
{
    const qint64 now = m_clock.elapsed();
    auto it = m_entries.find(address);
    if (it != m_entries.end() && now - it->lastFailureMs > m_options.forgetAfterMs)
        *it = Entry{};
    if (it == m_entries.end()) {
        forgetOld(now);
        it = m_entries.insert(address, Entry{});
    }
    Entry &entry = *it;
    ++entry.failures;
    ++entry.unlogged;
    entry.lastFailureMs = now;
    if (entry.lastLogMs < 0 || now - entry.lastLogMs >= m_options.logIntervalMs) {
        if (entry.unlogged == 1)
            qCInfo(lcAuth).noquote() << "wrong or missing token from" << address.toString() << "(" << what
                                     << ")";
        else
            qCInfo(lcAuth).noquote() << entry.unlogged << "attempts with a wrong or missing token from"
                                     << address.toString() << "since the last report; latest:" << what;
        entry.unlogged = 0;
        entry.lastLogMs = now;
    }
    const int beyond = entry.failures - m_options.freeFailures;
    if (beyond <= 0)
        return 0;
    const qint64 delay = qint64(m_options.firstDelayMs) << std::min(beyond - 1, 20);
    return int(std::min<qint64>(delay, m_options.maxDelayMs));
}

int AuthFailures::failures(const QHostAddress &address) const
{
    const auto it = m_entries.constFind(address);
    if (it == m_entries.cend() || m_clock.elapsed() - it->lastFailureMs > m_options.forgetAfterMs)
        return 0;
    return it->failures;
}

} // namespace caduceus::relay
