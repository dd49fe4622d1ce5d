package dev.riposte.effect.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the evidence directory within {@code evidence.retention} and {@code evidence.max_bytes}. Each
 * entry directly under the directory (a CreateTempDir directory or a file) is one unit, aged by its
 * modification time: the expired ones go, then the oldest until the total fits. Called by the daemon
 * at start and periodically from one thread.
 */
public final class EvidenceRetention {
    private static final Logger LOG = LoggerFactory.getLogger(EvidenceRetention.class);

    private final Path dir;
    private final Duration retention;
    private final long maxBytes;

    public EvidenceRetention(Path dir, Duration retention, long maxBytes) {
        this.dir = dir;
        this.retention = retention;
        this.maxBytes = maxBytes;
    }

    /** What one sweep removed. */
    public record Sweep(int removed, long bytesRemoved, long bytesKept) {}

    public Sweep sweep(Instant now) throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p : list.toList()) {
                Instant modified =
                        Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant();
                long size = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                        ? Tree.size(p)
                        : Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                                .size();
                entries.add(new Entry(p, modified, size));
            }
        }
        entries.sort(Comparator.comparing(Entry::modified));
        long total = entries.stream().mapToLong(Entry::size).sum();
        int removed = 0;
        long bytesRemoved = 0;
        Instant cutoff = now.minus(retention);
        for (Entry e : entries) {
            boolean expired = e.modified().isBefore(cutoff);
            if (!expired && total <= maxBytes) {
                break;
            }
            try {
                if (Files.isDirectory(e.path(), LinkOption.NOFOLLOW_LINKS)) {
                    Tree.delete(e.path());
                } else {
                    Files.delete(e.path());
                }
            } catch (IOException ex) {
                LOG.warn("evidence retention: cannot remove {}: {}", e.path(), ex.getMessage());
                continue;
            }
            LOG.info(
                    "evidence retention: removed {} ({} bytes, modified {}): {}",
                    e.path(),
                    e.size(),
                    e.modified(),
                    expired ? "older than evidence.retention" : "evidence.max_bytes exceeded");
            total -= e.size();
            removed++;
            bytesRemoved += e.size();
        }
        return new Sweep(removed, bytesRemoved, total);
    }

    private record Entry(Path path, Instant modified, long size) {}
}
