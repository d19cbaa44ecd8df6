#pragma once
// A write transaction that rolls back unless commit() succeeded, so an early return on any error can
// never leave half a change behind.
#include <QSqlDatabase>
#include <QString>

namespace caduceus::store {

class Transaction
{
public:
    explicit Transaction(QSqlDatabase db);
    ~Transaction();
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;

    bool isActive() const { return m_active; }
    bool commit();
    void rollback();
    // The driver's text when BEGIN or COMMIT failed.
    QString error() const { return m_error; }

private:
    QSqlDatabase m_db;
    bool m_active = false;
    QString m_error;
};

} // namespace caduceus::store
