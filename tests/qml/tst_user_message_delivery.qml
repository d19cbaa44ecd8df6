import QtQuick
import QtTest
import Caduceus

// Under a user message the window says how its attachments reached the agent (chat::AgentInput's
// "delivery" on each block): pictures and inline text for an agent elsewhere, paths for one on this computer.
Item {
    width: 900
    height: 600

    UserMessage {
        id: message
        width: 900
        content: "look at these"
    }

    TestCase {
        name: "UserMessageDelivery"
        when: windowShown

        function test_remoteAttachmentsAreNamed() {
            message.attachments = [
                { type: "image", name: "a.png", path: "/tmp/a.png", delivery: "image" },
                { type: "image", name: "b.png", path: "/tmp/b.png", delivery: "image" },
                { type: "file", name: "notes.txt", path: "/tmp/notes.txt", delivery: "text" }
            ];
            const note = findChild(message, "attachmentDelivery");
            verify(note.visible);
            compare(note.text, "2 images sent as pictures · 1 file sent inline as text");
        }

        function test_localAgentGetsPaths() {
            message.attachments = [{ type: "file", name: "x.bin", path: "/tmp/x.bin", delivery: "path" }];
            const note = findChild(message, "attachmentDelivery");
            verify(note.visible);
            compare(note.text, "1 attachment sent as its path (the agent runs on this computer)");
        }

        function test_noNoteWithoutDelivery() {
            // Messages written before this existed carry no delivery: nothing is claimed.
            message.attachments = [{ type: "file", name: "old.txt", path: "/tmp/old.txt" }];
            verify(!findChild(message, "attachmentDelivery").visible);
            message.attachments = [];
            verify(!findChild(message, "attachmentDelivery").visible);
        }
    }
}
