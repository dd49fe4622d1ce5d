package dev.riposte.effect.state;

import java.util.List;
import java.util.Optional;

/**
 * The reactions' persistent string store: one namespace per reaction name. A list (DataPush/DataPop)
 * is stored under its key as a JSON array of strings. Every method either completes as one
 * transaction or throws a StoreException whose message says what was wrong. Implementations are
 * thread-safe.
 */
public interface KeyValues {
    /** Longest key, in UTF-8 bytes. */
    int MAX_KEY_BYTES = 256;
    /** Longest value (a list counts as its JSON text), in UTF-8 bytes. */
    int MAX_VALUE_BYTES = 64 * 1024;

    void set(String namespace, String key, String value) throws StoreException;

    Optional<String> get(String namespace, String key) throws StoreException;

    /** True if the key existed. */
    boolean delete(String namespace, String key) throws StoreException;

    /** Appends to the list under {@code key}, creating it. */
    void push(String namespace, String key, String value) throws StoreException;

    /** Removes and returns the last element of the list under {@code key}; the key goes when the list is empty. */
    Optional<String> pop(String namespace, String key) throws StoreException;

    /** The keys, in key order. */
    List<String> keys(String namespace) throws StoreException;

    /** The values, in key order. */
    List<String> values(String namespace) throws StoreException;

    /** Removes every key; returns how many there were. */
    int clear(String namespace) throws StoreException;

    int size(String namespace) throws StoreException;

    boolean hasKey(String namespace, String key) throws StoreException;

    boolean hasValue(String namespace, String value) throws StoreException;

    /** Adds {@code delta} to the integer under {@code key} (absent counts as 0) atomically; returns the sum. */
    long increment(String namespace, String key, long delta) throws StoreException;
}
