/**
 * Evidence directories and files, and reading the host's files. {@link PathPolicy} decides which paths
 * a reaction may write (allowed roots, no {@code ..}, no symbolic link anywhere in the path),
 * {@link ReadPolicy} which it may read (links resolved first, read roots, deny list);
 * {@link LocalFiles} does it, and {@link EvidenceRetention} keeps the evidence directory bounded.
 */
package dev.riposte.effect.files;
