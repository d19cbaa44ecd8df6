// A whole /chat-run client session as the relay sees it: a sequence of Engine.IO text and binary frames
// (namespace connect with or without the token, events with and without acks, binary attachments,
// disconnects) through SocketConnection and the real ChatRunNamespace on a SessionManager (in-memory
// database, no agent: runs fail at once with a clear error). Whatever a browser sends, the relay answers
// or closes that connection; it never crashes, leaks or corrupts the store.
//
// Input: frames separated by '\n'. A frame starting with \x01 is a binary frame (the rest of it); others
// are Engine.IO text frames as the client writes them ("40/chat-run,{…}", "42/chat-run,[…]", "2", "3"…).
#include "FuzzCheck.h"
#include "chat/SessionManager.h"
#include "relay/ChatRunNamespace.h"
#include "relay/EnginePacket.h"
#include "relay/EngineServer.h"
#include "relay/EngineSocket.h"
#include "relay/SocketServer.h"
#include "store/Database.h"
#include "store/SessionStore.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QNetworkAccessManager>

using namespace caduceus;

namespace {

const QByteArray Token = "fuzz-token";

struct World
{
    store::Database database{QStringLiteral("fuzz-chatrun")};
    std::unique_ptr<store::SessionStore> store;
    QNetworkAccessManager nam;
    std::unique_ptr<chat::SessionManager> manager;
    std::unique_ptr<relay::EngineServer> engine;
    std::unique_ptr<relay::SocketServer> sockets;
    relay::EngineOptions engineOptions;
    int serial = 0;
};

World *g_world = nullptr;

void settle()
{
    for (int i = 0; i < 4; ++i) {
        QCoreApplication::sendPostedEvents();
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
        QCoreApplication::processEvents(QEventLoop::AllEvents);
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static QCoreApplication *app = new QCoreApplication(*argc, *argv);
    (void)app;
    QLoggingCategory::setFilterRules(QStringLiteral("*.warning=false\n*.info=false\n*.debug=false"));
    g_world = new World;
    if (!g_world->database.open(QStringLiteral(":memory:")).ok)
        qFatal("fuzz_chatrun_session: cannot open the in-memory database");
    g_world->store = std::make_unique<store::SessionStore>(g_world->database);
    g_world->manager = std::make_unique<chat::SessionManager>(g_world->store.get(), &g_world->nam);
    chat::ChatSettings settings;
    settings.maxQueuedPerSession = 4;
    g_world->manager->setSettings(settings);
    g_world->engineOptions.maxBufferedBytes = 256 * 1024;
    g_world->engine =
        std::make_unique<relay::EngineServer>(QStringLiteral("/socket.io/"), g_world->engineOptions);
    relay::SocketServerOptions socketOptions;
    socketOptions.packetLimits.maxAttachments = 4;
    g_world->sockets = std::make_unique<relay::SocketServer>(g_world->engine.get(), socketOptions);
    relay::ChatRunLimits limits;
    limits.maxSessionsPerConnection = 8;
    limits.maxInputBytes = 64 * 1024;
    auto chatRun = std::make_unique<relay::ChatRunNamespace>(g_world->manager.get(), Token, limits);
    chatRun->setAttachmentPolicy([](const QString &, const QString &path) {
        return path.startsWith(QLatin1String("/uploads/")) ? QString() : QStringLiteral("not allowed");
    });
    g_world->sockets->registerNamespace(QStringLiteral("/chat-run"), std::move(chatRun));
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    World &w = *g_world;
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    auto *socket =
        new relay::EngineSocket(QStringLiteral("fuzz%1").arg(++w.serial),
                                QUrlQuery(QStringLiteral("EIO=4&transport=polling&profile=default")),
                                QHostAddress::LocalHost, w.engineOptions);
    socket->startWithPolling();
    Q_EMIT w.engine->connection(socket);

    int frames = 0;
    for (const QByteArray &frame : input.split('\n')) {
        if (++frames > 64 || !socket->isOpen())
            break;
        if (frame.startsWith('\x01')) {
            Q_EMIT socket->binaryReceived(frame.mid(1));
            continue;
        }
        // What WebSocketTransport does with a text frame before the session sees it.
        const auto packet = relay::EnginePacket::decodeText(frame);
        if (!packet)
            break;
        if (packet.value().type == relay::EnginePacketType::Message)
            Q_EMIT socket->textReceived(packet.value().data);
        else if (packet.value().type == relay::EnginePacketType::Close)
            break;
        settle();
    }
    FUZZ_CHECK(socket->bufferedBytes() <= 2 * w.engineOptions.maxBufferedBytes + 1024 * 1024,
               "the relay buffers without bound for one client");
    socket->close(QStringLiteral("fuzz input ended"));
    settle();
    delete socket;
    settle();

    // Every session the input created goes again, so memory stays flat across millions of inputs.
    for (const store::SessionRecord &s : w.store->listSessions())
        w.manager->deleteSession(s.id);
    FUZZ_CHECK(w.store->listSessions().isEmpty(), "a session could not be deleted");
    return 0;
}
