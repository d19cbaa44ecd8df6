import QtQuick
import QtQuick.Dialogs

// The composer's file picker, in a file of its own so that the composer loads it only when Attach is
// clicked (through a Loader): without QtQuick.Dialogs the window still opens and says what is missing.
FileDialog {
    objectName: "attachDialog"
    title: qsTr("Attach files")
    fileMode: FileDialog.OpenFiles
}
