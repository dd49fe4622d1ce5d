package dev.riposte.effect.files;

import dev.riposte.base.EffectResult;

/** Refuses every file effect, saying why. Thread-safe (immutable). */
public final class DisabledFiles implements FileEffects {
    private final String reason;

    public DisabledFiles(String reason) {
        this.reason = reason;
    }

    @Override
    public EffectResult createTempDir(String pattern) {
        return EffectResult.failed(reason);
    }

    @Override
    public EffectResult writeFile(String path, byte[] data) {
        return EffectResult.failed(reason);
    }

    @Override
    public EffectResult readFile(String path) {
        return EffectResult.failed(reason);
    }

    @Override
    public EffectResult stat(String path) {
        return EffectResult.failed(reason);
    }

    @Override
    public EffectResult removeDir(String path) {
        return EffectResult.failed(reason);
    }
}
