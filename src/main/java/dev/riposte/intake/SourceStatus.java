package dev.riposte.intake;

/**
 * What one stream source (a followed file, standard input) has done, for {@code riposte stats}.
 *
 * @param source the configured path, or "stdin"
 * @param file the file being read now and its identity ("" when there is none), such as
 *             {@code /var/log/jibril.out (dev 2049, inode 1234)}
 * @param position bytes of the current file read so far
 * @param handled bytes of the current file whose events have all been handled (what a restart resumes from)
 * @param lag bytes of the current file not yet read
 * @param state what the reader is doing, in a few words
 */
public record SourceStatus(
        String source,
        String format,
        String file,
        long position,
        long handled,
        long lag,
        long events,
        long rejected,
        long refused,
        long rotations,
        long truncations,
        String state) {}
