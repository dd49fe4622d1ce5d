/**
 * The one native layer: {@link dev.riposte.effect.os.LibC} lists every C library and system call riposte
 * makes (files opened beneath a root without following links, pidfds, signals, datagrams), with one FFM
 * implementation. Errors are {@link dev.riposte.effect.os.ErrnoException}s that name the call and the error.
 */
package dev.riposte.effect.os;
