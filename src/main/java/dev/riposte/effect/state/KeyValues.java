package dev.riposte.effect.state;

import dev.riposte.base.EffectResult;

/**
 * The reactions' persistent string store: one namespace per reaction name. A list (DataPush/DataPop)
 * is stored under its key as a JSON array of strings. Like every effect it answers with an
 * {@link EffectResult} and never throws: each call is one transaction, and a refusal or a failure of
 * the store comes back as {@code failed} with a sentence saying what was wrong. What a read finds is the
 * result's value, as text. Implementations are thread-safe.
 */
public interface KeyValues {
    /** Longest key, in UTF-8 bytes. */
    int MAX_KEY_BYTES = 256;
    /** Longest value (a list counts as its JSON text), in UTF-8 bytes. */
    int MAX_VALUE_BYTES = 64 * 1024;

    EffectResult set(String namespace, String key, String value);

    /** The value under {@code key}; failed when there is none. */
    EffectResult get(String namespace, String key);

    /** Done if the key existed, unchanged if not. */
    EffectResult delete(String namespace, String key);

    /** Appends to the list under {@code key}, creating it. */
    EffectResult push(String namespace, String key, String value);

    /** The last element of the list under {@code key}, removed (the key goes when the list is empty); failed when empty. */
    EffectResult pop(String namespace, String key);

    /** The keys, in key order, as a JSON array. */
    EffectResult keys(String namespace);

    /** The values, in key order, as a JSON array. */
    EffectResult values(String namespace);

    /** Removes every key: done if there were any, unchanged if not. */
    EffectResult clear(String namespace);

    /** How many keys there are, as a decimal number. */
    EffectResult size(String namespace);

    /** {@code true} or {@code false}. */
    EffectResult hasKey(String namespace, String key);

    /** {@code true} or {@code false}. */
    EffectResult hasValue(String namespace, String value);

    /** Adds {@code delta} to the integer under {@code key} (absent counts as 0) atomically; the sum, as a decimal number. */
    EffectResult increment(String namespace, String key, long delta);
}
