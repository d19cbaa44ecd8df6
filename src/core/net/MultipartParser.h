#pragma once
// multipart/form-data bodies (RFC 7578) as sent by browsers for file uploads. The HTTP server has already
// buffered and bounded the whole body, so this parses a complete body in one pass: no sockets, no event
// loop, no copies of the file bytes (parts are views into the body), so it can be fuzzed on its own.
//
//   const auto boundary = MultipartParser::boundaryFromContentType(request.header("content-type"));
//   const auto result = MultipartParser::parse(request.body, boundary.value);
//   for (const MultipartPart &part : result.parts) … part.data …   // valid while request.body lives

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

namespace caduceus::net {

struct MultipartPart
{
    QByteArray name;        // the form field name (Content-Disposition name=)
    QString fileName;       // the sent file name, base name only; empty when the part is no file
    bool isFile = false;    // Content-Disposition carried filename= or filename*=
    QByteArray contentType; // the part's Content-Type, empty when absent
    QByteArrayView data;    // the part's bytes: a view into the parsed body
};

struct MultipartLimits
{
    int maxParts = 64;             // more parts: 413
    int maxPartHeaderBytes = 8192; // header block of one part: 400 beyond
    int maxBoundaryChars = 70;     // RFC 2046
};

class MultipartParser
{
public:
    struct Boundary
    {
        QByteArray value;
        QString error; // non-empty when the Content-Type is not multipart/form-data with a usable boundary
    };
    static Boundary boundaryFromContentType(const QByteArray &contentType,
                                            const MultipartLimits &limits = {});

    struct Result
    {
        QList<MultipartPart> parts; // in body order
        int errorStatus = 0;        // 400 malformed, 413 too many parts; 0 when ok
        QString error;
        bool ok() const { return errorStatus == 0; }
    };
    static Result parse(QByteArrayView body, const QByteArray &boundary, const MultipartLimits &limits = {});

    // Content-Disposition parameters: name, filename (quoted or token; %22/%0D/%0A as browsers escape
    // them) and filename* (RFC 5987, UTF-8 only), which wins over filename. Returns false when the value
    // is not form-data.
    static bool parseContentDisposition(const QByteArray &value, QByteArray *name, QString *fileName,
                                        bool *hasFileName);
};

} // namespace caduceus::net
