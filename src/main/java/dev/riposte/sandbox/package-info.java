/**
 * Runs reactions in GraalJS. One shared {@code Engine}; every run gets a fresh {@code Context} that
 * allows nothing but the helpers (no host access, I/O, threads, processes, environment or native
 * access), with a deadline and an allocation budget enforced by a watchdog that cancels the context.
 * Whatever the script does becomes an {@code Outcome} here; no guest error escapes.
 */
package dev.riposte.sandbox;
