import QtQuick
import QtQuick.Controls
import QtTest
import Caduceus
import Caduceus.App

// The chat list and what hangs off it: collapsible and narrower on a small window, rename from wherever the
// keyboard is, dialogs whose content stays inside them, and a Settings that can be found.
TestCase {
    id: test
    name: "WindowSidebar"
    when: windowShown

    Component {
        id: windowComponent
        Main {}
    }

    function makeWindow(width, height) {
        const window = createTemporaryObject(windowComponent, null);
        verify(window);
        // After creation: the window restores its saved size when it completes.
        window.width = width;
        window.height = height;
        tryCompare(window, "visible", true);
        window.requestActivate();
        tryCompare(window, "active", true);
        waitForRendering(window.contentItem);
        return window;
    }

    function firstRow(window) {
        const list = findChild(window, "sessionList");
        tryVerify(() => list.count > 0 && list.itemAtIndex(0) !== null, 5000);
        return list.itemAtIndex(0);
    }

    function initTestCase() {
        Translations.setChoice("en");
        tryCompare(Backend, "demoAgent", true, 30000);
        if (Backend.sessions.rowCount() === 0) {
            Backend.newSession();
            compare(Backend.send("hello", [], false), "");
            tryVerify(() => Backend.sessions.rowCount() > 0, 10000);
        }
    }

    function cleanupTestCase() {
        Translations.setChoice("");
    }

    function test_sidebarIsNarrowerOnASmallWindow() {
        let window = makeWindow(800, 600);
        const sidebar = findChild(window, "sidebar");
        verify(sidebar.width <= 800 * 0.27, "at 800 px the list takes " + sidebar.width + " px");
        verify(sidebar.width >= 200);
        // Its rows fit it: nothing runs past its edge under the chat.
        const list = findChild(window, "sessionList");
        verify(list.width <= sidebar.width, "the list is " + list.width + " px in a " + sidebar.width + " px sidebar");
        window.width = 1440;
        tryCompare(sidebar, "width", 280);
    }

    function test_sidebarCollapsesAndRemembersIt() {
        let window = makeWindow(800, 600);
        let sidebar = findChild(window, "sidebar");
        const chat = findChild(window, "chatPane");
        const expandedChatWidth = chat.width;
        keySequence("Ctrl+B");
        tryVerify(() => sidebar.width <= 60, 2000, "Ctrl+B collapses the list to a rail");
        verify(chat.width > expandedChatWidth + 140, "the chat gets the room");
        verify(findChild(window, "expandSidebarButton").visible);
        // Remembered across restarts.
        window.close();
        window.destroy();
        wait(0);
        window = makeWindow(800, 600);
        sidebar = findChild(window, "sidebar");
        verify(sidebar.collapsed, "still collapsed after a restart");
        verify(sidebar.width <= 60);
        mouseClick(findChild(window, "expandSidebarButton"));
        tryVerify(() => sidebar.width >= 200, 2000, "the rail's button brings the list back");
        const collapse = findChild(window, "collapseSidebarButton");
        verify(collapse.visible);
        mouseClick(collapse);
        tryVerify(() => sidebar.width <= 60, 2000, "and the list's own button hides it");
        keySequence("Ctrl+B");
        tryVerify(() => !sidebar.collapsed && sidebar.width >= 200, 2000);
    }

    function test_f2AfterClickingAChatRenamesIt() {
        const window = makeWindow(1100, 760);
        const row = firstRow(window);
        mouseClick(row);
        compare(Backend.currentSessionId, row.sessionId);
        const dialog = findChild(window, "renameDialog");
        verify(!dialog.opened);
        keyClick(Qt.Key_F2);
        tryCompare(dialog, "opened", true);
        compare(findChild(dialog, "renameField").text, row.title);
        keyClick(Qt.Key_Escape);
        tryCompare(dialog, "visible", false);
    }

    function test_doubleClickOnATitleRenamesIt() {
        const window = makeWindow(1100, 760);
        const row = firstRow(window);
        const dialog = findChild(window, "renameDialog");
        mouseDoubleClickSequence(row);
        tryCompare(dialog, "opened", true);
        compare(findChild(dialog, "renameField").text, row.title);
        dialog.reject();
        tryCompare(dialog, "visible", false);
    }

    function test_chatHeaderRenames() {
        const window = makeWindow(1100, 760);
        const row = firstRow(window);
        mouseClick(row);
        const dialog = findChild(window, "renameDialog");
        const button = findChild(window, "renameChatButton");
        verify(button && button.visible);
        mouseClick(button);
        tryCompare(dialog, "opened", true);
        compare(findChild(dialog, "renameField").text, Backend.currentTitle);
        dialog.reject();
        tryCompare(dialog, "visible", false);
        mouseDoubleClickSequence(findChild(window, "chatTitle"));
        tryCompare(dialog, "opened", true);
        dialog.reject();
        tryCompare(dialog, "visible", false);
    }

    function test_dialogContentStaysInside_data() {
        return [{ tag: "800x600", width: 800, height: 600 }, { tag: "1440x900", width: 1440, height: 900 }];
    }

    function test_dialogContentStaysInside(data) {
        const window = makeWindow(data.width, data.height);
        const row = firstRow(window);
        findChild(window, "sidebar").renameSession(row.sessionId, row.title);
        const rename = findChild(window, "renameDialog");
        tryCompare(rename, "opened", true);
        const field = findChild(rename, "renameField");
        const right = field.mapToItem(rename.contentItem, field.width, 0).x;
        verify(field.width > 200, "the field is wide enough to edit a title");
        verify(right <= rename.availableWidth + 0.5,
               "the field ends at " + right + ", inside the dialog's " + rename.availableWidth + " px");
        rename.reject();
        tryCompare(rename, "visible", false);

        const remove = findChild(window, "deleteDialog");
        remove.openFor(row.sessionId, "A conversation with a title long enough to need two lines at least");
        tryCompare(remove, "opened", true);
        const question = findChild(remove, "deleteQuestion");
        fuzzyCompare(question.width, remove.availableWidth, 1, "the question uses the dialog's whole width");
        verify(question.mapToItem(remove.contentItem, question.width, question.height).y <= remove.availableHeight + 0.5,
               "and all its lines are inside");
        remove.reject();
        tryCompare(remove, "visible", false);
    }

    function test_settingsCanBeFound() {
        const window = makeWindow(1100, 760);
        const settings = findChild(window, "settingsDialog");
        const button = findChild(window, "settingsButton");
        compare(button.iconName, "settings", "a gear, not a shield");
        compare(button.text, "Settings", "a labelled entry");
        compare(button.Accessible.name, "Settings");
        compare(button.ToolTip.text, "Settings (Ctrl+,)");
        mouseClick(button);
        tryCompare(settings, "opened", true);
        settings.close();
        tryCompare(settings, "visible", false);

        keySequence("Ctrl+,");
        tryCompare(settings, "opened", true, 2000, "Ctrl+, opens Settings");
        settings.close();
        tryCompare(settings, "visible", false);

        // The agent in the footer is a button to the agent's settings.
        const agent = findChild(window, "agentButton");
        verify(agent && agent.visible);
        mouseClick(agent);
        tryCompare(settings, "opened", true);
        const url = findChild(settings, "agentUrl");
        tryCompare(url, "activeFocus", true);
        settings.close();
        tryCompare(settings, "visible", false);
    }

    function test_contextMeterToolTipStaysInTheWindow_data() {
        return [{ tag: "800x600", width: 800, height: 600 }, { tag: "1440x900", width: 1440, height: 900 }];
    }

    function test_contextMeterToolTipStaysInTheWindow(data) {
        const window = makeWindow(data.width, data.height);
        mouseClick(firstRow(window));
        const meter = findChild(window, "contextMeter");
        verify(meter && meter.visible);
        mouseMove(meter, meter.width / 2, meter.height / 2);
        const tip = findChild(meter, "contextToolTip");
        verify(tip, "the meter has its own tooltip");
        tryCompare(tip, "opened", true, 3000);
        const topLeft = tip.contentItem.mapToItem(window.contentItem, 0, 0);
        const meterBottom = meter.mapToItem(window.contentItem, 0, meter.height).y;
        verify(topLeft.x - tip.leftPadding >= 0 && topLeft.x - tip.leftPadding + tip.width <= window.width,
               "x " + topLeft.x + ", width " + tip.width + " in a " + window.width + " px window");
        verify(topLeft.y - tip.topPadding >= meterBottom, "below the meter, not over it or above the window's top");
        verify(topLeft.y - tip.topPadding + tip.height <= window.height);
        mouseMove(window.contentItem, 10, window.height - 10);
    }
}
