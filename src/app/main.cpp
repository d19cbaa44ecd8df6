#include "version.h"

#include <QCoreApplication>
#include <QTextStream>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QTextStream(stdout) << "caduceus " << CADUCEUS_VERSION_STRING << "\n";
    return 0;
}
