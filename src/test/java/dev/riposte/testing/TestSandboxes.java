package dev.riposte.testing;

import dev.riposte.effect.files.DisabledFiles;
import dev.riposte.effect.files.FileEffects;
import dev.riposte.effect.netpolicy.DisabledNetPolicy;
import dev.riposte.effect.netpolicy.NetPolicy;
import dev.riposte.helpers.Helpers;
import dev.riposte.match.Reaction;
import dev.riposte.match.ReactionException;
import dev.riposte.match.ReactionLoader;
import dev.riposte.sandbox.Sandbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Real sandboxes for tests, with the effects a test chooses. */
public final class TestSandboxes {
    public static final long MAX_ALLOC = 64L << 20;

    private TestSandboxes() {}

    public static Sandbox create(FileEffects files, NetPolicy net) {
        String checking = "effects are refused while a reaction file is checked";
        return new Sandbox(new Helpers(files, net), new Helpers(new DisabledFiles(checking), new DisabledNetPolicy(checking)),
                Duration.ofSeconds(1), MAX_ALLOC);
    }

    public static Sandbox withoutEffects() {
        return create(new DisabledFiles("files are off in this test"), new DisabledNetPolicy("netpolicy is off in this test"));
    }

    /** Writes {@code text} as {@code dir/name.js} and loads it through the real loader. */
    public static Reaction load(Sandbox sandbox, Path dir, String name, String text) throws IOException, ReactionException {
        Path file = dir.resolve(name + ".js");
        Files.writeString(file, text);
        return new ReactionLoader(sandbox, Duration.ofSeconds(1)).load(file);
    }
}
