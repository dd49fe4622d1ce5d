package dev.riposte.intake.file;

import dev.riposte.effect.os.ErrnoException;
import dev.riposte.effect.os.FileStat;
import dev.riposte.effect.os.LibC;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** {@link LogFiles} of this host: the open file through {@link LibC} (fstat and pread on its fd), names through the JDK. */
final class LocalLogFiles implements LogFiles {
    private final LibC libc;

    LocalLogFiles(LibC libc) {
        this.libc = libc;
    }

    @Override
    public Optional<FileId> identify(Path path) throws IOException {
        Map<String, Object> a;
        try {
            a = Files.readAttributes(path, "unix:dev,ino,size,lastModifiedTime,mode");
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        return Optional.of(new FileId(number(a, "dev"), number(a, "ino"), number(a, "size"), (FileTime)
                Objects.requireNonNull(a.get("lastModifiedTime"))));
    }

    @Override
    public OpenLog open(Path path) throws IOException {
        int fd;
        try {
            // O_NONBLOCK: opening a FIFO put at the path must not wait for a writer.
            fd = libc.openat2(LibC.AT_FDCWD, path.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC | LibC.O_NONBLOCK, 0, 0);
        } catch (ErrnoException e) {
            if (e.errno == ErrnoException.ENOENT) {
                throw new NoSuchFileException(path.toString());
            }
            throw new IOException("cannot open " + path + ": " + ErrnoException.describe(e.errno));
        }
        try {
            FileStat stat = libc.fstat(fd);
            if (!stat.isRegular()) {
                throw new IOException(path + " is " + stat.kind() + ", not a regular file");
            }
        } catch (ErrnoException | IOException e) {
            libc.close(fd);
            throw e instanceof IOException io ? io : new IOException("cannot stat " + path + ": " + e.getMessage());
        }
        return new Open(fd, path);
    }

    @Override
    public List<Rotated> rotatedBeside(Path path) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        String name = path.getFileName().toString();
        List<Rotated> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String other = p.getFileName().toString();
                if (!LogFiles.rotatedName(name, other) || !Files.isRegularFile(p)) {
                    continue;
                }
                identify(p).ifPresent(id -> out.add(new Rotated(p, id)));
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        return out;
    }

    private final class Open implements OpenLog {
        private final int fd;
        private final Path path;
        private boolean closed;

        Open(int fd, Path path) {
            this.fd = fd;
            this.path = path;
        }

        private FileStat stat() throws IOException {
            try {
                return libc.fstat(fd);
            } catch (ErrnoException e) {
                throw new IOException("cannot stat the open " + path + ": " + ErrnoException.describe(e.errno));
            }
        }

        @Override
        public FileId id() throws IOException {
            FileStat s = stat();
            return new FileId(s.device(), s.inode(), s.size(), FileTime.from(s.mtimeSeconds(), TimeUnit.SECONDS));
        }

        @Override
        public long links() throws IOException {
            return stat().nlink();
        }

        @Override
        public int read(long position, byte[] buffer, int offset, int length) throws IOException {
            try {
                return libc.pread(fd, buffer, offset, length, position);
            } catch (ErrnoException e) {
                throw new IOException(
                        "cannot read " + path + " at byte " + position + ": " + ErrnoException.describe(e.errno));
            }
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                libc.close(fd);
            }
        }
    }

    private static long number(Map<String, Object> attributes, String name) {
        return (Long) Objects.requireNonNull(attributes.get(name), name);
    }
}
