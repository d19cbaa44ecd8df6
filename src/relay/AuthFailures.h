#pragma once
// Failed token checks, per client address, shared by everything that checks the relay token (the
// /chat-run namespace CONNECT and the REST API): a client without the token may try, but not fast, and
// not so that it fills the log.
//   - The first few failures of an address are answered at once; later ones wait (delayFor), doubling
//     up to maxDelayMs, and an address is forgotten after forgetAfterMs without failures.
//   - One log line per address per logIntervalMs, saying how many failures it stands for.
// The right token is never delayed: only failures are counted, and nothing is refused in advance.
#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QString>

namespace caduceus::relay {

class AuthFailures
{
public:
    struct Options
    {
        int freeFailures = 3;   // answered without delay
        int firstDelayMs = 250; // then 250, 500, 1000 … ms
        int maxDelayMs = 4000;
        int forgetAfterMs = 60'000;
        int logIntervalMs = 10'000;
        int maxAddresses = 4096; // the oldest is forgotten beyond
    };
    // Failures one connection may make before it is closed.
    static constexpr int PerConnection = 3;

    AuthFailures();
    explicit AuthFailures(const Options &options);

    // Records a failed check from `address` ("what" names it in the log, e.g. "REST request to /api/…")
    // and returns how long its answer should wait.
    int recordFailure(const QHostAddress &address, const QString &what);
    // Failures counted for that address now (0 once forgotten).
    int failures(const QHostAddress &address) const;

private:
    struct Entry
    {
        int failures = 0;
        int unlogged = 0;
        qint64 lastFailureMs = 0;
        qint64 lastLogMs = -1;
    };
    void forgetOld(qint64 now);

    Options m_options;
    QElapsedTimer m_clock;
    QHash<QHostAddress, Entry> m_entries;
};

} // namespace caduceus::relay
