import QtQuick
import QtQuick.Controls
import QtTest
import Caduceus
import Caduceus.App

// Settings while it is open: a theme or language change reaches every control at once; the fields are named
// by labels, not placeholders alone; the switches' knobs sit inside their tracks.
TestCase {
    id: test
    name: "WindowSettings"
    when: windowShown

    Component {
        id: windowComponent
        Main {
            width: 1100
            height: 760
        }
    }

    function openSettings() {
        const window = createTemporaryObject(windowComponent, null);
        verify(window);
        tryCompare(window, "visible", true);
        waitForRendering(window.contentItem);
        const dialog = findChild(window, "settingsDialog");
        verify(dialog);
        dialog.open();
        tryCompare(dialog, "opened", true);
        return dialog;
    }

    function choose(box, index) {
        // What a click in the drop-down does: the box moves to the entry, then reports it.
        box.currentIndex = index;
        box.activated(index);
    }

    function init() {
        Translations.setChoice("en");
        Theme.mode = "light";
    }

    function cleanup() {
        Translations.setChoice("");
        Theme.mode = "system";
    }

    function test_themeChangeReachesEveryControlWhileOpen_data() {
        return [
            { tag: "light to dark", from: 1, to: 2 },
            { tag: "dark to light", from: 2, to: 1 },
        ];
    }

    function test_themeChangeReachesEveryControlWhileOpen(data) {
        const dialog = openSettings();
        const themeBox = findChild(dialog, "themeBox");
        choose(themeBox, data.from);
        choose(themeBox, data.to);
        compare(Theme.mode, data.to === 2 ? "dark" : "light");
        compare(themeBox.currentIndex, data.to);

        compare(findChild(dialog, "agentUrl").background.color, Theme.surface, "URL field");
        compare(findChild(dialog, "agentUrl").color, Theme.text, "URL text");
        compare(findChild(dialog, "systemPrompt").background.color, Theme.surface, "system prompt");
        compare(findChild(dialog, "textSizeSlider").background.color, Theme.borderStrong, "slider track");
        for (const name of ["notificationsSwitch", "relaySwitch"])
            compare(findChild(dialog, name).contentItem.color, Theme.text, name + " label");
        compare(findChild(dialog, "relayPort").background.color, Theme.surface, "port box");
        compare(findChild(dialog, "relayPort").contentItem.color, Theme.text, "port number");
    }

    function test_themeBoxShowsTheThemeInEffectAfterALanguageSwitch() {
        const dialog = openSettings();
        const themeBox = findChild(dialog, "themeBox");
        choose(themeBox, 2);
        compare(Theme.mode, "dark");
        Translations.setChoice("zh_CN");
        compare(themeBox.currentIndex, 2, "the box still says Dark");
        compare(themeBox.displayText, "深色");
        const languageBox = findChild(dialog, "languageBox");
        compare(languageBox.displayText, "简体中文");
        Translations.setChoice("en");
        compare(themeBox.displayText, "Dark");
        compare(languageBox.displayText, "English");
    }

    function test_fieldsHaveVisibleLabels() {
        const dialog = openSettings();
        const labels = { agentUrlLabel: "Agent URL", agentKeyLabel: "API key", defaultModelLabel: "Default model" };
        for (const name in labels) {
            const label = findChild(dialog, name);
            verify(label, name);
            compare(label.text, labels[name]);
            verify(label.visible && label.width > 0 && label.height > 0, name + " is shown");
        }
        Translations.setChoice("zh_CN");
        compare(findChild(dialog, "agentUrlLabel").text, "智能体地址");
    }

    function test_switchKnobsFitTheirTracks() {
        const dialog = openSettings();
        for (const name of ["notificationsSwitch", "relaySwitch"]) {
            const toggle = findChild(dialog, name);
            const track = toggle.indicator;
            const knob = findChild(toggle, "switchKnob");
            verify(knob, name + " has a knob");
            verify(knob.height < track.height, name + ": knob " + knob.height + " px, track " + track.height + " px");
            verify(knob.x >= 0 && knob.x + knob.width <= track.width, name + ": the knob stays inside the track");
        }
    }
}
