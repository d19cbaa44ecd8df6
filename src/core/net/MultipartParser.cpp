#include "net/MultipartParser.h"

#include <QByteArrayMatcher>
#include <QUrl>

#include <algorithm>
#include <cstring>

namespace caduceus::net {

namespace {

struct Parameter
{
    QByteArray name; // lower-case
    QByteArray value;
};

bool isSpace(char c)
{
    return c == ' ' || c == '\t';
}

QByteArrayView trimmed(QByteArrayView text)
{
    qsizetype begin = 0;
    qsizetype end = text.size();
    while (begin < end && isSpace(text[begin]))
        ++begin;
    while (end > begin && isSpace(text[end - 1]))
        --end;
    return text.sliced(begin, end - begin);
}

// `; a=b; c="d;e"` → [(a, b), (c, d;e)]. A quoted value keeps a backslash unless it escapes '"' or '\'
// (browsers never escape, curl does; Windows paths from old browsers must survive). Malformed pieces are
// skipped: a header from the network is never a reason to fail the whole request here.
QList<Parameter> parseParameters(QByteArrayView text)
{
    QList<Parameter> parameters;
    qsizetype i = 0;
    const qsizetype n = text.size();
    while (i < n) {
        while (i < n && (isSpace(text[i]) || text[i] == ';'))
            ++i;
        const qsizetype nameStart = i;
        while (i < n && text[i] != '=' && text[i] != ';')
            ++i;
        const QByteArray name = trimmed(text.sliced(nameStart, i - nameStart)).toByteArray().toLower();
        if (i >= n || text[i] == ';') {
            continue; // a parameter without a value (e.g. the "form-data" token itself)
        }
        ++i; // '='
        while (i < n && isSpace(text[i]))
            ++i;
        QByteArray value;
        if (i < n && text[i] == '"') {
            ++i;
            while (i < n && text[i] != '"') {
                if (text[i] == '\\' && i + 1 < n && (text[i + 1] == '"' || text[i + 1] == '\\'))
                    ++i;
                value += text[i];
                ++i;
            }
            if (i < n)
                ++i; // closing quote
            while (i < n && text[i] != ';')
                ++i;
        } else {
            const qsizetype valueStart = i;
            while (i < n && text[i] != ';')
                ++i;
            value = trimmed(text.sliced(valueStart, i - valueStart)).toByteArray();
        }
        if (!name.isEmpty())
            parameters.append({name, value});
    }
    return parameters;
}

bool isBoundaryChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return c != '\0' && std::strchr("'()+_,-./:=? ", c) != nullptr;
}

// WHATWG HTML escapes '"', CR and LF in multipart names as %22, %0D and %0A (and nothing else).
QByteArray unescapeFormName(QByteArray value)
{
    value.replace("%22", "\"");
    value.replace("%0D", "\r");
    value.replace("%0A", "\n");
    return value;
}

// RFC 5987 ext-value: charset'language'percent-encoded. Only UTF-8 (and its subset US-ASCII) is read.
bool decodeExtendedValue(const QByteArray &value, QString *out)
{
    const qsizetype firstQuote = value.indexOf('\'');
    const qsizetype secondQuote = firstQuote < 0 ? -1 : value.indexOf('\'', firstQuote + 1);
    if (secondQuote < 0)
        return false;
    const QByteArray charset = value.left(firstQuote).toLower();
    if (charset != "utf-8" && charset != "us-ascii")
        return false;
    *out = QString::fromUtf8(QByteArray::fromPercentEncoding(value.mid(secondQuote + 1)));
    return true;
}

// "C:\\Users\\me\\a.png" or "dir/a.png" (old browsers sent paths) → "a.png".
QString baseName(const QString &fileName)
{
    const qsizetype slash =
        std::max(fileName.lastIndexOf(QLatin1Char('/')), fileName.lastIndexOf(QLatin1Char('\\')));
    return slash < 0 ? fileName : fileName.mid(slash + 1);
}

} // namespace

MultipartParser::Boundary MultipartParser::boundaryFromContentType(const QByteArray &contentType,
                                                                   const MultipartLimits &limits)
{
    Boundary result;
    const qsizetype semicolon = contentType.indexOf(';');
    const QByteArray mediaType =
        trimmed(QByteArrayView(contentType).first(semicolon < 0 ? contentType.size() : semicolon))
            .toByteArray()
            .toLower();
    if (mediaType != "multipart/form-data") {
        result.error = QStringLiteral("Expected a multipart/form-data body");
        return result;
    }
    if (semicolon >= 0) {
        for (const Parameter &p : parseParameters(QByteArrayView(contentType).sliced(semicolon + 1))) {
            if (p.name == "boundary") {
                result.value = p.value;
                break;
            }
        }
    }
    if (result.value.isEmpty()) {
        result.error = QStringLiteral("The multipart body has no boundary");
        return result;
    }
    bool valid = result.value.size() <= limits.maxBoundaryChars && !result.value.endsWith(' ');
    for (char c : std::as_const(result.value))
        valid = valid && isBoundaryChar(c);
    if (!valid) {
        result.error = QStringLiteral("The multipart boundary is not valid");
        result.value.clear();
    }
    return result;
}

bool MultipartParser::parseContentDisposition(const QByteArray &value, QByteArray *name, QString *fileName,
                                              bool *hasFileName)
{
    const qsizetype semicolon = value.indexOf(';');
    const QByteArray type = trimmed(QByteArrayView(value).first(semicolon < 0 ? value.size() : semicolon))
                                .toByteArray()
                                .toLower();
    name->clear();
    fileName->clear();
    *hasFileName = false;
    if (type != "form-data")
        return false;
    if (semicolon < 0)
        return true;
    bool haveExtended = false;
    for (const Parameter &p : parseParameters(QByteArrayView(value).sliced(semicolon + 1))) {
        if (p.name == "name") {
            *name = unescapeFormName(p.value);
        } else if (p.name == "filename" && !haveExtended) {
            *fileName = baseName(QString::fromUtf8(unescapeFormName(p.value)));
            *hasFileName = true;
        } else if (p.name == "filename*") {
            QString decoded;
            if (decodeExtendedValue(p.value, &decoded)) {
                *fileName = baseName(decoded);
                *hasFileName = true;
                haveExtended = true;
            }
        }
    }
    return true;
}

MultipartParser::Result MultipartParser::parse(QByteArrayView body, const QByteArray &boundary,
                                               const MultipartLimits &limits)
{
    Result result;
    auto fail = [&result](int status, const QString &message) {
        result.parts.clear();
        result.errorStatus = status;
        result.error = message;
        return result;
    };
    if (boundary.isEmpty())
        return fail(400, QStringLiteral("The multipart body has no boundary"));

    const QByteArray dashBoundary = "--" + boundary;
    const QByteArray delimiter = "\r\n" + dashBoundary;
    const QByteArrayMatcher delimiterMatcher(delimiter);

    // The first boundary may open the body or follow a preamble (which is ignored).
    qsizetype pos = 0;
    if (!body.startsWith(dashBoundary)) {
        const qsizetype found = delimiterMatcher.indexIn(body, 0);
        if (found < 0)
            return fail(400, QStringLiteral("The multipart body does not contain its boundary"));
        pos = found + 2;
    }

    while (true) {
        // pos is at "--boundary"
        qsizetype p = pos + dashBoundary.size();
        if (body.sliced(p).startsWith("--"))
            return result; // close delimiter; an epilogue is ignored
        while (p < body.size() && isSpace(body[p]))
            ++p;
        if (body.sliced(p).startsWith("\r\n"))
            p += 2;
        else
            return fail(400, QStringLiteral("The multipart body is malformed after a boundary"));

        if (result.parts.size() >= limits.maxParts)
            return fail(413,
                        QStringLiteral("Too many parts in the upload (at most %1)").arg(limits.maxParts));

        // Header block, up to an empty line.
        MultipartPart part;
        bool sawDisposition = false;
        const qsizetype headerStart = p;
        while (true) {
            const qsizetype lineEnd = body.sliced(p).indexOf("\r\n");
            if (lineEnd < 0 || p + lineEnd - headerStart > limits.maxPartHeaderBytes) {
                return fail(400, lineEnd < 0
                                     ? QStringLiteral("A part of the multipart body is cut off")
                                     : QStringLiteral("The headers of a multipart part are too long"));
            }
            const QByteArrayView line = body.sliced(p, lineEnd);
            p += lineEnd + 2;
            if (line.isEmpty())
                break;
            const qsizetype colon = line.indexOf(':');
            if (colon <= 0)
                return fail(400, QStringLiteral("A multipart part has a malformed header line"));
            const QByteArray headerName = trimmed(line.first(colon)).toByteArray().toLower();
            const QByteArray headerValue = trimmed(line.sliced(colon + 1)).toByteArray();
            if (headerName == "content-disposition") {
                if (!parseContentDisposition(headerValue, &part.name, &part.fileName, &part.isFile))
                    return fail(400, QStringLiteral("A multipart part is not form-data"));
                sawDisposition = true;
            } else if (headerName == "content-type") {
                part.contentType = headerValue;
            }
        }
        if (!sawDisposition)
            return fail(400, QStringLiteral("A multipart part has no Content-Disposition"));

        const qsizetype dataEnd = delimiterMatcher.indexIn(body, p);
        if (dataEnd < 0)
            return fail(400, QStringLiteral("The multipart body ends before its closing boundary"));
        part.data = body.sliced(p, dataEnd - p);
        result.parts.append(part);
        pos = dataEnd + 2;
    }
}

} // namespace caduceus::net
