package dev.riposte.intake.file;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What following a log file needs from the file system, one method per verb: name a path's file, open
 * it, and list the rotated copies beside it. The one implementation is {@link LocalLogFiles}.
 * Implementations are thread-safe.
 */
interface LogFiles {
    /** A file's identity and size at one moment. */
    record FileId(long device, long inode, long size, FileTime modified) {
        boolean sameFile(@Nullable FileId other) {
            return other != null && device == other.device && inode == other.inode;
        }

        @Override
        public String toString() {
            return "dev " + device + ", inode " + inode;
        }
    }

    /** An open log file, read by offset. Not thread-safe. */
    interface OpenLog extends AutoCloseable {
        /** The open file's identity now, and its link count (0 once its last name is gone). */
        FileId id() throws IOException;

        long links() throws IOException;

        /** Up to {@code length} bytes at {@code position}; 0 at the end of the file. */
        int read(long position, byte[] buffer, int offset, int length) throws IOException;

        @Override
        void close();
    }

    /** The file {@code path} names now (symbolic links followed), or empty when there is none. */
    Optional<FileId> identify(Path path) throws IOException;

    /** Opens {@code path} for reading; anything but a regular file is refused with the reason. */
    OpenLog open(Path path) throws IOException;

    /**
     * The regular files beside {@code path} named as rotations of it, not compressed, with their
     * identities: see {@link #rotatedName}.
     */
    List<Rotated> rotatedBeside(Path path) throws IOException;

    /**
     * Whether {@code other} is the name of a rotation of {@code name}: logrotate's {@code jibril.out.1}
     * and {@code jibril.out-20261201} (the name, then more), and lumberjack's (Tetragon's)
     * {@code tetragon-2026-11-17T09-41-12.000.log} for {@code tetragon.log} (the name without its
     * extension, a dash, more, the extension); compressed files are not read ({@code jibril.out.2.gz}).
     */
    static boolean rotatedName(String name, String other) {
        if (other.equals(name) || COMPRESSED.stream().anyMatch(other::endsWith)) {
            return false;
        }
        if (other.startsWith(name)) {
            return true;
        }
        int dot = name.lastIndexOf('.');
        return dot > 0
                && other.startsWith(name.substring(0, dot) + "-")
                && other.endsWith(name.substring(dot))
                && other.length() > name.length() + 1;
    }

    /** Endings of compressed files, which rotation may leave beside a log and which are not read. */
    List<String> COMPRESSED = List.of(".gz", ".xz", ".bz2", ".zst", ".lz4", ".zip", ".Z");

    record Rotated(Path path, FileId id) {}
}
