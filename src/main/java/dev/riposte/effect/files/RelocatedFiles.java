package dev.riposte.effect.files;

import dev.riposte.base.EffectResult;
import java.nio.file.Path;

/**
 * Other file effects with one directory shown at another path: reactions see and name {@code shown}
 * (the configured evidence directory) while the files are in {@code actual} (riposte test's throwaway
 * directory). Paths given under {@code shown} are read and written under {@code actual}; values and
 * error sentences name {@code shown}. So a reaction that checks where its evidence goes behaves under
 * {@code riposte test} as in the daemon. Thread-safe when the wrapped effects are.
 */
public final class RelocatedFiles implements FileEffects {
    private final FileEffects inner;
    private final String shown;
    private final String actual;

    public RelocatedFiles(FileEffects inner, Path shown, Path actual) {
        this.inner = inner;
        this.shown = shown.toAbsolutePath().normalize().toString();
        this.actual = actual.toAbsolutePath().normalize().toString();
    }

    /** A path the reaction gave, as the wrapped effects must see it. */
    private String in(String path) {
        if (path.equals(shown) || path.startsWith(shown + "/")) {
            return actual + path.substring(shown.length());
        }
        return path;
    }

    /** A result, as the reaction must see it. */
    private EffectResult out(EffectResult r) {
        return new EffectResult(
                r.code(), r.value().replace(actual, shown), r.error().replace(actual, shown), r.targets());
    }

    @Override
    public EffectResult createTempDir(String pattern) {
        return out(inner.createTempDir(pattern));
    }

    @Override
    public EffectResult writeFile(String path, byte[] data) {
        return out(inner.writeFile(in(path), data));
    }

    @Override
    public EffectResult readFile(String path) {
        // The value is a file's text: only an error sentence names the directory.
        EffectResult r = inner.readFile(in(path));
        return new EffectResult(r.code(), r.value(), r.error().replace(actual, shown), r.targets());
    }

    @Override
    public EffectResult stat(String path) {
        return out(inner.stat(in(path)));
    }

    @Override
    public EffectResult removeDir(String path) {
        return out(inner.removeDir(in(path)));
    }
}
