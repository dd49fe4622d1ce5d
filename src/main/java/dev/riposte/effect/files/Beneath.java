package dev.riposte.effect.files;

import dev.riposte.effect.os.ErrnoException;
import dev.riposte.effect.os.FileStat;
import dev.riposte.effect.os.LibC;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;

/**
 * A write root, opened as a directory, beneath which every path is resolved by the kernel without
 * following any link ({@code openat2} with {@code RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
 * RESOLVE_NO_MAGICLINKS}): a symbolic link planted or swapped in anywhere on the path, at any moment,
 * makes the operation fail instead of leading it out of the root. The root's own path may hold no link
 * either. Not thread-safe: each operation opens its own.
 */
final class Beneath implements AutoCloseable {
    static final long RESOLVE = LibC.RESOLVE_BENEATH | LibC.RESOLVE_NO_SYMLINKS | LibC.RESOLVE_NO_MAGICLINKS;

    private final LibC libc;
    private final int root;

    private Beneath(LibC libc, int root) {
        this.libc = libc;
        this.root = root;
    }

    /** Opens {@code root}, which must be a directory reached without any symbolic link. */
    static Beneath open(LibC libc, Path root) throws ErrnoException {
        return new Beneath(
                libc,
                libc.openat2(
                        LibC.AT_FDCWD,
                        root.toString(),
                        LibC.O_PATH | LibC.O_DIRECTORY | LibC.O_CLOEXEC,
                        0,
                        LibC.RESOLVE_NO_SYMLINKS | LibC.RESOLVE_NO_MAGICLINKS));
    }

    /**
     * Creates or replaces the regular file {@code relative} with {@code data}, mode {@code mode}. An existing
     * file that is not a regular file, or that has other hard links, is refused and left as it is.
     */
    void writeFile(Path relative, byte[] data, int mode) throws ErrnoException, IOException {
        // O_NONBLOCK: a FIFO swapped in cannot make the open wait for a reader.
        int fd = libc.openat2(
                root,
                relative.toString(),
                LibC.O_WRONLY | LibC.O_CREAT | LibC.O_NOFOLLOW | LibC.O_NONBLOCK | LibC.O_NOCTTY | LibC.O_CLOEXEC,
                mode,
                RESOLVE);
        try {
            FileStat stat = libc.fstat(fd);
            if (!stat.isRegular()) {
                throw new IOException("it is " + stat.kind() + ", not a regular file");
            }
            if (stat.nlink() > 1) {
                throw new IOException("it has " + (stat.nlink() - 1) + " other hard links; replacing its content would "
                        + "change them too");
            }
            libc.fchmod(fd, mode);
            libc.ftruncate(fd, 0);
            for (int written = 0; written < data.length; ) {
                written += libc.write(fd, data, written, data.length - written);
            }
        } finally {
            libc.close(fd);
        }
    }

    /** Makes the new directory {@code relative} (its parent must exist), mode {@code mode} whatever the umask. */
    void mkdir(Path relative, int mode) throws ErrnoException {
        int parent = openParent(relative);
        try {
            String name = relative.getFileName().toString();
            libc.mkdirat(parent, name, mode);
            int dir = libc.openat2(
                    parent, name, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_NOFOLLOW | LibC.O_CLOEXEC, 0, RESOLVE);
            try {
                libc.fchmod(dir, mode);
            } finally {
                libc.close(dir);
            }
        } finally {
            closeParent(parent);
        }
    }

    /**
     * Removes the directory {@code relative} with everything in it. Its contents are removed through the
     * open directory (see {@link Tree}), so nothing outside it can be reached.
     */
    void removeTree(Path relative) throws ErrnoException, IOException {
        int dir = libc.openat2(
                root,
                relative.toString(),
                LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_NOFOLLOW | LibC.O_CLOEXEC,
                0,
                RESOLVE);
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(Path.of("/proc/self/fd/" + dir))) {
            // /proc/self/fd/N names exactly the directory this fd holds, wherever links now point.
            if (!(stream instanceof SecureDirectoryStream<Path> secure)) {
                throw new IOException("this file system cannot remove trees without following links");
            }
            Tree.deleteContents(secure);
        } finally {
            libc.close(dir);
        }
        int parent = openParent(relative);
        try {
            libc.unlinkat(parent, relative.getFileName().toString(), LibC.AT_REMOVEDIR);
        } finally {
            closeParent(parent);
        }
    }

    private int openParent(Path relative) throws ErrnoException {
        Path parent = relative.getParent();
        return parent == null
                ? root
                : libc.openat2(root, parent.toString(), LibC.O_PATH | LibC.O_DIRECTORY | LibC.O_CLOEXEC, 0, RESOLVE);
    }

    private void closeParent(int fd) {
        if (fd != root) {
            libc.close(fd);
        }
    }

    @Override
    public void close() {
        libc.close(root);
    }
}
