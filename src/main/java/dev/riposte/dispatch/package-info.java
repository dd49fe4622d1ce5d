/**
 * From an accepted event to finished runs: a bounded admission (backpressure or counted drops), the
 * match against the current reactions, dedup per (reaction, uuid), and a fixed pool of workers that
 * run each matching reaction once, in parallel with the event's other reactions. Every run or skip is
 * handed to the {@link RunListener}s (the audit).
 */
package dev.riposte.dispatch;
