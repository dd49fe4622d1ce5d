package dev.riposte.testing;

import dev.riposte.config.ConfigLoader;
import dev.riposte.config.RiposteConfig;
import dev.riposte.effect.Effects;
import dev.riposte.effect.files.FileEffects;
import dev.riposte.effect.files.LocalFiles;
import dev.riposte.effect.netpolicy.NetPolicy;
import dev.riposte.effect.os.LibC;
import dev.riposte.match.Reaction;
import dev.riposte.match.ReactionException;
import dev.riposte.match.ReactionLoader;
import dev.riposte.sandbox.Sandbox;
import dev.riposte.sandbox.ShellIsolation;
import dev.riposte.sandbox.ShellRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Real sandboxes for tests, with the effects a test chooses. */
public final class TestSandboxes {
    public static final long MAX_ALLOC = 64L << 20;

    private TestSandboxes() {}

    public static Sandbox create(Effects effects) {
        return Sandbox.withEffects(effects, Duration.ofSeconds(1), MAX_ALLOC);
    }

    public static Sandbox create(FileEffects files, NetPolicy net) {
        return create(Effects.refusing("off in this test").withFiles(files).withNet(net));
    }

    public static Sandbox withoutEffects() {
        return create(Effects.refusing("off in this test"));
    }

    /**
     * Real local files: evidence under {@code evidence}, writes also allowed under {@code writeRoots},
     * reads under {@code readRoots} with the default deny list, {@code maxBytes} for both size limits.
     */
    public static LocalFiles localFiles(Path evidence, List<Path> writeRoots, List<Path> readRoots, long maxBytes) {
        return new LocalFiles(
                new RiposteConfig.Evidence(evidence, maxBytes, Duration.ofDays(7), 1L << 30),
                new RiposteConfig.Files(writeRoots, readRoots, ConfigLoader.DEFAULT_READ_DENY, maxBytes),
                List.of());
    }

    /** The shell runner the daemon would have with the default configuration (tests run as root: isolated). */
    public static ShellRunner shell(Path workRoot) {
        return new ShellRunner(workRoot, ShellIsolation.of(new RiposteConfig.Shell("nobody", false)), LibC.system());
    }

    /** A run's helper calls as {@code Helper(args)=result}, with {@code errno=...} after a failure. */
    public static List<String> calls(List<dev.riposte.base.HelperCall> calls) {
        return calls.stream()
                .map(c -> c + (c.errno().isEmpty() ? "" : " errno=" + c.errno()))
                .toList();
    }

    /** Writes {@code text} as {@code dir/name.js} and loads it through the real loader. */
    public static Reaction load(Sandbox sandbox, Path dir, String name, String text)
            throws IOException, ReactionException {
        Path file = dir.resolve(name + ".js");
        Files.writeString(file, text);
        return new ReactionLoader(sandbox, TestSandboxes.shell(Path.of("/tmp")), Duration.ofSeconds(1)).load(file);
    }
}
