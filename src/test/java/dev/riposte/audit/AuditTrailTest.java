package dev.riposte.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.riposte.base.HelperCall;
import dev.riposte.daemon.Components;
import dev.riposte.dispatch.Outcome;
import dev.riposte.dispatch.RunRecord;
import dev.riposte.dispatch.RunResult;
import dev.riposte.effect.state.StateStore;
import dev.riposte.match.Reaction;
import dev.riposte.sandbox.Sandbox;
import dev.riposte.testing.Samples;
import dev.riposte.testing.TestSandboxes;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Records stored through the writer thread, read back by query, and pruned by age and count. */
class AuditTrailTest {
    static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");

    @TempDir
    Path dir;

    private static RunRecord record(Reaction reaction, Instant time, String uuidPrefix) {
        return new RunRecord(
                time,
                reaction,
                Samples.event(uuidPrefix),
                new RunResult(
                        new Outcome.Failed("TypeError: x", 3),
                        List.of(new HelperCall("NetBlockIp", "\"127.0.0.1\"", "-1", "NetBlockIp: refused")),
                        1_234_000));
    }

    @Test
    void recordsAreStoredWhole_thenPrunedByAgeAndCount() throws Exception {
        Reaction reaction;
        try (Sandbox sandbox = TestSandboxes.withoutEffects()) {
            reaction = TestSandboxes.load(sandbox, dir, "r", "// @on *\nfunction process(data) {}");
        }
        try (StateStore store = StateStore.open(dir.resolve("state.db"), Components.SCHEMA)) {
            try (AuditTrail trail = new AuditTrail(store, Duration.ofDays(1), 3, Clock.fixed(NOW, ZoneOffset.UTC))) {
                trail.onRun(record(reaction, NOW.minus(Duration.ofDays(2)), "01"));
                for (String sample : List.of("02", "03", "04", "05")) {
                    trail.onRun(record(reaction, NOW.minusSeconds(60), sample));
                }
                trail.flush();
            }
            List<AuditRecord> left = store.transaction(new AuditQuery(null, null, null, 100)::run);
            assertEquals(
                    List.of(
                            Samples.event("03").uuid(),
                            Samples.event("04").uuid(),
                            Samples.event("05").uuid()),
                    left.stream().map(AuditRecord::eventUuid).toList(),
                    "the expired one and the oldest beyond 3 are gone");
            AuditRecord r = left.getFirst();
            assertEquals(
                    new AuditRecord(
                            NOW.minusSeconds(60),
                            Samples.event("03").uuid(),
                            "reading_of_ssh_keys",
                            Samples.event("03").kind(),
                            "r",
                            reaction.hash(),
                            "error",
                            "TypeError: x (line 3)",
                            1234,
                            List.of(new HelperCall("NetBlockIp", "\"127.0.0.1\"", "-1", "NetBlockIp: refused"))),
                    r);
            assertEquals(
                    1,
                    store.transaction(new AuditQuery("r", Samples.event("04").uuid(), NOW.minusSeconds(61), 100)::run)
                            .size());
            assertEquals(
                    0,
                    store.transaction(new AuditQuery("other", null, null, 100)::run)
                            .size());
        }
    }
}
