package dev.riposte.base;

import java.util.List;
import java.util.Objects;

/**
 * What an effect did, in the helper API's terms: {@code code} 0 (done), 1 (nothing to do, already in
 * that state) or -1 (refused or failed, with {@code error} as one readable sentence). {@code value}
 * carries a result such as a created path ("" when there is none); {@code targets} what it acted on
 * when the call did not name it (the addresses of a {@code NetBlockIp()}, the pid of a
 * {@code KillCurrent()}), each with what became of it.
 */
public record EffectResult(int code, String value, String error, List<String> targets) {
    public EffectResult {
        Objects.requireNonNull(value);
        Objects.requireNonNull(error);
        targets = List.copyOf(targets);
        if (code < -1 || code > 1) {
            throw new IllegalArgumentException("code must be -1, 0 or 1: " + code);
        }
        if (code == -1 && error.isEmpty()) {
            throw new IllegalArgumentException("a failure needs an error sentence");
        }
    }

    public EffectResult(int code, String value, String error) {
        this(code, value, error, List.of());
    }

    /** The same result, saying what it acted on. */
    public EffectResult withTargets(List<String> acted) {
        return new EffectResult(code, value, error, acted);
    }

    public static EffectResult done() {
        return new EffectResult(0, "", "");
    }

    public static EffectResult done(String value) {
        return new EffectResult(0, value, "");
    }

    public static EffectResult unchanged() {
        return new EffectResult(1, "", "");
    }

    public static EffectResult failed(String error) {
        return new EffectResult(-1, "", error);
    }

    public boolean failed() {
        return code == -1;
    }
}
