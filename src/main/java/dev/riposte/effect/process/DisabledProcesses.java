package dev.riposte.effect.process;

import dev.riposte.base.EffectResult;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** Refuses every kill, saying why. Thread-safe (immutable). */
public record DisabledProcesses(String reason) implements Processes {
    @Override
    public EffectResult kill(long pid, @Nullable Instant expectedStart) {
        return EffectResult.failed("killing processes is off: " + reason);
    }
}
