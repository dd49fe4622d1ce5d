package dev.riposte.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.riposte.base.HelperCall;
import dev.riposte.dispatch.Outcome;
import dev.riposte.dispatch.RunRecord;
import dev.riposte.dispatch.RunResult;
import dev.riposte.match.HeaderParser;
import dev.riposte.match.Reaction;
import dev.riposte.testing.Samples;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.graalvm.polyglot.Source;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RunLogTest {
    final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    final Logger logger = (Logger) LoggerFactory.getLogger("riposte.audit");

    @BeforeEach
    void attach() {
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void detach() {
        logger.detachAppender(appender);
    }

    private Map<String, String> logged(Outcome outcome) throws Exception {
        Reaction r = new Reaction(
                "kill-miners",
                Path.of("kill-miners.js"),
                HeaderParser.parse("// @on *\n"),
                "h",
                new dev.riposte.match.Code.Js(Source.create("js", "")),
                Duration.ofSeconds(1));
        new RunLog()
                .onRun(new RunRecord(
                        Instant.EPOCH,
                        r,
                        Samples.event("01"),
                        new RunResult(
                                outcome,
                                List.of(
                                        new HelperCall("NetBlockIp", "\"203.0.113.80\"", "0", ""),
                                        new HelperCall("Info", "\"x\"", "0", "")),
                                153_400)));
        ILoggingEvent e = appender.list.getLast();
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("LEVEL", e.getLevel().toString());
        fields.put("MESSAGE", e.getFormattedMessage());
        e.getKeyValuePairs().forEach(kv -> fields.put(kv.key, String.valueOf(kv.value)));
        return fields;
    }

    @Test
    void okRun_isOneInfoLine_withTheJournalFields() throws Exception {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("LEVEL", Level.INFO.toString());
        expected.put(
                "MESSAGE",
                "run of kill-miners on crypto_miner_execution fc76e4b9-eefa-45a7-adb7-9e86509665e4: ok, 0.153 ms");
        expected.put("REACTION", "kill-miners");
        expected.put("EVENT_UUID", "fc76e4b9-eefa-45a7-adb7-9e86509665e4");
        expected.put("EVENT_NAME", "crypto_miner_execution");
        expected.put("OUTCOME", "ok");
        expected.put("DURATION_US", "153");
        expected.put("HELPERS", "[NetBlockIp(\"203.0.113.80\")=0, Info(\"x\")=0]");
        assertEquals(expected, logged(new Outcome.Ok()));
    }

    @Test
    void failedRun_isAWarning_withTheMessageAndLine() throws Exception {
        Map<String, String> f = logged(new Outcome.Failed("TypeError: x is undefined", 12));
        assertEquals("WARN", f.get("LEVEL"));
        assertEquals("error", f.get("OUTCOME"));
        assertEquals("TypeError: x is undefined (line 12)", f.get("DETAIL"));
        assertEquals(
                "run of kill-miners on crypto_miner_execution fc76e4b9-eefa-45a7-adb7-9e86509665e4: error: "
                        + "TypeError: x is undefined (line 12), 0.153 ms",
                f.get("MESSAGE"));
    }

    @Test
    void timedOutRun_saysItsDeadline() throws Exception {
        Map<String, String> f = logged(new Outcome.TimedOut(Duration.ofMillis(500)));
        assertEquals("timed_out", f.get("OUTCOME"));
        assertEquals("passed its deadline of 500 ms", f.get("DETAIL"));
    }

    @Test
    void aRunWithManyCalls_namesTheFirst64_andCountsTheRest() {
        List<HelperCall> calls = new java.util.ArrayList<>();
        for (int i = 0; i < 256; i++) {
            calls.add(new HelperCall("Info", "\"" + i + "\"", "0", ""));
        }
        calls.add(HelperCall.omitted(11744));
        String helpers = RunLog.helpers(calls);
        assertEquals(true, helpers.startsWith("[Info(\"0\")=0, Info(\"1\")=0, "));
        assertEquals(
                true,
                helpers.endsWith(
                        ", Info(\"63\")=0, ... 11936 more calls (riposte audit --event shows what was " + "recorded)]"),
                helpers);
        assertEquals("[Info(\"x\")=0]", RunLog.helpers(List.of(new HelperCall("Info", "\"x\"", "0", ""))));
    }
}
