/**
 * The state store: one SQLite database (WAL) whose schema is versioned and migrated at start. It holds
 * the reactions' key/values ({@link KeyValues}, one namespace per reaction) and the audit trail.
 */
package dev.riposte.state;
