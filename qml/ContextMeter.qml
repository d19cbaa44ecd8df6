import QtQuick
import QtQuick.Controls.Basic
import Caduceus

// How full the model's context is: a ring and "used / limit" tokens. Turns amber at 60 %
// and red at 80 %, where compression is near.
Control {
    id: root

    property real used: 0
    property real limit: 200000
    property bool showLabel: true

    readonly property real ratio: limit > 0 ? Math.max(0, Math.min(1, used / limit)) : 0
    readonly property string level: ratio >= 0.8 ? "high" : ratio >= 0.6 ? "medium" : "low"
    readonly property color levelColor: level === "high" ? Theme.danger : level === "medium" ? Theme.warning : Theme.accent

    function compact(value) {
        if (value >= 1e6)
            return (value / 1e6).toFixed(value >= 1e7 ? 0 : 1) + "M";
        if (value >= 1e3)
            return (value / 1e3).toFixed(value >= 1e4 ? 0 : 1) + "k";
        return Math.round(value).toString();
    }

    hoverEnabled: true
    padding: Theme.spacingXS
    focusPolicy: Qt.TabFocus
    Accessible.role: Accessible.ProgressBar
    Accessible.name: qsTr("Context used: %1 of %2 tokens").arg(Math.round(used)).arg(Math.round(limit))

    contentItem: Row {
        spacing: Theme.spacingXS + 2
        Canvas {
            id: ring
            width: 16
            height: 16
            anchors.verticalCenter: parent.verticalCenter
            antialiasing: true
            onPaint: {
                const ctx = getContext("2d");
                ctx.reset();
                const r = 6;
                ctx.lineWidth = 2.5;
                ctx.strokeStyle = Theme.surfaceHover;
                ctx.beginPath();
                ctx.arc(8, 8, r, 0, 2 * Math.PI);
                ctx.stroke();
                if (root.ratio > 0) {
                    ctx.strokeStyle = root.levelColor;
                    ctx.lineCap = "round";
                    ctx.beginPath();
                    ctx.arc(8, 8, r, -Math.PI / 2, -Math.PI / 2 + 2 * Math.PI * Math.max(root.ratio, 0.02));
                    ctx.stroke();
                }
            }
            Connections {
                target: root
                function onRatioChanged() { ring.requestPaint(); }
                function onLevelColorChanged() { ring.requestPaint(); }
            }
            Connections {
                target: Theme
                function onDarkChanged() { ring.requestPaint(); }
            }
        }
        Text {
            objectName: "contextLabel"
            visible: root.showLabel
            anchors.verticalCenter: parent.verticalCenter
            text: qsTr("%1 / %2").arg(root.compact(root.used)).arg(root.compact(root.limit))
            font.family: Theme.fontFamily
            font.pixelSize: Theme.fontSizeSmall
            color: root.level === "low" ? Theme.textMuted : root.levelColor
        }
    }

    background: Rectangle {
        radius: Theme.radiusS
        color: root.hovered ? Theme.surfaceHover : "transparent"
        border.width: root.visualFocus ? 2 : 0
        border.color: Theme.accent
    }

    // Its own tooltip, below the meter and right-aligned to it: the meter sits in the header at the window's
    // top right, where the attached tooltip (centred, above) ran past the window's edge.
    ToolTip {
        id: tip
        objectName: "contextToolTip"
        parent: root
        visible: root.hovered || root.visualFocus
        delay: 400
        margins: Theme.spacingS
        x: root.width - width
        y: root.height + Theme.spacingXS
        text: qsTr("Context: %1 of %2 tokens (%3 %)").arg(Number(Math.round(root.used)).toLocaleString(Theme.locale, "f", 0))
                  .arg(Number(Math.round(root.limit)).toLocaleString(Theme.locale, "f", 0)).arg(Math.round(root.ratio * 100))
        contentItem: Text {
            text: tip.text
            font.family: Theme.fontFamily
            font.pixelSize: Theme.fontSizeSmall
            color: Theme.text
            wrapMode: Text.Wrap
        }
        background: Rectangle {
            radius: Theme.radiusS
            color: Theme.surfaceAlt
            border.color: Theme.border
        }
    }
}
