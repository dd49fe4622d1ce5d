package dev.riposte.effect.files;

import dev.riposte.base.EffectResult;
import dev.riposte.config.RiposteConfig;
import dev.riposte.effect.os.ErrnoException;
import dev.riposte.effect.os.FileStat;
import dev.riposte.effect.os.LibC;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evidence and reads on the local file system, through the kernel's own path checks:
 *
 * <ul>
 *   <li>Writes, new directories and removals open their root and resolve the rest beneath it with no
 *       link followed ({@link Beneath}): a link swapped in at any moment fails the call. Directories are
 *       made mode 0700 and files mode 0600 whatever the umask.</li>
 *   <li>Reads resolve the path, check it ({@link ReadPolicy}), open the resolved path with no link allowed
 *       and without blocking ({@code O_NONBLOCK}), and accept only a regular file: a FIFO, a device or a
 *       socket is refused, and a file that would make the read wait (such as {@code /proc/kmsg}) is
 *       refused when it would.</li>
 * </ul>
 * Thread-safe.
 */
public final class LocalFiles implements FileEffects {
    private static final Logger LOG = LoggerFactory.getLogger(LocalFiles.class);
    private static final Pattern TEMP_PATTERN = Pattern.compile("[A-Za-z0-9._-]{1,64}\\*");
    private static final int DIR_MODE = 0700;
    private static final int FILE_MODE = 0600;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final LibC libc = LibC.system();
    private final Path evidenceDir;
    private final PathPolicy writePolicy;
    private final PathPolicy evidencePolicy;
    private final ReadPolicy readPolicy;
    private final long maxFileBytes;
    private final long maxReadBytes;

    /** @param alwaysDenied files no reaction may read whatever the configuration (the state database) */
    public LocalFiles(RiposteConfig.Evidence evidence, RiposteConfig.Files files, List<Path> alwaysDenied) {
        this.evidenceDir = evidence.dir().toAbsolutePath().normalize();
        List<Path> roots = new ArrayList<>();
        roots.add(this.evidenceDir);
        files.writeRoots().forEach(r -> roots.add(r.toAbsolutePath().normalize()));
        this.writePolicy = new PathPolicy(roots);
        this.evidencePolicy = new PathPolicy(List.of(this.evidenceDir));
        this.readPolicy = new ReadPolicy(files.readRoots(), files.readDeny(), alwaysDenied);
        this.maxFileBytes = evidence.maxFileBytes();
        this.maxReadBytes = files.maxReadBytes();
    }

    /**
     * Creates the evidence directory (mode 0700) if it is missing; called once at start. It must be reached
     * without any symbolic link, since every write resolves beneath it.
     */
    public void prepare() throws IOException {
        if (!Files.exists(evidenceDir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(evidenceDir);
            Files.setPosixFilePermissions(evidenceDir, PosixFilePermissions.fromString("rwx------"));
        }
        try {
            Beneath.open(libc, evidenceDir).close();
        } catch (ErrnoException e) {
            throw new IOException("evidence.dir " + evidenceDir + " cannot be used: " + linkOrError(evidenceDir, e));
        }
    }

    @Override
    public EffectResult createTempDir(String pattern) {
        if (!TEMP_PATTERN.matcher(pattern).matches()) {
            return EffectResult.failed(
                    "pattern \"" + pattern + "\" must be 1 to 64 characters of A-Z a-z 0-9 . _ - " + "followed by *");
        }
        String prefix = pattern.substring(0, pattern.length() - 1);
        try (Beneath evidence = Beneath.open(libc, evidenceDir)) {
            for (int attempt = 0; attempt < 16; attempt++) {
                byte[] random = new byte[6];
                RANDOM.nextBytes(random);
                String name = prefix + HexFormat.of().formatHex(random);
                try {
                    evidence.mkdir(Path.of(name), DIR_MODE);
                } catch (ErrnoException e) {
                    if (e.errno == ErrnoException.EEXIST) {
                        continue;
                    }
                    throw e;
                }
                Path dir = evidenceDir.resolve(name);
                LOG.debug("created evidence directory {}", dir);
                return EffectResult.done(dir.toString());
            }
            return EffectResult.failed("no free name for pattern \"" + pattern + "\" after 16 attempts");
        } catch (ErrnoException e) {
            return EffectResult.failed(
                    "cannot create a directory in " + evidenceDir + ": " + linkOrError(evidenceDir, e));
        }
    }

    @Override
    public EffectResult writeFile(String text, byte[] data) {
        if (data.length > maxFileBytes) {
            return EffectResult.failed(
                    "data has " + data.length + " bytes; the limit is " + maxFileBytes + " (evidence.max_file_bytes)");
        }
        PathPolicy.Target target;
        try {
            target = writePolicy.checkWritable(text);
        } catch (IllegalArgumentException e) {
            return EffectResult.failed("refused: " + e.getMessage());
        }
        try (Beneath root = Beneath.open(libc, target.root())) {
            root.writeFile(target.relative(), data, FILE_MODE);
        } catch (ErrnoException e) {
            if (e.errno == ErrnoException.ENOENT) {
                return EffectResult.failed("directory " + target.path().getParent() + " does not exist");
            }
            return refusedOrFailed("cannot write", target.path(), e);
        } catch (IOException e) {
            return EffectResult.failed("refused: \"" + target.path() + "\": " + e.getMessage());
        }
        LOG.debug("wrote {} bytes to {}", data.length, target.path());
        return EffectResult.done();
    }

    @Override
    public EffectResult readFile(String text) {
        Path path;
        try {
            path = readPolicy.check(text);
        } catch (IllegalArgumentException e) {
            return EffectResult.failed("refused: " + e.getMessage());
        } catch (NoSuchFileException e) {
            return EffectResult.failed("\"" + text + "\" does not exist");
        } catch (IOException e) {
            return EffectResult.failed("cannot resolve \"" + text + "\": " + e.getMessage());
        }
        int fd;
        try {
            fd = libc.openat2(
                    LibC.AT_FDCWD,
                    path.toString(),
                    LibC.O_RDONLY | LibC.O_NONBLOCK | LibC.O_NOCTTY | LibC.O_NOFOLLOW | LibC.O_CLOEXEC,
                    0,
                    LibC.RESOLVE_NO_SYMLINKS | LibC.RESOLVE_NO_MAGICLINKS);
        } catch (ErrnoException e) {
            return refusedOrFailed("cannot open", path, e);
        }
        try {
            FileStat stat = libc.fstat(fd);
            if (!stat.isRegular()) {
                return EffectResult.failed("\"" + path + "\" is " + stat.kind() + ", not a regular file");
            }
            readPolicy.checkOpened(path, stat);
            return EffectResult.done(new String(readAtMost(fd), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return EffectResult.failed("refused: " + e.getMessage());
        } catch (TooLarge e) {
            return EffectResult.failed(
                    "\"" + path + "\" has more than " + maxReadBytes + " bytes (files.max_read_bytes)");
        } catch (ErrnoException e) {
            if (e.errno == ErrnoException.EAGAIN) {
                return EffectResult.failed(
                        "refused: reading \"" + path + "\" would block (it waits for data that may " + "never come)");
            }
            return EffectResult.failed("cannot read \"" + path + "\": " + ErrnoException.describe(e.errno));
        } catch (IOException e) {
            return EffectResult.failed("cannot check \"" + path + "\": " + e.getMessage());
        } finally {
            libc.close(fd);
        }
    }

    /** Reads to the end, refusing at one byte past the limit: /proc files report size 0, so the size cannot be trusted. */
    private byte[] readAtMost(int fd) throws ErrnoException, TooLarge {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[65536];
        int n;
        while ((n = libc.read(fd, buffer, 0, (int) Math.min(buffer.length, maxReadBytes + 1 - out.size()))) > 0) {
            out.write(buffer, 0, n);
            if (out.size() > maxReadBytes) {
                throw new TooLarge();
            }
        }
        return out.toByteArray();
    }

    /** A file over {@code files.max_read_bytes}. */
    private static final class TooLarge extends Exception {
        TooLarge() {
            super(null, null, false, false);
        }
    }

    @Override
    public EffectResult stat(String text) {
        Path path;
        try {
            path = readPolicy.check(text);
        } catch (IllegalArgumentException e) {
            return EffectResult.failed("refused: " + e.getMessage());
        } catch (NoSuchFileException e) {
            return EffectResult.failed("\"" + text + "\" does not exist");
        } catch (IOException e) {
            return EffectResult.failed("cannot stat \"" + text + "\": " + e.getMessage());
        }
        int fd;
        try {
            // O_PATH: nothing is opened for reading, so no FIFO or device can make this wait.
            fd = libc.openat2(
                    LibC.AT_FDCWD,
                    path.toString(),
                    LibC.O_PATH | LibC.O_NOFOLLOW | LibC.O_CLOEXEC,
                    0,
                    LibC.RESOLVE_NO_SYMLINKS | LibC.RESOLVE_NO_MAGICLINKS);
        } catch (ErrnoException e) {
            return refusedOrFailed("cannot stat", path, e);
        }
        try {
            FileStat stat = libc.fstat(fd);
            readPolicy.checkOpened(path, stat);
            return EffectResult.done("{\"size\":" + stat.size() + ",\"mode\":" + (stat.mode() & 07777) + ",\"modTime\":"
                    + stat.mtimeSeconds() + ",\"isDir\":" + stat.isDirectory() + "}");
        } catch (IllegalArgumentException e) {
            return EffectResult.failed("refused: " + e.getMessage());
        } catch (ErrnoException | IOException e) {
            return EffectResult.failed("cannot stat \"" + path + "\": " + e.getMessage());
        } finally {
            libc.close(fd);
        }
    }

    @Override
    public EffectResult removeDir(String text) {
        PathPolicy.Target target;
        try {
            target = evidencePolicy.checkWritable(text);
        } catch (IllegalArgumentException e) {
            return EffectResult.failed("refused: " + e.getMessage() + " (RemoveDir works only under evidence.dir)");
        }
        try (Beneath evidence = Beneath.open(libc, evidenceDir)) {
            evidence.removeTree(target.relative());
        } catch (ErrnoException e) {
            if (e.errno == ErrnoException.ENOENT && !Files.exists(target.path(), LinkOption.NOFOLLOW_LINKS)) {
                return EffectResult.unchanged();
            }
            if (e.errno == ErrnoException.ENOTDIR
                    && Files.exists(target.path(), LinkOption.NOFOLLOW_LINKS)
                    && !Files.isSymbolicLink(target.path())) {
                return EffectResult.failed("\"" + target.path() + "\" is not a directory");
            }
            return refusedOrFailed("cannot remove", target.path(), e);
        } catch (IOException e) {
            return EffectResult.failed("cannot remove \"" + target.path() + "\": " + e.getMessage());
        }
        LOG.debug("removed evidence directory {}", target.path());
        return EffectResult.done();
    }

    /** A refusal when a link stood in the way (named, if it can still be found), else the failure itself. */
    private static EffectResult refusedOrFailed(String what, Path path, ErrnoException e) {
        if (e.errno == ErrnoException.ELOOP || e.errno == ErrnoException.EXDEV) {
            return EffectResult.failed("refused: " + linkOrError(path, e));
        }
        if (e.errno == ErrnoException.ENOENT) {
            return EffectResult.failed("\"" + path + "\" does not exist (or its directory does not)");
        }
        if (e.errno == ErrnoException.ENXIO) {
            return EffectResult.failed("\"" + path + "\" is a socket or a device without a driver, not a regular file");
        }
        return EffectResult.failed(what + " \"" + path + "\": " + ErrnoException.describe(e.errno));
    }

    private static String linkOrError(Path path, ErrnoException e) {
        if (e.errno == ErrnoException.ELOOP || e.errno == ErrnoException.EXDEV) {
            Path link = PathPolicy.firstLink(path);
            return link != null
                    ? "\"" + link + "\" is a symbolic link; no link may appear in the path"
                    : "\"" + path + "\" was reached through a symbolic link; no link may appear in the path";
        }
        return ErrnoException.describe(e.errno);
    }
}
