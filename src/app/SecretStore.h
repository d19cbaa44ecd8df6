#pragma once
// Secrets (agent keys, the relay token) live in the OS keychain through QtKeychain, never in settings
// files or logs. When no keychain backend answers (a headless box without a secret service), secrets
// are kept in memory for this run only and `warning()` says so, so the user can be told.
#include <QHash>
#include <QObject>
#include <functional>

class SecretStore : public QObject
{
    Q_OBJECT
public:
    explicit SecretStore(QObject *parent = nullptr);

    // Callbacks run on the caller's thread once the keychain answered. An absent secret reads as "".
    void read(const QString &key, std::function<void(const QString &value, const QString &error)> done);
    void write(const QString &key, const QString &value, std::function<void(const QString &error)> done = {});
    void remove(const QString &key, std::function<void(const QString &error)> done = {});

    bool usingMemoryFallback() const { return m_memoryOnly; }
    QString warning() const { return m_warning; }

Q_SIGNALS:
    void fallbackActivated(const QString &warning);

private:
    void activateFallback(const QString &reason);

    bool m_memoryOnly = false;
    QString m_warning;
    QHash<QString, QString> m_memory;
};
