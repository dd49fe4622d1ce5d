package dev.riposte.match;

import dev.riposte.base.Text;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads every reaction file of a reactions directory: {@code *.js} (JavaScript), {@code *.sh} (shell,
 * header in {@code #} comments) and {@code *.yaml}/{@code *.yml} (Jibril recipe files, which may define
 * several reactions). A file that anyone but root or riposte's own
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

    private final ScriptValidator js;
    private final ScriptValidator shell;
    private final Duration defaultTimeout;
    private final RecipeLoader recipes;

    public ReactionLoader(ScriptValidator js, ScriptValidator shell, Duration defaultTimeout) {
        this.js = js;
        this.shell = shell;
        this.defaultTimeout = defaultTimeout;
        this.recipes = new RecipeLoader(js, shell, defaultTimeout);
    }

    private static boolean isReactionFile(Path p) {
        String n = p.getFileName().toString();
        return !n.startsWith(".")
                && (n.endsWith(".js") || n.endsWith(".sh") || n.endsWith(".yaml") || n.endsWith(".yml"));
    }

    private static boolean isRecipeFile(Path p) {
        String n = p.getFileName().toString();
        return n.endsWith(".yaml") || n.endsWith(".yml");
    }

    /** Loads the directory; files are taken in name order, so a duplicate {@code @name} loses to the earlier file. */
    public ReactionSet loadDirectory(Path dir) {
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(ReactionLoader::isReactionFile).sorted().toList();
        } catch (IOException e) {
            Rejection r = new Rejection(dir, 1, "cannot list the reactions directory: " + e);
            LOG.error("reaction rejected: {}", r);
            return new ReactionSet(List.of(), List.of(r));
        }
        ReactionSet set = loadFiles(files);
        LOG.info(
                "reactions loaded from {}: {} loaded, {} rejected",
                dir,
                set.loaded().size(),
                set.rejected().size());
        return set;
    }

    /** Loads the given reaction files, in the order given (a duplicate {@code @name} loses to the earlier file). */
    public ReactionSet loadFiles(List<Path> files) {
        List<Reaction> loaded = new ArrayList<>();
        List<Rejection> rejected = new ArrayList<>();
        Map<String, Path> names = new HashMap<>();
        for (Path file : files) {
            List<Reaction> fromFile = new ArrayList<>();
            List<Rejection> rejectedHere = new ArrayList<>();
            try {
                if (isRecipeFile(file)) {
                    byte[] bytes = read(file);
                    RecipeLoader.Loaded r = recipes.load(file, decode(bytes), sha256(bytes));
                    fromFile.addAll(r.reactions());
                    rejectedHere.addAll(r.rejections());
                } else {
                    fromFile.add(load(file));
                }
            } catch (ReactionException e) {
                rejectedHere.add(new Rejection(file, e.line(), Text.message(e)));
            }
            for (Reaction reaction : fromFile) {
                Path previous = names.putIfAbsent(reaction.name(), file);
                if (previous != null) {
                    int line = reaction.header().name().isPresent() ? nameLine(reaction) : 1;
                    rejectedHere.add(new Rejection(
                            file, line, "reaction name \"" + reaction.name() + "\" is already used by " + previous));
                } else {
                    loaded.add(reaction);
                }
            }
            for (Rejection r : rejectedHere) {
                LOG.error("reaction rejected: {}", r);
            }
            rejected.addAll(rejectedHere);
        }
        return new ReactionSet(loaded, rejected);
    }

    /** Loads one {@code .js} or {@code .sh} file. */
    public Reaction load(Path file) throws ReactionException {
        byte[] bytes = read(file);
        String text = decode(bytes);
        String fileName = file.getFileName().toString();
        boolean isShell = fileName.endsWith(".sh");
        ReactionHeader header = HeaderParser.parse(text, isShell ? "#" : "//");
        Code code = (isShell ? shell : js).validate(file.toString(), text);
        String name = header.name().orElse(fileName.substring(0, fileName.lastIndexOf('.')));
        if (header.name().isEmpty() && !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw new ReactionException(1, "the file name does not make a valid reaction name; add @name");
        }
        return new Reaction(
                name, file, header, sha256(bytes), code, header.timeout().orElse(defaultTimeout));
    }

    private static String decode(byte[] bytes) throws ReactionException {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ReactionException(1, "the file is not valid UTF-8");
        }
    }

    private static byte[] read(Path file) throws ReactionException {
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file)) {
                throw new ReactionException(1, "not a regular file");
            }
            int owner = (Integer) Files.getAttribute(file, "unix:uid");
            if (owner != 0 && owner != OWN_UID) {
                throw new ReactionException(
                        1,
                        "the file is owned by uid " + owner + "; reactions must belong to root "
                                + "or to riposte's own user");
            }
            if (Files.getPosixFilePermissions(file).contains(PosixFilePermission.OTHERS_WRITE)) {
                throw new ReactionException(
                        1, "the file is writable by every user; refusing to run it " + "(chmod o-w)");
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
        List<String> lines = reaction.code().text().lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).matches("\\s*(//|#)\\s*@name\\b.*")) {
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
