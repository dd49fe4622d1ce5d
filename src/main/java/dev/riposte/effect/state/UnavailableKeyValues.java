package dev.riposte.effect.state;

import java.util.List;
import java.util.Optional;

/** The store when it could not be opened: every call fails with the reason. Thread-safe. */
public record UnavailableKeyValues(String reason) implements KeyValues {
    private StoreException unavailable() {
        return new StoreException("the state store is unavailable: " + reason);
    }

    @Override
    public void set(String namespace, String key, String value) throws StoreException {
        throw unavailable();
    }

    @Override
    public Optional<String> get(String namespace, String key) throws StoreException {
        throw unavailable();
    }

    @Override
    public boolean delete(String namespace, String key) throws StoreException {
        throw unavailable();
    }

    @Override
    public void push(String namespace, String key, String value) throws StoreException {
        throw unavailable();
    }

    @Override
    public Optional<String> pop(String namespace, String key) throws StoreException {
        throw unavailable();
    }

    @Override
    public List<String> keys(String namespace) throws StoreException {
        throw unavailable();
    }

    @Override
    public List<String> values(String namespace) throws StoreException {
        throw unavailable();
    }

    @Override
    public int clear(String namespace) throws StoreException {
        throw unavailable();
    }

    @Override
    public int size(String namespace) throws StoreException {
        throw unavailable();
    }

    @Override
    public boolean hasKey(String namespace, String key) throws StoreException {
        throw unavailable();
    }

    @Override
    public boolean hasValue(String namespace, String value) throws StoreException {
        throw unavailable();
    }

    @Override
    public long increment(String namespace, String key, long delta) throws StoreException {
        throw unavailable();
    }
}
