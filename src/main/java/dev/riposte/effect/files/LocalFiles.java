package dev.riposte.effect.files;

import dev.riposte.config.RiposteConfig;
import dev.riposte.effect.EffectResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
    private final PathPolicy evidencePolicy;
    private final ReadPolicy readPolicy;
    private final long maxFileBytes;
    private final long maxReadBytes;

    /** @param alwaysDenied paths no reaction may read whatever the configuration (the state database) */
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
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            return EffectResult.failed("\"" + path + "\" is not a regular file");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS)) {
            // Read one byte past the limit: /proc files report size 0, so the size cannot be trusted.
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer, 0, (int) Math.min(buffer.length, maxReadBytes + 1 - out.size()))) > 0) {
                out.write(buffer, 0, n);
                if (out.size() > maxReadBytes) {
                    return EffectResult.failed("\"" + path + "\" has more than " + maxReadBytes
                            + " bytes (files.max_read_bytes)");
                }
            }
        } catch (IOException e) {
            return EffectResult.failed("cannot read \"" + path + "\": " + e.getMessage());
        }
        return EffectResult.done(new String(out.toByteArray(), StandardCharsets.UTF_8));
    }

    @Override
    public EffectResult stat(String text) {
        try {
            Path path = readPolicy.check(text);
            Map<String, Object> a = Files.readAttributes(path, "unix:size,mode,lastModifiedTime,isDirectory",
                    LinkOption.NOFOLLOW_LINKS);
            long modTime = ((FileTime) a.get("lastModifiedTime")).to(TimeUnit.SECONDS);
            return EffectResult.done("{\"size\":" + a.get("size") + ",\"mode\":" + (((Integer) a.get("mode")) & 07777)
                    + ",\"modTime\":" + modTime + ",\"isDir\":" + a.get("isDirectory") + "}");
        } catch (IllegalArgumentException e) {
            return EffectResult.failed("refused: " + e.getMessage());
        } catch (NoSuchFileException e) {
            return EffectResult.failed("\"" + text + "\" does not exist");
        } catch (IOException e) {
            return EffectResult.failed("cannot stat \"" + text + "\": " + e.getMessage());
        }
    }

    @Override
    public EffectResult removeDir(String text) {
        Path dir;
        try {
            dir = evidencePolicy.checkWritable(text);
        } catch (IllegalArgumentException e) {
            return EffectResult.failed("refused: " + e.getMessage() + " (RemoveDir works only under evidence.dir)");
        }
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return EffectResult.unchanged();
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return EffectResult.failed("\"" + dir + "\" is not a directory");
        }
        try {
            Tree.delete(dir);
        } catch (IOException e) {
            return EffectResult.failed("cannot remove \"" + dir + "\": " + e.getMessage());
        }
        LOG.debug("removed evidence directory {}", dir);
        return EffectResult.done();
    }
}
