package dev.riposte.effect.files;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Sizes and removals of whole directory trees. A removal works through open directories
 * ({@link SecureDirectoryStream}: openat, unlinkat, never following a link), so a directory swapped for
 * a symbolic link while it runs makes it fail instead of removing what the link points to.
 */
public final class Tree {
    private Tree() {}

    /** Removes the directory {@code root} (not followed if it is a link) with everything in it. */
    public static void delete(Path root) throws IOException {
        Path parent = root.toAbsolutePath().getParent();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(parent)) {
            if (!(stream instanceof SecureDirectoryStream<Path> dir)) {
                throw new IOException("this file system cannot remove trees without following links");
            }
            delete(dir, root.getFileName());
        }
    }

    /** Removes the directory {@code name} of {@code dir} with everything in it, never following a link. */
    static void delete(SecureDirectoryStream<Path> dir, Path name) throws IOException {
        try (SecureDirectoryStream<Path> sub = dir.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
            deleteContents(sub);
        } catch (IOException e) {
            if (!isDirectory(dir, name)) {
                throw new NotDirectoryException(name + " is not a directory (a link or a file): nothing was removed");
            }
            throw e;
        }
        dir.deleteDirectory(name);
    }

    /** Removes everything in {@code dir}, which stays. */
    static void deleteContents(SecureDirectoryStream<Path> dir) throws IOException {
        List<Path> names = new ArrayList<>();
        for (Path entry : dir) {
            names.add(entry.getFileName());
        }
        for (Path name : names) {
            if (isDirectory(dir, name)) {
                delete(dir, name);
            } else {
                dir.deleteFile(name);
            }
        }
    }

    private static boolean isDirectory(SecureDirectoryStream<Path> dir, Path name) throws IOException {
        return dir.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .readAttributes()
                .isDirectory();
    }

    /** Bytes in regular files under {@code root} (or {@code root} itself if it is a file). */
    static long size(Path root) throws IOException {
        long[] total = new long[1];
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    total[0] += attrs.size();
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE;
            }
        });
        return total[0];
    }
}
