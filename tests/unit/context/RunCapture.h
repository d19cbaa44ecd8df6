#pragma once
// A loopback TCP relay between Caduceus and hermes-sim that keeps the JSON body of every POST /v1/runs it
// passes on: what the agent was really sent (conversation_history, input), byte for byte. Everything else
// (SSE streams, status polls, stops) goes through untouched.
#include <QByteArray>
#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUrl>

namespace caduceus::test {

class RunCapture : public QObject
{
public:
    explicit RunCapture(const QUrl &upstream) : m_upstream(upstream)
    {
        QObject::connect(&m_server, &QTcpServer::newConnection, this, [this]() {
            while (QTcpSocket *client = m_server.nextPendingConnection())
                relay(client);
        });
        m_server.listen(QHostAddress::LocalHost);
    }

    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server.serverPort())); }
    bool isListening() const { return m_server.isListening(); }

    // Bodies of POST /v1/runs, in the order they were sent.
    QList<QJsonObject> runs;

    // The runs whose session_id starts (or does not start) with "compress_".
    QList<QJsonObject> summaryRuns() const { return filtered(true); }
    QList<QJsonObject> chatRuns() const { return filtered(false); }

private:
    QList<QJsonObject> filtered(bool summaries) const
    {
        QList<QJsonObject> out;
        for (const QJsonObject &run : runs) {
            if (run.value(QLatin1String("session_id")).toString().startsWith(QLatin1String("compress_")) ==
                summaries)
                out << run;
        }
        return out;
    }

    void relay(QTcpSocket *client)
    {
        auto *upstream = new QTcpSocket(client);
        auto *pending = new QByteArray;
        QObject::connect(client, &QObject::destroyed, [pending]() { delete pending; });
        // Writes before the connection is up are buffered by QAbstractSocket and sent once it is.
        upstream->connectToHost(m_upstream.host(), quint16(m_upstream.port()));
        QObject::connect(client, &QTcpSocket::readyRead, this, [this, client, upstream, pending]() {
            const QByteArray data = client->readAll();
            pending->append(data);
            parse(*pending);
            upstream->write(data);
        });
        QObject::connect(upstream, &QTcpSocket::readyRead, client,
                         [client, upstream]() { client->write(upstream->readAll()); });
        QObject::connect(upstream, &QTcpSocket::disconnected, client, [client]() {
            client->disconnectFromHost();
            client->deleteLater();
        });
        QObject::connect(client, &QTcpSocket::disconnected, upstream,
                         [upstream]() { upstream->disconnectFromHost(); });
    }

    // Takes every complete request off the front of `buffer`.
    void parse(QByteArray &buffer)
    {
        for (;;) {
            const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
            if (headerEnd < 0)
                return;
            const QByteArray head = buffer.left(headerEnd);
            qsizetype length = 0;
            for (const QByteArray &line : head.split('\n')) {
                const QByteArray trimmed = line.trimmed();
                if (trimmed.toLower().startsWith("content-length:"))
                    length = trimmed.mid(15).trimmed().toLongLong();
            }
            if (buffer.size() < headerEnd + 4 + length)
                return;
            const QByteArray body = buffer.mid(headerEnd + 4, length);
            if (head.startsWith("POST /v1/runs ") || head.startsWith("POST /v1/runs?"))
                runs << QJsonDocument::fromJson(body).object();
            buffer.remove(0, headerEnd + 4 + length);
        }
    }

    QTcpServer m_server;
    QUrl m_upstream;
};

} // namespace caduceus::test
