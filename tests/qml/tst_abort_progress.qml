import QtQuick
import QtTest
import Caduceus

Item {
    width: 400
    height: 100

    AbortProgress {
        id: abort
        graceMs: 600
        lingerMs: 300
    }

    TestCase {
        name: "AbortProgress"
        when: windowShown

        function init() {
            abort.active = false;
            abort.confirmed = false;
            tryCompare(abort, "phase", "idle", 3000);
            tryCompare(abort, "visible", false, 3000);
        }

        function test_idleIsInvisible() {
            verify(!abort.visible);
        }

        function test_fillsOverTheGracePeriod() {
            abort.graceMs = 600;
            const started = Date.now();
            abort.active = true;
            compare(abort.phase, "stopping");
            verify(abort.visible);
            compare(findChild(abort, "abortLabel").text, "Stopping…");
            wait(250);
            verify(abort.progress > 0.1 && abort.progress < 0.9, "progress " + abort.progress);
            compare(abort.phase, "stopping");
            tryCompare(abort, "phase", "stopped", 2000);
            verify(Date.now() - started >= 550, "not before the grace period ends");
            compare(abort.progress, 1);
            compare(findChild(abort, "abortLabel").text, "Stopped");
            tryCompare(abort, "phase", "idle", 2000);
            tryCompare(abort, "visible", false, 2000);
        }

        function test_confirmationCompletesEarly() {
            abort.graceMs = 10000;
            abort.active = true;
            wait(100);
            verify(abort.progress < 0.1);
            const confirmedAt = Date.now();
            abort.confirmed = true;
            tryCompare(abort, "phase", "stopped", 1000);
            verify(Date.now() - confirmedAt < 900, "long before the 10 s grace");
            compare(abort.progress, 1);
        }

        function test_endingTheAbortCompletesIt() {
            abort.graceMs = 10000;
            abort.active = true;
            wait(50);
            abort.active = false;
            tryCompare(abort, "phase", "stopped", 1000);
        }

        function test_alreadyConfirmedWhenStarted() {
            abort.graceMs = 10000;
            abort.confirmed = true;
            abort.active = true;
            tryCompare(abort, "phase", "stopped", 1000);
        }
    }
}
