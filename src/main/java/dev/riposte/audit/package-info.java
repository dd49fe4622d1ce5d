/**
 * The audit trail: every run (and every skip) ends with one record. {@link RunLog} writes it as one
 * log line with structured fields ({@code REACTION}, {@code EVENT_UUID}, {@code EVENT_NAME},
 * {@code OUTCOME}, {@code DURATION_US}, {@code HELPERS}) for the journal; {@link AuditTrail} stores it
 * in the state store, where {@link AuditQuery} reads it back for {@code riposte audit}.
 */
package dev.riposte.audit;
