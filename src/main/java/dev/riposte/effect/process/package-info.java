/**
 * Killing processes: {@link LocalProcesses} refuses what must never be killed and signals the rest
 * through a pidfd ({@code pidfd_open} and {@code pidfd_send_signal} called through the FFM API), so a
 * reused pid is never hit.
 */
package dev.riposte.effect.process;
