/**
 * The composition root. {@link dev.riposte.daemon.Components} says how each part is made from the
 * configuration, for {@code riposte run}, {@code test} and {@code check} alike;
 * {@link dev.riposte.daemon.Daemon} starts the parts in data-path order and stops them in reverse;
 * {@link dev.riposte.daemon.Reloader} reloads reactions and reads the configuration file again;
 * {@code DaemonControl} answers the control socket. Only the command line depends on this package.
 */
package dev.riposte.daemon;
