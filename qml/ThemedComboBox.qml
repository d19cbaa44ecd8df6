import QtQuick
import QtQuick.Controls.Basic
import Caduceus

// A drop-down in the app's colours (Basic's is a grey block that ignores the dark theme).
ComboBox {
    id: control

    // The entry to show: bind it to what the box stands for (a setting). ComboBox's own currentIndex loses
    // its binding on every choice and falls back to 0 whenever the model changes, as a qsTr() model does
    // on a language switch ("System" shown while Dark is in effect); it is re-bound to this after both.
    property int selectedIndex: -1

    currentIndex: selectedIndex
    onActivated: currentIndex = Qt.binding(() => selectedIndex)
    onModelChanged: currentIndex = Qt.binding(() => selectedIndex)

    implicitHeight: Math.round(34 * Theme.fontScale)
    leftPadding: Theme.spacingM
    rightPadding: Theme.spacingM + Theme.iconSize + Theme.spacingXS
    font.pixelSize: Theme.fontSizeBody
    hoverEnabled: true

    contentItem: Text {
        text: control.displayText
        font: control.font
        color: control.enabled ? Theme.text : Theme.textFaint
        verticalAlignment: Text.AlignVCenter
        elide: Text.ElideRight
    }

    indicator: Icon {
        x: control.width - width - Theme.spacingS
        y: (control.height - height) / 2
        name: "chevron-down"
        color: Theme.textMuted
    }

    background: Rectangle {
        implicitWidth: 160
        radius: Theme.radiusS
        color: control.pressed ? Theme.surfacePressed : (control.hovered ? Theme.surfaceHover : Theme.surface)
        border.color: control.visualFocus ? Theme.accent : Theme.borderStrong
        border.width: control.visualFocus ? 2 : 1
    }

    delegate: ItemDelegate {
        id: row
        required property var modelData
        required property int index
        width: ListView.view ? ListView.view.width : implicitWidth
        highlighted: control.highlightedIndex === index
        contentItem: Text {
            text: control.textRole ? row.modelData[control.textRole] : row.modelData
            font: control.font
            color: Theme.text
            elide: Text.ElideRight
            verticalAlignment: Text.AlignVCenter
        }
        background: Rectangle {
            color: row.highlighted ? Theme.accentSoft : (row.hovered ? Theme.surfaceHover : Theme.surface)
        }
    }

    popup: Popup {
        y: control.height + 2
        width: control.width
        implicitHeight: Math.min(contentItem.implicitHeight + 2 * padding, 320)
        padding: 4
        contentItem: ListView {
            clip: true
            implicitHeight: contentHeight
            model: control.popup.visible ? control.delegateModel : null
            currentIndex: control.highlightedIndex
        }
        background: Rectangle {
            radius: Theme.radiusS
            color: Theme.surface
            border.color: Theme.border
        }
    }
}
