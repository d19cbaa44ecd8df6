import QtQuick
import Caduceus

// A small indeterminate activity indicator: a rotating three-quarter ring.
Item {
    id: spinner

    property color color: Theme.accent
    property int size: 14
    property real lineWidth: Math.max(1.5, size / 8)
    property bool running: visible

    implicitWidth: size
    implicitHeight: size
    Accessible.role: Accessible.Animation
    Accessible.name: qsTr("Working")

    Canvas {
        id: ring
        anchors.fill: parent
        antialiasing: true
        onPaint: {
            const ctx = getContext("2d");
            ctx.reset();
            ctx.lineWidth = spinner.lineWidth;
            ctx.lineCap = "round";
            ctx.strokeStyle = Qt.rgba(spinner.color.r, spinner.color.g, spinner.color.b, 0.2);
            const r = (Math.min(width, height) - spinner.lineWidth) / 2;
            ctx.beginPath();
            ctx.arc(width / 2, height / 2, r, 0, 2 * Math.PI);
            ctx.stroke();
            ctx.strokeStyle = spinner.color;
            ctx.beginPath();
            ctx.arc(width / 2, height / 2, r, -Math.PI / 2, Math.PI);
            ctx.stroke();
        }
        Connections {
            target: spinner
            function onColorChanged() { ring.requestPaint(); }
        }
        RotationAnimator on rotation {
            from: 0
            to: 360
            duration: 900
            loops: Animation.Infinite
            running: spinner.running
        }
    }
}
