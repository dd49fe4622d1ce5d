package dev.riposte.sandbox;

import dev.riposte.match.Code;
import dev.riposte.match.ReactionException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A shell reaction's syntax, checked with {@code sh -n}, which reads the script without running any of it. */
final class ShellSyntax {
    /** dash: "sh: 2: Syntax error: ..."; bash: "sh: line 2: syntax error ...". */
    private static final Pattern SH_ERROR = Pattern.compile(".*?: (?:line )?(\\d+): (.*)");

    private ShellSyntax() {}

    /** The script as code, or the line and message of its first syntax error. */
    static Code.Shell check(String text) throws ReactionException {
        try {
            Process p = new ProcessBuilder("/bin/sh", "-n")
                    .redirectErrorStream(true)
                    .start();
            try (var in = p.getOutputStream()) {
                in.write(text.getBytes(StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // sh stopped reading at the first error; its exit status and output tell which
            }
            String out = new String(p.getInputStream().readNBytes(ShellRunner.MAX_OUTPUT_BYTES), StandardCharsets.UTF_8)
                    .strip();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new ReactionException(1, "sh -n did not finish checking the script");
            }
            if (p.exitValue() != 0) {
                Matcher m = SH_ERROR.matcher(out.lines().findFirst().orElse(""));
                if (m.matches()) {
                    throw new ReactionException(Integer.parseInt(m.group(1)), "shell syntax error: " + m.group(2));
                }
                throw new ReactionException(1, "shell syntax error: " + out);
            }
            return new Code.Shell(text);
        } catch (IOException e) {
            throw new ReactionException(1, "cannot run /bin/sh -n to check the script: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReactionException(1, "interrupted while checking the script");
        }
    }
}
