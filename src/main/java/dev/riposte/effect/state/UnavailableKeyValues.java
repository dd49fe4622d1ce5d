package dev.riposte.effect.state;

import dev.riposte.base.EffectResult;

/** The store when it could not be opened: every call fails with the reason. Thread-safe. */
public record UnavailableKeyValues(String reason) implements KeyValues {
    private EffectResult unavailable() {
        return EffectResult.failed("the state store is unavailable: " + reason);
    }

    @Override
    public EffectResult set(String namespace, String key, String value) {
        return unavailable();
    }

    @Override
    public EffectResult get(String namespace, String key) {
        return unavailable();
    }

    @Override
    public EffectResult delete(String namespace, String key) {
        return unavailable();
    }

    @Override
    public EffectResult push(String namespace, String key, String value) {
        return unavailable();
    }

    @Override
    public EffectResult pop(String namespace, String key) {
        return unavailable();
    }

    @Override
    public EffectResult keys(String namespace) {
        return unavailable();
    }

    @Override
    public EffectResult values(String namespace) {
        return unavailable();
    }

    @Override
    public EffectResult clear(String namespace) {
        return unavailable();
    }

    @Override
    public EffectResult size(String namespace) {
        return unavailable();
    }

    @Override
    public EffectResult hasKey(String namespace, String key) {
        return unavailable();
    }

    @Override
    public EffectResult hasValue(String namespace, String value) {
        return unavailable();
    }

    @Override
    public EffectResult increment(String namespace, String key, long delta) {
        return unavailable();
    }
}
