/**
 * Detection events as riposte sees them: the parsed JSON of one Jibril event with the few fields that
 * matching needs lifted out. Parsing is strict (one JSON object, no duplicate keys) and unwraps the
 * Garnet API envelope {@code {"id","kind","data"}}.
 */
package dev.riposte.event;
