/**
 * Intake: the Unix stream sockets. Netty frames and decodes, it does not decide: the events pipeline
 * checks the peer's credentials (refusals counted), cuts bounded lines ({@link LineFramer}: a last line
 * without a newline counts, unfinished lines of all connections share one memory budget), turns each into
 * an {@code Event} (or counts and logs why not), and hands events to the dispatcher, pausing the
 * connection while the queue is full. The control socket answers one JSON line per request.
 */
package dev.riposte.intake;
