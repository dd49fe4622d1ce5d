package dev.riposte.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.riposte.dispatch.Outcome;
import dev.riposte.dispatch.RunResult;
import dev.riposte.event.Event;
import dev.riposte.event.EventParser;
import dev.riposte.match.Reaction;
import dev.riposte.match.ReactionException;
import dev.riposte.match.ReactionLoader;
import dev.riposte.testing.Samples;
import dev.riposte.testing.TestSandboxes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Shell reactions run by the real /bin/sh: environment, working directory, deadline, process group, output. */
class ShellRunnerTest {
    @TempDir
    Path dir;
    Path work;
    ShellRunner shell;
    Sandbox sandbox;
    final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    final Logger reactionLog = (Logger) LoggerFactory.getLogger("riposte.reaction");

    @BeforeEach
    void start() throws Exception {
        work = Files.createDirectory(dir.resolve("work"));
        shell = new ShellRunner(work);
        sandbox = TestSandboxes.withoutEffects();
        appender.start();
        reactionLog.addAppender(appender);
    }

    @AfterEach
    void stop() {
        reactionLog.detachAppender(appender);
        sandbox.close();
    }

    private Reaction load(String name, String text) throws Exception {
        Path file = dir.resolve(name + ".sh");
        Files.writeString(file, text);
        return new ReactionLoader(sandbox, shell, Duration.ofSeconds(5)).load(file);
    }

    private RunResult run(String header, String body, Event event) throws Exception {
        return shell.run(load("r", "#!/bin/sh\n# @on *\n" + header + body), event);
    }

    /** Whether {@code pid} still runs, waiting up to 2 s for a killed one to go (a zombie counts as gone). */
    private static boolean alive(long pid) throws Exception {
        for (int i = 0; i < 100; i++) {
            Path stat = Path.of("/proc/" + pid + "/stat");
            String line;
            try {
                line = Files.readString(stat);
            } catch (java.nio.file.NoSuchFileException e) {
                return false;
            }
            if (line.substring(line.lastIndexOf(')') + 2).startsWith("Z")) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    private List<String> workLeft() throws Exception {
        try (Stream<Path> s = Files.list(work)) {
            return s.map(Path::toString).toList();
        }
    }

    @Test
    void theShellGetsAMinimalEnvironment_theEvent_andAPrivateWorkingDirectory() throws Exception {
        Path out = dir.resolve("out");
        Event event = Samples.event("01");
        RunResult r = run("", """
                env | cut -d= -f1 | sort > %1$s/names
                printf '%%s' "$REACTION_DATA" > %1$s/data
                cmp -s "$REACTION_DATA_FILE" %1$s/data && echo same > %1$s/file
                echo "$REACTION_NAME $EVENT_UUID $PATH" > %1$s/values
                stat -c '%%a %%n' "$HOME" > %1$s/home
                """.formatted(Files.createDirectory(out)), event);
        assertEquals(new Outcome.Ok(), r.outcome());
        assertEquals(List.of("EVENT_UUID", "HOME", "PATH", "PWD", "REACTION_DATA", "REACTION_DATA_FILE", "REACTION_NAME",
                "TMPDIR"), Files.readAllLines(out.resolve("names")));
        assertEquals(event.json(), Files.readString(out.resolve("data")));
        assertEquals("same\n", Files.readString(out.resolve("file")));
        assertEquals("r " + event.uuid() + " " + ShellRunner.PATH + "\n", Files.readString(out.resolve("values")));
        String home = Files.readString(out.resolve("home")).strip();
        assertTrue(home.startsWith("700 " + work + "/riposte-sh-"), home);
        assertEquals(List.of(), workLeft(), "the working directory is removed after the run");
    }

    @Test
    void anEventTooLargeForTheEnvironment_isInTheFileOnly() throws Exception {
        Path out = Files.createDirectory(dir.resolve("out"));
        Event big = new EventParser().parse("{\"uuid\":\"u\",\"note\":\"" + "x".repeat(200_000) + "\"}", 0);
        RunResult r = run("", "echo \"${REACTION_DATA-unset}\" > %1$s/env; wc -c < \"$REACTION_DATA_FILE\" > %1$s/size\n"
                .formatted(out), big);
        assertEquals(new Outcome.Ok(), r.outcome());
        assertEquals("unset", Files.readString(out.resolve("env")).strip());
        assertEquals(String.valueOf(big.json().length()), Files.readString(out.resolve("size")).strip());
    }

    @Test
    void aNonZeroExit_isAnError_withItsStatus() throws Exception {
        assertEquals(new Outcome.Failed("the shell exited with status 3", 0), run("", "exit 3\n", Samples.event("01")).outcome());
        assertEquals(new Outcome.Failed("the shell was killed by signal 9", 0),
                run("", "kill -9 $$\n", Samples.event("01")).outcome());
    }

    @Test
    void atTheDeadline_theWholeProcessGroupIsKilled() throws Exception {
        Path pids = dir.resolve("pids");
        RunResult r = run("# @timeout 500ms\n", "sleep 60 & echo $! > %s; echo $$ >> %1$s; sleep 60\n".formatted(pids),
                Samples.event("01"));
        assertEquals(new Outcome.TimedOut(Duration.ofMillis(500)), r.outcome());
        for (String pid : Files.readAllLines(pids)) {
            assertFalse(alive(Long.parseLong(pid)), "pid " + pid + " was killed");
        }
        assertEquals(List.of(), workLeft());
    }

    @Test
    void processesLeftBehind_areKilledWhenTheShellExits() throws Exception {
        Path pids = dir.resolve("pids");
        RunResult r = run("", "sleep 60 >/dev/null 2>&1 & echo $! > %s\n".formatted(pids), Samples.event("01"));
        assertEquals(new Outcome.Ok(), r.outcome());
        assertFalse(alive(Long.parseLong(Files.readString(pids).strip())));
    }

    @Test
    void output_isLogged_andCut() throws Exception {
        run("", "echo hello; echo oops >&2; yes x | tr -d '\\n' | head -c 20000\n", Samples.event("01"));
        ILoggingEvent logged = appender.list.getLast();
        String message = logged.getFormattedMessage();
        assertTrue(message.startsWith("shell output: hello\\noops\\nxxx"), message.substring(0, 40));
        assertTrue(message.endsWith(" ...[" + (20000 - (ShellRunner.MAX_OUTPUT_BYTES - 11)) + " more bytes not kept]"),
                message.substring(message.length() - 60));
    }

    @Test
    void aSyntaxError_isRejectedAtLoad_withItsLine() throws Exception {
        ReactionException e = assertThrows(ReactionException.class,
                () -> load("bad", "# @on *\nif true; then\n  echo x\n"));
        assertEquals(4, e.line());
        assertTrue(e.getMessage().startsWith("shell syntax error: "), e.getMessage());
    }

    @Test
    void theHeader_usesHashComments() throws Exception {
        ReactionException e = assertThrows(ReactionException.class, () -> load("nohdr", "// @on *\necho\n"));
        assertEquals("no @on line in the leading comment block; add one such as \"# @on name=crypto_miner_execution\" "
                + "or \"# @on *\" (the header uses # comments)", e.getMessage());
        Reaction r = load("named", "#!/bin/sh\n# @on kind=exec* importance>=high\n# @name kill-shells\n# @timeout 2s\necho\n");
        assertEquals("kill-shells", r.name());
        assertEquals(Duration.ofSeconds(2), r.timeout());
    }
}
