package dev.riposte.functional;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.riposte.audit.AuditRecord;
import dev.riposte.testing.Await;
import dev.riposte.testing.DaemonProcess;
import dev.riposte.testing.NeedsRoot;
import dev.riposte.testing.Samples;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A followed file across kill -9 of a daemon process: events appended while it was down run after the
 * restart, also when the file was rotated (twice) meanwhile; an event runs again only if its runs had
 * not all ended before the crash. Counted in the audit trail of the real state store.
 */
class FileRestartTest {
    @TempDir
    Path dir;

    private DaemonProcess daemon;
    private String name = "jibril.out";

    @AfterEach
    void stop() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
    }

    private Path file() {
        return dir.resolve("log").resolve(name);
    }

    /**
     * Waits until the state store holds a position of the file at or past {@code offset}: the saver writes
     * it within milliseconds of the runs, and a kill before that would run those events again after the
     * restart (at least once is the contract).
     */
    private void awaitPositionSaved(long offset) throws InterruptedException {
        Await.until("a position at or past byte " + offset + " saved", 500, 10, () -> savedPosition() >= offset);
    }

    /** The furthest handled offset saved for any file of the source, or -1. */
    private long savedPosition() {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + db() + "?mode=ro");
                ResultSet r = c.createStatement().executeQuery("SELECT MAX(offset) FROM intake_positions")) {
            return r.next() ? r.getLong(1) : -1;
        } catch (SQLException e) {
            return -1; // not created yet
        }
    }

    private Path db() {
        return dir.resolve("state.db");
    }

    private DaemonProcess start() throws Exception {
        return start(1);
    }

    private DaemonProcess start(int workers) throws Exception {
        Path config = DaemonProcess.writeConfig(dir, dir.resolve("reactions.d"), db(), file(), """
                dispatch: {workers: %d}
                netpolicy: {backend: dry-run}
                """.formatted(workers));
        daemon = DaemonProcess.start(
                config, dir.resolve("c.sock"), dir.resolve("daemon.log"), DaemonProcess.LAUNCHER_JVM);
        Await.until("following " + file(), 600, 50, () -> {
            return daemon.stats().path("sources").path(0).path("state").asText().equals("following");
        });
        return daemon;
    }

    private void reactions(Map<String, String> files) throws IOException {
        Files.createDirectories(dir.resolve("reactions.d"));
        for (var e : files.entrySet()) {
            Files.writeString(dir.resolve("reactions.d").resolve(e.getKey()), e.getValue());
        }
    }

    private static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** A copy of Jibril sample 01 with its own uuid and name, one line. */
    private static String event(String uuid, String name) {
        return Samples.line("01")
                        .replace("fc76e4b9-eefa-45a7-adb7-9e86509665e4", uuid)
                        .replace("\"name\":\"crypto_miner_execution\"", "\"name\":\"" + name + "\"")
                + "\n";
    }

    private static String uuid(int n) {
        return "00000000-0000-4000-8000-%012d".formatted(n);
    }

    /**
     * Every record before that of {@code last}, an event appended now with uuid {@code uuid}, once that one
     * is in the trail. The daemon runs with one worker here: runs end in the order their events were read,
     * and the trail keeps that order, so no record of an event read before it (an event read twice after
     * the restart) can still be on its way.
     */
    private List<AuditRecord> recordsThrough(String last, String uuid) throws Exception {
        append(file(), last);
        List<AuditRecord> all = new ArrayList<>();
        Await.until("the run of the last event, " + uuid, 600, 50, () -> {
            all.clear();
            all.addAll(DaemonProcess.audit(db(), 1));
            return all.stream().anyMatch(r -> r.eventUuid().equals(uuid));
        });
        return all.stream().filter(r -> !r.eventUuid().equals(uuid)).toList();
    }

    /** Runs per (reaction, event uuid) in the audit trail. */
    private static Map<String, Integer> counts(List<AuditRecord> records) {
        Map<String, Integer> out = new TreeMap<>();
        for (AuditRecord r : records) {
            out.merge(r.reaction() + " " + r.eventUuid(), 1, Integer::sum);
        }
        return out;
    }

    @Test
    void eventsAppendedWhileDown_runAfterTheRestart_throughTwoRotations_eachExactlyOnce() throws Exception {
        reactions(Map.of("all.js", "// @on *\nfunction process(data) { Info('seen'); }\n"));
        Files.createDirectories(file().getParent());
        append(file(), event(uuid(0), "before_the_first_start"));
        start();
        append(file(), event(uuid(1), "a"));
        append(file(), event(uuid(2), "a"));
        assertEquals(2, DaemonProcess.audit(db(), 2).size());
        awaitPositionSaved(Files.size(file()) - 1);
        daemon.kill();

        append(file(), event(uuid(3), "b"));
        Path one = dir.resolve("log/jibril.out.1");
        Path two = dir.resolve("log/jibril.out.2");
        Files.move(file(), one);
        append(one, event(uuid(4), "b")); // written after the rename, before a reopen
        append(file(), Files.readString(Samples.files(Samples.DIR).get(1))); // the new file: pretty-printed
        Files.move(one, two);
        Files.move(file(), one);
        append(file(), event(uuid(5), "c"));
        start();
        String sudoers =
                new dev.riposte.event.EventParser().parse(Samples.line("02"), 0).uuid();
        List<AuditRecord> all = recordsThrough(event(uuid(9), "last"), uuid(9));
        Map<String, Integer> expected = new TreeMap<>();
        for (String u : List.of(uuid(1), uuid(2), uuid(3), uuid(4), uuid(5), sudoers)) {
            expected.put("all " + u, 1);
        }
        assertEquals(expected, counts(all), daemon.log());
        JsonNode source = daemon.stats().path("sources").path(0);
        assertEquals(2, source.path("rotations").asLong(), source.toString());
        assertEquals(5, source.path("events").asLong(), "read after the restart: 3, 4, the pretty one, 5 and the last");
    }

    @NeedsRoot("shell reactions run as another user in their own pid namespace (CAP_SETUID, CAP_SYS_ADMIN)")
    @Test
    void anEventWhoseRunsHadNotAllEnded_runsAgain_andNoOtherDoes() throws Exception {
        reactions(Map.of(
                "all.js",
                "// @on *\nfunction process(data) { Info('seen'); }\n",
                "slow.sh",
                "# @on name=slow\n# @timeout 60s\nsleep 30\n"));
        Files.createDirectories(file().getParent());
        append(file(), "");
        start(2);
        long beforeSlow = Files.size(file()) + event(uuid(1), "fast").getBytes(StandardCharsets.UTF_8).length;
        append(
                file(),
                event(uuid(1), "fast") + event(uuid(2), "slow") + event(uuid(3), "fast") + event(uuid(4), "fast"));
        // all.js has run on the four events; slow.sh is still running on event 2 when the daemon is killed.
        assertEquals(4, DaemonProcess.audit(db(), 4).size());
        awaitPositionSaved(beforeSlow - 1); // past the first event; the slow one holds it there
        daemon.kill();
        Files.delete(dir.resolve("reactions.d/slow.sh"));
        reactions(Map.of("slow.js", "// @on name=slow\nfunction process(data) { Info('quick this time'); }\n"));
        start();
        List<AuditRecord> all = recordsThrough(event(uuid(9), "last"), uuid(9));
        assertEquals(
                new TreeMap<>(Map.of(
                        "all " + uuid(1),
                        1,
                        "all " + uuid(2),
                        2,
                        "slow " + uuid(2),
                        1,
                        "all " + uuid(3),
                        1,
                        "all " + uuid(4),
                        1)),
                counts(all),
                daemon.log());
    }

    @Test
    void tetragonsLumberjackRotation_whileDown_isFoundByItsName_andCompressedBackupsAreNotRead() throws Exception {
        name = "tetragon.log";
        reactions(Map.of("all.js", "// @on *\nfunction process(data) { Info('seen'); }\n"));
        Files.createDirectories(file().getParent());
        String sample = Samples.line(Samples.TETRAGON, "04");
        String time = "2026-11-17T09:41:12.906118540Z";
        java.util.function.IntFunction<String> at = n -> sample.replace(time, "2026-12-01T12:00:0" + n + "Z") + "\n";
        append(file(), at.apply(1));
        // An old backup, compressed by lumberjack: never read (its bytes are not even JSON).
        Files.write(dir.resolve("log/tetragon-2026-11-30T08-00-00.000.log.gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0});
        start();
        append(file(), at.apply(2));
        assertEquals(1, DaemonProcess.audit(db(), 1).size());
        awaitPositionSaved(Files.size(file()) - 1);
        daemon.kill();

        append(file(), at.apply(3));
        Files.move(file(), dir.resolve("log/tetragon-2026-12-01T12-00-03.000.log")); // lumberjack's backup name
        append(file(), at.apply(4));
        start();
        dev.riposte.event.EventParser parser = new dev.riposte.event.EventParser();
        Map<String, Integer> expected = new TreeMap<>();
        for (int n : new int[] {2, 3, 4}) {
            expected.put("all " + parser.parse(at.apply(n).strip(), 0).uuid(), 1);
        }
        assertEquals(
                expected,
                counts(recordsThrough(
                        at.apply(9), parser.parse(at.apply(9).strip(), 0).uuid())),
                daemon.log());
        JsonNode source = daemon.stats().path("sources").path(0);
        assertEquals(0, source.path("rejected").asLong(), source.toString());
        assertEquals(3, source.path("events").asLong(), "read after the restart: 3 (in the backup), 4 and the last");
    }
}
