#include "SecretStore.h"

#include <QLoggingCategory>
#include <qt6keychain/keychain.h>

Q_LOGGING_CATEGORY(lcSecrets, "caduceus.secrets")

namespace {
const QString kService = QStringLiteral("Caduceus");

bool backendMissing(QKeychain::Error error)
{
    return error == QKeychain::NoBackendAvailable || error == QKeychain::NotImplemented ||
           error == QKeychain::OtherError || error == QKeychain::AccessDenied;
}
} // namespace

SecretStore::SecretStore(QObject *parent) : QObject(parent)
{
    if (qEnvironmentVariableIntValue("CADUCEUS_NO_KEYCHAIN") == 1)
        activateFallback(QStringLiteral("the keychain is switched off (CADUCEUS_NO_KEYCHAIN=1)"));
}

void SecretStore::activateFallback(const QString &reason)
{
    if (m_memoryOnly)
        return;
    m_memoryOnly = true;
    m_warning = QStringLiteral("No system keychain is available (%1): keys are kept in memory for this session "
                               "only and must be entered again after a restart.")
                    .arg(reason);
    qCWarning(lcSecrets) << m_warning;
    Q_EMIT fallbackActivated(m_warning);
}

void SecretStore::read(const QString &key, std::function<void(const QString &, const QString &)> done)
{
    if (m_memoryOnly) {
        done(m_memory.value(key), QString());
        return;
    }
    auto *job = new QKeychain::ReadPasswordJob(kService, this);
    job->setKey(key);
    connect(job, &QKeychain::Job::finished, this, [this, job, key, done]() {
        if (job->error() == QKeychain::NoError) {
            done(job->textData(), QString());
        } else if (job->error() == QKeychain::EntryNotFound) {
            done(QString(), QString());
        } else if (backendMissing(job->error())) {
            activateFallback(job->errorString());
            done(m_memory.value(key), QString());
        } else {
            done(QString(), job->errorString());
        }
    });
    job->start();
}

void SecretStore::write(const QString &key, const QString &value, std::function<void(const QString &)> done)
{
    m_memory.insert(key, value);
    if (m_memoryOnly) {
        if (done)
            done(QString());
        return;
    }
    auto *job = new QKeychain::WritePasswordJob(kService, this);
    job->setKey(key);
    job->setTextData(value);
    connect(job, &QKeychain::Job::finished, this, [this, job, done]() {
        QString error;
        if (job->error() != QKeychain::NoError) {
            if (backendMissing(job->error()))
                activateFallback(job->errorString());
            else
                error = job->errorString();
        }
        if (done)
            done(error);
    });
    job->start();
}

void SecretStore::remove(const QString &key, std::function<void(const QString &)> done)
{
    m_memory.remove(key);
    if (m_memoryOnly) {
        if (done)
            done(QString());
        return;
    }
    auto *job = new QKeychain::DeletePasswordJob(kService, this);
    job->setKey(key);
    connect(job, &QKeychain::Job::finished, this, [job, done]() {
        if (done)
            done(job->error() == QKeychain::NoError || job->error() == QKeychain::EntryNotFound ? QString()
                                                                                                 : job->errorString());
    });
    job->start();
}
