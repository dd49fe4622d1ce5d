package dev.riposte.intake;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Placing a listening socket file safely: refuse a live one, replace a stale one, and set mode and group before it is visible. */
final class SocketFiles {
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private SocketFiles() {}

    /**
     * Takes an exclusive lock on {@code <path>.lock} for as long as the returned channel stays open, so
     * that two daemons started at once cannot both pass {@link #checkReplaceable} and rename their
     * sockets over each other. The lock file itself is left in place (removing it would reopen the race).
     */
    static FileChannel lock(Path path) throws IOException {
        Path lockFile = path.resolveSibling(path.getFileName() + ".lock");
        FileChannel channel = FileChannel.open(
                lockFile,
                Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            if (channel.tryLock() == null) {
                throw new IOException("another process holds " + lockFile + " (is riposte already running?)");
            }
        } catch (OverlappingFileLockException e) {
            channel.close();
            throw new IOException("another process holds " + lockFile + " (is riposte already running?)");
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return channel;
    }

    /** Fails if {@code path} exists and is not a socket, or another process answers on it. */
    static void checkReplaceable(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if ((mode & S_IFMT) != S_IFSOCK) {
            throw new IOException(path + " exists and is not a socket; refusing to replace it");
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
        } catch (IOException refused) {
            return; // stale: nobody listens; the rename in publish() replaces it
        }
        throw new IOException("another process is answering on " + path + " (is riposte already running?)");
    }

    /** The temporary name a socket is bound under before {@link #publish} moves it into place. */
    static Path temporary(Path path) {
        return path.resolveSibling(
                "." + path.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
    }

    /** Sets mode (and group, when given) on the bound temporary file, then renames it over {@code path}. */
    static void publish(Path bound, Path path, String mode, String group) throws IOException {
        // Path-based chmod/chown: the no-follow variants open the file, which fails (ENXIO) on a socket.
        // The temporary name was just bound by us in a directory we created or were given.
        if (!group.isEmpty()) {
            GroupPrincipal principal;
            try {
                principal =
                        bound.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
            } catch (IOException e) {
                throw new IOException("intake.group: no such group \"" + group + "\"", e);
            }
            Files.setAttribute(bound, "posix:group", principal);
        }
        Files.setPosixFilePermissions(bound, PosixFilePermissions.fromString(mode));
        Files.move(bound, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
