/**
 * Evidence directories and files, and reading the host's files. {@link PathPolicy} decides which paths
 * a reaction may write (allowed roots, no {@code ..}); {@link Beneath} writes, makes and removes them
 * beneath their root with no link followed, enforced by the kernel at the moment of use;
 * {@link ReadPolicy} decides which it may read (links resolved first, read roots, deny list, and the
 * opened file checked by inode against riposte's state and hard links to denied files);
 * {@link LocalFiles} does it, and {@link EvidenceRetention} keeps the evidence directory bounded.
 */
package dev.riposte.effect.files;
