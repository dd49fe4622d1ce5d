package dev.riposte.effect;

import java.util.Objects;

/**
 * What an effect did, in the helper API's terms: {@code code} 0 (done), 1 (nothing to do, already in
 * that state) or -1 (refused or failed, with {@code error} as one readable sentence). {@code value}
 * carries a result such as a created path ("" when there is none).
 */
public record EffectResult(int code, String value, String error) {
    public EffectResult {
        Objects.requireNonNull(value);
        Objects.requireNonNull(error);
        if (code < -1 || code > 1) {
            throw new IllegalArgumentException("code must be -1, 0 or 1: " + code);
        }
        if (code == -1 && error.isEmpty()) {
            throw new IllegalArgumentException("a failure needs an error sentence");
        }
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
