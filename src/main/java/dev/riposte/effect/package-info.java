/**
 * Narrow bridges from helpers to the host. Each effect is an interface with one method per verb,
 * a real implementation that logs what it did, and the results helpers turn into return codes.
 */
package dev.riposte.effect;
