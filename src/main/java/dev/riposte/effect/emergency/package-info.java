/**
 * The last resorts behind {@code PowerOff()} and {@code Panic()}: refused unless enabled. The real
 * implementation is never run by the tests.
 */
package dev.riposte.effect.emergency;
