/**
 * Time as the daemon's parts are handed it: the {@link dev.riposte.time.Scheduler} that runs every periodic
 * job (no part starts a timer thread of its own, so tests drive time instead of waiting for it), and
 * durations as operators write them ({@link dev.riposte.time.Durations}).
 */
package dev.riposte.time;
