package dev.riposte.effect.files;

import dev.riposte.base.EffectResult;

/** The file effects reactions may have. Implementations are thread-safe. */
public interface FileEffects {
    /** Makes a new directory (mode 0700) under the evidence directory; the value is its path. */
    EffectResult createTempDir(String pattern);

    /** Creates or overwrites a file (mode 0600) at an allowed path. */
    EffectResult writeFile(String path, byte[] data);

    /** Reads a whole regular file within the read roots; the value is its text (bad UTF-8 replaced by U+FFFD). */
    EffectResult readFile(String path);

    /**
     * Describes a path within the read roots; the value is a JSON object
     * {@code {"size":..,"mode":..,"modTime":..,"isDir":..}} (mode: permission bits; modTime: Unix seconds).
     */
    EffectResult stat(String path);

    /** Removes a directory under the evidence directory with everything in it; 1 when it does not exist. */
    EffectResult removeDir(String path);
}
