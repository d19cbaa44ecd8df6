pragma Singleton
import QtQuick
import Caduceus

// Colours, spacing, radii and type for every Caduceus component. Set `mode` to "light", "dark" or
// "system" (follows the platform palette) and `fontScale` for larger or smaller text.
QtObject {
    id: theme

    property string mode: "system"
    property real fontScale: 1.0
    // Formats times, dates and numbers: the locale of the interface's language, set by the window when the
    // language changes (Translations.localeName), so that the clock follows the language at once.
    property var locale: Qt.locale()

    readonly property SystemPalette systemPalette: SystemPalette {
        colorGroup: SystemPalette.Active
    }
    readonly property bool systemDark: systemPalette.window.hslLightness < 0.5
    readonly property bool dark: mode === "dark" || (mode === "system" && systemDark)

    // Surfaces
    readonly property color window: dark ? "#17181b" : "#f4f5f7"
    readonly property color surface: dark ? "#1f2125" : "#ffffff"
    readonly property color surfaceAlt: dark ? "#272a2f" : "#f0f2f5"
    readonly property color surfaceHover: dark ? "#2e3137" : "#e8ebef"
    readonly property color surfacePressed: dark ? "#363a41" : "#dde1e7"
    readonly property color border: dark ? "#33363c" : "#e0e3e8"
    readonly property color borderStrong: dark ? "#474b53" : "#c7ccd4"
    readonly property color scrim: dark ? "#a0000000" : "#59000000"
    readonly property color shadow: dark ? "#66000000" : "#26000000"

    // Text
    readonly property color text: dark ? "#e8eaed" : "#1b1e23"
    readonly property color textMuted: dark ? "#a2a8b0" : "#5b626c"
    readonly property color textFaint: dark ? "#737a83" : "#8b919a"
    readonly property color link: dark ? "#93b2ff" : "#2352d8"
    readonly property color selection: dark ? "#3c5290" : "#c8d7ff"

    // Accent
    readonly property color accent: dark ? "#7b9bff" : "#3461e6"
    readonly property color accentHover: dark ? "#92adff" : "#2a54d2"
    readonly property color accentPressed: dark ? "#6587f2" : "#2248b8"
    readonly property color accentText: dark ? "#0d1530" : "#ffffff"
    readonly property color accentSoft: dark ? "#253150" : "#e7edfd"
    readonly property color accentSoftBorder: dark ? "#34426a" : "#d2ddfb"

    // Messages
    readonly property color userBubble: accentSoft
    readonly property color userBubbleBorder: accentSoftBorder
    readonly property color userBubbleText: text

    // Code
    readonly property color codeBackground: dark ? "#131417" : "#f6f8fa"
    readonly property color codeHeader: dark ? "#1a1c20" : "#edf0f3"
    readonly property color codeBorder: dark ? "#2c2f35" : "#dde1e6"
    readonly property color codeText: dark ? "#e6edf3" : "#1f2328"
    readonly property color inlineCodeBackground: dark ? "#2d3038" : "#eef0f3"

    // States
    readonly property color success: dark ? "#46c35b" : "#1a7f37"
    readonly property color successSoft: dark ? "#17301e" : "#e6f4ea"
    readonly property color warning: dark ? "#dea73a" : "#9a6700"
    readonly property color warningSoft: dark ? "#352b12" : "#fff5d6"
    readonly property color warningBorder: dark ? "#5e4a1a" : "#f0d88c"
    readonly property color danger: dark ? "#ff6b63" : "#cf222e"
    readonly property color dangerHover: dark ? "#ff857e" : "#b91c27"
    readonly property color dangerSoft: dark ? "#3a1d1f" : "#fdeced"
    readonly property color dangerBorder: dark ? "#6b2c2f" : "#f2c0c3"
    readonly property color dangerText: dark ? "#ffb3ae" : "#a4161f"

    // Spacing and shape
    readonly property int spacingXXS: 2
    readonly property int spacingXS: 4
    readonly property int spacingS: 8
    readonly property int spacingM: 12
    readonly property int spacingL: 16
    readonly property int spacingXL: 24
    readonly property int spacingXXL: 32
    readonly property int radiusS: 6
    readonly property int radiusM: 10
    readonly property int radiusL: 16
    readonly property int contentMaxWidth: 820
    readonly property int controlHeight: Math.round(32 * Math.max(1, fontScale))
    readonly property int iconSize: 16

    // Type (pixel sizes)
    readonly property string fontFamily: SystemFonts.generalFamily
    readonly property string monoFamily: SystemFonts.fixedFamily
    readonly property int fontSizeCaption: Math.round(11 * fontScale)
    readonly property int fontSizeSmall: Math.round(12 * fontScale)
    readonly property int fontSizeBody: Math.round(14 * fontScale)
    readonly property int fontSizeMono: Math.round(13 * fontScale)
    readonly property int fontSizeLarge: Math.round(16 * fontScale)
    readonly property int fontSizeTitle: Math.round(18 * fontScale)

    // Motion
    readonly property int durationFast: 120
    readonly property int durationNormal: 200
    readonly property int durationSlow: 350
}
