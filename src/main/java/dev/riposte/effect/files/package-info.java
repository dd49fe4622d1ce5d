/**
 * Evidence directories and files. {@link PathPolicy} decides which paths a reaction may write
 * (allowed roots, no {@code ..}, no symbolic link anywhere in the path); {@link LocalFiles} does it.
 */
package dev.riposte.effect.files;
