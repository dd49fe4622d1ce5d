package dev.riposte.effect.files;

import dev.riposte.effect.EffectResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.nio.file.OpenOption;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes evidence on the local file system. Directories are made mode 0700 and files mode 0600
 * whatever the umask. Thread-safe.
 *
 * <p>Known limit: the symbolic-link check and the open are two steps; a process that can write inside
 * the evidence directory between them could still swap a component. Only root and riposte can write
 * there.
 */
public final class LocalFiles implements FileEffects {
    private static final Logger LOG = LoggerFactory.getLogger(LocalFiles.class);
    private static final Pattern TEMP_PATTERN = Pattern.compile("[A-Za-z0-9._-]{1,64}\\*");
    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path evidenceDir;
    private final PathPolicy writePolicy;
    private final long maxFileBytes;

    public LocalFiles(Path evidenceDir, List<Path> writeRoots, long maxFileBytes) {
        this.evidenceDir = evidenceDir.toAbsolutePath().normalize();
        List<Path> roots = new ArrayList<>();
        roots.add(this.evidenceDir);
        writeRoots.forEach(r -> roots.add(r.toAbsolutePath().normalize()));
        this.writePolicy = new PathPolicy(roots);
        this.maxFileBytes = maxFileBytes;
    }

    /** Creates the evidence directory (mode 0700) if it is missing; called once at start. */
    public void prepare() throws IOException {
        if (!Files.exists(evidenceDir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(evidenceDir);
            Files.setPosixFilePermissions(evidenceDir, DIR_MODE);
        }
        PathPolicy.requireRealDirectory(evidenceDir);
    }

    @Override
    public EffectResult createTempDir(String pattern) {
        if (!TEMP_PATTERN.matcher(pattern).matches()) {
            return EffectResult.failed("pattern \"" + pattern + "\" must be 1 to 64 characters of A-Z a-z 0-9 . _ - "
                    + "followed by *");
        }
        String prefix = pattern.substring(0, pattern.length() - 1);
        try {
            PathPolicy.requireRealDirectory(evidenceDir);
            for (int attempt = 0; attempt < 16; attempt++) {
                byte[] random = new byte[6];
                RANDOM.nextBytes(random);
                Path dir = evidenceDir.resolve(prefix + HexFormat.of().formatHex(random));
                try {
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
                } catch (FileAlreadyExistsException e) {
                    continue;
                }
                Files.setPosixFilePermissions(dir, DIR_MODE);
                LOG.debug("created evidence directory {}", dir);
                return EffectResult.done(dir.toString());
            }
            return EffectResult.failed("no free name for pattern \"" + pattern + "\" after 16 attempts");
        } catch (IOException e) {
            return EffectResult.failed("cannot create a directory in " + evidenceDir + ": " + e.getMessage());
        }
    }

    @Override
    public EffectResult writeFile(String text, byte[] data) {
        if (data.length > maxFileBytes) {
            return EffectResult.failed("data has " + data.length + " bytes; the limit is " + maxFileBytes
                    + " (evidence.max_file_bytes)");
        }
        Path path;
        try {
            path = writePolicy.checkWritable(text);
        } catch (IllegalArgumentException e) {
            return EffectResult.failed("refused: " + e.getMessage());
        }
        Path parent = path.getParent();
        if (!Files.isDirectory(parent, LinkOption.NOFOLLOW_LINKS)) {
            return EffectResult.failed("directory " + parent + " does not exist");
        }
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            return EffectResult.failed(path + " exists and is not a regular file");
        }
        try (SeekableByteChannel out = Files.newByteChannel(path,
                Set.<OpenOption>of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING,
                        LinkOption.NOFOLLOW_LINKS),
                PosixFilePermissions.asFileAttribute(FILE_MODE))) {
            Files.setPosixFilePermissions(path, FILE_MODE);
            ByteBuffer buffer = ByteBuffer.wrap(data);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
        } catch (IOException e) {
            return EffectResult.failed("cannot write " + path + ": " + e.getMessage());
        }
        LOG.debug("wrote {} bytes to {}", data.length, path);
        return EffectResult.done();
    }
}
