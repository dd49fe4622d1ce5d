package dev.riposte.effect.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * What {@code /proc/<pid>/stat} says about a process: its state letter and when it started.
 *
 * @param state the state letter ({@code Z} for a zombie: exited, not yet reaped)
 */
public record ProcStat(char state, Instant start) {
    /** Linux reports start times in USER_HZ ticks, which is 100 on every architecture. */
    private static final long TICKS_PER_SECOND = 100;

    /** Reads the process's stat line; empty when the process does not exist. */
    public static Optional<ProcStat> read(Path proc, long pid) throws IOException {
        String line;
        try {
            line = read(proc.resolve(Long.toString(pid)).resolve("stat"));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        return Optional.of(parse(line, bootTime(proc)));
    }

    /** Reads a /proc file whole: Files.readString has been seen returning a truncated /proc value. */
    private static String read(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** Parses a stat line; the command name (field 2) may itself contain spaces and parentheses. */
    static ProcStat parse(String line, Instant bootTime) throws IOException {
        int close = line.lastIndexOf(')');
        if (close < 0 || close + 2 >= line.length()) {
            throw new IOException("unexpected /proc stat line: " + line);
        }
        String[] fields = line.substring(close + 2).trim().split(" ");
        // fields[0] is field 3 (state); starttime is field 22.
        if (fields.length < 20) {
            throw new IOException("unexpected /proc stat line: " + line);
        }
        long ticks = Long.parseLong(fields[19]);
        long millis = ticks * 1000 / TICKS_PER_SECOND;
        return new ProcStat(fields[0].charAt(0), bootTime.plusMillis(millis));
    }

    /** When the system booted, by the wall clock now: the time now less the time since boot. */
    static Instant bootTime(Path proc) throws IOException {
        String uptime = read(proc.resolve("uptime")).trim().split(" ")[0];
        long uptimeMillis = Math.round(Double.parseDouble(uptime) * 1000);
        return Instant.now().minusMillis(uptimeMillis);
    }
}
