package dev.riposte.match;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.graalvm.polyglot.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads every {@code *.js} file of a reactions directory. A file that anyone but root or riposte's own
 * user could have written (another owner, or writable by every user) is refused. A bad file is rejected with
 * {@code file:line: what is wrong} and never affects the others. Thread-safe (stateless apart from
 * its immutable settings).
 */
public final class ReactionLoader {
    /** Larger files are refused: a reaction is a short script, and the whole file is hashed and parsed. */
    public static final int MAX_FILE_BYTES = 1 << 20;
    private static final Logger LOG = LoggerFactory.getLogger(ReactionLoader.class);
    /** Reactions run with riposte's privileges, so only root and riposte itself may own them. */
    private static final int OWN_UID = ownUid();

    private final ScriptValidator validator;
    private final Duration defaultTimeout;

    public ReactionLoader(ScriptValidator validator, Duration defaultTimeout) {
        this.validator = validator;
        this.defaultTimeout = defaultTimeout;
    }

    /** Loads the directory; files are taken in name order, so a duplicate {@code @name} loses to the earlier file. */
    public ReactionSet loadDirectory(Path dir) {
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".js"))
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            Rejection r = new Rejection(dir, 1, "cannot list the reactions directory: " + e);
            LOG.error("reaction rejected: {}", r);
            return new ReactionSet(List.of(), List.of(r));
        }
        List<Reaction> loaded = new ArrayList<>();
        List<Rejection> rejected = new ArrayList<>();
        Map<String, Path> names = new HashMap<>();
        for (Path file : files) {
            try {
                Reaction reaction = load(file);
                Path previous = names.putIfAbsent(reaction.name(), file);
                if (previous != null) {
                    int line = reaction.header().name().isPresent() ? nameLine(reaction) : 1;
                    throw new ReactionException(line, "reaction name \"" + reaction.name() + "\" is already used by "
                            + previous);
                }
                loaded.add(reaction);
            } catch (ReactionException e) {
                Rejection r = new Rejection(file, e.line(), e.getMessage());
                LOG.error("reaction rejected: {}", r);
                rejected.add(r);
            }
        }
        LOG.info("reactions loaded from {}: {} loaded, {} rejected", dir, loaded.size(), rejected.size());
        return new ReactionSet(loaded, rejected);
    }

    /** Loads one file. */
    public Reaction load(Path file) throws ReactionException {
        byte[] bytes = read(file);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ReactionException(1, "the file is not valid UTF-8");
        }
        ReactionHeader header = HeaderParser.parse(text);
        Source script = validator.validate(file.toString(), text);
        String fileName = file.getFileName().toString();
        String name = header.name().orElse(fileName.substring(0, fileName.length() - ".js".length()));
        if (header.name().isEmpty() && !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw new ReactionException(1, "the file name does not make a valid reaction name; add @name");
        }
        return new Reaction(name, file, header, sha256(bytes), script, header.timeout().orElse(defaultTimeout));
    }

    private static byte[] read(Path file) throws ReactionException {
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file)) {
                throw new ReactionException(1, "not a regular file");
            }
            int owner = (Integer) Files.getAttribute(file, "unix:uid");
            if (owner != 0 && owner != OWN_UID) {
                throw new ReactionException(1, "the file is owned by uid " + owner + "; reactions must belong to root "
                        + "or to riposte's own user");
            }
            if (Files.getPosixFilePermissions(file).contains(PosixFilePermission.OTHERS_WRITE)) {
                throw new ReactionException(1, "the file is writable by every user; refusing to run it "
                        + "(chmod o-w)");
            }
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new ReactionException(1, "the file has " + size + " bytes; the limit is " + MAX_FILE_BYTES);
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ReactionException(1, "cannot read the file: " + e);
        }
    }

    private static int ownUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read riposte's own uid from /proc/self", e);
        }
    }

    /** The line of the {@code @name} directive, from the text already loaded (no second read of the file). */
    private static int nameLine(Reaction reaction) {
        List<String> lines = reaction.script().getCharacters().toString().lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).matches("\\s*//\\s*@name\\b.*")) {
                return i + 1;
            }
        }
        return 1;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
