#pragma once
// Incremental Server-Sent Events framing (WHATWG rules): frames may be split anywhere across reads,
// lines end in LF, CRLF or CR, `event:`/`id:`/multi-line `data:` fields, `:` comments. Bounded: a
// line or an event over the limit is dropped with an error, the parser stays usable.
#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

namespace caduceus::hermes {

struct SseEvent
{
    QByteArray event; // the `event:` field, empty when absent
    QByteArray data;  // `data:` lines joined by '\n'
    QByteArray id;
};

class SseParser
{
public:
    struct Limits
    {
        qsizetype maxLineBytes = 8 * 1024 * 1024;
        qsizetype maxEventBytes = 16 * 1024 * 1024;
    };

    SseParser() = default;
    explicit SseParser(Limits limits) : m_limits(limits) {}

    // Feeds bytes; returns every event completed by them, in order.
    QList<SseEvent> feed(QByteArrayView bytes);
    // Dispatches a last event that was not followed by a blank line (call at EOF).
    QList<SseEvent> finish();
    void reset();

    int commentCount() const { return m_comments; }
    QByteArray lastComment() const { return m_lastComment; }
    // Oversized lines/events dropped so far, with the last reason.
    int droppedCount() const { return m_dropped; }
    QString lastError() const { return m_lastError; }

private:
    void processLine(QByteArrayView line, QList<SseEvent> &out);
    void dispatch(QList<SseEvent> &out);
    void drop(const QString &reason);

    Limits m_limits;
    QByteArray m_line;
    bool m_skipLeadingLf = false; // last byte seen was CR: a following LF belongs to it
    bool m_discardingLine = false;
    bool m_discardingEvent = false;
    QByteArray m_eventName;
    QByteArray m_data;
    QByteArray m_id;
    bool m_hasData = false;
    int m_comments = 0;
    QByteArray m_lastComment;
    int m_dropped = 0;
    QString m_lastError;
};

} // namespace caduceus::hermes
