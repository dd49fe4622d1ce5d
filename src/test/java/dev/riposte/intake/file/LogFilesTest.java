package dev.riposte.intake.file;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LogFilesTest {
    @Test
    void rotatedNames_ofLogrotateAndLumberjack_butNotCompressedOrUnrelatedFiles() {
        assertTrue(LogFiles.rotatedName("jibril.out", "jibril.out.1"));
        assertTrue(LogFiles.rotatedName("jibril.out", "jibril.out-20261201"));
        assertTrue(LogFiles.rotatedName("tetragon.log", "tetragon-2026-11-17T09-41-12.000.log"));
        assertTrue(LogFiles.rotatedName("events.json", "events.json.1"));
        assertFalse(LogFiles.rotatedName("jibril.out", "jibril.out"), "itself");
        assertFalse(LogFiles.rotatedName("jibril.out", "jibril.out.2.gz"));
        assertFalse(LogFiles.rotatedName("tetragon.log", "tetragon-2026-11-17T09-41-12.000.log.gz"));
        assertFalse(LogFiles.rotatedName("jibril.out", "jibril.err"), "a sibling of another name");
        assertFalse(LogFiles.rotatedName("tetragon.log", "tetragon-operator.json"), "another extension");
        assertFalse(LogFiles.rotatedName("tetragon.log", "tetragon-.log"), "nothing between");
        assertTrue(LogFiles.rotatedName("events", "events.1"));
    }
}
