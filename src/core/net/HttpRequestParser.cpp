#include "net/HttpRequestParser.h"

#include <QUrl>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <utility>

namespace caduceus::net {

namespace {

constexpr qsizetype kMaxChunkSizeLine = 4096;

bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return std::strchr("!#$%&'*+-.^_`|~", c) != nullptr && c != '\0';
}

bool isToken(const QByteArray &text)
{
    if (text.isEmpty())
        return false;
    for (char c : text) {
        if (!isTokenChar(c))
            return false;
    }
    return true;
}

// Request targets are ASCII without spaces or controls; anything else is a malformed request.
bool isValidTargetText(const QByteArray &target)
{
    for (char c : target) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7F)
            return false;
    }
    return true;
}

bool isValidFieldValue(const QByteArray &value)
{
    for (char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\t') || u == 0x7F)
            return false;
    }
    return true;
}

QByteArray trimmedOws(const QByteArray &value)
{
    qsizetype begin = 0;
    qsizetype end = value.size();
    while (begin < end && (value[begin] == ' ' || value[begin] == '\t'))
        ++begin;
    while (end > begin && (value[end - 1] == ' ' || value[end - 1] == '\t'))
        --end;
    return value.mid(begin, end - begin);
}

bool isImplementedMethod(const QByteArray &method)
{
    static const QByteArray methods[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"};
    for (const QByteArray &known : methods) {
        if (method == known)
            return true;
    }
    return false;
}

// Splits a comma-separated header list (several header lines count as one list).
QList<QByteArray> headerListValues(const HttpRequest &request, const QByteArray &name)
{
    QList<QByteArray> values;
    for (const auto &[headerName, value] : request.headers) {
        if (headerName != name)
            continue;
        for (const QByteArray &item : value.split(',')) {
            const QByteArray trimmed = trimmedOws(item);
            if (!trimmed.isEmpty())
                values.append(trimmed);
        }
    }
    return values;
}

} // namespace

HttpRequestParser::HttpRequestParser(const HttpParserLimits &limits) : m_limits(limits) {}

bool HttpRequestParser::isInProgress() const
{
    return m_started && m_state != State::Complete && m_state != State::Failed;
}

bool HttpRequestParser::expectsBody() const
{
    return m_chunked || m_contentLength > 0;
}

HttpRequest HttpRequestParser::takeRequest()
{
    HttpRequest request = std::move(m_request);
    reset();
    return request;
}

void HttpRequestParser::reset()
{
    m_state = State::RequestLine;
    m_request = HttpRequest{};
    m_line.clear();
    m_headBytes = 0;
    m_trailerBytes = 0;
    m_contentLength = 0;
    m_remaining = 0;
    m_bodyLimit = -1;
    m_chunked = false;
    m_headComplete = false;
    m_started = false;
    m_errorStatus = 0;
    m_errorMessage.clear();
}

bool HttpRequestParser::setBodyLimit(qint64 maxBodyBytes)
{
    if (!m_headComplete || hasFailed())
        return !hasFailed();
    m_bodyLimit = std::max<qint64>(0, maxBodyBytes);
    if (m_contentLength > m_bodyLimit || m_request.body.size() > m_bodyLimit) {
        fail(413, QStringLiteral("The request body is larger than %1 bytes").arg(m_bodyLimit));
        return false;
    }
    return true;
}

void HttpRequestParser::fail(int status, const QString &message)
{
    m_state = State::Failed;
    m_errorStatus = status;
    m_errorMessage = message;
    m_line.clear();
}

qsizetype HttpRequestParser::takeLine(QByteArrayView bytes, qsizetype lineLimit, bool *lineComplete)
{
    // Scan one byte beyond the limit so that an over-long line is detected, never buffered whole.
    const qsizetype scan = std::min<qsizetype>(bytes.size(), std::max<qsizetype>(lineLimit + 1, 0));
    const void *newline = std::memchr(bytes.data(), '\n', static_cast<size_t>(scan));
    if (!newline) {
        m_line.append(bytes.data(), scan);
        *lineComplete = false;
        return scan;
    }
    const qsizetype length = static_cast<const char *>(newline) - bytes.data();
    m_line.append(bytes.data(), length);
    if (m_line.endsWith('\r'))
        m_line.chop(1);
    *lineComplete = true;
    return length + 1;
}

qsizetype HttpRequestParser::feed(QByteArrayView bytes)
{
    qsizetype used = 0;
    while (used < bytes.size()) {
        const QByteArrayView rest = bytes.sliced(used);
        switch (m_state) {
        case State::Complete:
        case State::Failed:
            return used;

        case State::RequestLine:
        case State::Headers: {
            m_started = true;
            bool complete = false;
            const qsizetype n = takeLine(rest, m_limits.maxHeaderBytes - m_headBytes, &complete);
            used += n;
            m_headBytes += n;
            if (m_headBytes > m_limits.maxHeaderBytes) {
                if (m_state == State::RequestLine)
                    fail(414, QStringLiteral("The request line is longer than %1 bytes")
                                  .arg(m_limits.maxHeaderBytes));
                else
                    fail(431, QStringLiteral("The request headers are larger than %1 bytes")
                                  .arg(m_limits.maxHeaderBytes));
                return used;
            }
            if (!complete)
                break;
            const QByteArray line = std::exchange(m_line, QByteArray());
            if (m_state == State::RequestLine) {
                // RFC 9112 2.2: ignore empty lines before a request line (left over after a body).
                if (line.isEmpty())
                    break;
                if (!parseRequestLine(line))
                    return used;
                m_state = State::Headers;
            } else if (line.isEmpty()) {
                finishHead();
                return used;
            } else if (!parseHeaderLine(line)) {
                return used;
            }
            break;
        }

        case State::Body: {
            const qsizetype n = std::min<qint64>(m_remaining, rest.size());
            m_request.body.append(rest.data(), n);
            used += n;
            m_remaining -= n;
            if (m_remaining == 0) {
                m_state = State::Complete;
                return used;
            }
            break;
        }

        case State::ChunkSize: {
            bool complete = false;
            const qsizetype n = takeLine(rest, kMaxChunkSizeLine, &complete);
            used += n;
            if (m_line.size() > kMaxChunkSizeLine) {
                fail(400, QStringLiteral("A chunk size line is longer than %1 bytes").arg(kMaxChunkSizeLine));
                return used;
            }
            if (!complete)
                break;
            const QByteArray line = std::exchange(m_line, QByteArray());
            if (!parseChunkSize(line))
                return used;
            break;
        }

        case State::ChunkData: {
            const qsizetype n = std::min<qint64>(m_remaining, rest.size());
            m_request.body.append(rest.data(), n);
            used += n;
            m_remaining -= n;
            if (m_remaining == 0)
                m_state = State::ChunkDataEnd;
            break;
        }

        case State::ChunkDataEnd: {
            bool complete = false;
            const qsizetype n = takeLine(rest, 1, &complete);
            used += n;
            // Only "\r\n" (or a bare "\n") may follow chunk data; a lone "\r" may still be waiting.
            const bool valid = complete ? m_line.isEmpty() : (m_line.isEmpty() || m_line == "\r");
            if (!valid) {
                fail(400, QStringLiteral("Chunk data is longer than its announced size"));
                return used;
            }
            if (complete) {
                m_line.clear();
                m_state = State::ChunkSize;
            }
            break;
        }

        case State::Trailers: {
            bool complete = false;
            const qsizetype n = takeLine(rest, m_limits.maxHeaderBytes - m_trailerBytes, &complete);
            used += n;
            m_trailerBytes += n;
            if (m_trailerBytes > m_limits.maxHeaderBytes) {
                fail(431, QStringLiteral("The chunked trailers are larger than %1 bytes")
                              .arg(m_limits.maxHeaderBytes));
                return used;
            }
            if (!complete)
                break;
            // Trailer fields are read and dropped: nothing here may depend on them.
            const QByteArray line = std::exchange(m_line, QByteArray());
            if (line.isEmpty()) {
                m_state = State::Complete;
                return used;
            }
            break;
        }
        }
    }
    return used;
}

bool HttpRequestParser::parseRequestLine(const QByteArray &line)
{
    const QList<QByteArray> parts = line.split(' ');
    if (parts.size() != 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
        fail(400, QStringLiteral("Malformed request line (expected \"METHOD target HTTP/1.1\")"));
        return false;
    }
    const QByteArray &method = parts[0];
    const QByteArray &target = parts[1];
    const QByteArray &version = parts[2];

    if (!isToken(method)) {
        fail(400, QStringLiteral("Malformed request method"));
        return false;
    }
    if (version.size() != 8 || !version.startsWith("HTTP/") || version[6] != '.' ||
        !std::isdigit(static_cast<unsigned char>(version[5])) ||
        !std::isdigit(static_cast<unsigned char>(version[7]))) {
        fail(400, QStringLiteral("Malformed HTTP version"));
        return false;
    }
    if (version != "HTTP/1.1" && version != "HTTP/1.0") {
        fail(505, QStringLiteral("Only HTTP/1.0 and HTTP/1.1 are supported"));
        return false;
    }
    if (!isValidTargetText(target)) {
        fail(400, QStringLiteral("Malformed request target"));
        return false;
    }
    if (!isImplementedMethod(method)) {
        fail(501, QStringLiteral("Method %1 is not supported").arg(QString::fromLatin1(method)));
        return false;
    }

    QByteArray originForm;
    if (target.startsWith('/')) {
        originForm = target;
    } else if (target == "*" && method == "OPTIONS") {
        originForm = target;
    } else if (target.startsWith("http://") || target.startsWith("https://")) {
        // Absolute form (proxies): keep only the path and query.
        const qsizetype authorityStart = target.indexOf("://") + 3;
        const qsizetype pathStart = target.indexOf('/', authorityStart);
        const qsizetype queryStart = target.indexOf('?', authorityStart);
        if (pathStart >= 0 && (queryStart < 0 || pathStart < queryStart))
            originForm = target.mid(pathStart);
        else
            originForm = "/" + (queryStart >= 0 ? target.mid(queryStart) : QByteArray());
    } else {
        fail(400, QStringLiteral("Malformed request target"));
        return false;
    }

    QByteArray rawPath = originForm;
    const qsizetype fragment = rawPath.indexOf('#');
    if (fragment >= 0)
        rawPath.truncate(fragment);
    QByteArray rawQuery;
    const qsizetype question = rawPath.indexOf('?');
    if (question >= 0) {
        rawQuery = rawPath.mid(question + 1);
        rawPath.truncate(question);
    }
    const QByteArray decodedPath = QByteArray::fromPercentEncoding(rawPath);
    if (decodedPath.contains('\0')) {
        fail(400, QStringLiteral("The request path contains a NUL byte"));
        return false;
    }

    m_request.method = method;
    m_request.target = target;
    m_request.version = version;
    m_request.path = QString::fromUtf8(decodedPath);
    m_request.query.setQuery(QString::fromLatin1(rawQuery));
    return true;
}

bool HttpRequestParser::parseHeaderLine(const QByteArray &line)
{
    if (line.startsWith(' ') || line.startsWith('\t')) {
        fail(400, QStringLiteral("Folded header lines are not accepted"));
        return false;
    }
    const qsizetype colon = line.indexOf(':');
    if (colon <= 0) {
        fail(400, QStringLiteral("Malformed header line (expected \"Name: value\")"));
        return false;
    }
    const QByteArray name = line.left(colon);
    if (!isToken(name)) {
        fail(400, QStringLiteral("Malformed header name"));
        return false;
    }
    const QByteArray value = trimmedOws(line.mid(colon + 1));
    if (!isValidFieldValue(value)) {
        fail(400, QStringLiteral("Header %1 contains control characters").arg(QString::fromLatin1(name)));
        return false;
    }
    if (m_request.headers.size() >= m_limits.maxHeaderCount) {
        fail(431, QStringLiteral("More than %1 request headers").arg(m_limits.maxHeaderCount));
        return false;
    }
    m_request.headers.append({name.toLower(), value});
    return true;
}

bool HttpRequestParser::finishHead()
{
    m_headComplete = true;

    const QList<QByteArray> codings = headerListValues(m_request, "transfer-encoding");
    const bool hasContentLength = m_request.hasHeader("content-length");
    if (!codings.isEmpty()) {
        // Both framings at once is the classic request-smuggling shape: refuse it.
        if (hasContentLength) {
            fail(400, QStringLiteral("Both Content-Length and Transfer-Encoding were sent"));
            return false;
        }
        if (codings.size() != 1 || codings.first().toLower() != "chunked") {
            fail(501, QStringLiteral("Transfer-Encoding \"%1\" is not supported (only chunked)")
                          .arg(QString::fromLatin1(codings.join(", "))));
            return false;
        }
        m_chunked = true;
        m_state = State::ChunkSize;
        return true;
    }

    if (hasContentLength) {
        const QList<QByteArray> lengths = headerListValues(m_request, "content-length");
        if (lengths.isEmpty()) {
            fail(400, QStringLiteral("Empty Content-Length"));
            return false;
        }
        for (const QByteArray &length : lengths) {
            if (length != lengths.first()) {
                fail(400, QStringLiteral("Conflicting Content-Length values"));
                return false;
            }
        }
        const QByteArray &text = lengths.first();
        if (text.size() > 18) {
            fail(413, QStringLiteral("The request body is larger than %1 bytes").arg(m_limits.maxBodyBytes));
            return false;
        }
        qint64 length = 0;
        for (char c : text) {
            if (c < '0' || c > '9') {
                fail(400, QStringLiteral("Malformed Content-Length"));
                return false;
            }
            length = length * 10 + (c - '0');
        }
        if (length > m_limits.maxBodyBytes) {
            fail(413, QStringLiteral("The request body is larger than %1 bytes").arg(m_limits.maxBodyBytes));
            return false;
        }
        m_contentLength = length;
    }

    if (m_contentLength > 0) {
        m_remaining = m_contentLength;
        m_state = State::Body;
    } else {
        m_state = State::Complete;
    }
    return true;
}

bool HttpRequestParser::parseChunkSize(const QByteArray &line)
{
    qsizetype end = 0;
    while (end < line.size() && std::isxdigit(static_cast<unsigned char>(line[end])))
        ++end;
    if (end == 0) {
        fail(400, QStringLiteral("Malformed chunk size"));
        return false;
    }
    // Whatever follows the size must be whitespace or a chunk extension (";name=value"), ignored.
    const QByteArray tail = trimmedOws(line.mid(end));
    if (!tail.isEmpty() && !tail.startsWith(';')) {
        fail(400, QStringLiteral("Malformed chunk size"));
        return false;
    }
    if (end > 15) {
        fail(413, QStringLiteral("The request body is larger than %1 bytes").arg(m_limits.maxBodyBytes));
        return false;
    }
    bool ok = false;
    const qint64 size = line.left(end).toLongLong(&ok, 16);
    if (!ok) {
        fail(400, QStringLiteral("Malformed chunk size"));
        return false;
    }
    if (size == 0) {
        m_state = State::Trailers;
        return true;
    }
    if (size > bodyLimit() - m_request.body.size()) {
        fail(413, QStringLiteral("The request body is larger than %1 bytes").arg(bodyLimit()));
        return false;
    }
    m_remaining = size;
    m_state = State::ChunkData;
    return true;
}

} // namespace caduceus::net
