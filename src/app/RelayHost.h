#pragma once
// Owns a running /chat-run relay (headless `--relay` or switched on in the window's settings): the
// token (CADUCEUS_RELAY_TOKEN, else the keychain, else a new one saved there), the listening server
// and the namespace on the shared SessionManager, plus the web UI's REST API and static files on the same
// port.
#include "webui/WebUiOptions.h"

#include <QHostAddress>
#include <QObject>
#include <functional>

namespace caduceus::relay {
class RelayServer;
}
class AppRuntime;

class RelayHost : public QObject
{
    Q_OBJECT
public:
    explicit RelayHost(AppRuntime *runtime, QObject *parent = nullptr);
    ~RelayHost() override;

    // Resolves the token, then listens. done(ok, error) runs once.
    void start(const QHostAddress &bind, quint16 port, std::function<void(bool ok, const QString &error)> done);
    void stop();
    bool isRunning() const { return m_server != nullptr; }
    quint16 port() const;
    QHostAddress address() const;
    QString url() const;
    QByteArray token() const { return m_token; }
    bool tokenWasGenerated() const { return m_generated; }
    // Replaces the token with a new random one (saved to the keychain); clients must sign in again.
    void regenerateToken(std::function<void(const QString &error)> done);
    static QByteArray generateToken();
    // Takes effect at the next start(): the web UI folder, upload folder, allowed folders, CORS origins.
    void setWebUiOptions(const caduceus::webui::WebUiOptions &options) { m_webUi = options; }
    const caduceus::webui::WebUiOptions &webUiOptions() const { return m_webUi; }

Q_SIGNALS:
    void runningChanged();
    void clientCountChanged(int count);

private:
    void listen(const QHostAddress &bind, quint16 port, std::function<void(bool, const QString &)> done);

    AppRuntime *m_runtime;
    caduceus::relay::RelayServer *m_server = nullptr;
    QByteArray m_token;
    caduceus::webui::WebUiOptions m_webUi;
    bool m_generated = false;
    int m_clients = 0;
};
