/**
 * Runs reactions. JavaScript runs in GraalJS ({@link Sandbox}): one shared {@code Engine} whose limits
 * refuse huge single allocations ({@link AllocationLimits}); every run gets a fresh {@code Context} that
 * allows nothing but the helpers (no host access, I/O, threads, processes, environment or native
 * access), with a deadline and an allocation budget enforced by a watchdog that cancels the context.
 * Shell reactions run in {@code /bin/sh} ({@link ShellRunner}) as an unprivileged user in a pid namespace
 * of their own ({@link ShellIsolation}), torn down when the run ends. Whatever a reaction does becomes an
 * {@code Outcome} here; no guest error escapes.
 */
package dev.riposte.sandbox;
