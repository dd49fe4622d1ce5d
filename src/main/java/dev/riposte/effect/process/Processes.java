package dev.riposte.effect.process;

import dev.riposte.base.EffectResult;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** Kills processes. Implementations are thread-safe. */
public interface Processes {
    /**
     * Sends SIGKILL to {@code pid}: 0 done, 1 the process had already exited, -1 refused or failed.
     *
     * @param expectedStart when the process must have started (the event's word for it), or null when
     *     the event says nothing about this pid
     */
    EffectResult kill(long pid, @Nullable Instant expectedStart);
}
