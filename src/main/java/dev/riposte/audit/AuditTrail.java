package dev.riposte.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.riposte.base.HelperCall;
import dev.riposte.base.LogLimiter;
import dev.riposte.dispatch.Outcome;
import dev.riposte.dispatch.RunListener;
import dev.riposte.dispatch.RunRecord;
import dev.riposte.effect.state.StateStore;
import dev.riposte.effect.state.StoreException;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one audit record per run into the state store. Workers hand records to a bounded queue (a
 * full queue makes them wait: records are not dropped); one writer thread stores them in batches,
 * one transaction each, and prunes the trail to {@code state.audit_retention} and
 * {@code state.audit_max_records} (each minute, and once more when it closes). If the store fails (a full disk), the batch is logged as lost and
 * the daemon goes on; the journal's run lines still hold every run. Thread-safe.
 */
public final class AuditTrail implements RunListener, AutoCloseable {
    /** The trail: one row per run, found by time, by reaction and by event. */
    public static final List<StateStore.Migration> SCHEMA = List.of(new StateStore.Migration(
            1,
            "audit",
            List.of(
                    """
            CREATE TABLE audit (id INTEGER PRIMARY KEY, time_ms INTEGER NOT NULL, event_uuid TEXT NOT NULL,
                                event_name TEXT NOT NULL, event_kind TEXT NOT NULL, reaction TEXT NOT NULL,
                                reaction_hash TEXT NOT NULL, outcome TEXT NOT NULL, detail TEXT NOT NULL,
                                duration_us INTEGER NOT NULL, calls TEXT NOT NULL)""",
                    "CREATE INDEX audit_time ON audit (time_ms)",
                    "CREATE INDEX audit_reaction ON audit (reaction, time_ms)",
                    "CREATE INDEX audit_event ON audit (event_uuid)")));

    static final int QUEUE_CAPACITY = 10_000;
    static final int BATCH = 512;
    static final Duration PRUNE_EVERY = Duration.ofMinutes(1);
    private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StateStore store;
    private final Duration retention;
    private final long maxRecords;
    private final Clock clock;
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final Thread writer;
    private final LogLimiter failures = new LogLimiter(1, System::nanoTime);
    private volatile boolean closed;
    private long nextPruneMillis;

    public AuditTrail(StateStore store, Duration retention, long maxRecords, Clock clock) {
        this.store = store;
        this.retention = retention;
        this.maxRecords = maxRecords;
        this.clock = clock;
        this.writer = Thread.ofPlatform().name("riposte-audit").daemon().start(this::writeLoop);
    }

    @Override
    public void onRun(RunRecord record) {
        if (closed) {
            LOG.warn(
                    "audit trail closed; run of {} on {} is only in the log",
                    record.reaction().name(),
                    record.event().uuid());
            return;
        }
        try {
            // Only what is stored is queued: a queued RunRecord would keep its whole event alive.
            Outcome outcome = record.result().outcome();
            queue.put(new Row(
                    record.time().toEpochMilli(),
                    record.event().uuid(),
                    record.event().name(),
                    record.event().kind(),
                    record.reaction().name(),
                    record.reaction().hash(),
                    outcome.label(),
                    outcome.detail(),
                    record.result().durationNanos() / 1000,
                    record.result().calls()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Returns once every record handed over before the call is stored (or lost with a logged error). */
    public void flush() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        queue.put(done);
        done.await();
    }

    private void writeLoop() {
        List<Object> batch = new ArrayList<>(BATCH);
        while (true) {
            try {
                Object first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    if (closed) {
                        nextPruneMillis = 0;
                        prune();
                        return;
                    }
                    prune();
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                try {
                    write(batch);
                } catch (OutOfMemoryError e) {
                    // A run exhausted the heap for a moment: this batch is lost (its runs are in the run log),
                    // the writer is not.
                    LOG.error("audit trail: {} records could not be stored: the heap ran out", batch.size());
                }
                batch.forEach(o -> {
                    if (o instanceof CountDownLatch latch) {
                        latch.countDown();
                    }
                });
                batch.clear();
                prune();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void write(List<Object> batch) {
        List<Row> runs = new ArrayList<>();
        batch.forEach(o -> {
            if (o instanceof Row r) {
                runs.add(r);
            }
        });
        if (runs.isEmpty()) {
            return;
        }
        try {
            store.update(c -> {
                try (PreparedStatement s = c.prepareStatement("""
                        INSERT INTO audit (time_ms, event_uuid, event_name, event_kind, reaction, reaction_hash, outcome,
                                           detail, duration_us, calls) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
                    for (Row r : runs) {
                        s.setLong(1, r.timeMillis());
                        s.setString(2, r.eventUuid());
                        s.setString(3, r.eventName());
                        s.setString(4, r.eventKind());
                        s.setString(5, r.reaction());
                        s.setString(6, r.reactionHash());
                        s.setString(7, r.outcome());
                        s.setString(8, r.detail());
                        s.setLong(9, r.durationMicros());
                        s.setString(10, calls(r.calls()));
                        s.addBatch();
                    }
                    s.executeBatch();
                }
            });
        } catch (StoreException e) {
            if (failures.admit() >= 0) {
                LOG.error(
                        "audit trail: {} records could not be stored (they are in the run log): {}",
                        runs.size(),
                        e.getMessage());
            }
        }
    }

    /** One run as it is stored. */
    private record Row(
            long timeMillis,
            String eventUuid,
            String eventName,
            String eventKind,
            String reaction,
            String reactionHash,
            String outcome,
            String detail,
            long durationMicros,
            List<HelperCall> calls) {}

    private static String calls(List<HelperCall> calls) {
        try {
            return JSON.writeValueAsString(calls);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("helper calls are plain strings", e);
        }
    }

    private void prune() {
        long now = clock.millis();
        if (now < nextPruneMillis) {
            return;
        }
        nextPruneMillis = now + PRUNE_EVERY.toMillis();
        try {
            int removed = store.transaction(c -> {
                int n;
                try (PreparedStatement s = c.prepareStatement("DELETE FROM audit WHERE time_ms < ?")) {
                    s.setLong(1, now - retention.toMillis());
                    n = s.executeUpdate();
                }
                try (PreparedStatement s =
                        c.prepareStatement("DELETE FROM audit WHERE id <= (SELECT max(id) FROM audit) - ?")) {
                    s.setLong(1, maxRecords);
                    n += s.executeUpdate();
                }
                return n;
            });
            if (removed > 0) {
                LOG.info("audit trail: pruned {} records (state.audit_retention, state.audit_max_records)", removed);
            }
        } catch (StoreException e) {
            LOG.error("audit trail: pruning failed: {}", e.getMessage());
        }
    }

    /** Stores what is queued, then stops the writer. */
    @Override
    public void close() {
        closed = true;
        try {
            writer.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
