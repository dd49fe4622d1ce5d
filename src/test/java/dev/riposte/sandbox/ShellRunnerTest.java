package dev.riposte.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.riposte.config.RiposteConfig;
import dev.riposte.dispatch.Outcome;
import dev.riposte.dispatch.RunResult;
import dev.riposte.effect.files.Tree;
import dev.riposte.effect.os.LibC;
import dev.riposte.event.Event;
import dev.riposte.event.EventParser;
import dev.riposte.match.Reaction;
import dev.riposte.match.ReactionException;
import dev.riposte.match.ReactionLoader;
import dev.riposte.testing.Await;
import dev.riposte.testing.HostProcesses;
import dev.riposte.testing.NeedsRoot;
import dev.riposte.testing.Samples;
import dev.riposte.testing.TestSandboxes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Shell reactions run by the real /bin/sh under the real isolation (the tests run as root, like a daemon
 * started by root): user, capabilities, pid namespace, environment, working directory, deadline, output.
 * What a shell sees is read back from its logged output.
 */
class ShellRunnerTest {
    @TempDir
    Path dir;
    /** Where working directories are made: like /tmp, reachable by the shell's user. */
    Path work;

    ShellRunner shell;
    Sandbox sandbox;
    final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    final Logger reactionLog = (Logger) LoggerFactory.getLogger("riposte.reaction");

    @BeforeEach
    void start() throws Exception {
        work = Files.createTempDirectory(Path.of("/tmp"), "riposte-shell-test-");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx--x--x"));
        shell = TestSandboxes.shell(work);
        sandbox = TestSandboxes.withoutEffects();
        appender.start();
        reactionLog.addAppender(appender);
    }

    @AfterEach
    void stop() throws Exception {
        reactionLog.detachAppender(appender);
        sandbox.close();
        Tree.delete(work);
    }

    private Reaction load(ShellRunner runner, String name, String text) throws Exception {
        Path file = dir.resolve(name + ".sh");
        Files.writeString(file, text);
        return new ReactionLoader(sandbox, runner, Duration.ofSeconds(5)).load(file);
    }

    private RunResult run(String header, String body, Event event) throws Exception {
        appender.list.clear();
        return shell.run(load(shell, "r", "#!/bin/sh\n# @on *\n" + header + body), event);
    }

    /** What the last run wrote to its output, as logged a line per entry, joined here with \n. */
    private String output() {
        return String.join(
                "\\n",
                appender.list.stream()
                        .map(ILoggingEvent::getFormattedMessage)
                        .filter(m -> m.startsWith("shell output: "))
                        .map(m -> m.substring("shell output: ".length()))
                        .toList());
    }

    private List<String> workLeft() throws Exception {
        try (Stream<Path> s = Files.list(work)) {
            return s.map(Path::toString).toList();
        }
    }

    @NeedsRoot("shell reactions run as another user in their own pid namespace (CAP_SETUID, CAP_SYS_ADMIN)")
    @Test
    void theShellRuns_asNobody_withNoCapabilityInAnySet_noNewPrivileges_andNoGroups() throws Exception {
        RiposteConfig.Shell config = new RiposteConfig.Shell("nobody", false);
        assertEquals(ShellIsolation.Mode.ISOLATED, ShellIsolation.of(config).mode(), "these tests run as root");
        RunResult r = run(
                "",
                "grep -E '^(Uid|Gid|Groups|Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs):' /proc/self/status | tr -s '\\t' ' '\n",
                Samples.event("01"));
        assertEquals(new Outcome.Ok(), r.outcome());
        assertEquals(
                "Uid: 65534 65534 65534 65534\\nGid: 65534 65534 65534 65534\\nGroups: \\nCapInh: 0000000000000000\\n"
                        + "CapPrm: 0000000000000000\\nCapEff: 0000000000000000\\nCapBnd: 0000000000000000\\nCapAmb: 0000000000000000\\n"
                        + "NoNewPrivs: 1",
                output());
    }

    @NeedsRoot("shell reactions run as another user in their own pid namespace (CAP_SETUID, CAP_SYS_ADMIN)")
    @Test
    void theShell_cannotReadSecrets_changeTheFirewall_orSeeAndSignalRiposte() throws Exception {
        long riposte = ProcessHandle.current().pid();
        RunResult r = run("", """
                cat /etc/shadow >/dev/null 2>&1 && echo READ-SHADOW
                nft list tables >/dev/null 2>&1 && echo NFT-WORKS
                kill -9 %d 2>/dev/null && echo KILLED-RIPOSTE
                [ -e /proc/%1$d ] && echo SEES-RIPOSTE
                ls /proc | grep -E '^[0-9]+$' | sort -n | head -1
                """.formatted(riposte), Samples.event("01"));
        assertEquals(new Outcome.Ok(), r.outcome());
        assertEquals("1", output(), "nothing was read, changed or signalled; the run's own processes start at pid 1");
    }

    @NeedsRoot("shell reactions run as another user in their own pid namespace (CAP_SETUID, CAP_SYS_ADMIN)")
    @Test
    void everyProcessTheRunStarts_isGoneWhenItEnds_alsoAfterSetsidOrADoubleFork() throws Exception {
        String marker = "6" + System.nanoTime() % 1_000_000;
        RunResult r = run("", """
                sleep %1$s.1 >/dev/null 2>&1 &
                setsid sleep %1$s.2 >/dev/null 2>&1 &
                (sh -c 'sleep %1$s.3 >/dev/null 2>&1 &' &)
                (setsid sh -c 'sleep %1$s.4 &' >/dev/null 2>&1 &)
                sleep 0.2
                """.formatted(marker), Samples.event("01"));
        assertEquals(new Outcome.Ok(), r.outcome());
        assertEquals(List.of(), HostProcesses.with("sleep " + marker + "."));
        assertEquals(List.of(), workLeft(), "the working directory is removed after the run");
    }

    @NeedsRoot("shell reactions run as another user in their own pid namespace (CAP_SETUID, CAP_SYS_ADMIN)")
    @Test
    void theDeadlineHolds_evenWhenAChildKeepsTheOutputPipe() throws Exception {
        String marker = "7" + System.nanoTime() % 1_000_000;
        long start = System.nanoTime();
        RunResult r = run("# @timeout 2s\n", "setsid sleep %1$s & sleep %1$s\n".formatted(marker), Samples.event("01"));
        long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertEquals(new Outcome.TimedOut(Duration.ofSeconds(2)), r.outcome());
        assertTrue(took < 2700, "the run ended at its deadline, not when the pipe closed: " + took + " ms");
        assertEquals(List.of(), HostProcesses.with("sleep " + marker));
    }

    @Test
    void endingARun_leavesWhatTheShellWroteLast_toBeRead() throws Exception {
        // The reader lags behind the shell at times (1 run in 100 on a busy machine lost its last lines): what
        // is still in the pipe when the run is ended must stay readable, so the output is read after the end.
        Process p = new ProcessBuilder(ShellIsolation.of(new RiposteConfig.Shell("nobody", false))
                        .command(List.of("sh", "-c", "echo last; exec sleep 60"), work))
                .start();
        Await.poll(2000, 5, () -> p.getInputStream().available() >= "last\n".length());
        shell.end(p);
        assertFalse(p.isAlive());
        assertEquals("last\n", new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @NeedsRoot("shell reactions run as another user in their own pid namespace (CAP_SETUID, CAP_SYS_ADMIN)")
    @Test
    void aRunThatLeavesAChildHoldingThePipe_endsAtOnceWhenTheShellExits() throws Exception {
        String marker = "8" + System.nanoTime() % 1_000_000;
        long start = System.nanoTime();
        RunResult r = run("# @timeout 2s\n", "setsid sleep %s &\necho done\n".formatted(marker), Samples.event("01"));
        long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertEquals(new Outcome.Ok(), r.outcome());
        assertTrue(took < 1500, took + " ms");
        assertEquals("done", output());
        assertEquals(List.of(), HostProcesses.with("sleep " + marker));
    }

    @NeedsRoot("shell reactions run as another user in their own pid namespace (CAP_SETUID, CAP_SYS_ADMIN)")
    @Test
    void theShellGetsAMinimalEnvironment_theEvent_andAPrivateWorkingDirectory() throws Exception {
        Event event = Samples.event("01");
        RunResult r = run("", """
                env | cut -d= -f1 | sort | tr '\\n' ' '; echo
                printf '%s' "$REACTION_DATA" | cmp -s - "$REACTION_DATA_FILE" && echo same
                echo "$REACTION_NAME $EVENT_UUID $PATH"
                stat -c '%a %u %n' "$HOME"
                """, event);
        assertEquals(new Outcome.Ok(), r.outcome());
        String[] lines = output().split("\\\\n");
        assertEquals("EVENT_UUID HOME PATH PWD REACTION_DATA REACTION_DATA_FILE REACTION_NAME TMPDIR ", lines[0]);
        assertEquals("same", lines[1]);
        assertEquals("r " + event.uuid() + " " + ShellRunner.PATH, lines[2]);
        assertTrue(lines[3].startsWith("700 65534 " + work + "/riposte-sh-"), lines[3]);
    }

    @NeedsRoot("shell reactions run as another user in their own pid namespace (CAP_SETUID, CAP_SYS_ADMIN)")
    @Test
    void aUuidWithControlCharacters_reachesTheShellEscaped() throws Exception {
        Event event = new EventParser().parse("{\"uuid\":\"a\\u0000b\\nc\",\"metadata\":{\"name\":\"n\"}}", 0);
        RunResult r = run("", "printf '%s' \"$EVENT_UUID\"\n", event);
        assertEquals(new Outcome.Ok(), r.outcome());
        assertEquals("a\\u0000b\\nc", output());
    }

    @NeedsRoot("shell reactions run as another user in their own pid namespace (CAP_SETUID, CAP_SYS_ADMIN)")
    @Test
    void anEventTooLargeForTheEnvironment_isInTheFileOnly() throws Exception {
        Event big = new EventParser().parse("{\"uuid\":\"u\",\"note\":\"" + "x".repeat(200_000) + "\"}", 0);
        RunResult r = run("", "echo \"${REACTION_DATA-unset}\"; wc -c < \"$REACTION_DATA_FILE\"\n", big);
        assertEquals(new Outcome.Ok(), r.outcome());
        assertEquals("unset\\n" + big.json().length(), output());
    }

    @NeedsRoot("shell reactions run as another user in their own pid namespace (CAP_SETUID, CAP_SYS_ADMIN)")
    @Test
    void aNonZeroExit_isAnError_withItsStatus() throws Exception {
        assertEquals(
                new Outcome.Failed("the shell exited with status 3", 0),
                run("", "exit 3\n", Samples.event("01")).outcome());
        assertEquals(
                new Outcome.Failed("the shell was killed by signal 9", 0),
                run("", "kill -9 $$\n", Samples.event("01")).outcome());
    }

    @NeedsRoot("shell reactions run as another user in their own pid namespace (CAP_SETUID, CAP_SYS_ADMIN)")
    @Test
    void output_isLogged_andCut() throws Exception {
        run("", "echo hello; echo oops >&2; yes x | tr -d '\\n' | head -c 20000\n", Samples.event("01"));
        List<String> messages =
                appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertEquals(List.of("shell output: hello", "shell output: oops"), messages.subList(0, 2), "a line per entry");
        String message = messages.getLast();
        assertTrue(message.startsWith("shell output: xxx"), message.substring(0, 40));
        assertTrue(
                message.endsWith(" ...[" + (20000 - (ShellRunner.MAX_OUTPUT_BYTES - 11)) + " more bytes not kept]"),
                message.substring(message.length() - 60));
        run("", "seq 1 250\n", Samples.event("01"));
        List<String> lines =
                appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertEquals(ShellRunner.MAX_OUTPUT_LINES, lines.size(), "at most this many entries");
        assertEquals("shell output: 100 ...[150 more lines not logged]", lines.getLast());
    }

    @NeedsRoot("shell reactions run as another user in their own pid namespace (CAP_SETUID, CAP_SYS_ADMIN)")
    @Test
    void privileged_runsAsRiposteItself_stillInItsOwnPidNamespace() throws Exception {
        ShellRunner privileged =
                new ShellRunner(work, ShellIsolation.of(new RiposteConfig.Shell("nobody", true)), LibC.system());
        String marker = "9" + System.nanoTime() % 1_000_000;
        RunResult r = privileged.run(
                load(privileged, "p", "# @on *\nid -u; setsid sleep " + marker + " &\n"), Samples.event("01"));
        assertEquals(new Outcome.Ok(), r.outcome());
        assertEquals("0", output());
        assertEquals(List.of(), HostProcesses.with("sleep " + marker));
    }

    @Test
    void withoutThePrivilegesToIsolateThem_shellReactionsAreRejected_saying_why() throws Exception {
        ShellIsolation none =
                ShellIsolation.of(new RiposteConfig.Shell("nobody", false), 0L, 998, name -> new int[] {65534, 65534});
        ReactionException e = assertThrows(
                ReactionException.class,
                () -> load(new ShellRunner(work, none, LibC.system()), "refused", "# @on *\necho\n"));
        assertEquals(
                "shell reactions cannot run here: shell reactions run as shell.user nobody with no capabilities in "
                        + "their own pid namespace, which needs riposte to hold CAP_SETUID, CAP_SETGID, CAP_CHOWN and CAP_SYS_ADMIN "
                        + "(root has them), and this riposte does not. Run it as root, set shell.user to riposte's own user (uid 998) "
                        + "to run them as it with no capabilities, or set shell.privileged: true to run shell reactions with "
                        + "riposte's own privileges",
                e.getMessage());
        assertEquals(
                ShellIsolation.Mode.REFUSED,
                ShellIsolation.of(new RiposteConfig.Shell("root", false), -1L, 0, name -> new int[] {0, 0})
                        .mode());
        assertEquals(
                "shell.user ghost does not exist on this system",
                ShellIsolation.of(new RiposteConfig.Shell("ghost", false), -1L, 0, name -> null)
                        .reason());
    }

    @Test
    void asRipostesOwnUser_likeUnderTheUnit_theShellNeedsNoChangeOfUser_andDropsEveryCapability() throws Exception {
        long unit = (1L << 12) | (1L << 5) | (1L << 2); // CAP_NET_ADMIN, CAP_KILL, CAP_DAC_READ_SEARCH
        ShellIsolation self =
                ShellIsolation.of(new RiposteConfig.Shell("riposte", false), unit, 998, name -> new int[] {998, 997});
        assertEquals(ShellIsolation.Mode.ISOLATED, self.mode());
        // No capset (the unit's filter refuses it): the shell starts from a thread with no ambient capabilities.
        assertEquals(List.of("setsid", "/bin/sh", "x"), self.command(List.of("/bin/sh", "x"), work));
        assertEquals(
                "shell reactions run as riposte's own user, uid 998 (shell.user riposte), with no capabilities and "
                        + "no_new_privs, each in its own session, whose processes are killed at the end (one that leaves it "
                        + "outlives the run)",
                self.reason());
        assertEquals(
                ShellIsolation.Mode.REFUSED,
                ShellIsolation.of(new RiposteConfig.Shell("nobody", false), unit, 998, name -> new int[] {65534, 65534})
                        .mode(),
                "another user needs CAP_SETUID");
    }

    @NeedsRoot("shell reactions run as another user in their own pid namespace (CAP_SETUID, CAP_SYS_ADMIN)")
    @Test
    void underRiposteTest_theShellRunsInBubblewrap_readOnly_offline_unprivileged_andLeavesNothingBehind()
            throws Exception {
        ShellIsolation forTest = TestIsolation.of(new RiposteConfig.Shell("nobody", false));
        assertEquals(ShellIsolation.Mode.ISOLATED, forTest.mode(), forTest.reason());
        ShellRunner contained = new ShellRunner(work, forTest, LibC.system());
        String marker = "9" + System.nanoTime() % 1_000_000;
        Path escaped = Path.of("/tmp/riposte-contained-" + marker);
        RunResult r = contained.run(load(contained, "t", """
                # @on *
                id -u
                grep -E '^Cap(Prm|Eff|Bnd):' /proc/self/status | tr -s '\\t' ' '
                touch /etc/riposte-contained 2>/dev/null || echo 'etc: read-only'
                cat /etc/shadow >/dev/null 2>&1 || echo 'shadow: refused'
                awk -F: 'NR > 2 { gsub(/ /, "", $1); print "interface: " $1 }' /proc/net/dev
                echo x > %s && echo 'tmp: writable'
                echo x > "$HOME/kept" && echo 'home: writable'
                setsid sleep %s &
                exit 3
                """.formatted(escaped, marker)), Samples.event("01"));
        assertEquals(new Outcome.Failed("the shell exited with status 3", 0), r.outcome());
        assertEquals(
                "65534\\nCapPrm: 0000000000000000\\nCapEff: 0000000000000000\\nCapBnd: 0000000000000000\\n"
                        + "etc: read-only\\nshadow: refused\\ninterface: lo\\ntmp: writable\\nhome: writable",
                output());
        assertFalse(Files.exists(escaped), "its /tmp was its own");
        assertFalse(Files.exists(Path.of("/etc/riposte-contained")));
        assertEquals(List.of(), HostProcesses.with("sleep " + marker), "nothing it started outlives the run");
        assertEquals(List.of(), workLeft(), "its working directory is gone");
    }

    @NeedsRoot("shell reactions run as another user in their own pid namespace (CAP_SETUID, CAP_SYS_ADMIN)")
    @Test
    void underRiposteTest_withoutBubblewrap_shellReactionsAreRefused_notRunForReal() throws Exception {
        ShellIsolation none = TestIsolation.of(
                new RiposteConfig.Shell("nobody", false), 0, name -> new int[] {65534, 65534}, "/nonexistent/bwrap");
        assertEquals(ShellIsolation.Mode.REFUSED, none.mode());
        ReactionException e = assertThrows(
                ReactionException.class,
                () -> load(new ShellRunner(work, none, LibC.system()), "refused", "# @on *\necho\n"));
        assertTrue(
                e.getMessage()
                        .startsWith("shell reactions cannot run here: riposte test runs shell reactions only "
                                + "in bubblewrap, and it cannot run here: /nonexistent/bwrap exited with 127: setpriv: failed to execute "
                                + "/nonexistent/bwrap: No such file or directory. "),
                e.getMessage());
        assertTrue(
                e.getMessage()
                        .endsWith("Install it (apt install bubblewrap); it needs user namespaces "
                                + "(sysctl kernel.unprivileged_userns_clone=1)"),
                e.getMessage());
    }

    @NeedsRoot("shell reactions run as another user in their own pid namespace (CAP_SETUID, CAP_SYS_ADMIN)")
    @Test
    void whatStartsTheShellFailing_isTheRunsError_sayingWhy() throws Exception {
        ShellIsolation broken = new ShellIsolation(
                ShellIsolation.Mode.ISOLATED,
                65534,
                65534,
                true,
                true,
                true,
                "/nonexistent/bwrap",
                "a sandbox program that is not there");
        ShellRunner runner = new ShellRunner(work, broken, LibC.system());
        RunResult r = runner.run(load(runner, "b", "# @on *\necho hi\n"), Samples.event("01"));
        assertEquals(
                new Outcome.Failed(
                        "the shell did not start: setpriv: failed to execute /nonexistent/bwrap: No such "
                                + "file or directory",
                        0),
                r.outcome());
    }

    @NeedsRoot("shell reactions run as another user in their own pid namespace (CAP_SETUID, CAP_SYS_ADMIN)")
    @Test
    void aSyntaxError_isRejectedAtLoad_withItsLine() throws Exception {
        ReactionException e =
                assertThrows(ReactionException.class, () -> load(shell, "bad", "# @on *\nif true; then\n  echo x\n"));
        assertEquals(4, e.line());
        assertTrue(e.getMessage().startsWith("shell syntax error: "), e.getMessage());
    }

    @NeedsRoot("shell reactions run as another user in their own pid namespace (CAP_SETUID, CAP_SYS_ADMIN)")
    @Test
    void theHeader_usesHashComments() throws Exception {
        ReactionException e = assertThrows(ReactionException.class, () -> load(shell, "nohdr", "// @on *\necho\n"));
        assertEquals(
                "no @on line in the leading comment block; add one such as \"# @on name=crypto_miner_execution\" "
                        + "or \"# @on *\" (the header uses # comments)",
                e.getMessage());
        Reaction r = load(
                shell,
                "named",
                "#!/bin/sh\n# @on kind=exec* importance>=high\n# @name kill-shells\n# @timeout 2s\necho\n");
        assertEquals("kill-shells", r.name());
        assertEquals(Duration.ofSeconds(2), r.timeout());
    }
}
