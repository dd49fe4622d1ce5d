package dev.riposte.sandbox;

import dev.riposte.base.Text;
import dev.riposte.event.Event;
import dev.riposte.match.Reaction;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a shell's output (stdout and stderr together) to the end on a thread of its own, keeping the first
 * {@link ShellRunner#MAX_OUTPUT_BYTES}, and logs it a line per entry. One per run.
 */
final class ShellOutput implements Runnable {
    private static final Logger REACTION_LOG = LoggerFactory.getLogger("riposte.reaction");

    private final InputStream in;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private long dropped;

    ShellOutput(InputStream in) {
        this.in = in;
    }

    @Override
    public void run() {
        byte[] buffer = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                int keep = Math.min(n, ShellRunner.MAX_OUTPUT_BYTES - kept.size());
                kept.write(buffer, 0, keep);
                dropped += n - keep;
            }
        } catch (IOException ignored) {
            // the process is gone; what was read is logged
        }
    }

    /**
     * Logs the output a line per entry, as journalctl shows a program's lines (one entry holding them
     * all showed as one line of literal \n), at most {@link ShellRunner#MAX_OUTPUT_LINES} of them.
     */
    void log(Reaction reaction, Event event) {
        String text = kept.toString(StandardCharsets.UTF_8).stripTrailing();
        if (text.isEmpty()) {
            return;
        }
        String[] lines = text.split("\n", -1);
        int shown = Math.min(lines.length, ShellRunner.MAX_OUTPUT_LINES);
        for (int i = 0; i < shown; i++) {
            boolean last = i == shown - 1;
            String more = !last
                    ? ""
                    : (lines.length > shown ? " ...[" + (lines.length - shown) + " more lines not logged]" : "")
                            + (dropped > 0 ? " ...[" + dropped + " more bytes not kept]" : "");
            REACTION_LOG
                    .atInfo()
                    .addKeyValue("REACTION", reaction.name())
                    .addKeyValue("EVENT_UUID", event.uuid())
                    .log("shell output: {}{}", Text.forLog(lines[i]), more);
        }
    }
}
