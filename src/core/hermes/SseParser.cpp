#include "hermes/SseParser.h"

namespace caduceus::hermes {

QList<SseEvent> SseParser::feed(QByteArrayView bytes)
{
    QList<SseEvent> out;
    qsizetype pos = 0;
    const qsizetype size = bytes.size();
    if (m_skipLeadingLf && size > 0) {
        if (bytes[0] == '\n')
            pos = 1;
        m_skipLeadingLf = false;
    }
    while (pos < size) {
        // Find the next line terminator.
        qsizetype end = pos;
        while (end < size && bytes[end] != '\n' && bytes[end] != '\r')
            ++end;
        const QByteArrayView piece = bytes.sliced(pos, end - pos);
        if (!m_discardingLine) {
            if (m_line.size() + piece.size() > m_limits.maxLineBytes) {
                drop(QStringLiteral("SSE line longer than %1 bytes dropped").arg(m_limits.maxLineBytes));
                m_line.clear();
                m_discardingLine = true;
                m_discardingEvent = true;
            } else {
                m_line.append(piece);
            }
        }
        if (end == size)
            break; // line continues in the next read
        const bool cr = bytes[end] == '\r';
        pos = end + 1;
        if (cr) {
            if (pos < size) {
                if (bytes[pos] == '\n')
                    ++pos;
            } else {
                m_skipLeadingLf = true;
            }
        }
        if (m_discardingLine) {
            m_discardingLine = false;
            continue;
        }
        processLine(m_line, out);
        m_line.clear();
    }
    return out;
}

QList<SseEvent> SseParser::finish()
{
    QList<SseEvent> out;
    if (!m_line.isEmpty() && !m_discardingLine)
        processLine(m_line, out);
    m_line.clear();
    m_discardingLine = false;
    dispatch(out);
    return out;
}

void SseParser::reset()
{
    *this = SseParser(m_limits);
}

void SseParser::processLine(QByteArrayView line, QList<SseEvent> &out)
{
    if (line.isEmpty()) {
        dispatch(out);
        return;
    }
    if (line[0] == ':') {
        ++m_comments;
        m_lastComment = line.sliced(1).trimmed().toByteArray();
        return;
    }
    if (m_discardingEvent)
        return;
    const qsizetype colon = line.indexOf(':');
    QByteArrayView field = colon < 0 ? line : line.first(colon);
    QByteArrayView value = colon < 0 ? QByteArrayView() : line.sliced(colon + 1);
    if (!value.isEmpty() && value[0] == ' ')
        value = value.sliced(1);

    if (field == "data") {
        if (m_data.size() + value.size() + 1 > m_limits.maxEventBytes) {
            drop(QStringLiteral("SSE event larger than %1 bytes dropped").arg(m_limits.maxEventBytes));
            m_discardingEvent = true;
            m_data.clear();
            m_hasData = false;
            return;
        }
        if (m_hasData)
            m_data.append('\n');
        m_data.append(value);
        m_hasData = true;
    } else if (field == "event") {
        m_eventName = value.toByteArray();
    } else if (field == "id") {
        if (!value.contains('\0'))
            m_id = value.toByteArray();
    }
    // "retry" and unknown fields are ignored, as the standard says.
}

void SseParser::dispatch(QList<SseEvent> &out)
{
    if (m_hasData && !m_discardingEvent)
        out.append(SseEvent{m_eventName, m_data, m_id});
    m_eventName.clear();
    m_data.clear();
    m_hasData = false;
    m_discardingEvent = false;
}

void SseParser::drop(const QString &reason)
{
    ++m_dropped;
    m_lastError = reason;
}

} // namespace caduceus::hermes
