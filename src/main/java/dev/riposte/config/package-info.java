/**
 * The daemon's configuration: immutable records, one per section of {@code riposte.yaml}, and a
 * strict loader. Every key is optional and has a documented default; an unknown key or a bad
 * value is an error that names the key path, in the shape {@code <key>: <rule>. Found: <value>}.
 */
package dev.riposte.config;
