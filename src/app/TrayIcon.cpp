#include "TrayIcon.h"

#include "ChatBackend.h"
#include "DesktopNotifier.h"
#include "Translations.h"

#include <QApplication>
#include <QMenu>
#include <QQuickWindow>
#include <QSystemTrayIcon>

TrayIcon::TrayIcon(QQuickWindow *window, ChatBackend *backend, DesktopNotifier *notifier, QObject *parent)
    : QObject(parent), m_window(window), m_backend(backend)
{
    connect(notifier, &DesktopNotifier::notify, this,
            [this](const QString &title, const QString &body, const QString &) { showMessage(title, body); });
    connect(notifier, &DesktopNotifier::sessionActivated, this, [this](const QString &sessionId) {
        m_backend->openSession(sessionId);
        bringForward();
    });
    if (!QSystemTrayIcon::isSystemTrayAvailable())
        return;

    m_menu = new QMenu;
    m_toggle = m_menu->addAction(QString(), this, &TrayIcon::toggleWindow);
    m_newChat = m_menu->addAction(QString(), this, [this]() {
        m_backend->newSession();
        bringForward();
    });
    m_menu->addSeparator();
    m_quit = m_menu->addAction(QString(), qApp, &QCoreApplication::quit);
    connect(m_menu, &QMenu::aboutToShow, this, &TrayIcon::retranslate);
    connect(Translations::instance(), &Translations::languageChanged, this, &TrayIcon::retranslate);

    m_tray = new QSystemTrayIcon(QIcon(QStringLiteral(":/icons/caduceus-tray.svg")), this);
    m_tray->setToolTip(QStringLiteral("Caduceus"));
    m_tray->setContextMenu(m_menu);
    connect(m_tray, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason reason) {
        if (reason == QSystemTrayIcon::Trigger)
            toggleWindow();
    });
    connect(m_tray, &QSystemTrayIcon::messageClicked, notifier, &DesktopNotifier::activateLast);
    retranslate();
    m_tray->show();
}

TrayIcon::~TrayIcon()
{
    delete m_menu;
}

void TrayIcon::retranslate()
{
    if (!m_menu)
        return;
    const bool shown = m_window && m_window->isVisible() && m_window->windowState() != Qt::WindowMinimized;
    m_toggle->setText(shown ? tr("Hide Caduceus") : tr("Show Caduceus"));
    m_newChat->setText(tr("New chat"));
    m_quit->setText(tr("Quit"));
}

void TrayIcon::showMessage(const QString &title, const QString &body)
{
    if (m_tray && QSystemTrayIcon::supportsMessages()) {
        m_tray->showMessage(title, body, QIcon(QStringLiteral(":/icons/caduceus.svg")));
        return;
    }
    // No tray to carry a message: at least mark the window as wanting attention (taskbar, dock).
    if (m_window)
        m_window->alert(0);
}

void TrayIcon::bringForward()
{
    if (!m_window)
        return;
    if (m_window->windowState() == Qt::WindowMinimized)
        m_window->showNormal();
    else
        m_window->show();
    m_window->raise();
    m_window->requestActivate();
}

void TrayIcon::toggleWindow()
{
    if (m_window && m_window->isVisible() && m_window->isActive())
        m_window->hide();
    else
        bringForward();
}
