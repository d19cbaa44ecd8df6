#pragma once
// Logging category of the store: every failure that becomes a lastError() is also logged here.
#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcStore)
