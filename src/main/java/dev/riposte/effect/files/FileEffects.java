package dev.riposte.effect.files;

import dev.riposte.effect.EffectResult;

/** The file effects reactions may have. Implementations are thread-safe. */
public interface FileEffects {
    /** Makes a new directory (mode 0700) under the evidence directory; the value is its path. */
    EffectResult createTempDir(String pattern);

    /** Creates or overwrites a file (mode 0600) at an allowed path. */
    EffectResult writeFile(String path, byte[] data);
}
