import QtQuick
import QtQuick.Controls
import QtTest
import Caduceus
import Caduceus.App

// A language switch reaches at once what the window shows outside qsTr() bindings: the session list's
// section names, the agent's name, and the format of times (the chosen language's, whatever it was at start).
TestCase {
    id: test
    name: "WindowLanguage"
    when: windowShown

    Component {
        id: windowComponent
        Main {
            width: 1100
            height: 760
        }
    }

    function initTestCase() {
        tryCompare(Backend, "demoAgent", true, 30000);
        if (Backend.sessions.rowCount() === 0) {
            Backend.newSession();
            compare(Backend.send("hello", [], false), "");
            tryVerify(() => Backend.sessions.rowCount() > 0, 10000);
        }
    }

    function cleanup() {
        Translations.setChoice("");
    }

    function sectionHeader(window) {
        const list = findChild(window, "sessionList");
        verify(list);
        for (let i = 0; i < list.contentItem.children.length; ++i) {
            const child = list.contentItem.children[i];
            if (child.objectName === "sectionHeader" && child.visible)
                return child;
        }
        return null;
    }

    function test_sectionNamesFollowTheLanguage() {
        Translations.setChoice("en");
        const window = createTemporaryObject(windowComponent, null);
        tryCompare(window, "visible", true);
        tryVerify(() => sectionHeader(window) !== null, 5000);
        compare(sectionHeader(window).text, "Recent");
        Translations.setChoice("zh_CN");
        tryCompare(sectionHeader(window), "text", "最近", 2000);
        Translations.setChoice("en");
        tryCompare(sectionHeader(window), "text", "Recent", 2000);
    }

    function test_agentNameFollowsTheLanguage() {
        Translations.setChoice("en");
        const window = createTemporaryObject(windowComponent, null);
        tryCompare(window, "visible", true);
        const label = findChild(window, "agentLabel");
        verify(label);
        compare(label.text, "Demo agent");
        Translations.setChoice("zh_CN");
        compare(Backend.agentLabel, "演示智能体");
        tryCompare(label, "text", "演示智能体", 2000);
    }

    function test_timesUseTheChosenLanguagesFormat() {
        Translations.setChoice("zh_CN");
        const window = createTemporaryObject(windowComponent, null);
        tryCompare(window, "visible", true);
        compare(Theme.locale.name, "zh_CN");
        const evening = new Date(2026, 0, 5, 23, 20);
        compare(Qt.formatTime(evening, Theme.locale.timeFormat(Locale.ShortFormat)), "23:20");
        // Switching while the window is open changes the format at once, not at the next start.
        Translations.setChoice("en");
        compare(Theme.locale.name, Translations.localeName);
        compare(Qt.locale(Translations.localeName).name.split("_")[0], "en");
        compare(Theme.locale.timeFormat(Locale.ShortFormat), Qt.locale(Translations.localeName).timeFormat(Locale.ShortFormat));
        Translations.setChoice("zh_CN");
        compare(Qt.formatTime(evening, Theme.locale.timeFormat(Locale.ShortFormat)), "23:20");
    }
}
