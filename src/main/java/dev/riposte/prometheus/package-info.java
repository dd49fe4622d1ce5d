/**
 * riposte's Prometheus metrics ({@code metrics.listen}): the series, read from the daemon's own counters
 * and kept from its runs, served by the Prometheus Java client. Nothing in the data path depends on it.
 */
package dev.riposte.prometheus;
