/**
 * The state store: one SQLite database (WAL) whose schema is versioned and migrated at start, each
 * table's steps written beside its owner ({@link dev.riposte.effect.state.StateStore.Migration}). This
 * package owns the reactions' key/values ({@link dev.riposte.effect.state.KeyValues}, one namespace per
 * reaction); the audit trail, the blocks and the intake positions are their owners' tables in the same
 * database.
 */
package dev.riposte.effect.state;
