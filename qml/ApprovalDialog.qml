import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Caduceus

// Asks the user whether the agent may run a guarded command. It covers only the chat pane it is
// placed in (anchors.fill the pane), never the whole application, so other sessions stay usable.
// Keys: Alt+O allow once, Alt+R allow for this run, Alt+A always allow, Alt+D or Esc deny. Plain letters
// do nothing: the request may appear while the user is typing, and a word must not become an answer
// ("and…" would always allow). Buttons and keys also stay inert for `armDelayMs` after a request appears.
// The agent denies an unanswered request after `timeoutSeconds`, counted from `requestTimestamp`.
FocusScope {
    id: root

    property bool active: false
    property string command
    property string description
    property string patternKey
    property var patternKeys: []
    property var choices: ["once", "session", "always", "deny"]
    property bool allowPermanent: true
    property real requestTimestamp: 0   // seconds since the epoch, from the agent's event
    property int pendingCount: 1
    property int timeoutSeconds: 60
    property int armDelayMs: 500

    readonly property var offeredChoices: {
        const order = ["once", "session", "always", "deny"];
        const given = choices && choices.length > 0 ? choices : order;
        return order.filter(c => given.indexOf(c) >= 0 && (c !== "always" || allowPermanent));
    }
    readonly property bool armed: _armed
    readonly property real remainingSeconds: {
        if (requestTimestamp <= 0)
            return timeoutSeconds;
        const left = timeoutSeconds - (_now - requestTimestamp);
        return Math.max(0, Math.min(timeoutSeconds, left));
    }
    readonly property bool timedOut: active && requestTimestamp > 0 && remainingSeconds <= 0
    // The pattern, unless it only repeats the description (the agent often sends the same words for both).
    readonly property string patternText: {
        const keys = patternKeys && patternKeys.length > 0 ? Array.from(patternKeys) : (patternKey ? [patternKey] : []);
        const said = description.trim().toLowerCase();
        return keys.filter(k => k.trim().length > 0 && k.trim().toLowerCase() !== said).join(", ");
    }
    // How the answers are laid out: "oneLine", "twoLines" (Deny | Allow once, then the wider grants) or
    // "stacked" (one per line), whichever the card's width allows.
    readonly property string choiceLayout: choiceGrid.layoutMode
    property alias applyToAll: allCheck.checked

    property real _now: Date.now() / 1000
    property bool _armed: false
    property bool _expiryReported: false

    signal responded(string choice, bool all)
    signal expired()

    function label(choice) {
        switch (choice) {
        case "once":
            return qsTr("Allow once");
        case "session":
            return qsTr("Allow for this run");
        case "always":
            return qsTr("Always allow");
        default:
            return qsTr("Deny");
        }
    }

    function shortcutFor(choice) {
        const alt = Qt.platform.os === "osx" ? "\u2325" : "Alt+";
        switch (choice) {
        case "once":
            return alt + "O";
        case "session":
            return alt + "R";
        case "always":
            return alt + "A";
        default:
            return alt + "D";
        }
    }

    function respond(choice) {
        if (!active || !_armed || timedOut || offeredChoices.indexOf(choice) < 0)
            return false;
        responded(choice, pendingCount > 1 && allCheck.checked);
        return true;
    }

    function rearm() {
        _now = Date.now() / 1000;
        _expiryReported = false;
        allCheck.checked = false;
        _armed = armDelayMs <= 0;
        if (!_armed)
            armTimer.restart();
        // The keyboard goes to the card itself, never back to a button clicked for an earlier request: Space or
        // Enter typed into the composer would press it.
        if (active)
            keySink.forceActiveFocus();
    }

    onActiveChanged: if (active) rearm()
    onRequestTimestampChanged: if (active) rearm()
    onCommandChanged: if (active) rearm()
    onTimedOutChanged: {
        if (timedOut && !_expiryReported) {
            _expiryReported = true;
            expired();
        }
    }
    Component.onCompleted: if (active) rearm()

    visible: active
    focus: active
    z: 100

    Keys.onPressed: (event) => {
        let choice = "";
        switch (event.key) {
        case Qt.Key_O:
            choice = "once";
            break;
        case Qt.Key_R:
            choice = "session";
            break;
        case Qt.Key_A:
            choice = "always";
            break;
        case Qt.Key_D:
        case Qt.Key_Escape:
            choice = "deny";
            break;
        default:
            return;
        }
        const modifiers = event.modifiers & (Qt.ControlModifier | Qt.AltModifier | Qt.MetaModifier | Qt.ShiftModifier);
        if (event.key === Qt.Key_Escape ? modifiers !== 0 : modifiers !== Qt.AltModifier) {
            event.accepted = event.key !== Qt.Key_Escape; // typed letters stop here, never reach the answer
            return;
        }
        event.accepted = true;
        root.respond(choice);
    }

    Item {
        id: keySink
        focus: true
    }

    Timer {
        id: armTimer
        interval: Math.max(1, root.armDelayMs)
        onTriggered: root._armed = true
    }
    Timer {
        interval: 250
        repeat: true
        running: root.active
        triggeredOnStart: true
        onTriggered: root._now = Date.now() / 1000
    }

    // Dim the pane and swallow its clicks and wheel while the question is open.
    Rectangle {
        anchors.fill: parent
        color: Theme.scrim
        MouseArea {
            anchors.fill: parent
            acceptedButtons: Qt.AllButtons
            hoverEnabled: true
            onWheel: (wheel) => { wheel.accepted = true; }
        }
    }

    Rectangle {
        id: card
        anchors.centerIn: parent
        width: Math.min(parent.width - 2 * (parent.width < 600 ? Theme.spacingM : Theme.spacingXL), 620)
        height: cardColumn.implicitHeight + 2 * Theme.spacingL
        radius: Theme.radiusL
        color: Theme.surface
        border.width: 1
        border.color: Theme.border
        Accessible.role: Accessible.Dialog
        Accessible.name: qsTr("Approval needed")
        Accessible.description: root.description

        Rectangle {
            // A soft drop shadow.
            z: -1
            anchors.fill: parent
            anchors.topMargin: 6
            anchors.leftMargin: -2
            anchors.rightMargin: -2
            anchors.bottomMargin: -10
            radius: parent.radius + 4
            color: Theme.shadow
            opacity: 0.6
        }

        Column {
            id: cardColumn
            x: Theme.spacingL + 4
            y: Theme.spacingL
            width: parent.width - 2 * x
            spacing: Theme.spacingM

            Row {
                width: parent.width
                spacing: Theme.spacingM
                Rectangle {
                    width: 36
                    height: 36
                    radius: 18
                    color: Theme.warningSoft
                    Icon {
                        anchors.centerIn: parent
                        name: "shield"
                        size: 18
                        color: Theme.warning
                    }
                }
                Column {
                    width: parent.width - 36 - Theme.spacingM - pendingBadge.width - Theme.spacingM
                    anchors.verticalCenter: parent.verticalCenter
                    spacing: 2
                    Text {
                        text: qsTr("Approval needed")
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.fontSizeLarge
                        font.weight: Font.DemiBold
                        color: Theme.text
                    }
                    Text {
                        width: parent.width
                        text: qsTr("The agent wants to run this command.")
                        wrapMode: Text.Wrap
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.fontSizeSmall
                        color: Theme.textMuted
                    }
                }
                Rectangle {
                    id: pendingBadge
                    anchors.verticalCenter: parent.verticalCenter
                    visible: root.pendingCount > 1
                    width: visible ? pendingLabel.implicitWidth + 2 * Theme.spacingS : 0
                    height: 22
                    radius: 11
                    color: Theme.surfaceAlt
                    Text {
                        id: pendingLabel
                        anchors.centerIn: parent
                        text: qsTr("%n pending", "", root.pendingCount)
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.fontSizeCaption
                        font.weight: Font.DemiBold
                        color: Theme.textMuted
                    }
                }
            }

            Rectangle {
                width: parent.width
                height: Math.min(commandText.implicitHeight, 180)
                radius: Theme.radiusS
                color: Theme.codeBackground
                border.width: 1
                border.color: Theme.codeBorder
                clip: true
                Flickable {
                    anchors.fill: parent
                    contentHeight: commandText.implicitHeight
                    boundsBehavior: Flickable.StopAtBounds
                    interactive: contentHeight > height
                    ScrollBar.vertical: ScrollBar {}
                    TextEdit {
                        id: commandText
                        objectName: "approvalCommand"
                        width: parent.width
                        text: root.command
                        readOnly: true
                        selectByMouse: true
                        wrapMode: TextEdit.WrapAnywhere
                        textFormat: TextEdit.PlainText
                        padding: Theme.spacingM
                        font.family: Theme.monoFamily
                        font.pixelSize: Theme.fontSizeMono
                        color: Theme.codeText
                        selectionColor: Theme.selection
                        activeFocusOnTab: false
                        Accessible.role: Accessible.StaticText
                        Accessible.name: qsTr("Command: %1").arg(root.command)
                    }
                }
            }

            Text {
                width: parent.width
                visible: root.description.length > 0
                text: root.description
                wrapMode: Text.Wrap
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontSizeBody
                color: Theme.text
            }

            Row {
                objectName: "approvalPattern"
                visible: root.patternText.length > 0
                spacing: Theme.spacingS
                Text {
                    anchors.verticalCenter: parent.verticalCenter
                    text: qsTr("Pattern")
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.fontSizeSmall
                    color: Theme.textMuted
                }
                Rectangle {
                    anchors.verticalCenter: parent.verticalCenter
                    width: patternLabel.implicitWidth + 2 * Theme.spacingS
                    height: patternLabel.implicitHeight + 6
                    radius: 4
                    color: Theme.surfaceAlt
                    Text {
                        id: patternLabel
                        anchors.centerIn: parent
                        text: root.patternText
                        font.family: Theme.monoFamily
                        font.pixelSize: Theme.fontSizeSmall
                        color: Theme.text
                    }
                }
            }

            CheckBox {
                id: allCheck
                objectName: "applyToAll"
                visible: root.pendingCount > 1
                text: qsTr("Apply to all %n pending", "", root.pendingCount)
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontSizeBody
                padding: 0
                Accessible.name: text
                indicator: Rectangle {
                    x: allCheck.leftPadding
                    anchors.verticalCenter: parent.verticalCenter
                    width: 18
                    height: 18
                    radius: 4
                    color: allCheck.checked ? Theme.accent : Theme.surface
                    border.width: allCheck.visualFocus ? 2 : 1
                    border.color: allCheck.checked || allCheck.visualFocus ? Theme.accent : Theme.borderStrong
                    Icon {
                        anchors.centerIn: parent
                        visible: allCheck.checked
                        name: "check"
                        size: 13
                        color: Theme.accentText
                    }
                }
                contentItem: Text {
                    leftPadding: allCheck.indicator.width + Theme.spacingS
                    text: allCheck.text
                    font: allCheck.font
                    color: Theme.text
                    verticalAlignment: Text.AlignVCenter
                }
            }

            Column {
                width: parent.width
                spacing: Theme.spacingXS
                Row {
                    spacing: Theme.spacingXS + 2
                    Icon {
                        anchors.verticalCenter: parent.verticalCenter
                        name: "clock"
                        size: 13
                        color: countdownLabel.color
                    }
                    Text {
                        id: countdownLabel
                        objectName: "approvalCountdown"
                        anchors.verticalCenter: parent.verticalCenter
                        text: root.timedOut ? qsTr("Timed out: the agent denied this command")
                                            : qsTr("Auto-deny in %n s", "", Math.ceil(root.remainingSeconds))
                        font.family: Theme.fontFamily
                        font.pixelSize: Theme.fontSizeSmall
                        color: root.remainingSeconds <= 10 ? Theme.danger : Theme.textMuted
                    }
                }
                Rectangle {
                    width: parent.width
                    height: 3
                    radius: 1.5
                    color: Theme.surfaceAlt
                    Rectangle {
                        width: parent.width * (root.remainingSeconds / Math.max(1, root.timeoutSeconds))
                        height: parent.height
                        radius: 1.5
                        color: root.remainingSeconds <= 10 ? Theme.danger : Theme.warning
                        Behavior on width {
                            NumberAnimation { duration: 250 }
                        }
                    }
                }
            }

            // Deny and Allow once, the answers that give nothing away for good, come first and look alike in
            // weight; the wider grants follow, and "Always allow" last and quietest: it outlives this run.
            GridLayout {
                id: choiceGrid
                objectName: "approvalChoices"

                // Measured on hidden copies of the buttons, with and without their key caps, so the layout does
                // not depend on the buttons it lays out.
                readonly property var offered: [denyButton, onceButton, sessionButton, alwaysButton].map(b => b.visible)
                readonly property var keyedButtons: [denyKeyed, onceKeyed, sessionKeyed, alwaysKeyed].filter((b, i) => offered[i])
                readonly property var plainButtons: [denyPlain, oncePlain, sessionPlain, alwaysPlain].filter((b, i) => offered[i])
                function lineWidth(list) {
                    let total = Theme.spacingL; // at least this gap between Deny and the grants
                    for (const b of list)
                        total += b.implicitWidth + columnSpacing;
                    return total - columnSpacing;
                }
                function widest(list) {
                    return Math.max(0, ...list.map(b => b.implicitWidth));
                }
                // Key caps go first when space is short (the keys still work and are in each button's name).
                readonly property string layoutMode: lineWidth(keyedButtons) <= width ? "oneLine"
                                                     : 2 * widest(keyedButtons) + columnSpacing <= width ? "twoLines"
                                                     : 2 * widest(plainButtons) + columnSpacing <= width ? "twoLinesCompact"
                                                     : "stacked"
                readonly property bool showKeys: layoutMode === "oneLine" || layoutMode === "twoLines"
                // On two lines or more the buttons share the width evenly (-1: their own width on one line).
                readonly property real equalWidth: layoutMode === "oneLine" ? -1 : width

                width: parent.width
                columns: layoutMode === "oneLine" ? 5 : layoutMode === "stacked" ? 1 : 2
                columnSpacing: Theme.spacingS
                rowSpacing: Theme.spacingS

                ThemedButton { id: denyKeyed; visible: false; text: root.label("deny"); shortcutHint: root.shortcutFor("deny") }
                ThemedButton { id: onceKeyed; visible: false; variant: "primary"; text: root.label("once"); shortcutHint: root.shortcutFor("once") }
                ThemedButton { id: sessionKeyed; visible: false; text: root.label("session"); shortcutHint: root.shortcutFor("session") }
                ThemedButton { id: alwaysKeyed; visible: false; text: root.label("always"); shortcutHint: root.shortcutFor("always") }
                ThemedButton { id: denyPlain; visible: false; text: root.label("deny") }
                ThemedButton { id: oncePlain; visible: false; variant: "primary"; text: root.label("once") }
                ThemedButton { id: sessionPlain; visible: false; text: root.label("session") }
                ThemedButton { id: alwaysPlain; visible: false; text: root.label("always") }

                ThemedButton {
                    id: denyButton
                    objectName: "approvalChoice_deny"
                    visible: root.offeredChoices.indexOf("deny") >= 0
                    Layout.fillWidth: choiceGrid.layoutMode !== "oneLine"
                    Layout.preferredWidth: choiceGrid.equalWidth
                    text: root.label("deny")
                    shortcutHint: choiceGrid.showKeys ? root.shortcutFor("deny") : ""
                    variant: "secondary"
                    enabled: root.armed && !root.timedOut
                    Accessible.name: text + " (" + root.shortcutFor("deny") + ")"
                    onClicked: root.respond("deny")
                }
                Item {
                    visible: choiceGrid.layoutMode === "oneLine"
                    Layout.fillWidth: true
                    implicitHeight: 1
                }
                ThemedButton {
                    id: onceButton
                    objectName: "approvalChoice_once"
                    visible: root.offeredChoices.indexOf("once") >= 0
                    Layout.fillWidth: choiceGrid.layoutMode !== "oneLine"
                    Layout.preferredWidth: choiceGrid.equalWidth
                    text: root.label("once")
                    shortcutHint: choiceGrid.showKeys ? root.shortcutFor("once") : ""
                    variant: "primary"
                    enabled: root.armed && !root.timedOut
                    Accessible.name: text + " (" + root.shortcutFor("once") + ")"
                    onClicked: root.respond("once")
                }
                ThemedButton {
                    id: sessionButton
                    objectName: "approvalChoice_session"
                    visible: root.offeredChoices.indexOf("session") >= 0
                    Layout.fillWidth: choiceGrid.layoutMode !== "oneLine"
                    Layout.preferredWidth: choiceGrid.equalWidth
                    text: root.label("session")
                    shortcutHint: choiceGrid.showKeys ? root.shortcutFor("session") : ""
                    variant: "secondary"
                    enabled: root.armed && !root.timedOut
                    Accessible.name: text + " (" + root.shortcutFor("session") + ")"
                    onClicked: root.respond("session")
                }
                ThemedButton {
                    id: alwaysButton
                    objectName: "approvalChoice_always"
                    visible: root.offeredChoices.indexOf("always") >= 0
                    Layout.fillWidth: choiceGrid.layoutMode !== "oneLine"
                    Layout.preferredWidth: choiceGrid.equalWidth
                    text: root.label("always")
                    shortcutHint: choiceGrid.showKeys ? root.shortcutFor("always") : ""
                    variant: "ghost"
                    enabled: root.armed && !root.timedOut
                    Accessible.name: text + " (" + root.shortcutFor("always") + ")"
                    onClicked: root.respond("always")
                }
            }
        }
    }
}
