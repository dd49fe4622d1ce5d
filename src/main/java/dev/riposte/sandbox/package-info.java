/**
 * Runs reactions. JavaScript runs in GraalJS ({@link Sandbox}): one shared {@code Engine}; every run
 * gets a fresh {@code Context} that allows nothing but the helpers (no host access, I/O, threads,
 * processes, environment or native access), with a deadline and an allocation budget enforced by a
 * watchdog that cancels the context. Shell reactions run in {@code /bin/sh} ({@link ShellRunner}) in a
 * process group that is killed at the deadline. Whatever a reaction does becomes an {@code Outcome}
 * here; no guest error escapes.
 */
package dev.riposte.sandbox;
