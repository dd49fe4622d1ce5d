/**
 * The JavaScript-facing API, compatible with Jibril's reactions: thin functions that check their
 * arguments, call an effect bridge, record the call for the audit trail, and return {@code 0},
 * {@code 1} or {@code -1} (or a value, {@code ""} on error), with the reason available from
 * {@code Errno()}. No helper touches the operating system itself.
 */
package dev.riposte.helpers;
