package dev.riposte.intake.file;

import java.util.List;

/**
 * Where each source's files were handled up to, kept across restarts. Implementations are thread-safe.
 */
interface Positions {
    /** The marks saved for {@code source} (oldest file first), or an empty list when there are none. */
    List<Mark> load(String source);

    /** Replaces the marks of {@code source}. A failure is logged by the store and retried by the next save. */
    boolean save(String source, List<Mark> marks);

    /** Positions that last as long as the daemon: when the state store is unavailable. */
    static Positions inMemory() {
        java.util.concurrent.ConcurrentHashMap<String, List<Mark>> saved =
                new java.util.concurrent.ConcurrentHashMap<>();
        return new Positions() {
            @Override
            public List<Mark> load(String source) {
                return saved.getOrDefault(source, List.of());
            }

            @Override
            public boolean save(String source, List<Mark> marks) {
                saved.put(source, List.copyOf(marks));
                return true;
            }
        };
    }
}
