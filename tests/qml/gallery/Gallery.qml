import QtQuick
import QtQuick.Controls.Basic
import Caduceus

ApplicationWindow {
    id: window

    property bool darkMode: false
    property string page: "chat"
    property real fontScale: 1.0

    width: 1400
    height: 900
    visible: true
    title: "Caduceus gallery"
    color: Theme.window


    readonly property real now: Date.now() / 1000

    readonly property string longAnswer: "I checked the build and found **two problems**. Here is the plan:\n\n"
        + "1. Fix the missing include in `src/core/net/HttpServer.cpp`.\n"
        + "2. Re-run the tests:\n\n   ```bash\n   cmake --build build -j2 && ctest --output-on-failure\n   ```\n\n"
        + "3. Report back with the results.\n\n"
        + "> Note: the relay binds `127.0.0.1` by default, so nothing is exposed.\n\n"
        + "| Test | Result | Time |\n|---|---|---|\n| tst_sse_reader | passed | 0.12 s |\n| tst_store | **failed** | 1.40 s |\n\n"
        + "```python\nimport json\n\ndef load(path: str) -> dict:\n    \"\"\"Read a config file.\"\"\"\n"
        + "    with open(path) as f:  # utf-8 by default\n        return json.load(f)\n\nprint(load(\"config.json\")[\"port\"] + 42)\n```\n\n"
        + "---\n\nLet me know if you want me to push the fix. See [the docs](https://example.com) for details."

    ListModel {
        id: messages
    }

    function addMessage(m) {
        messages.append(Object.assign({
            role: "assistant", content: "", reasoning: "", reasoningSeconds: -1, toolName: "", toolPreview: "",
            toolStatus: "done", toolDuration: -1, toolArgs: "", toolResult: "", status: "complete",
            timestamp: now - 300, attachments: "[]"
        }, m));
    }

    Component.onDestruction: streamTimer.stop()

    Timer {
        id: streamTimer
        property int position: 0
        readonly property string script: "Sure — here is a quick summary of the **session log**:\n\n"
            + "- 3 runs completed\n- 1 run stopped by you\n\n```json\n{\"runs\": 4, \"failed\": 0}\n```\n\nAnything else?"
        interval: 60
        repeat: true
        running: window.page === "chat" || window.page === "end"
        onTriggered: {
            const last = messages.count - 1;
            position = Math.min(script.length, position + 3);
            messages.setProperty(last, "content", script.slice(0, position));
            if (position >= script.length) {
                messages.setProperty(last, "status", "complete");
                stop();
            }
        }
    }

    Component.onCompleted: {
        Theme.mode = darkMode ? "dark" : "light";
        Theme.fontScale = fontScale;
        addMessage({ role: "notice", content: "Session started · profile default", timestamp: now - 900 });
        addMessage({ role: "user", content: "Can you check why the build fails? Logs and a screenshot attached.",
                     attachments: JSON.stringify([{ type: "image", name: "screenshot.png", path: "/tmp/caduceus-gallery/screenshot.png" },
                                                   { type: "file", name: "build.log", path: "/tmp/caduceus-gallery/build.log" }]),
                     timestamp: now - 640 });
        addMessage({ role: "assistant", reasoning: "The user wants the build checked. I should run cmake first, then read the failing test output.",
                     reasoningSeconds: 7.6, content: "Let me look at the build first.", timestamp: now - 630 });
        addMessage({ role: "tool", toolName: "terminal", toolPreview: "cmake --build build -j2 2>&1 | tail -40", toolStatus: "done",
                     toolDuration: 18.4, toolArgs: "{\"command\":\"cmake --build build -j2 2>&1 | tail -40\",\"timeout\":600}",
                     toolResult: "[41/58] Building CXX object src/core/net/CMakeFiles/caduceus_net.dir/HttpServer.cpp.o\nFAILED: HttpServer.cpp.o\nerror: 'QTcpServer' was not declared in this scope" });
        addMessage({ role: "tool", toolName: "read_file", toolPreview: "src/core/net/HttpServer.cpp", toolStatus: "error", toolDuration: 0.2,
                     toolResult: "Permission denied" });
        addMessage({ role: "assistant", content: longAnswer, timestamp: now - 600 });
        addMessage({ role: "notice", content: "Approval: allowed once", noticeIcon: "shield" });
        addMessage({ role: "error", content: "The agent at 127.0.0.1:8642 stopped answering (connection refused). Check that hermes is running, then retry." });
        addMessage({ role: "user", content: "Thanks! Summarise the session log.", timestamp: now - 20 });
        addMessage({ role: "assistant", content: "", status: "streaming", timestamp: now - 5 });
    }

    ListModel {
        id: queue
        ListElement { queueId: "q1"; preview: "Then update the README with the new build steps"; position: 1 }
        ListElement { queueId: "q2"; preview: "And open a pull request"; position: 2 }
    }

    // ---- chat page -------------------------------------------------------------------------
    Item {
        id: chatPage
        anchors.fill: parent
        visible: window.page === "chat" || window.page === "approval" || window.page === "answer" || window.page === "end"

        Rectangle {
            id: header
            width: parent.width
            height: 52
            color: Theme.surface
            Rectangle {
                anchors.bottom: parent.bottom
                width: parent.width
                height: 1
                color: Theme.border
            }
            Row {
                x: Theme.spacingL
                anchors.verticalCenter: parent.verticalCenter
                spacing: Theme.spacingS
                StatusDot {
                    anchors.verticalCenter: parent.verticalCenter
                    status: "connected"
                    reason: "hermes-agent 0.19.2 on 127.0.0.1:8642"
                }
                Text {
                    anchors.verticalCenter: parent.verticalCenter
                    text: "Fix the failing build"
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.fontSizeLarge
                    font.weight: Font.DemiBold
                    color: Theme.text
                }
            }
            Row {
                anchors.right: parent.right
                anchors.rightMargin: Theme.spacingL
                anchors.verticalCenter: parent.verticalCenter
                spacing: Theme.spacingM
                QueueBadge {
                    id: badge
                    anchors.verticalCenter: parent.verticalCenter
                    count: queue.count
                    checked: true
                }
                ContextMeter {
                    anchors.verticalCenter: parent.verticalCenter
                    used: 131200
                    limit: 200000
                }
            }
        }

        ListView {
            id: conversation
            anchors.top: header.bottom
            anchors.bottom: bottomArea.top
            width: parent.width
            clip: true
            model: messages
            spacing: Theme.spacingXS
            topMargin: Theme.spacingL
            bottomMargin: Theme.spacingL
            ScrollBar.vertical: ScrollBar {}
            Timer {
                interval: 300
                running: window.page === "answer"
                onTriggered: conversation.positionViewAtIndex(5, ListView.Beginning)
            }
            Timer {
                interval: 200
                repeat: true
                running: window.page === "end"
                onTriggered: conversation.positionViewAtEnd()
            }
            delegate: MessageDelegate {
                width: Math.min(conversation.width - 2 * Theme.spacingXL, Theme.contentMaxWidth)
                x: (conversation.width - width) / 2
                role: model.role
                content: model.content
                reasoning: model.reasoning
                reasoningSeconds: model.reasoningSeconds
                toolName: model.toolName
                toolPreview: model.toolPreview
                toolStatus: model.toolStatus
                toolDuration: model.toolDuration
                toolArgs: model.toolArgs
                toolResult: model.toolResult
                status: model.status
                timestamp: model.timestamp
                attachments: model.attachments
                noticeIcon: model.noticeIcon !== undefined ? model.noticeIcon : "info"
            }
        }

        Column {
            id: bottomArea
            anchors.bottom: parent.bottom
            anchors.bottomMargin: Theme.spacingL
            anchors.horizontalCenter: parent.horizontalCenter
            width: Math.min(parent.width - 2 * Theme.spacingXL, Theme.contentMaxWidth)
            spacing: Theme.spacingS

            CompressionBanner {
                width: parent.width
                visible: window.page !== "answer"
                compressed: true
                beforeTokens: 131200
                afterTokens: 18400
                totalMessages: 214
                resultMessages: 20
            }
            QueuePanel {
                width: parent.width
                visible: badge.checked && window.page !== "answer"
                model: queue
            }
            Composer {
                width: parent.width
                running: true
                steerSupported: true
                text: "Also check the Windows build"
                attachments: ["/tmp/caduceus-gallery/screenshot.png"]
            }
        }

        AbortProgress {
            anchors.horizontalCenter: parent.horizontalCenter
            anchors.bottom: bottomArea.top
            anchors.bottomMargin: Theme.spacingS
            active: window.page === "chat"
            graceMs: 600000
        }

        ApprovalDialog {
            anchors.top: header.bottom
            anchors.bottom: parent.bottom
            width: parent.width
            active: window.page === "approval"
            command: "rm -rf build/ && git clean -fdx -e .env"
            description: "Recursive delete of the build folder and of every untracked file in the repository."
            patternKey: "recursive_delete"
            pendingCount: 3
            requestTimestamp: window.now - 17
            armDelayMs: 0
        }
    }

    // ---- controls page ---------------------------------------------------------------------
    Flickable {
        anchors.fill: parent
        visible: window.page === "controls"
        contentHeight: controls.implicitHeight + 2 * Theme.spacingXL
        clip: true

        Grid {
            id: controls
            x: Theme.spacingXL
            y: Theme.spacingXL
            columns: 2
            columnSpacing: Theme.spacingXXL
            rowSpacing: Theme.spacingXL
            readonly property int cell: (window.width - 2 * Theme.spacingXL - Theme.spacingXXL) / 2

            Section {
                title: "Status"
                Row {
                    spacing: Theme.spacingL
                    StatusDot { status: "connected"; showLabel: true }
                    StatusDot { status: "connecting"; showLabel: true }
                    StatusDot { status: "unreachable"; showLabel: true; reason: "connection refused" }
                }
                Row {
                    spacing: Theme.spacingL
                    ContextMeter { used: 42000; limit: 200000 }
                    ContextMeter { used: 128000; limit: 200000 }
                    ContextMeter { used: 176500; limit: 200000 }
                    QueueBadge { count: 3 }
                }
            }

            Section {
                title: "Abort"
                AbortProgress { active: true; graceMs: 600000 }
                AbortProgress { id: stoppedAbort; active: true; confirmed: true; lingerMs: 600000 }
            }

            Section {
                title: "Compression"
                CompressionBanner { width: controls.cell; running: true; messageCount: 214; tokenCount: 131200 }
                CompressionBanner { width: controls.cell; compressed: true; beforeTokens: 131200; afterTokens: 18400; totalMessages: 214; resultMessages: 20 }
                CompressionBanner { width: controls.cell; errorText: "the summary run failed (HTTP 503)" }
            }

            Section {
                title: "Tools"
                ToolCard { width: controls.cell; toolName: "web_search"; preview: "qt 6.4 qml_add_module static plugin"; status: "running" }
                ToolCard {
                    width: controls.cell
                    toolName: "terminal"
                    preview: "ls -la ~/.hermes"
                    status: "done"
                    duration: 0.42
                    expanded: true
                    args: "{\"command\":\"ls -la ~/.hermes\",\"timeout\":60}"
                    result: "total 24\ndrwxr-xr-x  5 me me 4096 May  2 10:11 .\n-rw-r--r--  1 me me  120 May  2 10:11 active_profile\ndrwxr-xr-x  3 me me 4096 May  2 10:11 profiles"
                }
                ToolCard { width: controls.cell; toolName: "write_file"; preview: "/etc/hosts"; status: "error"; duration: 0.05; result: "Permission denied" }
            }

            Section {
                title: "Rows"
                ErrorRow { width: controls.cell; title: "Run failed"; message: "The model provider answered 429 Too Many Requests. Retry in 20 s." }
                NoticeRow { width: controls.cell; text: "Stopped"; iconName: "stop" }
                NoticeRow { width: controls.cell; text: "Approval: allowed for this run"; iconName: "shield" }
            }

            Section {
                title: "Composer"
                Composer { width: controls.cell }
                Composer {
                    width: controls.cell
                    running: true
                    steerSupported: true
                    steerEnabled: true
                    text: "Use the staging database instead"
                }
            }
        }
    }

    // ---- icons page ------------------------------------------------------------------------
    Flow {
        x: Theme.spacingXL
        y: Theme.spacingXL
        width: parent.width - 2 * Theme.spacingXL
        visible: window.page === "icons"
        spacing: Theme.spacingL
        Repeater {
            model: ["send", "stop", "attach", "copy", "check", "close", "chevron-right", "chevron-down", "file", "image",
                    "tool", "thought", "alert", "info", "clock", "edit", "queue", "steer", "shield", "terminal",
                    "compress", "x-circle", "check-circle", "search", "settings", "plus", "trash", "more", "moon",
                    "sun", "sidebar", "refresh", "pin", "external-link"]
            Column {
                required property string modelData
                spacing: Theme.spacingXS
                width: 96
                Icon {
                    anchors.horizontalCenter: parent.horizontalCenter
                    name: parent.modelData
                    size: 24
                }
                Text {
                    anchors.horizontalCenter: parent.horizontalCenter
                    text: parent.modelData
                    font.pixelSize: Theme.fontSizeCaption
                    color: Theme.textMuted
                }
            }
        }
    }

    component Section: Column {
        property string title
        spacing: Theme.spacingM
        width: controls.cell
        Text {
            text: parent.title
            font.family: Theme.fontFamily
            font.pixelSize: Theme.fontSizeSmall
            font.weight: Font.DemiBold
            font.capitalization: Font.AllUppercase
            color: Theme.textFaint
        }
    }
}
