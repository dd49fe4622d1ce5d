/** Subcommands (picocli). Wiring and presentation only: each command calls the daemon or its sockets. */
package dev.riposte.cli;
