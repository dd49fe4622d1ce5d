package dev.riposte.helpers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.riposte.dispatch.Outcome;
import dev.riposte.dispatch.RunResult;
import dev.riposte.effect.Effects;
import dev.riposte.match.Reaction;
import dev.riposte.sandbox.Sandbox;
import dev.riposte.testing.Samples;
import dev.riposte.testing.TestSandboxes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** A run's log lines, log characters and recorded helper calls are capped; what is cut is counted and said once. */
class RunLimitsTest {
    @TempDir
    Path tmp;

    Sandbox sandbox;
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    Logger reactionLog = (Logger) LoggerFactory.getLogger("riposte.reaction");

    @BeforeEach
    void start() {
        sandbox = Sandbox.withEffects(
                Effects.refusing("off in this test"),
                Duration.ofSeconds(1),
                TestSandboxes.MAX_ALLOC,
                new RunLimits(3, 20, 2, 5));
        logs.start();
        reactionLog.addAppender(logs);
    }

    @AfterEach
    void stop() {
        reactionLog.detachAppender(logs);
        sandbox.close();
    }

    private RunResult run(String body) throws Exception {
        Reaction r = TestSandboxes.load(
                sandbox, tmp, "chatty", "// @on *\n// @timeout 30s\nfunction process(d) { " + body + " }");
        RunResult result = sandbox.run(r, Samples.event("01"));
        assertEquals(new Outcome.Ok(), result.outcome(), result.toString());
        return result;
    }

    private List<String> messages() {
        return logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void logLinesBeyondTheLimit_areDropped_andCountedInOneLine() throws Exception {
        run("for (let i = 0; i < 1000; i++) Info('line ' + i);");
        assertEquals(
                List.of(
                        "line 0",
                        "line 1",
                        "line 2",
                        "997 more log lines (7872 characters) of this run were not logged: a run logs at most 3 lines and 20 "
                                + "characters (reactions.max_log_lines, reactions.max_log_bytes)"),
                messages());
        assertEquals("chatty", logs.list.get(3).getKeyValuePairs().get(0).value);
    }

    @Test
    void logCharactersBeyondTheLimit_areDropped_evenWithinTheLineLimit() throws Exception {
        run("Warn('x'.repeat(15)); Warn('y'.repeat(15)); Warn('z');");
        assertEquals(
                List.of(
                        "x".repeat(15),
                        "z",
                        "1 more log lines (15 characters) of this run were not logged: a run logs "
                                + "at most 3 lines and 20 characters (reactions.max_log_lines, reactions.max_log_bytes)"),
                messages());
    }

    @Test
    void aQuietRun_saysNothingMore() throws Exception {
        run("Info('one');");
        assertEquals(List.of("one"), messages());
    }

    @Test
    void helperCallsBeyondTheRecordedOnes_areCounted() throws Exception {
        RunResult r = run("for (let i = 0; i < 2000; i++) DataSize();");
        assertEquals(6, r.calls().size());
        assertEquals("... 1995 more calls not recorded", r.calls().get(5).toString());
    }
}
