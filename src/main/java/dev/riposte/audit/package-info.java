/**
 * The audit trail: every run (and every skip) ends with one record. {@link RunLog} writes it as one
 * log line with structured fields ({@code REACTION}, {@code EVENT_UUID}, {@code EVENT_NAME},
 * {@code OUTCOME}, {@code DURATION_US}, {@code HELPERS}) for the journal.
 */
package dev.riposte.audit;
